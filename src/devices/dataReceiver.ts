/**
 * pyrogue's `DataReceiver`: a Device that is a stream slave. Each frame taken while the
 * root runs and RxEnable is True is counted (FrameCount, ByteCount; ErrorCount for a frame
 * with an error, which is then dropped) and handed to `process(frame)`, which by default
 * puts the payload in Data (a uint8 numpy array) and sets Updated.
 *
 *   class Waveform extends DataReceiver {
 *     protected override process(frame: Frame): void { … }   // pyrogue's process(frame)
 *   }
 *   connectStream(source, root.add(new Waveform()) …);
 */
import { Frame } from '../stream/frame';
import type { StreamSlave } from '../stream/master';
import { NdArray, NpDtype, type PyValue } from '../py/values';
import { BOOST_INSTANCE, PyClassRef } from '../tree/pyclass';
import { Device, type DeviceOptions } from '../tree/device';
import { then, type MaybePromise } from '../tree/txn';
import { LocalVariable } from '../tree/variable';

/** rogue's C++ stream slave class (a Python base of pyrogue's stream devices). */
export const RIS_SLAVE = new PyClassRef('rogue.interfaces.stream', 'Slave', [BOOST_INSTANCE]);
/** rogue's C++ stream master class. */
export const RIS_MASTER = new PyClassRef('rogue.interfaces.stream', 'Master', [BOOST_INSTANCE]);

export interface DataReceiverOptions extends DeviceOptions {
  /** Data's typeStr argument (pyrogue reports the value's numpy type instead). Default 'UInt8[np]'. */
  typeStr?: string;
  /** Data is hidden. Default true. */
  hideData?: boolean;
  /** Data's initial value. Default numpy.zeros(1, uint8). */
  value?: PyValue;
  /** RxEnable at start. Default true. */
  enableOnStart?: boolean;
}

export class DataReceiver extends Device implements StreamSlave {
  static override pyModule = 'pyrogue._DataReceiver';
  static override pyName = 'DataReceiver';
  static override pyExtraBases = [RIS_SLAVE];

  readonly RxEnable: LocalVariable;
  readonly FrameCount: LocalVariable;
  readonly ErrorCount: LocalVariable;
  readonly ByteCount: LocalVariable;
  readonly Updated: LocalVariable;
  readonly Data: LocalVariable;
  private readonly enableOnStart: boolean;

  constructor(opts: DataReceiverOptions = {}) {
    const { typeStr, hideData, value, enableOnStart, ...rest } = opts;
    super({ ...rest, name: opts.name ?? 'DataReceiver' });
    this.enableOnStart = enableOnStart ?? true;
    this.RxEnable = new LocalVariable({ name: 'RxEnable', value: true, description: 'Frame Rx Enable' });
    this.FrameCount = new LocalVariable({ name: 'FrameCount', value: 0n, mode: 'RO', pollInterval: 1n, description: 'Frame Rx Counter' });
    this.ErrorCount = new LocalVariable({ name: 'ErrorCount', value: 0n, mode: 'RO', pollInterval: 1n, description: 'Frame Error Counter' });
    this.ByteCount = new LocalVariable({ name: 'ByteCount', value: 0n, mode: 'RO', pollInterval: 1n, description: 'Byte Rx Counter' });
    this.Updated = new LocalVariable({
      name: 'Updated',
      value: false,
      mode: 'RW',
      description: 'Data has been updated flag. Set in the TRUE in DataReceiver and reset to zero by application',
    });
    this.Data = new LocalVariable({
      name: 'Data',
      typeStr: typeStr ?? 'UInt8[np]',
      typeCheck: false,
      disp: '',
      groups: ['NoState', 'NoStream', 'NoConfig'],
      value: value ?? new NdArray(NpDtype.uint8, [1], new Uint8Array(1)),
      hidden: hideData ?? true,
      description: 'Data Frame Container',
    });
    this.add(this.RxEnable, this.FrameCount, this.ErrorCount, this.ByteCount, this.Updated, this.Data);
  }

  /** pyrogue `countReset`: the three counters to 0. */
  override countReset(): MaybePromise<void> {
    this.FrameCount.set(0n);
    this.ErrorCount.set(0n);
    this.ByteCount.set(0n);
    return super.countReset();
  }

  /**
   * True while `process` is DataReceiver's own, which copies the payload: the receiver then
   * keeps nothing of a frame once `acceptFrame` has returned (`StreamSlave.releasesFrames`).
   * A subclass whose `process` keeps nothing of the frame either may say so by overriding this.
   */
  get releasesFrames(): boolean {
    return this.process === DataReceiver.prototype.process;
  }

  /** pyrogue `_acceptFrame`: frames count only while the root runs and RxEnable is True. */
  acceptFrame(frame: Frame): void | Promise<void> {
    if (this.root?.running !== true || this.RxEnable.value() !== true) return;
    if (frame.error !== 0) {
      this.ErrorCount.set((this.ErrorCount.value() as bigint) + 1n, { write: false });
      return;
    }
    this.FrameCount.set((this.FrameCount.value() as bigint) + 1n, { write: false });
    this.ByteCount.set((this.ByteCount.value() as bigint) + BigInt(frame.size), { write: false });
    const r = this.process(frame);
    return r === undefined ? undefined : r.then(() => undefined);
  }

  /** pyrogue `process(frame)` (override): Data = the payload as uint8, Updated = True. May return a promise (back-pressure). */
  protected process(frame: Frame): void | Promise<void> {
    // a copy (a Buffer payload's slice() would be a view of memory the sender may use again)
    this.Data.set(new NdArray(NpDtype.uint8, [frame.size], new Uint8Array(frame.payload)));
    this.Updated.set(true);
  }

  /** pyrogue `_start`: RxEnable = enableOnStart. */
  override _start(): MaybePromise<void> {
    return then(super._start(), () => this.RxEnable.set(this.enableOnStart));
  }
  /** pyrogue `_stop`: RxEnable = False. */
  override _stop(): MaybePromise<void> {
    this.RxEnable.set(false);
    return super._stop();
  }
}
