/**
 * Python's ordering operators (`<`, `>`) and `isinstance` for the value model.
 *
 * Ordering follows CPython: numbers (int, float, bool, numpy numeric scalars) compare by exact
 * value, str/bytes by code units, lists and tuples lexicographically; any other pair raises
 * `TypeError: '<' not supported between instances of 'A' and 'B'`.
 */
import { PyTypeError } from './errors';
import { NdArray, NpScalar, PyDict, PyOrderedDict, PyTuple, PyValue, instanceTypeName, numeric, pyEquals, typeName } from './values';

/** Exact sign of a - b for an int and a float (CPython compares them without rounding). */
function cmpIntFloat(i: bigint, f: number): number {
  if (Number.isNaN(f)) return NaN;
  if (f === Infinity) return -1;
  if (f === -Infinity) return 1;
  const fl = Math.floor(f);
  const b = BigInt(fl);
  if (i < b) return -1;
  if (i > b) return 1;
  return fl === f ? 0 : -1; // i == floor(f) < f
}

/** Sign of a - b for two numbers (NaN when unordered). */
function cmpNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === 'bigint') return cmpIntFloat(a, b as number);
  const r = cmpIntFloat(b as bigint, a);
  return Number.isNaN(r) ? r : -r;
}

function unsupported(op: string, a: PyValue, b: PyValue): never {
  throw new PyTypeError(`'${op}' not supported between instances of '${instanceTypeName(a)}' and '${instanceTypeName(b)}'`);
}

/** Three-way comparison of two sequences' items as Python does for `op` (first unequal item decides). */
function cmpSeq(_op: string, a: readonly PyValue[], b: readonly PyValue[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (!pyEquals(a[i], b[i])) return pyLess(a[i], b[i]) ? -1 : pyLess(b[i], a[i]) ? 1 : NaN;
  }
  return a.length - b.length;
}

function compare(op: '<' | '>', a: PyValue, b: PyValue): number {
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return cmpNumbers(x, y);
  if (typeof a === 'string' && typeof b === 'string') {
    const ca = [...a].map((c) => c.codePointAt(0)!);
    const cb = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i] - cb[i];
    return ca.length - cb.length;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (Array.isArray(a) && Array.isArray(b)) return cmpSeq(op, a, b);
  if (a instanceof PyTuple && b instanceof PyTuple) return cmpSeq(op, a.items, b.items);
  return unsupported(op, a, b);
}

/** Python `a < b`. Throws builtins.TypeError for unorderable types. */
export function pyLess(a: PyValue, b: PyValue): boolean {
  return compare('<', a, b) < 0;
}

/** Python `a > b`. Throws builtins.TypeError for unorderable types. */
export function pyGreater(a: PyValue, b: PyValue): boolean {
  return compare('>', a, b) > 0;
}

/**
 * Python `isinstance(value, T)` where T is named as `typeName` names it (pyrogue's `nativeType`):
 * a bool is an int, numpy.float64 a float, numpy.str_ a str, an OrderedDict a dict.
 */
export function isInstanceOfNamed(value: PyValue, name: string): boolean {
  switch (name) {
    case 'NoneType':
      return value === null;
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'bigint' || typeof value === 'boolean';
    case 'float':
      return typeof value === 'number' || (value instanceof NpScalar && value.dtype.kind === 'f' && value.dtype.itemsize === 8);
    case 'str':
      return typeof value === 'string' || (value instanceof NpScalar && value.dtype.kind === 'U');
    case 'list':
      return Array.isArray(value);
    case 'dict':
      return value instanceof PyDict;
    case 'OrderedDict':
      return value instanceof PyOrderedDict;
    case 'ndarray':
      return value instanceof NdArray;
    default:
      return typeName(value) === name;
  }
}
