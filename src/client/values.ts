/**
 * What a client makes of a server's pickles, and what it sends.
 *
 * Replies are decoded with the Python value model (src/py/values: 1n is a
 * Python int, 1.5 a float, PyDict, NdArray...), and then two pyrogue classes
 * the decoder leaves as PyObject records become client objects:
 *
 *   pyrogue._Variable.VariableValue            → RemoteVariableValue
 *   pyrogue.interfaces._Virtual.VirtualFactory → NodeInfo  (a node's metadata)
 *
 * Both stay Reducible, so they re-pickle as what they came from.
 */
import {
  NdArray,
  NpScalar,
  PY_REDUCE,
  PyByteArray,
  PyDict,
  PyFrozenSet,
  PyGlobal,
  PyObject,
  PyOrderedDict,
  PySet,
  PyTuple,
  PyValue,
  Reducible,
} from '../py/values';

export const VARIABLE_VALUE_CLASS = 'pyrogue._Variable.VariableValue';
export const VIRTUAL_FACTORY_CLASS = 'pyrogue.interfaces._Virtual.VirtualFactory';

/** pyrogue's `VariableValue`: what getVariableValue() returns and what every publish carries per variable. */
export class RemoteVariableValue implements Reducible {
  /** Native value (Python-typed: bigint int, number float, NdArray...). */
  value: PyValue = null;
  /** Display string. */
  valueDisp = '';
  /** Format string ('{}', '{:#x}', 'enum'...). */
  disp = '';
  /** int → str enum, or null. */
  enum: PyDict | null = null;
  /** pyrogue v6.9+ (always false on the wire). */
  updated = false;
  /** Alarm status: 'None', 'Good', 'AlarmLoLo', 'AlarmLow', 'AlarmHigh', 'AlarmHiHi'. */
  status = 'None';
  /** Alarm severity: 'None', 'Good', 'AlarmMinor', 'AlarmMajor'. */
  severity = 'None';
  /** The whole state dict as received (fields of other pyrogue versions included). */
  readonly state: PyDict;

  constructor(state: PyDict = new PyDict()) {
    this.state = state;
    const str = (k: string, d: string): string => {
      const v = state.get(k);
      return typeof v === 'string' ? v : v === undefined || v === null ? d : String(v);
    };
    const v = state.get('value');
    this.value = v === undefined ? null : v;
    this.valueDisp = str('valueDisp', '');
    this.disp = str('disp', '');
    const e = state.get('enum');
    this.enum = e instanceof PyDict ? e : null;
    this.updated = state.get('updated') === true;
    this.status = str('status', 'None');
    this.severity = str('severity', 'None');
  }

  [PY_REDUCE](): PyValue {
    return PyObject.instance('pyrogue._Variable', 'VariableValue', this.state);
  }

  /** A plain JS object of the fields (see toJs for the value). */
  toJSON(): Record<string, unknown> {
    return {
      value: toJs(this.value),
      valueDisp: this.valueDisp,
      disp: this.disp,
      enum: this.enum ? toJs(this.enum) : null,
      updated: this.updated,
      status: this.status,
      severity: this.severity,
    };
  }
}

/** A remote function's signature as the node reduce gives it: positional and keyword-only parameter names. */
export interface FuncInfo {
  args: string[];
  kwargs: string[];
}

/** A node's metadata: the attr dict of pyrogue's `Node.__reduce__` (VirtualFactory). */
export class NodeInfo implements Reducible {
  constructor(
    readonly name: string,
    /** `type(node).__name__`, e.g. 'LocalVariable'. */
    readonly className: string,
    /** `str(cls)` of the class and all its ancestors: "<class 'pyrogue._Variable.LocalVariable'>"... */
    readonly bases: readonly string[],
    readonly description: string,
    readonly groups: readonly string[],
    readonly path: string,
    readonly expand: boolean,
    readonly guiGroup: string | null,
    /** Names of the served children (their values are placeholders on the wire). */
    readonly children: readonly string[],
    /** Exposed properties. */
    readonly props: readonly string[],
    /** Exposed functions. */
    readonly funcs: Readonly<Record<string, FuncInfo>>,
    /** The attr dict as received. */
    readonly attrs: PyDict,
  ) {}

  [PY_REDUCE](): PyValue {
    const [mod, name] = splitQualified(VIRTUAL_FACTORY_CLASS);
    return new PyObject(new PyGlobal(mod, name), [this.attrs], 'reduce');
  }

  /** Parses the attr dict; throws TypeError when a required key is missing or of the wrong type. */
  static fromAttrs(d: PyDict): NodeInfo {
    const need = (k: string): PyValue => {
      const v = d.get(k);
      if (v === undefined) throw new TypeError(`node reduce lacks '${k}'`);
      return v;
    };
    const str = (k: string): string => {
      const v = need(k);
      if (typeof v !== 'string') throw new TypeError(`node reduce '${k}' is not a str`);
      return v;
    };
    const strList = (k: string, v: PyValue): string[] => {
      const items = Array.isArray(v) ? v : v instanceof PyTuple ? v.items : null;
      if (!items || !items.every((x) => typeof x === 'string')) throw new TypeError(`node reduce '${k}' is not a list of str`);
      return items as string[];
    };
    const nodes = d.get('nodes');
    const children: string[] = [];
    if (nodes instanceof PyDict) for (const k of nodes.keys()) if (typeof k === 'string') children.push(k);
    const funcsIn = d.get('funcs');
    const funcs: Record<string, FuncInfo> = {};
    if (funcsIn instanceof PyDict) {
      for (const [k, v] of funcsIn) {
        if (typeof k !== 'string') continue;
        const fa = v instanceof PyDict ? v.get('args') : undefined;
        const fk = v instanceof PyDict ? v.get('kwargs') : undefined;
        funcs[k] = {
          args: fa === undefined || fa === null ? [] : strList(`funcs.${k}.args`, fa),
          kwargs: fk === undefined || fk === null ? [] : strList(`funcs.${k}.kwargs`, fk),
        };
      }
    }
    const gg = d.get('guiGroup');
    const props = d.get('props');
    return new NodeInfo(
      str('name'),
      str('class'),
      strList('bases', need('bases')),
      typeof d.get('description') === 'string' ? (d.get('description') as string) : '',
      strList('groups', d.get('groups') ?? []),
      str('path'),
      d.get('expand') === true,
      typeof gg === 'string' ? gg : null,
      children,
      props === undefined || props === null ? [] : strList('props', props),
      funcs,
      d,
    );
  }
}

function splitQualified(q: string): [string, string] {
  const i = q.lastIndexOf('.');
  return [q.slice(0, i), q.slice(i + 1)];
}

/**
 * Replaces, at any depth, the PyObject records of VariableValue and
 * VirtualFactory by RemoteVariableValue and NodeInfo. Everything else is kept.
 */
export function fromWire(v: PyValue): PyValue {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof PyObject) {
    const q = v.cls.qualified;
    if (q === VARIABLE_VALUE_CLASS && v.state instanceof PyDict) return new RemoteVariableValue(fromWireDict(v.state));
    if (q === VIRTUAL_FACTORY_CLASS && v.args.length === 1 && v.args[0] instanceof PyDict) {
      try {
        return NodeInfo.fromAttrs(fromWireDict(v.args[0]));
      } catch {
        return v;
      }
    }
    return v;
  }
  if (Array.isArray(v)) return v.map(fromWire);
  if (v instanceof PyTuple) return new PyTuple(v.items.map(fromWire));
  if (v instanceof PyDict) return fromWireDict(v);
  return v;
}

function fromWireDict(d: PyDict): PyDict {
  const out = d instanceof PyOrderedDict ? new PyOrderedDict() : new PyDict();
  for (const [k, val] of d) out.set(k, fromWire(val));
  return out;
}

// ---------------------------------------------------------------------------
// JS → Python (arguments)

/**
 * A float for Python even when integral: `pyFloat(2)` is sent as 2.0 (a plain
 * JS number that is an integer is sent as a Python int).
 */
export class PyFloatArg {
  constructor(readonly value: number) {}
}
export function pyFloat(x: number): PyFloatArg {
  return new PyFloatArg(x);
}

/** Keyword arguments of a remote call: `node.call('set', 5n, kw({ write: false }))`. */
export class Kwargs {
  constructor(readonly values: Readonly<Record<string, unknown>>) {}
}
export function kw(values: Record<string, unknown>): Kwargs {
  return new Kwargs(values);
}

/** What a JS caller may pass as an argument. */
export type ArgValue = unknown;

/**
 * A JS value as a Python value:
 *  - integral `number` → int (bigint), other numbers → float (`pyFloat(2)` forces a float);
 *  - bigint, string, boolean as is; null/undefined → None;
 *  - arrays → list, Map and plain objects → dict, Uint8Array → bytes, Set → set;
 *  - values of the Python model (PyTuple, PyDict, NdArray, ...) and Reducibles pass through.
 */
export function toPy(v: ArgValue): PyValue {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'bigint':
    case 'string':
      return v;
    case 'number':
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? BigInt(v) : v;
    case 'function':
    case 'symbol':
      throw new TypeError(`cannot send a ${typeof v} to a pyrogue server`);
  }
  if (v instanceof PyFloatArg) return v.value;
  if (Array.isArray(v)) return v.map(toPy);
  if (v instanceof Uint8Array) return v;
  if (v instanceof Map) {
    const d = new PyDict();
    for (const [k, x] of v) d.set(toPy(k), toPy(x));
    return d;
  }
  if (v instanceof Set) return new PySet([...v].map(toPy));
  if (
    v instanceof PyTuple ||
    v instanceof PyDict ||
    v instanceof PySet ||
    v instanceof PyFrozenSet ||
    v instanceof PyByteArray ||
    v instanceof NdArray ||
    v instanceof NpScalar ||
    v instanceof PyGlobal ||
    v instanceof PyObject ||
    typeof (v as Partial<Reducible>)[PY_REDUCE] === 'function'
  ) {
    return v as PyValue;
  }
  if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
    const d = new PyDict();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) d.set(k, toPy(x));
    return d;
  }
  // Other Python-model classes (PyComplex, ...) are objects of known shapes: pass them on.
  return v as PyValue;
}

// ---------------------------------------------------------------------------
// Python → JS (convenience for callers that want plain values)

/**
 * A Python value as plain JS: int → number when safe (else bigint), tuple and
 * list → array, dict with str keys → object (else Map), ndarray → nested
 * arrays, numpy scalar → its value, bytes stay Uint8Array, a VariableValue →
 * its fields.
 */
export function toJs(v: PyValue): unknown {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    return v;
  }
  if (v instanceof RemoteVariableValue) return v.toJSON();
  if (Array.isArray(v)) return v.map(toJs);
  if (v instanceof PyTuple) return v.items.map(toJs);
  if (v instanceof PyDict) {
    const entries = [...v];
    if (entries.every(([k]) => typeof k === 'string')) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of entries) o[k as string] = toJs(x);
      return o;
    }
    return new Map(entries.map(([k, x]) => [toJs(k), toJs(x)]));
  }
  if (v instanceof PySet || v instanceof PyFrozenSet) return new Set([...v].map(toJs));
  if (v instanceof NdArray) return toJs(v.toList());
  if (v instanceof NpScalar) return toJs(v.value);
  return v;
}
