/**
 * Typed JSON <-> PyValue, the TypeScript half of python-fixtures/pyvalues.py.
 * See that file for the format. Used by the cross-language codec tests.
 */
import {
  NdArray,
  NpDtype,
  NpScalar,
  PyByteArray,
  PyComplex,
  PyDict,
  PyFrozenSet,
  PyGlobal,
  PyObject,
  PyOrderedDict,
  PySet,
  PyTuple,
  PyValue,
} from '../../src/py/values';

export type Typed = null | boolean | string | Typed[] | { [tag: string]: unknown };

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

/** Python's float repr (the shortest round-trip text, Python's exponent rules). */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const e = x.toExponential(); // shortest digits, e.g. "1.5e+0"
  const [mant, expS] = e.split('e');
  const exp = Number(expS);
  const digits = mant.replace('-', '').replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exp - digits.length + 1)}.0`;
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

function parseFloatRepr(s: string): number {
  if (s === 'nan') return NaN;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

const key = (t: Typed): string => JSON.stringify(sortKeys(t));
function sortKeys(t: unknown): unknown {
  if (Array.isArray(t)) return t.map(sortKeys);
  if (t && typeof t === 'object') {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(t).sort()) o[k] = sortKeys((t as Record<string, unknown>)[k]);
    return o;
  }
  return t;
}

export function toTyped(v: PyValue): Typed {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'number') return { float: floatRepr(v) };
  if (Array.isArray(v)) return v.map(toTyped);
  if (v instanceof Uint8Array) return { bytes: hex(v) };
  if (v instanceof PyByteArray) return { bytearray: hex(v.data) };
  if (v instanceof PyTuple) return { tuple: v.items.map(toTyped) };
  if (v instanceof PyOrderedDict) return { odict: [...v].map(([k, x]) => [toTyped(k), toTyped(x)]) };
  if (v instanceof PyDict) return { dict: [...v].map(([k, x]) => [toTyped(k), toTyped(x)]) };
  if (v instanceof PySet) return { set: [...v].map(toTyped).sort((a, b) => (key(a) < key(b) ? -1 : 1)) };
  if (v instanceof PyFrozenSet) return { frozenset: [...v].map(toTyped).sort((a, b) => (key(a) < key(b) ? -1 : 1)) };
  if (v instanceof PyComplex) return { complex: [floatRepr(v.re), floatRepr(v.im)] };
  if (v instanceof NdArray) return { ndarray: { dtype: v.dtype.str, shape: [...v.shape], fortran: v.fortran, data: hex(v.data) } };
  if (v instanceof NpScalar) return { npscalar: { dtype: v.dtype.str, data: hex(v.data) } };
  if (v instanceof PyObject && v.cls.module === 'builtins' && v.how === 'reduce') return { exception: [v.cls.qualified, v.args.map(toTyped)] };
  throw new TypeError(`no typed JSON form for ${String(v)}`);
}

export function fromTyped(t: Typed): PyValue {
  if (t === null || typeof t === 'boolean' || typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map(fromTyped);
  const [[tag, v]] = Object.entries(t) as [string, any][];
  switch (tag) {
    case 'int':
      return BigInt(v);
    case 'float':
      return parseFloatRepr(v);
    case 'complex':
      return new PyComplex(parseFloatRepr(v[0]), parseFloatRepr(v[1]));
    case 'bytes':
      return unhex(v);
    case 'bytearray':
      return new PyByteArray(unhex(v));
    case 'tuple':
      return new PyTuple((v as Typed[]).map(fromTyped));
    case 'dict':
      return new PyDict((v as [Typed, Typed][]).map(([a, b]) => [fromTyped(a), fromTyped(b)] as const));
    case 'odict':
      return new PyOrderedDict((v as [Typed, Typed][]).map(([a, b]) => [fromTyped(a), fromTyped(b)] as const));
    case 'set':
      return new PySet((v as Typed[]).map(fromTyped));
    case 'frozenset':
      return new PyFrozenSet((v as Typed[]).map(fromTyped));
    case 'ndarray':
      return new NdArray(NpDtype.parse(v.dtype), v.shape, unhex(v.data), v.fortran);
    case 'npscalar':
      return new NpScalar(NpDtype.parse(v.dtype), unhex(v.data));
    case 'exception': {
      const [qual, args] = v as [string, Typed[]];
      const dot = qual.lastIndexOf('.');
      return new PyObject(new PyGlobal(qual.slice(0, dot), qual.slice(dot + 1)), args.map(fromTyped), 'reduce');
    }
  }
  throw new TypeError(`unknown typed JSON tag ${tag}`);
}
