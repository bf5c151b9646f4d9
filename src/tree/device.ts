/**
 * pyrogue's Device (a Node that is also a memory Hub) and its EnableVariable.
 *
 * Every Device gets the children `enable`, `ReadDevice`, `WriteDevice` first,
 * then whatever the user adds:
 *
 *   class Demo extends Device {
 *     static override pyModule = 'reference_root';
 *     constructor() { super({ name: 'Demo' }); this.add(new LocalVariable({ name: 'Int', value: 1n })); }
 *   }
 *
 * EXTENSION POINTS (memory layer):
 *  - `memBase` / `offset` options are stored in `_memBase` / `_offset`; `address` is offset plus
 *    the parent device's address (override to use the memory layer's notion).
 *  - `_buildBlocks()`: called by Root.start() (parents before children) to fill `this._blocks`.
 *    The default adds the LocalBlock of every local variable child (not commands) in child
 *    order. Override, call super, then append your blocks (pyrogue: local blocks then remote).
 *  - `readBlocks / writeBlocks / verifyBlocks / checkBlocks({recurse, variable, index, force,
 *    checkEach})`: transaction fan-out over `_blocks` (or the one variable's block; LinkVariables
 *    use their dependencies' blocks) and, when recurse, over child devices. May return Promises.
 *  - `hardReset / initialize / countReset` hooks (called through the tree by Root commands).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { PyAttributeError, PyError, PyKeyError, PyTypeError } from '../py/errors';
import { strRepr } from '../py/repr';
import { PyValue, typeName } from '../py/values';
import { writeZip } from '../py/zipfile';
import { TreeBlock, MaybePromise, TransactionOptions, seq, then } from './txn';
import { BaseCommand } from './command';
import { Node, NodeOptions } from './node';
import { func, prop, PyMembers, RIM_HUB } from './pyclass';
import { BaseVariable, GetOptions, LinkVariable, SetOptions, VariableError, toIndex } from './variable';
import type { RemoteVariableOptions } from './remote';
import type { MemoryBackend } from './memory';
import { isPromiseLike } from './surface';
import { stamp, type YamlTree } from './yamlText';

export interface DeviceOptions extends Partial<NodeOptions> {
  /** Memory base this device's registers live in (e.g. EmulatedMemory); children inherit it. */
  memBase?: MemoryBackend | null;
  /** Offset of the device in its memory space. */
  offset?: bigint | number;
  /** Initial value of `enable`. Default true. */
  enabled?: boolean;
}

export interface BlockOpts {
  recurse?: boolean;
  variable?: BaseVariable | null;
  index?: number;
  force?: boolean;
  checkEach?: boolean;
}

// ---------------------------------------------------------------------------

/** pyrogue._Device.EnableVariable: True/False, or 'parent' when a parent device is disabled. */
export class EnableVariable extends BaseVariable {
  static override pyModule = 'pyrogue._Device';
  static override pyName = 'EnableVariable';
  private _value: boolean;

  constructor(opts: { enabled?: boolean } = {}) {
    super({
      name: 'enable',
      mode: 'RW',
      value: opts.enabled ?? true,
      disp: [
        [false, 'False'],
        [true, 'True'],
        ['parent', 'ParentFalse'],
        ['deps', 'ExtDepFalse'],
      ],
      description: 'Determines if device is enabled for hardware access',
      groups: ['Enable'],
    });
    this._value = opts.enabled ?? true;
    this._nativeType = 'bool';
  }

  override get(opts: GetOptions = {}): PyValue {
    void opts;
    if (this._value === false) return false;
    let p = this.parent?.parent ?? null;
    while (p) {
      const e = p.child('enable');
      if (e instanceof EnableVariable && e._value === false) return 'parent';
      p = p.parent;
    }
    return true;
  }
  override value(index = -1): PyValue {
    return this.get({ read: false, index });
  }
  override set(value: PyValue, opts: SetOptions = {}): void {
    void opts;
    if (value === 'parent' || value === 'deps') return;
    const old = this.value();
    this._value = value === true || value === 1n;
    // pyrogue: the blocks follow a change of a device's own enable (not while a parent disables it)
    const dev = this.parent;
    if (old !== this._value && old !== 'parent' && old !== 'deps' && dev instanceof Device) dev._updateBlockEnable();
    const root = this.root;
    const go = () => {
      this._queueUpdate();
      const dev = this.parent;
      if (dev) for (const d of dev.descendants()) if (d instanceof EnableVariable) d._queueUpdate();
    };
    if (root) root.updateGroup(go);
    else go();
  }
  protected override _peek(): PyValue | undefined {
    return this._value ?? true;
  }

  static override pyMembers: PyMembers = {
    set: func('EnableVariable.set', ['value', ['write', true], ['index', -1n]], [], (s: EnableVariable, a) => {
      s.set(a.get('value')!, {});
      return null;
    }),
    get: func(
      'EnableVariable.get',
      [
        ['read', true],
        ['index', -1n],
      ],
      [],
      (s: EnableVariable) => s.get(),
    ),
  };
}

// ---------------------------------------------------------------------------

export class Device extends Node {
  static override pyModule = 'pyrogue._Device';
  static override pyName = 'Device';
  static override pyExtraBases = [RIM_HUB];

  protected _memBase: MemoryBackend | null;
  protected _offset: bigint;
  /** Blocks of this device's own variables (built by `_buildBlocks()` at Root start). */
  _blocks: TreeBlock[] = [];
  readonly enable: EnableVariable;
  readonly ReadDevice: BaseCommand;
  readonly WriteDevice: BaseCommand;

  protected override get _logKind(): string {
    return 'Device';
  }
  constructor(opts: DeviceOptions = {}) {
    super({ ...opts, name: opts.name ?? new.target.name, expand: opts.expand ?? false });
    this._memBase = opts.memBase ?? null;
    this._offset = BigInt(opts.offset ?? 0);
    this.enable = new EnableVariable({ enabled: opts.enabled ?? true });
    this.ReadDevice = new BaseCommand({
      name: 'ReadDevice',
      description: 'Force read of device without recursion',
      groups: ['Hidden'],
      value: false,
      arg: true,
      function: ({ arg }) => this._readDevice(arg),
    });
    this.WriteDevice = new BaseCommand({
      name: 'WriteDevice',
      description: 'Force write of device without recursion',
      groups: ['Hidden'],
      value: '',
      arg: true,
      function: ({ arg }) => this._writeDevice(arg),
    });
    this.add(this.enable, this.ReadDevice, this.WriteDevice);
  }

  override get isDevice(): boolean {
    return true;
  }
  get memBase(): MemoryBackend | null {
    return this._memBase ?? (this.parent instanceof Device ? this.parent.memBase : null);
  }
  get offset(): bigint {
    return this._offset;
  }
  get address(): bigint {
    return this._offset + (this.parent instanceof Device ? this.parent.address : 0n);
  }
  /** Child devices in order. */
  get deviceList(): Device[] {
    return [...this.nodes.values()].filter((n): n is Device => n instanceof Device);
  }
  /** Child variables (not commands) in order. */
  get variableList(): BaseVariable[] {
    return [...this.nodes.values()].filter((n): n is BaseVariable => n instanceof BaseVariable && !(n instanceof BaseCommand));
  }
  /** Child commands in order. */
  get commandList(): BaseCommand[] {
    return [...this.nodes.values()].filter((n): n is BaseCommand => n instanceof BaseCommand);
  }

  /**
   * pyrogue Device.hideVariables: puts the given variables (nodes, or names of this device's
   * variables) in the Hidden group, or takes them out; without a list, every variable of this device.
   */
  hideVariables(hidden: boolean, variables?: readonly (BaseVariable | string)[]): void {
    const vs = variables ?? this.variableList;
    for (const v of vs) {
      if (v instanceof BaseVariable) v.hidden = hidden;
      else {
        const n = this.child(v);
        if (!(n instanceof BaseVariable) || n instanceof BaseCommand) throw new PyKeyError(strRepr(v));
        n.hidden = hidden;
      }
    }
  }

  /**
   * pyrogue Device.addRemoteVariables: a register array, `number` RemoteVariables named
   * `name[0]`…`name[number-1]`, the i-th at `offset + i * stride` bytes (the other options as
   * given). With `pack: true` the elements are hidden and a LinkVariable `name_All` joins their
   * display values, last element first, with '_' (setting it splits the same way):
   *   dev.addRemoteVariables(4, 4, { name: 'Threshold', offset: 0x100, bitSize: 16, mode: 'RW' })
   */
  addRemoteVariables(number: number, stride: number | bigint, opts: RemoteVariableOptions & { pack?: boolean }): void {
    const Remote = Device.remoteVariableClass;
    if (Remote === null) throw new PyError('builtins', 'RuntimeError', 'RemoteVariable is not loaded');
    const { pack = false, ...rest } = opts;
    const hidden = pack ? true : (rest.hidden ?? false);
    const offset = rest.offset;
    // pyrogue adds i * stride to the offset: a list of offsets (one per bit range) is Python's TypeError
    if (Array.isArray(offset)) throw new PyTypeError('can only concatenate list (not "int") to list');
    this.addNodes(Remote, number, stride, { ...rest, offset, hidden });
    if (!pack) return;
    const varList = this.nodeList(rest.name).filter((n): n is BaseVariable => n instanceof BaseVariable);
    const {
      name,
      value: _value,
      base: _base,
      offset: _offset,
      bitSize: _bitSize,
      bitOffset: _bitOffset,
      numValues: _numValues,
      valueBits: _valueBits,
      valueStride: _valueStride,
      overlapEn: _overlapEn,
      verify: _verify,
      retryCount: _retryCount,
      minimum,
      maximum,
      ...linkOpts
    } = rest;
    // pyrogue hands the rest of its arguments to the LinkVariable, which refuses a minimum or maximum
    if ((minimum ?? null) !== null || (maximum ?? null) !== null) throw new VariableError('Invalid use of min or max values with LinkVariable');
    this.add(
      new LinkVariable({
        ...linkOpts,
        name: `${name}_All`,
        value: '',
        dependencies: varList,
        linkedGet: ({ read }) =>
          seqValues(
            varList.map((v) => () => v.getDisp(read)),
            (ds) => ds.reverse().join('_'),
          ),
        linkedSet: ({ value, write }) => {
          if (value === '') return;
          const items = String(value).split('_').reverse();
          const n = Math.min(items.length, varList.length);
          return seq(Array.from({ length: n }, (_, i) => () => varList[i].setDisp(items[i], write)));
        },
      }),
    );
  }
  /** The RemoteVariable class (src/tree/remote.ts registers it: it imports this module). */
  static remoteVariableClass: (new (opts: RemoteVariableOptions) => BaseVariable) | null = null;

  /** Is the device enabled (enable.value() === true)? */
  get enabled(): boolean {
    return this.enable.value() === true;
  }

  protected _readDevice(arg: PyValue): MaybePromise<void> {
    const recurse = arg === true;
    return seq([() => this.readBlocks({ recurse }), () => this.checkBlocks({ recurse })]);
  }
  protected _writeDevice(arg: PyValue): MaybePromise<void> {
    void arg;
    return seq([() => this.writeBlocks({ force: true, recurse: true }), () => this.verifyBlocks({ recurse: true }), () => this.checkBlocks({ recurse: true })]);
  }

  /**
   * Block builders every Device runs after collecting its local blocks. The
   * memory layer (src/tree/remote.ts) registers the one that groups
   * RemoteVariables into memory blocks, so any Device with RemoteVariables
   * works without a special base class.
   */
  static readonly blockBuilders: ((device: Device) => void)[] = [];

  /** Builds `_blocks` (called once by Root.start, parents first). Override + super to add blocks of your own. */
  _buildBlocks(): void {
    const blocks = new Set<TreeBlock>();
    for (const v of this.variableList) if (v._block && !(v instanceof LinkVariable)) blocks.add(v._block);
    this._blocks = [...blocks];
    for (const build of Device.blockBuilders) build(this);
  }

  /**
   * pyrogue Device._updateBlockEnable: every block of this device and of the
   * devices under it is enabled when its device is (enable.value() is True).
   * Called when an `enable` changes.
   */
  _updateBlockEnable(): void {
    const on = this.enabled;
    for (const b of this._blocks) b.enable = on;
    for (const d of this.deviceList) d._updateBlockEnable();
  }

  private _targetBlocks(variable: BaseVariable | null | undefined): TreeBlock[] {
    if (variable) {
      if (variable instanceof LinkVariable) return variable.depBlocks;
      return variable._block ? [variable._block] : [];
    }
    return this._blocks.filter((b) => b.bulkOpEn);
  }
  /**
   * The one block a variable's own transaction touches (`variable` given,
   * `recurse` false, and the variable has exactly one block), else null:
   * a get or set of one variable then calls its block directly, without a
   * step list.
   */
  private _ownBlock(opts: BlockOpts): TreeBlock | null {
    const v = opts.variable;
    if (!v || (opts.recurse ?? true)) return null;
    if (v instanceof LinkVariable) return v.depBlocks.length === 1 ? v.depBlocks[0] : null;
    return v._block;
  }
  private _fanOut(opts: BlockOpts, each: (b: TreeBlock) => MaybePromise<void>, child: (d: Device) => MaybePromise<void>): MaybePromise<void> {
    const own = this._ownBlock(opts);
    if (own !== null) return each(own);
    const fs: (() => MaybePromise<void>)[] = [];
    // A disabled device's blocks still see the transaction: a disabled local block queues no
    // update, a memory block (as rogue's Block) drops staged writes and touches no hardware.
    for (const b of this._targetBlocks(opts.variable)) fs.push(() => each(b));
    if (opts.recurse ?? true) for (const d of this.deviceList) fs.push(() => child(d));
    return seq(fs);
  }
  private static txOpts(opts: BlockOpts): TransactionOptions {
    return { force: opts.force, checkEach: opts.checkEach, variable: opts.variable ?? null, index: opts.index ?? -1 };
  }
  readBlocks(opts: BlockOpts = {}): MaybePromise<void> {
    return this._fanOut(
      opts,
      (b) => b.startTransaction('read', Device.txOpts(opts)),
      (d) => d.readBlocks({ ...opts, variable: null }),
    );
  }
  writeBlocks(opts: BlockOpts = {}): MaybePromise<void> {
    return this._fanOut(
      opts,
      (b) => b.startTransaction('write', Device.txOpts(opts)),
      (d) => d.writeBlocks({ ...opts, variable: null }),
    );
  }
  verifyBlocks(opts: BlockOpts = {}): MaybePromise<void> {
    return this._fanOut(
      opts,
      (b) => b.startTransaction('verify', Device.txOpts(opts)),
      (d) => d.verifyBlocks({ ...opts, variable: null }),
    );
  }
  checkBlocks(opts: BlockOpts = {}): MaybePromise<void> {
    return this._fanOut(
      opts,
      (b) => b.checkTransaction(),
      (d) => d.checkBlocks({ ...opts, variable: null }),
    );
  }

  /**
   * pyrogue Device._start / _stop: called by Root.start (after its interfaces started) and
   * Root.stop, on every device, parents before children. Override to start or stop what a
   * device runs (a stream, a thread), and call super.
   */
  _start(): MaybePromise<void> {
    return seq(this.deviceList.map((d) => () => d._start()));
  }
  _stop(): MaybePromise<void> {
    return seq(this.deviceList.map((d) => () => d._stop()));
  }

  /** Hooks called by Root's Initialize/HardReset/CountReset on every device (override to act). */
  initialize(): MaybePromise<void> {
    return seq(this.deviceList.map((d) => () => d.initialize()));
  }
  hardReset(): MaybePromise<void> {
    return seq(this.deviceList.map((d) => () => d.hardReset()));
  }
  countReset(): MaybePromise<void> {
    return seq(this.deviceList.map((d) => () => d.countReset()));
  }

  /** pyrogue Device._getDict: the values under this device, children devices filtered by group (recursing when `recurse`). */
  override _getDict(modes: readonly string[], incGroups: string[] | null, excGroups: string[] | null, recurse = true): MaybePromise<YamlTree | null> {
    const out: YamlTree = new Map();
    const steps: (() => MaybePromise<void>)[] = [];
    for (const [k, n] of this.nodes) {
      if (n instanceof Device && (!recurse || !n.filterByGroup(incGroups, excGroups))) continue;
      steps.push(() =>
        then(n._getDict(modes, incGroups, excGroups, recurse), (v) => {
          if (v !== null) out.set(k, v);
        }),
      );
    }
    return then(seq(steps), () => out);
  }

  /** pyrogue Device.saveYaml: the YAML written to `name` (auto-named when empty); returns True. */
  saveYaml(o: SaveYamlOptions = {}): MaybePromise<PyValue> {
    return then(
      this.getYaml({
        readFirst: o.readFirst ?? true,
        modes: o.modes,
        incGroups: o.incGroups,
        excGroups: o.excGroups === undefined ? ['Hidden'] : o.excGroups,
        recurse: true,
      }),
      (y) => {
        let name: PyValue = o.name ?? null;
        if (name === null || name === '') {
          // pyrogue: autoPrefix + "_%Y%m%d_%H%M%S.yml", '.zip' added when compressed
          name = `${o.autoPrefix ?? ''}${stamp()}.yml${o.autoCompress ? '.zip' : ''}`;
        }
        if (typeof name !== 'string') throw new PyAttributeError(`'${typeName(name)}' object has no attribute 'split'`);
        // pyrogue: a name ending in .zip is a zip archive of one member, the name without '.zip' and
        // its folder (cfg.yml.zip holds cfg.yml: LoadConfig('cfg.yml.zip/cfg.yml') reads it back)
        if (name.split('.').pop() === 'zip') fs.writeFileSync(name, writeZip([{ name: path.basename(name.slice(0, -4)), data: Buffer.from(y, 'utf8') }]));
        else if (name.endsWith('.gz')) fs.writeFileSync(name, zlib.gzipSync(Buffer.from(y, 'utf8')));
        else fs.writeFileSync(name, y);
        return true;
      },
    );
  }

  static override pyMembers: PyMembers = {
    address: prop((s: Device) => s.address),
    offset: prop((s: Device) => s.offset),
    memBase: prop(() => null, false),
    enabled: prop((s: Device) => s.enabled, false),
    saveYaml: func(
      'Device.saveYaml',
      [
        ['name', null],
        ['readFirst', true],
        ['modes', ['RW', 'RO', 'WO']],
        ['incGroups', null],
        ['excGroups', ['Hidden']],
        ['autoPrefix', ''],
        ['autoCompress', false],
      ],
      [],
      (s: Device, a) =>
        s.saveYaml({
          name: a.get('name') as string | null,
          readFirst: a.get('readFirst') as boolean,
          modes: a.get('modes') as string[],
          incGroups: a.get('incGroups') as string[] | null,
          excGroups: a.get('excGroups') as string[] | null,
          autoPrefix: a.get('autoPrefix') as string,
          autoCompress: a.get('autoCompress') as boolean,
        }),
    ),
    readBlocks: func(
      'Device.readBlocks',
      [],
      [
        ['recurse', true],
        ['variable', null],
        ['checkEach', false],
        ['index', -1n],
      ],
      (s: Device, a) => voidP(s.readBlocks({ recurse: a.get('recurse') === true, index: toIndex(a.get('index')) })),
      false,
    ),
    checkBlocks: func(
      'Device.checkBlocks',
      [],
      [
        ['recurse', true],
        ['variable', null],
      ],
      (s: Device, a) => voidP(s.checkBlocks({ recurse: a.get('recurse') === true })),
      false,
    ),
  };
}

function voidP(x: MaybePromise<void>): MaybePromise<PyValue> {
  return isPromiseLike(x) ? x.then(() => null) : null;
}

export interface SaveYamlOptions {
  name?: string | null;
  readFirst?: boolean;
  modes?: string[];
  incGroups?: string | string[] | null;
  excGroups?: string | string[] | null;
  autoPrefix?: string;
  autoCompress?: boolean;
}

/** The values of `fs` in order (staying synchronous while they are), handed to `f`. */
function seqValues<T, U>(fs: (() => MaybePromise<T>)[], f: (values: T[]) => U): MaybePromise<U> {
  const out: T[] = [];
  const step = (i: number): MaybePromise<U> => {
    for (; i < fs.length; i++) {
      const r = fs[i]();
      if (isPromiseLike(r))
        return r.then((v) => {
          out.push(v);
          return step(i + 1);
        });
      out.push(r);
    }
    return f(out);
  };
  return step(0);
}
