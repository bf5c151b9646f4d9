/**
 * The Python value model: JavaScript types that keep what a plain JS value
 * loses, so a reply can carry the exact Python type pyrogue would send.
 *
 *   Python            TypeScript
 *   None              null
 *   bool              boolean
 *   int               bigint            (any size and sign)
 *   float             number            (always a float, even when integral)
 *   str               string
 *   bytes             Uint8Array        (Buffer is fine too)
 *   bytearray         PyByteArray
 *   list              PyValue[]         (a plain JS array)
 *   tuple             PyTuple
 *   dict              PyDict            (insertion-ordered, any hashable key)
 *   OrderedDict       PyOrderedDict
 *   set / frozenset   PySet / PyFrozenSet
 *   complex           PyComplex
 *   numpy.ndarray     NdArray           (dtype, shape, order, raw bytes)
 *   numpy scalar      NpScalar
 *   a class/function  PyGlobal          (module + qualified name)
 *   other objects     PyObject          (how the pickle built it: global + args/state)
 *   anything with a   Reducible         (e.g. tree nodes; the encoder asks it for
 *   __reduce__                           the value to pickle in its place)
 *
 * This module has no dependencies: the codec, the tree and the server all
 * speak it.
 */
import { PyError } from './errors';
import { halfToNumber, numberToHalf } from './float16';

export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | PyByteArray
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyFrozenSet
  | PyComplex
  | NdArray
  | NpScalar
  | PyGlobal
  | PyObject
  | PyUnpicklable
  | Reducible;

/** Objects that stand for something else on the wire (Python's `__reduce__`). */
export const PY_REDUCE: unique symbol = Symbol.for('pyrogue-ts.reduce');
export interface Reducible {
  [PY_REDUCE](): PyValue;
}
/**
 * A Reducible whose reduction is a plain instance: `PyObject.instance(module,
 * name, PyDict.from({k: obj[k] for k of keys}))`, keys in that order. The
 * pickle encoder reads the fields straight from the object and writes the
 * same bytes without building the PyObject and its state dict (a
 * VariableValue in every published update). `PY_REDUCE` must still give
 * that reduction: everything else (repr, other codecs) uses it.
 */
export const PY_INSTANCE_FIELDS: unique symbol = Symbol.for('pyrogue-ts.instanceFields');
export interface InstanceFields {
  readonly module: string;
  readonly name: string;
  readonly keys: readonly string[];
}
export interface HasInstanceFields extends Reducible {
  readonly [PY_INSTANCE_FIELDS]: InstanceFields;
}
/** Objects with a Python `repr()` of their own (e.g. tree nodes: "<class '...'> - Root.Dev.Var"). */
export const PY_REPR: unique symbol = Symbol.for('pyrogue-ts.repr');
export interface HasPyRepr {
  [PY_REPR](): string;
}

/**
 * A Python object that exists only to be refused by the pickler, e.g. a
 * variable's `lock` (`_thread.RLock`): pickling it raises
 * "TypeError: cannot pickle '_thread.RLock' object".
 */
export class PyUnpicklable {
  constructor(
    public readonly pyTypeName: string,
    public readonly reprText: string,
  ) {}
}

export function isReducible(v: unknown): v is Reducible {
  return typeof v === 'object' && v !== null && typeof (v as Reducible)[PY_REDUCE] === 'function';
}

export class PyTuple {
  readonly items: readonly PyValue[];
  constructor(items: readonly PyValue[] = []) {
    this.items = items;
  }
  get length(): number {
    return this.items.length;
  }
  static of(...items: PyValue[]): PyTuple {
    return new PyTuple(items);
  }
  static readonly EMPTY = new PyTuple([]);
}

export class PyByteArray {
  constructor(public data: Uint8Array = new Uint8Array(0)) {}
}

export class PyComplex {
  constructor(
    public readonly re: number,
    public readonly im: number,
  ) {}
}

/** A reference to a Python class or function: `module.qualname`. */
export class PyGlobal {
  constructor(
    public readonly module: string,
    public readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/**
 * An instance of a Python class that has no native model here, described the
 * way a pickle builds it:
 *  - `reduce`:     cls(*args)                      (REDUCE)
 *  - `newobj`:     cls.__new__(cls, *args)          (NEWOBJ)
 *  - `newobj_ex`:  cls.__new__(cls, *args, **kwargs) (NEWOBJ_EX)
 * then `state` (BUILD, `undefined` when absent), `listItems` (APPEND(S)) and
 * `dictItems` (SETITEM(S)).
 */
export class PyObject {
  state: PyValue | undefined = undefined;
  listItems: PyValue[] = [];
  dictItems: [PyValue, PyValue][] = [];
  constructor(
    public readonly cls: PyGlobal,
    public readonly args: PyValue[] = [],
    public readonly how: 'reduce' | 'newobj' | 'newobj_ex' = 'reduce',
    public readonly kwargs?: PyDict,
  ) {}
  /** A plain-class instance as Python's `object.__reduce_ex__(2+)` gives it: NEWOBJ, then BUILD with its `__dict__`. */
  static instance(module: string, name: string, dict: PyDict): PyObject {
    const o = new PyObject(new PyGlobal(module, name), [], 'newobj');
    o.state = dict;
    return o;
  }
  /** `builtins.Exception(message)` and friends: REDUCE of the class with the args tuple. */
  static exception(message: string, module = 'builtins', name = 'Exception'): PyObject {
    return new PyObject(new PyGlobal(module, name), [message], 'reduce');
  }
}

// ---------------------------------------------------------------------------
// Hashing: Python dict keys and set members compare by value; 1 == 1.0 == True.

/** Python's `TypeError: unhashable type: 'list'` (a list, dict or set used as a dict key or set member). */
export class UnhashableError extends PyError {
  constructor(public readonly typeName: string) {
    super('builtins', 'TypeError', `unhashable type: '${typeName}'`);
  }
}

/** A string that is equal for two values exactly when Python's `==` (and hash) make them the same key. */
export function hashKey(v: PyValue): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
      return v ? 'n1' : 'n0';
    case 'bigint':
      return 'n' + v.toString();
    case 'number':
      if (Number.isInteger(v)) return 'n' + BigInt(v).toString();
      if (Number.isNaN(v)) return 'nan';
      return 'f' + String(v);
    case 'string':
      return 's' + v;
  }
  if (v instanceof Uint8Array) return 'y' + Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  if (v instanceof PyTuple) return 't(' + v.items.map(hashKey).join('\u0000,') + ')';
  if (v instanceof PyFrozenSet) return 'F{' + [...v.keys()].sort().join('\u0000,') + '}';
  if (v instanceof PyComplex) return v.im === 0 ? hashKey(v.re) : `c${v.re},${v.im}`;
  if (v instanceof PyGlobal) return 'g' + v.qualified;
  if (v instanceof NpScalar) return 'S' + v.dtype.str + Buffer.from(v.data).toString('hex');
  throw new UnhashableError(typeName(v));
}

/**
 * A dict entry [key, value], made by copying a template rather than by an array literal. V8 tracks
 * an array literal's allocations (an allocation site) and, once enough of them outlive a young
 * collection, allocates every later one straight in the old generation ("pretenuring"). One
 * literal here serves every dict, so a few large dicts held a while (the 1,000-child `nodes`
 * dicts a device's reduce carries while the root's `nodes` reply is written) made every later
 * entry, including the throwaway ones of each reply, old-generation garbage: the old heap then grew
 * to ~300 MiB before its first full collection during a 100,000-variable bootstrap (~90 MiB
 * without). `slice()` is a builtin with no allocation site, so entries always start young.
 */
const ENTRY: readonly [PyValue, PyValue] = [null, null];
function newEntry(key: PyValue, value: PyValue): [PyValue, PyValue] {
  const e = ENTRY.slice() as [PyValue, PyValue];
  e[0] = key;
  e[1] = value;
  return e;
}

/** An insertion-ordered dict whose keys may be any hashable Python value. */
export class PyDict {
  private readonly map = new Map<string, [PyValue, PyValue]>();

  constructor(entries?: Iterable<readonly [PyValue, PyValue]>) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }
  /** A dict with str keys from a JS object (insertion order kept). */
  static from(obj: Record<string, PyValue>): PyDict {
    const d = new PyDict();
    for (const k of Object.keys(obj)) d.set(k, obj[k]);
    return d;
  }
  get size(): number {
    return this.map.size;
  }
  get(key: PyValue): PyValue | undefined {
    const e = this.map.get(hashKey(key));
    return e === undefined ? undefined : e[1];
  }
  has(key: PyValue): boolean {
    return this.map.has(hashKey(key));
  }
  /** Python semantics: an existing equal key keeps its original key object and position. */
  set(key: PyValue, value: PyValue): this {
    const h = hashKey(key);
    const e = this.map.get(h);
    if (e) e[1] = value;
    else this.map.set(h, newEntry(key, value));
    return this;
  }
  delete(key: PyValue): boolean {
    return this.map.delete(hashKey(key));
  }
  clear(): void {
    this.map.clear();
  }
  *keys(): IterableIterator<PyValue> {
    for (const e of this.map.values()) yield e[0];
  }
  *values(): IterableIterator<PyValue> {
    for (const e of this.map.values()) yield e[1];
  }
  entries(): IterableIterator<[PyValue, PyValue]> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[PyValue, PyValue]> {
    return this.map.values();
  }
}

/** `collections.OrderedDict`: a dict that pickles under its own class name. */
export class PyOrderedDict extends PyDict {}

class PySetBase {
  private readonly map = new Map<string, PyValue>();
  constructor(items?: Iterable<PyValue>) {
    if (items) for (const x of items) this.map.set(hashKey(x), x);
  }
  protected addItem(x: PyValue): void {
    const h = hashKey(x);
    if (!this.map.has(h)) this.map.set(h, x);
  }
  get size(): number {
    return this.map.size;
  }
  has(x: PyValue): boolean {
    return this.map.has(hashKey(x));
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<PyValue> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<PyValue> {
    return this.map.values();
  }
}
export class PySet extends PySetBase {
  add(x: PyValue): this {
    this.addItem(x);
    return this;
  }
}
export class PyFrozenSet extends PySetBase {}

// ---------------------------------------------------------------------------
// numpy

export type DtypeKind = 'b' | 'i' | 'u' | 'f' | 'c' | 'S' | 'U' | 'V' | 'O' | 'M' | 'm';

/** A numpy dtype for fixed-size element types: kind, item size and byte order. */
export class NpDtype {
  /** `byteorder` is '<', '>' or '|' (not applicable: 1-byte and byte strings). */
  constructor(
    public readonly kind: DtypeKind,
    public readonly itemsize: number,
    public readonly byteorder: '<' | '>' | '|' = itemsize === 1 || kind === 'S' || kind === 'V' || kind === 'b' ? '|' : '<',
  ) {}
  /** numpy's `dtype.str`, e.g. '<f8', '|u1', '<U5'. */
  get str(): string {
    const size = this.kind === 'U' ? this.itemsize / 4 : this.itemsize;
    return `${this.byteorder}${this.kind}${size}`;
  }
  /** The name numpy pickles the dtype under: 'f8', 'i4', 'b1', 'U5', 'S3'. */
  get pickleName(): string {
    const size = this.kind === 'U' ? this.itemsize / 4 : this.itemsize;
    return `${this.kind}${size}`;
  }
  /** numpy's `dtype.name`: 'float64', 'int32', 'bool', 'str160'... */
  get name(): string {
    switch (this.kind) {
      case 'b':
        return 'bool';
      case 'i':
        return `int${this.itemsize * 8}`;
      case 'u':
        return `uint${this.itemsize * 8}`;
      case 'f':
        return `float${this.itemsize * 8}`;
      case 'c':
        return `complex${this.itemsize * 8}`;
      case 'U':
        return `str${this.itemsize * 8}`;
      case 'S':
        return `bytes${this.itemsize * 8}`;
      case 'O':
        return 'object';
      default:
        return `${this.kind}${this.itemsize}`;
    }
  }
  get littleEndian(): boolean {
    return this.byteorder !== '>';
  }
  static parse(s: string): NpDtype {
    const m = /^([<>|=]?)([biufcSUVOMm])(\d+)$/.exec(s);
    if (!m) throw new TypeError(`data type '${s}' not understood`);
    const kind = m[2] as DtypeKind;
    let size = Number(m[3]);
    if (kind === 'U') size *= 4;
    const order = m[1] === '' || m[1] === '=' ? undefined : (m[1] as '<' | '>' | '|');
    return new NpDtype(kind, size, order);
  }
  static readonly float64 = new NpDtype('f', 8);
  static readonly float32 = new NpDtype('f', 4);
  static readonly float16 = new NpDtype('f', 2);
  static readonly int64 = new NpDtype('i', 8);
  static readonly int32 = new NpDtype('i', 4);
  static readonly int16 = new NpDtype('i', 2);
  static readonly int8 = new NpDtype('i', 1);
  static readonly uint64 = new NpDtype('u', 8);
  static readonly uint32 = new NpDtype('u', 4);
  static readonly uint16 = new NpDtype('u', 2);
  static readonly uint8 = new NpDtype('u', 1);
  static readonly bool = new NpDtype('b', 1);
}

/** Element as a Python value: bool, int (bigint), float, complex, bytes or str. */
export function readElement(dtype: NpDtype, data: Uint8Array, byteOffset: number): PyValue {
  const dv = new DataView(data.buffer, data.byteOffset + byteOffset, dtype.itemsize);
  const le = dtype.littleEndian;
  switch (dtype.kind) {
    case 'b':
      return dv.getUint8(0) !== 0;
    case 'i':
    case 'u': {
      const signed = dtype.kind === 'i';
      switch (dtype.itemsize) {
        case 1:
          return BigInt(signed ? dv.getInt8(0) : dv.getUint8(0));
        case 2:
          return BigInt(signed ? dv.getInt16(0, le) : dv.getUint16(0, le));
        case 4:
          return BigInt(signed ? dv.getInt32(0, le) : dv.getUint32(0, le));
        case 8:
          return signed ? dv.getBigInt64(0, le) : dv.getBigUint64(0, le);
      }
      break;
    }
    case 'f':
      if (dtype.itemsize === 8) return dv.getFloat64(0, le);
      if (dtype.itemsize === 4) return dv.getFloat32(0, le);
      if (dtype.itemsize === 2) return halfToNumber(dv.getUint16(0, le));
      break;
    case 'c':
      if (dtype.itemsize === 16) return new PyComplex(dv.getFloat64(0, le), dv.getFloat64(8, le));
      if (dtype.itemsize === 8) return new PyComplex(dv.getFloat32(0, le), dv.getFloat32(4, le));
      break;
    case 'S': {
      const b = data.subarray(byteOffset, byteOffset + dtype.itemsize);
      let end = b.length;
      while (end > 0 && b[end - 1] === 0) end--;
      return b.slice(0, end);
    }
    case 'U': {
      let s = '';
      for (let i = 0; i < dtype.itemsize; i += 4) {
        const cp = dv.getUint32(i, le);
        if (cp === 0) break;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
  }
  throw new TypeError(`unsupported numpy dtype ${dtype.str}`);
}

/** Writes one element (a Python value of a compatible type) into `data` at `byteOffset`. */
export function writeElement(dtype: NpDtype, data: Uint8Array, byteOffset: number, v: PyValue): void {
  const dv = new DataView(data.buffer, data.byteOffset + byteOffset, dtype.itemsize);
  const le = dtype.littleEndian;
  const asNumber = (): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : (v as number));
  const asBig = (): bigint => (typeof v === 'bigint' ? v : typeof v === 'boolean' ? BigInt(v) : BigInt(Math.trunc(v as number)));
  switch (dtype.kind) {
    case 'b':
      dv.setUint8(0, v ? 1 : 0);
      return;
    case 'i':
    case 'u': {
      const n = asBig();
      switch (dtype.itemsize) {
        case 1:
          dv.setUint8(0, Number(BigInt.asUintN(8, n)));
          return;
        case 2:
          dv.setUint16(0, Number(BigInt.asUintN(16, n)), le);
          return;
        case 4:
          dv.setUint32(0, Number(BigInt.asUintN(32, n)), le);
          return;
        case 8:
          dv.setBigUint64(0, BigInt.asUintN(64, n), le);
          return;
      }
      break;
    }
    case 'f':
      if (dtype.itemsize === 8) return dv.setFloat64(0, asNumber(), le);
      if (dtype.itemsize === 4) return dv.setFloat32(0, asNumber(), le);
      if (dtype.itemsize === 2) return dv.setUint16(0, numberToHalf(asNumber()), le);
      break;
    case 'c': {
      const c = v instanceof PyComplex ? v : new PyComplex(asNumber(), 0);
      if (dtype.itemsize === 16) {
        dv.setFloat64(0, c.re, le);
        dv.setFloat64(8, c.im, le);
        return;
      }
      if (dtype.itemsize === 8) {
        dv.setFloat32(0, c.re, le);
        dv.setFloat32(4, c.im, le);
        return;
      }
      break;
    }
    case 'S': {
      const b = v as Uint8Array;
      data.fill(0, byteOffset, byteOffset + dtype.itemsize);
      data.set(b.subarray(0, dtype.itemsize), byteOffset);
      return;
    }
    case 'U': {
      const cps = [...(v as string)];
      for (let i = 0; i < dtype.itemsize / 4; i++) dv.setUint32(i * 4, i < cps.length ? cps[i].codePointAt(0)! : 0, le);
      return;
    }
  }
  throw new TypeError(`unsupported numpy dtype ${dtype.str}`);
}

/** A numpy ndarray: dtype, shape, memory order and the raw element bytes (in that order). */
export class NdArray {
  constructor(
    public readonly dtype: NpDtype,
    public readonly shape: readonly number[],
    public readonly data: Uint8Array,
    public readonly fortran = false,
  ) {
    const need = shape.reduce((a, b) => a * b, 1) * dtype.itemsize;
    if (data.length !== need) throw new RangeError(`ndarray data is ${data.length} bytes, shape ${JSON.stringify(shape)} of ${dtype.str} needs ${need}`);
  }
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** Element i in memory order, as a Python value. */
  item(i: number): PyValue {
    return readElement(this.dtype, this.data, i * this.dtype.itemsize);
  }
  /** numpy scalar for element i (what `arr[i]` gives on a 1-d array). */
  scalar(i: number): NpScalar {
    const o = i * this.dtype.itemsize;
    return new NpScalar(this.dtype, this.data.slice(o, o + this.dtype.itemsize));
  }
  /** Elements in memory order. */
  items(): PyValue[] {
    const out: PyValue[] = new Array<PyValue>(this.size);
    for (let i = 0; i < out.length; i++) out[i] = this.item(i);
    return out;
  }
  /** `arr.tolist()` for C-ordered arrays: nested lists of Python values. */
  toList(): PyValue {
    const flat = this.items();
    if (this.shape.length === 0) return flat[0];
    const build = (dim: number, offset: number, stride: number): PyValue[] => {
      const n = this.shape[dim];
      const sub = stride / n;
      const out: PyValue[] = [];
      for (let i = 0; i < n; i++) out.push(dim === this.shape.length - 1 ? flat[offset + i] : build(dim + 1, offset + i * sub, sub));
      return out;
    };
    return build(0, 0, flat.length);
  }
  /** A C-ordered 1-d (or given shape) array of the given dtype from Python values. */
  static from(dtype: NpDtype, values: readonly PyValue[], shape: readonly number[] = [values.length]): NdArray {
    const data = new Uint8Array(values.length * dtype.itemsize);
    values.forEach((v, i) => writeElement(dtype, data, i * dtype.itemsize, v));
    return new NdArray(dtype, shape, data);
  }
}

/** A numpy scalar (`numpy.float64(1.5)`, `numpy.int32(3)`...): dtype plus its raw bytes. */
export class NpScalar {
  constructor(
    public readonly dtype: NpDtype,
    public readonly data: Uint8Array,
  ) {}
  get value(): PyValue {
    return readElement(this.dtype, this.data, 0);
  }
  static of(dtype: NpDtype, v: PyValue): NpScalar {
    const data = new Uint8Array(dtype.itemsize);
    writeElement(dtype, data, 0, v);
    return new NpScalar(dtype, data);
  }
}

// ---------------------------------------------------------------------------
// Helpers

/** None, a bool, an int, a float or a str: a value nothing can change in place. */
export function isImmutableScalar(v: PyValue): boolean {
  return v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string';
}

/** Python's `type(v).__name__` (numpy types as numpy names them). */
export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'str';
  }
  if (Array.isArray(v)) return 'list';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PyByteArray) return 'bytearray';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyOrderedDict) return 'OrderedDict';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PySet) return 'set';
  if (v instanceof PyFrozenSet) return 'frozenset';
  if (v instanceof PyComplex) return 'complex';
  if (v instanceof NdArray) return 'ndarray';
  if (v instanceof NpScalar) return v.dtype.kind === 'b' ? 'bool_' : v.dtype.kind === 'U' ? 'str_' : v.dtype.kind === 'S' ? 'bytes_' : v.dtype.name;
  if (v instanceof PyGlobal) return 'type';
  if (v instanceof PyObject) return v.cls.name;
  return 'object';
}

/** The type name CPython's messages give an instance: 'int', 'numpy.float32', 'numpy.ndarray'. */
export function instanceTypeName(v: PyValue): string {
  if (v instanceof NdArray) return 'numpy.ndarray';
  if (v instanceof NpScalar) return `numpy.${typeName(v)}`;
  return typeName(v);
}

/** Python's `str(type(v))` module path, e.g. "<class 'int'>", "<class 'numpy.ndarray'>". */
export function typeRepr(v: PyValue): string {
  if (v instanceof NdArray) return "<class 'numpy.ndarray'>";
  if (v instanceof NpScalar) return `<class 'numpy.${typeName(v)}'>`;
  if (v instanceof PyOrderedDict) return "<class 'collections.OrderedDict'>";
  if (v instanceof PyObject) return `<class '${v.cls.qualified}'>`;
  return `<class '${typeName(v)}'>`;
}

/** Python `==` for values of the model (numeric tower, sequences, mappings, arrays by content). */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (a === b) return true;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) {
    if (typeof na === 'bigint' && typeof nb === 'bigint') return na === nb;
    if (typeof na === 'number' && typeof nb === 'number') return na === nb;
    const f = typeof na === 'number' ? na : (nb as number);
    const i = typeof na === 'bigint' ? na : (nb as bigint);
    return Number.isInteger(f) && BigInt(f) === i;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (a instanceof PyTuple && b instanceof PyTuple) return a.length === b.length && a.items.every((x, i) => pyEquals(x, b.items[i]));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a instanceof PyByteArray && b instanceof PyByteArray) return Buffer.from(a.data).equals(Buffer.from(b.data));
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      const w = b.get(k);
      if (w === undefined || !pyEquals(v, w)) return false;
    }
    return true;
  }
  if ((a instanceof PySet || a instanceof PyFrozenSet) && (b instanceof PySet || b instanceof PyFrozenSet)) {
    if (a.size !== b.size) return false;
    for (const x of a) if (!b.has(x)) return false;
    return true;
  }
  if (a instanceof PyComplex && b instanceof PyComplex) return a.re === b.re && a.im === b.im;
  if (a instanceof PyGlobal && b instanceof PyGlobal) return a.qualified === b.qualified;
  if (a instanceof NdArray && b instanceof NdArray) {
    return (
      a.dtype.str === b.dtype.str &&
      a.shape.length === b.shape.length &&
      a.shape.every((n, i) => n === b.shape[i]) &&
      a.fortran === b.fortran &&
      Buffer.from(a.data).equals(Buffer.from(b.data))
    );
  }
  if (a instanceof PyObject && b instanceof PyObject) {
    return (
      a.cls.qualified === b.cls.qualified &&
      a.how === b.how &&
      pyEquals(a.args, b.args) &&
      (a.state === undefined ? b.state === undefined : b.state !== undefined && pyEquals(a.state, b.state))
    );
  }
  return false;
}

/** A numeric value as bigint (int, bool) or number (float), or undefined when not a number. */
export function numeric(v: PyValue): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof NpScalar && 'biuf'.includes(v.dtype.kind)) return numeric(v.value);
  return undefined;
}

/** Convenience constructors that read like Python. */
export const py = {
  int: (x: number | bigint | string): bigint => BigInt(x),
  float: (x: number | bigint): number => Number(x),
  tuple: (...items: PyValue[]): PyTuple => new PyTuple(items),
  dict: (obj: Record<string, PyValue> = {}): PyDict => PyDict.from(obj),
  bytes: (x: ArrayLike<number> | string): Uint8Array => (typeof x === 'string' ? new Uint8Array(Buffer.from(x, 'latin1')) : Uint8Array.from(x)),
};
