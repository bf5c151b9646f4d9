/**
 * Python values as JSON that keeps their exact types ("tagged JSON"): what a
 * snapshot file (docs/snapshot.md) writes values in. `JSON.stringify` of
 * `toTagged(v)` and `fromTagged(JSON.parse(text))` round-trip every value of
 * the model (src/py/values.ts) that a pickle can carry.
 *
 * | Python                      | JSON                                                          |
 * | --------------------------- | ------------------------------------------------------------- |
 * | None, bool, str             | themselves                                                    |
 * | int                         | a JSON integer when it is a safe integer, else {"int": "<decimal>"} |
 * | float                       | {"float": <number>}; {"float": "nan" / "inf" / "-inf" / "-0.0"} |
 * | list                        | a JSON array                                                  |
 * | tuple                       | {"tuple": [...]}                                              |
 * | dict / OrderedDict          | {"dict": [[key, value], ...]} / {"odict": [...]}, in order    |
 * | set / frozenset             | {"set": [...]} / {"frozenset": [...]}                         |
 * | bytes / bytearray           | {"bytes": "<hex>"} / {"bytearray": "<hex>"}                   |
 * | complex                     | {"complex": [<float>, <float>]} (each as the float form)      |
 * | numpy array                 | {"ndarray": "<dtype.str>", "shape": [...], "data": "<hex>"} (+ "fortran": true) |
 * | numpy scalar                | {"npscalar": "<dtype.str>", "data": "<hex>"}                  |
 * | class or function           | {"global": ["module", "qualname"]}                            |
 * | other object                | {"obj": ["module", "qualname"], "how": "reduce"/"newobj"/"newobj_ex", "args": [...]} plus "kwargs", "state", "items", "dictitems" when present |
 *
 * A plain JSON number is always an int: a float is never written bare, so
 * `1` and `1.0` stay apart. Objects that reduce (tree nodes, VariableValue,
 * models) are written as their reduction.
 */
import { PyValueError } from './errors';
import {
  NdArray,
  NpDtype,
  NpScalar,
  PY_REDUCE,
  PyByteArray,
  PyComplex,
  PyDict,
  PyFrozenSet,
  PyGlobal,
  PyObject,
  PyOrderedDict,
  PySet,
  PyTuple,
  PyUnpicklable,
  PyValue,
  isReducible,
} from './values';

/** A tagged JSON value (what `JSON.parse` gives for it). */
export type Tagged = null | boolean | number | string | Tagged[] | { [tag: string]: Tagged };

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
function unhex(s: Tagged, what: string): Uint8Array {
  if (typeof s !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw new PyValueError(`tagged JSON: ${what} is not a hex string`);
  return new Uint8Array(Buffer.from(s, 'hex'));
}

function floatForm(x: number): Tagged {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0.0';
  return x;
}
function floatOf(t: Tagged): number {
  if (typeof t === 'number') return t;
  switch (t) {
    case 'nan':
      return NaN;
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case '-0.0':
      return -0;
  }
  throw new PyValueError(`tagged JSON: bad float ${JSON.stringify(t)}`);
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A Python value as tagged JSON (see the module comment). */
export function toTagged(v: PyValue): Tagged {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return v <= SAFE && v >= -SAFE ? Number(v) : { int: v.toString() };
  if (typeof v === 'number') return { float: floatForm(v) };
  if (Array.isArray(v)) return v.map(toTagged);
  if (v instanceof Uint8Array) return { bytes: hex(v) };
  if (v instanceof PyTuple) return { tuple: v.items.map(toTagged) };
  if (v instanceof PyDict) return { [v instanceof PyOrderedDict ? 'odict' : 'dict']: [...v].map(([k, x]) => [toTagged(k), toTagged(x)]) };
  if (v instanceof PyFrozenSet) return { frozenset: [...v].map(toTagged) };
  if (v instanceof PySet) return { set: [...v].map(toTagged) };
  if (v instanceof PyByteArray) return { bytearray: hex(v.data) };
  if (v instanceof PyComplex) return { complex: [floatForm(v.re), floatForm(v.im)] };
  if (v instanceof NdArray) {
    const o: { [k: string]: Tagged } = { ndarray: v.dtype.str, shape: [...v.shape], data: hex(v.data) };
    if (v.fortran) o.fortran = true;
    return o;
  }
  if (v instanceof NpScalar) return { npscalar: v.dtype.str, data: hex(v.data) };
  if (v instanceof PyGlobal) return { global: [v.module, v.name] };
  if (v instanceof PyObject) {
    const o: { [k: string]: Tagged } = { obj: [v.cls.module, v.cls.name], how: v.how, args: v.args.map(toTagged) };
    if (v.kwargs !== undefined) o.kwargs = toTagged(v.kwargs);
    if (v.state !== undefined) o.state = toTagged(v.state);
    if (v.listItems.length > 0) o.items = v.listItems.map(toTagged);
    if (v.dictItems.length > 0) o.dictitems = v.dictItems.map(([k, x]) => [toTagged(k), toTagged(x)]);
    return o;
  }
  if (v instanceof PyUnpicklable) throw new PyValueError(`tagged JSON: a ${v.pyTypeName} cannot be written`);
  if (isReducible(v)) return toTagged(v[PY_REDUCE]());
  throw new PyValueError(`tagged JSON: cannot write ${String(v)}`);
}

function list(t: Tagged | undefined, what: string): Tagged[] {
  if (!Array.isArray(t)) throw new PyValueError(`tagged JSON: ${what} is not a list`);
  return t;
}
function pairs(t: Tagged | undefined, what: string): [PyValue, PyValue][] {
  return list(t, what).map((p) => {
    const kv = list(p, `${what} item`);
    if (kv.length !== 2) throw new PyValueError(`tagged JSON: ${what} item is not a [key, value] pair`);
    return [fromTagged(kv[0]), fromTagged(kv[1])];
  });
}
function strPair(t: Tagged | undefined, what: string): [string, string] {
  const a = list(t, what);
  if (a.length !== 2 || typeof a[0] !== 'string' || typeof a[1] !== 'string') throw new PyValueError(`tagged JSON: ${what} is not ["module", "name"]`);
  return [a[0], a[1]];
}
function dtypeOf(t: Tagged | undefined): NpDtype {
  if (typeof t !== 'string') throw new PyValueError('tagged JSON: a numpy dtype is not a string');
  try {
    return NpDtype.parse(t);
  } catch (e) {
    throw new PyValueError(`tagged JSON: ${(e as Error).message}`);
  }
}

/** The Python value a tagged JSON value stands for; a PyValueError naming what is wrong for anything else. */
export function fromTagged(t: Tagged): PyValue {
  if (t === null || typeof t === 'boolean' || typeof t === 'string') return t;
  if (typeof t === 'number') {
    if (!Number.isInteger(t)) throw new PyValueError(`tagged JSON: bare number ${t} is not an int (floats are written {"float": x})`);
    return BigInt(t);
  }
  if (Array.isArray(t)) return t.map(fromTagged);
  const keys = Object.keys(t);
  const tag = keys[0];
  switch (tag) {
    case 'int':
      if (typeof t.int !== 'string' || !/^-?\d+$/.test(t.int)) throw new PyValueError('tagged JSON: int is not a decimal string');
      return BigInt(t.int);
    case 'float':
      return floatOf(t.float);
    case 'tuple':
      return new PyTuple(list(t.tuple, 'tuple').map(fromTagged));
    case 'dict':
      return new PyDict(pairs(t.dict, 'dict'));
    case 'odict':
      return new PyOrderedDict(pairs(t.odict, 'odict'));
    case 'set':
      return new PySet(list(t.set, 'set').map(fromTagged));
    case 'frozenset':
      return new PyFrozenSet(list(t.frozenset, 'frozenset').map(fromTagged));
    case 'bytes':
      return unhex(t.bytes, 'bytes');
    case 'bytearray':
      return new PyByteArray(unhex(t.bytearray, 'bytearray'));
    case 'complex': {
      const c = list(t.complex, 'complex');
      if (c.length !== 2) throw new PyValueError('tagged JSON: complex is not [re, im]');
      return new PyComplex(floatOf(c[0]), floatOf(c[1]));
    }
    case 'ndarray': {
      const shape = list(t.shape, 'ndarray shape').map((x) => {
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) throw new PyValueError('tagged JSON: bad ndarray shape');
        return x;
      });
      try {
        return new NdArray(dtypeOf(t.ndarray), shape, unhex(t.data, 'ndarray data'), t.fortran === true);
      } catch (e) {
        if (e instanceof PyValueError) throw e;
        throw new PyValueError(`tagged JSON: ${(e as Error).message}`);
      }
    }
    case 'npscalar': {
      const dt = dtypeOf(t.npscalar);
      const data = unhex(t.data, 'npscalar data');
      if (data.length !== dt.itemsize) throw new PyValueError('tagged JSON: npscalar data does not match its dtype');
      return new NpScalar(dt, data);
    }
    case 'global': {
      const [m, n] = strPair(t.global, 'global');
      return new PyGlobal(m, n);
    }
    case 'obj': {
      const [m, n] = strPair(t.obj, 'obj');
      const how = t.how ?? 'reduce';
      if (how !== 'reduce' && how !== 'newobj' && how !== 'newobj_ex') throw new PyValueError(`tagged JSON: bad obj how ${JSON.stringify(how)}`);
      let kwargs: PyDict | undefined;
      if (t.kwargs !== undefined) {
        const k = fromTagged(t.kwargs);
        if (!(k instanceof PyDict)) throw new PyValueError('tagged JSON: obj kwargs is not a dict');
        kwargs = k;
      }
      const o = new PyObject(new PyGlobal(m, n), list(t.args ?? [], 'obj args').map(fromTagged), how, kwargs);
      if (t.state !== undefined) o.state = fromTagged(t.state);
      if (t.items !== undefined) o.listItems = list(t.items, 'obj items').map(fromTagged);
      if (t.dictitems !== undefined) o.dictItems = pairs(t.dictitems, 'obj dictitems');
      return o;
    }
  }
  throw new PyValueError(`tagged JSON: unknown form ${JSON.stringify(keys)}`);
}

/** One string per value that tells two values apart exactly (type and contents): the JSON text of its tagged form. */
export function taggedKey(v: PyValue): string {
  return JSON.stringify(toTagged(v));
}
