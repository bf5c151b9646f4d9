/**
 * pyrogue variables: BaseVariable, LocalVariable, LinkVariable, VariableValue.
 *
 * Values are Python values (src/py/values): bigint = int, number = float,
 * NdArray = numpy array... `new LocalVariable({name: 'Int', value: 1n})`.
 *
 * EXTENSION POINTS (memory layer, RemoteVariable):
 *  - `_block: TreeBlock | null` holds the variable's block (LocalVariable creates a LocalBlock;
 *    a RemoteVariable gets its block when its Device builds blocks: `Device._buildBlocks()`).
 *  - Override `get(opts)` / `set(value, opts)` / `post` / `write` the way pyrogue's
 *    RemoteVariable does (`this.parentDevice.readBlocks({variable: this})`, `checkBlocks`...,
 *    then `_get(index)` / `_set(value, index)` on the block). All may return Promises.
 *  - Python surface: declare `static override pyMembers` with the overridden methods
 *    (helpers `func`/`prop` from pyclass.ts; reuse `BaseVariable.pyMembers.x.call` if useful)
 *    and `static override pyModule/pyExtraBases` (RemoteVariable: RIM_VARIABLE).
 *  - `typeStr`, `nativeTypeName`, `precision` are plain fields/getters you may set/override.
 *  - `_parseDispValue(s)` may be overridden (RemoteVariable uses its model's fromString).
 */
import { PyAttributeError, PyError, PyIndexError, PyTypeError } from '../py/errors';
import { pyFormat } from '../py/format';
import { literalEval } from '../py/literal';
import { pyRepr, pyStr } from '../py/repr';
import { isInstanceOfNamed, pyGreater, pyLess } from '../py/compare';
import {
  NdArray,
  NpDtype,
  NpScalar,
  PY_REDUCE,
  PyDict,
  PyGlobal,
  PyObject,
  PyTuple,
  PyUnpicklable,
  PyValue,
  Reducible,
  pyEquals,
  typeName,
  typeRepr,
  UnhashableError,
  writeElement,
} from '../py/values';
import { TreeBlock, MaybePromise, TransactionOptions, TransactionType, seq, then } from './txn';
import { Node, NodeOptions } from './node';
import { func, prop, PyMembers } from './pyclass';
import { isPromiseLike } from './surface';

export class VariableError extends PyError {
  constructor(message: string) {
    super('pyrogue._Variable', 'VariableError', message);
  }
}

export type Mode = 'RW' | 'RO' | 'WO';

/** The empty list every variable without listeners or dependencies shares (frozen: never written). */
const NONE: readonly never[] = Object.freeze([]);

/** An enum: Python dict value → display name. A PyDict, a Map or a list of pairs. */
export type EnumInput = PyDict | Map<PyValue, string> | readonly (readonly [PyValue, string])[];

export interface BaseVariableOptions extends NodeOptions {
  mode?: Mode;
  /** Initial value (Python typed: 1n int, 1.5 float, NdArray...). */
  value?: PyValue;
  /** Python format string ('{}', '{:#x}', '{:1.3f}'), or an enum (dict) / list of values. */
  disp?: string | EnumInput | PyValue[];
  enum?: EnumInput | null;
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

function tupleRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Converts an index argument (bigint/number/bool from Python) to a JS number. */
export function toIndex(v: PyValue | undefined): number {
  if (v === undefined || v === null) return -1;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof NpScalar) return toIndex(v.value);
  throw new PyTypeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
}

function truthy(v: PyValue | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  return true;
}

function num(v: PyValue): number | bigint | null {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof NpScalar) return num(v.value);
  return null;
}
/** Python a < b for numbers (false for anything else or NaN). */
function numLess(a: PyValue, b: PyValue): boolean {
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

/** Python's float() of a str (surrounding whitespace, underscores between digits, nan/inf words). */
function pyFloatOfStr(s: string): number | null {
  const t = s.trim();
  if (/^[-+]?(nan|inf|infinity)$/i.test(t)) return t.replace(/^[-+]/, '').toLowerCase() === 'nan' ? NaN : t.startsWith('-') ? -Infinity : Infinity;
  if (!/^[-+]?(\d(_?\d)*)?(\.(\d(_?\d)*)?)?([eE][-+]?\d(_?\d)*)?$/.test(t) || !/\d/.test(t.split(/[eE]/)[0])) return null;
  return Number(t.replace(/_/g, ''));
}

/** One element of `np.array(x, dtype)`: numpy's conversion of a Python scalar to a numeric or bool dtype. */
function npElement(dtype: NpDtype, x: PyValue): PyValue {
  const name = typeName(x);
  if (dtype.kind === 'b') return pyTruthy(x);
  if (dtype.kind === 'f' || dtype.kind === 'c') {
    if (typeof x === 'number') return x;
    if (typeof x === 'bigint') return Number(x);
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (x === null) return NaN;
    if (typeof x === 'string') {
      const f = pyFloatOfStr(x);
      if (f === null) throw new PyError('builtins', 'ValueError', `could not convert string to float: ${pyRepr(x)}`);
      return f;
    }
    throw new PyTypeError(`float() argument must be a string or a real number, not '${name}'`);
  }
  if (dtype.kind === 'i' || dtype.kind === 'u') {
    if (typeof x === 'bigint') return x;
    if (typeof x === 'boolean') return x ? 1n : 0n;
    if (typeof x === 'number') {
      if (Number.isNaN(x)) throw new PyError('builtins', 'ValueError', 'cannot convert float NaN to integer');
      if (!Number.isFinite(x)) throw new PyError('builtins', 'OverflowError', 'cannot convert float infinity to integer');
      return BigInt(Math.trunc(x));
    }
    if (typeof x === 'string') {
      const t = x.trim();
      if (!/^[-+]?\d(_?\d)*$/.test(t)) throw new PyError('builtins', 'ValueError', `invalid literal for int() with base 10: ${pyRepr(x)}`);
      return BigInt(t.replace(/_/g, ''));
    }
    throw new PyTypeError(`int() argument must be a string, a bytes-like object or a real number, not '${name}'`);
  }
  return x;
}

/** Python truth value of a plain value. */
function pyTruthy(v: PyValue): boolean {
  return truthy(v, false);
}
class PyValueErrorShape extends PyError {
  constructor() {
    super('builtins', 'ValueError', 'setting an array element with a sequence. The requested array has an inhomogeneous shape');
  }
}

/** numpy `arr[i]` (1-d → scalar; n-d → sub-array). */
function ndGet(arr: NdArray, index: number): PyValue {
  const n = arr.shape[0] ?? 0;
  const i = index;
  if (i < 0 || i >= n) throw new PyIndexError(`index ${index} is out of bounds for axis 0 with size ${n}`);
  if (arr.ndim === 1) return arr.scalar(i);
  const sub = arr.shape.slice(1);
  const cnt = sub.reduce((a, b) => a * b, 1);
  const sz = arr.dtype.itemsize;
  return new NdArray(arr.dtype, sub, arr.data.slice(i * cnt * sz, (i + 1) * cnt * sz));
}
/** numpy `arr[i] = v` on a copy. */
function ndSet(arr: NdArray, index: number, v: PyValue): NdArray {
  const n = arr.shape[0] ?? 0;
  if (index < 0 || index >= n) throw new PyIndexError(`index ${index} is out of bounds for axis 0 with size ${n}`);
  const data = arr.data.slice();
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
function itemGet(cur: PyValue, index: number): PyValue {
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
function itemSet(cur: PyValue, index: number, value: PyValue): PyValue {
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
  return out.map((x) => x.trim());
}

// ---------------------------------------------------------------------------

/** pyrogue._Variable.VariableValue: a snapshot with display metadata; pickles as a plain instance. */
export class VariableValue implements Reducible {
  updated = false;
  constructor(
    public readonly value: PyValue,
    public readonly valueDisp: PyValue,
    public readonly disp: string,
    enumDict: PyDict | null,
    public readonly status: string,
    public readonly severity: string,
  ) {
    this.enum = enumDict;
  }
  readonly enum: PyDict | null;
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

export class BaseVariable extends Node {
  static override pyModule = 'pyrogue._Variable';
  static override pyName = 'BaseVariable';

  protected _mode: Mode;
  protected _units: string | null;
  protected _minimum: PyValue;
  protected _maximum: PyValue;
  protected _lowWarning: PyValue;
  protected _lowAlarm: PyValue;
  protected _highWarning: PyValue;
  protected _highAlarm: PyValue;
  protected _default: PyValue;
  protected _typeStr: string;
  protected _typeCheck: boolean;
  protected _bulkOpEn: boolean;
  protected _updateNotify: boolean;
  protected _pollInterval: bigint | number;
  protected _disp: string;
  protected _enum: PyDict | null;
  protected _revEnum: PyDict | null;
  /** Python type name of the value ('int', 'float', 'ndarray'...) or null until known. */
  protected _nativeType: string | null = null;
  protected _ndType: NpDtype | null = null;
  /** The block holding the value (LocalBlock for local variables; the memory layer's block for remote ones). */
  _block: TreeBlock | null = null;
  // The three lists below are replaced, never mutated, so every variable without any shares NONE.
  /** Variables to update when this one changes (pyrogue `_listeners`). */
  _listeners: readonly BaseVariable[] = NONE;
  private _functions: readonly VariableListenerFunc[] = NONE;
  private _dependencies: readonly BaseVariable[] = NONE;

  constructor(opts: BaseVariableOptions) {
    super(opts);
    this._mode = opts.mode ?? 'RW';
    this._units = opts.units ?? null;
    this._minimum = opts.minimum ?? null;
    this._maximum = opts.maximum ?? null;
    this._lowWarning = opts.lowWarning ?? null;
    this._lowAlarm = opts.lowAlarm ?? null;
    this._highWarning = opts.highWarning ?? null;
    this._highAlarm = opts.highAlarm ?? null;
    this._default = opts.value === undefined ? null : opts.value;
    this._typeStr = opts.typeStr ?? 'Unknown';
    this._typeCheck = opts.typeCheck ?? true;
    this._bulkOpEn = opts.bulkOpEn ?? true;
    this._updateNotify = opts.updateNotify ?? true;
    this._pollInterval = opts.pollInterval ?? 0n;

    const disp = opts.disp ?? '{}';
    let en: PyDict | null = opts.enum ? toEnumDict(opts.enum) : null;
    if (typeof disp !== 'string') en = toEnumDict(disp);
    else if (typeof this._default === 'boolean' && !opts.enum) en = PyDict.from({}).set(false, 'False').set(true, 'True');
    this._enum = en;
    this._disp = en ? 'enum' : (disp as string);
    this._revEnum = null;
    if (en) {
      this._revEnum = new PyDict();
      for (const [k, v] of en) this._revEnum.set(v, k);
    }
    const value = this._default;
    if (value !== null) {
      this._nativeType = nativeTypeOf(value);
      if (en && (this._nativeType === 'ndarray' || this._nativeType === 'list' || this._nativeType === 'dict')) {
        throw new VariableError(`Invalid use of enum with value of type ${nativeTypeRepr(this._nativeType)}`);
      }
      if (value instanceof NdArray) {
        this._ndType = value.dtype;
        this._typeStr = `${value.dtype.name}${tupleRepr(value.shape)}`;
      } else if (this._typeStr === 'Unknown') this._typeStr = typeName(value);
    }
    if (this._mode !== 'RW' && this._mode !== 'RO' && this._mode !== 'WO') {
      throw new VariableError(`Invalid variable mode ${String(this._mode)}. Supported: RW, RO, WO`);
    }
  }

  override get isVariable(): boolean {
    return true;
  }
  /** The Device this variable belongs to (its parent). */
  get parentDevice(): import('./device').Device | null {
    return (this.parent as unknown as import('./device').Device) ?? null;
  }

  protected override get _logKind(): string {
    return 'Variable';
  }

  // --- properties ----------------------------------------------------------
  get mode(): Mode {
    return this._mode;
  }
  get enum(): PyDict | null {
    return this._enum;
  }
  get revEnum(): PyDict | null {
    return this._revEnum;
  }
  get typeStr(): string {
    if (this._typeStr === 'Unknown') {
      const v = this._peek();
      if (v !== undefined && v !== null) {
        if (v instanceof NdArray) this._typeStr = `${v.dtype.name}${tupleRepr(v.shape)}`;
        else this._typeStr = typeName(v);
      }
    }
    return this._typeStr;
  }
  get disp(): string {
    return this._disp;
  }
  get units(): string | null {
    return this._units;
  }
  get minimum(): PyValue {
    return this._minimum;
  }
  get maximum(): PyValue {
    return this._maximum;
  }
  get lowWarning(): PyValue {
    return this._lowWarning;
  }
  get lowAlarm(): PyValue {
    return this._lowAlarm;
  }
  get highWarning(): PyValue {
    return this._highWarning;
  }
  get highAlarm(): PyValue {
    return this._highAlarm;
  }
  get hasAlarm(): boolean {
    return this._lowWarning !== null || this._lowAlarm !== null || this._highWarning !== null || this._highAlarm !== null;
  }
  get updateNotify(): boolean {
    return this._updateNotify;
  }
  get bulkOpEn(): boolean {
    return this._bulkOpEn;
  }
  /** Python type name of the value: 'int', 'float', 'bool', 'str', 'list', 'ndarray'... (null when unknown) */
  get nativeTypeName(): string | null {
    if (this._nativeType === null) {
      const v = this._peek();
      if (v !== undefined && v !== null) {
        this._nativeType = nativeTypeOf(v);
        if (v instanceof NdArray) this._ndType = v.dtype;
      }
    }
    return this._nativeType;
  }
  get ndType(): NpDtype | null {
    return this._ndType;
  }
  get precision(): bigint {
    const nt = this.nativeTypeName;
    if (nt === 'float' || nt === 'ndarray') {
      const m = /:([0-9])\.([0-9]*)f/.exec(this._disp);
      if (m && m[2] !== '') return BigInt(parseInt(m[2], 10));
      return 8n;
    }
    return 0n;
  }
  get pollInterval(): bigint | number {
    return this._pollInterval;
  }
  /** The interval this variable was given (a LinkVariable's `pollInterval` reports its dependencies'). */
  get _ownPollInterval(): bigint | number {
    return this._pollInterval;
  }
  setPollInterval(interval: bigint | number): void {
    this._pollInterval = interval;
    this.root?._updatePollInterval(this);
  }
  get alarmStatus(): MaybePromise<string> {
    return then(this.value(), (v) => this._alarmState(v)[0]);
  }
  get alarmSeverity(): MaybePromise<string> {
    return then(this.value(), (v) => this._alarmState(v)[1]);
  }
  get dependencies(): readonly BaseVariable[] {
    return this._dependencies;
  }

  /** The current value without any read, if it can be had synchronously (used for type inference). */
  protected _peek(): PyValue | undefined {
    try {
      const v = this.value();
      return isPromiseLike(v) ? undefined : v;
    } catch {
      return undefined;
    }
  }

  // --- listeners & dependencies --------------------------------------------
  addDependency(dep: BaseVariable): void {
    if (!this._dependencies.includes(dep)) {
      this._dependencies = [...this._dependencies, dep];
      dep.addListener(this);
    }
  }
  /** A variable (updated with this one, same batch) or a function func(path, VariableValue). */
  addListener(listener: BaseVariable | VariableListenerFunc): void {
    if (listener instanceof BaseVariable) {
      if (!this._listeners.includes(listener)) this._listeners = [...this._listeners, listener];
    } else if (!this._functions.includes(listener)) this._functions = [...this._functions, listener];
  }
  delListener(listener: BaseVariable | VariableListenerFunc): void {
    if (listener instanceof BaseVariable) this._listeners = this._listeners.filter((l) => l !== listener);
    else this._functions = this._functions.filter((f) => f !== listener);
  }

  // --- value access (pyrogue API); subclasses override get/set/post/write ----
  set(value: PyValue, opts: SetOptions = {}): MaybePromise<void> {
    void value;
    void opts;
  }
  post(value: PyValue, opts: { index?: number } = {}): MaybePromise<void> {
    void value;
    void opts;
  }
  get(opts: GetOptions = {}): MaybePromise<PyValue> {
    void opts;
    return null;
  }
  write(opts: { verify?: boolean; check?: boolean; wait?: boolean } = {}): MaybePromise<void> {
    void opts;
  }
  /** The current value without reading hardware (pyrogue `value(index=-1)`). */
  value(index = -1): MaybePromise<PyValue> {
    return this.get({ read: false, index });
  }
  getVariableValue(read = true, index = -1): MaybePromise<VariableValue> {
    return then(this.get({ read, index }), (v) => this._makeVariableValue(v));
  }
  protected _makeVariableValue(v: PyValue): VariableValue {
    const [status, severity] = this._alarmState(v);
    return new VariableValue(v, this.genDisp(v), this.disp, this.enum, status, severity);
  }
  genDisp(value: PyValue, useDisp: string | null = null): string {
    const d = useDisp ?? this.disp;
    try {
      if (d === '') return '';
      if (value instanceof NdArray) return ndarrayDisp(value, (x) => pyFormat(d, x));
      if (d === 'enum') {
        const e = this.enum;
        let r: PyValue | undefined;
        try {
          r = e?.get(value);
        } catch (x) {
          if (x instanceof UnhashableError) throw new PyTypeError(x.message);
          throw x;
        }
        if (r !== undefined) return r as string;
        this._log.warning(`Invalid enum value ${pyStr(value)} in variable '${this.path}'`);
        return `INVALID: ${pyStr(value)}`;
      }
      return pyFormat(d, value);
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error generating disp for value ${pyRepr(value)} with type ${typeReprOf(value)} in variable ${this.path}`);
      throw e;
    }
  }
  getDisp(read = true, index = -1): MaybePromise<string> {
    return then(this.get({ read, index }), (v) => this.genDisp(v));
  }
  valueDisp(index = -1): MaybePromise<string> {
    return this.getDisp(false, index);
  }
  /** Display string → value (enum name lookup, str as is, numpy via literal, else ast.literal_eval). */
  parseDisp(sValue: PyValue): PyValue {
    if (typeof sValue !== 'string') return sValue;
    try {
      return this._parseDispValue(sValue);
    } catch (e) {
      const msg = `Invalid value ${sValue} for variable ${this.name} with type ${nativeTypeRepr(this.nativeTypeName)}: ${excStr(e)}`;
      this._log.error(msg);
      throw new VariableError(msg);
    }
  }
  protected _parseDispValue(sValue: string): PyValue {
    const nt = this.nativeTypeName;
    if (nt === 'ndarray') return listToNdArray(this._ndType ?? NpDtype.float64, literalEval(sValue));
    if (this.disp === 'enum') {
      const r = this.revEnum?.get(sValue);
      if (r === undefined) throw new PyError('builtins', 'KeyError', pyRepr(sValue));
      return r;
    }
    if (nt === 'str') return sValue;
    return literalEval(sValue);
  }
  setDisp(sValue: PyValue, write = true, index = -1): MaybePromise<void> {
    let value = this.parseDisp(sValue);
    if (index >= 0 && value instanceof NdArray && value.ndim === 0) value = value.item(0);
    // the parsed value is Python-typed: set as a Python caller would (no TS conveniences)
    return this._pySet(value, { write, index });
  }

  _alarmState(value: PyValue): [string, string] {
    if (Array.isArray(value) || value instanceof PyDict || value instanceof NdArray) return ['None', 'None'];
    if (!this.hasAlarm) return ['None', 'None'];
    if (this._lowAlarm !== null && numLess(value, this._lowAlarm)) return ['AlarmLoLo', 'AlarmMajor'];
    if (this._highAlarm !== null && numLess(this._highAlarm, value)) return ['AlarmHiHi', 'AlarmMajor'];
    if (this._lowWarning !== null && numLess(value, this._lowWarning)) return ['AlarmLow', 'AlarmMinor'];
    if (this._highWarning !== null && numLess(this._highWarning, value)) return ['AlarmHigh', 'AlarmMinor'];
    return ['Good', 'Good'];
  }

  // --- update plumbing -------------------------------------------------------
  /** Queues this variable for the current update batch (pyrogue `_queueUpdate`). */
  _queueUpdate(): void {
    this.root?._queueUpdate(this);
  }
  /** Builds the VariableValue and calls this variable's function listeners (pyrogue `_doUpdate`). */
  _doUpdate(): MaybePromise<VariableValue> {
    return then(this.getVariableValue(false), (val) => {
      for (const f of this._functions) {
        try {
          f(this.path, val);
        } catch (e) {
          this._log.exception(e);
        }
      }
      return val;
    });
  }
  /** Called by Root.start(): sets the default (no write) like pyrogue's `_finishInit`. Override and call super. */
  _finishInit(): void {
    // eslint-disable-next-line @typescript-eslint/no-unused-expressions -- reads the getter for its check (pyrogue's _finishInit does the same)
    this.nativeTypeName;
  }

  /** pyrogue BaseVariable._getDict: this variable's value (not read), when its mode and groups pass. */
  override _getDict(modes: readonly string[], incGroups: string[] | null, excGroups: string[] | null): MaybePromise<VariableValue | null> {
    if (!modes.includes(this.mode) || !this.filterByGroup(incGroups, excGroups)) return null;
    return this.getVariableValue(false);
  }
  /**
   * pyrogue BaseVariable._setDict: applies one YAML config entry through setDisp. `keys` are the
   * array keys of an entry named `Var[k]` (one key: '*', ':', an index or a slice, on list and
   * ndarray variables); a dict value sets the indices it names; other values are one setDisp.
   */
  _setDict(d: PyValue, writeEach: boolean, modes: readonly string[], keys: readonly string[] | null = null): MaybePromise<void> {
    const skip = (): void => this._log.warning(`Skipping set for Entry ${this.name} with mode ${this._mode}. Enabled Modes=${pyRepr([...modes])}.`);
    if (keys !== null) {
      const nt = this.nativeTypeName;
      if (keys.length !== 1 || (nt !== 'list' && nt !== 'ndarray')) {
        this._log.error(`Entry ${this.name} with key ${pyRepr([...keys])} not found`);
        return;
      }
      if (!modes.includes(this._mode)) return skip();
      const key = keys[0];
      const n = this._numValues();
      if (key === '*' || key === ':') return seq(Array.from({ length: n }, (_, i) => () => this.setDisp(d, writeEach, i)));
      const sel = selectIndices(n, key);
      if (!key.includes(':')) return this.setDisp(d, writeEach, Array.isArray(sel) ? sel[0] : sel);
      const idx = Array.isArray(sel) ? sel : [sel];
      let values: PyValue[];
      if (typeof d === 'string') values = splitListText(d);
      else if (Array.isArray(d)) values = [...d];
      else if (d instanceof PyTuple) values = [...d.items];
      else values = [d];
      if (values.length === 1 && idx.length > 1) values = idx.map(() => values[0]);
      const fs: (() => MaybePromise<void>)[] = [];
      for (let k = 0; k < Math.min(values.length, idx.length); k++) {
        const val = values[k];
        fs.push(() => this.setDisp(typeof val === 'string' ? val.trim() : val, writeEach, idx[k]));
      }
      return seq(fs);
    }
    if (!modes.includes(this._mode)) return skip();
    if (d instanceof PyDict)
      return seq(
        [...d].map(
          ([k, v]) =>
            () =>
              this.setDisp(v, writeEach, toIndex(k)),
        ),
      );
    return this.setDisp(d, writeEach);
  }

  /** Number of values of an array variable (rogue's C++ `_numValues`; Python variables have none). */
  _numValues(): number {
    // pyrogue's Node.__getattr__ text: '<class ...> - path has no attribute name'
    throw new PyAttributeError(`${this.pyClass.str} - ${this.path} has no attribute _numValues`);
  }

  // --- Python surface --------------------------------------------------------
  static override pyMembers: PyMembers = {
    enum: prop((s: BaseVariable) => s.enum),
    revEnum: prop((s: BaseVariable) => s.revEnum),
    typeStr: prop((s: BaseVariable) => s.typeStr),
    disp: prop((s: BaseVariable) => s.disp),
    precision: prop((s: BaseVariable) => s.precision),
    mode: prop((s: BaseVariable) => s.mode),
    units: prop((s: BaseVariable) => s.units),
    minimum: prop((s: BaseVariable) => s.minimum),
    maximum: prop((s: BaseVariable) => s.maximum),
    hasAlarm: prop((s: BaseVariable) => s.hasAlarm),
    lowWarning: prop((s: BaseVariable) => s.lowWarning),
    lowAlarm: prop((s: BaseVariable) => s.lowAlarm),
    highWarning: prop((s: BaseVariable) => s.highWarning),
    highAlarm: prop((s: BaseVariable) => s.highAlarm),
    alarmStatus: prop((s: BaseVariable) => syncOrThrow(s.alarmStatus)),
    alarmSeverity: prop((s: BaseVariable) => syncOrThrow(s.alarmSeverity)),
    pollInterval: prop((s: BaseVariable) => s.pollInterval),
    lock: prop((s: BaseVariable) =>
      s._block ? new PyUnpicklable('_thread.RLock', `<unlocked _thread.RLock object owner=0 count=0 at 0x7f0000000000>`) : null,
    ),
    updateNotify: prop((s: BaseVariable) => s.updateNotify),
    nativeType: prop((s: BaseVariable) => {
      const n = s.nativeTypeName;
      return n === null ? null : n === 'ndarray' ? new PyGlobal('numpy', 'ndarray') : new PyGlobal('builtins', n);
    }, false),
    dependencies: prop((s: BaseVariable) => [...s.dependencies], false),
    setPollInterval: func('BaseVariable.setPollInterval', ['interval'], [], (s: BaseVariable, a) => {
      s.setPollInterval(a.get('interval') as number | bigint);
      return null;
    }),
    set: func(
      'BaseVariable.set',
      ['value'],
      [
        ['index', -1n],
        ['write', true],
        ['verify', true],
        ['wait', true],
        ['check', true],
      ],
      (s: BaseVariable, a) =>
        voidOf(
          s._pySet(a.get('value')!, {
            index: toIndex(a.get('index')),
            write: truthy(a.get('write'), true),
            verify: truthy(a.get('verify'), true),
            check: truthy(a.get('check'), true),
            wait: truthy(a.get('wait'), true),
          }),
        ),
    ),
    post: func('BaseVariable.post', ['value'], [['index', -1n]], (s: BaseVariable, a) => voidOf(s.post(a.get('value')!, { index: toIndex(a.get('index')) }))),
    get: func(
      'BaseVariable.get',
      [],
      [
        ['index', -1n],
        ['read', true],
        ['wait', true],
        ['check', true],
      ],
      (s: BaseVariable, a) =>
        s.get({ index: toIndex(a.get('index')), read: truthy(a.get('read'), true), check: truthy(a.get('check'), true), wait: truthy(a.get('wait'), true) }),
    ),
    write: func(
      'BaseVariable.write',
      [],
      [
        ['verify', true],
        ['wait', true],
        ['check', true],
      ],
      (s: BaseVariable, a) =>
        voidOf(s.write({ verify: truthy(a.get('verify'), true), check: truthy(a.get('check'), true), wait: truthy(a.get('wait'), true) })),
    ),
    getVariableValue: func(
      'BaseVariable.getVariableValue',
      [
        ['read', true],
        ['index', -1n],
      ],
      [],
      (s: BaseVariable, a) => s.getVariableValue(truthy(a.get('read'), true), toIndex(a.get('index'))),
    ),
    value: func('BaseVariable.value', [['index', -1n]], [], (s: BaseVariable, a) => s.value(toIndex(a.get('index')))),
    genDisp: func('BaseVariable.genDisp', ['value'], [['useDisp', null]], (s: BaseVariable, a) =>
      s.genDisp(a.get('value')!, (a.get('useDisp') as string | null) ?? null),
    ),
    getDisp: func(
      'BaseVariable.getDisp',
      [
        ['read', true],
        ['index', -1n],
      ],
      [],
      (s: BaseVariable, a) => s.getDisp(truthy(a.get('read'), true), toIndex(a.get('index'))),
    ),
    valueDisp: func('BaseVariable.valueDisp', [['index', -1n]], [], (s: BaseVariable, a) => s.valueDisp(toIndex(a.get('index')))),
    parseDisp: func('BaseVariable.parseDisp', ['sValue'], [], (s: BaseVariable, a) => s.parseDisp(a.get('sValue')!)),
    setDisp: func('BaseVariable.setDisp', ['sValue', ['write', true], ['index', -1n]], [], (s: BaseVariable, a) =>
      voidOf(s.setDisp(a.get('sValue')!, truthy(a.get('write'), true), toIndex(a.get('index')))),
    ),
    addListener: func(
      'BaseVariable.addListener',
      ['listener'],
      [],
      () => {
        throw new PyTypeError('addListener is not available remotely');
      },
      false,
    ),
  };

  /** set() as Python calls it (no TS conveniences). Subclasses normally override `set` only. */
  _pySet(value: PyValue, opts: SetOptions): MaybePromise<void> {
    return this.set(value, opts);
  }
}

function voidOf(x: MaybePromise<unknown>): MaybePromise<PyValue> {
  return then(x, () => null);
}
function syncOrThrow<T extends PyValue>(x: MaybePromise<T>): T {
  if (isPromiseLike(x)) throw new PyTypeError('value not available synchronously');
  return x;
}
function typeReprOf(v: PyValue): string {
  if (v instanceof NdArray) return "<class 'numpy.ndarray'>";
  return `<class '${typeName(v)}'>`;
}
/** str(e) of a Python exception. */
export function excStr(e: unknown): string {
  if (e instanceof PyError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---------------------------------------------------------------------------
// LocalBlock & LocalVariable

export interface LocalSetArgs {
  dev: Node | null;
  var: BaseVariable;
  value: PyValue;
  changed: boolean;
}
export interface LocalGetArgs {
  dev: Node | null;
  var: BaseVariable;
}
/** Synchronous hooks (pyrogue localSet/localGet); they receive named arguments in one object. */
export type LocalSetFunc = (args: LocalSetArgs) => void;
export type LocalGetFunc = (args: LocalGetArgs) => PyValue;

/** pyrogue's LocalBlock: holds one local variable's value. */
export class LocalBlock implements TreeBlock {
  enable = true;
  readonly variables: BaseVariable[];
  constructor(
    readonly variable: BaseVariable,
    private _value: PyValue,
    private readonly localSet: LocalSetFunc | null,
    private readonly localGet: LocalGetFunc | null,
  ) {
    this.variables = [variable];
  }
  get bulkOpEn(): boolean {
    return this.variable.bulkOpEn;
  }
  get rawValue(): PyValue {
    return this._value;
  }
  /**
   * pyrogue LocalBlock.set, in its order: an indexed set reads the old item (IndexError/TypeError
   * as Python's subscript) and assigns without checks; a whole list/dict is taken as changed; a
   * scalar is range-checked with Python's `<`/`>` (TypeError for unorderable types) before the
   * type check (`typeCheck`, isinstance of the variable's nativeType). Nothing changes on failure.
   */
  set(value: PyValue, index: number): void {
    const v = this.variable;
    let changed: boolean;
    let newValue: PyValue;
    if (index < 0 && (Array.isArray(value) || value instanceof PyDict)) changed = true;
    else if (index >= 0) changed = !pyEquals(itemGet(this._value, index), value);
    // pyrogue computes np.array_equal(old, new) here (true when nothing changed); kept as it is.
    else if (value instanceof NdArray) changed = this._value instanceof NdArray && pyEquals(this._value, value);
    else {
      const min = v.minimum;
      const max = v.maximum;
      if ((min !== null && pyLess(value, min)) || (max !== null && pyGreater(value, max))) {
        throw new VariableError(`Value range error for ${v.name}. Value=${pyStr(value)}, Min=${pyStr(min)}, Max=${pyStr(max)}`);
      }
      changed = !pyEquals(this._value, value);
    }
    if (index >= 0) newValue = itemSet(this._value, index, value);
    else {
      const nt = v.nativeTypeName;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- reads a LocalVariable field through the base type
      if ((v as LocalVariable)._typeCheckEnabled && nt !== null && !isInstanceOfNamed(value, nt)) {
        throw new VariableError(
          `Type mismatch for ${v.path}: expected ${nativeTypeRepr(nt)}, got ${typeRepr(value)}. ` +
            'If this variable intentionally changes Python types, construct it with typeCheck=False.',
        );
      }
      newValue = value;
    }
    this._value = newValue;
    if (this.enable && this.localSet) this.localSet({ dev: v.parent, var: v, value: newValue, changed });
  }
  get(index: number): PyValue {
    const v = this.variable;
    if (this.localGet) this._value = this.localGet({ dev: v.parent, var: v });
    return index >= 0 ? itemGet(this._value, index) : this._value;
  }
  startTransaction(type: TransactionType, opts: TransactionOptions): void {
    void opts;
    if (!this.enable) return;
    if ((type === 'read' || type === 'verify') && this.localGet) {
      const v = this.variable;
      this._value = this.localGet({ dev: v.parent, var: v });
    }
  }
  checkTransaction(): void {
    if (this.enable && this.variable.updateNotify) this.variable._queueUpdate();
  }
}

export interface LocalVariableOptions extends BaseVariableOptions {
  localSet?: LocalSetFunc | null;
  localGet?: LocalGetFunc | null;
}

/**
 * A variable whose value lives in this process.
 *   new LocalVariable({ name: 'Int', value: 1n, mode: 'RW', description: 'plain int' })
 * `get()`/`set()` are synchronous for LocalVariable.
 * TypeScript convenience (not applied to Python callers): `set(3)` on an int variable stores 3n.
 */
export class LocalVariable extends BaseVariable {
  static override pyModule = 'pyrogue._Variable';
  static override pyName = 'LocalVariable';
  declare _block: LocalBlock;

  constructor(opts: LocalVariableOptions) {
    if ((opts.value === undefined || opts.value === null) && !opts.localGet) {
      throw new VariableError(`LocalVariable ${opts.name} without localGet() must specify value= argument in constructor`);
    }
    super(opts);
    this._block = new LocalBlock(this, this._default, opts.localSet ?? null, opts.localGet ?? null);
  }
  get _typeCheckEnabled(): boolean {
    return this._typeCheck;
  }

  override set(value: PyValue, opts: SetOptions = {}): void {
    this._localSet(coerceTs(this, value), opts);
  }
  override _pySet(value: PyValue, opts: SetOptions): void {
    this._localSet(value, opts);
  }
  private _localSet(value: PyValue, opts: SetOptions): void {
    const index = opts.index ?? -1;
    try {
      this._block.set(value, index);
      if (opts.write ?? true) this._block.checkTransaction();
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error setting value ${pyRepr(value)} to variable ${this.path} with type ${this.typeStr}. Exception=${excStr(e)}`);
      throw e;
    }
  }
  override post(value: PyValue, opts: { index?: number } = {}): void {
    try {
      this._block.set(value, opts.index ?? -1);
      this._block.checkTransaction();
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error posting value ${pyRepr(value)} to variable ${this.path} with type ${this.typeStr}`);
      throw e;
    }
  }
  override get(opts: GetOptions = {}): PyValue {
    try {
      if ((opts.read ?? true) && (opts.check ?? true)) this._block.checkTransaction();
      return this._block.get(opts.index ?? -1);
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error reading value from variable ${this.path}`);
      throw e;
    }
  }
  override value(index = -1): PyValue {
    return this.get({ read: false, index });
  }
  override getVariableValue(read = true, index = -1): VariableValue {
    return this._makeVariableValue(this.get({ read, index }));
  }
  override getDisp(read = true, index = -1): string {
    return this.genDisp(this.get({ read, index }));
  }
  override valueDisp(index = -1): string {
    return this.getDisp(false, index);
  }
  override setDisp(sValue: PyValue, write = true, index = -1): void {
    // LocalVariable._pySet is synchronous: super's MaybePromise is never a promise here.
    void super.setDisp(sValue, write, index);
  }
  protected override _peek(): PyValue | undefined {
    if (!this._block) return this._default;
    try {
      return this._block.get(-1);
    } catch {
      return undefined;
    }
  }

  static override pyMembers: PyMembers = {
    set: func(
      'LocalVariable.set',
      ['value'],
      [
        ['index', -1n],
        ['write', true],
        ['verify', true],
        ['wait', true],
        ['check', true],
      ],
      (s: LocalVariable, a) => {
        s._pySet(a.get('value')!, { index: toIndex(a.get('index')), write: truthy(a.get('write'), true) });
        return null;
      },
    ),
    post: func('LocalVariable.post', ['value'], [['index', -1n]], (s: LocalVariable, a) => {
      s.post(a.get('value')!, { index: toIndex(a.get('index')) });
      return null;
    }),
    get: func(
      'LocalVariable.get',
      [],
      [
        ['index', -1n],
        ['read', true],
        ['wait', true],
        ['check', true],
      ],
      (s: LocalVariable, a) => s.get({ index: toIndex(a.get('index')), read: truthy(a.get('read'), true), check: truthy(a.get('check'), true) }),
    ),
  };
}

/**
 * TS-side conveniences (never applied to Python callers, who get pyrogue's type check): an
 * integral JS number for an int variable becomes a bigint; a JS array for a numpy array
 * variable becomes an array of the variable's dtype.
 */
export function coerceTs(v: BaseVariable, value: PyValue): PyValue {
  if (typeof value === 'number' && Number.isInteger(value) && v.nativeTypeName === 'int') return BigInt(value);
  if (Array.isArray(value) && v.nativeTypeName === 'ndarray') return listToNdArray(v.ndType ?? NpDtype.float64, value);
  return value;
}

// ---------------------------------------------------------------------------
// LinkVariable

export interface LinkedGetArgs {
  dev: Node | null;
  var: LinkVariable;
  read: boolean;
  index: number;
  check: boolean;
}
export interface LinkedSetArgs {
  dev: Node | null;
  var: LinkVariable;
  value: PyValue;
  write: boolean;
  index: number;
  verify: boolean;
  check: boolean;
}
export interface LinkVariableOptions extends Omit<BaseVariableOptions, 'minimum' | 'maximum'> {
  /** Directly linked variable: its get/set are used unless linkedGet/linkedSet are given. */
  variable?: BaseVariable | null;
  dependencies?: BaseVariable[];
  linkedGet?: ((args: LinkedGetArgs) => MaybePromise<PyValue>) | null;
  linkedSet?: ((args: LinkedSetArgs) => MaybePromise<unknown>) | null;
}

/**
 * A variable computed from others.
 *   new LinkVariable({ name: 'IntTimesTwo', mode: 'RO', dependencies: [int],
 *                      linkedGet: ({ read }) => (int.get({ read }) as bigint) * 2n })
 */
export class LinkVariable extends BaseVariable {
  static override pyModule = 'pyrogue._Variable';
  static override pyName = 'LinkVariable';
  private readonly _linkedGet: ((args: LinkedGetArgs) => MaybePromise<PyValue>) | null;
  private readonly _linkedSet: ((args: LinkedSetArgs) => MaybePromise<unknown>) | null;

  constructor(opts: LinkVariableOptions) {
    const o: BaseVariableOptions = { ...opts };
    let lget = opts.linkedGet ?? null;
    let lset = opts.linkedSet ?? null;
    const target = opts.variable ?? null;
    if (target) {
      lget = lget ?? ((a: LinkedGetArgs) => target.get({ read: a.read, index: a.index, check: a.check }));
      lset = lset ?? ((a: LinkedSetArgs) => target.set(a.value, { write: a.write, index: a.index, verify: a.verify, check: a.check }));
      if (!('disp' in opts)) o.disp = target.enum ? target.enum : target.disp;
      if (!('enum' in opts) && target.enum) o.enum = target.enum;
      if (!('units' in opts)) o.units = target.units;
    }
    if (!lset) o.mode = 'RO';
    if (!lget) o.mode = 'WO';
    if (o.typeStr === undefined) o.typeStr = 'Unknown';
    super(o);
    this._linkedGet = lget;
    this._linkedSet = lset;
    if (target) this.addDependency(target);
    for (const d of opts.dependencies ?? []) this.addDependency(d);
  }

  override set(value: PyValue, opts: SetOptions = {}): MaybePromise<void> {
    if (!this._linkedSet) return;
    try {
      const r = this._linkedSet({
        dev: this.parent,
        var: this,
        value,
        write: opts.write ?? true,
        index: opts.index ?? -1,
        verify: opts.verify ?? true,
        check: opts.check ?? true,
      });
      if (isPromiseLike(r))
        return r.then(
          () => undefined,
          (e) => this._setFail(e),
        );
    } catch (e) {
      this._setFail(e);
    }
  }
  private _setFail(e: unknown): never {
    this._log.exception(e);
    this._log.error(`Error setting link variable ${this.path}`);
    throw e;
  }
  override get(opts: GetOptions = {}): MaybePromise<PyValue> {
    if (!this._linkedGet) return null;
    try {
      const r = this._linkedGet({ dev: this.parent, var: this, read: opts.read ?? true, index: opts.index ?? -1, check: opts.check ?? true });
      if (isPromiseLike(r)) return r.then(undefined, (e: unknown) => this._getFail(e));
      return r;
    } catch (e) {
      return this._getFail(e);
    }
  }
  private _getFail(e: unknown): never {
    this._log.exception(e);
    this._log.error(`Error getting link variable ${this.path}`);
    throw e;
  }
  /** Minimum non-zero poll interval of the dependencies (0 when none). */
  override get pollInterval(): bigint | number {
    const ds = this.dependencies.map((d) => d.pollInterval).filter((p) => Number(p) > 0);
    if (ds.length === 0) return 0n;
    return ds.reduce((a, b) => (Number(b) < Number(a) ? b : a));
  }
  /** Blocks of the dependencies (recursively through LinkVariables). */
  get depBlocks(): TreeBlock[] {
    const out: TreeBlock[] = [];
    for (const d of this.dependencies) {
      if (d instanceof LinkVariable) out.push(...d.depBlocks);
      else if (d._block) out.push(d._block);
    }
    return out;
  }

  static override pyMembers: PyMembers = {
    set: func(
      'LinkVariable.set',
      ['value'],
      [
        ['write', true],
        ['index', -1n],
        ['verify', true],
        ['wait', true],
        ['check', true],
      ],
      (s: LinkVariable, a) =>
        voidOf(
          s.set(a.get('value')!, {
            write: truthy(a.get('write'), true),
            index: toIndex(a.get('index')),
            verify: truthy(a.get('verify'), true),
            check: truthy(a.get('check'), true),
          }),
        ),
    ),
    get: func(
      'LinkVariable.get',
      [
        ['read', true],
        ['index', -1n],
        ['check', true],
      ],
      [['wait', true]],
      (s: LinkVariable, a) => s.get({ read: truthy(a.get('read'), true), index: toIndex(a.get('index')), check: truthy(a.get('check'), true) }),
    ),
    pollInterval: prop((s: LinkVariable) => s.pollInterval),
  };
}
