/**
 * Two served trees compared node by node (`pyrogue-ts compare A B`): each
 * server is walked as for a snapshot (src/snapshot/walk.ts), then the two
 * walks are compared: the nodes present, each node's class (name, bases,
 * props, funcs), description, groups, expand, guiGroup, whether it is
 * served, its children's order, every exposed property's value, a
 * variable's value and display string, and the attributes a server needs
 * (a list register's numValues, valueBits, valueStride; a LinkVariable's dependencies).
 *
 * Paths are compared below the root, so two roots of different names are one
 * difference, not one per node.
 *
 * Volatile values (docs/snapshot.md): the value and display string of
 * `Time`, `LocalTime`, `SystemLog`, `SystemLogLast` and `RogueDirectory` of
 * the Root change run to run (a clock, a log, an install folder): they are
 * compared by Python type only; every other field of those nodes is compared
 * exactly. `volatile` adds paths to that rule.
 *
 * With `writes`, the same register writes go to both servers (each RW
 * RemoteVariable in tree order: set to a test value, then read back from the
 * hardware), then every RemoteVariable is read back; the outcomes are
 * compared, and the original values are written back at the end.
 */
import { PipelinedChannel } from '../client/pipeline';
import { RemoteError } from '../client/errors';
import { RemoteVariableValue } from '../client/values';
import { fromTagged, toTagged } from '../py/tagged';
import { NdArray, NpDtype, PyDict, PyObject, typeName, type PyValue } from '../py/values';
import { isError, recordedValue, Snapshot, type Recorded, type SnapClass, type SnapNode, type SnapshotFile } from './format';
import { walkServer, type Requester, type WalkProgress } from './walk';

/** One difference between the two servers. */
export interface Difference {
  /** The node's path on server A (B's for a node only B has). */
  path: string;
  /** What differs: 'node', 'class', 'bases', 'props', 'funcs', 'description', 'prop units', 'value', 'write'… */
  what: string;
  /** A's side and B's side, as text ('-' when absent). */
  a: string;
  b: string;
}

export interface CompareCounts {
  nodes: number;
  props: number;
  values: number;
  writes: number;
}

export interface CompareResult {
  a: string;
  b: string;
  identical: boolean;
  compared: CompareCounts;
  differences: Difference[];
  /** Nodes that could not get a test value for --writes (their models), by path. */
  skippedWrites: string[];
}

export interface CompareOptions {
  /** Paths (of A) whose value and display string are compared by type only, besides the Root's volatile built-ins. */
  volatile?: readonly string[];
}

/** The Root's built-ins whose values change run to run. */
export const VOLATILE_BUILTINS = ['Time', 'LocalTime', 'SystemLog', 'SystemLogLast', 'RogueDirectory'];

/** A recorded outcome as text for a person. */
export function show(r: Recorded | undefined): string {
  if (r === undefined) return '-';
  if (isError(r)) return `raises ${r.error}`;
  return JSON.stringify(r);
}

const rel = (root: string, path: string) => (path === root ? '' : path.slice(root.length + 1));
const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);

/** The Python type of a recorded value ('float', 'str', 'error'...), for volatile values. */
function typeOf(r: Recorded | undefined): string {
  if (r === undefined) return '-';
  if (isError(r)) return 'error';
  return typeName(fromTagged(r));
}

/** Compares two walks. */
export function compareSnapshots(fa: SnapshotFile, fb: SnapshotFile, opts: CompareOptions = {}): CompareResult {
  const A = new Snapshot(fa);
  const B = new Snapshot(fb);
  const ra = A.root.path;
  const rb = B.root.path;
  const diffs: Difference[] = [];
  const counts: CompareCounts = { nodes: 0, props: 0, values: 0, writes: 0 };
  const add = (path: string, what: string, a: string, b: string) => diffs.push({ path, what, a, b });
  if (ra !== rb) add(ra, 'root name', ra, rb);
  const bByRel = new Map<string, SnapNode>();
  for (const n of fb.nodes) bByRel.set(rel(rb, n.path), n);
  const volatile = new Set([...VOLATILE_BUILTINS, ...(opts.volatile ?? []).map((p) => rel(ra, p.replace(/^root\b/, ra)))]);

  const aRels = new Set<string>();
  let missingUnder: string | null = null;
  for (const na of fa.nodes) {
    const r = rel(ra, na.path);
    aRels.add(r);
    const nb = bByRel.get(r);
    if (!nb) {
      if (missingUnder !== null && r.startsWith(missingUnder + '.')) continue;
      missingUnder = r;
      add(na.path, 'node', 'present', 'absent');
      continue;
    }
    counts.nodes++;
    compareClass(na, A.classOf(na), B.classOf(nb), add);
    for (const k of ['description', 'expand', 'guiGroup'] as const) if (!same(na[k], nb[k])) add(na.path, k, JSON.stringify(na[k]), JSON.stringify(nb[k]));
    if (!same(na.groups, nb.groups)) add(na.path, 'groups', JSON.stringify(na.groups), JSON.stringify(nb.groups));
    if ((na.served ?? true) !== (nb.served ?? true)) add(na.path, 'served', String(na.served ?? true), String(nb.served ?? true));
    const ca = na.children ?? [];
    const cb = nb.children ?? [];
    if (!same(ca, cb) && ca.length === cb.length && ca.every((c) => cb.includes(c))) add(na.path, 'children order', ca.join(', '), cb.join(', '));
    for (const p of new Set([...Object.keys(na.props), ...Object.keys(nb.props)])) {
      counts.props++;
      if (!same(na.props[p], nb.props[p])) add(na.path, `prop ${p}`, show(na.props[p]), show(nb.props[p]));
    }
    for (const k of ['numValues', 'valueBits', 'valueStride', 'dependencies']) {
      const x = na.attrs?.[k];
      const y = nb.attrs?.[k];
      const norm = (v: Recorded | undefined) => (k === 'dependencies' && Array.isArray(v) ? v.map((d) => (typeof d === 'string' ? rel(ra, d) : d)) : v);
      const yb = k === 'dependencies' && Array.isArray(y) ? y.map((d) => (typeof d === 'string' ? rel(rb, d) : d)) : y;
      // (an attribute one server does not answer is no difference: clients never ask for these)
      if (x !== undefined && y !== undefined && !same(norm(x), yb)) add(na.path, `attr ${k}`, show(x), show(y));
    }
    if (na.value !== undefined || nb.value !== undefined) {
      counts.values++;
      if (volatile.has(r)) {
        for (const k of ['value', 'valueDisp'] as const)
          if (typeOf(na[k]) !== typeOf(nb[k])) add(na.path, `${k} type (volatile)`, typeOf(na[k]), typeOf(nb[k]));
      } else {
        if (!same(na.value, nb.value)) add(na.path, 'value', show(na.value), show(nb.value));
        if (!same(na.valueDisp, nb.valueDisp)) add(na.path, 'valueDisp', show(na.valueDisp), show(nb.valueDisp));
      }
    }
  }
  let extraUnder: string | null = null;
  for (const nb of fb.nodes) {
    const r = rel(rb, nb.path);
    if (aRels.has(r)) continue;
    if (extraUnder !== null && r.startsWith(extraUnder + '.')) continue;
    extraUnder = r;
    add(nb.path, 'node', 'absent', 'present');
  }
  return { a: fa.server, b: fb.server, identical: diffs.length === 0, compared: counts, differences: diffs, skippedWrites: [] };
}

function compareClass(n: SnapNode, a: SnapClass, b: SnapClass, add: (path: string, what: string, a: string, b: string) => void): void {
  if (a.name !== b.name) add(n.path, 'class', a.name, b.name);
  if (!same(a.bases, b.bases)) add(n.path, 'bases', a.bases.join(' '), b.bases.join(' '));
  if (!same(a.props, b.props)) add(n.path, 'props', listDiff(a.props, b.props), listDiff(b.props, a.props));
  if (!same(a.funcs, b.funcs)) {
    const fa = Object.keys(a.funcs);
    const fb = Object.keys(b.funcs);
    if (!same(fa, fb)) add(n.path, 'funcs', listDiff(fa, fb), listDiff(fb, fa));
    for (const f of fa) if (f in b.funcs && !same(a.funcs[f], b.funcs[f])) add(n.path, `func ${f}`, JSON.stringify(a.funcs[f]), JSON.stringify(b.funcs[f]));
  }
}

/** What a list has that the other lacks (or the whole list when only the order differs). */
function listDiff(x: readonly string[], y: readonly string[]): string {
  const only = x.filter((v) => !y.includes(v));
  return only.length > 0 ? `has ${only.join(', ')}` : x.join(', ');
}

// ---------------------------------------------------------------------------
// --writes

const REMOTE_VARIABLE = "<class 'pyrogue._Variable.RemoteVariable'>";
const BASE_COMMAND = "<class 'pyrogue._Command.BaseCommand'>";

/**
 * The value written to a RemoteVariable to test it: an enum entry other than
 * the current one, the other bool, a bit pattern in an int's range (min/max
 * respected), 1.5 (or -2.5) for a float, a short text, a pattern array for a
 * list variable. Undefined when there is none (a model of unknown type).
 */
export function testValue(n: SnapNode): PyValue | undefined {
  const cur = recordedValue(n.value);
  const en = recordedValue(n.props.enum);
  if (en instanceof PyDict && en.size > 0) {
    for (const k of en.keys()) if (toKey(k) !== toKey(cur ?? null)) return k;
    return [...en.keys()][0];
  }
  const base = recordedValue(n.props.base);
  const st = base instanceof PyObject && base.state instanceof PyDict ? base.state : null;
  const bits = Number(st?.get('bitSize') ?? 32n);
  const model = base instanceof PyObject ? base.cls.name : '';
  if (cur instanceof NdArray) {
    const items: PyValue[] = [];
    for (let i = 0; i < cur.size; i++) items.push(arrayItem(cur.dtype, bits, i));
    return NdArray.from(cur.dtype, items, cur.shape);
  }
  if (typeof cur === 'boolean' || model === 'Bool') return !(cur === true);
  if (typeof cur === 'string' || model === 'String') return 'pyrogue-ts'.slice(0, Math.max(0, Math.floor(bits / 8) - 1));
  if (typeof cur === 'number') return cur === 1.5 ? -2.5 : 1.5;
  if (typeof cur === 'bigint' || /^U?Int/.test(model)) {
    const signed = model.startsWith('Int');
    const min = recordedValue(n.props.minimum);
    const max = recordedValue(n.props.maximum);
    const lo = typeof min === 'bigint' ? min : signed ? -(1n << BigInt(bits - 1)) : 0n;
    const hi = typeof max === 'bigint' ? max : signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
    if (hi < lo) return undefined;
    const span = hi - lo + 1n;
    const pattern = BigInt('0x' + 'a5'.repeat(Math.ceil(bits / 8) + 1));
    let v = lo + (pattern % span);
    if (v === cur) v = lo + ((pattern ^ ((1n << BigInt(bits)) - 1n)) % span);
    if (v === cur) v = v === hi ? lo : v + 1n;
    return v;
  }
  return undefined;
}

function arrayItem(dt: NpDtype, bits: number, i: number): PyValue {
  if (dt.kind === 'b') return i % 2 === 1;
  if (dt.kind === 'f') return i + 0.5;
  const mask = bits >= 1 && bits < 64 ? (1n << BigInt(bits)) - 1n : (1n << BigInt(dt.itemsize * 8)) - 1n;
  const v = BigInt(i * 37 + 5) & mask;
  return dt.kind === 'i' ? BigInt.asIntN(Math.min(bits, dt.itemsize * 8), v) : v;
}

function toKey(v: PyValue): string {
  try {
    return JSON.stringify(toTagged(v));
  } catch {
    return String(v);
  }
}

/** An outcome as recorded (value or error). */
async function outcome(p: Promise<PyValue>): Promise<Recorded> {
  try {
    const v = await p;
    if (v instanceof RemoteVariableValue) return { tuple: [toTagged(v.value), toTagged(v.valueDisp)] };
    return toTagged(v);
  } catch (e) {
    if (e instanceof RemoteError) return { error: e.wireText };
    throw e;
  }
}

interface WriteStep {
  path: string;
  what: string;
  value?: PyValue;
}

/** Runs the write steps on one server (pipelined: the server answers one client's requests in order). */
async function runWrites(ch: Requester, steps: readonly WriteStep[]): Promise<Recorded[]> {
  return Promise.all(
    steps.map((s) =>
      outcome(s.what === 'set' || s.what === 'restore' ? ch.request(s.path, 'set', [s.value ?? null]) : ch.request(s.path, 'getVariableValue', [true])),
    ),
  );
}

/** The register writes of --writes, compared. */
export async function compareWrites(ca: Requester, cb: Requester, fa: SnapshotFile, fb: SnapshotFile, result: CompareResult): Promise<void> {
  const A = new Snapshot(fa);
  const rb = fb.nodes[0].path;
  const ra = A.root.path;
  const inB = new Set(fb.nodes.map((n) => rel(rb, n.path)));
  const targets: { n: SnapNode; value: PyValue }[] = [];
  const all: SnapNode[] = [];
  for (const n of fa.nodes) {
    const c = A.classOf(n);
    if (!c.bases.includes(REMOTE_VARIABLE) || c.bases.includes(BASE_COMMAND) || !inB.has(rel(ra, n.path))) continue;
    all.push(n);
    if (recordedValue(n.props.mode) !== 'RW') continue;
    const v = testValue(n);
    if (v === undefined) result.skippedWrites.push(n.path);
    else targets.push({ n, value: v });
  }
  const steps = (root: string): WriteStep[] => {
    const p = (n: SnapNode) => (root === ra ? n.path : `${root}.${rel(ra, n.path)}`);
    const out: WriteStep[] = [];
    for (const t of targets) out.push({ path: p(t.n), what: 'set', value: t.value }, { path: p(t.n), what: 'readback' });
    for (const n of all) out.push({ path: p(n), what: 'read' });
    for (const t of targets) {
      const orig = recordedValue(t.n.value);
      if (orig !== undefined && orig !== null) out.push({ path: p(t.n), what: 'restore', value: orig });
    }
    return out;
  };
  const sa = steps(ra);
  const sb = steps(rb);
  const [oa, ob] = await Promise.all([runWrites(ca, sa), runWrites(cb, sb)]);
  for (let i = 0; i < sa.length; i++) {
    const s = sa[i];
    if (s.what !== 'restore') result.compared.writes++;
    if (same(oa[i], ob[i])) continue;
    const what =
      s.what === 'set'
        ? `write ${show(toTagged(s.value ?? null))}`
        : s.what === 'readback'
          ? 'read back after its write'
          : s.what === 'read'
            ? 'read after all writes'
            : 'restore';
    result.differences.push({ path: s.path, what, a: show(oa[i]), b: show(ob[i]) });
  }
  result.identical = result.differences.length === 0;
}

export interface CompareServersOptions extends CompareOptions {
  writes?: boolean;
  timeout?: number;
  onProgress?: (side: 'a' | 'b', p: WalkProgress) => void;
}

/** Walks both servers (at once) and compares them; with `writes`, then the register writes. */
export async function compareServers(
  a: { addr: string; port: number },
  b: { addr: string; port: number },
  opts: CompareServersOptions = {},
): Promise<CompareResult> {
  const [fa, fb] = await Promise.all([
    walkServer({ ...a, allProps: true, timeout: opts.timeout, onProgress: opts.onProgress && ((p) => opts.onProgress!('a', p)) }),
    walkServer({ ...b, allProps: true, timeout: opts.timeout, onProgress: opts.onProgress && ((p) => opts.onProgress!('b', p)) }),
  ]);
  const result = compareSnapshots(fa, fb, opts);
  if (opts.writes) {
    const ca = new PipelinedChannel(a.addr, a.port, { timeout: opts.timeout });
    const cb = new PipelinedChannel(b.addr, b.port, { timeout: opts.timeout });
    try {
      await compareWrites(ca, cb, fa, fb, result);
    } finally {
      ca.close();
      cb.close();
    }
  }
  return result;
}

/** The summary line. */
export function summary(r: CompareResult): string {
  const c = r.compared;
  const what = `${c.nodes} nodes, ${c.props} props, ${c.values} values${c.writes > 0 ? `, ${c.writes} writes and reads` : ''} compared`;
  if (r.identical) return `identical: ${r.a} and ${r.b} (${what})`;
  const nodes = new Set(r.differences.map((d) => d.path)).size;
  return `different: ${r.differences.length} difference${r.differences.length === 1 ? '' : 's'} in ${nodes} node${nodes === 1 ? '' : 's'} between ${r.a} and ${r.b} (${what})`;
}

/** One line per difference. */
export function differenceLine(d: Difference): string {
  return `${d.path}: ${d.what}: ${d.a} (A) vs ${d.b} (B)`;
}
