/**
 * pyrogue's Process device (Start/Stop/Running/Progress/Message/Step/TotalSteps/UpdatePeriod)
 * and the Root's LoadConfigProcess / SaveConfigProcess.
 *
 * Start runs `_process()` (override it, may be async) unless it is running. pyrogue's
 * default `_process`: with a `function` it sets Message 'Running', calls the function
 * ({root, dev, arg}: arg from `argVariable`, the return value into `returnVariable`) and
 * ends with 'Done' and Progress 1.0; without one it counts 100 steps of one second
 * ("Running for i seconds.") until Stop. Stop ends the loop and waits for it (pyrogue
 * joins the thread). An exception is logged and leaves Message 'Stopped after error!'.
 */
import type { PyValue } from '../py/values';
import { BaseCommand } from './command';
import { Device, DeviceOptions } from './device';
import type { Root } from './root';
import { then, type MaybePromise } from './txn';
import { BaseVariable, LocalVariable } from './variable';

export interface ProcessArgs {
  root: Root | null;
  dev: Process;
  arg: PyValue;
}

export interface ProcessOptions extends DeviceOptions {
  /** The work (pyrogue `function`): called with {root, dev, arg}; may be async. */
  function?: ((args: ProcessArgs) => unknown) | null;
  /** A variable holding the function's argument (added to the device if it has no parent). */
  argVariable?: BaseVariable | null;
  /** A variable receiving the function's return value (added to the device if it has no parent). */
  returnVariable?: BaseVariable | null;
}

/** One second of the default process, or less for tests (`Process.stepMs`). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Process extends Device {
  static override pyModule = 'pyrogue._Process';
  static override pyName = 'Process';

  readonly Running: LocalVariable;
  readonly Progress: LocalVariable;
  readonly Message: LocalVariable;
  readonly Step: LocalVariable;
  readonly TotalSteps: LocalVariable;
  readonly UpdatePeriod: LocalVariable;
  /** pyrogue `_runEn`: false asks the running process to stop. */
  protected _runEn = false;
  private _task: Promise<void> | null = null;
  private readonly _fn: ((args: ProcessArgs) => unknown) | null;
  protected readonly _argVar: BaseVariable | null;
  protected readonly _retVar: BaseVariable | null;
  /** Milliseconds of one step of the default process (pyrogue: 1 s). */
  stepMs = 1000;

  constructor(opts: ProcessOptions = {}) {
    const { function: fn, argVariable, returnVariable, ...rest } = opts;
    super(rest);
    this._fn = fn ?? null;
    this._argVar = argVariable ?? null;
    this._retVar = returnVariable ?? null;
    this.add(
      new BaseCommand({ name: 'Start', description: 'Start process. No Args.', arg: false, function: () => this._startProcess() }),
      new BaseCommand({ name: 'Stop', description: 'Stop process. No Args.', arg: false, function: () => this._stopProcess() }),
    );
    this.Running = new LocalVariable({
      name: 'Running',
      mode: 'RO',
      value: false,
      pollInterval: 1.0,
      description: 'Status values indicating if operation is running.',
    });
    // pyrogue starts Progress at 0.0, and its start-up default of Step (1 of 1) makes it 1.0
    this.Progress = new LocalVariable({
      name: 'Progress',
      mode: 'RO',
      units: 'Pct',
      value: 1.0,
      disp: '{:1.2f}',
      pollInterval: 1.0,
      description: 'Percent complete: 0 - 100 %.',
    });
    this.Message = new LocalVariable({
      name: 'Message',
      mode: 'RO',
      value: '',
      pollInterval: 1.0,
      description: "Process status message. Prefixed with 'Error:' if an error occurred.",
    });
    this.Step = new LocalVariable({
      name: 'Step',
      mode: 'RO',
      value: 1n,
      pollInterval: 1.0,
      localSet: () => this._updateProgress(),
      description: 'Current number of completed steps. Prefer setStep() or incrementSteps().',
    });
    this.TotalSteps = new LocalVariable({
      name: 'TotalSteps',
      mode: 'RO',
      value: 1n,
      pollInterval: 1.0,
      localSet: () => this._updateProgress(),
      description: 'Total number of process steps. Prefer setTotalSteps().',
    });
    this.UpdatePeriod = new LocalVariable({
      name: 'UpdatePeriod',
      mode: 'RW',
      value: 1.0,
      typeStr: 'float',
      units: 's',
      groups: ['Hidden'],
      description: 'updateGroup leak period in seconds.',
    });
    this.add(this.Running, this.Progress, this.Message, this.Step, this.TotalSteps, this.UpdatePeriod);
    if (this._argVar && this._argVar.parent === null) this.add(this._argVar);
    if (this._retVar && this._retVar.parent === null) this.add(this._retVar);
  }

  /** Whether the process runs. */
  get processRunning(): boolean {
    return this._task !== null;
  }
  /** Resolves when the running process (if any) ends. */
  async waitDone(): Promise<void> {
    if (this._task) await this._task;
  }

  /** pyrogue `_startProcess`: runs the process unless it runs ("Process already running!"). */
  protected _startProcess(): void {
    if (this.Running.value() !== false || this._task !== null) {
      this._log.warning('Process already running!');
      return;
    }
    this._runEn = true;
    const t = this._run().finally(() => {
      if (this._task === t) this._task = null;
    });
    this._task = t;
  }
  /** pyrogue `_stopProcess`: asks the process to stop and waits for it. */
  protected _stopProcess(): MaybePromise<void> {
    this._runEn = false;
    return this._task ?? undefined;
  }
  private async _run(): Promise<void> {
    this.Running.set(true);
    try {
      await this._process();
    } catch (e) {
      this._log.exception(e);
      this.Message.setDisp('Stopped after error!');
    }
    this.Running.set(false);
  }

  /** The work (override). Default: pyrogue's (the function, or 100 one-second steps). */
  protected async _process(): Promise<void> {
    if (this._fn) {
      this.Message.setDisp('Running');
      this.setStep(0);
      this.setProgress(0.0);
      const arg = this._argVar ? await this._argVar.get() : null;
      const ret = (await this._fn({ root: this.root, dev: this, arg })) as PyValue | undefined;
      if (this._retVar) await this._retVar.set(ret ?? null);
      this.Message.setDisp('Done');
      this.setProgress(1.0);
    } else {
      this.Message.setDisp('Started');
      this.setStep(0);
      this.setTotalSteps(100);
      for (let i = 0; i < 100; i++) {
        if (!this._runEn) break;
        await sleep(this.stepMs);
        this.setStep(i + 1);
        this.Message.setDisp(`Running for ${i} seconds.`);
      }
      this.Message.setDisp('Done');
    }
  }

  private _updateProgress(): void {
    const total = Number(this.TotalSteps.value());
    this.setProgress(total <= 0 ? 0.0 : Number(this.Step.value()) / total);
  }
  /** pyrogue `setProgress`: a fraction, clamped to 0..1. */
  setProgress(value: number): void {
    this.Progress.set(Math.max(0.0, Math.min(value, 1.0)));
  }
  setStep(n: number | bigint): void {
    this.Step.set(BigInt(n));
  }
  setTotalSteps(n: number | bigint): void {
    this.TotalSteps.set(BigInt(n));
  }
  /** pyrogue `incrementSteps`. */
  incrementSteps(incr: number | bigint = 1): void {
    this.Step.set((this.Step.value() as bigint) + BigInt(incr));
  }

  /** pyrogue `_stop`: the process stops (and is waited for). */
  override _stop(): MaybePromise<void> {
    return then(this._stopProcess(), () => super._stop());
  }
}

export class LoadConfigProcess extends Process {
  static override pyModule = 'pyrogue._ConfigProcess';
  static override pyName = 'LoadConfigProcess';
  readonly LoadMode: LocalVariable;
  readonly ConfigFile: LocalVariable;
  readonly YamlString: LocalVariable;

  constructor(opts: ProcessOptions = {}) {
    super({ ...opts, name: opts.name ?? 'LoadConfigProcess' });
    this.LoadMode = new LocalVariable({
      name: 'LoadMode',
      mode: 'RW',
      value: 0n,
      enum: [
        [0n, 'File'],
        [1n, 'String'],
      ],
      description: 'Source of configuration data: File reads from ConfigFile; String applies YamlString.',
    });
    this.ConfigFile = new LocalVariable({
      name: 'ConfigFile',
      mode: 'RW',
      value: '',
      description: 'Path to YAML configuration file. Used when LoadMode is File.',
    });
    this.YamlString = new LocalVariable({
      name: 'YamlString',
      mode: 'RW',
      value: '',
      description: 'YAML configuration text to apply. Used when LoadMode is String.',
    });
    this.add(this.LoadMode, this.ConfigFile, this.YamlString);
  }
  protected override _stopProcess(): void {
    this._log.warning(`${this.name}: Stop is not supported; operation will run to completion.`);
  }
  override _stop(): MaybePromise<void> {
    return then(this.waitDone(), () => Device.prototype._stop.call(this));
  }
  protected override async _process(): Promise<void> {
    this.Message.setDisp('Running');
    this.setProgress(0.0);
    try {
      const root = this.root;
      if (!root) return;
      if (this.LoadMode.value() === 0n) {
        const cfg = String(this.ConfigFile.value()).trim();
        if (!cfg) throw new Error('ConfigFile is empty');
        await root.loadYaml(cfg, { writeEach: false, modes: ['RW', 'WO'], incGroups: null, excGroups: 'NoConfig' });
      } else {
        const yml = String(this.YamlString.value());
        if (!yml.trim()) throw new Error('YamlString is empty');
        await root.setYaml(yml, { writeEach: false, modes: ['RW', 'WO'], incGroups: null, excGroups: 'NoConfig' });
      }
      this.Message.setDisp('Done');
      this.setProgress(1.0);
    } catch (e) {
      this.Message.setDisp(`Error: ${e instanceof Error ? e.message : String(e)}`);
      this.setProgress(1.0);
    }
  }
}

export class SaveConfigProcess extends Process {
  static override pyModule = 'pyrogue._ConfigProcess';
  static override pyName = 'SaveConfigProcess';
  readonly DataType: LocalVariable;
  readonly SaveMode: LocalVariable;
  readonly ConfigFile: LocalVariable;
  readonly YamlString: LocalVariable;

  constructor(opts: ProcessOptions = {}) {
    super({ ...opts, name: opts.name ?? 'SaveConfigProcess' });
    this.DataType = new LocalVariable({
      name: 'DataType',
      mode: 'RW',
      value: 0n,
      enum: [
        [0n, 'Config'],
        [1n, 'Status'],
      ],
      description: 'Variable set to include: Config uses RW/WO modes excluding NoConfig; Status uses RW/RO/WO modes excluding NoState.',
    });
    this.SaveMode = new LocalVariable({
      name: 'SaveMode',
      mode: 'RW',
      value: 0n,
      enum: [
        [0n, 'File'],
        [1n, 'String'],
      ],
      description: 'Output destination: File writes to ConfigFile; String stores the result in YamlString.',
    });
    this.ConfigFile = new LocalVariable({
      name: 'ConfigFile',
      mode: 'RW',
      value: '',
      description: 'Output file path. Used when SaveMode is File. Auto-named with a timestamp prefix if empty.',
    });
    this.YamlString = new LocalVariable({ name: 'YamlString', mode: 'RO', value: '', description: 'Captured YAML output. Populated when SaveMode is String.' });
    this.add(this.DataType, this.SaveMode, this.ConfigFile, this.YamlString);
  }
  protected override _stopProcess(): void {
    this._log.warning(`${this.name}: Stop is not supported; operation will run to completion.`);
  }
  override _stop(): MaybePromise<void> {
    return then(this.waitDone(), () => Device.prototype._stop.call(this));
  }
  protected override async _process(): Promise<void> {
    this.Message.setDisp('Running');
    this.setProgress(0.0);
    try {
      const root = this.root;
      if (!root) return;
      const status = this.DataType.value() === 1n;
      const modes = status ? ['RW', 'RO', 'WO'] : ['RW', 'WO'];
      const excGroups = status ? 'NoState' : 'NoConfig';
      if (this.SaveMode.value() === 0n) {
        await root.saveYaml({
          name: this.ConfigFile.value() as string,
          readFirst: true,
          modes,
          incGroups: null,
          excGroups,
          autoPrefix: status ? 'state' : 'config',
          autoCompress: status,
        });
      } else {
        const y = await root.getYaml({ readFirst: true, modes, incGroups: null, excGroups, recurse: true });
        this.YamlString.set(y);
      }
      this.Message.setDisp('Done');
      this.setProgress(1.0);
    } catch (e) {
      this.Message.setDisp(`Error: ${e instanceof Error ? e.message : String(e)}`);
      this.setProgress(1.0);
    }
  }
}
