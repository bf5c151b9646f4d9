/**
 * pyrogue's `RunControl`: runState (an enum, Stopped/Running), runRate (an enum of Hz) and
 * runCount. Setting runState to the state shown as 'Running' starts the run loop: runCount
 * goes to 0, then each iteration waits 1/runRate seconds, calls `cmd` (if given) and adds
 * one to runCount, for as long as runState shows 'Running'. Leaving 'Running' ends the loop
 * after its current iteration (pyrogue's caller waits for that; here `waitStopped()` does).
 *
 *   root.add(new RunControl({ cmd: () => trigger.call() }));
 *
 * runCount is published at most once a second while the loop runs, and when it ends
 * (pyrogue runs the loop inside `root.updateGroup(period=1.0)`); it is also polled every
 * second. Time comes from a `RunClock` (default: timers), so a test drives the loop.
 */
import type { PyValue } from '../py/values';
import { Device, type DeviceOptions } from '../tree/device';
import type { MaybePromise } from '../tree/txn';
import { LocalVariable, type EnumInput } from '../tree/variable';

/** What the run loop waits on. */
export interface RunClock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

export const realRunClock: RunClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
};

export interface RunControlOptions extends DeviceOptions {
  /** Default true. */
  hidden?: boolean;
  /** runRate's values (Hz) and names. Default {1: '1 Hz', 10: '10 Hz'}; the first is the default. */
  rates?: EnumInput<bigint>;
  /** runState's values and names. Default {0: 'Stopped', 1: 'Running'}; the first is the default. */
  states?: EnumInput<bigint>;
  /** Called once per iteration of the run loop (may be async: the loop waits). */
  cmd?: (() => MaybePromise<unknown>) | null;
  clock?: RunClock;
}

const firstKey = (e: EnumInput<bigint>): bigint => {
  for (const [k] of e instanceof Map ? e : Array.isArray(e) ? e : (e as Iterable<[PyValue, PyValue]>)) return k as bigint;
  throw new RangeError('RunControl: an empty enum');
};

export class RunControl extends Device {
  static override pyModule = 'pyrogue._RunControl';
  static override pyName = 'RunControl';

  readonly runState: LocalVariable;
  readonly runRate: LocalVariable;
  readonly runCount: LocalVariable;
  protected readonly _cmd: (() => MaybePromise<unknown>) | null;
  private readonly clock: RunClock;
  /** The running loop (null when none). */
  private worker: Promise<void> | null = null;
  /** The loop was asked to end after its current iteration. */
  private stopping = false;
  /** 'Running' was set again while the loop was ending: a new one starts after it. */
  private restart = false;

  constructor(opts: RunControlOptions = {}) {
    const { rates, states, cmd, clock, ...rest } = opts;
    super({ ...rest, name: opts.name ?? 'RunControl', hidden: opts.hidden ?? true });
    const st: EnumInput<bigint> = states ?? [
      [0n, 'Stopped'],
      [1n, 'Running'],
    ];
    const rt: EnumInput<bigint> = rates ?? [
      [1n, '1 Hz'],
      [10n, '10 Hz'],
    ];
    this._cmd = cmd ?? null;
    this.clock = clock ?? realRunClock;
    this.runState = new LocalVariable({
      name: 'runState',
      value: firstKey(st),
      mode: 'RW',
      groups: ['NoConfig'],
      disp: st,
      localSet: ({ changed }) => this._setRunState(changed),
      description: 'Run state of the system.',
    });
    this.runRate = new LocalVariable({
      name: 'runRate',
      value: firstKey(rt),
      mode: 'RW',
      disp: rt,
      localSet: ({ value }) => this._setRunRate(value),
      description: 'Run rate of the system.',
    });
    this.runCount = new LocalVariable({
      name: 'runCount',
      value: 0n,
      typeStr: 'UInt32',
      mode: 'RO',
      pollInterval: 1n,
      description: 'Run Counter updated by run thread.',
    });
    this.add(this.runState, this.runRate, this.runCount);
  }

  /** Whether the run loop is running (or finishing its last iteration). */
  get runLoopActive(): boolean {
    return this.worker !== null;
  }

  /** Resolves once no run loop runs (pyrogue's caller of a stop waits this way). */
  async waitStopped(): Promise<void> {
    while (this.worker !== null) await this.worker;
  }

  /**
   * pyrogue `_setRunState` (override to drive other run-control hardware; call super): a
   * change to 'Running' starts the loop unless one runs; any other state ends it.
   */
  protected _setRunState(changed: boolean): void {
    if (!changed) return;
    if (this.runState.valueDisp() === 'Running') {
      if (this.worker === null) this.startWorker();
      else if (this.stopping) this.restart = true;
    } else if (this.worker !== null) {
      this.stopping = true;
      this.restart = false;
    }
  }

  /** pyrogue `_setRunRate` (a hook: the loop reads runRate on each iteration). */
  protected _setRunRate(value: PyValue): void {
    void value;
  }

  private startWorker(): void {
    this.stopping = false;
    const w = this._run().finally(() => {
      if (this.worker === w) this.worker = null;
      if (this.restart && this.runState.valueDisp() === 'Running') {
        this.restart = false;
        this.startWorker();
      }
    });
    this.worker = w;
  }

  /** The run loop (pyrogue `_run`). */
  protected async _run(): Promise<void> {
    this.runCount.set(0n);
    let last = this.clock.now();
    let unpublished = false;
    try {
      while (!this.stopping && this.runState.valueDisp() === 'Running') {
        const rate = Number(this.runRate.value());
        await this.clock.sleep(1000 / rate);
        if (this._cmd !== null) await this._cmd();
        // inside pyrogue's updateGroup(period=1.0): published when a second has passed since the last time
        this.runCount.set(((this.runCount.value() as bigint) + 1n) & 0xffffffffn, { write: false });
        unpublished = true;
        const now = this.clock.now();
        if (now - last > 1000) {
          last = now;
          unpublished = false;
          this.runCount._queueUpdate();
        }
      }
    } finally {
      if (unpublished) this.runCount._queueUpdate();
    }
  }

  /** Asks the run loop to end after its current iteration when the root stops (not waited for: `waitStopped`). */
  override _stop(): MaybePromise<void> {
    if (this.worker !== null) {
      this.stopping = true;
      this.restart = false;
    }
    return super._stop();
  }
}
