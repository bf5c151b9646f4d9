/**
 * Python class metadata for tree nodes: what pyrogue computes with
 * `genBaseList(cls)` (bases), `inspect.getmembers` + `@pr.expose` (props,
 * funcs), and what `getattr(node, name)` finds.
 *
 * Every tree class (a TypeScript class extending Node) may declare, as OWN
 * static properties (never inherited):
 *
 *   static override pyModule = 'pyrogue._Variable';   // the Python module ('__main__' when absent)
 *   static override pyName = 'LocalVariable';         // the Python class name (defaults to the JS class name)
 *   static override pyExtraBases = [Hub];             // Python bases besides the TS parent (C++ or other
 *                                                     //   PyClassRef/tree classes), in Python base order
 *   static override pyMembers = { ... };              // attributes defined by THIS class (see PyMember)
 *
 * The metadata is computed once per class (cached) by `classInfo(cls)`.
 */
import { PyDict, PyValue } from '../py/values';
import type { PySignature } from '../py/signature';

/** An attribute of a Python class as this layer models it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table serves every node class: the receiver type is per class
export type PyMember<T = any> =
  | {
      kind: 'prop';
      /** true when decorated with @pr.expose (listed in `props`) */
      exposed: boolean;
      get: (self: T) => PyValue;
    }
  | {
      kind: 'func';
      /** true when decorated with @pr.expose (listed in `funcs`) */
      exposed: boolean;
      /** Python signature; `qualname` is 'DefiningClass.method' as CPython reports it */
      sig: PySignature;
      /** Called with the bound arguments (bindArgs result: name → value, defaults applied). May be async. */
      call: (self: T, a: ReadonlyMap<string, PyValue>) => PyValue | Promise<PyValue>;
    };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table serves every node class: the receiver type is per class
export type PyMembers<T = any> = Record<string, PyMember<T>>;

/** A Python class that is not a TypeScript class here (C++ bases such as rogue.interfaces.memory.Hub). */
export class PyClassRef {
  constructor(
    public readonly module: string,
    public readonly name: string,
    public readonly bases: readonly PyBase[] = [],
    public readonly members: PyMembers = {},
  ) {}
  get str(): string {
    return `<class '${this.module}.${this.name}'>`;
  }
}

/** A tree class constructor (anything with the static py* fields) or a PyClassRef. */
export type PyBase = PyClassRef | TreeClass;

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any class constructor, whatever its parameters
export type TreeClass = Function & {
  pyModule?: string;
  pyName?: string;
  pyExtraBases?: readonly PyBase[];
  pyMembers?: PyMembers;
  /** true on classes that are not distinct Python classes (e.g. aliases); they are skipped. */
  pyAlias?: boolean;
  /** Metadata given at run time (see `PyClassSpec`, `pyClassFromSpec`): replaces what the class chain computes. */
  pyClassSpec?: PyClassSpec;
};

/**
 * A Python class described by what a client sees of it (e.g. read from a
 * snapshot of another server) rather than computed from the TS class chain:
 * `bases` is genBaseList's list as given (`bases[0]` names the class itself),
 * `props`/`funcs` are the exposed names as given, in order. Behaviour comes
 * from the TS class it extends (its members along its chain), with
 * `members` added or replacing them.
 */
export interface PyClassSpec {
  /** `type(node).__name__`. */
  name: string;
  bases: readonly string[];
  props: readonly string[];
  funcs: readonly (readonly [string, PyFuncInfo])[];
  members?: PyMembers;
}

/** C++ classes pyrogue's Device/Root derive from. */
export const BOOST_INSTANCE = new PyClassRef('Boost.Python', 'instance');
export const RIM_MASTER = new PyClassRef('rogue.interfaces.memory', 'Master', [BOOST_INSTANCE]);
export const RIM_SLAVE = new PyClassRef('rogue.interfaces.memory', 'Slave', [BOOST_INSTANCE]);
export const RIM_HUB = new PyClassRef('rogue.interfaces.memory', 'Hub', [RIM_MASTER, RIM_SLAVE]);
export const RIM_VARIABLE = new PyClassRef('rogue.interfaces.memory', 'Variable', [BOOST_INSTANCE]);

export interface PyFuncInfo {
  args: string[];
  kwargs: string[];
}

export interface PyClassInfo {
  /** `type(node).__name__` */
  name: string;
  module: string;
  /** `str(cls)` */
  str: string;
  /** genBaseList(cls) */
  bases: string[];
  /** sorted exposed property names */
  props: string[];
  /** exposed callables, sorted by name */
  funcs: [string, PyFuncInfo][];
  /** every attribute (exposed or not) resolved along the MRO */
  members: Map<string, PyMember>;
  /** the `funcs` dict as pickled (PyDict name → PyDict{args, kwargs}), built once */
  funcsDict: PyDict;
  /** callable name → Python module of the class defining it (CPython names it so in call errors) */
  funcModules: Map<string, string>;
}

const own = <K extends keyof TreeClass>(cls: TreeClass, key: K): TreeClass[K] | undefined =>
  Object.prototype.hasOwnProperty.call(cls, key) ? cls[key] : undefined;

function isTreeClass(b: unknown): b is TreeClass {
  return typeof b === 'function';
}

/** The TS parent class that is a Python class (skipping aliases); null at the top (Node). */
function tsParent(cls: TreeClass): TreeClass | null {
  let p = Object.getPrototypeOf(cls) as TreeClass | null;
  while (p && p !== Function.prototype && typeof p === 'function') {
    if (!own(p, 'pyAlias')) return p;
    p = Object.getPrototypeOf(p) as TreeClass | null;
  }
  return null;
}

/** The class that stands for `cls` in Python (aliases resolve to their parent). */
export function pyClassOf(cls: TreeClass): TreeClass {
  let c: TreeClass | null = cls;
  while (c && own(c, 'pyAlias')) c = Object.getPrototypeOf(c) as TreeClass;
  return c ?? cls;
}

function directBases(cls: PyBase): PyBase[] {
  if (cls instanceof PyClassRef) return [...cls.bases];
  const out: PyBase[] = [];
  const p = tsParent(cls);
  if (p) out.push(p);
  const extra = own(cls, 'pyExtraBases');
  if (extra) out.push(...extra);
  return out;
}

function classStr(cls: PyBase): string {
  if (cls instanceof PyClassRef) return cls.str;
  const spec = own(cls, 'pyClassSpec');
  if (spec?.bases[0]) return spec.bases[0];
  return `<class '${own(cls, 'pyModule') ?? '__main__'}.${own(cls, 'pyName') ?? cls.name}'>`;
}

function genBaseList(cls: PyBase): string[] {
  const spec = cls instanceof PyClassRef ? undefined : own(cls, 'pyClassSpec');
  if (spec) return [...spec.bases];
  const out = [classStr(cls)];
  for (const b of directBases(cls)) out.push(...genBaseList(b));
  return out;
}

/** Method resolution order: depth-first, keeping the last occurrence of repeated classes (matches C3 for pyrogue's trees). */
function mro(cls: PyBase): PyBase[] {
  const dfs: PyBase[] = [];
  const walk = (c: PyBase) => {
    dfs.push(c);
    for (const b of directBases(c)) walk(b);
  };
  walk(cls);
  const out: PyBase[] = [];
  for (let i = 0; i < dfs.length; i++) if (dfs.indexOf(dfs[i], i + 1) < 0) out.push(dfs[i]);
  return out;
}

const cache = new WeakMap<object, PyClassInfo>();

/** Which defining class's module each callable comes from (CPython names it in call errors), found in `bases`. */
function funcModulesOf(members: ReadonlyMap<string, PyMember>, bases: readonly string[]): Map<string, string> {
  const funcModules = new Map<string, string>();
  for (const [n, m] of members) {
    if (m.kind !== 'func') continue;
    const definer = `.${m.sig.qualname.split('.')[0]}'>`;
    const base = bases.find((b) => b.endsWith(definer));
    if (base) funcModules.set(n, base.slice("<class '".length, base.length - definer.length));
  }
  return funcModules;
}

function funcsDictOf(funcs: readonly (readonly [string, PyFuncInfo])[]): PyDict {
  const funcsDict = new PyDict();
  for (const [n, f] of funcs) funcsDict.set(n, PyDict.from({ args: [...f.args], kwargs: [...f.kwargs] }));
  return funcsDict;
}

/** classInfo of a class whose metadata was given at run time. */
function specInfo(cls: TreeClass, spec: PyClassSpec): PyClassInfo {
  const parent = tsParent(cls);
  const members = new Map<string, PyMember>(parent ? classInfo(parent).members : []);
  for (const [k, m] of Object.entries(spec.members ?? {})) members.set(k, m);
  const str = spec.bases[0] ?? `<class '__main__.${spec.name}'>`;
  const q = /^<class '(.*)'>$/.exec(str)?.[1] ?? spec.name;
  const dot = q.lastIndexOf('.');
  return {
    name: spec.name,
    module: dot < 0 ? '__main__' : q.slice(0, dot),
    str,
    bases: [...spec.bases],
    props: [...spec.props],
    funcs: spec.funcs.map(([n, f]) => [n, { args: [...f.args], kwargs: [...f.kwargs] }]),
    members,
    funcsDict: funcsDictOf(spec.funcs),
    funcModules: funcModulesOf(members, spec.bases),
  };
}

/**
 * A subclass of `parent` whose Python class is `spec` (e.g. a class of
 * another server's tree, read from a snapshot); its JS name is `spec.name`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any tree class constructor, whatever its parameters
export function pyClassFromSpec<C extends abstract new (...args: any[]) => object>(parent: C, spec: PyClassSpec): C {
  abstract class Made extends parent {}
  Object.defineProperty(Made, 'name', { value: spec.name });
  Object.defineProperty(Made, 'pyClassSpec', { value: spec, enumerable: false });
  return Made;
}

/** Metadata of a tree class, computed once. */
export function classInfo(clsIn: TreeClass): PyClassInfo {
  const cls = pyClassOf(clsIn);
  const hit = cache.get(cls);
  if (hit) return hit;
  const spec = own(cls, 'pyClassSpec');
  if (spec) {
    const info = specInfo(cls, spec);
    cache.set(cls, info);
    return info;
  }
  const members = new Map<string, PyMember>();
  for (const c of mro(cls)) {
    const m = c instanceof PyClassRef ? c.members : isTreeClass(c) ? own(c, 'pyMembers') : undefined;
    if (!m) continue;
    for (const k of Object.keys(m)) if (!members.has(k)) members.set(k, m[k]);
  }
  const names = [...members.keys()].sort();
  const props = names.filter((n) => {
    const m = members.get(n)!;
    return m.kind === 'prop' && m.exposed;
  });
  const funcs: [string, PyFuncInfo][] = [];
  for (const n of names) {
    const m = members.get(n)!;
    if (m.kind === 'func' && m.exposed) funcs.push([n, { args: m.sig.params.map((p) => p.name), kwargs: (m.sig.kwonly ?? []).map((p) => p.name) }]);
  }
  const funcsDict = funcsDictOf(funcs);
  const bases = genBaseList(cls);
  const funcModules = funcModulesOf(members, bases);
  const info: PyClassInfo = {
    name: own(cls, 'pyName') ?? cls.name,
    module: own(cls, 'pyModule') ?? '__main__',
    str: classStr(cls),
    bases,
    props,
    funcs,
    members,
    funcsDict,
    funcModules,
  };
  cache.set(cls, info);
  return info;
}

// ---------------------------------------------------------------------------
// Helpers to declare members tersely.

/** A property. */
export function prop<T>(get: (self: T) => PyValue, exposed = true): PyMember<T> {
  return { kind: 'prop', exposed, get };
}

export type ParamSpec = string | [string, PyValue];

/**
 * A method. `params`: positional-or-keyword names (use [name, default] for defaults);
 * `kwonly`: keyword-only ones. `qualname`: 'Class.method' of the Python class defining it.
 */
export function func<T>(
  qualname: string,
  params: ParamSpec[],
  kwonly: ParamSpec[],
  call: (self: T, a: ReadonlyMap<string, PyValue>) => PyValue | Promise<PyValue>,
  exposed = true,
  extra: Partial<Pick<PySignature, 'varargs' | 'varkw'>> = {},
): PyMember<T> {
  const toParam = (p: ParamSpec) => (typeof p === 'string' ? { name: p } : { name: p[0], default: p[1] });
  return { kind: 'func', exposed, sig: { qualname, params: params.map(toParam), kwonly: kwonly.map(toParam), ...extra }, call };
}
