/**
 * The few Python operations pyrogue's `_doOperation` performs on an untrusted
 * request object, emulated with CPython 3.11's exact error texts:
 *
 *     path   = d['path']   if 'path'   in d else None     # pyContains + pyGetItem
 *     ...
 *     node = root.getNode(path)                           # '.' in path (non-str paths)
 *     nAttr = getattr(node, attr)                         # attr must be a str
 *     nAttr(*args, **kwargs)                              # starArgs / starKwargs
 *
 * Pure functions, no I/O.
 */
import { PyKeyError, PyTypeError } from '../py/errors';
import { NdArray, PyByteArray, PyDict, PyFrozenSet, PySet, PyTuple, PyValue, pyEquals, typeName } from '../py/values';
import type { PyCallable } from '../tree/surface';

/** Python's `item in container` for the value model. */
export function pyContains(container: PyValue, item: PyValue): boolean {
  if (container instanceof PyDict) return container.has(item);
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new PyTypeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (container instanceof Uint8Array || container instanceof PyByteArray) {
    if (typeof item === 'string') throw new PyTypeError("a bytes-like object is required, not 'str'");
    return false;
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (container instanceof PyTuple) return container.items.some((x) => pyEquals(x, item));
  if (container instanceof PySet || container instanceof PyFrozenSet) {
    try {
      return container.has(item);
    } catch {
      return false;
    }
  }
  // numpy arrays compare elementwise; a str never equals a numeric element.
  if (container instanceof NdArray) return false;
  throw new PyTypeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Python's `container[key]` for a str key (what `d['path']` does once `'path' in d` was true). */
export function pyGetItem(container: PyValue, key: string): PyValue {
  if (container instanceof PyDict) {
    const v = container.get(key);
    if (v === undefined) throw new PyKeyError(`'${key}'`); // unreachable: callers test pyContains first
    return v;
  }
  if (Array.isArray(container)) throw new PyTypeError('list indices must be integers or slices, not str');
  if (container instanceof PyTuple) throw new PyTypeError('tuple indices must be integers or slices, not str');
  if (typeof container === 'string') throw new PyTypeError("string indices must be integers, not 'str'");
  throw new PyTypeError(`'${typeName(container)}' object is not subscriptable`);
}

/** The four request fields as pyrogue reads them, with its defaults (None, None, (), {}). */
export interface RequestFields {
  path: PyValue;
  attr: PyValue;
  args: PyValue;
  kwargs: PyValue;
}

/**
 * `d['path'] if 'path' in d else None` for each field, in pyrogue's order, so
 * a request that is not a dict fails exactly as in Python (e.g. a list makes
 * every `in` test False and the request dispatches path None).
 */
export function requestFields(d: PyValue): RequestFields {
  const field = (key: string, dflt: PyValue): PyValue => (pyContains(d, key) ? pyGetItem(d, key) : dflt);
  const path = field('path', null);
  const attr = field('attr', null);
  const args = field('args', PyTuple.EMPTY);
  const kwargs = field('kwargs', new PyDict());
  return { path, attr, args, kwargs };
}

/**
 * Python's iteration of a value as a list of items (for `tuple(x)` and `f(*x)`),
 * or undefined when the value is not iterable.
 */
export function pyIterate(v: PyValue): PyValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return [...v.items];
  if (typeof v === 'string') return [...v];
  if (v instanceof Uint8Array) return Array.from(v, (b) => BigInt(b));
  if (v instanceof PyByteArray) return Array.from(v.data, (b) => BigInt(b));
  if (v instanceof PyDict) return [...v.keys()];
  if (v instanceof PySet || v instanceof PyFrozenSet) return [...v.values()];
  if (v instanceof NdArray) {
    if (v.ndim === 0) return undefined;
    if (v.ndim === 1) return Array.from({ length: v.size }, (_, i) => v.scalar(i));
    if (v.fortran) return undefined;
    const rows = v.shape[0];
    const sub = v.shape.slice(1);
    const stride = v.data.length / Math.max(rows, 1);
    return Array.from({ length: rows }, (_, i) => new NdArray(v.dtype, sub, v.data.slice(i * stride, (i + 1) * stride)));
  }
  return undefined;
}

/** `tuple(x)` (the string port does `d['args'] = tuple(d['args'])`). */
export function pyTuple(v: PyValue): PyValue[] {
  const items = pyIterate(v);
  if (items === undefined) {
    if (v instanceof NdArray && v.ndim === 0) throw new PyTypeError('iteration over a 0-d array');
    throw new PyTypeError(`'${typeName(v)}' object is not iterable`);
  }
  return items;
}

/**
 * How CPython names a function in call errors (`_PyObject_FunctionStr`):
 * "module.qualname()", the module left out for builtins.
 */
function functionStr(fn: PyCallable): string {
  const mod = fn.module;
  return mod && mod !== 'builtins' ? `${mod}.${fn.qualname}()` : `${fn.qualname}()`;
}

/** `f(*args)`: the positional arguments, or the TypeError CPython raises. */
export function starArgs(fn: PyCallable, args: PyValue): PyValue[] {
  const items = pyIterate(args);
  if (items === undefined) throw new PyTypeError(`${functionStr(fn)} argument after * must be an iterable, not ${typeName(args)}`);
  return items;
}

/** `f(**kwargs)`: a str-keyed dict, or the TypeError CPython raises. */
export function starKwargs(fn: PyCallable, kwargs: PyValue): PyDict {
  if (!(kwargs instanceof PyDict)) throw new PyTypeError(`${functionStr(fn)} argument after ** must be a mapping, not ${typeName(kwargs)}`);
  for (const k of kwargs.keys()) if (typeof k !== 'string') throw new PyTypeError('keywords must be strings');
  return kwargs;
}
