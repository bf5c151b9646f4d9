/**
 * rogue's data files (`rogue.utilities.fileio`): the StreamWriter that writes frames to
 * them, the StreamReader that sends them again as frames, and pyrogue's FileReader
 * (`pyrogue.utilities.fileio.FileReader`) that iterates over their records.
 *
 * The format (rogue v6.15, docs/datafile.md): a plain concatenation of records, no file
 * header, little-endian:
 *   [size: u32 = payload + 4][flags: u16][error: u8][channel: u8][payload]
 * In raw mode only the payloads are written. With a size limit the files are
 * `<name>.1`, `<name>.2`, … and a record never spans two of them.
 *
 *   const w = new StreamWriter();
 *   connectStream(source, w.getChannel(0));   // channel 0: the frame's own channel
 *   w.open('/data/run1.dat'); …; w.close();
 *   for (const [h, payload] of new FileReader('/data/run1.dat').records()) …
 *
 * The writer writes synchronously (node:fs, like rogue in the caller's thread): a frame
 * is on disk (or in the writer's buffer of BufferSize bytes) when acceptFrame returns,
 * so nothing queues up behind a slow disk. The reader reads through one buffer of a
 * bounded size; a record larger than it is read on its own.
 */
import * as fs from 'fs';
// bound once: a call through the namespace object goes through a getter each time
import { writeSync, writevSync } from 'fs';
import { pyYamlLoad } from '../py/yaml';
import { PyDict, type PyValue } from '../py/values';
import { Frame } from './frame';
import { StreamMaster, type StreamMasterOptions, type StreamSlave } from './master';

/** Where the file classes report what rogue logs (warnings and errors). */
export interface FileIoLog {
  warning(message: string): void;
  error(message: string): void;
}

const stderrLog = (name: string): FileIoLog => ({
  warning: (m) => process.stderr.write(`${name}: WARNING ${m}\n`),
  error: (m) => process.stderr.write(`${name}: ERROR ${m}\n`),
});

/** rogue's GeneralError of the file classes ("Failed to open data file: …", "Frame size is larger than file size limit"). */
export class FileIoError extends Error {
  constructor(
    readonly where: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${detail}`, options);
    this.name = 'FileIoError';
  }
}

/** Length of a record header (size word + meta word). */
export const RECORD_HEADER_SIZE = 8;
/** Records up to this size are copied into one piece before the write (no buffer configured). */
const SMALL_RECORD = 64 * 1024;

// =============================================================================
// StreamWriter

export interface StreamWriterOptions {
  log?: FileIoLog;
  /** Milliseconds, monotonic (the Bandwidth window). Default performance.now. */
  now?: () => number;
}

/**
 * rogue `rogue.utilities.fileio.StreamWriter`: frames from its channels to a data file.
 *
 * Counters as rogue keeps them: `frameCount` records written since open, `totalSize` bytes
 * since open and `currentSize` bytes in the current file (both including buffered bytes;
 * they keep their values after close), `bandwidth` bytes/s over the last second.
 */
export class StreamWriter {
  private fd = -1;
  private _isOpen = false;
  private baseName = '';
  private fdIdx = 1;
  private raw = false;
  private dropErrors = false;
  private sizeLimit = 0;
  private buffer: Uint8Array | null = null;
  private currBuffer = 0;
  private currSize = 0;
  private totSize = 0;
  private _frameCount = 0;
  private readonly channels = new Map<number, StreamWriterChannel>();
  private readonly header = new Uint8Array(RECORD_HEADER_SIZE);
  /** Where a small record is put together when there is no buffer. */
  private small: Uint8Array | null = null;
  private readonly log: FileIoLog;
  private readonly now: () => number;
  /** Bytes written per millisecond over the last second: [ms, bytes] pairs, oldest first (at most ~1000). */
  private bwHistory: [number, number][] = [];
  private bwHead = 0;
  private bwBytes = 0;
  /**
   * Bytes of the records written since the clock was last read, and how many records. The
   * clock is read for the first record of a turn of the event loop, then every `bwStride`
   * records: 16 while the last two readings were less than a millisecond apart, else 1.
   * The bytes waiting (at most 15 records, written in the same turn) are put at the next
   * reading's time, or at the end of the turn (`bwInTurn` is cleared by a microtask).
   */
  private bwPending = 0;
  private bwPendingRecords = 0;
  private bwStride = 1;
  private bwLastRead = -Infinity;
  private bwInTurn = false;
  private waiters: { count: number; resolve: (ok: boolean) => void }[] = [];

  constructor(opts: StreamWriterOptions = {}) {
    this.log = opts.log ?? stderrLog('pyrogue.fileio.StreamWriter');
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * rogue `open(file)`: closes any open file, then opens `file` (or `file.1` with a size
   * limit) for writing from offset 0 without truncating it (rogue's O_RDWR|O_CREAT: the
   * tail of a longer old file stays). Counters and channel frame counts go to 0.
   */
  open(file: string): void {
    this._isOpen = false;
    this.flush();
    this.closeFd();
    this.baseName = file;
    this.fdIdx = 1;
    const name = this.sizeLimit > 0 ? `${file}.1` : file;
    try {
      this.fd = fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o666);
    } catch (e) {
      throw new FileIoError('StreamWriter::open', `Failed to open data file: ${name}`, { cause: e });
    }
    this.totSize = this.currSize = this._frameCount = 0;
    this.resetBandwidth();
    this.currBuffer = 0;
    for (const c of this.channels.values()) c.setFrameCount(0);
    this._isOpen = true;
  }

  /** rogue `close()`: flushes the buffer and closes the file. */
  close(): void {
    this._isOpen = false;
    this.flush();
    this.resetBandwidth();
    this.closeFd();
  }

  /** True between open and close (rogue: also after a write error closed the file underneath). */
  isOpen(): boolean {
    return this._isOpen;
  }

  setRaw(raw: boolean): void {
    this.raw = raw;
  }
  getRaw(): boolean {
    return this.raw;
  }
  /** Frames with an error are not written when true. */
  setDropErrors(drop: boolean): void {
    this.dropErrors = drop;
  }

  /** rogue `setBufferSize(bytes)`: 0 writes every record straight to the file. Flushes first. */
  setBufferSize(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) throw new RangeError(`buffer size must be an integer 0..4294967295, got ${size}`);
    if (size === (this.buffer?.length ?? 0)) return;
    this.flush();
    this.buffer = size === 0 ? null : new Uint8Array(size);
  }
  getBufferSize(): number {
    return this.buffer?.length ?? 0;
  }

  /** rogue `setMaxSize(bytes)`: split into `<name>.1`, `.2`, … at this size (0: one file). Applies from the next open. */
  setMaxSize(size: number | bigint): void {
    const n = Number(size);
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`max size must be a non-negative integer, got ${String(size)}`);
    this.sizeLimit = n;
  }
  getMaxSize(): number {
    return this.sizeLimit;
  }

  /** rogue `getChannel(n)`: the sink of channel n (made once). Channel 0 keeps each frame's own channel. */
  getChannel(channel: number): StreamWriterChannel {
    if (!Number.isInteger(channel) || channel < 0 || channel > 255) throw new RangeError(`channel must be an integer 0..255, got ${channel}`);
    let c = this.channels.get(channel);
    if (!c) {
      c = new StreamWriterChannel(this, channel);
      this.channels.set(channel, c);
    }
    return c;
  }

  get frameCount(): number {
    return this._frameCount;
  }
  getFrameCount(): number {
    return this._frameCount;
  }
  get totalSize(): number {
    return this.totSize + this.currBuffer;
  }
  getTotalSize(): number {
    return this.totalSize;
  }
  get currentSize(): number {
    return this.currSize + this.currBuffer;
  }
  getCurrentSize(): number {
    return this.currentSize;
  }
  /** The file being written (`<name>.<k>` when split), or null when none is open. */
  get currentFile(): string | null {
    if (!this._isOpen) return null;
    return this.sizeLimit > 0 ? `${this.baseName}.${this.fdIdx}` : this.baseName;
  }

  /** rogue `getBandwidth()`: bytes written over the last second, per second. */
  getBandwidth(): number {
    const now = this.now();
    if (this.bwPendingRecords > 0) this.stampBandwidth(now);
    this.pruneBandwidth(now);
    if (this.bwHead >= this.bwHistory.length) return 0;
    const seconds = (now - this.bwHistory[this.bwHead][0]) / 1000;
    if (seconds <= 0) return this.bwBytes;
    return this.bwBytes / seconds;
  }

  /** rogue `waitFrameCount(count, timeout)`: resolves true once `frameCount ≥ count`, false after `timeoutMs` (0: no timeout). */
  waitFrameCount(count: number, timeoutMs = 0): Promise<boolean> {
    return waitCount(() => this._frameCount, this.waiters, count, timeoutMs);
  }

  /** Writes one frame as a record of `channel` (what a channel sink calls). */
  writeFile(channel: number, frame: Frame): void {
    const payload = frame.payload;
    if (payload.length === 0 || (this.dropErrors && frame.error !== 0)) return;
    if (this.fd < 0) return;
    if (this.raw) {
      this.checkSize(payload.length);
      this.intWrite(payload, null);
    } else {
      this.checkSize(payload.length + RECORD_HEADER_SIZE);
      // no buffer and room for the header in front of the payload: the record is written from there, in one piece
      const rec = this.buffer === null ? frame.withHeader(RECORD_HEADER_SIZE) : null;
      if (rec !== null) {
        putHeader(rec, payload.length, frame.flags, frame.error, channel);
        this.intWrite(rec, null);
      } else {
        putHeader(this.header, payload.length, frame.flags, frame.error, channel);
        this.intWrite(this.header, payload);
      }
    }
    this._frameCount = (this._frameCount + 1) >>> 0;
    if (this.waiters.length > 0) notify(this.waiters, this._frameCount);
  }

  /** Writes `a` then `b` (if given): into the buffer when they fit, else straight to the file. */
  private intWrite(a: Uint8Array, b: Uint8Array | null): void {
    const size = a.length + (b?.length ?? 0);
    const buf = this.buffer;
    const buffSize = buf?.length ?? 0;
    if (size + this.currBuffer > buffSize) this.flush();
    if (this.fd < 0) return;
    if (size > buffSize || buf === null) {
      let ok: boolean;
      if (b === null) ok = this.writeOne(a);
      else if (size <= SMALL_RECORD) {
        // a small record goes out in one write(2) of a copy
        const one = (this.small ??= new Uint8Array(SMALL_RECORD));
        one.set(a);
        one.set(b, a.length);
        ok = this.writeOne(one, size);
      } else ok = this.writeAll([a, b], size);
      if (!ok) return;
      this.currSize += size;
      this.totSize += size;
    } else {
      buf.set(a, this.currBuffer);
      if (b !== null) buf.set(b, this.currBuffer + a.length);
      this.currBuffer += size;
    }
    this.recordBandwidth(size);
  }

  /** Writes the first `size` bytes of `bytes` (one write), looping over short writes; on an error closes the file. */
  private writeOne(bytes: Uint8Array, size = bytes.length): boolean {
    try {
      let done = size === bytes.length ? writeSync(this.fd, bytes) : writeSync(this.fd, bytes, 0, size);
      while (done < size) {
        const n = writeSync(this.fd, bytes, done, size - done);
        if (n <= 0) throw new Error('no progress');
        done += n;
      }
      return true;
    } catch (e) {
      return this.writeFailed(e);
    }
  }

  /** Writes the pieces (one writev), looping over short writes; on an error closes the file (rogue: "Write failed, closing file!"). */
  private writeAll(pieces: Uint8Array[], size: number): boolean {
    try {
      let done = writevSync(this.fd, pieces);
      while (done < size) {
        // a short write: the rest, piece by piece
        let skip = done;
        const rest: Uint8Array[] = [];
        for (const p of pieces) {
          if (skip >= p.length) skip -= p.length;
          else {
            rest.push(skip > 0 ? p.subarray(skip) : p);
            skip = 0;
          }
        }
        const n = writevSync(this.fd, rest);
        if (n <= 0) throw new Error('no progress');
        done += n;
      }
      return true;
    } catch (e) {
      return this.writeFailed(e);
    }
  }

  /** rogue: a failed write closes the file ("Write failed, closing file!"). */
  private writeFailed(e: unknown): false {
    this.closeFd();
    this.log.error(`Write failed, closing file! (${(e as Error).message})`);
    return false;
  }

  private checkSize(size: number): void {
    if (this.sizeLimit === 0) return;
    if (size > this.sizeLimit) throw new FileIoError('StreamWriter::checkSize', 'Frame size is larger than file size limit');
    if (size + this.currBuffer + this.currSize > this.sizeLimit) {
      this.flush();
      this.closeFd();
      this.fdIdx++;
      const name = `${this.baseName}.${this.fdIdx}`;
      try {
        this.fd = fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o666);
      } catch (e) {
        throw new FileIoError('StreamWriter::checkSize', `Failed to open file ${name}`, { cause: e });
      }
      this.currSize = 0;
    }
  }

  private flush(): void {
    if (this.currBuffer > 0 && this.buffer !== null) {
      const n = this.currBuffer;
      this.currBuffer = 0;
      if (this.fd < 0 || !this.writeOne(this.buffer.subarray(0, n))) return;
      this.currSize += n;
      this.totSize += n;
    }
  }

  private closeFd(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already gone */
      }
    }
    this.fd = -1;
  }

  private pruneBandwidth(now: number): void {
    const h = this.bwHistory;
    while (this.bwHead < h.length && h[this.bwHead][0] < now - 1000) this.bwBytes -= h[this.bwHead++][1];
    if (this.bwHead > 512 && this.bwHead * 2 > h.length) {
      this.bwHistory = h.slice(this.bwHead);
      this.bwHead = 0;
    }
  }

  private recordBandwidth(size: number): void {
    if (size === 0) return;
    this.bwPending += size;
    if (++this.bwPendingRecords >= this.bwStride || !this.bwInTurn) this.stampBandwidth(this.now());
  }

  /** Puts the bytes waiting into the history at `now` (milliseconds). */
  private stampBandwidth(now: number): void {
    if (!this.bwInTurn) {
      this.bwInTurn = true;
      queueMicrotask(this.endTurn);
    }
    this.bwStride = now - this.bwLastRead < 1 ? 16 : 1;
    this.bwLastRead = now;
    const size = this.bwPending;
    this.bwPending = this.bwPendingRecords = 0;
    const ms = Math.floor(now);
    const h = this.bwHistory;
    const last = h.length > this.bwHead ? h[h.length - 1] : null;
    if (last !== null && last[0] === ms) last[1] += size;
    else {
      this.pruneBandwidth(now);
      this.bwHistory.push([ms, size]);
    }
    this.bwBytes += size;
  }

  /** The end of a turn in which records were written: what waits is put at the clock's time. */
  private readonly endTurn = (): void => {
    this.bwInTurn = false;
    if (this.bwPendingRecords > 0) this.stampBandwidth(this.now());
  };

  private resetBandwidth(): void {
    this.bwHistory = [];
    this.bwHead = this.bwBytes = 0;
    this.bwPending = this.bwPendingRecords = 0;
    this.bwStride = 1;
    this.bwLastRead = -Infinity;
  }
}

/** rogue `StreamWriterChannel`: a stream slave writing into its StreamWriter as one channel. */
export class StreamWriterChannel implements StreamSlave {
  /** The record is written, or copied into the writer's buffer, before `acceptFrame` returns. */
  readonly releasesFrames = true;
  private _frameCount = 0;
  private waiters: { count: number; resolve: (ok: boolean) => void }[] = [];

  constructor(
    readonly writer: StreamWriter,
    readonly channel: number,
  ) {}

  /** Writes the frame (channel 0: as the frame's own channel; else as this channel) and counts it, written or not. */
  acceptFrame(frame: Frame): void {
    this.writer.writeFile(this.channel === 0 ? frame.channel : this.channel, frame);
    this._frameCount = (this._frameCount + 1) >>> 0;
    if (this.waiters.length > 0) notify(this.waiters, this._frameCount);
  }
  get frameCount(): number {
    return this._frameCount;
  }
  getFrameCount(): number {
    return this._frameCount;
  }
  setFrameCount(count: number): void {
    this._frameCount = count >>> 0;
  }
  waitFrameCount(count: number, timeoutMs = 0): Promise<boolean> {
    return waitCount(() => this._frameCount, this.waiters, count, timeoutMs);
  }
}

/** A record header at bytes 0..7 of `into`: the size word (payload + 4) and the meta word, little-endian. */
function putHeader(into: Uint8Array, payloadSize: number, flags: number, error: number, channel: number): void {
  const size = (payloadSize + 4) >>> 0;
  into[0] = size & 0xff;
  into[1] = (size >>> 8) & 0xff;
  into[2] = (size >>> 16) & 0xff;
  into[3] = size >>> 24;
  into[4] = flags & 0xff;
  into[5] = flags >>> 8;
  into[6] = error;
  into[7] = channel;
}

function waitCount(get: () => number, waiters: { count: number; resolve: (ok: boolean) => void }[], count: number, timeoutMs: number): Promise<boolean> {
  if (get() >= count) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    let timer: NodeJS.Timeout | null = null;
    const w = {
      count,
      resolve: (ok: boolean) => {
        if (timer) clearTimeout(timer);
        resolve(ok);
      },
    };
    waiters.push(w);
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        const i = waiters.indexOf(w);
        if (i >= 0) waiters.splice(i, 1);
        resolve(get() >= count);
      }, timeoutMs);
    }
  });
}

function notify(waiters: { count: number; resolve: (ok: boolean) => void }[], n: number): void {
  for (let i = waiters.length - 1; i >= 0; i--) {
    if (n >= waiters[i].count) waiters.splice(i, 1)[0].resolve(true);
  }
}

// =============================================================================
// Reading records

/** pyrogue's RogueHeader: `size` is the payload length (the size word − 4). */
export interface RogueHeader {
  size: number;
  flags: number;
  error: number;
  channel: number;
}

/** One record as the scanner found it. */
export interface ScannedRecord {
  header: RogueHeader;
  /** The payload (a copy: it stays valid after the next record). */
  payload: Uint8Array;
  /** Offset of the record's header in its file. */
  offset: number;
}

export type ScanEnd =
  | { kind: 'end' }
  /** Fewer bytes left than the header or the payload needs (pyrogue: "File underrun reading <file>"). */
  | { kind: 'underrun'; part: 'header' | 'payload'; offset: number; want: number; have: number }
  /** A size word below 4 (no room for the meta word). */
  | { kind: 'badSize'; offset: number; size: number };

/**
 * Reads one data file record by record through a buffer of at most `bufferSize` bytes
 * (a record larger than the buffer is read on its own). Ends at the end of the file, or
 * at the first record the file cannot hold (`end` tells which).
 */
export class RecordScanner {
  private readonly fd: number;
  private readonly fileSize: number;
  private readonly buf: Uint8Array;
  /** File offset of buf[0]. */
  private bufPos = 0;
  private bufLen = 0;
  private pos = 0;
  end: ScanEnd | null = null;

  /**
   * @param tinyAsEmpty  a size word of 1..3 is a record of no payload (rogue's StreamReader
   *   skips it) instead of the end of the scan (`badSize`, as for 0)
   */
  constructor(
    readonly file: string,
    bufferSize = 1 << 20,
    private readonly tinyAsEmpty = false,
  ) {
    this.fd = fs.openSync(file, 'r');
    this.fileSize = fs.fstatSync(this.fd).size;
    this.buf = new Uint8Array(Math.max(64, bufferSize));
  }

  /** The file's size in bytes. */
  get size(): number {
    return this.fileSize;
  }

  close(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      /* closed */
    }
  }

  /** The next record, or null at the end (then `end` says why). */
  next(): ScannedRecord | null {
    if (this.end) return null;
    const off = this.pos;
    const left = this.fileSize - off;
    if (left === 0) {
      this.end = { kind: 'end' };
      return null;
    }
    if (left < RECORD_HEADER_SIZE) {
      this.end = { kind: 'underrun', part: 'header', offset: off, want: RECORD_HEADER_SIZE, have: left };
      return null;
    }
    const h = this.bytes(off, RECORD_HEADER_SIZE, false);
    const word = (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
    const header: RogueHeader = { size: word - 4, flags: h[4] | (h[5] << 8), error: h[6], channel: h[7] };
    if (word < 4) {
      if (word === 0 || !this.tinyAsEmpty) {
        this.end = { kind: 'badSize', offset: off, size: word };
        return null;
      }
      header.size = 0;
    }
    if (header.size > left - RECORD_HEADER_SIZE) {
      this.end = { kind: 'underrun', part: 'payload', offset: off, want: header.size, have: left - RECORD_HEADER_SIZE };
      return null;
    }
    const payload = this.bytes(off + RECORD_HEADER_SIZE, header.size, true);
    this.pos = off + RECORD_HEADER_SIZE + header.size;
    return { header, payload, offset: off };
  }

  /** `n` bytes at file offset `at` (a copy when `copy`, else a view valid until the next read). */
  private bytes(at: number, n: number, copy: boolean): Uint8Array {
    if (at >= this.bufPos && at + n <= this.bufPos + this.bufLen) {
      const v = this.buf.subarray(at - this.bufPos, at - this.bufPos + n);
      return copy ? v.slice() : v;
    }
    if (n > this.buf.length) {
      const out = new Uint8Array(n);
      this.readFully(out, at);
      return out;
    }
    this.bufPos = at;
    this.bufLen = Math.min(this.buf.length, this.fileSize - at);
    this.readFully(this.buf.subarray(0, this.bufLen), at);
    const v = this.buf.subarray(0, n);
    return copy ? v.slice() : v;
  }

  private readFully(into: Uint8Array, at: number): void {
    let done = 0;
    while (done < into.length) {
      const r = fs.readSync(this.fd, into, done, into.length - done, at + done);
      if (r <= 0) throw new FileIoError('RecordScanner', `${this.file} ended at ${at + done} while ${into.length - done} more bytes were expected`);
      done += r;
    }
  }
}

// =============================================================================
// pyrogue FileReader

/** pyrogue's BatchHeader of a batched record's sub-frame. */
export interface BatchHeader {
  size: number;
  tdest: number;
  fUser: number;
  lUser: number;
  /** The data width in bytes (2, 4, 8 or 16), from the header's width code. */
  width: number;
}

export class FileReaderException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileReaderException';
  }
}

export interface FileReaderOptions {
  /** Channel of the configuration/status stream (its YAML records merge into `configDict`, not yielded). Default null: none. */
  configChan?: number | null;
  /** Records hold batched sub-frames (yields [header, batchHeader, data]). Default false. */
  batched?: boolean;
  log?: FileIoLog;
  /** Bytes read at a time. Default 1 MiB. */
  bufferSize?: number;
}

export type FileRecord = [RogueHeader, Uint8Array];
export type BatchRecord = [RogueHeader, BatchHeader, Uint8Array];

/**
 * pyrogue `FileReader(files, configChan=None, batched=False)`: the records of one or
 * more data files, in order (split files are not followed: name each of them).
 */
export class FileReader {
  private readonly files: string[];
  private readonly configChan: number | null;
  private readonly batched: boolean;
  private readonly log: FileIoLog;
  private readonly bufferSize: number;
  private _config = new PyDict();
  private _currCount = 0;
  private _totCount = 0;

  constructor(files: string | string[], opts: FileReaderOptions = {}) {
    this.files = typeof files === 'string' ? [files] : [...files];
    this.configChan = opts.configChan ?? null;
    this.batched = opts.batched ?? false;
    this.log = opts.log ?? stderrLog('pyrogue.FileReader');
    this.bufferSize = opts.bufferSize ?? 1 << 20;
    for (const f of this.files) {
      try {
        fs.accessSync(f, fs.constants.R_OK);
      } catch {
        throw new FileReaderException(`Failed to read file ${f}`);
      }
    }
  }

  /** Records read from the current file / from all files (config records not counted). */
  get currCount(): number {
    return this._currCount;
  }
  get totCount(): number {
    return this._totCount;
  }
  /** The merged configuration (pyrogue `configDict`): top-level keys merged shallowly, dotted keys as paths. */
  get configDict(): PyDict {
    return this._config;
  }

  /** pyrogue `configValue('Root.Dev.Var')`. */
  configValue(path: string): PyValue {
    let obj: PyValue = this._config;
    for (const a of path.split('.')) {
      if (obj instanceof PyDict && obj.has(a)) obj = obj.get(a)!;
      else throw new FileReaderException(`Failed to find path ${path}`);
    }
    return obj;
  }

  /** pyrogue `records()`: [header, payload] per record (batched: [header, batchHeader, data] per sub-frame). */
  records(): Generator<FileRecord>;
  records(batched: true): Generator<BatchRecord>;
  *records(): Generator<FileRecord | BatchRecord> {
    this._config = new PyDict();
    this._currCount = 0;
    this._totCount = 0;
    for (const fn of this.files) {
      this._currCount = 0;
      const scan = new RecordScanner(fn, this.bufferSize);
      try {
        for (let r = scan.next(); r !== null; r = scan.next()) {
          if (this.configChan !== null && r.header.channel === this.configChan) {
            this.updateConfig(fn, r.payload);
            continue;
          }
          this._currCount++;
          this._totCount++;
          if (this.batched) yield* this.batches(fn, r.header, r.payload);
          else yield [r.header, r.payload];
        }
        const end = scan.end;
        if (end && end.kind !== 'end') this.log.warning(`File underrun reading ${fn}`);
      } finally {
        scan.close();
      }
    }
  }

  private *batches(fn: string, header: RogueHeader, data: Uint8Array): Generator<BatchRecord> {
    let cur = 0;
    const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (;;) {
      if (cur + 8 > header.size) throw new FileReaderException(`Batch frame header underrun in ${fn}`);
      const code = data[cur + 7];
      if (code > 3) throw new FileReaderException(`Batch frame width code ${code} in ${fn}`);
      const b: BatchHeader = { size: dv.getUint32(cur, true), tdest: data[cur + 4], fUser: data[cur + 5], lUser: data[cur + 6], width: [2, 4, 8, 16][code] };
      cur += 8;
      // pyrogue skips the extra header bytes of a wide sub-frame with an absolute seek (a bug there); they are skipped here
      if (b.width > 8) {
        if (cur + (b.width - 8) > header.size) throw new FileReaderException(`Batch frame header underrun in ${fn}`);
        cur += b.width - 8;
      }
      if (cur + b.size > header.size) throw new FileReaderException(`Batch frame data underrun in ${fn}`);
      const d = data.subarray(cur, cur + b.size);
      cur += b.size;
      yield [header, b, d];
      if (header.size === cur) break;
    }
  }

  private updateConfig(fn: string, payload: Uint8Array): void {
    let d: PyValue;
    try {
      d = pyYamlLoad(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    } catch (e) {
      this.log.warning(`Bad configuration record in ${fn}: ${(e as Error).message}`);
      return;
    }
    if (!(d instanceof PyDict)) return;
    const cfg = this._config;
    for (const [k, v] of d) {
      const key = typeof k === 'string' ? k : String(k);
      if (key.includes('.')) {
        const parts = key.split('.');
        let at: PyDict = cfg;
        for (const p of parts.slice(0, -1)) {
          let next = at.get(p);
          if (!(next instanceof PyDict)) {
            next = new PyDict();
            at.set(p, next);
          }
          at = next;
        }
        at.set(parts[parts.length - 1], v);
      } else {
        const old = cfg.get(key);
        if (old instanceof PyDict && v instanceof PyDict) for (const [k2, v2] of v) old.set(k2, v2);
        else cfg.set(key, v);
      }
    }
  }
}

// =============================================================================
// StreamReader

export interface StreamReaderOptions extends StreamMasterOptions {
  log?: FileIoLog;
  /** Bytes read at a time. Default 1 MiB. */
  bufferSize?: number;
}

/**
 * rogue `rogue.utilities.fileio.StreamReader`: sends a data file's records as frames
 * (flags, error and channel from each record), at the pace of its slaves. A name ending
 * in `.1` continues with `.2`, `.3`, … until one is missing. A size word of 0 stops
 * ("Bad size"); a record of no payload is skipped; a file cut short ends with a frame of
 * what was there, its error set to 1.
 */
export class StreamReader extends StreamMaster {
  private running: Promise<void> | null = null;
  private stopRequested = false;
  private readonly log: FileIoLog;
  private readonly bufferSize: number;

  constructor(opts: StreamReaderOptions = {}) {
    super(opts);
    this.log = opts.log ?? stderrLog('pyrogue.fileio.StreamReader');
    this.bufferSize = opts.bufferSize ?? 1 << 20;
  }

  /** Starts sending the file's records (closing any earlier read first). */
  async open(file: string): Promise<void> {
    await this.close();
    try {
      fs.accessSync(file, fs.constants.R_OK);
    } catch {
      throw new FileIoError('StreamReader::open', `Failed to open data file: ${file}`);
    }
    this.stopRequested = false;
    const run = this.run(file).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
  }

  /** Stops reading (after the frame being sent). */
  async close(): Promise<void> {
    this.stopRequested = true;
    const r = this.running;
    if (r) await r.catch(() => undefined);
  }

  /** Resolves once every record was sent (rogue `closeWait`). */
  async closeWait(): Promise<void> {
    const r = this.running;
    if (r) await r.catch(() => undefined);
  }

  isActive(): boolean {
    return this.running !== null;
  }

  private async run(first: string): Promise<void> {
    const m = /^(.*)\.1$/.exec(first);
    for (let idx = 1; ; idx++) {
      const name = m ? `${m[1]}.${idx}` : first;
      if (idx > 1 && !fs.existsSync(name)) return;
      if (!(await this.readFile(name)) || !m) return;
    }
  }

  /** Sends one file's records; false when reading must stop. */
  private async readFile(name: string): Promise<boolean> {
    let scan: RecordScanner;
    try {
      scan = new RecordScanner(name, this.bufferSize, true);
    } catch (e) {
      this.log.error(`Failed to open data file: ${name} (${(e as Error).message})`);
      return false;
    }
    try {
      let n = 0;
      for (let r = scan.next(); r !== null; r = scan.next()) {
        if (this.stopRequested) return false;
        if (r.header.size === 0) continue;
        const p = this.sendFrame(new Frame(r.payload, { flags: r.header.flags, error: r.header.error, channel: r.header.channel }));
        if (p !== undefined) await p;
        else if ((++n & 255) === 0) await new Promise<void>((res) => setImmediate(res));
      }
      const end = scan.end;
      if (end?.kind === 'badSize') {
        this.log.warning(`Bad size read ${end.size}`);
        return false;
      }
      if (end?.kind === 'underrun') {
        // a header cut short: rogue stops (saying so when the size word was there); a payload cut short: one frame with error 1
        if (end.part === 'header') {
          if (end.have >= 4) this.log.warning('Failed to read flags');
        } else await this.sendShort(name, end);
        return false;
      }
      return true;
    } finally {
      scan.close();
    }
  }

  /** The record cut short at `offset`: rogue sends it as a frame with no payload and error 1. */
  private async sendShort(name: string, end: { offset: number; want: number; have: number }): Promise<void> {
    const fd = fs.openSync(name, 'r');
    let h: Uint8Array;
    try {
      h = new Uint8Array(RECORD_HEADER_SIZE);
      fs.readSync(fd, h, 0, RECORD_HEADER_SIZE, end.offset);
    } finally {
      fs.closeSync(fd);
    }
    this.log.warning(`Short read. Ret = ${end.have} Req = ${end.want} after 0 bytes`);
    const p = this.sendFrame(new Frame(new Uint8Array(0), { flags: h[4] | (h[5] << 8), error: 1, channel: h[7] }));
    if (p !== undefined) await p;
  }
}
