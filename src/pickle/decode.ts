/**
 * A safe pickle decoder (protocols 0–5) producing the Python value model of
 * src/py/values.ts.
 *
 * Nothing executes: GLOBAL/STACK_GLOBAL resolve only through an allow-list
 * (see ALLOWED below); REDUCE/NEWOBJ/BUILD on an allowed name run a small,
 * fixed TypeScript constructor (OrderedDict, set, bytes, numpy arrays...).
 * Any other global is refused with an UnpicklingError naming it, unless the
 * caller opts in with `allowObjects` (for reading a server's replies), which
 * turns unknown globals into PyGlobal / PyObject records.
 *
 * The VM is a single loop over a Uint8Array (no recursion), so hostile input
 * cannot overflow the JS stack; every declared length is checked against the
 * remaining input before anything is allocated; the nesting depth of the
 * result is bounded (default 1000) and self-referencing structures are
 * rejected (the rest of the server walks values recursively).
 *
 * Errors are always PyError: UnpicklingError with CPython's `_pickle`
 * messages where CPython has one ("pickle data was truncated", "could not
 * find MARK", "invalid load key, '\x..'.", ...), builtins.EOFError
 * "Ran out of input", and builtins ValueError/TypeError/UnicodeDecodeError
 * where CPython raises those.
 *
 * See docs/decisions/0001-pickle-decoding.md.
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
  typeName,
} from '../py/values';
import { PyError, PyTypeError, PyValueError, UnpicklingError } from '../py/errors';
import { floatPrefix, intDigitLimitMessage, longFromString } from '../py/numtext';
import { Op } from './opcodes';
import { decodeUtf8Strict } from '../py/json';
import { strRepr } from '../py/repr';

export interface DecodeOptions {
  /**
   * Turn globals that are not on the allow-list into PyGlobal records (and
   * what REDUCE/NEWOBJ/BUILD make of them into PyObject records) instead of
   * refusing them. For clients reading a server's replies (VariableValue,
   * VirtualFactory, ...). Default false: the safe server-side behaviour.
   */
  allowObjects?: boolean;
  /** Extra "module.name" globals to accept as PyGlobal/PyObject records even when `allowObjects` is false. */
  allowGlobals?: Iterable<string>;
  /** Maximum container nesting depth of the result (default 1000). */
  maxDepth?: number;
}

export interface DecodeResult {
  value: PyValue;
  /**
   * The protocol the data was written with: the PROTO opcode's argument
   * (2..5) when present; otherwise 1 when a protocol-1 (binary) opcode was
   * seen, else 0. A server replies in `Math.min(5, Math.max(2, protocol))`.
   */
  protocol: number;
}

export const DEFAULT_MAX_DEPTH = 1000;

/** Decode one pickle; trailing bytes after STOP are ignored (as `pickle.loads` does). */
export function decode(bytes: Uint8Array, opts?: DecodeOptions): PyValue {
  return decodeWithInfo(bytes, opts).value;
}

/** Decode one pickle and report the protocol it used. */
export function decodeWithInfo(bytes: Uint8Array, opts?: DecodeOptions): DecodeResult {
  const u = new Unpickler(bytes, opts);
  try {
    const value = u.run();
    return { value, protocol: u.proto >= 2 ? u.proto : u.sawBinary ? 1 : 0 };
  } catch (e) {
    throw asPyError(e);
  }
}

/** The numpy dtype a decoded `numpy.dtype(...)` record stands for (undefined when it is not one). */
export function npDtypeOf(v: PyValue): NpDtype | undefined {
  if (!(v instanceof PyObject) || v.cls.name !== 'dtype' || v.cls.module !== 'numpy') return undefined;
  try {
    return dtypeFromRecord(v);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// Errors

const truncated = (): UnpicklingError => new UnpicklingError('pickle data was truncated');
const tooBig = (what: string): PyError => new PyError('builtins', 'OverflowError', `${what} exceeds system's maximum size of 9223372036854775807 bytes`);
const pyErr = (name: string, msg: string): PyError => new PyError('builtins', name, msg);

function asPyError(e: unknown): PyError {
  if (e instanceof PyError) return e;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return new UnpicklingError('structure too deeply nested');
  const msg = e instanceof Error ? e.message : String(e);
  return new UnpicklingError(`malformed pickle: ${msg}`);
}

// ---------------------------------------------------------------------------
// The allow-list

type Ctor = (args: readonly PyValue[], u: Unpickler, how: 'reduce' | 'newobj') => PyValue;

const NUMPY_MODULES = ['numpy.core.multiarray', 'numpy._core.multiarray', 'numpy.core._multiarray_umath', 'numpy._core._multiarray_umath'];
const NUMPY_NUMERIC = ['numpy.core.numeric', 'numpy._core.numeric'];

/** Every exception class of Python 3's builtins (constructed as PyObject records). */
const BUILTIN_EXCEPTIONS = (
  'BaseException Exception ArithmeticError AssertionError AttributeError BlockingIOError BrokenPipeError ' +
  'BufferError BytesWarning ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ' +
  'ConnectionResetError DeprecationWarning EOFError EncodingWarning EnvironmentError FileExistsError ' +
  'FileNotFoundError FloatingPointError FutureWarning GeneratorExit IOError ImportError ImportWarning ' +
  'IndentationError IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError ' +
  'MemoryError ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError OverflowError ' +
  'PendingDeprecationWarning PermissionError ProcessLookupError RecursionError ReferenceError ResourceWarning ' +
  'RuntimeError RuntimeWarning StopAsyncIteration StopIteration SyntaxError SyntaxWarning SystemError ' +
  'SystemExit TabError TimeoutError TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError ' +
  'UnicodeError UnicodeTranslateError UnicodeWarning UserWarning ValueError Warning ZeroDivisionError'
).split(' ');

/** Names CPython's unpickler maps from Python 2 (fix_imports, protocol < 3). */
const PY2_MODULES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg', exceptions: 'builtins' };

const CTORS = new Map<string, Ctor>();
/** Allowed globals that are values only (arguments to a constructor), never called. */
const VALUE_ONLY = new Set<string>(['builtins.object', 'numpy.ndarray']);

CTORS.set('collections.OrderedDict', (args) => {
  const d = new PyOrderedDict();
  if (args.length > 0) for (const [k, v] of pairs(args[0], 'OrderedDict')) d.set(k, v);
  return d;
});
CTORS.set('builtins.set', (args, _u, how) => new PySet(how === 'reduce' && args.length > 0 ? iterate(args[0], 'set') : undefined));
CTORS.set('builtins.frozenset', (args) => new PyFrozenSet(args.length > 0 ? iterate(args[0], 'frozenset') : undefined));
CTORS.set('builtins.bytearray', (args) => new PyByteArray(bytesFromArgs(args, 'bytearray')));
CTORS.set('builtins.bytes', (args) => bytesFromArgs(args, 'bytes'));
CTORS.set('_codecs.encode', (args) => {
  if (args.length < 1 || typeof args[0] !== 'string') throw new PyTypeError('_codecs.encode() argument 1 must be str');
  return encodeStr(args[0], args.length > 1 ? args[1] : 'utf-8');
});
CTORS.set('builtins.complex', (args) => {
  const re = args.length > 0 ? toFloat(args[0]) : 0;
  const im = args.length > 1 ? toFloat(args[1]) : 0;
  return new PyComplex(re, im);
});
CTORS.set('copyreg._reconstructor', (args, u) => {
  // copyreg._reconstructor(cls, base, state): object.__new__(cls) when base is object.
  if (args.length !== 3 || !(args[0] instanceof PyGlobal)) throw new PyTypeError('_reconstructor() takes (cls, base, state)');
  const base = args[1];
  if (base instanceof PyGlobal && base.qualified === 'builtins.object') return u.construct(args[0], [], 'newobj');
  return u.construct(args[0], args[2] === null ? [] : [args[2]], 'newobj');
});
CTORS.set('copyreg.__newobj__', (args, u) => {
  if (args.length < 1 || !(args[0] instanceof PyGlobal)) throw new UnpicklingError('__newobj__ class argument is not a global');
  return u.construct(args[0], args.slice(1), 'newobj');
});
CTORS.set('copyreg.__newobj_ex__', (args, u) => {
  if (args.length !== 3 || !(args[0] instanceof PyGlobal) || !(args[1] instanceof PyTuple) || !(args[2] instanceof PyDict))
    throw new UnpicklingError('__newobj_ex__ takes (cls, args, kwargs)');
  return u.constructEx(args[0], args[1].items, args[2]);
});
CTORS.set('numpy.dtype', (args) => {
  if (args.length < 1 || typeof args[0] !== 'string') throw new PyTypeError('numpy.dtype() needs a type name');
  const rec = new PyObject(new PyGlobal('numpy', 'dtype'), [...args], 'reduce');
  dtypeFromRecord(rec); // validate now
  return rec;
});
for (const m of NUMPY_MODULES) {
  CTORS.set(`${m}._reconstruct`, (args, u) => {
    if (args.length !== 3 || !(args[0] instanceof PyGlobal) || args[0].qualified !== 'numpy.ndarray') {
      if (u.allowObjects) return new PyObject(new PyGlobal(m, '_reconstruct'), [...args], 'reduce');
      throw new UnpicklingError('numpy _reconstruct is only supported for numpy.ndarray');
    }
    return new PendingArray(new PyGlobal(m, '_reconstruct'), [...args]);
  });
  CTORS.set(`${m}.scalar`, (args) => {
    if (args.length !== 2) throw new PyTypeError('numpy scalar() takes (dtype, data)');
    const dt = asDtype(args[0]);
    const data = asRawBytes(args[1]);
    if (data === undefined) throw new PyTypeError('numpy scalar() data must be bytes');
    if (data.length !== dt.itemsize) throw new PyValueError("initializing object must be a bytes object of the dtype's item size");
    return new NpScalar(dt, data);
  });
}
for (const m of NUMPY_NUMERIC) {
  CTORS.set(`${m}._frombuffer`, (args) => {
    if (args.length !== 4) throw new PyTypeError('_frombuffer() takes (buffer, dtype, shape, order)');
    const data = asRawBytes(args[0]);
    if (data === undefined) throw new PyTypeError('_frombuffer() buffer must be bytes or bytearray');
    const order = args[3];
    if (order !== 'C' && order !== 'F') throw new PyValueError("order must be 'C' or 'F'");
    return makeArray(asDtype(args[1]), args[2], order === 'F', data);
  });
}
for (const name of BUILTIN_EXCEPTIONS) {
  CTORS.set(`builtins.${name}`, (args, _u, how) => new PyObject(new PyGlobal('builtins', name), [...args], how));
}

function pairs(v: PyValue, what: string): [PyValue, PyValue][] {
  if (v instanceof PyDict) return [...v];
  const out: [PyValue, PyValue][] = [];
  for (const p of iterate(v, what)) {
    const items = Array.isArray(p) ? p : p instanceof PyTuple ? p.items : undefined;
    if (!items || items.length !== 2) throw new PyValueError(`${what}() needs a sequence of key/value pairs`);
    out.push([items[0], items[1]]);
  }
  return out;
}

function iterate(v: PyValue, what: string): Iterable<PyValue> {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PySet || v instanceof PyFrozenSet) return [...v];
  if (v instanceof PyDict) return [...v.keys()];
  if (typeof v === 'string') return [...v];
  throw new PyTypeError(`'${typeName(v)}' object is not iterable (in ${what}())`);
}

function bytesFromArgs(args: readonly PyValue[], what: string): Uint8Array {
  if (args.length === 0) return new Uint8Array(0);
  const a = args[0];
  if (typeof a === 'string') {
    if (args.length < 2) throw new PyTypeError('string argument without an encoding');
    return encodeStr(a, args[1]);
  }
  const raw = asRawBytes(a);
  if (raw !== undefined) return raw;
  // A list of small ints (bytes([1, 2])); bounded by the input that encoded it.
  if (Array.isArray(a) || a instanceof PyTuple) {
    const items = Array.isArray(a) ? a : a.items;
    const out = new Uint8Array(items.length);
    items.forEach((x, i) => {
      if (typeof x !== 'bigint' || x < 0n || x > 255n) throw new PyValueError('bytes must be in range(0, 256)');
      out[i] = Number(x);
    });
    return out;
  }
  throw new PyTypeError(`cannot convert '${typeName(a)}' object to ${what}`);
}

function encodeStr(s: string, enc: PyValue): Uint8Array {
  if (typeof enc !== 'string') throw new PyTypeError('encode() argument encoding must be str');
  const e = enc.toLowerCase().replace(/_/g, '-');
  if (e === 'latin1' || e === 'latin-1' || e === 'iso-8859-1' || e === 'iso8859-1' || e === 'l1') {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 255)
        throw new PyError(
          'builtins',
          'UnicodeEncodeError',
          `'latin-1' codec can't encode character '\\u${c.toString(16).padStart(4, '0')}' in position ${i}: ordinal not in range(256)`,
        );
      out[i] = c;
    }
    return out;
  }
  if (e === 'ascii') {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) throw new PyError('builtins', 'UnicodeEncodeError', `'ascii' codec can't encode character in position ${i}: ordinal not in range(128)`);
      out[i] = c;
    }
    return out;
  }
  if (e === 'utf-8' || e === 'utf8') return new Uint8Array(Buffer.from(s, 'utf8'));
  throw new PyValueError(`encoding '${enc}' is not supported by this unpickler`);
}

function toFloat(v: PyValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new PyTypeError(`complex() argument must be a number, not '${typeName(v)}'`);
}

/** bytes/bytearray payloads; a Python-2 `str` (decoded here as latin-1 text) maps back to its bytes. */
function asRawBytes(v: PyValue): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (v instanceof PyByteArray) return v.data;
  if (typeof v === 'string') {
    for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 255) return undefined;
    return new Uint8Array(Buffer.from(v, 'latin1'));
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// numpy

/** `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')` before its BUILD state arrives. */
class PendingArray extends PyObject {
  memoIdx: number[] | undefined = undefined;
}

function asDtype(v: PyValue): NpDtype {
  if (v instanceof PyObject && v.cls.module === 'numpy' && v.cls.name === 'dtype') return dtypeFromRecord(v);
  throw new PyTypeError(`expected a numpy dtype, got '${typeName(v)}'`);
}

const DTYPE_RE = /^([biufcSUV])(\d+)$/;

function dtypeFromRecord(rec: PyObject): NpDtype {
  const name = rec.args[0];
  if (typeof name !== 'string') throw new PyTypeError('numpy dtype name must be str');
  const m = DTYPE_RE.exec(name);
  if (!m) throw new UnpicklingError(`unsupported numpy dtype '${name}'`);
  const kind = m[1];
  const n = Number(m[2]);
  const itemsize = kind === 'U' ? n * 4 : n;
  const okSize =
    kind === 'b'
      ? itemsize === 1
      : kind === 'i' || kind === 'u'
        ? itemsize === 1 || itemsize === 2 || itemsize === 4 || itemsize === 8
        : kind === 'f'
          ? itemsize === 2 || itemsize === 4 || itemsize === 8
          : kind === 'c'
            ? itemsize === 8 || itemsize === 16
            : itemsize >= 0 && itemsize <= 0x7fffffff;
  if (!okSize) throw new UnpicklingError(`unsupported numpy dtype '${name}'`);
  let order: '<' | '>' | '|' | undefined;
  const st = rec.state;
  if (st instanceof PyTuple && st.length >= 2) {
    const bo = st.items[1];
    if (bo === '<' || bo === '>' || bo === '|') order = bo;
    else if (bo !== '=') throw new PyValueError(`invalid numpy byte order ${String(bo)}`);
  } else if (st !== undefined && st !== null) {
    throw new PyValueError('invalid numpy dtype state');
  }
  return new NpDtype(kind as NpDtype['kind'], itemsize, order);
}

function makeArray(dt: NpDtype, shapeV: PyValue, fortran: boolean, data: Uint8Array): NdArray {
  const dims = shapeV instanceof PyTuple ? shapeV.items : Array.isArray(shapeV) ? shapeV : typeof shapeV === 'bigint' ? [shapeV] : undefined;
  if (!dims) throw new PyTypeError('numpy array shape must be a tuple');
  const shape: number[] = [];
  let count = 1;
  for (const d of dims) {
    if (typeof d !== 'bigint' || d < 0n || d > 0x7fffffffn) throw new PyValueError('invalid numpy array shape');
    const n = Number(d);
    shape.push(n);
    count *= n;
  }
  if (count * dt.itemsize !== data.length) throw new PyValueError(`buffer size ${data.length} does not match array size ${count} x ${dt.itemsize} bytes`);
  return new NdArray(dt, shape, new Uint8Array(data), fortran && shape.length > 1);
}

function buildArray(state: PyValue): NdArray {
  // (version, shape, dtype, is_fortran, data) — older numpy wrote it without the version.
  if (!(state instanceof PyTuple) || (state.length !== 5 && state.length !== 4)) throw new PyValueError('invalid numpy array state');
  const s = state.length === 5 ? state.items.slice(1) : state.items;
  const dt = asDtype(s[1]);
  const data = asRawBytes(s[3]);
  if (data === undefined) throw new UnpicklingError(`unsupported numpy array data of type '${typeName(s[3])}' (object arrays are not supported)`);
  const f = s[2];
  if (typeof f !== 'boolean' && typeof f !== 'bigint') throw new PyTypeError('numpy is_fortran flag must be a bool');
  return makeArray(dt, s[0], f === true || f === 1n, data);
}

// ---------------------------------------------------------------------------
// The VM

const SMALL_INTS: bigint[] = [];
for (let i = 0; i < 256; i++) SMALL_INTS.push(BigInt(i));
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

interface FastBuffer extends Buffer {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}

class Unpickler {
  readonly data: Uint8Array;
  readonly buf: FastBuffer;
  readonly dv: DataView;
  readonly end: number;
  pos = 0;
  proto = 0;
  sawBinary = false;
  readonly allowObjects: boolean;
  readonly extra: Set<string> | undefined;
  readonly maxDepth: number;

  stack: PyValue[] = [];
  marks: number[] = [];
  memo: (PyValue | undefined)[] = [];
  memoCount = 0;
  memoFar: Map<number, PyValue> | undefined = undefined;
  /** A container was fetched from the memo or DUPed: the result may share subtrees or cycle. */
  aliased = false;
  containers = 0;

  constructor(data: Uint8Array, opts?: DecodeOptions) {
    if (!(data instanceof Uint8Array)) throw new PyTypeError('a bytes-like object is required');
    // A Buffer's slice() is a view; work on a plain Uint8Array so decoded bytes are copies.
    this.data = Buffer.isBuffer(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
    this.buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength) as FastBuffer;
    this.dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.end = data.length;
    this.allowObjects = opts?.allowObjects === true;
    this.extra = opts?.allowGlobals ? new Set(opts.allowGlobals) : undefined;
    this.maxDepth = opts?.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  // -- reading -------------------------------------------------------------

  need(n: number): number {
    const p = this.pos;
    if (n > this.end - p) throw truncated();
    this.pos = p + n;
    return p;
  }

  /** Position of the next '\n' (the line is [pos, nl)); advances past it. */
  line(): [number, number] {
    const start = this.pos;
    const nl = this.data.indexOf(10, start);
    if (nl < 0) throw truncated();
    this.pos = nl + 1;
    return [start, nl];
  }

  lineText(): string {
    const [s, e] = this.line();
    return this.buf.latin1Slice(s, e);
  }

  /** A text argument line that must not be empty (CPython: a bare "\n" reads as truncated data). */
  argLine(): [number, number] {
    const r = this.line();
    if (r[1] === r[0]) throw truncated();
    return r;
  }

  argText(): string {
    const [s, e] = this.argLine();
    return this.utf8(s, e);
  }

  /** A 4-byte little-endian signed length, checked against the input. */
  len4(signed: boolean, what: string): number {
    const p = this.need(4);
    const n = signed ? this.dv.getInt32(p, true) : this.dv.getUint32(p, true);
    if (n < 0) throw new UnpicklingError(`${what} pickle has negative byte count`);
    return n;
  }

  len8(what: string): number {
    const p = this.need(8);
    const lo = this.dv.getUint32(p, true);
    const hi = this.dv.getUint32(p + 4, true);
    if (hi >= 0x80000000) throw tooBig(what);
    if (hi !== 0) throw truncated(); // > 4 GiB: certainly more than the remaining input
    return lo;
  }

  str(n: number): string {
    const p = this.need(n);
    return this.utf8(p, p + n);
  }

  utf8(s: number, e: number): string {
    const d = this.data;
    if (e - s <= 24) {
      let out = '';
      for (let i = s; i < e; i++) {
        const c = d[i];
        if (c >= 0x80) return this.utf8Slow(s, e);
        out += String.fromCharCode(c);
      }
      return out;
    }
    const r = this.buf.utf8Slice(s, e);
    if (r.indexOf('\ufffd') >= 0) return this.utf8Slow(s, e);
    return r;
  }

  /** Strict UTF-8 with CPython's "surrogatepass" (lone surrogates encoded as 3 bytes are accepted). */
  utf8Slow(s: number, e: number): string {
    const d = this.data;
    const parts: string[] = [];
    let chunk: number[] = [];
    const bad = (i: number, why: string): never => {
      throw new PyError('builtins', 'UnicodeDecodeError', `'utf-8' codec can't decode byte 0x${HEX[d[i]]} in position ${i - s}: ${why}`);
    };
    let i = s;
    while (i < e) {
      const c = d[i];
      let cp: number;
      if (c < 0x80) {
        cp = c;
        i += 1;
      } else if (c >= 0xc2 && c <= 0xdf) {
        if (i + 1 >= e) bad(i, 'unexpected end of data');
        const c1 = d[i + 1];
        if ((c1 & 0xc0) !== 0x80) bad(i, 'invalid continuation byte');
        cp = ((c & 0x1f) << 6) | (c1 & 0x3f);
        i += 2;
      } else if (c >= 0xe0 && c <= 0xef) {
        const lo = c === 0xe0 ? 0xa0 : 0x80;
        if (i + 1 >= e) bad(i, 'unexpected end of data');
        const c1 = d[i + 1];
        if (c1 < lo || c1 > 0xbf) bad(i, 'invalid continuation byte');
        if (i + 2 >= e) bad(i, 'unexpected end of data');
        const c2 = d[i + 2];
        if ((c2 & 0xc0) !== 0x80) bad(i, 'invalid continuation byte');
        cp = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
        i += 3;
      } else if (c >= 0xf0 && c <= 0xf4) {
        const lo = c === 0xf0 ? 0x90 : 0x80;
        const hi = c === 0xf4 ? 0x8f : 0xbf;
        if (i + 1 >= e) bad(i, 'unexpected end of data');
        const c1 = d[i + 1];
        if (c1 < lo || c1 > hi) bad(i, 'invalid continuation byte');
        if (i + 2 >= e) bad(i, 'unexpected end of data');
        const c2 = d[i + 2];
        if ((c2 & 0xc0) !== 0x80) bad(i, 'invalid continuation byte');
        if (i + 3 >= e) bad(i, 'unexpected end of data');
        const c3 = d[i + 3];
        if ((c3 & 0xc0) !== 0x80) bad(i, 'invalid continuation byte');
        cp = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
        i += 4;
      } else {
        cp = bad(i, 'invalid start byte');
      }
      if (cp > 0xffff) {
        cp -= 0x10000;
        chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      } else chunk.push(cp);
      if (chunk.length >= 4096) {
        parts.push(String.fromCharCode(...chunk));
        chunk = [];
      }
    }
    parts.push(String.fromCharCode(...chunk));
    return parts.join('');
  }

  // -- stack ---------------------------------------------------------------

  underflow(): UnpicklingError {
    return new UnpicklingError(this.marks.length > 0 ? 'unexpected MARK found' : 'unpickling stack underflow');
  }

  fence(): number {
    const m = this.marks;
    return m.length > 0 ? m[m.length - 1] : 0;
  }

  pop(): PyValue {
    const st = this.stack;
    if (st.length <= this.fence()) throw this.underflow();
    return st.pop() as PyValue;
  }

  top(): PyValue {
    const st = this.stack;
    if (st.length <= this.fence()) throw this.underflow();
    return st[st.length - 1];
  }

  /** Pops the topmost MARK and returns the items above it. */
  popMark(): PyValue[] {
    const m = this.marks.pop();
    if (m === undefined) throw new UnpicklingError('could not find MARK');
    const st = this.stack;
    const items = st.slice(m);
    st.length = m;
    return items;
  }

  // -- memo ----------------------------------------------------------------

  memoPut(idx: number, v: PyValue): void {
    if (v instanceof PendingArray) (v.memoIdx ??= []).push(idx);
    const memo = this.memo;
    if (idx <= this.end) {
      if (memo[idx] === undefined) this.memoCount++;
      memo[idx] = v;
    } else {
      const far = (this.memoFar ??= new Map());
      if (!far.has(idx)) this.memoCount++;
      far.set(idx, v);
    }
  }

  memoGet(idx: number): PyValue {
    const v = idx <= this.end ? this.memo[idx] : this.memoFar?.get(idx);
    if (v === undefined) throw new UnpicklingError(`Memo value not found at index ${idx}`);
    // A container fetched from the memo may now be shared (or, if mutable, made to contain itself).
    if (!this.aliased && typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) this.aliased = true;
    return v;
  }

  /** GET, PUT: `PyLong_FromString(line, NULL, 10)` on the argument line. */
  textIndex(what: string, t: string = this.argText()): number {
    const n = Number(longOfText(t + '\n', 10));
    if (n < 0) throw new PyValueError(`negative ${what} argument`);
    return n;
  }

  // -- globals -------------------------------------------------------------

  findGlobal(module: string, name: string): PyGlobal {
    if (this.proto < 3) {
      const m = PY2_MODULES[module];
      if (m !== undefined) module = m;
    }
    const q = `${module}.${name}`;
    if (CTORS.has(q) || VALUE_ONLY.has(q) || this.allowObjects || this.extra?.has(q)) return new PyGlobal(module, name);
    throw new UnpicklingError(`global '${q}' is forbidden`);
  }

  /** cls(*args) (REDUCE) or cls.__new__(cls, *args) (NEWOBJ) for an allowed global. */
  construct(cls: PyValue, args: readonly PyValue[], how: 'reduce' | 'newobj'): PyValue {
    if (!(cls instanceof PyGlobal)) {
      if (how === 'newobj') throw new UnpicklingError(`NEWOBJ class argument must be a type, not ${typeName(cls)}`);
      throw new PyTypeError(`'${typeName(cls)}' object is not callable`);
    }
    this.containers++;
    const ctor = CTORS.get(cls.qualified);
    if (ctor !== undefined) return ctor(args, this, how);
    if (this.allowObjects || this.extra?.has(cls.qualified)) return new PyObject(cls, [...args], how);
    throw new UnpicklingError(`global '${cls.qualified}' cannot be called`);
  }

  constructEx(cls: PyValue, args: readonly PyValue[], kwargs: PyValue): PyValue {
    if (!(cls instanceof PyGlobal)) throw new UnpicklingError('NEWOBJ_EX class argument must be a type, not ' + typeName(cls));
    if (!(kwargs instanceof PyDict)) throw new UnpicklingError('NEWOBJ_EX kwargs argument must be a dict, not ' + typeName(kwargs));
    if (kwargs.size === 0 && CTORS.has(cls.qualified)) return this.construct(cls, args, 'newobj');
    this.containers++;
    if (this.allowObjects || this.extra?.has(cls.qualified)) return new PyObject(cls, [...args], 'newobj_ex', kwargs);
    throw new UnpicklingError(`global '${cls.qualified}' cannot be called with keyword arguments`);
  }

  build(obj: PyValue, state: PyValue): PyValue {
    if (obj instanceof PendingArray) {
      let arr: NdArray;
      try {
        arr = buildArray(state);
      } catch (e) {
        if (!this.allowObjects) throw e;
        obj.state = state; // keep the generic record
        return obj;
      }
      if (obj.memoIdx) for (const i of obj.memoIdx) this.memoPut(i, arr);
      return arr;
    }
    if (obj instanceof PyObject) {
      if (obj.cls.module === 'numpy' && obj.cls.name === 'dtype') {
        obj.state = state;
        dtypeFromRecord(obj);
        return obj;
      }
      if (obj.state instanceof PyDict && state instanceof PyDict) for (const [k, v] of state) obj.state.set(k, v);
      else obj.state = state;
      return obj;
    }
    if (state === null || (state instanceof PyDict && state.size === 0)) return obj;
    if (!(state instanceof PyDict) && !(state instanceof PyTuple && state.length === 2)) throw new UnpicklingError('state is not a dictionary');
    throw new UnpicklingError(`cannot set the state of a '${typeName(obj)}' object`);
  }

  // -- the loop ------------------------------------------------------------

  run(): PyValue {
    const d = this.data;
    const dv = this.dv;
    const end = this.end;
    const st = this.stack;
    for (;;) {
      if (this.pos >= end) throw pyErr('EOFError', 'Ran out of input');
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- any byte of the stream; the switch's default takes those that are no opcode
      const op = d[this.pos++] as Op;
      switch (op) {
        case Op.PROTO: {
          const p = d[this.need(1)];
          if (p > 5) throw new PyValueError(`unsupported pickle protocol: ${p}`);
          this.proto = p;
          break;
        }
        case Op.FRAME: {
          const p = this.need(8);
          const hi = dv.getUint32(p + 4, true);
          const lo = dv.getUint32(p, true);
          if (hi >= 0x80000000) throw new PyError('builtins', 'OverflowError', "FRAME length exceeds system's maximum of 9223372036854775807 bytes");
          if (hi !== 0 || lo > end - this.pos) throw truncated();
          break;
        }
        case Op.STOP: {
          const v = this.pop();
          if (this.aliased || this.containers > this.maxDepth) checkStructure(v, this.maxDepth, this.aliased);
          return v;
        }
        case Op.MARK:
          this.marks.push(st.length);
          break;
        case Op.POP:
          if (st.length > this.fence()) st.pop();
          else if (this.marks.length > 0)
            this.popMark(); // CPython: POP at a MARK discards the mark
          else throw this.underflow();
          break;
        case Op.POP_MARK:
          this.sawBinary = true;
          this.popMark();
          break;
        case Op.DUP: {
          const v = this.top();
          if (typeof v === 'object' && v !== null) this.aliased = true;
          st.push(v);
          break;
        }

        // memo
        case Op.MEMOIZE:
          this.memoPut(this.memoCount, this.top());
          break;
        case Op.PUT: {
          const t = this.argText();
          const v = this.top(); // CPython reads the line, then checks the stack, then parses
          this.memoPut(this.textIndex('PUT', t), v);
          break;
        }
        case Op.BINPUT:
          this.sawBinary = true;
          this.memoPut(d[this.need(1)], this.top());
          break;
        case Op.LONG_BINPUT:
          this.sawBinary = true;
          this.memoPut(dv.getUint32(this.need(4), true), this.top());
          break;
        case Op.GET:
          st.push(this.memoGet(this.textIndex('GET')));
          break;
        case Op.BINGET:
          this.sawBinary = true;
          st.push(this.memoGet(d[this.need(1)]));
          break;
        case Op.LONG_BINGET:
          this.sawBinary = true;
          st.push(this.memoGet(dv.getUint32(this.need(4), true)));
          break;

        // constants
        case Op.NONE:
          st.push(null);
          break;
        case Op.NEWTRUE:
          st.push(true);
          break;
        case Op.NEWFALSE:
          st.push(false);
          break;

        // ints
        case Op.BININT1:
          this.sawBinary = true;
          st.push(SMALL_INTS[d[this.need(1)]]);
          break;
        case Op.BININT2:
          this.sawBinary = true;
          st.push(BigInt(dv.getUint16(this.need(2), true)));
          break;
        case Op.BININT:
          this.sawBinary = true;
          st.push(BigInt(dv.getInt32(this.need(4), true)));
          break;
        case Op.LONG1: {
          const n = d[this.need(1)];
          st.push(this.longLE(this.need(n), n));
          break;
        }
        case Op.LONG4: {
          const n = this.len4(true, 'LONG');
          st.push(this.longLE(this.need(n), n));
          break;
        }
        case Op.INT: {
          const t = this.argText();
          st.push(intOfText(t));
          break;
        }
        case Op.LONG:
          st.push(longOfLongText(this.argText()));
          break;

        // floats
        case Op.BINFLOAT:
          this.sawBinary = true;
          st.push(dv.getFloat64(this.need(8), false));
          break;
        case Op.FLOAT:
          st.push(floatOfText(this.argText()));
          break;

        // str
        case Op.SHORT_BINUNICODE:
          st.push(this.str(d[this.need(1)]));
          break;
        case Op.BINUNICODE:
          this.sawBinary = true;
          st.push(this.str(this.len4(false, 'BINUNICODE')));
          break;
        case Op.BINUNICODE8:
          st.push(this.str(this.len8('BINUNICODE')));
          break;
        case Op.UNICODE: {
          const [s, e] = this.line();
          st.push(rawUnicodeEscape(d, s, e));
          break;
        }
        case Op.STRING: {
          const [s, e] = this.line();
          st.push(stringLiteral(d, s, e));
          break;
        }
        case Op.BINSTRING: {
          this.sawBinary = true;
          const n = this.len4(false, 'BINSTRING');
          const p = this.need(n);
          st.push(this.buf.latin1Slice(p, p + n));
          break;
        }
        case Op.SHORT_BINSTRING: {
          this.sawBinary = true;
          const n = d[this.need(1)];
          const p = this.need(n);
          st.push(this.buf.latin1Slice(p, p + n));
          break;
        }

        // bytes
        case Op.SHORT_BINBYTES: {
          const n = d[this.need(1)];
          const p = this.need(n);
          st.push(d.slice(p, p + n));
          break;
        }
        case Op.BINBYTES: {
          const n = this.len4(false, 'BINBYTES');
          const p = this.need(n);
          st.push(d.slice(p, p + n));
          break;
        }
        case Op.BINBYTES8: {
          const n = this.len8('BINBYTES');
          const p = this.need(n);
          st.push(d.slice(p, p + n));
          break;
        }
        case Op.BYTEARRAY8: {
          const n = this.len8('BYTEARRAY8');
          const p = this.need(n);
          st.push(new PyByteArray(d.slice(p, p + n)));
          break;
        }

        // tuples
        case Op.EMPTY_TUPLE:
          this.sawBinary = true;
          this.containers++;
          st.push(PyTuple.EMPTY);
          break;
        case Op.TUPLE:
          this.containers++;
          st.push(new PyTuple(this.popMark()));
          break;
        case Op.TUPLE1: {
          this.containers++;
          const a = this.pop();
          st.push(new PyTuple([a]));
          break;
        }
        case Op.TUPLE2: {
          this.containers++;
          const b = this.pop();
          const a = this.pop();
          st.push(new PyTuple([a, b]));
          break;
        }
        case Op.TUPLE3: {
          this.containers++;
          const c = this.pop();
          const b = this.pop();
          const a = this.pop();
          st.push(new PyTuple([a, b, c]));
          break;
        }

        // lists
        case Op.EMPTY_LIST:
          this.sawBinary = true;
          this.containers++;
          st.push([]);
          break;
        case Op.LIST:
          this.containers++;
          st.push(this.popMark());
          break;
        case Op.APPEND: {
          const v = this.pop();
          this.append(this.top(), [v]);
          break;
        }
        case Op.APPENDS: {
          this.sawBinary = true;
          const items = this.popMark();
          this.append(this.top(), items);
          break;
        }

        // dicts
        case Op.EMPTY_DICT:
          this.sawBinary = true;
          this.containers++;
          st.push(new PyDict());
          break;
        case Op.DICT: {
          this.containers++;
          const items = this.popMark();
          if (items.length % 2 !== 0) throw new UnpicklingError('odd number of items for DICT');
          const dict = new PyDict();
          for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
          st.push(dict);
          break;
        }
        case Op.SETITEM: {
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v]);
          break;
        }
        case Op.SETITEMS: {
          this.sawBinary = true;
          const items = this.popMark();
          if (items.length % 2 !== 0) throw new UnpicklingError('odd number of items for SETITEMS');
          this.setItems(this.top(), items);
          break;
        }

        // sets
        case Op.EMPTY_SET:
          this.containers++;
          st.push(new PySet());
          break;
        case Op.ADDITEMS: {
          const items = this.popMark();
          const s = this.top();
          if (s instanceof PySet) for (const x of items) s.add(x);
          else if (s instanceof PyObject) s.listItems.push(...items);
          else throw new PyError('builtins', 'AttributeError', `'${typeName(s)}' object has no attribute 'add'`);
          break;
        }
        case Op.FROZENSET:
          this.containers++;
          st.push(new PyFrozenSet(this.popMark()));
          break;

        // globals and objects
        case Op.GLOBAL: {
          const module = this.argText();
          st.push(this.findGlobal(module, this.argText()));
          break;
        }
        case Op.STACK_GLOBAL: {
          const fence = this.fence();
          const name = st.length > fence ? st.pop() : undefined;
          const module = st.length > fence ? st.pop() : undefined;
          if (typeof name !== 'string' || typeof module !== 'string') throw new UnpicklingError('STACK_GLOBAL requires str');
          st.push(this.findGlobal(module, name));
          break;
        }
        case Op.REDUCE: {
          const args = this.pop();
          const fn = this.pop();
          if (!(args instanceof PyTuple)) throw new PyTypeError('argument list must be a tuple');
          st.push(this.construct(fn, args.items, 'reduce'));
          break;
        }
        case Op.NEWOBJ: {
          const args = this.pop();
          const cls = this.pop();
          checkNewobj('NEWOBJ', cls, args);
          st.push(this.construct(cls, (args as PyTuple).items, 'newobj'));
          break;
        }
        case Op.NEWOBJ_EX: {
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          checkNewobj('NEWOBJ_EX', cls, args);
          st.push(this.constructEx(cls, (args as PyTuple).items, kwargs));
          break;
        }
        case Op.BUILD: {
          const state = this.pop();
          const obj = this.top();
          st[st.length - 1] = this.build(obj, state);
          break;
        }
        case Op.INST: {
          const args = this.popMark(); // CPython looks for the MARK before reading the names
          const module = this.argText();
          const cls = this.findGlobal(module, this.argText());
          st.push(this.construct(cls, args, 'reduce'));
          break;
        }
        case Op.OBJ: {
          this.sawBinary = true;
          const items = this.popMark();
          if (items.length === 0) throw this.underflow();
          st.push(this.construct(items[0], items.slice(1), 'reduce'));
          break;
        }

        // refused
        case Op.PERSID:
        case Op.BINPERSID:
          throw new UnpicklingError('A load persistent id instruction was encountered,\nbut no persistent_load function was specified.');
        case Op.EXT1:
        case Op.EXT2:
        case Op.EXT4: {
          const n = op === Op.EXT1 ? 1 : op === Op.EXT2 ? 2 : 4;
          const p = this.need(n);
          const code = n === 1 ? d[p] : n === 2 ? dv.getUint16(p, true) : dv.getInt32(p, true);
          if (code <= 0) throw new UnpicklingError('EXT specifies code <= 0');
          throw new PyValueError(`unregistered extension code ${code}`);
        }
        case Op.NEXT_BUFFER:
          throw new UnpicklingError('pickle stream refers to out-of-band data but no *buffers* argument was given');
        case Op.READONLY_BUFFER:
          if (asRawBytes(this.top()) === undefined || typeof this.top() === 'string')
            throw new PyTypeError(`memoryview: a bytes-like object is required, not '${typeName(this.top())}'`);
          throw new UnpicklingError('READONLY_BUFFER is only meaningful with out-of-band buffers, which are not supported');

        default: {
          const printable = op >= 0x20 && op <= 0x7e && op !== 0x27 && op !== 0x5c;
          throw new UnpicklingError(`invalid load key, '${printable ? String.fromCharCode(op) : '\\x' + HEX[op]}'.`);
        }
      }
    }
  }

  append(target: PyValue, items: PyValue[]): void {
    if (Array.isArray(target)) {
      if (items.length === 1) target.push(items[0]);
      else for (let i = 0; i < items.length; i++) target.push(items[i]);
    } else if (target instanceof PyObject) target.listItems.push(...items);
    else throw new PyError('builtins', 'AttributeError', `'${typeName(target)}' object has no attribute 'append'`);
  }

  setItems(target: PyValue, items: PyValue[]): void {
    if (target instanceof PyDict) {
      for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
    } else if (target instanceof PyObject) {
      for (let i = 0; i < items.length; i += 2) target.dictItems.push([items[i], items[i + 1]]);
    } else throw new PyTypeError(`'${typeName(target)}' object does not support item assignment`);
  }

  /** A little-endian two's-complement integer of n bytes at p. */
  longLE(p: number, n: number): bigint {
    const dv = this.dv;
    switch (n) {
      case 0:
        return 0n;
      case 1:
        return BigInt(dv.getInt8(p));
      case 2:
        return BigInt(dv.getInt16(p, true));
      case 4:
        return BigInt(dv.getInt32(p, true));
      case 8:
        return dv.getBigInt64(p, true);
    }
    if (n < 8) {
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + this.data[p + i];
      if (this.data[p + n - 1] & 0x80) v -= 2 ** (8 * n);
      return BigInt(v);
    }
    const d = this.data;
    const hex: string[] = new Array<string>(n);
    for (let i = 0; i < n; i++) hex[i] = HEX[d[p + n - 1 - i]];
    let v = BigInt('0x' + hex.join(''));
    if (d[p + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v;
  }
}

function checkNewobj(op: string, cls: PyValue, args: PyValue): void {
  if (!(cls instanceof PyGlobal)) throw new UnpicklingError(`${op} class argument must be a type, not ${typeName(cls)}`);
  if (!(args instanceof PyTuple)) throw new UnpicklingError(`${op} args argument must be a tuple, not ${typeName(args)}`);
}

// ---------------------------------------------------------------------------
// Text opcodes (protocol 0)

/**
 * `PyLong_FromString(text, NULL, base)` (src/py/numtext.ts) on a text opcode's
 * argument: the value, or the ValueError CPython raises, which names the
 * text as C read it (`%.200R`).
 */
function longOfText(text: string, base: number): bigint {
  const r = longFromString(text, base);
  if (r.ok) return r.value;
  if (r.digits !== undefined) throw new PyValueError(intDigitLimitMessage(r.digits));
  // its first 200 bytes, decoded strictly (a character cut in two raises UnicodeDecodeError, as in CPython)
  const head = decodeUtf8Strict(Buffer.from(text, 'utf8').subarray(0, 200));
  throw new PyValueError(`invalid literal for int() with base ${r.base}: ${Array.from(strRepr(head)).slice(0, 200).join('')}`);
}

/** C's `'%.200s'` of a text in an error message: its first 200 bytes, a character cut in two replaced. */
const cText200 = (text: string): string => Buffer.from(text, 'utf8').subarray(0, 200).toString('utf8');

/**
 * C's `strtol(t, &end, 0)` (C locale): spaces, a sign, a 0x prefix for hex
 * or a leading 0 for octal, digits without underscores; null when no digit
 * was read or the value leaves a 64-bit long.
 */
function strtol0(t: string): { value: bigint; end: number } | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))/.exec(t);
  if (!m) return null;
  const v = m[2] !== undefined ? BigInt('0x' + m[2]) : m[3] !== undefined ? BigInt('0o0' + m[3]) : BigInt(m[4]);
  const value = m[1] === '-' ? -v : v;
  if (value < -(2n ** 63n) || value >= 2n ** 63n) return null;
  return { value, end: m[0].length };
}

/**
 * INT: CPython reads its line with `strtol(s, &end, 0)` (so 010 is 8), and
 * with `PyLong_FromString(s, NULL, 0)` when that stops before the newline or
 * overflows; a two-character line holding 0 or 1 read by strtol is a bool.
 */
function intOfText(t: string): bigint | boolean {
  const c = strtol0(t);
  if (c !== null && c.end === t.length) return t.length === 2 && (c.value === 0n || c.value === 1n) ? c.value === 1n : c.value;
  const r = longFromString(t + '\n', 0);
  if (!r.ok) throw new PyValueError('could not convert string to int');
  return r.value;
}

/** LONG: `PyLong_FromString(s, NULL, 0)` on its line, a trailing L cut off (with the newline after it). */
function longOfLongText(t: string): bigint {
  return longOfText(t.endsWith('L') ? t.slice(0, -1) : t + '\n', 0);
}

/**
 * FLOAT: `PyOS_string_to_double(s, &end, OverflowError)` on its line: the
 * longest float literal at its start (src/py/numtext.ts floatPrefix, no
 * spaces, no underscores), which must end at the newline.
 */
function floatOfText(t: string): number {
  const line = t + '\n';
  const r = floatPrefix(t, 0);
  if (r.end === 0) throw new PyValueError(`could not convert string to float: '${cText200(line)}'`);
  if (!Number.isFinite(r.value) && !Number.isNaN(r.value) && !/^[+-]?inf/i.test(t))
    throw new PyError('builtins', 'OverflowError', `value too large to convert to float: '${cText200(line)}'`);
  if (r.end !== t.length) throw new PyValueError('could not convert string to float');
  return r.value;
}

/** Python's 'raw-unicode-escape' codec: latin-1 bytes plus \uXXXX / \UXXXXXXXX escapes. */
function rawUnicodeEscape(d: Uint8Array, s: number, e: number): string {
  let out = '';
  let i = s;
  let run = s;
  while (i < e) {
    if (d[i] !== 0x5c) {
      i++;
      continue;
    }
    // count the run of backslashes: an escape needs an odd number of them
    let j = i;
    while (j < e && d[j] === 0x5c) j++;
    const n = j - i;
    if (n % 2 === 1 && j < e && (d[j] === 0x75 || d[j] === 0x55)) {
      const digits = d[j] === 0x75 ? 4 : 8;
      out += latin1(d, run, j - 1);
      const hs = j + 1;
      let cp = 0;
      for (let k = 0; k < digits; k++) {
        const c = hs + k < e ? hexVal(d[hs + k]) : -1;
        if (c < 0) {
          throw new PyError(
            'builtins',
            'UnicodeDecodeError',
            `'rawunicodeescape' codec can't decode bytes in position ${j - 1 - s}-${Math.min(hs + k, e) - 1 - s}: truncated \\${digits === 4 ? 'uXXXX' : 'UXXXXXXXX'} escape`,
          );
        }
        cp = cp * 16 + c;
      }
      if (cp > 0x10ffff)
        throw new PyError(
          'builtins',
          'UnicodeDecodeError',
          `'rawunicodeescape' codec can't decode bytes in position ${j - 1 - s}-${hs + digits - 1 - s}: \\Uxxxxxxxx out of range`,
        );
      out += String.fromCodePoint(cp);
      i = hs + digits;
      run = i;
    } else {
      i = j;
    }
  }
  return out + latin1(d, run, e);
}

function latin1(d: Uint8Array, s: number, e: number): string {
  return s >= e ? '' : Buffer.from(d.buffer, d.byteOffset + s, e - s).toString('latin1');
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Protocol-0 STRING: a quoted Python-2 str literal, unescaped, returned as latin-1 text. */
function stringLiteral(d: Uint8Array, s: number, e: number): string {
  // Only the newline is stripped; the literal must be quoted.
  if (e - s < 2 || (d[s] !== 0x22 && d[s] !== 0x27) || d[e - 1] !== d[s]) {
    throw new UnpicklingError('the STRING opcode argument must be quoted');
  }
  const a = s + 1;
  const b = e - 1;
  const out: number[] = [];
  for (let i = a; i < b; i++) {
    const c = d[i];
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    if (i + 1 >= b) throw new PyValueError('Trailing \\ in string');
    const x = d[++i];
    switch (x) {
      case 0x0a:
        break; // line continuation
      case 0x5c:
        out.push(0x5c);
        break;
      case 0x27:
        out.push(0x27);
        break;
      case 0x22:
        out.push(0x22);
        break;
      case 0x61:
        out.push(7);
        break; // \a
      case 0x62:
        out.push(8);
        break; // \b
      case 0x66:
        out.push(12);
        break; // \f
      case 0x6e:
        out.push(10);
        break; // \n
      case 0x72:
        out.push(13);
        break; // \r
      case 0x74:
        out.push(9);
        break; // \t
      case 0x76:
        out.push(11);
        break; // \v
      case 0x78: {
        // \xhh
        const h1 = i + 1 < b ? hexVal(d[i + 1]) : -1;
        const h2 = i + 2 < b ? hexVal(d[i + 2]) : -1;
        if (h1 < 0 || h2 < 0) throw new PyValueError(`invalid \\x escape at position ${i - 1 - a}`);
        out.push(h1 * 16 + h2);
        i += 2;
        break;
      }
      default:
        if (x >= 0x30 && x <= 0x37) {
          let v = x - 0x30;
          for (let k = 0; k < 2 && i + 1 < b && d[i + 1] >= 0x30 && d[i + 1] <= 0x37; k++) v = v * 8 + (d[++i] - 0x30);
          out.push(v & 0xff);
        } else {
          out.push(0x5c, x);
        }
    }
  }
  let r = '';
  for (let i = 0; i < out.length; i += 4096) r += String.fromCharCode(...out.slice(i, i + 4096));
  return r;
}

// ---------------------------------------------------------------------------
// Structure check (depth bound, no cycles)

function childrenOf(v: PyValue): readonly PyValue[] | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple) return v.items;
  if (v instanceof PyDict) {
    const out: PyValue[] = [];
    for (const [k, x] of v) out.push(k, x);
    return out;
  }
  if (v instanceof PySet || v instanceof PyFrozenSet) return [...v];
  if (v instanceof PyObject) {
    const out: PyValue[] = [...v.args];
    if (v.state !== undefined) out.push(v.state);
    out.push(...v.listItems);
    for (const [k, x] of v.dictItems) out.push(k, x);
    if (v.kwargs) for (const [k, x] of v.kwargs) out.push(k, x);
    return out;
  }
  return undefined;
}

/**
 * Iteratively walks the result: fails when containers nest deeper than
 * maxDepth or (when `shared`, i.e. a mutable container was fetched from the
 * memo or DUPed) a container contains itself. Shared subtrees are walked once:
 * their height is remembered.
 */
function checkStructure(root: PyValue, maxDepth: number, shared: boolean): void {
  const tooDeep = (): UnpicklingError => new UnpicklingError(`pickle data nests containers deeper than ${maxDepth} levels`);
  const rootKids = childrenOf(root);
  if (rootKids === undefined) return;
  if (maxDepth < 1) throw tooDeep();
  const height = shared ? new Map<object, number>() : undefined;
  const onPath = shared ? new Set<object>() : undefined;
  const nodes: object[] = [root as object];
  const kids: (readonly PyValue[])[] = [rootKids];
  const idx: number[] = [0];
  const h: number[] = [0];
  onPath?.add(root as object);
  while (nodes.length > 0) {
    const top = nodes.length - 1;
    const ks = kids[top];
    if (idx[top] < ks.length) {
      const c = ks[idx[top]++];
      if (typeof c !== 'object' || c === null || c instanceof Uint8Array) continue;
      if (height !== undefined) {
        const hc = height.get(c);
        if (hc !== undefined) {
          if (nodes.length + hc > maxDepth) throw tooDeep();
          if (hc > h[top]) h[top] = hc;
          continue;
        }
      }
      const ck = childrenOf(c);
      if (ck === undefined) continue;
      if (onPath?.has(c)) throw new UnpicklingError('recursive (self-referencing) structures are not supported');
      if (nodes.length >= maxDepth) throw tooDeep();
      nodes.push(c);
      kids.push(ck);
      idx.push(0);
      h.push(0);
      onPath?.add(c);
    } else {
      const n = nodes.pop() as object;
      kids.pop();
      idx.pop();
      const hn = (h.pop() as number) + 1;
      if (top > 0 && hn > h[top - 1]) h[top - 1] = hn;
      if (onPath) {
        onPath.delete(n);
        height?.set(n, hn);
      }
    }
  }
}
