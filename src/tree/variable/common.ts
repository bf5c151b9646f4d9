/** The variables' shared pieces: VariableError, option and hook types, Python value helpers (enums, indices, ndarray items, list text), VariableValue. */
import { PyError, PyIndexError, PyTypeError } from '../../py/errors';
import { pyStr } from '../../py/repr';
import { pyFloatOf, pyIndex, pyIntOf, pyTruth } from '../../py/builtins';
import { pyStrip } from '../../py/numtext';
import {
  HasInstanceFields,
  InstanceFields,
  NdArray,
  NpDtype,
  NpScalar,
  PY_INSTANCE_FIELDS,
  PY_REDUCE,
  PyDict,
  PyObject,
  PyTuple,
  PyValue,
  typeName,
  writeElement,
} from '../../py/values';
import { NodeOptions } from '../node';

export class VariableError extends PyError {
  constructor(message: string) {
    super('pyrogue._Variable', 'VariableError', message);
  }
}

export type Mode = 'RW' | 'RO' | 'WO';

/** The empty list every variable without listeners or dependencies shares (frozen: never written). */
export const NONE: readonly never[] = Object.freeze([]);

/** An enum: Python dict value → display name. A PyDict, a Map or a list of pairs. */
export type EnumInput<K extends PyValue = PyValue> = PyDict | Map<K, string> | readonly (readonly [K, string])[];

/**
 * The Python type an enum's keys must have for a variable whose value is `V`: an int variable
 * takes bigint keys (`[[0n, 'Off'], [1n, 'On']]`), a str variable string keys…; a mistake such
 * as `[[0, 'Off']]` (a float key) for `value: 0n` fails to compile.
 */
export type EnumKey<V extends PyValue> = V extends bigint
  ? bigint
  : V extends boolean
    ? boolean
    : V extends string
      ? string
      : V extends number
        ? number
        : PyValue;

export interface BaseVariableOptions<V extends PyValue = PyValue> extends NodeOptions {
  mode?: Mode;
  /** Initial value (Python typed: 1n int, 1.5 float, NdArray...). */
  value?: V;
  /** Python format string ('{}', '{:#x}', '{:1.3f}'), or an enum (dict) / list of values. */
  disp?: string | EnumInput<EnumKey<V>> | PyValue[];
  enum?: EnumInput<EnumKey<V>> | null;
  units?: string | null;
  minimum?: PyValue;
  maximum?: PyValue;
  lowWarning?: PyValue;
  lowAlarm?: PyValue;
  highWarning?: PyValue;
  highAlarm?: PyValue;
  /** Poll interval in seconds (0 = not polled). bigint or number as in Python. */
  pollInterval?: bigint | number;
  updateNotify?: boolean;
  typeStr?: string;
  typeCheck?: boolean;
  bulkOpEn?: boolean;
}

export interface GetOptions {
  index?: number;
  read?: boolean;
  check?: boolean;
  wait?: boolean;
}
export interface SetOptions {
  index?: number;
  write?: boolean;
  verify?: boolean;
  check?: boolean;
  wait?: boolean;
}

/** func(path, VariableValue) listener of one variable (pyrogue addListener with a function). */
export type VariableListenerFunc = (path: string, value: VariableValue) => void;

export function toEnumDict(e: EnumInput | PyValue[]): PyDict {
  if (e instanceof PyDict) return e;
  const d = new PyDict();
  if (e instanceof Map) {
    for (const [k, v] of e) d.set(k, v);
    return d;
  }
  const arr = e as readonly unknown[];
  const pairs = arr.length > 0 && arr.every((x) => Array.isArray(x) && x.length === 2 && typeof x[1] === 'string');
  for (const x of arr) {
    if (pairs) d.set((x as [PyValue, string])[0], (x as [PyValue, string])[1]);
    else d.set(x as PyValue, pyStr(x as PyValue));
  }
  return d;
}

/** Python type name of a value as pyrogue's nativeType ('int', 'float', 'ndarray'...). */
export function nativeTypeOf(v: PyValue): string {
  if (v instanceof NdArray) return 'ndarray';
  return typeName(v);
}

/** str(type) for a nativeType name. */
export function nativeTypeRepr(name: string | null): string {
  if (name === null) return "<class 'NoneType'>";
  if (name === 'ndarray') return "<class 'numpy.ndarray'>";
  return `<class '${name}'>`;
}

export function tupleRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** An `index` argument as a JS number: -1 when not given or None, else Python's `operator.index(v)`. */
export function toIndex(v: PyValue | undefined): number {
  return v === undefined || v === null ? -1 : pyIndex(v);
}

/** A flag argument (read=, write=, …): `dflt` when not given, else Python's `bool(v)` (pyrogue tests it with `if v:`). */
export function truthy(v: PyValue | undefined, dflt: boolean): boolean {
  return v === undefined ? dflt : pyTruth(v);
}

export function num(v: PyValue): number | bigint | null {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof NpScalar) return num(v.value);
  return null;
}
/** Python a < b for numbers (false for anything else or NaN). */
export function numLess(a: PyValue, b: PyValue): boolean {
  const x = num(a);
  const y = num(b);
  if (x === null || y === null) return false;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y;
  return Number(x) < Number(y);
}

/** numpy's array2string(arr, separator=', ', formatter={'all': fmt}) for any shape. */
export function ndarrayDisp(arr: NdArray, fmt: (v: PyValue) => string): string {
  const items = arr.items().map(fmt);
  if (arr.shape.length === 0) return items[0];
  const ndim = arr.shape.length;
  let pos = 0;
  const rec = (axis: number): string => {
    const n = arr.shape[axis];
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(axis === ndim - 1 ? items[pos++] : rec(axis + 1));
    const left = ndim - axis;
    const sep = left === 1 ? ', ' : ',' + '\n'.repeat(left - 1) + ' '.repeat(axis + 1);
    return '[' + parts.join(sep) + ']';
  };
  return rec(0);
}

/** Builds an NdArray of `dtype` from a (nested) Python list. */
export function listToNdArray(dtype: NpDtype, v: PyValue): NdArray {
  const shape: number[] = [];
  let cur: PyValue = v;
  while (Array.isArray(cur) || cur instanceof PyTuple) {
    const items: PyValue[] = Array.isArray(cur) ? cur : [...cur.items];
    shape.push(items.length);
    if (items.length === 0) break;
    cur = items[0];
  }
  const flat: PyValue[] = [];
  const walk = (x: PyValue) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x instanceof PyTuple) x.items.forEach(walk);
    else flat.push(x instanceof NpScalar ? x.value : x);
  };
  walk(v);
  const need = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== need) throw new PyValueErrorShape();
  return NdArray.from(
    dtype,
    flat.map((x) => npElement(dtype, x)),
    shape,
  );
}

/** One element of `np.array(x, dtype)`: numpy converts with Python's int()/float() (None is nan in a float array). */
export function npElement(dtype: NpDtype, x: PyValue): PyValue {
  if (dtype.kind === 'b') return pyTruth(x);
  if (dtype.kind === 'f' || dtype.kind === 'c') return x === null ? NaN : pyFloatOf(x);
  if (dtype.kind === 'i' || dtype.kind === 'u') return pyIntOf(x);
  return x;
}

export class PyValueErrorShape extends PyError {
  constructor() {
    super('builtins', 'ValueError', 'setting an array element with a sequence. The requested array has an inhomogeneous shape');
  }
}

/** numpy `arr[i]` (1-d → scalar; n-d → sub-array). */
export function ndGet(arr: NdArray, index: number): PyValue {
  const n = arr.shape[0] ?? 0;
  const i = index;
  if (i < 0 || i >= n) throw new PyIndexError(`index ${index} is out of bounds for axis 0 with size ${n}`);
  if (arr.ndim === 1) return arr.scalar(i);
  const sub = arr.shape.slice(1);
  const cnt = sub.reduce((a, b) => a * b, 1);
  const sz = arr.dtype.itemsize;
  return new NdArray(arr.dtype, sub, new Uint8Array(arr.data.subarray(i * cnt * sz, (i + 1) * cnt * sz)));
}
/** numpy `arr[i] = v` on a copy. */
export function ndSet(arr: NdArray, index: number, v: PyValue): NdArray {
  const n = arr.shape[0] ?? 0;
  if (index < 0 || index >= n) throw new PyIndexError(`index ${index} is out of bounds for axis 0 with size ${n}`);
  // a copy, also of a Buffer (whose slice() is a view)
  const data = new Uint8Array(arr.data);
  const x = v instanceof NpScalar ? v.value : v;
  if (arr.ndim === 1) {
    if (x !== null && typeof x === 'object' && !(x instanceof Uint8Array))
      throw new PyError('builtins', 'ValueError', 'setting an array element with a sequence.');
    writeElement(arr.dtype, data, index * arr.dtype.itemsize, npElement(arr.dtype, x));
  } else {
    const sub = listToNdArray(arr.dtype, x);
    data.set(sub.data, index * sub.data.length);
  }
  return new NdArray(arr.dtype, arr.shape, data, arr.fortran);
}

/** Python `container[index]` (index ≥ 0) for a variable's value. */
export function itemGet(cur: PyValue, index: number): PyValue {
  if (cur instanceof NdArray) return ndGet(cur, index);
  if (Array.isArray(cur)) {
    if (index >= cur.length) throw new PyIndexError('list index out of range');
    return cur[index];
  }
  if (cur instanceof PyTuple) {
    if (index >= cur.length) throw new PyIndexError('tuple index out of range');
    return cur.items[index];
  }
  if (typeof cur === 'string') {
    const cps = [...cur];
    if (index >= cps.length) throw new PyIndexError('string index out of range');
    return cps[index];
  }
  if (cur instanceof PyDict) {
    const r = cur.get(BigInt(index));
    if (r === undefined) throw new PyError('builtins', 'KeyError', String(index));
    return r;
  }
  throw new PyTypeError(`'${typeName(cur)}' object is not subscriptable`);
}

/** Python `container[index] = value` (index ≥ 0) on a copy of a variable's value. */
export function itemSet(cur: PyValue, index: number, value: PyValue): PyValue {
  if (cur instanceof NdArray) return ndSet(cur, index, value);
  if (Array.isArray(cur)) {
    if (index >= cur.length) throw new PyIndexError('list assignment index out of range');
    const out = [...cur];
    out[index] = value;
    return out;
  }
  if (cur instanceof PyDict) {
    const out = new PyDict();
    for (const [k, x] of cur) out.set(k, x);
    out.set(BigInt(index), value);
    return out;
  }
  throw new PyTypeError(`'${typeName(cur)}' object does not support item assignment`);
}

/** `[i for i in range(n)][key]` for an index or slice key written as Python would ('1', '-1', '1:3', '::2'). */
export function selectIndices(n: number, key: string): number | number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  const intRe = /^\s*([-+]?\d+)?\s*$/;
  const parts = key.split(':');
  if (parts.length > 3 || !parts.every((p) => intRe.test(p)) || (parts.length === 1 && parts[0].trim() === '')) {
    throw new PyError('builtins', 'SyntaxError', 'invalid syntax (<string>, line 1)');
  }
  const num = (p: string): number | null => (p.trim() === '' ? null : Number(p.trim()));
  if (parts.length === 1) {
    let i = num(parts[0])!;
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw new PyIndexError('list index out of range');
    return all[i];
  }
  const step = parts.length === 3 ? (num(parts[2]) ?? 1) : 1;
  if (step === 0) throw new PyError('builtins', 'ValueError', 'slice step cannot be zero');
  const clamp = (v: number | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    if (v < 0) v += n;
    return Math.min(Math.max(v, lo), hi);
  };
  const out: number[] = [];
  if (step > 0) {
    const start = clamp(num(parts[0]), 0, 0, n);
    const stop = clamp(num(parts[1]), n, 0, n);
    for (let i = start; i < stop; i += step) out.push(all[i]);
  } else {
    const start = clamp(num(parts[0]), n - 1, -1, n - 1);
    const stop = clamp(num(parts[1]), -1, -1, n - 1);
    for (let i = start; i > stop; i += step) out.push(all[i]);
  }
  return out;
}

/**
 * The items of a YAML text value for a slice entry, as pyrogue splits them: brackets stripped,
 * split at commas outside quotes (shlex, POSIX mode: quotes removed), each stripped.
 */
export function splitListText(d: string): string[] {
  let s = d;
  while (s.startsWith('[')) s = s.slice(1);
  while (s.endsWith(']')) s = s.slice(0, -1);
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < s.length && '\\"$`\n'.includes(s[i + 1])) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      any = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      any = true;
    } else if (c === ',') {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else {
      cur += c;
      if (c !== ' ') any = true;
    }
  }
  if (quote) throw new PyError('builtins', 'ValueError', 'No closing quotation');
  if (cur !== '' || any) out.push(cur);
  return out.map(pyStrip);
}

// ---------------------------------------------------------------------------

/** pyrogue._Variable.VariableValue: a snapshot with display metadata; pickles as a plain instance. */
/**
 * A variable's value as published and returned by getVariableValue. Never
 * changed once made: a variable hands out the same object again while its
 * value is unchanged (BaseVariable._makeVariableValue), and the server may
 * reuse the frame it encoded for it.
 */
const VARIABLE_VALUE_FIELDS: InstanceFields = Object.freeze({
  module: 'pyrogue._Variable',
  name: 'VariableValue',
  keys: Object.freeze(['value', 'valueDisp', 'disp', 'enum', 'updated', 'status', 'severity']),
});

export class VariableValue implements HasInstanceFields {
  readonly updated = false;
  constructor(
    public readonly value: PyValue,
    public readonly valueDisp: PyValue,
    public readonly disp: string,
    enumDict: PyDict | null,
    public readonly status: string,
    public readonly severity: string,
  ) {
    this.enum = enumDict;
    // Its fields never change: the server's fast stack reuses the frame of a frozen value (src/server/fast/publish.ts).
    Object.freeze(this);
  }
  readonly enum: PyDict | null;
  /** How the encoder pickles it without building the reduction below (same bytes). */
  get [PY_INSTANCE_FIELDS](): InstanceFields {
    return VARIABLE_VALUE_FIELDS;
  }
  [PY_REDUCE](): PyValue {
    return PyObject.instance(
      'pyrogue._Variable',
      'VariableValue',
      PyDict.from({
        value: this.value,
        valueDisp: this.valueDisp,
        disp: this.disp,
        enum: this.enum,
        updated: this.updated,
        status: this.status,
        severity: this.severity,
      }),
    );
  }
}

// ---------------------------------------------------------------------------
