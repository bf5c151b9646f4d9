/**
 * pyrogue's RemoteVariable and RemoteCommand: variables whose value lives in
 * device memory, accessed through rogue memory blocks (src/tree/block.ts).
 *
 *   class MyDev extends Device {
 *     constructor(o: DeviceOptions) {
 *       super(o);
 *       this.add(new RemoteVariable({ name: 'ScratchPad', offset: 0x4, bitSize: 32, base: UInt, mode: 'RW', disp: '{:#08x}' }));
 *       this.add(new RemoteCommand({ name: 'Reload', offset: 0x104, bitSize: 1, base: UInt, function: ({ cmd }) => cmd.post(1n) }));
 *     }
 *   }
 *   root.add(new MyDev({ name: 'Dev', memBase: new EmulatedMemory(), offset: 0 }));
 *
 * Values are Python-typed: UInt/Int give bigint, Float/Double number, Bool
 * boolean, String string; list variables (numValues > 0) give numpy arrays.
 * `get({read: false})` and `set(v, {write: false})` are synchronous; with
 * hardware access they return Promises.
 *
 * ---------------------------------------------------------------------------
 * Any Device builds the memory blocks of its RemoteVariables at root start:
 * this module registers `buildRemoteBlocks` in `Device.blockBuilders`.
 *
 * Open wishes of this layer towards the core:
 *  1. BaseCommand declares `_block: LocalBlock`; a RemoteCommand's block is a
 *     TreeBlock over memory. Typing `_block` as `TreeBlock` in BaseCommand
 *     (and guarding `_doFunc`'s `this._block.set`) would remove the casts in
 *     RemoteCommand below. Workaround: RemoteCommand overrides get/set/_peek/
 *     _doFunc and stores its block through a cast.
 *  2. Device has no logger (pyrogue `self._log` on a Device, name
 *     'pyrogue.Device.<Class>.<path>'); AxiVersion builds its own Logger.
 * ---------------------------------------------------------------------------
 */
import { PyAttributeError, PyError } from '../py/errors';
import { pyRepr } from '../py/repr';
import { PyValue, PY_REPR } from '../py/values';
import { Block, buildBlocks } from './block';
import { TxType } from './memory';
import { MemVariable, VarMode } from './memVariable';
import { BaseCommand, BaseCommandOptions, CommandFunction } from './command';
import { Device } from './device';
import { Model, ModelFactory, UInt, isModel } from './model';
import { func, prop, PyMembers, RIM_VARIABLE } from './pyclass';
import { MaybePromise, seq, TransactionOptions, TransactionType, TreeBlock } from './txn';
import { BaseVariable, BaseVariableOptions, GetOptions, SetOptions, VariableError, excStr } from './variable';
import { isPromiseLike } from './surface';

export interface RemoteVariableOptions extends Omit<BaseVariableOptions, 'typeStr' | 'typeCheck'> {
  /** A model instance (`Fixed(16, 8)`) or factory (`UInt`, default). */
  base?: Model | ModelFactory;
  /** Byte offset in the device (or a list, one per bit range). */
  offset: number | bigint | (number | bigint)[];
  bitSize?: number | number[];
  bitOffset?: number | number[];
  numValues?: number;
  valueBits?: number;
  valueStride?: number;
  overlapEn?: boolean;
  /** Verify writes by reading back (pyrogue `verify`). Default true. */
  verify?: boolean;
  retryCount?: number;
}

const TX: Record<TransactionType, TxType> = { read: TxType.Read, write: TxType.Write, verify: TxType.Verify, post: TxType.Post };

function safeRepr(v: PyValue): string {
  try {
    return pyRepr(v);
  } catch {
    return String(v);
  }
}

/** The memory-layer part every remote node (variable or command) carries. */
interface RemoteNode extends BaseVariable {
  readonly _mem: MemVariable;
}

/** pyrogue's range defaults and address-list normalisation (RemoteVariable.__init__). */
function prepare(opts: RemoteVariableOptions): { model: Model; offset: number; bitOffset: number[]; bitSize: number[]; minimum: PyValue; maximum: PyValue } {
  const lists = [opts.offset, opts.bitOffset ?? 0, opts.bitSize ?? 32].map((x) => (Array.isArray(x) ? x.map(Number) : [Number(x)]));
  const length = Math.max(...lists.map((x) => x.length));
  const [offs, bo, bs] = lists.map((x) => (x.length === 1 ? new Array<number>(length).fill(x[0]) : x));
  if (offs.length !== bo.length || bo.length !== bs.length)
    throw new VariableError(`Lengths of offset: ${JSON.stringify(offs)}, bitOffset: ${JSON.stringify(bo)}, bitSize ${JSON.stringify(bs)} must match`);
  if (bs.includes(0)) throw new VariableError('BitSize of 0 is invalid');
  const baseAddr = Math.min(...offs);
  const bitOffset = bo.map((x, i) => x + (offs[i] - baseAddr) * 8);
  const numValues = opts.numValues ?? 0;
  const base = opts.base ?? UInt;
  const model = isModel(base) ? base : numValues !== 0 ? base(opts.valueBits ?? 0) : base(bs.reduce((a, b) => a + b, 0));
  const lt = (a: PyValue, b: PyValue) =>
    (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number') && Number(a) < Number(b);
  let minimum = opts.minimum ?? null;
  let maximum = opts.maximum ?? null;
  const mn = model.minValue();
  const mx = model.maxValue();
  if (minimum === null || (mn !== null && lt(minimum, mn))) minimum = mn;
  if (maximum === null || (mx !== null && lt(mx, maximum))) maximum = mx;
  if (numValues !== 0) {
    if (bs.length !== 1) throw new VariableError('BitSize array must have a length of one when numValues > 0');
    if ((opts.valueBits ?? 0) > (opts.valueStride ?? 0))
      throw new VariableError(`ValueBits ${opts.valueBits ?? 0} is greater than valueStrude ${opts.valueStride ?? 0}`);
    if (model.ndType === null) throw new VariableError(`Invalid base type ${model.name} with numValues = ${numValues}`);
    bs[0] = numValues * (opts.valueBits ?? 0);
  }
  return { model, offset: baseAddr, bitOffset, bitSize: bs, minimum, maximum };
}

function makeMem(node: BaseVariable, opts: RemoteVariableOptions, p: ReturnType<typeof prepare>, mode: VarMode, bulkEn: boolean, verify: boolean): MemVariable {
  return new MemVariable({
    name: opts.name,
    path: () => node.path,
    mode,
    minimum: p.minimum,
    maximum: p.maximum,
    offset: p.offset,
    bitOffset: p.bitOffset,
    bitSize: p.bitSize,
    overlapEn: opts.overlapEn ?? false,
    verifyEn: verify,
    bulkEn,
    updateNotify: opts.updateNotify ?? true,
    model: p.model,
    numValues: opts.numValues ?? 0,
    valueBits: opts.valueBits ?? 0,
    valueStride: opts.valueStride ?? 0,
    retryCount: opts.retryCount ?? 0,
    onUpdate: () => node._queueUpdate(),
  });
}

function typeStrOf(mem: MemVariable): string {
  if (mem.numValues !== 0) return `${mem.model.ndType!.name}(${mem.numValues},)`;
  return mem.model.name;
}

// ---------------------------------------------------------------------------
// Shared behaviour (RemoteVariable and RemoteCommand)

function device(v: BaseVariable): Device {
  const d = v.parent;
  if (!(d instanceof Device)) throw new VariableError(`Variable ${v.path} is not attached to a device`);
  return d;
}
function needBlock(v: RemoteNode): void {
  if (!v._mem.block) throw new PyAttributeError(`${v[PY_REPR]()} has no block: the tree is not started`);
}

/**
 * Runs `steps`, then `result`; `fail` gets whatever either throws or rejects
 * with. Stays synchronous while `steps` does (returns the result itself).
 */
function settle<T>(steps: () => MaybePromise<void>, result: () => T, fail: (e: unknown) => never): MaybePromise<T> {
  let r: MaybePromise<void>;
  try {
    r = steps();
    if (!isPromiseLike(r)) return result();
  } catch (e) {
    return fail(e);
  }
  return r.then(result).then(undefined, fail);
}

/** pyrogue RemoteVariable.get. */
function remoteGet(v: RemoteNode, opts: GetOptions): MaybePromise<PyValue> {
  const index = opts.index ?? -1;
  const fail = (e: unknown): never => {
    v._log.exception(e);
    v._log.error(`Error reading value from variable ${v.path}`);
    throw e;
  };
  try {
    needBlock(v);
    if (!(opts.read ?? true)) return v._mem.getValue(index);
  } catch (e) {
    return fail(e);
  }
  // Synchronous end to end when the memory answers at once (EmulatedMemory):
  // no promise, so the server answers the request inline.
  const dev = device(v);
  const check = opts.check ?? true;
  const blockOpts = { recurse: false, variable: v, index };
  let r: MaybePromise<void>;
  try {
    r = dev.readBlocks(blockOpts);
    if (!isPromiseLike(r)) {
      if (check) r = dev.checkBlocks(blockOpts);
      if (!isPromiseLike(r)) return v._mem.getValue(index);
    } else if (check) r = r.then(() => dev.checkBlocks(blockOpts));
  } catch (e) {
    return fail(e);
  }
  return r.then(() => v._mem.getValue(index)).then(undefined, fail);
}

/** pyrogue RemoteVariable.set. */
function remoteSet(v: RemoteNode, value: PyValue, opts: SetOptions): MaybePromise<void> {
  const index = opts.index ?? -1;
  const fail = (e: unknown): never => {
    v._log.exception(e);
    v._log.error(`Error setting value ${safeRepr(value)} to variable ${v.path} with type ${v.typeStr}. Exception=${excStr(e)}`);
    throw e;
  };
  try {
    needBlock(v);
    v._mem.setValue(value, index);
    if (!(opts.write ?? true)) return;
  } catch (e) {
    return fail(e);
  }
  const dev = device(v);
  const verify = opts.verify ?? true;
  const check = opts.check ?? true;
  return settle(
    () =>
      seq([
        () => dev.writeBlocks({ force: true, recurse: false, variable: v, index }),
        () => (verify ? dev.verifyBlocks({ recurse: false, variable: v }) : undefined),
        () => (check ? dev.checkBlocks({ recurse: false, variable: v }) : undefined),
      ]),
    () => undefined,
    fail,
  );
}

/** pyrogue RemoteVariable.post: stage then a posted write (checked, notifies). */
function remotePost(v: RemoteNode, value: PyValue, index: number): MaybePromise<void> {
  const fail = (e: unknown): never => {
    v._log.exception(e);
    v._log.error(`Error posting value ${safeRepr(value)} to variable ${v.path} with type ${v.typeStr}`);
    throw e;
  };
  try {
    needBlock(v);
    v._mem.setValue(value, index);
  } catch (e) {
    return fail(e);
  }
  return v._mem.block!.startTransaction(TxType.Post, false, true, v._mem, index).catch(fail);
}

/** pyrogue RemoteVariable.write: force a write (and verify/check) of the variable's range. */
function remoteWrite(v: RemoteNode, opts: { verify?: boolean; check?: boolean }): Promise<void> {
  const dev = device(v);
  return (async () => {
    try {
      needBlock(v);
      await dev.writeBlocks({ force: true, recurse: false, variable: v });
      if (opts.verify ?? true) await dev.verifyBlocks({ recurse: false, variable: v });
      if (opts.check ?? true) await dev.checkBlocks({ recurse: false, variable: v });
    } catch (e) {
      v._log.exception(e);
      throw e;
    }
  })();
}

/** Python props shared by RemoteVariable and RemoteCommand (pyrogue exposes them on RemoteVariable). */
/** The staged value without a transaction (undefined before the blocks exist). */
function remotePeek(v: RemoteNode): PyValue | undefined {
  if (!v._mem?.block) return undefined;
  try {
    return v._mem.getValue(-1);
  } catch {
    return undefined;
  }
}

/** Display text → value: enum names through revEnum, otherwise the model's parser. */

/** pyrogue `_finishInit` of a remote node: its default value staged (setDisp without a write), once the blocks exist. */
function stageDefault(v: RemoteVariable | RemoteCommand, dflt: PyValue): void {
  if (dflt !== null && v._mem.block) {
    const r = v.setDisp(dflt, false);
    if (isPromiseLike(r)) r.then(undefined, () => undefined);
  }
}

function remoteProps(): PyMembers {
  const m = (s: unknown) => (s as RemoteNode)._mem;
  return {
    address: prop((s: RemoteNode) => BigInt(m(s).block ? m(s).block!.address : Number(device(s).address) + m(s).offset)),
    varBytes: prop((s: RemoteNode) => BigInt(m(s).varBytes)),
    offset: prop((s: RemoteNode) => BigInt(m(s).offset)),
    bitSize: prop((s: RemoteNode) => m(s).bitSize.map(BigInt)),
    bitOffset: prop((s: RemoteNode) => m(s).bitOffset.map(BigInt)),
    verifyEn: prop((s: RemoteNode) => m(s).verifyEn),
    overlapEn: prop((s: RemoteNode) => m(s).overlapEn),
    bulkEn: prop((s: RemoteNode) => s.bulkOpEn),
    base: prop((s: RemoteNode) => m(s).model.toPyValue()),
    // rogue's C++ Block has no `_lock`: pyrogue's property raises and getattr reports the attribute missing
    lock: prop((s: RemoteNode) => {
      throw new PyAttributeError(`${s[PY_REPR]()} has no attribute lock`);
    }),
    numValues: prop((s: RemoteNode) => BigInt(m(s).numValues), false),
    valueBits: prop((s: RemoteNode) => BigInt(m(s).valueBits), false),
    valueStride: prop((s: RemoteNode) => BigInt(m(s).valueStride), false),
    retryCount: prop((s: RemoteNode) => BigInt(m(s).retryCount), false),
  };
}

/** pyrogue's `RemoteVariable.PROPS` (BaseVariable's, then the memory layout): what `properties()` reports. */
const REMOTE_PROPS: readonly string[] = [
  ...BaseVariable.PROPS,
  'address',
  'overlapEn',
  'offset',
  'bitOffset',
  'bitSize',
  'verifyEn',
  'numValues',
  'valueBits',
  'valueStride',
  'retryCount',
  'varBytes',
  'bulkEn',
];

/** A BaseVariable.pyMembers function re-declared under another class name (same behaviour). */
function renamed(cls: string, name: string, from: PyMembers, exposed = true): PyMembers[string] {
  const f = from[name];
  if (f.kind !== 'func') throw new Error(`${name} is not a function`);
  return { ...f, exposed, sig: { ...f.sig, qualname: `${cls}.${name}` } };
}

// ---------------------------------------------------------------------------

/** pyrogue._Variable.RemoteVariable. */
export class RemoteVariable extends BaseVariable implements RemoteNode {
  static override pyModule = 'pyrogue._Variable';
  static override pyName = 'RemoteVariable';
  static override pyExtraBases = [RIM_VARIABLE];
  static override PROPS = REMOTE_PROPS;

  readonly _mem: MemVariable;

  override _numValues(): number {
    return this._mem.numValues;
  }
  constructor(opts: RemoteVariableOptions) {
    const p = prepare(opts);
    const disp = opts.disp ?? p.model.defaultDisp;
    super({ ...opts, disp, minimum: p.minimum, maximum: p.maximum, bulkOpEn: opts.bulkOpEn ?? true, typeStr: 'Unknown' });
    this._mem = makeMem(this, opts, p, this._mode, this._bulkOpEn, opts.verify ?? true);
    this._typeStr = typeStrOf(this._mem);
    this._nativeType = this._mem.numValues !== 0 ? 'ndarray' : p.model.pytype;
    this._ndType = this._mem.numValues !== 0 ? p.model.ndType : null;
  }

  get model(): Model {
    return this._mem.model;
  }
  get address(): number {
    return this._mem.block ? this._mem.block.address : Number(device(this).address) + this._mem.offset;
  }
  get offset(): number {
    return this._mem.offset;
  }
  get varBytes(): number {
    return this._mem.varBytes;
  }

  override get(opts: GetOptions = {}): MaybePromise<PyValue> {
    return remoteGet(this, opts);
  }
  override set(value: PyValue, opts: SetOptions = {}): MaybePromise<void> {
    return remoteSet(this, value, opts);
  }
  override post(value: PyValue, opts: { index?: number } = {}): MaybePromise<void> {
    return remotePost(this, value, opts.index ?? -1);
  }
  override write(opts: { verify?: boolean; check?: boolean; wait?: boolean } = {}): MaybePromise<void> {
    return remoteWrite(this, opts);
  }
  protected override _peek(): PyValue | undefined {
    return remotePeek(this);
  }
  /** pyrogue `_finishInit`: stages the default value (no write), after the blocks exist. */
  override _finishInit(): void {
    super._finishInit();
    stageDefault(this, this._default);
  }

  static override pyMembers: PyMembers = {
    ...remoteProps(),
    set: renamed('RemoteVariable', 'set', BaseVariable.pyMembers),
    get: renamed('RemoteVariable', 'get', BaseVariable.pyMembers),
    post: renamed('RemoteVariable', 'post', BaseVariable.pyMembers),
    write: renamed('RemoteVariable', 'write', BaseVariable.pyMembers),
  };
}

// ---------------------------------------------------------------------------

export interface RemoteCommandOptions extends Omit<BaseCommandOptions, 'value'>, Omit<RemoteVariableOptions, 'mode' | 'value'> {
  value?: PyValue;
  function?: CommandFunction | null;
}

/** pyrogue._Command.RemoteCommand: a command whose value is a memory field (mode WO, no bulk, no verify). */
export class RemoteCommand extends BaseCommand implements RemoteNode {
  static override pyModule = 'pyrogue._Command';
  static override pyName = 'RemoteCommand';
  static override pyExtraBases = [RemoteVariable];
  // (pyrogue's RemoteCommand finds PROPS on RemoteVariable, after BaseCommand, which has none)
  static override PROPS = REMOTE_PROPS;

  readonly _mem: MemVariable;

  constructor(opts: RemoteCommandOptions) {
    const p = prepare({ ...opts });
    const disp = opts.disp ?? p.model.defaultDisp;
    // pyrogue: a RemoteCommand's default is its value (None unless given), not a LocalCommand's 0
    super({ ...opts, value: opts.value ?? null, disp, minimum: p.minimum, maximum: p.maximum, arg: opts.arg ?? false });
    this._mem = makeMem(this, opts, p, 'WO', false, false);
    this._typeStr = typeStrOf(this._mem);
    this._nativeType = this._mem.numValues !== 0 ? 'ndarray' : p.model.pytype;
    this._ndType = this._mem.numValues !== 0 ? p.model.ndType : null;
  }

  // pyrogue's RemoteCommand is a BaseCommand and a RemoteVariable at once; TypeScript classes have
  // one base, so its RemoteVariable members delegate to the same functions as RemoteVariable's.
  override get(opts: GetOptions = {}): MaybePromise<PyValue> {
    return remoteGet(this, opts);
  }
  /** pyrogue RemoteCommand.set: stage, then a checked forced write of the field (no verify). */
  override set(value: PyValue, opts: SetOptions = {}): MaybePromise<void> {
    const index = opts.index ?? -1;
    const fail = (e: unknown): never => {
      this._log.exception(e);
      throw e;
    };
    try {
      needBlock(this);
      this._mem.setValue(value, index);
      if (!(opts.write ?? true)) return;
    } catch (e) {
      return fail(e);
    }
    return this._mem.block!.startTransaction(TxType.Write, true, true, this._mem, index).catch(fail);
  }
  override post(value: PyValue, opts: { index?: number } = {}): MaybePromise<void> {
    return remotePost(this, value, opts.index ?? -1);
  }
  override write(opts: { verify?: boolean; check?: boolean; wait?: boolean } = {}): MaybePromise<void> {
    return remoteWrite(this, opts);
  }
  protected override _peek(): PyValue | undefined {
    return remotePeek(this);
  }
  override _finishInit(): void {
    super._finishInit();
    stageDefault(this, this._default);
  }
  /** A RemoteCommand keeps no last argument: its function does the memory access (`cmd.set`, `cmd.post`). */
  protected override get _keepsArg(): boolean {
    return false;
  }

  static override pyMembers: PyMembers = {
    ...remoteProps(),
    // pyrogue's RemoteCommand.set/get are plain (not exposed) overrides
    set: func(
      'RemoteCommand.set',
      ['value'],
      [
        ['index', -1n],
        ['write', true],
      ],
      (s: RemoteCommand, a) => {
        const r = s.set(a.get('value')!, { index: Number(a.get('index') ?? -1n), write: a.get('write') !== false });
        return isPromiseLike(r) ? r.then(() => null) : null;
      },
      false,
    ),
    get: func(
      'RemoteCommand.get',
      [],
      [
        ['index', -1n],
        ['read', true],
      ],
      (s: RemoteCommand, a) => s.get({ index: Number(a.get('index') ?? -1n), read: a.get('read') !== false }),
      false,
    ),
  };
}

// ---------------------------------------------------------------------------
// Blocks of a device

/** TreeBlock over a memory Block (what Device's transaction fan-out talks to). */
export class RemoteTreeBlock implements TreeBlock {
  constructor(
    readonly block: Block,
    readonly variables: readonly BaseVariable[],
    private readonly owner: Device,
  ) {}
  get enable(): boolean {
    return this.block.enable;
  }
  set enable(v: boolean) {
    this.block.setEnable(v);
  }
  get bulkOpEn(): boolean {
    return this.block.bulkOpEn;
  }
  startTransaction(type: TransactionType, opts: TransactionOptions): MaybePromise<void> {
    this.block.setEnable(this.owner.enabled);
    const v = opts.variable as Partial<RemoteNode> | null | undefined;
    const mem = v && v._mem && v._mem.block === this.block ? v._mem : null;
    return this.block.startTransactionMaybeSync(TX[type], opts.force ?? false, opts.checkEach ?? false, mem, mem ? (opts.index ?? -1) : -1);
  }
  checkTransaction(): MaybePromise<void> {
    return this.block.checkTransactionPyMaybeSync();
  }
}

function isRemote(n: unknown): n is RemoteNode {
  return (n instanceof RemoteVariable || n instanceof RemoteCommand) && (n as RemoteNode)._mem instanceof MemVariable;
}

/**
 * pyrogue Device._buildBlocks for remote variables: groups the device's
 * RemoteVariables/RemoteCommands into memory blocks over the device's memBase
 * and appends them to `device._blocks`. Call from `_buildBlocks()` after super.
 */
export function buildRemoteBlocks(dev: Device): RemoteTreeBlock[] {
  const remote = [...dev.nodes.values()].filter(isRemote);
  if (remote.length === 0) return [];
  const memory = dev.memBase;
  if (memory === null || memory === undefined) throw new PyError('pyrogue._Device', 'DeviceError', `Device ${dev.path} has remote variables but no memBase`);
  if (typeof memory.read !== 'function' || typeof memory.write !== 'function') {
    const what = typeof memory === 'object' ? ((memory as object).constructor?.name ?? 'object') : typeof memory;
    throw new PyError(
      'pyrogue._Device',
      'DeviceError',
      `Device ${dev.path}: memBase (${what}) is not a MemoryBackend (an object with read(address, size) and write(address, data), e.g. EmulatedMemory)`,
    );
  }
  const byMem = new Map<MemVariable, RemoteNode>(remote.map((n) => [n._mem, n]));
  const blocks = buildBlocks(
    remote.map((n) => n._mem),
    { memory, baseAddress: Number(dev.address) },
  );
  const out = blocks.map((b) => {
    const tb = new RemoteTreeBlock(
      b,
      b.variables.map((m) => byMem.get(m)!),
      dev,
    );
    for (const m of b.variables) (byMem.get(m) as unknown as { _block: TreeBlock })._block = tb;
    return tb;
  });
  dev._blocks.push(...out);
  return out;
}

// Every Device groups its RemoteVariables into memory blocks when the root starts.
Device.blockBuilders.push(buildRemoteBlocks);
// Device.addRemoteVariables makes RemoteVariables (device.ts cannot import this module: it imports device.ts).
Device.remoteVariableClass = RemoteVariable;
