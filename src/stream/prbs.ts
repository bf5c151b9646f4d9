/**
 * rogue's PRBS test-frame generator and checker (`rogue.utilities.Prbs`): a stream
 * master (the generator) and a stream slave (the checker) in one object.
 *
 * Frame of `size` bytes, words of W bits (B = W/8 bytes), little-endian:
 *   word 0   the 32-bit TX sequence number (other bytes 0)
 *   word 1   size/B − 1 (other bytes 0)
 *   word 2…  payload: an LFSR seeded with word 0, stepped once per word, each new state
 *            emitted (or, with sendCount, the word index k)
 * LFSR step: feedback = XOR of the state bits at the taps (default 1, 2, 6, 31); the
 * state shifts left one bit and the feedback enters at bit 0.
 *
 *   const tx = new Prbs();                 // W = 32, taps [1, 2, 6, 31]
 *   const rx = new Prbs();
 *   connectStream(tx, rx);
 *   tx.genFrame(1024);                     // rx.rxCount === 1
 *   tx.enable(4096); …; await tx.disable();  // a generator loop, at the pace of its slaves
 *
 * The generator loop is the only part that uses time; it takes a `PrbsScheduler`
 * (default: setImmediate / setTimeout / performance.now), so a test can drive it.
 */
import { Frame } from './frame';
import { Lfsr32 } from './lfsr';
import { StreamMaster, type StreamMasterOptions, type StreamSlave } from './master';

/** Bytes in front of each generated frame's payload (`Frame.withHeadroom`): room for a data file record's header. */
const PRBS_HEADROOM = 8;
/** rogue's Prbs::MaxBytes: the widest word, in bytes. */
export const PRBS_MAX_BYTES = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What the generator loop waits on. */
export interface PrbsScheduler {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Lets other work run (the loop calls it between bursts of frames). */
  yieldTurn(): Promise<void>;
  /** Waits `us` microseconds (txPeriod). */
  sleep(us: number): Promise<void>;
}

export const defaultPrbsScheduler: PrbsScheduler = {
  now: () => performance.now(),
  yieldTurn: () => new Promise<void>((r) => setImmediate(r)),
  sleep: (us) => new Promise<void>((r) => setTimeout(r, Math.max(1, Math.round(us / 1000)))),
};

export interface PrbsOptions extends StreamMasterOptions {
  /** Word width in bits: a multiple of 32, at most 512. Default 32. */
  width?: number;
  /** LFSR tap bit indexes (rogue's setTaps). Default [1, 2, 6, 31]. */
  taps?: ArrayLike<number>;
  scheduler?: PrbsScheduler;
  /**
   * Runs each synchronous burst of the generator loop (e.g. inside a tree update group,
   * so what the frames change is published once per burst). Default: calls it.
   */
  burst?: (run: () => void) => void;
  /** Where the checker's warnings go (rogue logs them on `prbs.rx`). Default: dropped. */
  onWarning?: (message: string) => void;
  /** Milliseconds of frames generated between two turns of the event loop. Default 2. */
  sliceMs?: number;
}

/** rogue's GeneralError text for PRBS misuse ("Invalid width.", "Invalid frame size"). */
export class PrbsError extends Error {
  constructor(
    readonly where: string,
    readonly detail: string,
  ) {
    super(`${where}: ${detail}`);
    this.name = 'PrbsError';
  }
}

export class Prbs extends StreamMaster implements StreamSlave {
  /** The checker keeps nothing of a frame once it has checked it. */
  readonly releasesFrames = true;
  private _width = 32;
  private _byteWidth = 4;
  private _minSize = 12;
  private _taps: Uint8Array = Uint8Array.from([1, 2, 6, 31]);
  /** The W = 32 generator for the current taps. */
  private _lfsr32 = Lfsr32.of(this._taps);
  private _sendCount = false;
  private _genPayload = true;
  private _checkPayload = true;
  private _rxEnable = true;
  private _rxWaiters: (() => void)[] = [];

  private _txSeq = 0;
  private _txCount = 0;
  private _txBytes = 0;
  private _rxSeq = 0;
  private _rxCount = 0;
  private _rxBytes = 0;
  private _rxErrors = 0;
  /** Always 0 (rogue never counts a TX error). */
  readonly txErrors = 0;
  private _txRate = 0;
  private _txBw = 0;
  private _rxRate = 0;
  private _rxBw = 0;
  private _lastTx: RateMark;
  private _lastRx: RateMark;

  private _txPeriod = 0;
  private _txSize = 0;
  /** A frame every slave was done with, sent again with the next payload of its size (genFrame), and its payload's 32-bit words (W = 32 on little-endian). */
  private _spare: Frame | null = null;
  private _spareWords: Uint32Array | null = null;
  private _running: Promise<void> | null = null;
  /** Inside a burst of the generator loop: its last clock reading (at most 16 frames old), used for the TX rates. */
  private _loopNow: number | null = null;
  private _threadEn = false;
  private readonly _sched: PrbsScheduler;
  private readonly _burst: (run: () => void) => void;
  private readonly _warn: (message: string) => void;
  private readonly _sliceMs: number;

  constructor(opts: PrbsOptions = {}) {
    super(opts);
    this._sched = opts.scheduler ?? defaultPrbsScheduler;
    this._burst = opts.burst ?? ((run) => run());
    this._warn = opts.onWarning ?? (() => undefined);
    this._sliceMs = opts.sliceMs ?? 2;
    if (opts.width !== undefined) this.setWidth(opts.width);
    if (opts.taps !== undefined) this.setTaps(opts.taps);
    const t = this._sched.now();
    this._lastTx = { t, count: 0, bytes: 0 };
    this._lastRx = { t, count: 0, bytes: 0 };
  }

  // --- parameters ----------------------------------------------------------

  /** rogue `setWidth`: a multiple of 32 bits, at most 512, else "Invalid width.". */
  setWidth(width: number): void {
    if (!Number.isInteger(width) || width <= 0 || width > PRBS_MAX_BYTES * 8 || width % 32 !== 0) throw new PrbsError('Prbs::setWidth', 'Invalid width.');
    for (const t of this._taps) if (t >= width) throw new PrbsError('Prbs::setWidth', `tap ${t} is outside a ${width}-bit state`);
    this._width = width;
    this._byteWidth = width / 8;
    this._minSize = this._byteWidth * 3;
  }
  get width(): number {
    return this._width;
  }
  /**
   * rogue `setTaps`: the tap bit indexes. Each must lie inside the state (rogue reads
   * whatever memory follows the state for a tap beyond it; here that is an error).
   */
  setTaps(taps: ArrayLike<number>): void {
    const t = Uint8Array.from(Array.from(taps));
    for (let i = 0; i < t.length; i++) {
      if (taps[i] !== t[i] || t[i] >= this._width) throw new PrbsError('Prbs::setTaps', `tap ${taps[i]} is outside the ${this._width}-bit state`);
    }
    this._taps = t;
    this._lfsr32 = Lfsr32.of(t);
  }
  get taps(): number[] {
    return Array.from(this._taps);
  }
  /** rogue `sendCount`: payload word k carries k instead of the LFSR. */
  sendCount(state: boolean): void {
    this._sendCount = state;
  }
  /** rogue `genPayload`: false leaves the payload words unwritten (zeros here). */
  genPayload(state: boolean): void {
    this._genPayload = state;
  }
  /** rogue `checkPayload`: false checks only the two header words. */
  checkPayload(state: boolean): void {
    this._checkPayload = state;
  }
  get txPeriod(): number {
    return this._txPeriod;
  }
  /** Microseconds between frames of the generator loop (0: as fast as the slaves take them). */
  set txPeriod(us: number) {
    this._txPeriod = us >>> 0;
  }
  getTxPeriod(): number {
    return this._txPeriod;
  }
  setTxPeriod(us: number): void {
    this.txPeriod = us;
  }

  // --- counters --------------------------------------------------------------

  get txCount(): number {
    return this._txCount;
  }
  get txBytes(): number {
    return this._txBytes;
  }
  get txRate(): number {
    return this._txRate;
  }
  get txBw(): number {
    return this._txBw;
  }
  get rxCount(): number {
    return this._rxCount;
  }
  get rxBytes(): number {
    return this._rxBytes;
  }
  get rxErrors(): number {
    return this._rxErrors;
  }
  get rxRate(): number {
    return this._rxRate;
  }
  get rxBw(): number {
    return this._rxBw;
  }
  /** rogue `resetCount`: TX and RX counters to 0 (not the sequence numbers nor the rates). */
  resetCount(): void {
    this._txCount = this._txBytes = 0;
    this._rxCount = this._rxBytes = this._rxErrors = 0;
  }

  // --- generator ---------------------------------------------------------------

  private checkSize(size: number, where: string): void {
    if (!Number.isInteger(size) || size % this._byteWidth !== 0 || size < this._minSize) throw new PrbsError(where, 'Invalid frame size');
  }

  /** The frame `genFrame` would send with sequence number `seq` (nothing is counted or sent). */
  makeFrame(size: number, seq: number): Frame {
    this.checkSize(size, 'Prbs::genFrame');
    // every byte is written when the LFSR fills the payload: no need to zero it first
    const lfsr = this._genPayload && !this._sendCount;
    const frame = Frame.withHeadroom(lfsr ? Buffer.allocUnsafe(PRBS_HEADROOM + size) : new Uint8Array(PRBS_HEADROOM + size), PRBS_HEADROOM);
    this.fillFrame(frame.payload, seq);
    return frame;
  }

  /**
   * Writes the frame of sequence number `seq` into `buf` (every byte when the LFSR fills
   * the payload; else the payload words are left as they are). `words`: `buf` as 32-bit
   * words, when the caller has that view already.
   */
  private fillFrame(buf: Uint8Array, seq: number, words: Uint32Array | null = null): void {
    const B = this._byteWidth;
    // the upper bytes of the two header words (B > 4)
    if (B > 4 && this._genPayload && !this._sendCount) buf.fill(0, 0, 2 * B);
    writeWord(buf, 0, seq >>> 0);
    writeWord(buf, B, buf.length / B - 1);
    if (this._genPayload) {
      if (this._sendCount) fillCount(buf, B);
      else this.fillLfsr(buf, seq >>> 0, words);
    }
  }

  /**
   * rogue `genFrame(size)`: one frame with the next sequence number, sent to the slaves;
   * a promise while a slave holds it (the frame is counted once handed to the master).
   *
   * When every slave releases frames (`StreamSlave.releasesFrames`, e.g. a StreamWriter
   * channel), the LFSR fills the payload and every slave took the frame at once (no
   * promise, no throw), the payload's memory is used again for the next frame of the same
   * size, as rogue's frame pool recycles a buffer once no one holds its frame. Otherwise
   * each frame has a payload of its own.
   */
  genFrame(size: number): void | Promise<void> {
    if (this._genPayload && !this._sendCount && this.slavesReleaseFrames()) {
      this.checkSize(size, 'Prbs::genFrame');
      let frame = this._spare;
      let words = this._spareWords;
      this._spare = this._spareWords = null;
      if (frame === null || frame.size !== size) {
        frame = Frame.withHeadroom(Buffer.allocUnsafe(PRBS_HEADROOM + size), PRBS_HEADROOM);
        const p = frame.payload;
        words = this._byteWidth === 4 && LITTLE_ENDIAN ? new Uint32Array(p.buffer, p.byteOffset, size / 4) : null;
      } else frame.clearHeader();
      this.fillFrame(frame.payload, this._txSeq, words);
      const r = this.sendFrame(frame);
      // kept for the next frame when every slave (one connected meanwhile too) is done with it
      if (r === undefined && this.slavesReleaseFrames()) {
        this._spare = frame;
        this._spareWords = words;
      }
      return this.countTx(size, r);
    }
    return this.countTx(size, this.sendFrame(this.makeFrame(size, this._txSeq)));
  }

  /** Counts a frame handed to the master. */
  private countTx(size: number, r: void | Promise<void>): void | Promise<void> {
    this._txSeq = (this._txSeq + 1) >>> 0;
    this._txCount = (this._txCount + 1) >>> 0;
    this._txBytes += size;
    const now = this._loopNow ?? this._sched.now();
    if (now - this._lastTx.t > 1000) {
      const per = (now - this._lastTx.t) / 1000;
      this._txRate = (this._txCount - this._lastTx.count) / per;
      this._txBw = (this._txBytes - this._lastTx.bytes) / per;
      this._lastTx = { t: now, count: this._txCount, bytes: this._txBytes };
    }
    return r;
  }

  private fillLfsr(buf: Uint8Array, seq: number, words: Uint32Array | null): void {
    const B = this._byteWidth;
    if (B === 4) {
      const n = buf.length / 4;
      if (LITTLE_ENDIAN) this._lfsr32.fill(words ?? new Uint32Array(buf.buffer, buf.byteOffset, n), 2, n, seq);
      else {
        const w = new Uint32Array(n);
        this._lfsr32.fill(w, 2, n, seq);
        const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        for (let i = 2; i < n; i++) dv.setUint32(4 * i, w[i], true);
      }
      return;
    }
    const state = new Uint8Array(B);
    writeWord(state, 0, seq);
    for (let off = 2 * B; off < buf.length; off += B) {
      this.flfsr(state);
      buf.set(state, off);
    }
  }

  /** One LFSR step on a B-byte state, byte 0 least significant (rogue `Prbs::flfsr`). */
  private flfsr(data: Uint8Array): void {
    let lsbIn = 0;
    for (const t of this._taps) lsbIn ^= (data[t >> 3] >> (t & 7)) & 1;
    for (let x = 0; x < data.length; x++) {
      const msbOut = data[x] >> 7;
      data[x] = ((data[x] << 1) | lsbIn) & 0xff;
      lsbIn = msbOut;
    }
  }

  // --- the generator loop (rogue enable/disable and its thread) ----------------

  /** Whether the generator loop runs. */
  get enabled(): boolean {
    return this._running !== null;
  }

  /** rogue `enable(size)`: starts the generator loop (if not running) with frames of `size` bytes. */
  enable(size: number): void {
    this.checkSize(size, 'Prbs::enable');
    if (this._running) return;
    this._txSize = size;
    this._threadEn = true;
    const done = this.runLoop().finally(() => {
      if (this._running === done) this._running = null;
    });
    this._running = done;
  }

  /** rogue `disable()`: stops the loop; resolves once its last frame was taken. */
  async disable(): Promise<void> {
    this._threadEn = false;
    const r = this._running;
    if (r) await r.catch(() => undefined);
  }

  private async runLoop(): Promise<void> {
    const s = this._sched;
    while (this._threadEn) {
      const held: { by: Promise<void> | null } = { by: null };
      this._burst(() => {
        this._loopNow = s.now();
        const end = this._loopNow + this._sliceMs;
        let n = 0;
        try {
          while (this._threadEn) {
            const r = this.genFrame(this._txSize);
            if (r !== undefined) {
              held.by = r;
              break;
            }
            if (this._txPeriod > 0) break;
            // the clock is read every 16 frames (the rates use that reading too)
            if ((++n & 15) === 0 && (this._loopNow = s.now()) >= end) break;
          }
        } finally {
          this._loopNow = null;
        }
      });
      if (held.by !== null) await held.by;
      if (!this._threadEn) break;
      if (this._txPeriod > 0) await s.sleep(this._txPeriod);
      else if (held.by === null) await s.yieldTurn();
    }
  }

  // --- checker -------------------------------------------------------------

  get rxEnable(): boolean {
    return this._rxEnable;
  }
  /** rogue `setRxEnable`: while false, frames wait (back-pressure) instead of being checked. */
  setRxEnable(en: boolean): void {
    this._rxEnable = en;
    if (en) {
      const w = this._rxWaiters;
      this._rxWaiters = [];
      for (const f of w) f();
    }
  }
  getRxEnable(): boolean {
    return this._rxEnable;
  }

  /** rogue `acceptFrame`: checks one frame (waits while RX is disabled). */
  acceptFrame(frame: Frame): void | Promise<void> {
    if (!this._rxEnable) {
      return new Promise<void>((resolve) => this._rxWaiters.push(resolve)).then(() => this.acceptFrame(frame));
    }
    this.check(frame);
  }

  private check(frame: Frame): void {
    const B = this._byteWidth;
    const buf = frame.payload;
    const size = buf.length;
    if (frame.error !== 0) {
      this._warn(`Frame error field is set: 0x${frame.error.toString(16)}`);
      this._rxErrors = (this._rxErrors + 1) >>> 0;
      return;
    }
    if (size % B !== 0 || size < this._minSize) {
      this._warn(`Size violation size=${size}, count=${this._rxCount}`);
      this._rxErrors = (this._rxErrors + 1) >>> 0;
      return;
    }
    const seq = readU32(buf, 0);
    const expSeq = this._rxSeq;
    this._rxSeq = (seq + 1) >>> 0;
    const expSize = (((readU32(buf, B) + 1) >>> 0) * B) >>> 0;
    if (expSize !== size || (seq !== 0 && expSeq !== 0 && seq !== expSeq)) {
      this._warn(`Bad header. expSize=${expSize} gotSize=${size} expSeq=${expSeq} gotSeq=${seq} nxtSeq=${this._rxSeq} count=${this._rxCount}`);
      this._rxErrors = (this._rxErrors + 1) >>> 0;
      return;
    }
    if (this._checkPayload) {
      const bad = this.firstBadWord(buf);
      if (bad >= 0) {
        this._warn(`Bad value at index ${bad}. count=${this._rxCount}, size=${size / B - 1}`);
        this._rxErrors = (this._rxErrors + 1) >>> 0;
        return;
      }
    }
    this._rxCount = (this._rxCount + 1) >>> 0;
    this._rxBytes += size;
    const now = this._sched.now();
    if (now - this._lastRx.t > 1000) {
      const per = (now - this._lastRx.t) / 1000;
      this._rxRate = (this._rxCount - this._lastRx.count) / per;
      this._rxBw = (this._rxBytes - this._lastRx.bytes) / per;
      this._lastRx = { t: now, count: this._rxCount, bytes: this._rxBytes };
    }
  }

  /** Index (from 0, counted from word 2) of the first payload word that differs from the LFSR, or −1. */
  private firstBadWord(buf: Uint8Array): number {
    const B = this._byteWidth;
    if (B === 4) {
      const n = buf.length / 4;
      const aligned = LITTLE_ENDIAN && (buf.byteOffset & 3) === 0;
      const w = aligned ? new Uint32Array(buf.buffer, buf.byteOffset, n) : null;
      // the expected words, a chunk at a time, each chunk seeded with the last word of the one before
      const chunk = this._scratch;
      let s = readU32(buf, 0);
      for (let i = 2; i < n; i += chunk.length) {
        const m = Math.min(chunk.length, n - i);
        this._lfsr32.fill(chunk, 0, m, s);
        for (let k = 0; k < m; k++) if ((w !== null ? w[i + k] : readU32(buf, 4 * (i + k))) !== chunk[k]) return i + k - 2;
        s = chunk[m - 1];
      }
      return -1;
    }
    const state = new Uint8Array(buf.subarray(0, B)); // a copy: the LFSR steps it in place
    for (let off = 2 * B, pos = 0; off < buf.length; off += B, pos++) {
      this.flfsr(state);
      for (let x = 0; x < B; x++) if (buf[off + x] !== state[x]) return pos;
    }
    return -1;
  }
  /** Expected words of the W = 32 checker, a chunk at a time. */
  private readonly _scratch = new Uint32Array(1024);
}

interface RateMark {
  t: number;
  count: number;
  bytes: number;
}

function readU32(buf: Uint8Array, off: number): number {
  return (buf[off] | (buf[off + 1] << 8) | (buf[off + 2] << 16) | (buf[off + 3] << 24)) >>> 0;
}

/** A 32-bit value in the low 4 bytes of a word (the other bytes stay 0). */
function writeWord(buf: Uint8Array, off: number, v: number): void {
  buf[off] = v & 0xff;
  buf[off + 1] = (v >>> 8) & 0xff;
  buf[off + 2] = (v >>> 16) & 0xff;
  buf[off + 3] = (v >>> 24) & 0xff;
}

/** sendCount payload: word k holds k (low 4 bytes). */
function fillCount(buf: Uint8Array, B: number): void {
  for (let off = 2 * B, k = 2; off < buf.length; off += B, k++) writeWord(buf, off, k);
}
