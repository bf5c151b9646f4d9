/**
 * pyrogue's data writer devices: `pyrogue.DataWriter` (the nodes every writer has, with
 * hooks a subclass implements), `pyrogue.utilities.fileio.StreamWriter` (rogue's
 * StreamWriter behind them, src/stream/fileio.ts) and `pyrogue.utilities.fileio.StreamReader`.
 *
 *   const cfg = new StreamVariable({ root });
 *   const fw = new StreamWriter({ configStream: { 1: cfg }, rawMode: false });
 *   root.add(fw);
 *   connectStream(source, fw.getChannel(0));
 *   // DataFile, Open, Close, IsOpen, BufferSize, MaxFileSize, CurrentSize, TotalSize,
 *   // Bandwidth, FrameCount, AutoName — as pyrogue v6.15 names, types and modes them
 */
import { FileIoError, StreamReader as RogueStreamReader, StreamWriter as RogueStreamWriter, type FileIoLog, type StreamWriterChannel } from '../stream/fileio';
import { PrbsError } from '../stream/prbs';
import { GeneralError } from '../tree/block';
import type { StreamSlave } from '../stream/master';
import { LocalCommand } from '../tree/command';
import { Device, type DeviceOptions } from '../tree/device';
import { then, type MaybePromise } from '../tree/txn';
import { LocalVariable } from '../tree/variable';
import type { Node } from '../tree/node';
import type { ConfigStream } from './streamVariable';

export interface DataWriterOptions extends DeviceOptions {
  /** Default true (pyrogue: a DataWriter is hidden). */
  hidden?: boolean;
  /** Initial BufferSize in bytes. Default 0. */
  bufferSize?: number | bigint;
  /** Initial MaxFileSize in bytes (0: one file). Default 0. */
  maxFileSize?: number | bigint;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** rogue's errors (the C++ GeneralError) as pyrogue's clients see them: rogue.GeneralError. */
export function asGeneralError(e: unknown): unknown {
  if (e instanceof FileIoError || e instanceof PrbsError) return new GeneralError(e.where, e.detail);
  return e;
}

/** Runs `f`, turning rogue's errors into rogue.GeneralError. */
export function rogueCall<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw asGeneralError(e);
  }
}

/** The node logger as the file classes' log (errors and warnings reach the SystemLog). */
export function nodeLog(node: Node): FileIoLog {
  return { warning: (m) => node._log.warning(m), error: (m) => node._log.error(m) };
}

/**
 * pyrogue `DataWriter`: DataFile, Open, Close, IsOpen, BufferSize, MaxFileSize, CurrentSize,
 * TotalSize, Bandwidth, FrameCount, AutoName. A subclass implements the hooks `_open`,
 * `_close`, `_isOpen`, `_setBufferSize`, `_setMaxFileSize`, `_getCurrentSize`,
 * `_getTotalSize`, `_getBandwidth`, `_getFrameCount` (the defaults do nothing / answer 0).
 */
export class DataWriter extends Device {
  static override pyModule = 'pyrogue._DataWriter';
  static override pyName = 'DataWriter';

  readonly DataFile: LocalVariable;
  readonly Open: LocalCommand;
  readonly Close: LocalCommand;
  readonly IsOpen: LocalVariable;
  readonly BufferSize: LocalVariable;
  readonly MaxFileSize: LocalVariable;
  readonly CurrentSize: LocalVariable;
  readonly TotalSize: LocalVariable;
  readonly Bandwidth: LocalVariable;
  readonly FrameCount: LocalVariable;
  readonly AutoName: LocalCommand;

  constructor(opts: DataWriterOptions = {}) {
    const { bufferSize, maxFileSize, ...rest } = opts;
    super({ ...rest, name: opts.name ?? 'DataWriter', hidden: opts.hidden ?? true, description: 'Class which stores received data to a file.' });
    this.DataFile = new LocalVariable({
      name: 'DataFile',
      mode: 'RW',
      value: '',
      description: 'Data file for storing frames for connected streams.This is the file opened when the Open command is executed.',
    });
    this.Open = new LocalCommand({
      name: 'Open',
      function: () => this._open(),
      description: 'Open data file. The new file name will be the contents of the DataFile variable.',
    });
    this.Close = new LocalCommand({ name: 'Close', function: () => this._close(), description: 'Close data file.' });
    this.IsOpen = new LocalVariable({
      name: 'IsOpen',
      mode: 'RO',
      value: false,
      localGet: () => this._isOpen(),
      description: 'Status field which is True when the Data file is open.',
    });
    this.BufferSize = new LocalVariable({
      name: 'BufferSize',
      mode: 'RW',
      value: BigInt(bufferSize ?? 0),
      typeStr: 'UInt32',
      localSet: ({ value }) => this._setBufferSize(Number(value)),
      description: 'File buffering size. Enables caching of data before call to file system.',
    });
    this.MaxFileSize = new LocalVariable({
      name: 'MaxFileSize',
      mode: 'RW',
      value: BigInt(maxFileSize ?? 0),
      typeStr: 'UInt64',
      localSet: ({ value }) => this._setMaxFileSize(value as bigint),
      description: 'Maximum size for an individual file. Setting to a non zero splits the run data into multiple files.',
    });
    this.CurrentSize = new LocalVariable({
      name: 'CurrentSize',
      mode: 'RO',
      value: 0n,
      typeStr: 'UInt64',
      pollInterval: 1n,
      localGet: () => BigInt(this._getCurrentSize()),
      description: 'Size of current data files in bytes.',
    });
    this.TotalSize = new LocalVariable({
      name: 'TotalSize',
      mode: 'RO',
      value: 0n,
      typeStr: 'UInt64',
      pollInterval: 1n,
      localGet: () => BigInt(this._getTotalSize()),
      description: 'Total bytes written.',
    });
    this.Bandwidth = new LocalVariable({
      name: 'Bandwidth',
      mode: 'RO',
      value: 0.0,
      typeStr: 'Float64',
      pollInterval: 1n,
      localGet: () => this._getBandwidth(),
      units: 'Bytes/sec',
      disp: '{:,.3f}',
      description: 'Instantaneous write bandwidth in bytes per second.',
    });
    this.FrameCount = new LocalVariable({
      name: 'FrameCount',
      mode: 'RO',
      value: 0n,
      typeStr: 'UInt32',
      pollInterval: 1n,
      localGet: () => BigInt(this._getFrameCount()),
      description: 'Total frames received and written.',
    });
    this.AutoName = new LocalCommand({ name: 'AutoName', function: () => this._genFileName(), description: 'Auto create data file name using data and time.' });
    this.add(
      this.DataFile,
      this.Open,
      this.Close,
      this.IsOpen,
      this.BufferSize,
      this.MaxFileSize,
      this.CurrentSize,
      this.TotalSize,
      this.Bandwidth,
      this.FrameCount,
      this.AutoName,
    );
  }

  /** Opens DataFile (override). */
  protected _open(): MaybePromise<void> {
    return undefined;
  }
  /** Closes the file (override). */
  protected _close(): MaybePromise<void> {
    return undefined;
  }
  protected _isOpen(): boolean {
    return false;
  }
  protected _setBufferSize(value: number): void {
    void value;
  }
  protected _setMaxFileSize(value: bigint): void {
    void value;
  }
  protected _getCurrentSize(): number {
    return 0;
  }
  protected _getTotalSize(): number {
    return 0;
  }
  protected _getBandwidth(): number {
    return 0.0;
  }
  protected _getFrameCount(): number {
    return 0;
  }

  /** pyrogue `_genFileName`: DataFile = its directory part (up to the last '/') + data_YYYYMMDD_HHMMSS.dat, local time. */
  protected _genFileName(): void {
    const cur = this.DataFile.value() as string;
    const idx = cur.lastIndexOf('/');
    const base = idx < 0 ? '' : cur.slice(0, idx + 1);
    const d = new Date();
    this.DataFile.set(
      `${base}data_${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}_${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}.dat`,
    );
  }
}

export interface StreamWriterDeviceOptions extends DataWriterOptions {
  /** Config streams by channel (pyrogue `configStream={chan: stream}`): each is connected to that channel and dumps the full state on Open and Close. */
  configStream?: Record<number, ConfigStream> | Map<number, ConfigStream> | null;
  /** An existing writer (pyrogue `writer=`); default a new one. */
  writer?: RogueStreamWriter | null;
  /** Write payloads only (no record headers). Default false. */
  rawMode?: boolean;
}

/**
 * pyrogue `pyrogue.utilities.fileio.StreamWriter`: a DataWriter over rogue's StreamWriter.
 * Its channels (`getChannel(n)`) are the stream slaves frames are written from.
 */
export class StreamWriter extends DataWriter {
  static override pyModule = 'pyrogue.utilities.fileio._StreamWriter';
  static override pyName = 'StreamWriter';

  /** rogue's writer behind the device. */
  readonly writer: RogueStreamWriter;
  private readonly configStream: Map<number, ConfigStream>;

  constructor(opts: StreamWriterDeviceOptions = {}) {
    const { configStream, writer, rawMode, ...rest } = opts;
    super({ ...rest, name: opts.name ?? 'StreamWriter' });
    this.configStream = configStream instanceof Map ? new Map(configStream) : new Map(Object.entries(configStream ?? {}).map(([k, v]) => [Number(k), v]));
    this.writer = writer ?? new RogueStreamWriter({ log: nodeLog(this) });
    if (rawMode) this.writer.setRaw(true);
    // pyrogue's localSet runs on the defaults at start; here the writer takes them at once
    this.writer.setBufferSize(Number(this.BufferSize.value()));
    this.writer.setMaxSize(this.MaxFileSize.value() as bigint);
    for (const [k, v] of this.configStream) v.addSlave(this.writer.getChannel(k));
  }

  /** pyrogue `_open`: the writer opens DataFile, every config stream sends the full state, FrameCount is reset, IsOpen refreshed. */
  protected override _open(): MaybePromise<void> {
    rogueCall(() => this.writer.open(this.DataFile.value() as string));
    return then(this.dumpConfig(), () => {
      this.FrameCount.set(0n);
      this.IsOpen.get();
    });
  }
  /** pyrogue `_close`: every config stream sends the full state, then the writer closes; IsOpen refreshed. */
  protected override _close(): MaybePromise<void> {
    return then(this.dumpConfig(), () => {
      this.writer.close();
      this.IsOpen.get();
    });
  }
  private dumpConfig(): MaybePromise<void> {
    let r: MaybePromise<void> = undefined;
    for (const v of this.configStream.values()) r = then(r, () => v.streamYaml());
    return r;
  }
  protected override _isOpen(): boolean {
    return this.writer.isOpen();
  }
  protected override _setBufferSize(value: number): void {
    this.writer.setBufferSize(value);
  }
  protected override _setMaxFileSize(value: bigint): void {
    this.writer.setMaxSize(value);
  }
  protected override _getCurrentSize(): number {
    return this.writer.currentSize;
  }
  protected override _getTotalSize(): number {
    return this.writer.totalSize;
  }
  protected override _getBandwidth(): number {
    return this.writer.getBandwidth();
  }
  protected override _getFrameCount(): number {
    return this.writer.frameCount;
  }

  /** pyrogue `getChannel(n)`: the stream slave of channel n. */
  getChannel(chan: number): StreamWriterChannel {
    return this.writer.getChannel(chan);
  }
  /** pyrogue `setDropErrors`. */
  setDropErrors(drop: boolean): void {
    this.writer.setDropErrors(drop);
  }
  /** pyrogue `_waitFrameCount(count, timeout)`: true once FrameCount ≥ count (timeout in seconds, 0: none). */
  _waitFrameCount(count: number, timeout = 0): Promise<boolean> {
    return this.writer.waitFrameCount(count, timeout * 1000);
  }
  /** pyrogue `_waitFrameChannelCount(chan, count, timeout)`. */
  _waitFrameChannelCount(chan: number, count: number, timeout = 0): Promise<boolean> {
    return this.writer.getChannel(chan).waitFrameCount(count, timeout * 1000);
  }
}

/**
 * pyrogue `pyrogue.utilities.fileio.StreamReader`: DataFile, Open, Close, isOpen over rogue's
 * StreamReader; connect its frames on with `connectStream(reader, slave)`.
 */
export class StreamReader extends Device {
  static override pyModule = 'pyrogue.utilities.fileio._StreamReader';
  static override pyName = 'StreamReader';

  readonly reader: RogueStreamReader;
  readonly DataFile: LocalVariable;

  constructor(opts: DeviceOptions = {}) {
    super({ ...opts, name: opts.name ?? 'StreamReader' });
    this.reader = new RogueStreamReader({ log: nodeLog(this) });
    this.DataFile = new LocalVariable({ name: 'DataFile', description: 'Data File', mode: 'RW', value: '' });
    this.add(
      this.DataFile,
      new LocalCommand({
        name: 'Open',
        description: 'Open data file.',
        function: async () => {
          try {
            await this.reader.open(this.DataFile.value() as string);
          } catch (e) {
            throw asGeneralError(e);
          }
        },
      }),
      new LocalCommand({ name: 'Close', description: 'Close data file.', function: () => this.reader.close() }),
      new LocalVariable({ name: 'isOpen', mode: 'RO', value: false, localGet: () => this.reader.isActive(), description: 'Data file is open.' }),
    );
  }

  /** The reader's frames go to `slave` too. */
  addSlave(slave: StreamSlave): void {
    this.reader.addSlave(slave);
  }
  override _stop(): MaybePromise<void> {
    return then(this.reader.close(), () => super._stop());
  }
}
