/**
 * pyrogue's Process device (Start/Stop/Running/Progress/Message/Step/TotalSteps/UpdatePeriod)
 * and the Root's LoadConfigProcess / SaveConfigProcess.
 *
 *   new Process({ name: 'Scan', argVariable: steps, function: async ({ dev, arg }) => { ... } })
 *
 * Start runs `_process()` (override it, may be async): with a `function`, pyrogue's order —
 * Message 'Running', Step 0, Progress 0, the argument variable's get(), the function once
 * ({root, dev, arg}), the return variable's set(), Message 'Done', Progress 1 — and without one
 * pyrogue's demo (100 steps, one a second, until Stop).
 */
import { PyValueError } from '../py/errors';
import { pyStrip } from '../py/numtext';
import { PyValue } from '../py/values';
import { BaseCommand } from './command';
import { Device, DeviceOptions } from './device';
import type { Root } from './root';
import { MaybePromise, then } from './txn';
import { BaseVariable, LocalVariable } from './variable';
import { excStr } from './variable/base';

export interface ProcessFunctionArgs {
  root: Root | null;
  dev: Process;
  /** The argument variable's value (its get()), or null without one. */
  arg: PyValue;
}

export interface ProcessOptions extends DeviceOptions {
  /** The work, called once per Start with {root, dev, arg} (pyrogue passes the names it declares). May be async. */
  function?: ((args: ProcessFunctionArgs) => MaybePromise<PyValue | void>) | null;
  /** A variable whose value is the function's `arg` (added to the process unless it already has a parent). */
  argVariable?: BaseVariable | null;
  /** A variable set to the function's return value (added to the process unless it already has a parent). */
  returnVariable?: BaseVariable | null;
}

export class Process extends Device {
  static override pyModule = 'pyrogue._Process';
  static override pyName = 'Process';

  readonly Start: BaseCommand;
  readonly Stop: BaseCommand;
  readonly Running: LocalVariable;
  readonly Progress: LocalVariable;
  readonly Message: LocalVariable;
  readonly Step: LocalVariable;
  readonly TotalSteps: LocalVariable;
  readonly UpdatePeriod: LocalVariable;
  /** false once Stop was called (pyrogue `_runEn`): a long `_process` checks it. */
  protected _runEn = false;
  private _task: Promise<void> | null = null;
  private readonly _fn: ProcessOptions['function'];
  protected readonly _argVar: BaseVariable | null;
  protected readonly _retVar: BaseVariable | null;

  constructor(opts: ProcessOptions = {}) {
    super(opts);
    this._fn = opts.function ?? null;
    this._argVar = opts.argVariable ?? null;
    this._retVar = opts.returnVariable ?? null;
    this.Start = new BaseCommand({ name: 'Start', description: 'Start process. No Args.', arg: false, function: () => this._startProcess() });
    this.Stop = new BaseCommand({ name: 'Stop', description: 'Stop process. No Args.', arg: false, function: () => this._stopProcess() });
    this.Running = new LocalVariable({
      name: 'Running',
      mode: 'RO',
      value: false,
      pollInterval: 1.0,
      description: 'Status values indicating if operation is running.',
    });
    this.Progress = new LocalVariable({
      name: 'Progress',
      mode: 'RO',
      units: 'Pct',
      value: 0.0,
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
    // pyrogue: Step and TotalSteps recompute Progress whenever they are set (at start too: Progress 1.0)
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
    this.add(this.Start, this.Stop, this.Running, this.Progress, this.Message, this.Step, this.TotalSteps, this.UpdatePeriod);
    if (this._argVar && this._argVar.parent === null) this.add(this._argVar);
    if (this._retVar && this._retVar.parent === null) this.add(this._retVar);
  }

  get processRunning(): boolean {
    return this._task !== null;
  }
  /** Resolves when the running process (if any) ends. */
  async waitDone(): Promise<void> {
    if (this._task) await this._task;
  }

  private _updateProgress(): void {
    const total = Number(this.TotalSteps.value());
    this.setProgress(total <= 0 ? 0.0 : Number(this.Step.value()) / total);
  }
  /** Fractional progress, clamped to 0.0–1.0. */
  setProgress(value: number): void {
    this.Progress.set(Math.max(0.0, Math.min(value, 1.0)));
  }
  setTotalSteps(n: number | bigint): void {
    this.TotalSteps.set(BigInt(n));
  }
  setStep(n: number | bigint): void {
    this.Step.set(BigInt(n));
  }
  incrementSteps(incr: number | bigint = 1n): void {
    this.Step.set((this.Step.value() as bigint) + BigInt(incr));
  }

  /** pyrogue `_startProcess` (and `proc(arg)` with an argument for the argument variable). */
  protected _startProcess(arg: PyValue = null): void {
    if (this.Running.value() !== false || this._task) {
      this._log.warning('Process already running!');
      return;
    }
    if (arg !== null && this._argVar) void this._argVar.setDisp(arg);
    this._runEn = true;
    this._task = this._run().finally(() => {
      this._task = null;
    });
  }
  /** pyrogue `_stopProcess`: asks the process to stop and waits for it to end. */
  protected _stopProcess(): MaybePromise<void> {
    this._runEn = false;
    return this._task ?? undefined;
  }
  /** pyrogue `_run`. Updates are delivered as they happen (pyrogue batches them every UpdatePeriod seconds). */
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
  /** pyrogue `_stop` (Root.stop): the process is asked to stop and waited for. */
  override _stop(): MaybePromise<void> {
    return then(this._stopProcess(), () => super._stop());
  }
  /** The work (override). Default: pyrogue's — the `function` option, or the 100-step demo. */
  protected async _process(): Promise<void> {
    const fn = this._fn;
    if (fn) {
      this.Message.setDisp('Running');
      this.setStep(0);
      this.setProgress(0.0);
      const arg = this._argVar ? await this._argVar.get() : null;
      const ret = await fn({ root: this.root, dev: this, arg });
      if (this._retVar) await this._retVar.set(ret === undefined ? null : ret);
      this.Message.setDisp('Done');
      this.setProgress(1.0);
      return;
    }
    this.Message.setDisp('Started');
    this.setStep(0);
    this.setTotalSteps(100);
    for (let i = 0; i < 100; i++) {
      if (!this._runEn) break;
      await new Promise((r) => setTimeout(r, 1000));
      this.setStep(i + 1);
      this.Message.setDisp(`Running for ${i} seconds.`);
    }
    this.Message.setDisp('Done');
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
  /** pyrogue: Stop is not supported; the load runs to completion. */
  protected override _stopProcess(): void {
    this._log.warning(`${this.name}: Stop is not supported; operation will run to completion.`);
  }
  /** pyrogue `_stop`: waits for a load in progress. */
  override _stop(): MaybePromise<void> {
    return then(this.waitDone(), () => Device.prototype._stop.call(this));
  }
  protected override async _process(): Promise<void> {
    this.Message.setDisp('Running');
    this.setProgress(0.0);
    try {
      const root = this.root;
      if (!root) throw new Error('no root');
      if (this.LoadMode.value() === 0n) {
        const cfg = pyStrip(String(this.ConfigFile.value()));
        if (!cfg) throw new PyValueError('ConfigFile is empty');
        await root.loadYaml(cfg, { writeEach: false, modes: ['RW', 'WO'], incGroups: null, excGroups: ['NoConfig'] });
      } else {
        const yml = String(this.YamlString.value());
        if (!pyStrip(yml)) throw new PyValueError('YamlString is empty');
        await root.setYaml(yml, { writeEach: false, modes: ['RW', 'WO'], incGroups: null, excGroups: ['NoConfig'] });
      }
      this.Message.setDisp('Done');
    } catch (e) {
      this.Message.setDisp(`Error: ${excStr(e)}`);
    }
    this.setProgress(1.0);
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
  /** pyrogue: Stop is not supported; the save runs to completion. */
  protected override _stopProcess(): void {
    this._log.warning(`${this.name}: Stop is not supported; operation will run to completion.`);
  }
  /** pyrogue `_stop`: waits for a save in progress. */
  override _stop(): MaybePromise<void> {
    return then(this.waitDone(), () => Device.prototype._stop.call(this));
  }
  protected override async _process(): Promise<void> {
    this.Message.setDisp('Running');
    this.setProgress(0.0);
    try {
      const root = this.root;
      if (!root) throw new Error('no root');
      const status = this.DataType.value() === 1n;
      const modes = status ? ['RW', 'RO', 'WO'] : ['RW', 'WO'];
      const excGroups = status ? ['NoState'] : ['NoConfig'];
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
        this.YamlString.set(await root.getYaml({ readFirst: true, modes, incGroups: null, excGroups, recurse: true }));
      }
      this.Message.setDisp('Done');
    } catch (e) {
      this.Message.setDisp(`Error: ${excStr(e)}`);
    }
    this.setProgress(1.0);
  }
}
