/**
 * Calling Python's builtin types: `int()`, `float('1.5')`, `str(x)`, `bool(x)`, `list()`…
 *
 * pyrogue's ZmqServer calls whatever attribute a request names when it is callable, and a
 * type is callable: a request for a variable's `nativeType` answers `int()` = 0, `str()` = ''.
 * This module gives those calls Python's results and error texts for the builtin types a tree
 * hands out (the numeric ones, str, bool, the containers, bytes); other types are not called.
 */
import { PyError, PyTypeError, PyValueError } from './errors';
import { pyFloatFromStr, pyIntFromStr } from './numtext';
import { pyStr } from './repr';
import { NdArray, NpScalar, PyByteArray, PyComplex, PyDict, PyFrozenSet, PyGlobal, PySet, PyTuple, PyValue, typeName } from './values';

/** Python's `bool(v)`: the truth value of a value. */
export function pyTruth(v: PyValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  if (v instanceof PyByteArray) return v.data.length > 0;
  if (v instanceof PySet || v instanceof PyFrozenSet) return v.size > 0;
  if (v instanceof PyComplex) return v.re !== 0 || v.im !== 0;
  if (v instanceof NpScalar) return pyTruth(v.value);
  if (v instanceof NdArray) {
    // numpy 1.24: an empty array is False (with a DeprecationWarning), one element is that element's truth
    if (v.size > 1) throw new PyValueError('The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()');
    return v.size === 1 && pyTruth(v.item(0));
  }
  return true;
}

/** Python's `int(x)` for one argument (base 10 for a str). */
export function pyIntOf(x: PyValue): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'boolean') return x ? 1n : 0n;
  if (typeof x === 'number') {
    if (Number.isNaN(x)) throw new PyValueError('cannot convert float NaN to integer');
    if (!Number.isFinite(x)) throw new PyError('builtins', 'OverflowError', 'cannot convert float infinity to integer');
    return BigInt(Math.trunc(x));
  }
  if (typeof x === 'string') return pyIntFromStr(x);
  if (x instanceof NpScalar && 'biuf'.includes(x.dtype.kind)) return pyIntOf(x.value);
  throw new PyTypeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(x)}'`);
}

/** Python's `float(x)`. */
export function pyFloatOf(x: PyValue): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (typeof x === 'string') return pyFloatFromStr(x);
  if (x instanceof NpScalar && 'biuf'.includes(x.dtype.kind)) return Number(x.value);
  throw new PyTypeError(`float() argument must be a string or a real number, not '${typeName(x)}'`);
}

/**
 * Python's `operator.index(v)`: an int (bool and numpy integers included) as a
 * number; anything else, a float too, raises CPython's TypeError.
 */
export function pyIndex(v: PyValue): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof NpScalar && 'biu'.includes(v.dtype.kind)) return pyIndex(v.value);
  throw new PyTypeError(`'${v instanceof NpScalar ? 'numpy.' : ''}${typeName(v)}' object cannot be interpreted as an integer`);
}

function items(x: PyValue, type: string): PyValue[] {
  if (Array.isArray(x)) return [...x];
  if (x instanceof PyTuple) return [...x.items];
  if (typeof x === 'string') return [...x];
  if (x instanceof PyDict) return [...x.keys()];
  if (x instanceof Uint8Array) return [...x].map((b) => BigInt(b));
  throw new PyTypeError(`'${typeName(x)}' object is not iterable`);
  void type;
}

type TypeCall = (args: readonly PyValue[]) => PyValue;

const ONE =
  (name: string, empty: PyValue, conv: (x: PyValue) => PyValue): TypeCall =>
  (args) => {
    if (args.length === 0) return empty;
    if (args.length === 1) return conv(args[0]);
    throw new PyTypeError(`${name} expected at most 1 argument, got ${args.length}`);
  };

const CALLS: Record<string, TypeCall> = {
  int: (args) => {
    if (args.length > 2) throw new PyTypeError(`int() takes at most 2 arguments (${args.length} given)`);
    if (args.length === 0) return 0n;
    if (args.length === 1) return pyIntOf(args[0]);
    const base = pyIndex(args[1]);
    if (typeof args[0] !== 'string') throw new PyTypeError("int() can't convert non-string with explicit base");
    return pyIntFromStr(args[0], base);
  },
  float: ONE('float', 0, pyFloatOf),
  bool: ONE('bool', false, pyTruth),
  str: (args) => {
    if (args.length > 3) throw new PyTypeError(`str() takes at most 3 arguments (${args.length} given)`);
    return args.length === 0 ? '' : pyStr(args[0]);
  },
  list: ONE('list', [], (x) => items(x, 'list')),
  tuple: ONE('tuple', new PyTuple([]), (x) => new PyTuple(items(x, 'tuple'))),
  bytes: ONE('bytes', new Uint8Array(0), (x) => {
    if (typeof x === 'bigint') return new Uint8Array(Number(x));
    if (x instanceof Uint8Array) return x;
    throw new PyTypeError(`cannot convert '${typeName(x)}' object to bytes`);
  }),
};

/**
 * What calling the type `g` with positional `args` returns (Python's result or error), or
 * undefined when `g` is not a builtin type this module calls.
 */
export function builtinTypeCall(g: PyGlobal): ((args: readonly PyValue[], kwargs: PyDict) => PyValue) | undefined {
  if (g.module === 'numpy' && g.name === 'ndarray') {
    return () => {
      throw new PyTypeError("ndarray() missing required argument 'shape' (pos 1)");
    };
  }
  const f = g.module === 'builtins' ? CALLS[g.name] : undefined;
  if (!f) return undefined;
  return (args, kwargs) => {
    if (kwargs.size > 0) {
      const k = [...kwargs.keys()][0];
      throw new PyTypeError(`'${pyStr(k)}' is an invalid keyword argument for ${g.name}()`);
    }
    return f(args);
  };
}
