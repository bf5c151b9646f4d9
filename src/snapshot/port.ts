/**
 * A snapshot as a TypeScript tree (`pyrogue-ts port tree.json -o my-tree.ts`):
 * readable source that compiles under strict settings and serves the tree
 * the snapshot records.
 *
 * - One class per Python device class (its `pyModule`/`pyName` keep the
 *   Python class's module and name, so clients see the same class), whose
 *   constructor adds the children as the first instance of the class had
 *   them; instances built differently (other children) get a class each
 *   (`Name_2`, same Python class). Python classes between it and pyrogue's
 *   (a chain of single inheritance) become empty classes in between.
 * - RemoteVariables with their layout and model (`models.<Name>(bits)`); the
 *   register contents are an image written into each memory space, read
 *   once when the root starts.
 * - LocalVariables with their values; a value an instance has that differs
 *   from its class's goes in a table applied after construction.
 * - What Python code did is marked `TODO(port)`: a command's function (a stub
 *   that returns None), a LinkVariable's linkedGet/linkedSet (it holds its
 *   recorded value), exposed properties and functions of Python classes
 *   that pyrogue-ts does not have.
 */
import { fromTagged, taggedKey } from '../py/tagged';
import { NdArray, NpScalar, PyDict, PyOrderedDict, PyTuple, typeName, type PyValue } from '../py/values';
import { Device } from '../tree/device';
import { EmulatedMemory } from '../tree/memory';
import * as models from '../tree/model';
import { classInfo, type PyMember } from '../tree/pyclass';
import { RemoteCommand, RemoteVariable } from '../tree/remote';
import { Root } from '../tree/root';
import { Process } from '../tree/process';
import { BaseCommand } from '../tree/command';
import { LinkVariable, LocalVariable } from '../tree/variable';
import { attr0, buildTree, deviceOffset, kindOf, minAccessOf, modelOf, prop0, startsSpace, type NodeKind } from './build';
import { isError, nameOf, recordedValue, splitClassStr, type SnapClass, type SnapNode, type Snapshot } from './format';

export interface PortResult {
  text: string;
  /** Classes written. */
  classes: number;
  /** Places marked TODO(port). */
  stubs: number;
}

/** Names the generated file imports or declares: a Python class of one of these names gets a suffix. */
const RESERVED = new Set([
  'Device',
  'Root',
  'Process',
  'Node',
  'LocalVariable',
  'LinkVariable',
  'RemoteVariable',
  'RemoteCommand',
  'LocalCommand',
  'BaseCommand',
  'EmulatedMemory',
  'NdArray',
  'NpDtype',
  'NpScalar',
  'PyDict',
  'PyOrderedDict',
  'PyTuple',
  'PyValue',
  'models',
  'prop',
  'func',
  'HeldLink',
  'createRoot',
  'fill',
  'setValues',
  'addDependencies',
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'Map',
  'Set',
  'Buffer',
  'Error',
  'Function',
  'Promise',
]);

const PYROGUE_BASE: Record<NodeKind, string> = {
  root: 'Root',
  process: 'Process',
  device: 'Device',
  remoteCommand: 'RemoteCommand',
  command: 'LocalCommand',
  remoteVariable: 'RemoteVariable',
  linkVariable: 'LinkVariable',
  localVariable: 'LocalVariable',
  node: 'Node',
};
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any tree class, for its Python metadata
const PYROGUE_CLASS: Record<NodeKind, Function> = {
  root: Root,
  process: Process,
  device: Device,
  remoteCommand: RemoteCommand,
  command: BaseCommand,
  remoteVariable: RemoteVariable,
  linkVariable: LinkVariable,
  localVariable: LocalVariable,
  node: Device,
};

/** Whether a recorded class is pyrogue's own class of its kind (same name, bases and members as pyrogue-ts's). */
function isPyrogueOwn(c: SnapClass, kind: NodeKind): boolean {
  const ours = classInfo(PYROGUE_CLASS[kind]);
  return (
    c.name === ours.name &&
    c.bases.join('\n') === ours.bases.join('\n') &&
    c.props.join() === ours.props.join() &&
    JSON.stringify(Object.keys(c.funcs)) === JSON.stringify(ours.funcs.map(([k]) => k))
  );
}

// ---------------------------------------------------------------------------
// Values as TypeScript

const ident = (s: string) => /^[A-Za-z_$][\w$]*$/.test(s);
const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

function num(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';
  const t = String(x);
  return /[.e]/.test(t) ? t : `${t}.0`;
}
function int(x: bigint, hex = false): string {
  if (hex && x >= 0n) return `0x${x.toString(16)}n`;
  return `${x}n`;
}

/** A Python value as a TypeScript expression (null when there is none: the caller marks it). */
export function lit(v: PyValue): string | null {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return int(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'string') return q(v);
  if (Array.isArray(v)) {
    const items = v.map(lit);
    return items.includes(null) ? null : `[${items.join(', ')}]`;
  }
  if (v instanceof PyTuple) {
    const items = v.items.map(lit);
    return items.includes(null) ? null : `new PyTuple([${items.join(', ')}])`;
  }
  if (v instanceof PyDict) {
    const items = [...v].map(([k, x]) => [lit(k), lit(x)]);
    if (items.some(([k, x]) => k === null || x === null)) return null;
    return `new ${v instanceof PyOrderedDict ? 'PyOrderedDict' : 'PyDict'}([${items.map(([k, x]) => `[${k}, ${x}]`).join(', ')}])`;
  }
  if (v instanceof Uint8Array) return `Uint8Array.from(Buffer.from('${Buffer.from(v).toString('hex')}', 'hex'))`;
  if (v instanceof NdArray) {
    const dt = `NpDtype.parse('${v.dtype.str}')`;
    if (!v.fortran && 'biuf'.includes(v.dtype.kind) && v.dtype.itemsize >= 4 - (v.dtype.kind === 'f' ? 0 : 3)) {
      const items = v.items().map(lit);
      if (!items.includes(null)) return `NdArray.from(${dt}, [${items.join(', ')}], [${v.shape.join(', ')}])`;
    }
    return `new NdArray(${dt}, [${v.shape.join(', ')}], Uint8Array.from(Buffer.from('${Buffer.from(v.data).toString('hex')}', 'hex'))${v.fortran ? ', true' : ''})`;
  }
  if (v instanceof NpScalar)
    return `new NpScalar(NpDtype.parse('${v.dtype.str}'), Uint8Array.from(Buffer.from('${Buffer.from(v.data).toString('hex')}', 'hex')))`;
  return null;
}

/** An enum as the `enum:` option (pairs). */
function enumLit(e: PyDict): string | null {
  const items = [...e].map(([k, x]) => [lit(k), lit(x)]);
  if (items.some(([k, x]) => k === null || x === null)) return null;
  return `[${items.map(([k, x]) => `[${k}, ${x}]`).join(', ')}]`;
}

function modelLit(m: models.Model): string {
  const make = (models as unknown as Record<string, unknown>)[m.className];
  return typeof make === 'function' && make.length >= 2 ? `models.${m.className}(${m.bitSize}, ${m.binPoint})` : `models.${m.className}(${m.bitSize})`;
}

// ---------------------------------------------------------------------------

interface ClassPlan {
  /** The TS class name. */
  ts: string;
  /** Key of the recorded class (or the `<class '…'>` of an intermediate one). */
  key: string;
  pyModule: string;
  pyName: string;
  kind: NodeKind;
  /** The TS class it extends ('Device' or a generated intermediate). */
  parent: string;
  /** The node the body is written from (devices), null for variable and intermediate classes. */
  rep: SnapNode | null;
  /** Body lines (devices). */
  body: string[];
  /** Extra members (custom props/funcs) lines. */
  members: string[];
  doc: string;
  /** True when the Python class is pyrogue's own (the TS class only holds the children): `pyAlias`. */
  alias?: boolean;
}

function planOf(ts: string, key: string, classStr: string, kind: NodeKind, parent: string, rep: SnapNode | null, members: string[], note = ''): ClassPlan {
  const { module, qualname } = splitClassStr(classStr);
  return {
    ts,
    key,
    pyModule: module,
    pyName: qualname,
    kind,
    parent,
    rep,
    body: [],
    members,
    doc: `/** <class '${module}.${qualname}'>${note ? ` ${note}` : ''} */`,
  };
}

class Writer {
  readonly used = new Set<string>();
  readonly classNames = new Set<string>();
  /** Recorded class key (+ structure) → plan. */
  readonly plans: ClassPlan[] = [];
  private readonly byKeyAndShape = new Map<string, ClassPlan>();
  /** Variable classes: recorded key → TS class name ('LocalVariable' for pyrogue's own). */
  private readonly varClass = new Map<string, string>();
  /** Intermediate classes by their `<class '…'>` string. */
  private readonly between = new Map<string, string>();
  /** [path, value] of values that differ from their class's body. */
  readonly values = new Map<string, string>();
  /** [path, dependencies]. */
  readonly deps: [string, string[]][] = [];
  /** Nodes whose values the table sets (relative paths). */
  constructor(readonly snap: Snapshot) {}

  todo(): string {
    return 'TODO(port)';
  }

  uniqueName(py: string): string {
    let base = ident(py) ? py : py.replace(/[^\w$]/g, '_');
    if (/^\d/.test(base)) base = `_${base}`;
    if (RESERVED.has(base)) base = `${base}_`;
    let name = base;
    for (let i = 2; this.classNames.has(name); i++) name = `${base}_${i}`;
    this.classNames.add(name);
    return name;
  }

  /**
   * The TS parent a recorded class extends: pyrogue's class for its kind,
   * with the Python classes between them (a chain) as empty classes.
   */
  parentOf(c: SnapClass, kind: NodeKind): string {
    const base = PYROGUE_BASE[kind];
    const ours = classInfo(PYROGUE_CLASS[kind]).bases;
    // bases = [the class, …between…, ours[0], ...ours.slice(1)]
    const at = c.bases.indexOf(ours[0]);
    if (at < 1) return base;
    const mid = c.bases.slice(1, at);
    let parent = base;
    for (let i = mid.length - 1; i >= 0; i--) {
      const s = mid[i];
      let name = this.between.get(s);
      if (!name) {
        const { module, qualname } = splitClassStr(s);
        name = this.uniqueName(qualname);
        this.between.set(s, name);
        this.plans.push(planOf(name, s, s, kind, parent, null, [], `(between ${c.name} and pyrogue's ${base}: no children of its own)`));
        void module;
        void qualname;
      }
      parent = name;
    }
    return parent;
  }

  /** Members a recorded class exposes that pyrogue-ts's class does not have: TODO stubs. */
  membersOf(c: SnapClass, kind: NodeKind, sample: SnapNode | null): string[] {
    const ours = classInfo(PYROGUE_CLASS[kind]);
    const have: ReadonlyMap<string, PyMember> = ours.members;
    const out: string[] = [];
    for (const p of c.props) {
      if (have.get(p)?.kind === 'prop') continue;
      const r = sample?.props[p];
      const v = r !== undefined && !isError(r) ? lit(fromTagged(r)) : null;
      out.push(`    // ${this.todo()}: Python property ${p} of ${c.name}; serves the value recorded on ${sample?.path ?? 'its first node'}`);
      out.push(`    ${ident(p) ? p : q(p)}: prop(() => ${v ?? 'null'}),`);
    }
    for (const [f, sig] of Object.entries(c.funcs)) {
      if (have.get(f)?.kind === 'func') continue;
      const params = sig.args.map((a) => `[${q(a)}, null]`).join(', ');
      const kw = sig.kwargs.map((a) => `[${q(a)}, null]`).join(', ');
      out.push(`    // ${this.todo()}: Python function ${f} of ${c.name}: write what it does`);
      out.push(`    ${ident(f) ? f : q(f)}: func(${q(`${c.name}.${f}`)}, [${params}], [${kw}], () => null),`);
    }
    return out;
  }

  /** The TS class of a variable or command node (pyrogue's own, or a generated subclass). */
  varClassOf(n: SnapNode): string {
    const c = this.snap.classOf(n);
    const kind = kindOf(c);
    const hit = this.varClass.get(n.class);
    if (hit) return hit;
    const base = PYROGUE_BASE[kind];
    const ours = classInfo(PYROGUE_CLASS[kind]);
    let name = base;
    if (c.bases.join('\n') !== ours.bases.join('\n') || c.name !== ours.name || this.membersOf(c, kind, null).length > 0) {
      name = this.uniqueName(c.name);
      const parent = this.parentOf(c, kind);
      this.plans.push(planOf(name, n.class, c.bases[0] ?? n.class, kind, parent, null, this.membersOf(c, kind, n)));
    }
    this.varClass.set(n.class, name);
    return name;
  }

  /** The TS class for a device node (made on first use; a class per structure). */
  deviceClassOf(n: SnapNode): string {
    const c = this.snap.classOf(n);
    const kind = kindOf(c);
    const shape = `${n.class}\n${this.bodyOf(n, false).join('\n')}`;
    const hit = this.byKeyAndShape.get(shape);
    if (hit) {
      this.collectValues(n, hit.rep!);
      return hit.ts;
    }
    const others = this.plans.filter((p) => p.key === n.class).length;
    const alias = isPyrogueOwn(c, kind);
    const name = this.uniqueName(alias ? nameOf(n.path).replace(/\[\d+\]/g, '') : c.name);
    const parent = this.parentOf(c, kind);
    const note = alias
      ? `(pyrogue's own class: this one only adds ${nameOf(n.path)}'s children)`
      : others > 0
        ? `(pyrogue built ${n.path} with other children than the first ${c.name}: a class of its own)`
        : '';
    const plan = planOf(name, n.class, c.bases[0] ?? n.class, kind, parent, n, this.membersOf(c, kind, n), note);
    plan.alias = alias;
    plan.body = this.bodyOf(n, true);
    this.plans.push(plan);
    this.byKeyAndShape.set(shape, plan);
    return name;
  }

  /** Values of `n`'s local variables that differ from those of `rep` (same structure): to the table. */
  collectValues(n: SnapNode, rep: SnapNode): void {
    for (const child of this.snap.children(n)) {
      const r = this.snap.byPath.get(`${rep.path}.${nameOf(child.path)}`);
      if (!r) continue;
      const kind = kindOf(this.snap.classOf(child));
      if ((kind === 'localVariable' || kind === 'linkVariable') && !this.builtin(child)) {
        if (JSON.stringify(child.value) !== JSON.stringify(r.value)) {
          const v = recordedValue(child.value);
          const l = v === undefined ? null : lit(v);
          if (l !== null) this.values.set(child.path, l);
        }
      }
    }
  }

  /** Children pyrogue-ts's classes make themselves (Device: enable, ReadDevice, WriteDevice; Root and Process: their built-ins). */
  builtin(n: SnapNode): boolean {
    const parent = this.snap.byPath.get(this.snap.parentPath(n) ?? '');
    if (!parent) return false;
    const kind = kindOf(this.snap.classOf(parent));
    const name = nameOf(n.path);
    if (['enable', 'ReadDevice', 'WriteDevice'].includes(name)) return true;
    if (kind === 'root' && BUILTIN_ROOT.has(name)) return true;
    if (kind === 'process' && BUILTIN_PROCESS.has(name)) return true;
    if (BUILTIN_CONFIG.has(name) && (parent.path.endsWith('.LoadConfigProcess') || parent.path.endsWith('.SaveConfigProcess'))) return true;
    return false;
  }

  /** The constructor body of a device: one `this.add(...)` per child it makes (not its built-ins). */
  bodyOf(n: SnapNode, withValues: boolean): string[] {
    const shapeOnly = !withValues;
    const out: string[] = [];
    const spaces: string[] = [];
    for (const child of this.snap.children(n)) {
      if (this.builtin(child)) continue;
      const c = this.snap.classOf(child);
      const kind = kindOf(c);
      const lines = this.childLines(child, kind, shapeOnly, spaces);
      out.push(...lines);
    }
    return [...spaces, ...out];
  }

  childLines(n: SnapNode, kind: NodeKind, shapeOnly: boolean, spaces: string[]): string[] {
    const name = nameOf(n.path);
    const o: string[] = [`name: ${q(name)}`];
    if (n.description) o.push(`description: ${q(n.description)}`);
    if (n.groups.length > 0) o.push(`groups: [${n.groups.map(q).join(', ')}]`);
    if (n.guiGroup !== null) o.push(`guiGroup: ${q(n.guiGroup)}`);
    const isDev = kind === 'device' || kind === 'process';
    if (isDev ? n.expand : !n.expand) o.push(`expand: ${String(n.expand)}`);
    switch (kind) {
      case 'device':
      case 'process': {
        const off = deviceOffset(this.snap, n);
        if (off !== 0n) o.push(`offset: ${int(off, true).slice(0, -1)}`);
        const en = this.snap.byPath.get(`${n.path}.enable`);
        if (en && recordedValue(en.value) === false) o.push('enabled: false');
        const out: string[] = [];
        if (startsSpace(this.snap, n)) {
          const v = `mem${spaces.length}`;
          spaces.push(`    const ${v} = new EmulatedMemory({ minAccess: ${minAccessOf(this.snap, n)} });`);
          o.push(`memBase: ${v}`);
        }
        const cls = this.deviceClassOf(n);
        out.push(`    this.add(new ${cls}({ ${o.join(', ')} }));`);
        return out;
      }
      case 'remoteVariable':
      case 'remoteCommand':
        return this.remoteLines(n, kind, o);
      case 'command':
        return this.commandLines(n, o, shapeOnly);
      case 'linkVariable':
        return this.linkLines(n, o, shapeOnly);
      case 'localVariable':
        return this.localLines(n, o, shapeOnly);
      case 'root':
      case 'node':
        return [`    // ${this.todo()}: ${n.path} (${this.snap.classOf(n).name}) is a pyrogue Node pyrogue-ts cannot make here`];
    }
  }

  /** disp/enum/units/limits/alarms/pollInterval/updateNotify options that differ from the defaults. */
  commonOpts(n: SnapNode, o: string[], defaults: { disp?: string | PyDict; min?: PyValue; max?: PyValue; boolEnum?: boolean } = {}): void {
    const mode = prop0(n, 'mode');
    const en = prop0(n, 'enum');
    const disp = prop0(n, 'disp');
    const same = (a: PyValue | undefined, b: PyValue | undefined) => a !== undefined && b !== undefined && taggedKey(a) === taggedKey(b);
    if (en instanceof PyDict) {
      const dflt = defaults.disp instanceof PyDict ? defaults.disp : defaults.boolEnum ? BOOL_ENUM : null;
      if (!(dflt && same(en, dflt))) {
        const e = enumLit(en);
        if (e !== null) o.push(`enum: ${e}`);
      }
    } else if (typeof disp === 'string' && disp !== (typeof defaults.disp === 'string' ? defaults.disp : '{}')) o.push(`disp: ${q(disp)}`);
    const units = prop0(n, 'units');
    if (typeof units === 'string') o.push(`units: ${q(units)}`);
    for (const [k, d] of [
      ['minimum', defaults.min ?? null],
      ['maximum', defaults.max ?? null],
      ['lowWarning', null],
      ['lowAlarm', null],
      ['highWarning', null],
      ['highAlarm', null],
    ] as const) {
      const v = prop0(n, k);
      if (v === undefined || v === null || same(v, d)) continue;
      const l = lit(v);
      if (l !== null) o.push(`${k}: ${l}`);
    }
    const poll = prop0(n, 'pollInterval');
    if (poll !== undefined && poll !== 0n && poll !== 0 && !(kindOf(this.snap.classOf(n)) === 'linkVariable')) {
      const l = lit(poll);
      if (l !== null) o.push(`pollInterval: ${l}`);
    }
    if (prop0(n, 'updateNotify') === false) o.push('updateNotify: false');
    void mode;
  }

  remoteLines(n: SnapNode, kind: NodeKind, o: string[]): string[] {
    const cls = this.varClassOf(n);
    let model: models.Model;
    try {
      model = modelOf(prop0(n, 'base'), n.path, n.props.base);
    } catch (e) {
      return [`    // ${this.todo()}: ${n.path}: ${(e as Error).message}`];
    }
    const mode = prop0(n, 'mode');
    if (kind === 'remoteVariable' && typeof mode === 'string' && mode !== 'RW') o.push(`mode: ${q(mode)}`);
    const off = prop0(n, 'offset');
    o.push(`offset: ${typeof off === 'bigint' ? int(off, true).slice(0, -1) : '0'}`);
    const bs = prop0(n, 'bitSize');
    const bo = prop0(n, 'bitOffset');
    const list = (v: PyValue | undefined) => (Array.isArray(v) ? (v.length === 1 ? String(v[0]) : `[${v.map(String).join(', ')}]`) : '0');
    const nv = Number(attr0(n, 'numValues') ?? 0n);
    o.push(`bitSize: ${list(bs)}`);
    if (list(bo) !== '0') o.push(`bitOffset: ${list(bo)}`);
    o.push(`base: ${modelLit(model)}`);
    if (nv > 0) o.push(`numValues: ${nv}`, `valueBits: ${Number(attr0(n, 'valueBits') ?? 0n)}`, `valueStride: ${Number(attr0(n, 'valueStride') ?? 0n)}`);
    this.commonOpts(n, o, { disp: model.defaultDisp, min: model.minValue(), max: model.maxValue() });
    if (prop0(n, 'overlapEn') === true) o.push('overlapEn: true');
    if (kind === 'remoteVariable' && prop0(n, 'verifyEn') === false) o.push('verify: false');
    if (kind === 'remoteVariable' && prop0(n, 'bulkEn') === false) o.push('bulkOpEn: false');
    const retry = Number(attr0(n, 'retryCount') ?? 0n);
    if (retry > 0) o.push(`retryCount: ${retry}`);
    const lines: string[] = [];
    if (kind === 'remoteCommand') {
      if (prop0(n, 'arg') === true) o.push('arg: true');
      const rt = prop0(n, 'retTypeStr');
      if (typeof rt === 'string') o.push(`retTypeStr: ${q(rt)}`);
      lines.push(`    // ${this.todo()}: the Python function of command ${nameOf(n.path)} (e.g. touch the register: ({ cmd }) => cmd.post(1n))`);
      o.push('function: () => null');
    }
    lines.push(`    this.add(new ${cls}({ ${o.join(', ')} }));`);
    return lines;
  }

  commandLines(n: SnapNode, o: string[], shapeOnly: boolean): string[] {
    const cls = this.varClassOf(n);
    const value = recordedValue(n.value);
    this.commonOpts(n, o);
    if (value !== undefined && value !== 0n && !shapeOnly) {
      const l = lit(value);
      if (l !== null) o.push(`value: ${l}`);
    }
    if (prop0(n, 'arg') === true) o.push('arg: true');
    const rt = prop0(n, 'retTypeStr');
    if (typeof rt === 'string') o.push(`retTypeStr: ${q(rt)}`);
    o.push('function: () => null');
    return [`    // ${this.todo()}: the Python function of command ${nameOf(n.path)}`, `    this.add(new ${cls}({ ${o.join(', ')} }));`];
  }

  linkLines(n: SnapNode, o: string[], shapeOnly: boolean): string[] {
    const mode = prop0(n, 'mode');
    if (typeof mode === 'string') o.push(`mode: ${q(mode)}`);
    this.commonOpts(n, o);
    const typeStr = prop0(n, 'typeStr');
    const value = recordedValue(n.value);
    if (typeof typeStr === 'string' && !(value !== undefined && value !== null && typeStr === typeName(value))) o.push(`typeStr: ${q(typeStr)}`);
    const l = value === undefined ? 'null' : lit(value);
    if (!shapeOnly) o.push(`value: ${l ?? 'null'}`);
    const cls = this.varClassOf(n);
    const line = cls === 'LinkVariable' ? `    this.add(new HeldLink({ ${o.join(', ')} }));` : `    this.add(new ${cls}({ ${o.join(', ')} }));`;
    this.used.add('HeldLink');
    return [`    // ${this.todo()}: ${nameOf(n.path)}'s Python linkedGet/linkedSet; it holds its recorded value`, line];
  }

  localLines(n: SnapNode, o: string[], shapeOnly: boolean): string[] {
    const cls = this.varClassOf(n);
    const mode = prop0(n, 'mode');
    if (typeof mode === 'string' && mode !== 'RW') o.push(`mode: ${q(mode)}`);
    const value = recordedValue(n.value);
    this.commonOpts(n, o, { boolEnum: typeof value === 'boolean' });
    const typeStr = prop0(n, 'typeStr');
    const natural =
      value instanceof NdArray
        ? `${value.dtype.name}(${value.shape.length === 1 ? `${value.shape[0]},` : value.shape.join(', ')})`
        : value === undefined || value === null
          ? null
          : typeName(value);
    if (typeof typeStr === 'string' && typeStr !== natural) o.push(`typeStr: ${q(typeStr)}`);
    if (attr0(n, '_typeCheck') === false) o.push('typeCheck: false');
    const lines: string[] = [];
    if (value === undefined || value === null) {
      lines.push(`    // ${this.todo()}: ${nameOf(n.path)} had no value (None): give it a localGet`);
      o.push('localGet: () => null');
    } else if (!shapeOnly) {
      const l = lit(value);
      if (l === null) {
        lines.push(`    // ${this.todo()}: ${nameOf(n.path)}'s value ${typeName(value)} cannot be written here`);
        o.push('value: null');
      } else o.push(`value: ${l}`);
    } else o.push(`value: ${typeName(value)}`);
    lines.push(`    this.add(new ${cls}({ ${o.join(', ')} }));`);
    return lines;
  }
}

const BOOL_ENUM = new PyDict([
  [false, 'False'],
  [true, 'True'],
]);
const BUILTIN_ROOT = new Set([
  'RogueVersion',
  'RogueDirectory',
  'SystemLog',
  'SystemLogLast',
  'ForceWrite',
  'InitAfterConfig',
  'Time',
  'LocalTime',
  'PollEn',
  'WriteAll',
  'ReadAll',
  'SaveState',
  'SaveConfig',
  'LoadConfig',
  'RemoteVariableDump',
  'RemoteConfigDump',
  'Initialize',
  'HardReset',
  'CountReset',
  'ClearLog',
  'SetYamlConfig',
  'GetYamlConfig',
  'GetYamlState',
  'LoadConfigProcess',
  'SaveConfigProcess',
]);
const BUILTIN_PROCESS = new Set(['Start', 'Stop', 'Running', 'Progress', 'Message', 'Step', 'TotalSteps', 'UpdatePeriod']);
const BUILTIN_CONFIG = new Set(['LoadMode', 'ConfigFile', 'YamlString', 'DataType', 'SaveMode']);

/** The register contents of each memory space, as [address, hex] runs without zeros. */
async function memoryImage(snap: Snapshot): Promise<Map<string, [number, string][]>> {
  const root = buildTree(snap);
  await root.start();
  await root.stop();
  const out = new Map<string, [number, string][]>();
  const ranges = new Map<EmulatedMemory, [number, number][]>();
  for (const n of root.descendants()) {
    if (!(n instanceof RemoteVariable || n instanceof RemoteCommand)) continue;
    const b = n._mem.block;
    if (!b || !(b.memory instanceof EmulatedMemory)) continue;
    const lo = b.address + n._mem.lowTranByte[0];
    const hi = b.address + n._mem.highTranByte[n._mem.highTranByte.length - 1];
    let r = ranges.get(b.memory);
    if (!r) ranges.set(b.memory, (r = []));
    r.push([lo, hi]);
  }
  for (const [path, mem] of root.snapshotSpaces) {
    const r = (ranges.get(mem) ?? []).sort((a, b) => a[0] - b[0]);
    const runs: [number, string][] = [];
    let cur: [number, number] | null = null;
    const flush = () => {
      if (!cur) return;
      const bytes = mem.peek(cur[0], cur[1] - cur[0] + 1);
      // runs of non-zero bytes, 32 at most a line
      let i = 0;
      while (i < bytes.length) {
        while (i < bytes.length && bytes[i] === 0) i++;
        if (i >= bytes.length) break;
        let j = i;
        while (j < bytes.length && j - i < 32 && !(bytes[j] === 0 && bytes[j + 1] === 0 && bytes[j + 2] === 0 && bytes[j + 3] === 0)) j++;
        runs.push([cur[0] + i, Buffer.from(bytes.subarray(i, j)).toString('hex')]);
        i = j;
      }
    };
    for (const [lo, hi] of r) {
      if (cur && lo <= cur[1] + 1) cur[1] = Math.max(cur[1], hi);
      else {
        flush();
        cur = [lo, hi];
      }
    }
    flush();
    if (runs.length > 0) out.set(path, runs);
  }
  return out;
}

/** The TypeScript source of a snapshot's tree. */
export async function portTree(snap: Snapshot, source = 'a snapshot'): Promise<PortResult> {
  const w = new Writer(snap);
  const r = snap.root;
  const rc = snap.classOf(r);
  const rootAlias = isPyrogueOwn(rc, 'root');
  const rootName = w.uniqueName(rootAlias ? `${r.path}Root` : rc.name);
  const rootParent = w.parentOf(rc, 'root');
  const rootPlan = planOf(
    rootName,
    r.class,
    rc.bases[0] ?? r.class,
    'root',
    rootParent,
    r,
    w.membersOf(rc, 'root', r),
    rootAlias ? "(pyrogue's own class)" : '',
  );
  rootPlan.alias = rootAlias;
  rootPlan.body = w.bodyOf(r, true);
  for (const n of snap.file.nodes) {
    if (w.builtin(n) || kindOf(snap.classOf(n)) !== 'linkVariable') continue;
    const deps = attr0(n, 'dependencies');
    if (Array.isArray(deps) && deps.length > 0) w.deps.push([n.path, deps.filter((d): d is string => typeof d === 'string')]);
  }
  const image = await memoryImage(snap);

  // values of the Root's and built-ins' variables that differ from pyrogue-ts's defaults
  const defaults = buildDefaults(snap);
  for (const n of snap.file.nodes) {
    if (!w.builtin(n)) continue;
    const d = defaults.get(n.path);
    if (d === undefined || n.value === undefined || isError(n.value)) continue;
    if (['Time', 'LocalTime', 'SystemLog', 'SystemLogLast', 'RogueDirectory', 'RogueVersion'].includes(nameOf(n.path)) && snap.parentPath(n) === r.path)
      continue;
    if (JSON.stringify(n.value) !== d && kindOf(snap.classOf(n)) === 'localVariable') {
      const l = lit(fromTagged(n.value));
      if (l !== null) w.values.set(n.path, l);
    }
  }

  const L: string[] = [];
  L.push('/**');
  L.push(` * Generated by \`pyrogue-ts port\` from ${source} of ${snap.file.server} (${snap.file.created}).`);
  L.push(' * `pyrogue-ts serve --tree ./<this file>.js` serves the tree it returns (compile it first).');
  L.push(' *');
  L.push(' * TODO(port) marks what the snapshot cannot carry, Python logic to write in TypeScript:');
  L.push(" * commands' functions (they do nothing), LinkVariables' linkedGet/linkedSet (they hold");
  L.push(' * their recorded values), properties and functions of Python classes pyrogue-ts does not have.');
  L.push(' * Register contents are written into each memory space and read once when the root starts.');
  L.push(' */');
  const imports = [
    'Device',
    'EmulatedMemory',
    'LinkVariable',
    'LocalCommand',
    'LocalVariable',
    'NdArray',
    'NpDtype',
    'NpScalar',
    'Process',
    'PyDict',
    'PyOrderedDict',
    'PyTuple',
    'RemoteCommand',
    'RemoteVariable',
    'Root',
    'func',
    'models',
    'prop',
  ];
  const body: string[] = [];

  const writeClass = (p: ClassPlan) => {
    body.push(p.doc);
    body.push(`export class ${p.ts} extends ${p.parent} {`);
    if (p.alias) body.push('  static pyAlias = true;');
    else {
      body.push(`  static override pyModule = ${q(p.pyModule)};`);
      if (p.pyName !== p.ts) body.push(`  static override pyName = ${q(p.pyName)};`);
    }
    if (p.members.length > 0) {
      body.push(`  static override pyMembers = {`);
      body.push(...p.members);
      body.push('  };');
    }
    if (p.rep !== null) {
      const optType = p.kind === 'root' ? 'RootOptions' : p.kind === 'process' ? 'ProcessOptions' : 'DeviceOptions';
      body.push('');
      body.push(`  constructor(opts: ${optType} = {}) {`);
      if (p.kind === 'root') {
        const o: string[] = [`name: ${q(r.path)}`];
        if (r.description) o.push(`description: ${q(r.description)}`);
        const pollEn = recordedValue(snap.byPath.get(`${r.path}.PollEn`)?.value);
        o.push(`pollEn: ${String(pollEn === true)}`);
        const rv = recordedValue(snap.byPath.get(`${r.path}.RogueVersion`)?.value);
        if (typeof rv === 'string' && rv !== 'v6.15.0') o.push(`rogueVersion: ${q(rv)}`);
        if (r.groups.length > 0) o.push(`groups: [${r.groups.map(q).join(', ')}]`);
        if (!r.expand) o.push('expand: false');
        body.push(`    super({ ${o.join(', ')}, ...opts });`);
      } else body.push(`    super({ name: ${q(nameOf(p.rep.path))}, ...opts });`);
      body.push(...p.body);
      body.push('  }');
      if (p.kind === 'root') {
        body.push('');
        body.push('  /**');
        body.push('   * Once the variables have their defaults: the values nodes had that differ from their');
        body.push("   * class's (VALUES), and each register read once (createRoot filled the memory).");
        body.push('   */');
        body.push('  protected override _beforeInterfaces(): void {');
        body.push('    super._beforeInterfaces();');
        if (w.values.size > 0) body.push('    setValues(this, VALUES);');
        body.push("    for (const n of this.descendants()) if (n instanceof RemoteVariable && n.mode !== 'WO') void n.get();");
        body.push('  }');
      }
    }
    body.push('}');
    body.push('');
  };

  // classes in dependency order: intermediates and variable classes first, devices before the classes using them
  const done = new Set<ClassPlan>();
  const order = (p: ClassPlan) => {
    if (done.has(p)) return;
    done.add(p);
    const parent = w.plans.find((x) => x.ts === p.parent);
    if (parent) order(parent);
    writeClass(p);
  };
  for (const p of [...w.plans]) order(p);
  const rootParentPlan = w.plans.find((x) => x.ts === rootParent);
  if (rootParentPlan) order(rootParentPlan);
  writeClass(rootPlan);

  const helpers: string[] = [];
  if (w.used.has('HeldLink')) {
    helpers.push(
      '/** A LinkVariable whose Python linkedGet/linkedSet is not ported: it holds a value (a set of a writable one stores it). */',
      'class HeldLink extends LinkVariable {',
      '  static pyAlias = true;',
      '  private readonly held: { value: PyValue };',
      "  constructor({ value, ...opts }: Omit<LinkVariableOptions, 'linkedGet' | 'linkedSet'> & { value: PyValue; minimum?: PyValue; maximum?: PyValue }) {",
      '    const held = { value };',
      '    // (the value is held, not a default: a default would be set through linkedSet at start)',
      "    super({ ...opts, linkedGet: () => held.value, linkedSet: opts.mode === 'RO' ? null : (a) => void (held.value = a.value) });",
      '    this.held = held;',
      '  }',
      '  /** Makes it hold another value. */',
      '  hold(value: PyValue): void {',
      '    this.held.value = value;',
      '  }',
      '}',
      '',
    );
  }
  const create: string[] = [];
  const tables: string[] = [];
  create.push(`/** The tree. \`pyrogue-ts serve --tree ./<this file>.js\` serves what this returns. */`);
  create.push(`export default function createRoot(): ${rootName} {`);
  create.push(`  const root = new ${rootName}();`);
  if (image.size > 0) {
    helpers.push(
      '/** Writes [address, hex bytes] runs into the memory space of the device at `path`. */',
      'function fill(root: Root, path: string, image: [number, string][]): void {',
      '  const dev = root.getNode(path, Device);',
      '  const mem = dev?.memBase;',
      '  if (!(mem instanceof EmulatedMemory)) throw new Error(`${path} has no EmulatedMemory`);',
      "  for (const [address, hex] of image) mem.poke(address, Uint8Array.from(Buffer.from(hex, 'hex')));",
      '}',
      '',
    );
    for (const [path, runs] of image) {
      create.push(`  fill(root, ${q(path)}, [`);
      for (const [a, h] of runs) create.push(`    [0x${a.toString(16)}, '${h}'],`);
      create.push('  ]);');
    }
  }
  if (w.values.size > 0) {
    helpers.push(
      '/** Gives variables the values their instance had (where it differs from its class). */',
      'function setValues(root: Root, values: [string, PyValue][]): void {',
      '  for (const [path, value] of values) {',
      '    const v = root.getNode(path);',
      ...(w.used.has('HeldLink')
        ? ['    if (v instanceof HeldLink) v.hold(value);', '    else if (v instanceof LocalVariable) v.set(value, { write: false });']
        : ['    if (v instanceof LocalVariable) v.set(value, { write: false });']),
      '  }',
      '}',
      '',
    );
    tables.push('/** Values of nodes that differ from those their class gives (set when the root starts). */');
    tables.push('const VALUES: [string, PyValue][] = [');
    for (const [p, l] of w.values) tables.push(`  [${q(p)}, ${l}],`);
    tables.push('];', '');
  }
  if (w.deps.length > 0) {
    helpers.push(
      '/** Links each LinkVariable to the variables it depends on (its updates follow theirs). */',
      'function addDependencies(root: Root, links: [string, string[]][]): void {',
      '  for (const [path, deps] of links) {',
      '    const link = root.getNode(path, LinkVariable);',
      '    for (const d of deps) link?.addDependency(root.getNode(d, BaseVariable)!);',
      '  }',
      '}',
      '',
    );
    create.push('  addDependencies(root, [');
    for (const [p, d] of w.deps) create.push(`    [${q(p)}, [${d.map(q).join(', ')}]],`);
    create.push('  ]);');
  }
  create.push('  return root;');
  create.push('}');

  const text = [...L, ...importLines(imports, [...body, ...helpers, ...tables, ...create].join('\n')), '', ...helpers, ...body, ...tables, ...create, ''].join(
    '\n',
  );
  return { text, classes: w.plans.length + 1, stubs: (text.match(/TODO\(port\)/g) ?? []).length - 1 };
}

/** The import lines, with only the names the code uses. */
function importLines(names: string[], code: string): string[] {
  const uses = (n: string) => new RegExp(`\\b${n}\\b`).test(code);
  const values = [...names, 'BaseVariable'].filter(uses).sort();
  const types = ['DeviceOptions', 'LinkVariableOptions', 'ProcessOptions', 'PyValue', 'RootOptions'].filter(uses);
  const out = [`import { ${values.join(', ')} } from 'pyrogue-ts';`];
  if (types.length > 0) out.push(`import type { ${types.join(', ')} } from 'pyrogue-ts';`);
  return out;
}

/** The value each built-in node has in pyrogue-ts (tagged JSON text), to write only recorded values that differ. */
function buildDefaults(snap: Snapshot): Map<string, string> {
  const out = new Map<string, string>();
  const root = new Root({ name: snap.root.path });
  const visit = (n: import('../tree/node').Node) => {
    for (const c of n.nodes.values()) {
      if (c instanceof LocalVariable) {
        try {
          out.set(c.path, JSON.stringify(toTaggedSafe(c.value())));
        } catch {
          /* no value */
        }
      }
      visit(c);
    }
  };
  visit(root);
  for (const n of snap.file.nodes) {
    const k = kindOf(snap.classOf(n));
    if (k !== 'device' && k !== 'process') continue;
    for (const name of ['enable']) out.set(`${n.path}.${name}`, 'true');
  }
  return out;
}

function toTaggedSafe(v: PyValue): unknown {
  return JSON.parse(taggedKey(v)) as unknown;
}
