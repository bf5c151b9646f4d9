/**
 * The snapshot file (docs/snapshot.md): a whole served pyrogue tree as JSON,
 * versioned. Values are tagged JSON (src/py/tagged.ts), so a Python int stays
 * an int, a float a float, a tuple a tuple.
 *
 *   { "format": "pyrogue-ts-snapshot", "version": 1, ..., "classes": {...}, "nodes": [...] }
 *
 * `readSnapshot(text)` checks the shape and the version and gives a
 * `Snapshot`; `writeSnapshot(s)` is its JSON text (one node a line).
 */
import { fromTagged, type Tagged } from '../py/tagged';
import type { PyValue } from '../py/values';

export const SNAPSHOT_FORMAT = 'pyrogue-ts-snapshot';
export const SNAPSHOT_VERSION = 1;

/** A remote function's parameter names, as the node reduce gives them. */
export interface SnapFunc {
  args: string[];
  kwargs: string[];
}

/** What a node's Python class looks like to a client (its `__reduce__`): the same for every node of the class. */
export interface SnapClass {
  /** `type(node).__name__` (the reduce's 'class'). */
  name: string;
  /** `genBaseList(cls)`: str() of the class and its ancestors. */
  bases: string[];
  /** Exposed properties, in the reduce's order. */
  props: string[];
  /** Exposed functions, in the reduce's order. */
  funcs: Record<string, SnapFunc>;
}

/** An attribute read that the server refused: the exception as pyrogue's error reply names it ('module.Class: message'). */
export interface SnapError {
  error: string;
}

/** A recorded outcome: a value (tagged JSON) or an error. */
export type Recorded = Tagged | SnapError;

export interface SnapNode {
  /** Full dotted path ('Root.Demo.Int'); the name is its last element. */
  path: string;
  /** Key of the node's class in `classes`. */
  class: string;
  description: string;
  groups: string[];
  expand: boolean;
  guiGroup: string | null;
  /** False when the parent's reduce does not list the node (NoServe): a VirtualClient never sees it. Absent: true. */
  served?: boolean;
  /** Names of the children, in the parent's order (the `nodes` reply; NoServe ones included). Absent: none. */
  children?: string[];
  /** The exposed properties' values (every name of the class's props). */
  props: Record<string, Recorded>;
  /** Variables and commands: `value()` (or `get()` with --read) and its display string. */
  value?: Recorded;
  valueDisp?: Recorded;
  /** Attributes a client cannot list but a server must know to serve the node (see docs/snapshot.md). */
  attrs?: Record<string, Recorded>;
}

export interface SnapshotFile {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  /** ISO time the walk started. */
  created: string;
  /** 'host:port' walked. */
  server: string;
  /** Whether values were read from the hardware (`--read`) rather than the shadow values. */
  read: boolean;
  /** The program that wrote the file. */
  tool: string;
  /** Classes by key ('module.qualname' of the class). */
  classes: Record<string, SnapClass>;
  /** Every node, in tree order (depth first, each parent before its children). */
  nodes: SnapNode[];
}

/** A snapshot in memory: the file plus an index. */
export class Snapshot {
  readonly byPath = new Map<string, SnapNode>();
  constructor(readonly file: SnapshotFile) {
    for (const n of file.nodes) this.byPath.set(n.path, n);
  }
  get root(): SnapNode {
    return this.file.nodes[0];
  }
  classOf(n: SnapNode): SnapClass {
    const c = this.file.classes[n.class];
    if (!c) throw new SnapshotError(`node ${n.path}: class '${n.class}' is not in the snapshot's classes`);
    return c;
  }
  /** The children of a node, in order. */
  children(n: SnapNode): SnapNode[] {
    return (n.children ?? []).map((c) => {
      const x = this.byPath.get(`${n.path}.${c}`);
      if (!x) throw new SnapshotError(`node ${n.path}: child '${c}' is not in the snapshot`);
      return x;
    });
  }
  parentPath(n: SnapNode): string | null {
    const i = n.path.lastIndexOf('.');
    return i < 0 ? null : n.path.slice(0, i);
  }
}

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export function isError(r: Recorded | undefined): r is SnapError {
  return typeof r === 'object' && r !== null && !Array.isArray(r) && typeof (r as { error?: unknown }).error === 'string' && Object.keys(r).length === 1;
}

/** A recorded value as a Python value; undefined for an error or nothing recorded. */
export function recordedValue(r: Recorded | undefined): PyValue | undefined {
  if (r === undefined || isError(r)) return undefined;
  return fromTagged(r);
}

/** The name of a node (last element of its path). */
export function nameOf(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? path : path.slice(i + 1);
}

/** The module and name a class key or a `<class 'm.n'>` string stands for. */
export function splitClassStr(s: string): { module: string; qualname: string } {
  const m = /^<class '(.*)'>$/.exec(s);
  const q = m ? m[1] : s;
  const i = q.lastIndexOf('.');
  return i < 0 ? { module: 'builtins', qualname: q } : { module: q.slice(0, i), qualname: q.slice(i + 1) };
}

/** Parses and checks a snapshot file's text. */
export function readSnapshot(text: string, where = 'snapshot'): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(`${where} is not JSON: ${(e as Error).message}`);
  }
  const f = raw as Partial<SnapshotFile>;
  if (typeof f !== 'object' || f === null || f.format !== SNAPSHOT_FORMAT)
    throw new SnapshotError(`${where} is not a pyrogue-ts snapshot (no "format": "${SNAPSHOT_FORMAT}")`);
  if (f.version !== SNAPSHOT_VERSION)
    throw new SnapshotError(`${where} is snapshot format version ${String(f.version)}; this pyrogue-ts reads version ${SNAPSHOT_VERSION}`);
  if (typeof f.classes !== 'object' || f.classes === null || !Array.isArray(f.nodes) || f.nodes.length === 0)
    throw new SnapshotError(`${where} has no classes or no nodes`);
  for (const [k, c] of Object.entries(f.classes)) {
    if (typeof c?.name !== 'string' || !Array.isArray(c.bases) || !Array.isArray(c.props) || typeof c.funcs !== 'object')
      throw new SnapshotError(`${where}: class '${k}' lacks name, bases, props or funcs`);
  }
  const seen = new Set<string>();
  for (const n of f.nodes) {
    if (typeof n?.path !== 'string' || typeof n.class !== 'string' || !(n.class in f.classes))
      throw new SnapshotError(`${where}: a node lacks a path or a known class (${JSON.stringify(n?.path)})`);
    if (seen.has(n.path)) throw new SnapshotError(`${where}: node ${n.path} appears twice`);
    seen.add(n.path);
    if (typeof n.props !== 'object' || n.props === null) throw new SnapshotError(`${where}: node ${n.path} has no props`);
  }
  const s = new Snapshot(f as SnapshotFile);
  for (const n of f.nodes) s.children(n); // every child is there
  return s;
}

/** The file's JSON text: the header and the classes indented, then one node a line (diffs stay readable). */
export function writeSnapshot(f: SnapshotFile): string {
  const { nodes, classes, ...head } = f;
  const lines: string[] = ['{'];
  for (const [k, v] of Object.entries(head)) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  lines.push('  "classes": {');
  const ck = Object.keys(classes);
  ck.forEach((k, i) => lines.push(`    ${JSON.stringify(k)}: ${JSON.stringify(classes[k])}${i < ck.length - 1 ? ',' : ''}`));
  lines.push('  },');
  lines.push('  "nodes": [');
  nodes.forEach((n, i) => lines.push(`    ${JSON.stringify(n)}${i < nodes.length - 1 ? ',' : ''}`));
  lines.push('  ]');
  lines.push('}');
  return lines.join('\n') + '\n';
}
