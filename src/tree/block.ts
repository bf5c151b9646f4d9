/**
 * rogue's memory Block (`rogue.interfaces.memory.Block`) and its
 * transactions, in TypeScript.
 *
 * A Block is a contiguous byte range of a device's memory holding the staged
 * ("shadow") bytes of every RemoteVariable mapped into it (their layout:
 * src/tree/memVariable.ts). Variables set their bits into the staged bytes
 * (`setBytes`, through the conversions of src/tree/convert.ts), transactions
 * move the bytes between the staged copy and the MemoryBackend, and a
 * completed transaction notifies every variable of the block (`varUpdate` →
 * `MemVariable.onUpdate`), which is what makes the root publish them.
 *
 * Semantics kept from rogue (they show on the wire):
 *  - setting a value only stages it and marks the block stale; a Write (or
 *    Post) clears the stale state; a Read of a stale block is skipped (no
 *    transaction, no update notification) and returns the staged value;
 *  - after a Write, a Verify reads the written range back and compares it
 *    under the verify mask (RW variables with verifyEn);
 *  - a failed check is retried `retryCount` times, each retry forcing the write;
 *  - transactions on one block are serialized; different blocks run in
 *    parallel (bulk reads issue every block, then check them).
 *
 * The memory layer's names (the variable, its conversions' `cFormatF`, the
 * error) are exported from here too, so one module gives all of them.
 */
import { MemoryBackend, TxType } from './memory';
import { MaybePromise, isPromiseLike } from './surface';
import { GeneralError } from './generalError';
import type { MemVariable, VarMode } from './memVariable';
import { copyBits, setBits, anyBits, bytesToBigInt } from './model';

// Re-exports compile to accessors, which put this module's CommonJS exports object in
// dictionary mode: the code here reads nothing through it (TxType is ./memory's).
export { TxType } from './memory';
export { GeneralError } from './generalError';
export { MemVariable } from './memVariable';
export type { MemVariableOptions, VarMode } from './memVariable';
export { cFormatF } from './convert';

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
/** Scratch for one value of up to 8 bytes, filled and read within one synchronous call (Block.low64, low32). */
const SCRATCH8 = new Uint8Array(8);

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
    if (err !== '') throw this.transactionError(err);
    if (!this.enable) return false;
    if (this.verifyInp) this.compareVerify();
    const upd = this.doUpdate;
    this.doUpdate = false;
    return upd;
  }

  private transactionError(err: string): GeneralError {
    return new GeneralError('Block::checkTransaction', `Transaction error for block ${this.path} with address 0x${hex8(this.address)}. Error ${err}`);
  }

  /** The verify check: the bytes read back against the bytes written, under the verify mask. */
  private compareVerify(): void {
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
   * `idleNow`); otherwise the same steps through the block's lock (a
   * promise). The choice is made once, here, for every attempt.
   */
  startTransactionMaybeSync(type: TxType, forceWr = false, check = false, variable: MemVariable | null = null, index = -1): MaybePromise<void> {
    if (this.blockPyTrans) return;
    return this.attempt(this.idleNow(), type, forceWr, check, variable, index, 0);
  }

  /**
   * rogue's transaction loop, attempt `count` (from 0): start the transaction,
   * then, when `check` or when the block retries, check it and notify the
   * variables if it asks for that. A failed check is retried, with the write
   * forced, until `retryCount` retries have failed; the last failure is
   * raised. An error in starting the transaction is not retried.
   *
   * Each step is synchronous when `now` (`startStep`/`checkStep`), and the
   * attempt stays synchronous while its steps are: no promise and no closure
   * on that path (the continuations of a step that returned a promise are in
   * `afterStart`/`afterCheck`).
   */
  private attempt(
    now: boolean,
    type: TxType,
    forceWr: boolean,
    check: boolean,
    variable: MemVariable | null,
    index: number,
    count: number,
  ): MaybePromise<void> {
    const started = this.startStep(now, type, forceWr, variable, index);
    if (isPromiseLike(started)) return this.afterStart(started, now, type, check, variable, index, count);
    return this.checkAttempt(now, type, check, variable, index, count);
  }

  /** The second half of an attempt, once its transaction has started. */
  private checkAttempt(now: boolean, type: TxType, check: boolean, variable: MemVariable | null, index: number, count: number): MaybePromise<void> {
    if (!check && this.retryCount === 0) return;
    let upd: MaybePromise<boolean>;
    try {
      upd = this.checkStep(now);
    } catch (e) {
      return this.retry(e, now, type, check, variable, index, count);
    }
    if (isPromiseLike(upd)) return this.afterCheck(upd, now, type, check, variable, index, count);
    if (upd) this.varUpdate();
  }

  /** After a failed check: the next attempt with the write forced, or the error when none is left. */
  private retry(e: unknown, now: boolean, type: TxType, check: boolean, variable: MemVariable | null, index: number, count: number): MaybePromise<void> {
    if (count + 1 > this.retryCount) throw e;
    return this.attempt(now, type, true, check, variable, index, count + 1);
  }

  private afterStart(
    started: Promise<void>,
    now: boolean,
    type: TxType,
    check: boolean,
    variable: MemVariable | null,
    index: number,
    count: number,
  ): Promise<void> {
    return started.then(() => this.checkAttempt(now, type, check, variable, index, count));
  }

  private afterCheck(
    upd: Promise<boolean>,
    now: boolean,
    type: TxType,
    check: boolean,
    variable: MemVariable | null,
    index: number,
    count: number,
  ): Promise<void> {
    return upd.then(
      (u) => {
        if (u) this.varUpdate();
      },
      (e: unknown) => this.retry(e, now, type, check, variable, index, count),
    );
  }

  /** Starts a transaction: at once (`now`: the block idle, its memory answering at once) or through the lock (`intStartTransaction`). */
  private startStep(now: boolean, type: TxType, forceWr: boolean, variable: MemVariable | null, index: number): MaybePromise<void> {
    if (!now) return this.intStartTransaction(type, forceWr, variable, index);
    if (!this.skips(type, forceWr)) this.issue(type, variable, index);
  }

  /** Checks the transaction: at once (`checkDone`) or through the lock (`checkTransaction`); true when the variables should be notified. */
  private checkStep(now: boolean): MaybePromise<boolean> {
    return now ? this.checkDone() : this.checkTransaction();
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
    const out = new Uint8Array(data.subarray(0, n)); // a copy, also of a Buffer (whose slice() is a view)
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

  /** A value's low 64 bits as an unsigned bigint (`valueBytes(v, index, 8)`, without a new buffer for values of up to 8 bytes). */
  low64(v: MemVariable, index: number): bigint {
    if (v.valueBytes > 8) return bytesToBigInt(this.valueBytes(v, index, 8).subarray(0, 8));
    SCRATCH8.fill(0);
    this.getBytes(SCRATCH8, v, index);
    return bytesToBigInt(SCRATCH8);
  }

  /** A value's low 32 bits as an unsigned number (for values of up to 4 bytes: no new buffer). */
  low32(v: MemVariable, index: number): number {
    const b = v.valueBytes > 8 ? this.valueBytes(v, index, 8) : SCRATCH8;
    if (b === SCRATCH8) {
      SCRATCH8.fill(0);
      this.getBytes(SCRATCH8, v, index);
    }
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  }

  /** The staged bytes of one value, at least `n` bytes long (zero padded). */
  valueBytes(v: MemVariable, index: number, n: number): Uint8Array {
    const buf = new Uint8Array(Math.max(n, v.valueBytes));
    this.getBytes(buf, v, index);
    return buf;
  }
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
