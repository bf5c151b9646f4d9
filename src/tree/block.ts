/**
 * rogue's memory Block and the C++ half of a RemoteVariable
 * (`rogue.interfaces.memory.Block` / `.Variable`), in TypeScript.
 *
 * A Block is a contiguous byte range of a device's memory holding the staged
 * ("shadow") bytes of every RemoteVariable mapped into it. Variables set their
 * bits into the staged bytes (`set*Py`), transactions move the bytes between
 * the staged copy and the MemoryBackend, and a completed transaction notifies
 * every variable of the block (`varUpdate` → `MemVariable.onUpdate`), which is
 * what makes the root publish them.
 *
 * Semantics kept from rogue (they show on the wire):
 *  - setting a value only stages it and marks the block stale; a Write (or
 *    Post) clears the stale state; a Read of a stale block is skipped (no
 *    transaction, no update notification) and returns the staged value;
 *  - after a Write, a Verify reads the written range back and compares it
 *    under the verify mask (RW variables with verifyEn);
 *  - range errors: `rogue.GeneralError: Block::setUInt: General Error: Value
 *    range error for NAME. Value=55, Min=100.000000, Max=1000.000000`;
 *  - transactions on one block are serialized; different blocks run in
 *    parallel (bulk reads issue every block, then check them).
 */
import { PyError } from '../py/errors';
import { NdArray, NpDtype, NpScalar, PyValue } from '../py/values';
import { MemoryBackend } from './memory';
import type { MaybePromise } from './surface';
import { Model, copyBits, setBits, anyBits, bytesToBigInt, bigIntToBytes } from './model';

/** rogue.interfaces.memory transaction types. */
export const TxType = { Read: 1, Write: 2, Post: 3, Verify: 4 } as const;
export type TxType = (typeof TxType)[keyof typeof TxType];

/** `rogue.GeneralError`: text "SOURCE: General Error: MESSAGE". */
export class GeneralError extends PyError {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super('rogue', 'GeneralError', `${source}: General Error: ${detail}`);
  }
}

/** C's printf("%f"). */
export function cFormatF(x: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (Math.abs(x) < 1e21) {
    const s = x.toFixed(6);
    return Object.is(x, -0) ? '-' + s : s;
  }
  return BigInt(x).toString() + '.000000';
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
/** Scratch for one value of up to 8 bytes, filled and read within one synchronous call (Block.low64). */
const SCRATCH8 = new Uint8Array(8);

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
    const b = this.need();
    switch (this.setFunc()) {
      case 'UInt':
        return b.setUIntPy(value, this, index);
      case 'Int':
        return b.setIntPy(value, this, index);
      case 'Bool':
        return b.setBoolPy(value, this, index);
      case 'String':
        return b.setStringPy(value, this, index);
      case 'Float':
        return b.setFloatPy(value, this, index, false);
      case 'Double':
        return b.setFloatPy(value, this, index, true);
      case 'Fixed':
        return b.setFixedPy(value, this, index);
      default:
        return b.setPyFunc(value, this, index);
    }
  }

  /** C++ `Variable::getValue` (pyrogue `_get(index)`): the staged value. */
  getValue(index = -1): PyValue {
    const b = this.need();
    switch (this.setFunc()) {
      case 'UInt':
        return b.getUIntPy(this, index);
      case 'Int':
        return b.getIntPy(this, index);
      case 'Bool':
        return b.getBoolPy(this, index);
      case 'String':
        return b.getStringPy(this, index);
      case 'Float':
        return b.getFloatPy(this, index, false);
      case 'Double':
        return b.getFloatPy(this, index, true);
      case 'Fixed':
        return b.getFixedPy(this, index);
      default:
        return b.getPyFunc(this, index);
    }
  }

  private setFunc(): string {
    const id = this.model.modelId;
    if ((id === 'UInt' || id === 'Int') && this.valueBits > 64) return 'PyFunc';
    return id;
  }
}

export interface BlockOptions {
  offset: number;
  size: number;
  memory: MemoryBackend;
  /** Absolute address of the owning device (the block's address is this + offset). */
  baseAddress: number;
}

/** A rogue memory Block. */
export class Block {
  readonly offset: number;
  readonly size: number;
  readonly memory: MemoryBackend;
  baseAddress: number;
  path = 'Undefined';
  mode: VarMode = 'RW';
  bulkOpEn = false;
  updateEn = false;
  overlapEn = false;
  verifyEn = false;
  retryCount = 0;
  enable = true;
  /** When set, Python-level transactions are ignored (rogue `blockPyTrans`). */
  blockPyTrans = false;
  stale = false;
  variables: MemVariable[] = [];

  readonly blockData: Uint8Array;
  readonly verifyData: Uint8Array;
  readonly verifyMask: Uint8Array;
  readonly verifyBlock: Uint8Array;
  readonly expectedData: Uint8Array;
  private verifyReq = false;
  private verifyInp = false;
  private doUpdate = false;
  private verifyBase = 0;
  private verifySize = 0;
  private error = '';
  private pending: Promise<void> | null = null;
  private lock: Promise<void> = Promise.resolve();
  /** `withLock` calls not finished (holding or waiting for the lock). */
  private lockUsers = 0;

  constructor(o: BlockOptions) {
    this.offset = o.offset;
    this.size = o.size;
    this.memory = o.memory;
    this.baseAddress = o.baseAddress;
    this.blockData = new Uint8Array(o.size);
    this.verifyData = new Uint8Array(o.size);
    this.verifyMask = new Uint8Array(o.size);
    this.verifyBlock = new Uint8Array(o.size);
    this.expectedData = new Uint8Array(o.size);
  }

  /** Absolute address of the block. */
  get address(): number {
    return this.baseAddress + this.offset;
  }

  setEnable(state: boolean): void {
    this.enable = state;
  }

  get minAccess(): number {
    return this.memory.minAccess ?? 4;
  }

  /** rogue `addVariables`: attaches the variables, computes mode/bulk/update flags and the verify mask, rejects bit overlaps. */
  addVariables(vars: MemVariable[]): void {
    const excMask = new Uint8Array(this.size);
    const oleMask = new Uint8Array(this.size);
    this.variables = vars;
    const rangesOf = (v: MemVariable): [number, number][] =>
      v.numValues === 0
        ? v.bitOffset.map((o, x) => [o, v.bitSize[x]])
        : Array.from({ length: v.numValues }, (_, x) => [x * v.valueStride + v.bitOffset[0], v.valueBits]);
    // rogue's text names the block and the later variable; the earlier one is added so the user knows both
    const overlapErr = (v: MemVariable, i: number, bo: number, bs: number) => {
      const hit = (o: number, n: number) => o < bo + bs && bo < o + n;
      const other = vars.slice(0, i).find((w) => !w.overlapEn && rangesOf(w).some(([o, n]) => hit(o, n)));
      const also = other ? ` (its bits ${bo}..${bo + bs - 1} overlap variable ${other.name}; give both overlapEn: true to allow it)` : '';
      return new GeneralError(
        'Block::addVariables',
        `Variable bit overlap detected for block ${this.path} with address 0x${hex8(this.address)} and variable ${v.name}${also}`,
      );
    };
    vars.forEach((v, i) => {
      v.block = this;
      if (i === 0) {
        this.path = v.path;
        this.mode = v.mode;
      }
      if (v.bulkEn) this.bulkOpEn = true;
      if (v.updateNotify) this.updateEn = true;
      if (v.retryCount > this.retryCount) this.retryCount = v.retryCount;
      if (this.mode !== v.mode) this.mode = 'RW';
      for (const [bo, bs] of rangesOf(v)) {
        if (v.overlapEn) setBits(oleMask, bo, bs);
        else {
          if (anyBits(excMask, bo, bs)) throw overlapErr(v, i, bo, bs);
          setBits(excMask, bo, bs);
        }
        if (v.mode === 'RW' && v.verifyEn) {
          this.verifyEn = true;
          setBits(this.verifyMask, bo, bs);
        }
        if (v.mode === 'RO' || v.mode === 'WO' || !v.verifyEn) setBits(this.verifyBlock, bo, bs);
      }
    });
    this.overlapEn = true;
    for (let x = 0; x < this.size; x++) {
      if (oleMask[x] & excMask[x])
        throw new GeneralError('Block::addVariables', `Variable bit mask overlap detected for block ${this.path} with address 0x${hex8(this.address)}`);
      if (excMask[x] !== 0) this.overlapEn = false;
      this.verifyMask[x] &= this.verifyBlock[x] ^ 0xff;
    }
  }

  // -------------------------------------------------------------------------
  // Transactions

  private async withLock<T>(f: () => Promise<T> | T): Promise<T> {
    const prev = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => (release = r));
    this.lockUsers++;
    try {
      await prev;
      return await f();
    } finally {
      this.lockUsers--;
      release();
    }
  }

  private async waitTransaction(): Promise<void> {
    const p = this.pending;
    if (p) {
      await p;
      if (this.pending === p) this.pending = null;
    }
  }

  /**
   * True when a transaction can run start to end right now, without a promise:
   * nobody holds or waits for the block's lock, no transaction is in flight,
   * and the memory answers synchronously (`MemoryBackend.answersNow`). Such a
   * transaction is one atomic step; it never overtakes one that is queued.
   */
  private idleNow(): boolean {
    return this.lockUsers === 0 && this.pending === null && this.memory.transactNow !== undefined && this.memory.answersNow?.() === true;
  }

  /** rogue `intStartTransaction`'s guard: transactions of this type that are skipped now. */
  private skips(type: TxType, forceWr: boolean): boolean {
    return (
      (type === TxType.Write && (this.mode === 'RO' || (!this.stale && !forceWr))) ||
      (type === TxType.Post && this.mode === 'RO') ||
      (type === TxType.Read && (this.mode === 'WO' || this.stale)) ||
      (type === TxType.Verify && (this.mode === 'WO' || this.mode === 'RO' || this.stale || !this.verifyReq))
    );
  }

  /** rogue `intStartTransaction`: validates, computes the byte range and issues the transaction (does not wait for it). */
  private async intStartTransaction(type: TxType, forceWr: boolean, variable: MemVariable | null, index: number): Promise<void> {
    if (this.skips(type, forceWr)) return;
    await this.withLock(async () => {
      await this.waitTransaction();
      this.issue(type, variable, index);
    });
  }

  /** The locked part of `intStartTransaction`: byte range, staging, then the request (`pending`, or done at once). */
  private issue(type: TxType, variable: MemVariable | null, index: number): void {
    this.error = '';
    let lowByte: number;
    let highByte: number;
    const minAccess = this.minAccess;
    if (variable === null) {
      lowByte = 0;
      highByte = this.size - 1;
      if (type === TxType.Write || type === TxType.Post) {
        this.stale = false;
        for (const v of this.variables) v.stale = false;
      }
    } else if (type === TxType.Read || type === TxType.Verify) {
      if (index < 0 || index >= variable.numValues) {
        lowByte = variable.lowTranByte[0];
        highByte = variable.numValues === 0 ? variable.highTranByte[0] : variable.highTranByte[variable.numValues - 1];
      } else {
        lowByte = variable.lowTranByte[index];
        highByte = variable.highTranByte[index];
      }
    } else {
      lowByte = variable.staleLowByte;
      highByte = variable.staleHighByte;
      if (lowByte % minAccess !== 0) lowByte -= lowByte % minAccess;
      if ((highByte + 1) % minAccess !== 0) highByte += minAccess - ((highByte + 1) % minAccess);
      this.stale = false;
      for (const v of this.variables) {
        if (v.stale) {
          if (v.staleLowByte < lowByte) lowByte = v.staleLowByte;
          if (v.staleHighByte > highByte) highByte = v.staleHighByte;
          v.stale = false;
        }
      }
    }
    if (!this.enable) return;

    let tOff: number;
    let tSize: number;
    let target: Uint8Array;
    if (type === TxType.Verify) {
      tOff = this.verifyBase;
      tSize = this.verifySize;
      target = this.verifyData;
      this.verifyInp = true;
    } else {
      tOff = lowByte;
      tSize = highByte - lowByte + 1;
      target = this.blockData;
      if (type === TxType.Write) {
        this.verifyBase = tOff;
        this.verifySize = tSize;
        this.verifyReq = this.verifyEn;
        this.expectedData.set(this.blockData.subarray(tOff, tOff + tSize), tOff);
      }
    }
    this.doUpdate = this.updateEn;
    this.pending = this.reqTransaction(this.address + tOff, tSize, target, tOff, type);
  }

  /**
   * Sends one transaction to memory. Returns null when it completed at once
   * (`transactNow`: the bytes are in place, a failure is in `error`), else the
   * promise of its completion (which never rejects; a failure lands in `error`).
   */
  private reqTransaction(address: number, size: number, target: Uint8Array, tOff: number, type: TxType): Promise<void> | null {
    const isWrite = type === TxType.Write || type === TxType.Post;
    const m = this.memory;
    if (m.transactNow !== undefined && m.answersNow?.() === true) {
      try {
        const data = m.transactNow(type, address, size, isWrite ? target.slice(tOff, tOff + size) : undefined);
        if (!isWrite) {
          if (data.length < size) throw new Error(`Short read: ${data.length} of ${size} bytes`);
          target.set(data.length === size ? data : data.subarray(0, size), tOff);
        }
      } catch (e) {
        this.failed(e);
      }
      return null;
    }
    let p: Promise<void>;
    try {
      p = isWrite
        ? m.transact
          ? m.transact(type, address, size, target.slice(tOff, tOff + size)).then(() => undefined)
          : m.write(address, target.slice(tOff, tOff + size))
        : (m.transact ? (m.transact(type, address, size) as Promise<Uint8Array>) : m.read(address, size)).then((data) => {
            if (data.length < size) throw new Error(`Short read: ${data.length} of ${size} bytes`);
            target.set(data.subarray(0, size), tOff);
          });
    } catch (e) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows what the transaction threw, unchanged
      p = Promise.reject(e);
    }
    return p.then(
      () => undefined,
      (e: unknown) => this.failed(e),
    );
  }

  /** Records a transaction's failure for `checkTransaction` to raise. */
  private failed(e: unknown): void {
    this.error = e instanceof Error ? e.message : String(e) || 'Unknown error';
  }

  /** rogue `checkTransaction`: waits for the transaction, raises its error or a verify mismatch; true when variables should be notified. */
  async checkTransaction(): Promise<boolean> {
    return this.withLock(async () => {
      await this.waitTransaction();
      return this.checkDone();
    });
  }

  /** The locked part of `checkTransaction`, once the transaction has completed. */
  private checkDone(): boolean {
    const err = this.error;
    this.error = '';
    if (err !== '')
      throw new GeneralError('Block::checkTransaction', `Transaction error for block ${this.path} with address 0x${hex8(this.address)}. Error ${err}`);
    if (!this.enable) return false;
    if (this.verifyInp) {
      this.verifyReq = false;
      this.verifyInp = false;
      for (let x = this.verifyBase; x < this.verifyBase + this.verifySize; x++) {
        if ((this.verifyData[x] & this.verifyMask[x]) !== (this.expectedData[x] & this.verifyMask[x]))
          throw new GeneralError(
            'Block::checkTransaction',
            `Verify error for block ${this.path} with address 0x${hex8(this.address)}. Byte: ${x}. Got: 0x${hex2(this.verifyData[x])}, Exp: 0x${hex2(this.expectedData[x])}, Mask: 0x${hex2(this.verifyMask[x])}`,
          );
      }
    }
    const upd = this.doUpdate;
    this.doUpdate = false;
    return upd;
  }

  /**
   * pyrogue `_startTransaction` (C++ startTransactionPy): issues a transaction
   * of `type` for the whole block (variable null) or a variable's range; when
   * `check`, waits for it, checks it and notifies the block's variables.
   * Retries `retryCount` times on error.
   */
  async startTransaction(type: TxType, forceWr = false, check = false, variable: MemVariable | null = null, index = -1): Promise<void> {
    return this.startTransactionMaybeSync(type, forceWr, check, variable, index);
  }

  /**
   * `startTransaction`, done synchronously (returns undefined, throws rogue's
   * error) when the block is idle and its memory answers at once (see
   * `idleNow`); otherwise the same steps through the block's lock (a promise).
   */
  startTransactionMaybeSync(type: TxType, forceWr = false, check = false, variable: MemVariable | null = null, index = -1): MaybePromise<void> {
    if (this.blockPyTrans) return;
    if (!this.idleNow()) return this.startTransactionLocked(type, forceWr, check, variable, index);
    let count = 0;
    let upd = false;
    let fWr = forceWr;
    do {
      if (!this.skips(type, fWr)) this.issue(type, variable, index);
      try {
        if (check || this.retryCount > 0) upd = this.checkDone();
        count = this.retryCount;
      } catch (e) {
        fWr = true;
        if (count + 1 > this.retryCount) throw e;
      }
    } while (count++ < this.retryCount);
    if (upd) this.varUpdate();
  }

  private async startTransactionLocked(type: TxType, forceWr: boolean, check: boolean, variable: MemVariable | null, index: number): Promise<void> {
    let count = 0;
    let upd = false;
    let fWr = forceWr;
    do {
      await this.intStartTransaction(type, fWr, variable, index);
      try {
        if (check || this.retryCount > 0) upd = await this.checkTransaction();
        count = this.retryCount;
      } catch (e) {
        fWr = true;
        if (count + 1 > this.retryCount) throw e;
      }
    } while (count++ < this.retryCount);
    if (upd) this.varUpdate();
  }

  /** pyrogue `_checkTransaction` (C++ checkTransactionPy): check, then notify the variables when the transaction asks for it. */
  async checkTransactionPy(): Promise<void> {
    return this.checkTransactionPyMaybeSync();
  }

  /** `checkTransactionPy`, synchronous when the block is idle (nothing in flight, nobody waiting for the lock). */
  checkTransactionPyMaybeSync(): MaybePromise<void> {
    if (this.blockPyTrans) return;
    if (this.lockUsers === 0 && this.pending === null) {
      if (this.checkDone()) this.varUpdate();
      return;
    }
    return this.checkTransaction().then((upd) => {
      if (upd) this.varUpdate();
    });
  }

  /** Notifies every variable of the block (rogue `varUpdate` → `queueUpdate`). */
  varUpdate(): void {
    for (const v of this.variables) if (v.updateNotify) v.onUpdate();
  }

  // -------------------------------------------------------------------------
  // Staged bytes

  private reverse(data: Uint8Array, n: number): Uint8Array {
    const out = data.slice(0, n);
    out.reverse();
    return out;
  }

  /** rogue `setBytes`: copies a value's bytes into the staged block data and marks it stale. */
  setBytes(data: Uint8Array, v: MemVariable, index: number): void {
    if (v.mode !== 'RO') this.stale = true;
    const buff = v.byteReverse ? this.reverse(data, v.valueBytes) : data;
    if (v.numValues !== 0) {
      if (index >= v.numValues || index < 0) throw new GeneralError('Block::setBytes', `Index ${index >>> 0} is out of range for ${v.name}`);
      copyBits(this.blockData, v.bitOffset[0] + index * v.valueStride, buff, 0, v.valueBits);
      if (v.mode !== 'RO') {
        if (v.stale) {
          if (v.lowTranByte[index] < v.staleLowByte) v.staleLowByte = v.lowTranByte[index];
          if (v.highTranByte[index] > v.staleHighByte) v.staleHighByte = v.highTranByte[index];
        } else {
          v.staleLowByte = v.lowTranByte[index];
          v.staleHighByte = v.highTranByte[index];
        }
      }
    } else {
      if (v.mode !== 'RO') {
        v.staleLowByte = v.lowTranByte[0];
        v.staleHighByte = v.highTranByte[0];
      }
      let srcBit = 0;
      for (let x = 0; x < v.bitOffset.length; x++) {
        copyBits(this.blockData, v.bitOffset[x], buff, srcBit, v.bitSize[x]);
        srcBit += v.bitSize[x];
      }
    }
    if (v.mode !== 'RO') v.stale = true;
  }

  /** rogue `getBytes`: a value's bytes from the staged block data. */
  getBytes(data: Uint8Array, v: MemVariable, index: number): void {
    if (v.numValues !== 0) {
      if (index >= v.numValues || index < 0) throw new GeneralError('Block::getBytes', `Index ${index >>> 0} is out of range for ${v.name}`);
      copyBits(data, 0, this.blockData, v.bitOffset[0] + index * v.valueStride, v.valueBits);
    } else {
      let dstBit = 0;
      for (let x = 0; x < v.bitOffset.length; x++) {
        copyBits(data, dstBit, this.blockData, v.bitOffset[x], v.bitSize[x]);
        dstBit += v.bitSize[x];
      }
    }
    if (v.byteReverse) {
      const r = this.reverse(data, v.valueBytes);
      data.set(r);
    }
  }

  /** A value's low 64 bits as an unsigned bigint (`valueOf(v, index, 8)`, without a new buffer for values of up to 8 bytes). */
  private low64(v: MemVariable, index: number): bigint {
    if (v.valueBytes > 8) return bytesToBigInt(this.valueOf(v, index, 8).subarray(0, 8));
    SCRATCH8.fill(0);
    this.getBytes(SCRATCH8, v, index);
    return bytesToBigInt(SCRATCH8);
  }

  /** The staged bytes of one value, `n` bytes long (zero padded). */
  private valueOf(v: MemVariable, index: number, n: number): Uint8Array {
    const buf = new Uint8Array(Math.max(n, v.valueBytes));
    this.getBytes(buf, v, index);
    return buf;
  }

  // -------------------------------------------------------------------------
  // Typed set/get (rogue set*Py / get*Py)

  /** Sets each element of a list / 1-d ndarray starting at `index` (rogue's list/array branches). */
  private setMany(src: string, value: PyValue, v: MemVariable, index: number, one: (x: PyValue, i: number) => void, arrayKinds: string): boolean {
    if (value instanceof NdArray) {
      if (value.ndim !== 1) throw new GeneralError(src, `Invalid number of dimensions (${value.ndim}) for passed ndarray for ${v.name}`);
      if (index + value.shape[0] > v.numValues)
        throw new GeneralError(
          src,
          `Overflow error for passed array with length ${value.shape[0]} at index ${index}. Variable length = ${v.numValues} for ${v.name}`,
        );
      if (!arrayKinds.includes(value.dtype.kind)) return false;
      for (let i = 0; i < value.shape[0]; i++) one(value.item(i), index + i);
      return true;
    }
    if (Array.isArray(value)) {
      if (index + value.length > v.numValues)
        throw new GeneralError(
          src,
          `Overflow error for passed list with length ${value.length} at index ${index}. Variable length = ${v.numValues} for ${v.name}`,
        );
      value.forEach((x, i) => one(x, index + i));
      return true;
    }
    return false;
  }

  setUIntPy(value: PyValue, v: MemVariable, index: number): void {
    if (index === -1) index = 0;
    const src = 'Block::setUIntPy';
    const extract = (x: PyValue): bigint => {
      const n = typeof x === 'boolean' ? (x ? 1n : 0n) : typeof x === 'bigint' ? x : x instanceof NpScalar && x.dtype.kind === 'u' ? (x.value as bigint) : null;
      if (n === null) throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
      // boost.python's unsigned long conversion (PyLong_AsUnsignedLong) after the type check
      if (n < 0n) throw new PyError('builtins', 'OverflowError', "can't convert negative value to unsigned int");
      if (n >= 1n << 64n) throw new PyError('builtins', 'OverflowError', 'Python int too large to convert to C unsigned long');
      return n;
    };
    if (value instanceof NdArray && value.dtype.kind !== 'u' && value.ndim === 1 && index + value.shape[0] <= v.numValues)
      throw new GeneralError(src, `Passed nparray is not of an accepted unsigned int type (uint64, uint32, uint16, uint8) for ${v.name}`);
    if (this.setMany(src, value, v, index, (x, i) => this.setUInt(extract(x), v, i), 'u')) return;
    if (value instanceof NpScalar && value.dtype.kind !== 'u') throw new GeneralError(src, `Failed to extract scalar unsigned int value for ${v.name}.`);
    this.setUInt(extract(value), v, index);
  }

  setUInt(val: bigint, v: MemVariable, index: number): void {
    const d = Number(val);
    if ((v.minValue !== 0 || v.maxValue !== 0) && (d > v.maxValue || d < v.minValue))
      throw new GeneralError('Block::setUInt', `Value range error for ${v.name}. Value=${val}, Min=${cFormatF(v.minValue)}, Max=${cFormatF(v.maxValue)}`);
    this.setBytes(bigIntToBytes(val, Math.max(8, v.valueBytes)), v, index);
  }

  getUInt(v: MemVariable, index: number): bigint {
    return this.low64(v, index);
  }

  getUIntPy(v: MemVariable, index: number): PyValue {
    if (index < 0 && v.numValues > 0) {
      const dt = v.valueBits <= 8 ? NpDtype.uint8 : v.valueBits <= 16 ? NpDtype.uint16 : v.valueBits <= 32 ? NpDtype.uint32 : NpDtype.uint64;
      return NdArray.from(
        dt,
        Array.from({ length: v.numValues }, (_, x) => this.getUInt(v, x)),
      );
    }
    return this.getUInt(v, index);
  }

  setIntPy(value: PyValue, v: MemVariable, index: number): void {
    if (index === -1) index = 0;
    const src = 'Block::setIntPy';
    const extract = (x: PyValue): bigint => {
      const n = typeof x === 'boolean' ? (x ? 1n : 0n) : typeof x === 'bigint' ? x : x instanceof NpScalar && x.dtype.kind === 'i' ? (x.value as bigint) : null;
      if (n === null) throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
      // boost.python's long conversion (PyLong_AsLong) after the type check
      if (n < -(1n << 63n) || n >= 1n << 63n) throw new PyError('builtins', 'OverflowError', 'Python int too large to convert to C long');
      return n;
    };
    if (value instanceof NdArray && value.dtype.kind !== 'i' && value.ndim === 1 && index + value.shape[0] <= v.numValues)
      throw new GeneralError(src, `Passed nparray is not of an accepted signed int type (int64, int32, int16, int8) for ${v.name}`);
    if (this.setMany(src, value, v, index, (x, i) => this.setInt(extract(x), v, i), 'i')) return;
    if (value instanceof NpScalar && value.dtype.kind !== 'i') throw new GeneralError(src, `Failed to extract scalar signed int value for ${v.name}.`);
    this.setInt(extract(value), v, index);
  }

  setInt(val: bigint, v: MemVariable, index: number): void {
    const d = Number(val);
    if ((v.minValue !== 0 || v.maxValue !== 0) && (d > v.maxValue || d < v.minValue))
      throw new GeneralError('Block::setInt', `Value range error for ${v.name}. Value=${val}, Min=${cFormatF(v.minValue)}, Max=${cFormatF(v.maxValue)}`);
    this.setBytes(bigIntToBytes(val, Math.max(8, v.valueBytes)), v, index);
  }

  getInt(v: MemVariable, index: number): bigint {
    const raw = this.low64(v, index);
    return v.valueBits >= 64 ? BigInt.asIntN(64, raw) : BigInt.asIntN(v.valueBits, raw);
  }

  getIntPy(v: MemVariable, index: number): PyValue {
    if (index < 0 && v.numValues > 0) {
      const dt = v.valueBits <= 8 ? NpDtype.int8 : v.valueBits <= 16 ? NpDtype.int16 : v.valueBits <= 32 ? NpDtype.int32 : NpDtype.int64;
      return NdArray.from(
        dt,
        Array.from({ length: v.numValues }, (_, x) => this.getInt(v, x)),
      );
    }
    return this.getInt(v, index);
  }

  setBoolPy(value: PyValue, v: MemVariable, index: number): void {
    if (index === -1) index = 0;
    const src = 'Block::setBoolPy';
    const extract = (x: PyValue): boolean => {
      if (typeof x === 'boolean') return x;
      if (typeof x === 'bigint') return x !== 0n;
      if (x === null) return false; // boost.python's bool conversion takes None as False
      if (x instanceof NpScalar && x.dtype.kind === 'b') return x.value as boolean;
      throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
    };
    if (this.setMany(src, value, v, index, (x, i) => this.setBytes(new Uint8Array([extract(x) ? 1 : 0]), v, i), 'b')) return;
    this.setBytes(new Uint8Array([extract(value) ? 1 : 0]), v, index);
  }

  getBoolPy(v: MemVariable, index: number): PyValue {
    if (index < 0 && v.numValues > 0)
      return NdArray.from(
        NpDtype.bool,
        Array.from({ length: v.numValues }, (_, x) => this.valueOf(v, x, 1).some((b) => b !== 0)),
      );
    return this.valueOf(v, index, 1).some((b) => b !== 0);
  }

  setStringPy(value: PyValue, v: MemVariable, index: number): void {
    if (index < 0 && v.numValues > 0) throw new GeneralError('Block::setStringPy', `Using nparray not supported for ${v.name}`);
    if (typeof value !== 'string') throw new GeneralError('Block::setStringPy', `Failed to extract value for ${v.name}.`);
    const buf = new Uint8Array(v.valueBytes);
    const enc = Buffer.from(value, 'utf8');
    const n = Math.min(enc.length, Math.max(0, v.valueBytes - 1));
    // strncpy stops at a NUL in the source
    let end = enc.indexOf(0);
    if (end < 0 || end > n) end = n;
    buf.set(enc.subarray(0, end));
    this.setBytes(buf, v, index);
  }

  getStringPy(v: MemVariable, index: number): PyValue {
    if (index < 0 && v.numValues > 0) throw new GeneralError('Block::getStringPy', `Using ndarry not supported for ${v.name}`);
    const b = this.valueOf(v, index, v.valueBytes);
    let end = b.indexOf(0);
    if (end < 0) end = b.length;
    return Buffer.from(b.subarray(0, end)).toString('utf8');
  }

  setFloatPy(value: PyValue, v: MemVariable, index: number, double: boolean): void {
    if (index === -1) index = 0;
    const src = double ? 'Block::setDoublePy' : 'Block::setFloatPy';
    const extract = (x: PyValue): number => {
      if (typeof x === 'number') return x;
      if (typeof x === 'bigint') return Number(x);
      if (typeof x === 'boolean') return x ? 1 : 0;
      if (x instanceof NpScalar && x.dtype.kind === 'f' && x.dtype.itemsize === (double ? 8 : 4)) return x.value as number;
      throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
    };
    if (
      value instanceof NdArray &&
      value.ndim === 1 &&
      !(value.dtype.kind === 'f' && value.dtype.itemsize === (double ? 8 : 4)) &&
      index + value.shape[0] <= v.numValues
    )
      throw new GeneralError(
        double ? 'Block::setDoublePy' : 'Block::setFLoatPy',
        `Passed nparray is not of type (${double ? 'float64' : 'float32'}) for ${v.name}`,
      );
    const set = (x: number, i: number) => this.setFloat(x, v, i, double);
    if (this.setMany(src, value, v, index, (x, i) => set(extract(x), i), 'f')) return;
    set(extract(value), index);
  }

  setFloat(val: number, v: MemVariable, index: number, double: boolean): void {
    const x = double ? val : Math.fround(val);
    if ((v.minValue !== 0 || v.maxValue !== 0) && (x > v.maxValue || x < v.minValue))
      throw new GeneralError(
        double ? 'Block::setDouble' : 'Block::setFloat',
        `Value range error for ${v.name}. Value=${cFormatF(x)}, Min=${cFormatF(v.minValue)}, Max=${cFormatF(v.maxValue)}`,
      );
    const buf = new Uint8Array(double ? 8 : 4);
    const dv = new DataView(buf.buffer);
    if (double) dv.setFloat64(0, x, true);
    else dv.setFloat32(0, x, true);
    this.setBytes(buf, v, index);
  }

  getFloat(v: MemVariable, index: number, double: boolean): number {
    const b = this.valueOf(v, index, double ? 8 : 4);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return double ? dv.getFloat64(0, true) : dv.getFloat32(0, true);
  }

  getFloatPy(v: MemVariable, index: number, double: boolean): PyValue {
    if (index < 0 && v.numValues > 0)
      return NdArray.from(
        double ? NpDtype.float64 : NpDtype.float32,
        Array.from({ length: v.numValues }, (_, x) => this.getFloat(v, x, double)),
      );
    return this.getFloat(v, index, double);
  }

  setFixedPy(value: PyValue, v: MemVariable, index: number): void {
    if (index === -1) index = 0;
    const src = 'Block::setFixedPy';
    const extract = (x: PyValue): number => {
      if (typeof x === 'number') return x;
      if (typeof x === 'bigint') return Number(x);
      if (typeof x === 'boolean') return x ? 1 : 0;
      if (x instanceof NpScalar && x.dtype.kind === 'f') return x.value as number;
      throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
    };
    if (this.setMany(src, value, v, index, (x, i) => this.setFixed(extract(x), v, i), 'f')) return;
    this.setFixed(extract(value), v, index);
  }

  setFixed(val: number, v: MemVariable, index: number): void {
    if ((v.minValue !== 0 || v.maxValue !== 0) && (val > v.maxValue || val < v.minValue))
      throw new GeneralError(
        'Block::setFixed',
        `Value range error for ${v.name}. Value=${cFormatF(val)}, Min=${cFormatF(v.minValue)}, Max=${cFormatF(v.maxValue)}`,
      );
    const raw = BigInt(Math.round(val * 2 ** v.model.binPoint));
    this.setBytes(bigIntToBytes(raw, Math.max(8, v.valueBytes)), v, index);
  }

  getFixed(v: MemVariable, index: number): number {
    let raw = this.low64(v, index);
    raw = v.model.signed ? BigInt.asIntN(Math.min(64, v.valueBits), raw) : BigInt.asUintN(Math.min(64, v.valueBits), raw);
    return Number(raw) / 2 ** v.model.binPoint;
  }

  getFixedPy(v: MemVariable, index: number): PyValue {
    if (index < 0 && v.numValues > 0)
      return NdArray.from(
        NpDtype.float64,
        Array.from({ length: v.numValues }, (_, x) => this.getFixed(v, x)),
      );
    return this.getFixed(v, index);
  }

  /** rogue `setPyFunc`: the model's Python `toBytes` (wide ints, custom models). */
  setPyFunc(value: PyValue, v: MemVariable, index: number): void {
    if (index === -1) index = 0;
    if (value instanceof NdArray) throw new GeneralError('Block::setPyFunc', `Passing ndarray not supported for ${v.name}`);
    if (Array.isArray(value)) {
      if (index + value.length > v.numValues)
        throw new GeneralError(
          'Block::setPyFunc',
          `Overflow error for passed array with length ${value.length} at index ${index}. Variable length = ${v.numValues} for ${v.name}`,
        );
      value.forEach((x, i) => this.setBytes(padTo(v.model.toBytes(x), v.valueBytes), v, index + i));
      return;
    }
    this.setBytes(padTo(v.model.toBytes(value), v.valueBytes), v, index);
  }

  /** rogue `getPyFunc`: the model's Python `fromBytes`. */
  getPyFunc(v: MemVariable, index: number): PyValue {
    if (index < 0 && v.numValues > 0) throw new GeneralError('Block::getPyFunc', `Accessing unindexed value not support for ${v.name}`);
    const b = new Uint8Array(v.valueBytes);
    this.getBytes(b, v, index);
    return v.model.fromBytes(b);
  }
}

function padTo(b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return b;
  const out = new Uint8Array(n);
  out.set(b);
  return out;
}

// ---------------------------------------------------------------------------
// Grouping variables into blocks (pyrogue Device._buildBlocks)

export interface BuildBlocksOptions {
  memory: MemoryBackend;
  /** Absolute address of the device. */
  baseAddress: number;
  /** Block granularity; default the backend's minAccess (pyrogue `_blkMinAccess`). */
  blockSize?: number;
}

/**
 * pyrogue `Device._buildBlocks` for the remote variables of one device:
 * aligns each variable to the minimum access size, sorts by (offset,
 * varBytes) and merges variables whose ranges overlap into one block (the
 * later ones are shifted down to the block's offset). Returns the blocks in
 * address order; every variable gets its `block`.
 */
export function buildBlocks(vars: MemVariable[], o: BuildBlocksOptions): Block[] {
  const blkSize = o.blockSize ?? o.memory.minAccess ?? 4;
  const rem = [...vars];
  for (const v of rem) v.shiftOffsetDown(v.offset % blkSize, blkSize);
  rem.sort((a, b) => a.offset - b.offset || a.varBytes - b.varBytes);
  const groups: { offset: number; size: number; vars: MemVariable[] }[] = [];
  let blk: { offset: number; size: number; vars: MemVariable[] } | null = null;
  for (const v of rem) {
    if (blk !== null && blk.offset + blk.size > v.offset) {
      v.shiftOffsetDown(v.offset - blk.offset, blkSize);
      blk.vars.push(v);
      if (v.varBytes > blk.size) blk.size = v.varBytes;
    } else {
      blk = { offset: v.offset, size: v.varBytes, vars: [v] };
      groups.push(blk);
    }
  }
  return groups.map((g) => {
    const b = new Block({ offset: g.offset, size: g.size, memory: o.memory, baseAddress: o.baseAddress });
    b.addVariables(g.vars);
    return b;
  });
}

// ---------------------------------------------------------------------------
// Device-level bulk operations (pyrogue Device.writeBlocks / verifyBlocks / readBlocks / checkBlocks
// for the remote blocks of one device; the device adds recursion and local variables).

export async function writeBlocks(
  blocks: Block[],
  opts: { force?: boolean; checkEach?: boolean; variable?: MemVariable | null; index?: number } = {},
): Promise<void> {
  const { force = false, checkEach = false, variable = null, index = -1 } = opts;
  if (variable) return variable.block!.startTransaction(TxType.Write, force, checkEach, variable, index);
  for (const b of blocks) if (b.bulkOpEn) await b.startTransaction(TxType.Write, force, checkEach);
}

export async function verifyBlocks(blocks: Block[], opts: { checkEach?: boolean; variable?: MemVariable | null } = {}): Promise<void> {
  const { checkEach = false, variable = null } = opts;
  if (variable) return variable.block!.startTransaction(TxType.Verify, false, checkEach, variable);
  for (const b of blocks) if (b.bulkOpEn) await b.startTransaction(TxType.Verify, false, checkEach);
}

export async function readBlocks(blocks: Block[], opts: { checkEach?: boolean; variable?: MemVariable | null; index?: number } = {}): Promise<void> {
  const { checkEach = false, variable = null, index = -1 } = opts;
  if (variable) return variable.block!.startTransaction(TxType.Read, false, checkEach, variable, index);
  for (const b of blocks) if (b.bulkOpEn) await b.startTransaction(TxType.Read, false, checkEach);
}

export async function checkBlocks(blocks: Block[], opts: { variable?: MemVariable | null } = {}): Promise<void> {
  const { variable = null } = opts;
  if (variable) return variable.block!.checkTransactionPy();
  for (const b of blocks) await b.checkTransactionPy();
}
