/**
 * pyrogue's Process device (Start/Stop/Running/Progress/Message/Step/TotalSteps/UpdatePeriod)
 * and the Root's LoadConfigProcess / SaveConfigProcess.
 *
 * A Process runs `_process()` (override it, may be async) when Start is called.
 */
import * as fs from 'fs';
import { BaseCommand } from './command';
import { Device, DeviceOptions } from './device';
import { LocalVariable } from './variable';

export interface ProcessOptions extends DeviceOptions {
  /** Optional work function (instead of overriding _process). */
  function?: ((proc: Process) => unknown) | null;
}

export class Process extends Device {
  static override pyModule = 'pyrogue._Process';
  static override pyName = 'Process';

  readonly Running: LocalVariable;
  readonly Progress: LocalVariable;
  readonly Message: LocalVariable;
  readonly Step: LocalVariable;
  readonly TotalSteps: LocalVariable;
  readonly UpdatePeriod: LocalVariable;
  protected _stopRequested = false;
  private _task: Promise<void> | null = null;
  private readonly _fn: ((proc: Process) => unknown) | null;

  constructor(opts: ProcessOptions = {}) {
    super(opts);
    this._fn = opts.function ?? null;
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
      description: 'Current number of completed steps. Prefer setStep() or incrementSteps().',
    });
    this.TotalSteps = new LocalVariable({
      name: 'TotalSteps',
      mode: 'RO',
      value: 1n,
      pollInterval: 1.0,
      description: 'Total number of process steps. Prefer setTotalSteps().',
    });
    this.UpdatePeriod = new LocalVariable({
      name: 'UpdatePeriod',
      mode: 'RW',
      value: 1.0,
      units: 's',
      groups: ['Hidden'],
      description: 'updateGroup leak period in seconds.',
    });
    this.add(this.Running, this.Progress, this.Message, this.Step, this.TotalSteps, this.UpdatePeriod);
  }

  get processRunning(): boolean {
    return this._task !== null;
  }
  /** Resolves when the running process (if any) ends. */
  async waitDone(): Promise<void> {
    if (this._task) await this._task;
  }

  private _startProcess(): void {
    if (this._task) return;
    this._stopRequested = false;
    this.Running.set(true);
    this.Message.set('');
    this.Progress.set(0.0);
    this._task = (async () => {
      try {
        await this._process();
        if (!this.Message.value()) this.Message.set(this._stopRequested ? 'Stopped by user' : 'Done');
      } catch (e) {
        this.Message.set('Error: ' + (e instanceof Error ? e.message : String(e)));
      } finally {
        this.Progress.set(1.0);
        this.Running.set(false);
        this._task = null;
      }
    })();
  }
  private _stopProcess(): void {
    this._stopRequested = true;
  }
  setStep(n: number | bigint): void {
    this.Step.set(BigInt(n));
    const tot = Number(this.TotalSteps.value());
    if (tot > 0) this.Progress.set(Number(n) / tot);
  }
  setTotalSteps(n: number | bigint): void {
    this.TotalSteps.set(BigInt(n));
  }
  /** The work (override). Default: the `function` option, or nothing. */
  protected async _process(): Promise<void> {
    if (this._fn) await this._fn(this);
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
  protected override async _process(): Promise<void> {
    const root = this.root;
    if (!root) return;
    if (this.LoadMode.value() === 1n) await root.setYaml(this.YamlString.value() as string);
    else await root.loadYaml(this.ConfigFile.value() as string);
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
  protected override async _process(): Promise<void> {
    const root = this.root;
    if (!root) return;
    const status = this.DataType.value() === 1n;
    const y = await root.getYaml({
      readFirst: true,
      modes: status ? ['RW', 'RO', 'WO'] : ['RW', 'WO'],
      incGroups: null,
      excGroups: status ? ['NoState'] : ['NoConfig'],
      recurse: true,
    });
    if (this.SaveMode.value() === 1n) this.YamlString.set(y);
    else {
      let f = this.ConfigFile.value() as string;
      if (!f) f = `${status ? 'state' : 'config'}_${new Date().toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15)}.yml`;
      fs.writeFileSync(f, y);
    }
  }
}
