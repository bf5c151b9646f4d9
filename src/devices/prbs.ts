/**
 * pyrogue's PRBS devices (`pyrogue.utilities.prbs`): PrbsTx (a generator, a stream
 * master), PrbsRx (a checker, a stream slave) and PrbsPair (one of each), over rogue's
 * Prbs (src/stream/prbs.ts), with pyrogue's variables and commands.
 *
 *   const tx = root.add(new PrbsTx()) …;  connectStream(tx, writer.getChannel(0));
 *   // txSize, txPeriod, txEnable, genFrame, txErrors, txCount, txBytes, genPayload, txRate, txBw
 *
 * The generator loop runs its bursts of frames inside a root update group, so what the
 * frames change downstream (a DataReceiver's Data…) is published once per burst.
 */
import { Frame } from '../stream/frame';
import type { StreamSlave } from '../stream/master';
import { Prbs } from '../stream/prbs';
import { LocalCommand } from '../tree/command';
import { Device, type DeviceOptions } from '../tree/device';
import { then, type MaybePromise } from '../tree/txn';
import { LocalVariable } from '../tree/variable';
import { asGeneralError } from './dataWriter';

export interface PrbsTxOptions extends DeviceOptions {
  /** Payload word k carries k instead of the LFSR. Default false. */
  sendCount?: boolean;
  /** Word width in bits (a multiple of 32). Default 32. */
  width?: number | null;
  /** LFSR taps. Default [1, 2, 6, 31]. */
  taps?: ArrayLike<number> | null;
  /** A slave to send to (pyrogue `stream=`). */
  stream?: StreamSlave | null;
}

const u32 = (n: number) => BigInt(n >>> 0);

export class PrbsTx extends Device {
  static override pyModule = 'pyrogue.utilities.prbs';
  static override pyName = 'PrbsTx';

  /** rogue's generator behind the device. */
  readonly prbs: Prbs;
  readonly txSize: LocalVariable;
  readonly txPeriod: LocalVariable;
  readonly txEnable: LocalVariable;
  readonly genFrame: LocalCommand;
  /** Enable/disable requests run one after the other (rogue joins the generator thread). */
  private control: Promise<void> = Promise.resolve();

  constructor(opts: PrbsTxOptions = {}) {
    const { sendCount, width, taps, stream, ...rest } = opts;
    super({ ...rest, name: opts.name ?? 'PrbsTx', description: 'PRBS Software Transmitter' });
    this.prbs = new Prbs({
      burst: (run) => {
        const root = this.root;
        if (root) root.updateGroup(run);
        else run();
      },
      onSlaveError: (e) => this.slaveFailed(e),
    });
    if (width != null) this.prbs.setWidth(width);
    if (taps != null) this.prbs.setTaps(taps);
    if (stream) this.prbs.addSlave(stream);
    this.prbs.sendCount(sendCount ?? false);
    const p = this.prbs;
    this.txSize = new LocalVariable({
      name: 'txSize',
      description: 'PRBS Frame Size',
      units: 'Bytes',
      localSet: ({ value, changed }) => this._txSize(Number(value), changed),
      mode: 'RW',
      value: 1024n,
      typeStr: 'UInt32',
    });
    this.txPeriod = new LocalVariable({
      name: 'txPeriod',
      description: 'Tx Period In Microseconds',
      units: 'uS',
      localSet: ({ value }) => p.setTxPeriod(Number(value)),
      localGet: () => u32(p.getTxPeriod()),
      mode: 'RW',
      typeStr: 'UInt32',
    });
    this.txEnable = new LocalVariable({
      name: 'txEnable',
      description: 'PRBS Run Enable',
      mode: 'RW',
      value: false,
      localSet: ({ value, changed }) => this._txEnable(value === true || value === 1n, changed),
    });
    this.genFrame = new LocalCommand({
      name: 'genFrame',
      description: 'Generate n frames',
      value: 1n,
      arg: true,
      function: ({ arg }) => this._genFrame(Number(arg)),
    });
    const counter = (name: string, description: string, get: () => number) =>
      new LocalVariable({ name, description, mode: 'RO', pollInterval: 1n, value: 0n, typeStr: 'UInt32', localGet: () => u32(get()) });
    const rate = (name: string, description: string, units: string, get: () => number) =>
      new LocalVariable({ name, description, disp: '{:.3e}', mode: 'RO', pollInterval: 1n, value: 0.0, units, localGet: get });
    this.add(
      this.txSize,
      this.txPeriod,
      this.txEnable,
      this.genFrame,
      counter('txErrors', 'TX Error Count', () => p.txErrors),
      counter('txCount', 'TX Count', () => p.txCount),
      counter('txBytes', 'TX Bytes', () => p.txBytes),
      new LocalVariable({
        name: 'genPayload',
        description: 'Payload Generate Enable',
        mode: 'RW',
        value: true,
        localSet: ({ value }) => p.genPayload(value === true),
      }),
      rate('txRate', 'TX Rate', 'Frames/s', () => p.txRate),
      rate('txBw', 'TX BW', 'Bytes/s', () => p.txBw),
    );
  }

  /** `connectStream(prbsTx, slave)` (pyrogue `prbsTx >> slave`). */
  addSlave(slave: StreamSlave): void {
    this.prbs.addSlave(slave);
  }
  setWidth(width: number): void {
    this.prbs.setWidth(width);
  }
  setTaps(taps: ArrayLike<number>): void {
    this.prbs.setTaps(taps);
  }
  sendCount(en: boolean): void {
    this.prbs.sendCount(en);
  }

  /** pyrogue `countReset`: rogue's resetCount. */
  override countReset(): MaybePromise<void> {
    this.prbs.resetCount();
    return super.countReset();
  }

  /** pyrogue `_genFrame(arg)`: `arg` frames of txSize (waiting for slow slaves). */
  protected async _genFrame(n: number): Promise<void> {
    const size = Number(this.txSize.value());
    for (let i = 0; i < n; i++) {
      let r: void | Promise<void>;
      try {
        r = this.prbs.genFrame(size);
      } catch (e) {
        throw asGeneralError(e);
      }
      if (r !== undefined) await r;
    }
  }

  /** pyrogue `_txSize`: a new size restarts a running generator. */
  protected _txSize(size: number, changed: boolean): void {
    if (changed && this.txEnable.value() === true) {
      this.queue(async () => {
        await this.prbs.disable();
        this.prbs.enable(size);
      });
    }
  }

  /** pyrogue `_txEnable`: starts or stops the generator loop with frames of txSize. */
  protected _txEnable(on: boolean, changed: boolean): void {
    if (!changed) return;
    if (!on) this.queue(() => this.prbs.disable());
    else {
      const size = Number(this.txSize.value());
      // rogue refuses a bad size at once ("Invalid frame size")
      if (!this.prbs.enabled)
        try {
          this.prbs.enable(size);
          return;
        } catch (e) {
          throw asGeneralError(e);
        }
      this.queue(async () => {
        await this.prbs.disable();
        this.prbs.enable(size);
      });
    }
  }

  /** A slave threw: logged; a running generator stops (rogue's thread would end there). */
  private slaveFailed(e: unknown): void {
    this._log.exception(asGeneralError(e));
    if (this.prbs.enabled && this.txEnable.value() === true) {
      this._log.error('PRBS generator stopped: a stream slave failed');
      this.txEnable.set(false);
    }
  }

  private queue(step: () => MaybePromise<void>): void {
    this.control = this.control.then(step).catch((e: unknown) => this._log.exception(asGeneralError(e)));
  }

  /** pyrogue `_stop`: the generator stops. */
  override _stop(): MaybePromise<void> {
    this.queue(() => this.prbs.disable());
    return then(this.control, () => super._stop());
  }
}

export interface PrbsRxOptions extends DeviceOptions {
  width?: number | null;
  /** Check the payload words (else only the header). Default true. */
  checkPayload?: boolean;
  taps?: ArrayLike<number> | null;
  /** A master to receive from (pyrogue `stream=`). */
  stream?: { addSlave(slave: StreamSlave): void } | null;
}

export class PrbsRx extends Device implements StreamSlave {
  static override pyModule = 'pyrogue.utilities.prbs';
  static override pyName = 'PrbsRx';

  /** rogue's checker behind the device. */
  readonly prbs: Prbs;

  constructor(opts: PrbsRxOptions = {}) {
    const { width, checkPayload, taps, stream, ...rest } = opts;
    super({ ...rest, name: opts.name ?? 'PrbsRx', description: 'PRBS Software Receiver' });
    this.prbs = new Prbs({ onWarning: (m) => this._log.warning(m) });
    if (width != null) this.prbs.setWidth(width);
    if (taps != null) this.prbs.setTaps(taps);
    if (stream) stream.addSlave(this);
    const p = this.prbs;
    p.checkPayload(checkPayload ?? true);
    const counter = (name: string, description: string, get: () => number) =>
      new LocalVariable({ name, description, mode: 'RO', pollInterval: 1n, value: 0n, typeStr: 'UInt32', localGet: () => BigInt(get()) });
    const rate = (name: string, description: string, units: string, get: () => number) =>
      new LocalVariable({ name, description, disp: '{:.3e}', mode: 'RO', pollInterval: 1n, value: 0.0, units, localGet: get });
    this.add(
      new LocalVariable({
        name: 'rxEnable',
        description: 'RX Enable',
        mode: 'RW',
        value: true,
        localGet: () => p.getRxEnable(),
        localSet: ({ value }) => p.setRxEnable(value === true),
      }),
      counter('rxErrors', 'RX Error Count', () => p.rxErrors),
      counter('rxCount', 'RX Count', () => p.rxCount),
      counter('rxBytes', 'RX Bytes', () => p.rxBytes),
      rate('rxRate', 'RX Rate', 'Frames/s', () => p.rxRate),
      rate('rxBw', 'RX BW', 'Bytes/s', () => p.rxBw),
      new LocalVariable({
        name: 'checkPayload',
        description: 'Payload Check Enable',
        mode: 'RW',
        value: checkPayload ?? true,
        localSet: ({ value }) => p.checkPayload(value === true),
      }),
    );
  }

  /** Checks a frame (pyrogue: rogue's Prbs is the device's stream slave). */
  acceptFrame(frame: Frame): void | Promise<void> {
    return this.prbs.acceptFrame(frame);
  }
  setWidth(width: number): void {
    this.prbs.setWidth(width);
  }
  setTaps(taps: ArrayLike<number>): void {
    this.prbs.setTaps(taps);
  }
  override countReset(): MaybePromise<void> {
    this.prbs.resetCount();
    return super.countReset();
  }
}

export interface PrbsPairOptions extends DeviceOptions {
  width?: number | null;
  taps?: ArrayLike<number> | null;
  sendCount?: boolean;
  txStream?: StreamSlave | null;
  rxStream?: { addSlave(slave: StreamSlave): void } | null;
}

/** pyrogue `PrbsPair`: a PrbsTx and a PrbsRx. */
export class PrbsPair extends Device {
  static override pyModule = 'pyrogue.utilities.prbs';
  static override pyName = 'PrbsPair';

  readonly PrbsTx: PrbsTx;
  readonly PrbsRx: PrbsRx;

  constructor(opts: PrbsPairOptions = {}) {
    const { width, taps, sendCount, txStream, rxStream, ...rest } = opts;
    super({ ...rest, name: opts.name ?? 'PrbsPair' });
    this.PrbsTx = new PrbsTx({ sendCount, width, taps, stream: txStream });
    this.PrbsRx = new PrbsRx({ width, taps, stream: rxStream });
    this.add(this.PrbsTx, this.PrbsRx);
  }
  setWidth(width: number): void {
    this.PrbsTx.setWidth(width);
    this.PrbsRx.setWidth(width);
  }
  setTaps(taps: ArrayLike<number>): void {
    this.PrbsTx.setTaps(taps);
    this.PrbsRx.setTaps(taps);
  }
  /** Frames of the pair's generator go to `slave`. */
  addSlave(slave: StreamSlave): void {
    this.PrbsTx.addSlave(slave);
  }
  /** Frames to the pair's checker. */
  acceptFrame(frame: Frame): void | Promise<void> {
    return this.PrbsRx.acceptFrame(frame);
  }
}
