/**
 * A live tree from a snapshot (`pyrogue-ts serve --tree tree.json`): the
 * nodes, classes and values a client saw on the original server, with
 * pyrogue's behaviour where the snapshot carries enough to have it.
 *
 *   const { root, report } = buildTree(readSnapshot(text));
 *   await serve({ tree: root, port: 9099 });
 *
 * - Every node gets a class whose Python metadata is the recorded one (name,
 *   bases, props, funcs: `pyClassFromSpec`), on top of the pyrogue-ts class
 *   that has its behaviour: LocalVariable, RemoteVariable, LinkVariable,
 *   LocalCommand, RemoteCommand, Device, Process, Root.
 * - RemoteVariables live on EmulatedMemory at their recorded addresses and
 *   hold the recorded values (each encoded through its model into the bytes),
 *   so get/set/bit fields/enums behave as registers. Models are found by the
 *   class name `base` reports (`pyrogue._Model.<Name>`), among the models of
 *   src/tree/model.ts.
 * - LocalVariables hold their recorded values with pyrogue's checks.
 * - What a snapshot cannot carry: a LinkVariable's function (it holds its
 *   recorded value and recomputes nothing; a set stores the value), a
 *   command's code (a call runs nothing and returns None; a LocalCommand
 *   that takes an argument keeps it as its value, as pyrogue does), an
 *   exposed function pyrogue-ts has no code for (returns None).
 * - The Root's built-ins are pyrogue-ts's own, live (Time, SystemLog,
 *   ReadAll, SaveConfig…); RogueVersion and RogueDirectory keep the recorded
 *   values.
 * - Once the tree is started, every recorded property is checked against what
 *   pyrogue-ts computes; where they differ the recorded value is served
 *   (except for properties that change by themselves: the alarm state,
 *   running), and `report.props` lists each case.
 * - Memory spaces: see `memorySpaces`.
 */
import { RemoteError } from '../client/errors';
import { PyError } from '../py/errors';
import { fromTagged, taggedKey, toTagged } from '../py/tagged';
import { NdArray, PyDict, PyObject, PyUnpicklable, type PyValue } from '../py/values';
import { TxType } from '../tree/block';
import { BaseCommand } from '../tree/command';
import { Device } from '../tree/device';
import { EmulatedMemory } from '../tree/memory';
import * as models from '../tree/model';
import { Node } from '../tree/node';
import { Process } from '../tree/process';
import { classInfo, func, prop, pyClassFromSpec, type PyClassSpec, type PyMember, type PyMembers } from '../tree/pyclass';
import { RemoteCommand, RemoteVariable } from '../tree/remote';
import { Root } from '../tree/root';
import { BaseVariable, LinkVariable, LocalVariable, type Mode } from '../tree/variable';
import { isError, nameOf, recordedValue, Snapshot, SnapshotError, type Recorded, type SnapClass, type SnapNode } from './format';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node classes take different options
type NodeClass = abstract new (...args: any[]) => Node;

/** How pyrogue-ts serves a node of a recorded class. */
export type NodeKind = 'root' | 'process' | 'device' | 'remoteCommand' | 'command' | 'remoteVariable' | 'linkVariable' | 'localVariable' | 'node';

const cls = (q: string) => `<class '${q}'>`;

/** The kind of a recorded class, from its bases (pyrogue's classes it derives from). */
export function kindOf(c: SnapClass): NodeKind {
  const has = (q: string) => c.bases.includes(cls(q));
  if (has('pyrogue._Root.Root')) return 'root';
  if (has('pyrogue._Process.Process')) return 'process';
  if (has('pyrogue._Device.Device')) return 'device';
  if (has('pyrogue._Command.RemoteCommand')) return 'remoteCommand';
  if (has('pyrogue._Command.BaseCommand')) return 'command';
  if (has('pyrogue._Variable.RemoteVariable')) return 'remoteVariable';
  if (has('pyrogue._Variable.LinkVariable')) return 'linkVariable';
  if (has('pyrogue._Variable.BaseVariable')) return 'localVariable';
  return 'node';
}

/** Properties that change by themselves: never served as recorded, only reported when they differ at start. */
const LIVE_PROPS = new Set(['alarmStatus', 'alarmSeverity', 'running']);

/** A recorded property that pyrogue-ts computes differently (at start). */
export interface PropDifference {
  path: string;
  prop: string;
  /** What pyrogue-ts computes (tagged JSON text, or the error). */
  computed: string;
  recorded: string;
  /** True when the recorded value is served instead. */
  served: boolean;
}

export interface BuildReport {
  nodes: number;
  props: PropDifference[];
  /** Anything else that is not served as recorded (extra or missing built-ins, values that could not be set…). */
  warnings: string[];
}

/** What a built node keeps of its record. */
interface NodeState {
  /** The node's record, until the tree has started (then dropped: only what serving needs stays). */
  rec: SnapNode | null;
  /** Recorded properties pyrogue-ts has no getter for: served from here. */
  fallback: Record<string, Recorded> | null;
  /** Property → the recorded outcome served instead of the computed one. */
  overrides: Map<string, Recorded> | null;
  /** A LinkVariable's held value. */
  held?: PyValue;
}

const states = new WeakMap<Node, NodeState>();

function errorOf(r: Recorded): PyError {
  const text = (r as { error: string }).error;
  const e = RemoteError.fromText(text);
  return new PyError(e.pyModule, e.pyName, e.message);
}

/** The outcome of a recorded property, as the server would send it (an error raises). */
function served(r: Recorded): PyValue {
  if (isError(r)) throw errorOf(r);
  return fromTagged(r);
}

/** A property's outcome as tagged-JSON text, for comparing: an error is its wire text. */
function outcomeKey(get: () => PyValue): string {
  try {
    const v = get();
    if (v instanceof PyUnpicklable) return JSON.stringify({ error: `builtins.TypeError: cannot pickle '${v.pyTypeName}' object` });
    return taggedKey(v);
  } catch (e) {
    if (e instanceof PyError) return JSON.stringify({ error: e.wireText });
    return JSON.stringify({ error: String(e) });
  }
}
function recordedKey(r: Recorded): string {
  if (isError(r)) return JSON.stringify({ error: r.error });
  return taggedKey(fromTagged(r));
}

/** The report as lines for a person (at most `max` listed of each kind). */
export function reportLines(r: BuildReport, max = 20): string[] {
  const out: string[] = [];
  const served = r.props.filter((p) => p.served);
  const live = r.props.filter((p) => !p.served);
  if (served.length > 0) {
    out.push(`${served.length} recorded propert${served.length === 1 ? 'y is' : 'ies are'} served as recorded (pyrogue-ts computes another value):`);
    for (const p of served.slice(0, max)) out.push(`  ${p.path} ${p.prop}: recorded ${p.recorded}, pyrogue-ts ${p.computed}`);
    if (served.length > max) out.push(`  ... and ${served.length - max} more`);
  }
  if (live.length > 0) {
    out.push(`${live.length} changing propert${live.length === 1 ? 'y differs' : 'ies differ'} from the snapshot at start (served live):`);
    for (const p of live.slice(0, max)) out.push(`  ${p.path} ${p.prop}: recorded ${p.recorded}, now ${p.computed}`);
    if (live.length > max) out.push(`  ... and ${live.length - max} more`);
  }
  for (const w of r.warnings.slice(0, max)) out.push(w);
  if (r.warnings.length > max) out.push(`... and ${r.warnings.length - max} more warnings`);
  return out;
}

// ---------------------------------------------------------------------------
// Behaviour classes (aliases: their Python metadata is their parent's, or the spec's)

/**
 * The bytes a register held for a recorded value: its model's `toBytes`,
 * except where that drops bits a read returns. A TensorFloat32 register is
 * read as all 32 bits of a float32 (rogue's getter does not clear the low 13
 * mantissa bits its setter clears), so its value is put back as a float32.
 */
function heldBytes(model: models.Model, value: PyValue): Uint8Array {
  if (model.modelId === 'TensorFloat32') return (model.isBigEndian ? models.FloatBE(32) : models.Float(32)).toBytes(value);
  return model.toBytes(value);
}

/**
 * Puts a register's recorded value in memory: the bytes that read back as
 * it (`heldBytes`), placed at the variable's bit ranges (or, for a list
 * variable, each value at its stride), then read into the block, so the
 * shadow value is what memory holds. No range check: the value is what the
 * original register held.
 */
function seed(v: RemoteVariable | RemoteCommand, report: BuildReport): void {
  const st = states.get(v);
  const value = st?.rec ? recordedValue(st.rec.value) : undefined;
  const mem = v._mem;
  const b = mem.block;
  if (value === undefined || value === null || !b || !(b.memory instanceof EmulatedMemory)) return;
  const lo = mem.lowTranByte[0];
  const hi = mem.highTranByte[mem.highTranByte.length - 1];
  const bytes = b.memory.peek(b.address + lo, hi - lo + 1);
  const put = (src: Uint8Array, at: number, size: number, from = 0) => models.copyBits(bytes, at - lo * 8, src, from, size);
  try {
    if (mem.numValues > 0) {
      const items = value instanceof NdArray ? value.items() : Array.isArray(value) ? value : null;
      if (!items || items.length !== mem.numValues) throw new PyError('builtins', 'ValueError', `not a list of ${mem.numValues} values`);
      items.forEach((x, i) => put(heldBytes(mem.model, x), mem.bitOffset[0] + i * mem.valueStride, mem.valueBits));
    } else {
      const src = heldBytes(mem.model, value);
      let at = 0;
      mem.bitOffset.forEach((o, i) => {
        put(src, o, mem.bitSize[i], at);
        at += mem.bitSize[i];
      });
    }
  } catch (e) {
    report.warnings.push(
      `${v.path}: the recorded value ${JSON.stringify(toTagged(value))} cannot be put in memory: ${e instanceof PyError ? e.wireText : String(e)}`,
    );
    return;
  }
  b.memory.poke(b.address + lo, bytes);
  if (mem.mode !== 'WO') void b.startTransactionMaybeSync(TxType.Read, false, true, mem, -1);
  else {
    // a WO register is never read: its shadow is what was written
    try {
      mem.setValue(value);
    } catch {
      /* left as memory holds it */
    }
  }
}

class SnapRemoteVariable extends RemoteVariable {
  static pyAlias = true;
  _report: BuildReport | null = null;
  override _finishInit(): void {
    super._finishInit();
    if (this._report) seed(this, this._report);
  }
}

class SnapRemoteCommand extends RemoteCommand {
  static pyAlias = true;
  _report: BuildReport | null = null;
  override _finishInit(): void {
    super._finishInit();
    if (this._report) seed(this, this._report);
  }
}

/** The root of a tree built from a snapshot: checks the recorded properties once started. */
export class SnapshotRoot extends Root {
  static pyAlias = true;
  /** What differs from the snapshot (filled by buildTree and at start). */
  snapshotReport: BuildReport = { nodes: 0, props: [], warnings: [] };
  /** The emulated memory spaces, by the path of the device each starts at. */
  snapshotSpaces = new Map<string, EmulatedMemory>();
  /** Built-in variables and their recorded values, set at start. */
  snapshotBuiltinValues: [LocalVariable, PyValue][] = [];
  protected override _beforeInterfaces(): void {
    super._beforeInterfaces();
    setBuiltinValues(this.snapshotBuiltinValues, this.snapshotReport);
    this.snapshotBuiltinValues = [];
    checkProps(this, this.snapshotReport);
  }
}

function checkProps(root: Root, report: BuildReport): void {
  const visit = (n: Node) => {
    const st = states.get(n);
    if (!st?.rec) return;
    const members = n.pyClass.members;
    const ours = madeMembers.get(n.constructor) ?? members;
    for (const [p, r] of Object.entries(st.rec.props)) {
      if (r === undefined) continue;
      if (ours.get(p)?.kind !== 'prop') (st.fallback ??= {})[p] = r;
      const m = members.get(p);
      const wanted = recordedKey(r);
      const got = m && m.kind === 'prop' ? outcomeKey(() => baseGetter(n, p)) : JSON.stringify({ error: `no property ${p}` });
      if (got === wanted) continue;
      const serve = !LIVE_PROPS.has(p);
      if (serve) (st.overrides ??= new Map()).set(p, r);
      report.props.push({ path: n.path, prop: p, computed: got, recorded: wanted, served: serve });
    }
    st.rec = null;
  };
  visit(root);
  for (const n of root.descendants()) visit(n);
}

// ---------------------------------------------------------------------------
// Classes made from the recorded ones

/** The TS class whose behaviour a kind of node gets. */
const BEHAVIOUR: Record<NodeKind, NodeClass> = {
  root: SnapshotRoot,
  process: Process,
  device: Device,
  remoteCommand: SnapRemoteCommand,
  command: BaseCommand,
  remoteVariable: SnapRemoteVariable,
  linkVariable: LinkVariable,
  localVariable: LocalVariable,
  node: Node,
};
/** The pyrogue-ts class whose members the behaviour class has (the Python class it stands for). */
const PY_PARENT: Record<NodeKind, NodeClass> = {
  root: Root,
  process: Process,
  device: Device,
  remoteCommand: RemoteCommand,
  command: BaseCommand,
  remoteVariable: RemoteVariable,
  linkVariable: LinkVariable,
  localVariable: LocalVariable,
  node: Node,
};

/** The property getter pyrogue-ts has for `p` (below any recorded override). */
function baseGetter(n: Node, p: string): PyValue {
  const made = madeMembers.get(n.constructor);
  const orig = made ? made.get(p) : n.pyClass.members.get(p);
  if (orig && orig.kind === 'prop') return orig.get(n);
  const st = states.get(n);
  const r = st?.fallback?.[p] ?? st?.rec?.props[p];
  if (r === undefined) throw n.noAttribute(p);
  return served(r);
}

function makeClass(c: SnapClass, kind: NodeKind): NodeClass {
  const parentMembers = classInfoMembers(PY_PARENT[kind]);
  const members: PyMembers = {};
  for (const p of c.props) {
    members[p] = prop((s: Node) => {
      const o = states.get(s)?.overrides?.get(p);
      if (o !== undefined) return served(o);
      return baseGetter(s, p);
    });
  }
  for (const [f, sig] of Object.entries(c.funcs)) {
    if (parentMembers.get(f)?.kind === 'func') continue;
    // an exposed function pyrogue-ts has no code for: binds like the recorded signature, does nothing
    members[f] = func(
      `${c.name}.${f}`,
      sig.args.map((a) => [a, null] as [string, PyValue]),
      sig.kwargs.map((a) => [a, null] as [string, PyValue]),
      () => null,
    );
  }
  const spec: PyClassSpec = { name: c.name, bases: c.bases, props: c.props, funcs: Object.entries(c.funcs).map(([k, f]) => [k, f]), members };
  const made = pyClassFromSpec(BEHAVIOUR[kind], spec);
  madeMembers.set(made, parentMembers);
  return made;
}

/** The members of the pyrogue-ts class a made class stands on (what its recorded props fall back to). */
const madeMembers = new WeakMap<object, ReadonlyMap<string, PyMember>>();

function classInfoMembers(k: NodeClass): ReadonlyMap<string, PyMember> {
  return classInfo(k).members;
}

// ---------------------------------------------------------------------------
// Building

interface Ctx {
  snap: Snapshot;
  report: BuildReport;
  classes: Map<string, NodeClass>;
  /** Links waiting for their dependencies: [link, dependency paths]. */
  links: [LinkVariable, string[]][];
  /** Memory spaces by the path of the device that starts them. */
  spaces: Map<string, EmulatedMemory>;
  /** Built-in variables and their recorded values. */
  builtinValues: [LocalVariable, PyValue][];
}

export function prop0(n: SnapNode, p: string): PyValue | undefined {
  return recordedValue(n.props[p]);
}
export function attr0(n: SnapNode, a: string): PyValue | undefined {
  return recordedValue(n.attrs?.[a]);
}
function num(v: PyValue | undefined, dflt: number): number {
  return typeof v === 'bigint' || typeof v === 'number' ? Number(v) : dflt;
}
function numList(v: PyValue | undefined): number[] | undefined {
  return Array.isArray(v) ? v.map((x) => num(x, 0)) : undefined;
}
function str(v: PyValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Options every node takes. */
function nodeOpts(n: SnapNode) {
  return { name: nameOf(n.path), description: n.description, groups: [...n.groups], expand: n.expand, guiGroup: n.guiGroup };
}

/** Options of a variable from its recorded props (disp, enum, units, limits…). */
function varOpts(n: SnapNode) {
  const en = prop0(n, 'enum');
  const disp = str(prop0(n, 'disp'));
  const o: Record<string, unknown> = {
    ...nodeOpts(n),
    mode: str(prop0(n, 'mode')) ?? 'RW',
    units: prop0(n, 'units') ?? null,
    minimum: prop0(n, 'minimum') ?? null,
    maximum: prop0(n, 'maximum') ?? null,
    lowWarning: prop0(n, 'lowWarning') ?? null,
    lowAlarm: prop0(n, 'lowAlarm') ?? null,
    highWarning: prop0(n, 'highWarning') ?? null,
    highAlarm: prop0(n, 'highAlarm') ?? null,
    pollInterval: prop0(n, 'pollInterval') ?? 0n,
    updateNotify: prop0(n, 'updateNotify') !== false,
  };
  if (en instanceof PyDict) o.enum = en;
  else if (disp !== undefined) o.disp = disp;
  return o;
}

/** The model a RemoteVariable reports through `base` (pyrogue._Model.<Name> with bitSize, binPoint). */
export function modelOf(base: PyValue | undefined, where: string, recorded?: Recorded): models.Model {
  if (recorded !== undefined && isError(recorded))
    throw new SnapshotError(`${where}: its model (base) could not be read when the snapshot was made: ${recorded.error}`);
  if (!(base instanceof PyObject) || base.cls.module !== 'pyrogue._Model')
    throw new SnapshotError(`${where}: base is not a pyrogue model (pyrogue._Model.<Name>)`);
  const name = base.cls.name;
  const state = base.state instanceof PyDict ? base.state : new PyDict();
  const bitSize = num(state.get('bitSize'), 32);
  const binPoint = num(state.get('binPoint'), 0);
  const make = (models as unknown as Record<string, unknown>)[name];
  if (typeof make !== 'function' || name === 'Model' || !/^[A-Z]/.test(name))
    throw new SnapshotError(`${where}: model ${name} is not one pyrogue-ts has (pyrogue._Model.${name})`);
  const m = make.length >= 2 ? (make as (b: number, p: number) => unknown)(bitSize, binPoint) : (make as (b: number) => unknown)(bitSize);
  if (!models.isModel(m)) throw new SnapshotError(`${where}: model ${name} is not one pyrogue-ts has (pyrogue._Model.${name})`);
  return m;
}

function remoteOpts(n: SnapNode, where: string) {
  const numValues = num(attr0(n, 'numValues'), 0);
  const o: Record<string, unknown> = {
    ...varOpts(n),
    base: modelOf(prop0(n, 'base'), where, n.props.base),
    offset: num(prop0(n, 'offset'), 0),
    bitSize: numList(prop0(n, 'bitSize')) ?? 32,
    bitOffset: numList(prop0(n, 'bitOffset')) ?? 0,
    overlapEn: prop0(n, 'overlapEn') === true,
    verify: prop0(n, 'verifyEn') !== false,
    bulkOpEn: prop0(n, 'bulkEn') !== false,
    retryCount: num(attr0(n, 'retryCount'), 0),
  };
  if (numValues > 0) {
    o.numValues = numValues;
    o.valueBits = num(attr0(n, 'valueBits'), 0);
    o.valueStride = num(attr0(n, 'valueStride'), 0);
  }
  return o;
}

function commandOpts(n: SnapNode) {
  const o = varOpts(n);
  delete o.mode;
  o.arg = prop0(n, 'arg') === true;
  const rt = prop0(n, 'retTypeStr');
  o.retTypeStr = typeof rt === 'string' ? rt : null;
  o.function = () => null;
  return o;
}

function construct(K: NodeClass, opts: Record<string, unknown>): Node {
  return new (K as unknown as new (o: Record<string, unknown>) => Node)(opts);
}

/** Builds one recorded node (not a built-in) of the given kind. */
function makeNode(ctx: Ctx, n: SnapNode): Node {
  const c = ctx.snap.classOf(n);
  const kind = kindOf(c);
  let K = ctx.classes.get(n.class);
  if (!K) {
    K = makeClass(c, kind);
    ctx.classes.set(n.class, K);
  }
  const where = n.path;
  const value = recordedValue(n.value);
  switch (kind) {
    case 'root':
      throw new SnapshotError(`${where}: a Root below the root`);
    case 'process':
    case 'device': {
      const o: Record<string, unknown> = { ...nodeOpts(n), offset: deviceOffset(ctx.snap, n) };
      const en = ctx.snap.byPath.get(`${n.path}.enable`);
      if (en && recordedValue(en.value) === false) o.enabled = false;
      const mem = spaceOf(ctx, n);
      if (mem) o.memBase = mem;
      return construct(K, o);
    }
    case 'remoteVariable':
    case 'remoteCommand': {
      const o = kind === 'remoteVariable' ? remoteOpts(n, where) : { ...remoteOpts(n, where), ...commandOpts(n) };
      if (kind === 'remoteCommand') {
        delete o.verify;
        delete o.mode;
      }
      const v = construct(K, o) as SnapRemoteVariable | SnapRemoteCommand;
      v._report = ctx.report;
      return v;
    }
    case 'command':
      return construct(K, { ...commandOpts(n), value: value === undefined ? null : value });
    case 'linkVariable': {
      // (a LinkVariable takes the limits of the variable it links, pyrogue's `variable=`: kept here as recorded)
      const o = varOpts(n);
      const mode = o.mode as Mode;
      const typeStr = str(prop0(n, 'typeStr'));
      if (typeStr !== undefined) o.typeStr = typeStr;
      let link: LinkVariable | null = null;
      // a value whose reading raised on the original raises the same here (until a set gives it one)
      const failed = n.value !== undefined && isError(n.value) ? n.value : null;
      o.linkedGet = () => {
        const st = states.get(link!);
        if (failed !== null && st?.held === undefined) throw errorOf(failed);
        return st?.held ?? null;
      };
      if (mode !== 'RO')
        o.linkedSet = ({ value: v }: { value: PyValue }) => {
          const st = states.get(link!);
          if (st) st.held = v;
          link!._queueUpdate();
        };
      const made = construct(K, o);
      if (!(made instanceof LinkVariable)) throw new SnapshotError(`${where}: not built as a LinkVariable`);
      link = made;
      const deps = attr0(n, 'dependencies');
      if (Array.isArray(deps)) ctx.links.push([link, deps.filter((d): d is string => typeof d === 'string')]);
      return link;
    }
    case 'localVariable': {
      const o = varOpts(n);
      const typeStr = str(prop0(n, 'typeStr'));
      if (typeStr !== undefined) o.typeStr = typeStr;
      if (attr0(n, '_typeCheck') === false) o.typeCheck = false;
      if (value === undefined || value === null) {
        // pyrogue allows a None value only with a localGet: hold the value here
        let held: PyValue = null;
        o.localGet = () => held;
        o.localSet = ({ value: v }: { value: PyValue }) => void (held = v);
      } else o.value = value;
      return construct(K, o);
    }
    case 'node':
      return construct(K, nodeOpts(n));
  }
}

/** The offset a device is built with: its recorded one, or, when a memory space starts at it, what puts it at its recorded address. */
export function deviceOffset(snap: Snapshot, n: SnapNode): bigint {
  const off = prop0(n, 'offset');
  const o = typeof off === 'bigint' ? off : 0n;
  const addr = prop0(n, 'address');
  const parent = snap.byPath.get(snap.parentPath(n) ?? '');
  const paddr = parent ? prop0(parent, 'address') : undefined;
  if (typeof addr !== 'bigint' || typeof paddr !== 'bigint' || !startsSpace(snap, n)) return o;
  return addr - paddr;
}

/**
 * Whether a device starts a memory space of its own (see `memorySpaces`).
 */
export function startsSpace(snap: Snapshot, n: SnapNode): boolean {
  return memorySpaces(snap).has(n.path);
}

/** A new memory space for the device when it starts one, else null (it uses its parent's). */
function spaceOf(ctx: Ctx, n: SnapNode): EmulatedMemory | null {
  const minAccess = memorySpaces(ctx.snap).get(n.path);
  if (minAccess === undefined) return null;
  const mem = new EmulatedMemory({ minAccess });
  ctx.spaces.set(n.path, mem);
  return mem;
}

/** The minimum access size of the memory space a device starts (4 when it starts none). */
export function minAccessOf(snap: Snapshot, top: SnapNode): number {
  return memorySpaces(snap).get(top.path) ?? 4;
}

const spaceCache = new WeakMap<Snapshot, Map<string, number>>();

/** The bytes [lo, hi) a RemoteVariable's bits span, from its recorded address (its block's), bit offsets and varBytes. */
function registerRange(n: SnapNode): [number, number] | null {
  const addr = prop0(n, 'address');
  const vb = prop0(n, 'varBytes');
  const bo = numList(prop0(n, 'bitOffset'));
  if (typeof addr !== 'bigint' || typeof vb !== 'bigint' || !bo || bo.length === 0) return null;
  const a = Number(addr);
  return [a + Math.floor(Math.min(...bo) / 8), a + Number(vb)];
}

/**
 * The devices that start a memory space of their own, with the space's
 * minimum access size. A snapshot does not say which memBase a device had, so:
 * a device directly under the Root with registers in its subtree starts one;
 * so does a device whose recorded address is its offset where its parent's
 * address plus its offset would differ (it had a memBase of its own), and a
 * device whose registers would overlap registers already in its parent's
 * space (two boards with the same address map). Every other device shares
 * its parent's space (pyrogue's memory hub). The minimum access size is the
 * one that explains the recorded varBytes of the space's registers (4 when
 * several do).
 */
export function memorySpaces(snap: Snapshot): Map<string, number> {
  const hit = spaceCache.get(snap);
  if (hit) return hit;
  // registers of each device, itself and below
  const own = new Map<string, [number, number][]>();
  const under = new Map<string, [number, number][]>();
  const ends = new Map<string, { endBit: number; varBytes: number }[]>();
  for (const n of snap.file.nodes) {
    if (!('varBytes' in n.props)) continue;
    const r = registerRange(n);
    const parent = snap.parentPath(n);
    if (!r || parent === null) continue;
    (own.get(parent) ?? own.set(parent, []).get(parent)!).push(r);
    for (let p: string | null = parent; p !== null; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : null)
      (under.get(p) ?? under.set(p, []).get(p)!).push(r);
  }
  const starts = new Map<string, number>();
  const spaceOfDev = new Map<string, string>(); // device path → path of the device starting its space
  // space → the bytes its registers use so far, as 4 KiB pages of flags
  const taken = new Map<string, Map<number, Uint8Array>>();
  const overlaps = (space: string, rs: readonly [number, number][]) => {
    const t = taken.get(space);
    if (!t) return false;
    for (const [lo, hi] of rs)
      for (let a = lo; a < hi; a++) {
        const page = t.get(Math.floor(a / 4096));
        if (page && page[a % 4096] === 1) return true;
      }
    return false;
  };
  const mark = (space: string, rs: readonly [number, number][]) => {
    const t = taken.get(space) ?? taken.set(space, new Map()).get(space)!;
    for (const [lo, hi] of rs)
      for (let a = lo; a < hi; a++) {
        const k = Math.floor(a / 4096);
        (t.get(k) ?? t.set(k, new Uint8Array(4096)).get(k)!)[a % 4096] = 1;
      }
  };
  const root = snap.root;
  for (const n of snap.file.nodes) {
    if (n === root) continue;
    const k = kindOf(snap.classOf(n));
    if (k !== 'device' && k !== 'process') continue;
    const regs = under.get(n.path) ?? [];
    const parentPath = snap.parentPath(n)!;
    const parentSpace = spaceOfDev.get(parentPath) ?? null;
    let mine = parentSpace;
    if (regs.length > 0) {
      const parent = snap.byPath.get(parentPath)!;
      const off = prop0(n, 'offset');
      const addr = prop0(n, 'address');
      const paddr = prop0(parent, 'address');
      const ownBase = typeof off === 'bigint' && typeof addr === 'bigint' && typeof paddr === 'bigint' && addr === off && addr !== paddr + off;
      if (parentSpace === null || ownBase || overlaps(parentSpace, regs)) mine = n.path;
    }
    if (mine !== null) {
      spaceOfDev.set(n.path, mine);
      if (mine === n.path) starts.set(n.path, 0);
      mark(mine, own.get(n.path) ?? []);
    }
  }
  // minimum access size of each space, from the varBytes of its registers
  for (const n of snap.file.nodes) {
    if (!('varBytes' in n.props)) continue;
    const space = spaceOfDev.get(snap.parentPath(n) ?? '');
    if (space === undefined) continue;
    const list = ends.get(space) ?? ends.set(space, []).get(space)!;
    if (list.length >= 256) continue;
    const vb = prop0(n, 'varBytes');
    const bo = numList(prop0(n, 'bitOffset'));
    const bs = numList(prop0(n, 'bitSize'));
    if (typeof vb !== 'bigint' || !bo || !bs || bo.length === 0) continue;
    const nv = num(attr0(n, 'numValues'), 0);
    const end = nv === 0 ? bo[bo.length - 1] + bs[bs.length - 1] : bo[0] + (nv - 1) * num(attr0(n, 'valueStride'), 0) + num(attr0(n, 'valueBits'), 0);
    list.push({ endBit: end, varBytes: Number(vb) });
  }
  for (const space of starts.keys()) {
    const vars = ends.get(space) ?? [];
    const fits = (m: number) => vars.every((v) => v.varBytes === Math.ceil(v.endBit / (8 * m)) * m);
    starts.set(space, [4, 1, 2, 8, 16, 32, 64].find(fits) ?? 4);
  }
  spaceCache.set(snap, starts);
  return starts;
}

/** Builds the tree a snapshot records. The root is not started. */
export function buildTree(snap: Snapshot): SnapshotRoot {
  const report: BuildReport = { nodes: 0, props: [], warnings: [] };
  const ctx: Ctx = { snap, report, classes: new Map(), links: [], spaces: new Map(), builtinValues: [] };
  const r = snap.root;
  const rc = snap.classOf(r);
  if (kindOf(rc) !== 'root')
    throw new SnapshotError(`the snapshot's first node ${r.path} is not a pyrogue Root (its class ${rc.name} does not derive from pyrogue._Root.Root)`);
  const RootClass = makeClass(rc, 'root') as unknown as new (o: Record<string, unknown>) => SnapshotRoot;
  ctx.classes.set(r.class, RootClass);
  const builtin = (name: string) => recordedValue(snap.byPath.get(`${r.path}.${name}`)?.value);
  const rootOpts: Record<string, unknown> = { ...nodeOpts(r), pollEn: builtin('PollEn') === true };
  const rv = builtin('RogueVersion');
  const rd = builtin('RogueDirectory');
  if (typeof rv === 'string') rootOpts.rogueVersion = rv;
  if (typeof rd === 'string') rootOpts.rogueDirectory = rd;
  const root = new RootClass(rootOpts);
  root.snapshotReport = report;
  root.snapshotSpaces = ctx.spaces;
  root.snapshotBuiltinValues = ctx.builtinValues;
  states.set(root, { rec: r, fallback: null, overrides: null });
  report.nodes++;

  // depth first, in recorded order
  const stack: [SnapNode, Node][] = snap
    .children(r)
    .reverse()
    .map((c) => [c, root]);
  while (stack.length > 0) {
    const [n, parent] = stack.pop()!;
    const name = nameOf(n.path);
    let node = parent.nodes.get(name);
    if (node) adoptBuiltin(ctx, n, node);
    else {
      node = makeNode(ctx, n);
      parent.add(node);
    }
    states.set(node, { rec: n, fallback: null, overrides: null, held: n.value !== undefined ? recordedValue(n.value) : undefined });
    report.nodes++;
    const kids = snap.children(n);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], node]);
  }
  for (const [link, deps] of ctx.links) {
    for (const d of deps) {
      const dep = root.getNode(d);
      if (dep instanceof BaseVariable) link.addDependency(dep);
      else report.warnings.push(`${link.path}: dependency ${d} is not a variable of the tree`);
    }
  }
  // built-ins pyrogue-ts has that the snapshot does not
  const visit = (n: Node) => {
    for (const c of n.nodes.values()) {
      if (!states.has(c)) report.warnings.push(`${c.path}: pyrogue-ts has this node (a built-in), the snapshot does not`);
      else visit(c);
    }
  };
  visit(root);
  return root;
}

/** Volatile built-ins of the Root: live, never set from the snapshot. */
const LIVE_BUILTINS = new Set(['Time', 'LocalTime', 'SystemLog', 'SystemLogLast', 'RogueVersion', 'RogueDirectory']);

/** A recorded node pyrogue-ts already has (a Device's enable, the Root's built-ins): takes its recorded value. */
function adoptBuiltin(ctx: Ctx, n: SnapNode, node: Node): void {
  const c = ctx.snap.classOf(n);
  const ours = node.pyClass;
  if (ours.bases.join('\n') !== c.bases.join('\n'))
    ctx.report.warnings.push(`${n.path}: served as pyrogue-ts's built-in ${ours.str}, the snapshot's class is ${c.bases[0] ?? c.name}`);
  if (isLocal(node) && !LIVE_BUILTINS.has(nameOf(n.path)) && n.value !== undefined && !isError(n.value)) {
    const v = recordedValue(n.value);
    // set once the variables have their defaults (start sets each default again)
    if (v !== undefined && v !== null) ctx.builtinValues.push([node, v]);
  }
}

const isLocal = (n: Node): n is LocalVariable => n instanceof LocalVariable;

/** Gives the built-in variables their recorded values (SnapshotRoot, once its variables have their defaults). */
function setBuiltinValues(values: readonly [LocalVariable, PyValue][], report: BuildReport): void {
  for (const [node, v] of values) {
    try {
      node._pySet(v, { write: false });
    } catch (e) {
      report.warnings.push(`${node.path}: the recorded value cannot be set: ${e instanceof PyError ? e.wireText : String(e)}`);
    }
  }
}
