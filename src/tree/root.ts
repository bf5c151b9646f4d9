/**
 * pyrogue's Root: the top Device with the built-in variables and commands,
 * update batching (update groups), var-listeners, the heartbeat, the poller,
 * the system log and interfaces.
 *
 *   const root = new Root({ name: 'Root', description: '...', pollEn: false });
 *   root.add(new MyDevice());
 *   root.addVarListener((path, value) => ..., () => ..., { excGroups: ['NoServe'] });
 *   await root.start();   // builds blocks, starts heartbeat/poller/interfaces
 *   ...
 *   await root.stop();
 *
 * Batching: variable updates queued while an update group is open
 * (`root.updateGroup(fn)`) are delivered once when the outermost group ends;
 * outside a group every queued update is its own batch. Each batch also
 * contains the dependents (LinkVariables...) of its variables. Delivery is
 * asynchronous and ordered (pyrogue's update worker); `await root.waitOnUpdate()`
 * resolves when every queued batch has been delivered.
 */
import * as path from 'path';
import { PyValue } from '../py/values';
import { MaybePromise, TreeBlock, seq, then } from './txn';
import { BaseCommand } from './command';
import { Device, DeviceOptions } from './device';
import { LogEntry, pyJsonDumps } from './log';
import { Node, treeStructureEpoch } from './node';
import { func, prop, PyMembers } from './pyclass';
import type { RootInterface, RootSurface, VarListener, VarListenerOptions } from './surface';
import { BaseVariable, LinkVariable, LocalVariable, VariableValue } from './variable';
import { LoadConfigProcess, SaveConfigProcess } from './process';
import { isPromiseLike } from './surface';
import { remoteDump, rootLoadYaml, rootSetYaml, saveAddressMap, saveVariableList } from './yaml';

export interface RootOptions extends DeviceOptions {
  /** Poll enable at start (Root.PollEn). Default true (pyrogue). */
  pollEn?: boolean;
  /** Transaction timeout in seconds. Default 1.0. */
  timeout?: number;
  /** Value of RogueVersion. Default 'v6.15.0'. */
  rogueVersion?: string;
  /** Value of RogueDirectory. Default: this package's directory. */
  rogueDirectory?: string;
  /** Maximum number of entries kept in SystemLog. Default 1000. */
  maxLog?: number;
  /** Heartbeat period in ms (Root.Time update). Default 1000; 0 disables. */
  heartbeatMs?: number;
}

interface VarListenerReg {
  func: VarListener;
  done: (() => void) | null;
  incGroups: string[] | null;
  excGroups: string[] | null;
}

/** What a delivered batch's slot holds until the queue is trimmed (the batch itself can be collected). */
const EMPTY_BATCH = new Map<string, BaseVariable>();
const RESOLVED = Promise.resolve();

export class Root extends Device implements RootSurface {
  static override pyModule = 'pyrogue._Root';
  static override pyName = 'Root';

  /** true between start() and stop() */
  _running = false;
  readonly timeout: number;
  private readonly _varListeners: VarListenerReg[] = [];
  private readonly _interfaces: RootInterface[] = [];
  private _updateDepth = 0;
  private _pending = new Map<string, BaseVariable>();
  /** Batches waiting for the worker: `_batches[_batchHead]` onwards (an array with a head, so a burst is not O(n²)). */
  private readonly _batches: (Map<string, BaseVariable> | BaseVariable)[] = [];
  private _batchHead = 0;
  /** A drain of `_batches` is queued as a microtask. */
  private _drainQueued = false;
  /** The delivery the drain waits for, while one is asynchronous. */
  private _worker: Promise<void> | null = null;
  /** `waitOnUpdate` callers, told when the queue is empty. */
  private _idleWaiters: (() => void)[] = [];
  private _heartbeat: NodeJS.Timeout | null = null;
  /** The poller's timer: set for the earliest due entry while polling is on. */
  private _poller: NodeJS.Timeout | null = null;
  /** pyrogue's poll queue: one entry per polled block, with its interval (ms) and when it is due (Date.now() ms). */
  private readonly _polled = new Map<TreeBlock, { interval: number; due: number }>();
  private readonly _heartbeatMs: number;
  private readonly _maxLog: number;
  private _logEntries: LogEntry[] = [];
  private _inLog = false;

  readonly RogueVersion: LocalVariable;
  readonly RogueDirectory: LocalVariable;
  readonly SystemLog: LocalVariable;
  readonly SystemLogLast: LocalVariable;
  readonly ForceWrite: LocalVariable;
  readonly InitAfterConfig: LocalVariable;
  readonly Time: LocalVariable;
  readonly LocalTime: LinkVariable;
  readonly PollEn: LocalVariable;
  readonly LoadConfigProcess: LoadConfigProcess;
  readonly SaveConfigProcess: SaveConfigProcess;

  protected override get _logKind(): string {
    return 'Root';
  }
  constructor(opts: RootOptions = {}) {
    super({ ...opts, name: opts.name ?? 'Root', expand: opts.expand ?? true });
    this._root = this;
    for (const n of this.nodes.values()) n._rootAttached(this, this);
    this.timeout = opts.timeout ?? 1.0;
    this._heartbeatMs = opts.heartbeatMs ?? 1000;
    this._maxLog = opts.maxLog ?? 1000;

    const cmd = (name: string, description: string, value: PyValue, fn: (arg: PyValue) => MaybePromise<PyValue | void>, arg: boolean, retValue?: PyValue) =>
      new BaseCommand({ name, description, groups: ['Hidden'], value, arg, retValue, function: ({ arg: a }) => fn(a) });

    this.RogueVersion = new LocalVariable({ name: 'RogueVersion', mode: 'RO', value: opts.rogueVersion ?? 'v6.15.0', description: 'Rogue Version String' });
    this.RogueDirectory = new LocalVariable({
      name: 'RogueDirectory',
      mode: 'RO',
      value: opts.rogueDirectory ?? path.resolve(__dirname, '..'),
      description: 'Rogue Library Directory',
    });
    this.SystemLog = new LocalVariable({
      name: 'SystemLog',
      mode: 'RO',
      value: '[]',
      groups: ['NoStream', 'NoSql', 'NoState', 'Hidden'],
      description: 'String containing newline separated system logic entries',
    });
    this.SystemLogLast = new LocalVariable({
      name: 'SystemLogLast',
      mode: 'RO',
      value: '',
      groups: ['NoStream', 'NoState', 'Hidden'],
      description: 'String containing last system log entry',
    });
    this.ForceWrite = new LocalVariable({
      name: 'ForceWrite',
      mode: 'RW',
      value: false,
      groups: ['Hidden'],
      description: 'Configuration Flag To Always Write Non Stale Blocks For WriteAll, LoadConfig and setYaml',
    });
    this.InitAfterConfig = new LocalVariable({
      name: 'InitAfterConfig',
      mode: 'RW',
      value: false,
      groups: ['Hidden'],
      description: 'Configuration Flag To Execute Initialize after LoadConfig or setYaml',
    });
    this.Time = new LocalVariable({
      name: 'Time',
      mode: 'RO',
      value: nowSeconds(),
      groups: ['NoSql', 'Hidden'],
      description: 'Current Time In Seconds Since EPOCH UTC',
    });
    const time = this.Time;
    this.LocalTime = new LinkVariable({
      name: 'LocalTime',
      mode: 'RO',
      value: '',
      groups: ['NoStream', 'NoSql', 'NoState'],
      description: 'Local Time',
      dependencies: [time],
      linkedGet: ({ read }) => localTimeString(Number(time.get({ read }))),
    });
    this.PollEn = new LocalVariable({
      name: 'PollEn',
      mode: 'RW',
      value: opts.pollEn ?? true,
      groups: ['NoStream', 'NoSql', 'NoState'],
      localSet: ({ value }) => this._pollEnChanged(value === true),
    });
    this.add(
      this.RogueVersion,
      this.RogueDirectory,
      this.SystemLog,
      this.SystemLogLast,
      this.ForceWrite,
      this.InitAfterConfig,
      this.Time,
      this.LocalTime,
      this.PollEn,
      cmd('WriteAll', 'Write all values to the hardware', 0n, () => this._writeAll(), false),
      cmd('ReadAll', 'Read all values from the hardware', 0n, () => this._readAll(), false),
      cmd(
        'SaveState',
        'Save state to file. Data is saved in YAML format. Passed arg is full path to file to sore data to.',
        '',
        (a) =>
          this.saveYaml({
            name: a as string,
            readFirst: true,
            modes: ['RW', 'RO', 'WO'],
            incGroups: null,
            excGroups: ['NoState'],
            autoPrefix: 'state',
            autoCompress: true,
          }),
        true,
      ),
      cmd(
        'SaveConfig',
        'Save configuration to file. Data is saved in YAML format. Passed arg is full path to file to store data to.',
        '',
        (a) =>
          this.saveYaml({
            name: a as string,
            readFirst: true,
            modes: ['RW', 'WO'],
            incGroups: null,
            excGroups: ['NoConfig'],
            autoPrefix: 'config',
            autoCompress: false,
          }),
        true,
      ),
      cmd(
        'LoadConfig',
        'Read configuration from file. Data is read in YAML format. Passed arg is full path to file to read data from.',
        '',
        (a) => then(this.loadYaml(a as string, { writeEach: false, modes: ['RW', 'WO'], incGroups: null, excGroups: ['NoConfig'] }), () => true),
        true,
      ),
      cmd(
        'RemoteVariableDump',
        'Save a dump of the remote variable state',
        '',
        (a) => then(remoteDump(this, a as string, ['RW', 'WO', 'RO'], true), () => true),
        true,
      ),
      cmd('RemoteConfigDump', 'Save a dump of the remote variable state', '', (a) => then(remoteDump(this, a as string, ['RW', 'WO'], true), () => true), true),
      cmd('Initialize', 'Generate a soft reset to each device in the tree', 0n, () => this.initialize(), false),
      cmd('HardReset', 'Generate a hard reset to each device in the tree', 0n, () => this.hardReset(), false),
      cmd('CountReset', 'Generate a count reset to each device in the tree', 0n, () => this.countReset(), false),
      cmd('ClearLog', 'Clear the message log contained in the SystemLog variable', 0n, () => this.clearLog(), false),
      cmd(
        'SetYamlConfig',
        'Set configuration from YAML string. Passed arg is configuration string in YAML format.',
        '',
        (a) => voidOf(this.setYaml(a as string, { writeEach: false, modes: ['RW', 'WO'], incGroups: null, excGroups: ['NoConfig'] })),
        true,
      ),
      cmd(
        'GetYamlConfig',
        'Get configuration in YAML string. Passed arg is a boolean indicating if a full system read should be generated. Return data is configuration as a YAML string.',
        true,
        (a) => this.getYaml({ readFirst: a === true, modes: ['RW', 'WO'], incGroups: null, excGroups: ['NoConfig'], recurse: true }),
        true,
        '',
      ),
      cmd(
        'GetYamlState',
        'Get current state as YAML string. Pass read first arg.',
        true,
        (a) => this.getYaml({ readFirst: a === true, modes: ['RW', 'RO', 'WO'], incGroups: null, excGroups: ['NoState'], recurse: true }),
        true,
        '',
      ),
    );
    this.LoadConfigProcess = new LoadConfigProcess();
    this.SaveConfigProcess = new SaveConfigProcess();
    this.add(this.LoadConfigProcess, this.SaveConfigProcess);
  }

  /** The Root is its own root. */
  override get root(): this {
    return this;
  }

  // -------------------------------------------------------------------------
  // Paths

  /**
   * A node by dotted path; the first element is the root's name or 'root'. Null when not found.
   * With a class, the node is checked to be one and typed as one:
   *   const v = root.getNode('Lab.Supply.Voltage', LocalVariable); // LocalVariable | null
   */
  getNode(nodePath: string): Node | null;
  getNode<T extends Node>(nodePath: string, cls: abstract new (...args: never[]) => T): T | null;
  getNode<T extends Node>(nodePath: string, cls?: abstract new (...args: never[]) => T): Node | null {
    if (typeof nodePath !== 'string') return null;
    const parts = nodePath.split('.');
    if (parts[0] !== this.name && parts[0] !== 'root') return null;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts at this node
    let obj: Node = this;
    for (const p of parts.slice(1)) {
      const c = obj.node(p);
      if (!(c instanceof Node)) return null;
      obj = c;
    }
    if (cls && !(obj instanceof cls)) {
      throw new TypeError(`getNode('${nodePath}'): the node is a ${obj.constructor.name}, not a ${cls.name}`);
    }
    return obj;
  }

  /** RootSurface.structureEpoch: changes whenever a node is added (`treeStructureEpoch`). */
  structureEpoch(): number {
    return treeStructureEpoch();
  }

  // -------------------------------------------------------------------------
  // Lifecycle

  get running(): boolean {
    return this._running;
  }

  /** Builds blocks, finishes variables, starts the heartbeat, the poller and the interfaces. */
  async start(): Promise<void> {
    if (this._running) return;
    const devices: Device[] = [this];
    const variables: BaseVariable[] = [];
    for (const n of this.descendants()) {
      if (n instanceof Device) devices.push(n);
      else if (n instanceof BaseVariable) variables.push(n);
    }
    for (const d of devices) d._buildBlocks();
    // pyrogue: _rootAttached finishes the Root's own variables, then _finishInit finishes every
    // variable of the tree (so the Root's own ones twice: a localSet of one runs twice at start)
    for (const n of this.nodes.values()) if (n instanceof BaseVariable && !(n instanceof BaseCommand)) n._finishInit();
    for (const v of variables) v._finishInit();
    for (const v of variables) this._updatePollInterval(v);
    this._running = true;
    this._beforeInterfaces();
    if (this._heartbeatMs > 0) {
      this._heartbeat = setInterval(() => {
        try {
          this.updateGroup(() => this.Time.set(nowSeconds()));
        } catch {
          /* ignore */
        }
      }, this._heartbeatMs);
      this._heartbeat.unref?.();
    }
    this._schedulePoll();
    for (const i of this._interfaces) await i.start();
    await this._start();
  }

  /**
   * Called by start() once the blocks are built and every variable is
   * initialised (the root is running), before the heartbeat, the poller and
   * the interfaces start.
   * Override and call super.
   */
  protected _beforeInterfaces(): void {
    // nothing here
  }

  /** Stops interfaces, the heartbeat and the poller. */
  async stop(): Promise<void> {
    if (this._heartbeat) clearInterval(this._heartbeat);
    if (this._poller) clearTimeout(this._poller);
    this._heartbeat = this._poller = null;
    for (const i of [...this._interfaces].reverse()) await i.stop();
    this._running = false;
    await this._stop();
  }

  addInterface(iface: RootInterface): void {
    this._interfaces.push(iface);
    if (this._running) void iface.start();
  }

  // -------------------------------------------------------------------------
  // Update batching

  /**
   * Runs `fn` inside an update group: updates queued meanwhile are delivered as one batch when
   * the outermost group ends. If `fn` returns a Promise the group ends when it settles.
   */
  updateGroup<T>(fn: () => T): T {
    this._updateDepth++;
    let r: T;
    try {
      r = fn();
    } catch (e) {
      this._endGroup();
      throw e;
    }
    if (isPromiseLike(r)) {
      return r.then(
        (v) => {
          this._endGroup();
          return v;
        },
        (e) => {
          this._endGroup();
          throw e;
        },
      ) as unknown as T;
    }
    this._endGroup();
    return r;
  }
  private _endGroup(): void {
    this._updateDepth--;
    if (this._updateDepth <= 0) {
      this._updateDepth = 0;
      this._flush();
    }
  }
  /** Queues a variable update (called by variables/blocks). */
  _queueUpdate(v: BaseVariable): void {
    if (this._updateDepth === 0 && this._pending.size === 0) {
      // a batch of one variable (a set or read outside a group, the common case): no Map for it
      this._batches.push(v);
      this._wakeWorker();
      return;
    }
    this._pending.set(v.path, v);
    if (this._updateDepth === 0) this._flush();
  }
  private _flush(): void {
    if (this._pending.size === 0) return;
    const batch = this._pending;
    this._pending = new Map();
    this._batches.push(batch);
    this._wakeWorker();
  }
  /**
   * pyrogue's update worker: batches are delivered in order, after the code
   * that queued them (a microtask), each to its end before the next starts.
   * No promise per batch while deliveries are synchronous (the common case).
   */
  private _wakeWorker(): void {
    if (this._drainQueued || this._worker !== null) return;
    this._drainQueued = true;
    // a resolved promise's reaction: Node's queueMicrotask makes an AsyncResource per call
    void RESOLVED.then(this._drainTask);
  }
  private readonly _drainTask = (): void => {
    this._drainQueued = false;
    // queued while a drain was running, which then went on to wait for a delivery: it resumes itself
    if (this._worker === null) this._drain();
  };
  /** Delivers the queued batches; waits (in `_worker`) for a delivery that is asynchronous, then goes on. */
  private _drain(): void {
    while (this._batchHead < this._batches.length) {
      const batch = this._batches[this._batchHead];
      this._batches[this._batchHead++] = EMPTY_BATCH;
      if (this._batchHead === this._batches.length) {
        this._batches.length = 0;
        this._batchHead = 0;
      } else if (this._batchHead >= 1024 && 2 * this._batchHead >= this._batches.length) {
        this._batches.splice(0, this._batchHead);
        this._batchHead = 0;
      }
      let r: MaybePromise<void>;
      try {
        r = this._deliver(batch);
      } catch {
        continue; // a failed delivery never stops the worker
      }
      if (isPromiseLike(r)) {
        const resume = (): void => {
          this._worker = null;
          this._drain();
        };
        this._worker = Promise.resolve(r).then(resume, resume);
        return;
      }
    }
    const waiters = this._idleWaiters;
    if (waiters.length > 0) {
      this._idleWaiters = [];
      for (const w of waiters) w();
    }
  }
  private _deliver(batch: Map<string, BaseVariable> | BaseVariable): MaybePromise<void> {
    if (batch instanceof BaseVariable) {
      if (batch._listeners.length === 0) return this._deliverOne(batch);
      batch = new Map([[batch.path, batch]]);
    }
    // add dependents (recursively), after the batch's own variables
    let all = batch;
    for (const v of batch.values()) {
      if (v._listeners.length > 0) {
        all = new Map(batch);
        const add = all;
        const addListeners = (x: BaseVariable) => {
          for (const l of x._listeners) {
            if (!add.has(l.path)) {
              add.set(l.path, l);
              addListeners(l);
            }
          }
        };
        for (const x of batch.values()) addListeners(x);
        break;
      }
    }
    return this._deliverFrom(all.entries());
  }
  /** Delivers the rest of a batch in order; returns a promise only when a variable's update is asynchronous. */
  private _deliverFrom(it: IterableIterator<[string, BaseVariable]>): MaybePromise<void> {
    for (let e = it.next(); !e.done; e = it.next()) {
      const r = this._deliverVar(e.value[0], e.value[1]);
      if (isPromiseLike(r)) return r.then(() => this._deliverFrom(it));
    }
    this._batchDone();
  }
  /** `_deliverFrom` for a batch of one variable without dependents. */
  private _deliverOne(v: BaseVariable): MaybePromise<void> {
    const r = this._deliverVar(v.path, v);
    if (isPromiseLike(r)) return r.then(() => this._batchDone());
    this._batchDone();
  }
  /**
   * One variable of a batch: its update, then the listeners. A promise when
   * the update is asynchronous (it never rejects); an update that fails is skipped.
   */
  private _deliverVar(p: string, v: BaseVariable): MaybePromise<void> {
    let val: MaybePromise<VariableValue>;
    try {
      val = v._doUpdate();
    } catch {
      return;
    }
    if (isPromiseLike(val)) {
      return val.then(
        (x) => this._notify(p, v, x),
        () => undefined,
      );
    }
    this._notify(p, v, val);
  }
  /** The end of a batch: each listener's `done()`. */
  private _batchDone(): void {
    for (const l of this._varListeners) {
      try {
        l.done?.();
      } catch {
        /* ignore */
      }
    }
  }
  private _notify(p: string, v: BaseVariable, val: VariableValue): void {
    for (const l of this._varListeners) {
      if (v.filterByGroup(l.incGroups, l.excGroups)) {
        try {
          l.func(p, val);
        } catch {
          /* a listener failure never stops the worker */
        }
      }
    }
  }
  /** Resolves when every queued update batch has been delivered (pyrogue waitOnUpdate). */
  waitOnUpdate(): Promise<void> {
    this._flush();
    if (!this._drainQueued && this._worker === null) return Promise.resolve();
    return new Promise((resolve) => this._idleWaiters.push(resolve));
  }

  /** `func(path, VariableValue)` for each variable of a batch passing the group filter, then `done()` once per batch. */
  addVarListener(func: VarListener, done: (() => void) | null = null, options: VarListenerOptions = {}): void {
    const norm = (g: string[] | string | null | undefined) => (g == null ? null : typeof g === 'string' ? [g] : [...g]);
    this._varListeners.push({ func, done, incGroups: norm(options.incGroups), excGroups: norm(options.excGroups) });
  }
  delVarListener(func: VarListener): void {
    const i = this._varListeners.findIndex((l) => l.func === func);
    if (i >= 0) this._varListeners.splice(i, 1);
  }

  // -------------------------------------------------------------------------
  // Polling

  /**
   * pyrogue PollQueue.updatePollInterval: a variable's interval changed (or
   * the root starts). Entries are per block, at the shortest non-zero interval
   * of the block's variables; a new or changed entry is due at once (pyrogue:
   * now, rounded down to the second), later polls one interval after the last.
   */
  _updatePollInterval(v: BaseVariable): void {
    // A variable without a block of its own (a LinkVariable) is polled through its dependencies,
    // each taking the link's interval when that is shorter (or theirs is 0).
    const block = v instanceof LinkVariable ? null : v._block;
    if (block === null) {
      const own = Number(v._ownPollInterval);
      if (own !== 0) {
        for (const dep of v.dependencies) {
          const p = Number(dep.pollInterval);
          if (p === 0 || own < p) dep.setPollInterval(v._ownPollInterval);
        }
      }
      return;
    }
    const entry = this._polled.get(block);
    const firstDue = Math.floor(Date.now() / 1000) * 1000;
    if (entry) {
      const ps = block.variables.map((x) => Number(x.pollInterval)).filter((p) => p > 0);
      if (ps.length === 0) this._polled.delete(block);
      else if (Math.min(...ps) * 1000 !== entry.interval) this._polled.set(block, { interval: Math.min(...ps) * 1000, due: firstDue });
    } else if (Number(v.pollInterval) > 0) this._polled.set(block, { interval: Number(v.pollInterval) * 1000, due: firstDue });
    this._schedulePoll();
  }
  private _pollEnChanged(en: boolean): void {
    void en;
    // pyrogue's poller wakes: entries that came due while it was paused are polled at once
    this._schedulePoll();
  }
  /** Sets the poller's timer for the earliest due entry (none while stopped, paused or empty). */
  private _schedulePoll(): void {
    if (this._poller) clearTimeout(this._poller);
    this._poller = null;
    if (!this._running || this._polled.size === 0 || this.PollEn.value() !== true) return;
    let next = Infinity;
    for (const e of this._polled.values()) next = Math.min(next, e.due);
    this._poller = setTimeout(() => this._pollTick(), Math.max(0, next - Date.now()));
    this._poller.unref?.();
  }
  /**
   * pyrogue PollQueue._poll: in one update group, a read transaction on every
   * due block, then a wait on each (a local block reads nothing: its update,
   * queued by the wait, reads the value once). Each entry is next due one
   * interval from now.
   */
  private _pollTick(): void {
    this._poller = null;
    if (this.PollEn.value() !== true) return;
    const now = Date.now();
    const due: TreeBlock[] = [];
    for (const [b, e] of this._polled) {
      if (e.due <= now) {
        due.push(b);
        e.due = now + e.interval;
      }
    }
    try {
      if (due.length > 0) {
        const r = this.updateGroup(() =>
          seq([...due.map((b) => () => swallow(() => b.startTransaction('read', {}))), ...due.map((b) => () => swallow(() => b.checkTransaction()))]),
        );
        if (isPromiseLike(r)) {
          r.then(
            () => this._schedulePoll(),
            () => this._schedulePoll(),
          );
          return;
        }
      }
    } catch {
      /* logged by the blocks */
    }
    this._schedulePoll();
  }

  // -------------------------------------------------------------------------
  // Read / write all

  private _readAll(): MaybePromise<PyValue> {
    return this.updateGroup(() => then(seq([() => this.readBlocks({ recurse: true }), () => this.checkBlocks({ recurse: true })]), () => true));
  }
  private _writeAll(): MaybePromise<PyValue> {
    const force = this.ForceWrite.value() === true;
    return this.updateGroup(() =>
      then(
        seq([() => this.writeBlocks({ force, recurse: true }), () => this.verifyBlocks({ recurse: true }), () => this.checkBlocks({ recurse: true })]),
        () => true,
      ),
    );
  }
  /** pyrogue Root._read(): readBlocks + checkBlocks over the whole tree. */
  readAll(): MaybePromise<void> {
    return then(this._readAll(), () => undefined);
  }
  writeAll(): MaybePromise<void> {
    return then(this._writeAll(), () => undefined);
  }

  // -------------------------------------------------------------------------
  // YAML (implemented in yaml.ts)

  setYaml(yml: string, opts: SetYamlOptions = {}): MaybePromise<void> {
    return rootSetYaml(this, yml, opts);
  }
  /** Loads YAML config files: a path, a comma-separated list, a list, or folders of *.yml/*.yaml. */
  loadYaml(name: string | string[], opts: SetYamlOptions = {}): MaybePromise<void> {
    return rootLoadYaml(this, name, opts);
  }

  // -------------------------------------------------------------------------
  // System log

  /** Where node loggers send WARNING+ records. */
  readonly _logSink = (entry: LogEntry): void => {
    if (this._inLog) return;
    this._inLog = true;
    try {
      this._logEntries.push(entry);
      if (this._logEntries.length > this._maxLog) this._logEntries = this._logEntries.slice(-this._maxLog);
      const js = pyJsonDumps(entry);
      this.updateGroup(() => {
        this.SystemLogLast.set(js);
        this.SystemLog.set(pyJsonDumps(this._logEntries));
      });
    } finally {
      this._inLog = false;
    }
  };
  clearLog(): void {
    this._logEntries = [];
    this.updateGroup(() => {
      this.SystemLog.set('[]');
      this.SystemLogLast.set('');
    });
  }

  static override pyMembers: PyMembers = {
    running: prop((s: Root) => s.running),
    waitOnUpdate: func('Root.waitOnUpdate', [], [], (s: Root) => s.waitOnUpdate().then(() => null)),
    saveAddressMap: func('Root.saveAddressMap', ['fname'], [], (s: Root, a) => voidOf(saveAddressMap(s, a.get('fname') as string))),
    saveVariableList: func('Root.saveVariableList', ['fname', ['polledOnly', false], ['incGroups', null]], [], (s: Root, a) =>
      voidOf(saveVariableList(s, a.get('fname') as string, a.get('polledOnly') === true, a.get('incGroups') as string[] | null)),
    ),
    getNode: func('Root.getNode', ['path'], [], (s: Root, a) => s.getNode(a.get('path') as string), false),
  };
}

export interface SetYamlOptions {
  writeEach?: boolean;
  modes?: string[];
  incGroups?: string | string[] | null;
  excGroups?: string | string[] | null;
}

/** Runs `f`; a failure (sync or async) becomes undefined: one block's failed poll does not stop the others (pyrogue logs it). */
function swallow(f: () => MaybePromise<void>): MaybePromise<void> {
  try {
    const r = f();
    if (isPromiseLike(r)) return Promise.resolve(r).then(undefined, () => undefined);
    return r;
  } catch {
    return undefined;
  }
}

function voidOf(x: MaybePromise<unknown>): MaybePromise<PyValue> {
  return then(x, () => null);
}

let zoneFormat: Intl.DateTimeFormat | null = null;
/** time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(t)) */
export function localTimeString(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  let tz = 'UTC';
  try {
    // made once: a new Intl.DateTimeFormat costs about 70 µs, every heartbeat
    zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
    const parts = zoneFormat.formatToParts(d);
    tz = parts.find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
  } catch {
    /* keep UTC */
  }
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${tz}`;
}

/** time.time(): seconds since the epoch with sub-millisecond digits, as Python's clock gives them. */
function nowSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}
