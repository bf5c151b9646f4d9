/**
 * The C++ half of a RemoteVariable (`rogue.interfaces.memory.Variable`): where
 * its bits sit in its block (offset, bit offsets and sizes, list layout, the
 * byte range a transaction of it covers, its stale range), its range and
 * model, and its value through the block's staged bytes (src/tree/convert.ts).
 */
import { PyValue } from '../py/values';
import type { Block } from './block';
import { ValueCodec, codecOf } from './convert';
import { GeneralError } from './generalError';
import { Model } from './model';

export type VarMode = 'RW' | 'RO' | 'WO';

export interface MemVariableOptions {
  name: string;
  /** Full path (late-bound: the path is known only once the variable is in a tree). */
  path: () => string;
  mode: VarMode;
  /** Python minimum/maximum (become doubles in C++; null → 0). */
  minimum: PyValue;
  maximum: PyValue;
  offset: number;
  bitOffset: number[];
  bitSize: number[];
  overlapEn: boolean;
  verifyEn: boolean;
  bulkEn: boolean;
  updateNotify: boolean;
  model: Model;
  numValues: number;
  valueBits: number;
  valueStride: number;
  retryCount: number;
  /** Called by the block after a completed transaction (rogue `queueUpdate`). */
  onUpdate: () => void;
}

function toDouble(v: PyValue): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
}

/** The C++ `rogue.interfaces.memory.Variable`: address layout, stale range and value conversion through its block. */
export class MemVariable {
  readonly name: string;
  readonly pathFn: () => string;
  readonly mode: VarMode;
  readonly minValue: number;
  readonly maxValue: number;
  offset: number;
  readonly bitOffset: number[];
  readonly bitSize: number[];
  readonly overlapEn: boolean;
  readonly verifyEn: boolean;
  readonly bulkEn: boolean;
  readonly updateNotify: boolean;
  readonly model: Model;
  readonly numValues: number;
  readonly valueBits: number;
  readonly valueStride: number;
  readonly retryCount: number;
  readonly byteReverse: boolean;
  readonly bitTotal: number;
  /** Bytes of one value (whole variable when not a list). */
  readonly valueBytes: number;
  varBytes = 0;
  lowTranByte: number[] = [0];
  highTranByte: number[] = [0];
  staleLowByte = 0;
  staleHighByte = 0;
  stale = false;
  block: Block | null = null;
  onUpdate: () => void;
  /** The block conversion of this variable's model (rogue's set/get function pointers). */
  private readonly codec: ValueCodec;

  constructor(o: MemVariableOptions) {
    this.name = o.name;
    this.pathFn = o.path;
    this.mode = o.mode;
    this.minValue = toDouble(o.minimum);
    this.maxValue = toDouble(o.maximum);
    this.offset = o.offset;
    this.bitOffset = [...o.bitOffset];
    this.bitSize = [...o.bitSize];
    this.overlapEn = o.overlapEn;
    this.verifyEn = o.verifyEn;
    this.bulkEn = o.bulkEn;
    this.updateNotify = o.updateNotify;
    this.model = o.model;
    this.numValues = o.numValues;
    this.retryCount = o.retryCount;
    this.byteReverse = o.model.isBigEndian;
    this.onUpdate = o.onUpdate;
    this.bitTotal = this.bitSize.reduce((a, b) => a + b, 0);
    if (this.numValues === 0) {
      this.valueBits = this.bitTotal;
      this.valueStride = this.bitTotal;
    } else {
      this.valueBits = o.valueBits;
      this.valueStride = o.valueStride;
    }
    this.valueBytes = Math.ceil(this.valueBits / 8);
    this.codec = codecOf(this.model, this.valueBits);
    this.shiftOffsetDown(0, 1);
  }

  get path(): string {
    return this.pathFn();
  }

  /** rogue `shiftOffsetDown`: moves the variable's offset down by `shift` bytes (bit offsets up) and recomputes its byte ranges aligned to `minSize`. */
  shiftOffsetDown(shift: number, minSize: number): void {
    if (shift !== 0) {
      this.offset -= shift;
      for (let i = 0; i < this.bitOffset.length; i++) this.bitOffset[i] += shift * 8;
    }
    const unit = minSize * 8;
    const last = this.bitOffset.length - 1;
    const endBit =
      this.numValues === 0 ? this.bitOffset[last] + this.bitSize[last] : this.bitOffset[0] + (this.numValues - 1) * this.valueStride + this.valueBits;
    this.varBytes = Math.ceil(endBit / unit) * minSize;
    if (this.numValues === 0) {
      this.lowTranByte = [Math.floor(this.bitOffset[0] / unit) * minSize];
      this.highTranByte = [this.varBytes - 1];
    } else {
      this.lowTranByte = [];
      this.highTranByte = [];
      for (let x = 0; x < this.numValues; x++) {
        const start = this.bitOffset[0] + x * this.valueStride;
        this.lowTranByte.push(Math.floor(start / unit) * minSize);
        this.highTranByte.push(Math.ceil((start + this.valueBits) / unit) * minSize - 1);
      }
    }
    if (!this.stale) {
      this.staleLowByte = this.lowTranByte[0];
      this.staleHighByte = this.highTranByte[this.highTranByte.length - 1];
    }
  }

  private need(): Block {
    if (!this.block) throw new GeneralError('Variable::getValue', `Variable ${this.name} is not attached to a block`);
    return this.block;
  }

  /** C++ `Variable::setValue` (pyrogue `_set(value, index)`): stages the value in the block (range checks here). */
  setValue(value: PyValue, index = -1): void {
    this.codec.set(this.need(), value, this, index);
  }

  /** C++ `Variable::getValue` (pyrogue `_get(index)`): the staged value. */
  getValue(index = -1): PyValue {
    return this.codec.get(this.need(), this, index);
  }
}
