/**
 * Python's repr() and str() for the value model (CPython 3.11, numpy 1.24).
 *
 * Also home of the exact decimal arithmetic on doubles that float formatting
 * needs (Python rounds the exact binary value, ties to even), shared with
 * format.ts.
 */
import {
  HasPyRepr,
  NdArray,
  NpDtype,
  NpScalar,
  PY_REDUCE,
  PY_REPR,
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
  readElement,
} from './values';
import { roundToHalf } from './float16';

// ---------------------------------------------------------------------------
// Exact decimal arithmetic on doubles

/** |x| (finite) exactly as `digits × 10^exp` (digits without leading zeros, '0' for zero). */
export function exactDecimal(x: number): { digits: string; exp: number } {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let p: number;
  if (e === 0) p = -1074;
  else {
    m += 1n << 52n;
    p = e - 1075;
  }
  if (m === 0n) return { digits: '0', exp: 0 };
  // strip factors of two to keep the numbers small
  while ((m & 1n) === 0n && p < 0) {
    m >>= 1n;
    p++;
  }
  if (p >= 0) return { digits: (m << BigInt(p)).toString(), exp: 0 };
  return { digits: (m * 5n ** BigInt(-p)).toString(), exp: p };
}

/** Rounds the non-negative integer `d` (decimal text) dropping `s` trailing digits, half to even. */
function roundDrop(d: string, s: number): bigint {
  if (s <= 0) return BigInt(d) * 10n ** BigInt(-s);
  if (s > d.length) return 0n;
  const n = BigInt(d);
  const div = 10n ** BigInt(s);
  let q = n / div;
  const r2 = (n % div) * 2n;
  if (r2 > div || (r2 === div && (q & 1n) === 1n)) q += 1n;
  return q;
}

/** |x| rounded to `frac` digits after the point (ties to even), as text "123.4500" (no sign). */
export function fixedDigits(x: number, frac: number): string {
  const { digits, exp } = exactDecimal(x);
  const n = roundDrop(digits, -(exp + frac)).toString();
  if (frac <= 0) return n;
  const padded = n.padStart(frac + 1, '0');
  return padded.slice(0, padded.length - frac) + '.' + padded.slice(padded.length - frac);
}

/** |x| (non-zero, finite) rounded to `p` significant digits: digit string of length p and the exponent of its first digit. */
export function sigDigits(x: number, p: number): { digits: string; exp: number } {
  const { digits, exp } = exactDecimal(x);
  if (digits === '0') return { digits: '0'.repeat(p), exp: 0 };
  let e10 = exp + digits.length - 1;
  let n = roundDrop(digits, digits.length - p).toString();
  if (n.length > p) {
    n = n.slice(0, p);
    e10++;
  }
  return { digits: n, exp: e10 };
}

/**
 * The shortest digits that round-trip (|x| non-zero, finite): digit string
 * and the exponent of its first digit, among the floats of `itemsize` bytes
 * (8: double, 4: float32, 2: float16).
 */
export function shortestDigits(x: number, itemsize = 8): { digits: string; exp: number } {
  const a = Math.abs(x);
  if (itemsize === 8) {
    // ECMAScript's toExponential() without digits is the shortest round-trip
    // form, as Python's repr: "d.ddde±x". Taken apart by index (this is on
    // the publish path of every float, where split/replace cost 3×).
    const s = a.toExponential();
    const ei = s.indexOf('e');
    const digits = ei > 1 ? s[0] + s.slice(2, ei) : s.slice(0, ei);
    const e = Number(s.slice(ei + 2));
    return { digits, exp: s.charCodeAt(ei + 1) === 45 /* - */ ? -e : e };
  }
  for (let p = 1; p <= 9; p++) {
    // correctly rounded p digits, ties to even (as numpy's Dragon4 picks between two equally near candidates)
    const r = sigDigits(a, p);
    const back = Number(`${r.digits[0]}.${r.digits.slice(1)}e${r.exp}`);
    if ((itemsize === 2 ? roundToHalf(back) : Math.fround(back)) === a) {
      let digits = r.digits;
      while (digits.length > 1 && digits.endsWith('0')) digits = digits.slice(0, -1);
      return { digits, exp: r.exp };
    }
  }
  return sigDigits(a, 9);
}

// ---------------------------------------------------------------------------
// Floats

const expText = (e: number, minDigits = 2): string => (e < 0 ? '-' : '+') + String(Math.abs(e)).padStart(minDigits, '0');

/** Python's float repr: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function floatRepr(x: number, addDot0 = true): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return sign + (addDot0 ? '0.0' : '0');
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) {
    // Here ECMAScript's Number→String is Python's repr: the same shortest
    // round-trip digits, positional (it only turns exponential below 1e-6
    // and from 1e21); Python adds ".0" to integral values.
    const s = String(x);
    return addDot0 && s.indexOf('.') < 0 ? s + '.0' : s;
  }
  const { digits, exp } = shortestDigits(x);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${expText(exp)}`;
  }
  if (exp >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exp - digits.length + 1)}${addDot0 ? '.0' : ''}`;
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** Python's complex repr: "(1+2j)", "1j", "(-0-0j)", "(nan+infj)". */
export function complexRepr(c: PyComplex): string {
  const im = floatRepr(c.im, false);
  if (c.re === 0 && !Object.is(c.re, -0)) return im + 'j';
  const re = floatRepr(c.re, false);
  const imSigned = im.startsWith('-') ? im : '+' + im;
  return `(${re}${imSigned}j)`;
}

// ---------------------------------------------------------------------------
// Strings and bytes

// Code points whose printability differs between this runtime's Unicode
// tables and Python 3.11's (Unicode 14.0): assigned later, so non-printable
// for Python. Filled lazily.
let newerAssigned: ((cp: number) => boolean) | undefined;
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** Ranges assigned after Unicode 14.0 (Python 3.11's tables) that newer runtimes consider printable. */
const POST_UNICODE_14: [number, number][] = [
  // code points printable for Node 20 (Unicode 17) but not for CPython 3.11 (Unicode 14), found by comparing both
  [0x88f, 0x88f],
  [0x897, 0x897],
  [0xc5c, 0xc5c],
  [0xcdc, 0xcdc],
  [0xcf3, 0xcf3],
  [0xece, 0xece],
  [0x1acf, 0x1add],
  [0x1ae0, 0x1aeb],
  [0x1b4e, 0x1b4f],
  [0x1b7f, 0x1b7f],
  [0x1c89, 0x1c8a],
  [0x20c1, 0x20c1],
  [0x2427, 0x2429],
  [0x2b96, 0x2b96],
  [0x2ffc, 0x2fff],
  [0x31e4, 0x31e5],
  [0x31ef, 0x31ef],
  [0xa7cb, 0xa7cf],
  [0xa7d2, 0xa7d2],
  [0xa7d4, 0xa7d4],
  [0xa7da, 0xa7dc],
  [0xa7f1, 0xa7f1],
  [0xfbc3, 0xfbd2],
  [0xfd90, 0xfd91],
  [0xfdc8, 0xfdce],
  [0x105c0, 0x105f3],
  [0x10940, 0x10959],
  [0x10d40, 0x10d65],
  [0x10d69, 0x10d85],
  [0x10d8e, 0x10d8f],
  [0x10ec2, 0x10ec7],
  [0x10ed0, 0x10ed8],
  [0x10efa, 0x10eff],
  [0x1123f, 0x11241],
  [0x11380, 0x11389],
  [0x1138b, 0x1138b],
  [0x1138e, 0x1138e],
  [0x11390, 0x113b5],
  [0x113b7, 0x113c0],
  [0x113c2, 0x113c2],
  [0x113c5, 0x113c5],
  [0x113c7, 0x113ca],
  [0x113cc, 0x113d5],
  [0x113d7, 0x113d8],
  [0x113e1, 0x113e2],
  [0x116d0, 0x116e3],
  [0x11b00, 0x11b09],
  [0x11b60, 0x11b67],
  [0x11bc0, 0x11be1],
  [0x11bf0, 0x11bf9],
  [0x11db0, 0x11ddb],
  [0x11de0, 0x11de9],
  [0x11f00, 0x11f10],
  [0x11f12, 0x11f3a],
  [0x11f3e, 0x11f5a],
  [0x1342f, 0x1342f],
  [0x13440, 0x13455],
  [0x13460, 0x143fa],
  [0x16100, 0x16139],
  [0x16d40, 0x16d79],
  [0x16ea0, 0x16eb8],
  [0x16ebb, 0x16ed3],
  [0x16ff2, 0x16ff6],
  [0x187f8, 0x187ff],
  [0x18cff, 0x18cff],
  [0x18d09, 0x18d1e],
  [0x18d80, 0x18df2],
  [0x1b132, 0x1b132],
  [0x1b155, 0x1b155],
  [0x1cc00, 0x1ccfc],
  [0x1cd00, 0x1ceb3],
  [0x1ceba, 0x1ced0],
  [0x1cee0, 0x1cef0],
  [0x1d2c0, 0x1d2d3],
  [0x1df25, 0x1df2a],
  [0x1e030, 0x1e06d],
  [0x1e08f, 0x1e08f],
  [0x1e4d0, 0x1e4f9],
  [0x1e5d0, 0x1e5fa],
  [0x1e5ff, 0x1e5ff],
  [0x1e6c0, 0x1e6de],
  [0x1e6e0, 0x1e6f5],
  [0x1e6fe, 0x1e6ff],
  [0x1f6d8, 0x1f6d8],
  [0x1f6dc, 0x1f6dc],
  [0x1f774, 0x1f77f],
  [0x1f7d9, 0x1f7d9],
  [0x1f8b2, 0x1f8bb],
  [0x1f8c0, 0x1f8c1],
  [0x1f8d0, 0x1f8d8],
  [0x1fa54, 0x1fa57],
  [0x1fa75, 0x1fa77],
  [0x1fa87, 0x1fa8a],
  [0x1fa8e, 0x1fa8f],
  [0x1faad, 0x1faaf],
  [0x1fabb, 0x1fabf],
  [0x1fac6, 0x1fac6],
  [0x1fac8, 0x1fac8],
  [0x1facd, 0x1facf],
  [0x1fada, 0x1fadc],
  [0x1fadf, 0x1fadf],
  [0x1fae8, 0x1faea],
  [0x1faef, 0x1faef],
  [0x1faf7, 0x1faf8],
  [0x1fbcb, 0x1fbef],
  [0x1fbfa, 0x1fbfa],
  [0x2b739, 0x2b73f],
  [0x2cea2, 0x2cead],
  [0x2ebf0, 0x2ee5d],
  [0x31350, 0x33479],
];

function isNewer(cp: number): boolean {
  if (!newerAssigned) {
    const ranges = POST_UNICODE_14;
    newerAssigned = (c: number) => {
      let lo = 0;
      let hi = ranges.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (c < ranges[mid][0]) hi = mid - 1;
        else if (c > ranges[mid][1]) lo = mid + 1;
        else return true;
      }
      return false;
    };
  }
  return newerAssigned(cp);
}

/** Python's str.isprintable() for one code point. */
export function isPrintable(cp: number): boolean {
  if (cp === 0x20) return true;
  if (cp < 0x7f) return cp > 0x20;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if (NON_PRINTABLE.test(String.fromCodePoint(cp))) return false;
  return !isNewer(cp);
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

function escapeCodePoint(cp: number): string {
  if (cp < 0x100) return '\\x' + hex2(cp);
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** Code points of a JS string (lone surrogates stay single code points). */
function* codePoints(s: string): Generator<number> {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        yield ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        i++;
        continue;
      }
    }
    yield c;
  }
}

/** Python's str repr, with `ascii` for ascii(). */
export function strRepr(s: string, ascii = false): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const cp of codePoints(s)) {
    if (cp === 0x5c) out += '\\\\';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp === q.charCodeAt(0)) out += '\\' + q;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex2(cp);
    else if (cp < 0x7f) out += String.fromCharCode(cp);
    else if (ascii || !isPrintable(cp)) out += escapeCodePoint(cp);
    else out += String.fromCodePoint(cp);
  }
  return out + q;
}

/** Python's bytes repr: b'..'; `bytearray` escapes every single quote, as CPython's bytearray repr does. */
export function bytesRepr(b: Uint8Array, bytearray = false): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const c of b) {
    if (c === 0x27) hasSingle = true;
    else if (c === 0x22) hasDouble = true;
  }
  const q = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = 'b' + String.fromCharCode(q);
  for (const c of b) {
    if (c === q || c === 0x5c || (bytearray && c === 0x27)) out += '\\' + String.fromCharCode(c);
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + hex2(c);
    else out += String.fromCharCode(c);
  }
  return out + String.fromCharCode(q);
}

// ---------------------------------------------------------------------------
// Objects

/** A fixed-looking CPython heap address for reprs like "<... object at 0x7f...>". */
let addressCounter = 0;
export function fakeAddress(): string {
  addressCounter = (addressCounter + 1) % 0x10000;
  return '0x7f4dd0' + (0x04f6d0 + addressCounter * 0x30).toString(16).padStart(6, '0');
}

const EXCEPTION_NAME = /(Error|Exception|Warning|Exit|Interrupt|Iteration|Group)$/;

/** Whether a PyObject stands for an exception instance (repr "Name(args)"). */
export function isExceptionObject(o: PyObject): boolean {
  return o.how === 'reduce' && EXCEPTION_NAME.test(o.cls.name);
}

function hasPyRepr(v: unknown): v is HasPyRepr {
  return typeof v === 'object' && v !== null && typeof (v as HasPyRepr)[PY_REPR] === 'function';
}

/** Python's repr(v). */
export function pyRepr(v: PyValue): string {
  return reprIn(v, new Set());
}

function reprIn(v: PyValue, seen: Set<object>): string {
  if (v === null) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return v.toString();
    case 'number':
      return floatRepr(v);
    case 'string':
      return strRepr(v);
  }
  if (hasPyRepr(v)) return v[PY_REPR]();
  if (v instanceof Uint8Array) return bytesRepr(v);
  if (v instanceof PyByteArray) return `bytearray(${bytesRepr(v.data, true)})`;
  if (v instanceof PyComplex) return complexRepr(v);
  if (v instanceof NdArray) return ndarrayRepr(v);
  if (v instanceof NpScalar) return npScalarStr(v);
  if (v instanceof PyUnpicklable) return v.reprText;
  if (v instanceof PyGlobal) {
    if (v.module === 'builtins' && (v.name === 'Ellipsis' || v.name === 'NotImplemented')) return v.name;
    return v.module === 'builtins' ? `<class '${v.name}'>` : `<class '${v.qualified}'>`;
  }
  // containers: guard against cycles like Python's Py_ReprEnter
  if (seen.has(v)) {
    if (Array.isArray(v)) return '[...]';
    if (v instanceof PyOrderedDict) return '...';
    if (v instanceof PyDict) return '{...}';
    return '...';
  }
  seen.add(v);
  try {
    const r = (x: PyValue) => reprIn(x, seen);
    if (Array.isArray(v)) return '[' + v.map(r).join(', ') + ']';
    if (v instanceof PyTuple) {
      if (v.items.length === 1) return '(' + r(v.items[0]) + ',)';
      return '(' + v.items.map(r).join(', ') + ')';
    }
    if (v instanceof PyOrderedDict) {
      if (v.size === 0) return 'OrderedDict()';
      return 'OrderedDict([' + [...v].map(([k, x]) => `(${r(k)}, ${r(x)})`).join(', ') + '])';
    }
    if (v instanceof PyDict) return '{' + [...v].map(([k, x]) => `${r(k)}: ${r(x)}`).join(', ') + '}';
    if (v instanceof PySet) return v.size === 0 ? 'set()' : '{' + [...v].map(r).join(', ') + '}';
    if (v instanceof PyFrozenSet) return v.size === 0 ? 'frozenset()' : 'frozenset({' + [...v].map(r).join(', ') + '})';
    if (v instanceof PyObject) {
      if (isExceptionObject(v)) return `${v.cls.name}(${v.args.map(r).join(', ')})`;
      const dt = datetimeRepr(v);
      if (dt !== null) return dt;
      return `<${v.cls.qualified} object at ${fakeAddress()}>`;
    }
    if (isReducible(v)) return r(v[PY_REDUCE]());
  } finally {
    seen.delete(v);
  }
  return `<object object at ${fakeAddress()}>`;
}

/**
 * repr of a datetime.date / naive or UTC datetime.datetime held as its pickled form
 * (`datetime.date(b'YYMD')`, `datetime.datetime(b'YYMDhms uuu'[, tz])`); null for anything else.
 */
function datetimeRepr(o: PyObject): string | null {
  const a = o.args[0];
  if (o.cls.module !== 'datetime' || !(a instanceof Uint8Array)) return null;
  const y = a[0] * 256 + a[1];
  if (o.cls.name === 'date' && a.length === 4) return `datetime.date(${y}, ${a[2]}, ${a[3]})`;
  if (o.cls.name !== 'datetime' || a.length !== 10) return null;
  const parts = [y, a[2], a[3], a[4], a[5]];
  const sec = a[6];
  const us = (a[7] << 16) | (a[8] << 8) | a[9];
  if (sec || us) parts.push(sec);
  if (us) parts.push(us);
  let tz = '';
  if (o.args.length > 1) {
    const t = o.args[1];
    const off = t instanceof PyObject && t.args[0] instanceof PyObject ? t.args[0].args : null;
    if (!off || !off.every((x) => x === 0n)) return null;
    tz = ', tzinfo=datetime.timezone.utc';
  }
  return `datetime.datetime(${parts.join(', ')}${tz})`;
}

/** Python's str(v). */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof NdArray) return ndarrayStr(v);
  if (v instanceof NpScalar) return npScalarStr(v);
  if (v instanceof PyObject && isExceptionObject(v)) {
    if (v.args.length === 0) return '';
    if (v.args.length === 1) return v.cls.name === 'KeyError' ? pyRepr(v.args[0]) : pyStr(v.args[0]);
    return pyRepr(new PyTuple(v.args));
  }
  return pyRepr(v);
}

// ---------------------------------------------------------------------------
// numpy scalars

function npFloatText(x: number, itemsize: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (itemsize === 8) return floatRepr(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return sign + '0.0';
  const { digits, exp } = shortestDigits(x, itemsize);
  const a = Math.abs(x);
  if (a >= 1e16 || a < 1e-4) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${expText(exp)}`;
  }
  if (exp >= digits.length - 1) return `${sign}${digits}${'0'.repeat(exp - digits.length + 1)}.0`;
  if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** str() (and, in numpy 1.24, repr()) of a numpy scalar. */
export function npScalarStr(s: NpScalar): string {
  const v = s.value;
  if (s.dtype.kind === 'f') return npFloatText(v as number, s.dtype.itemsize);
  if (s.dtype.kind === 'c') {
    const c = v as PyComplex;
    const t = (x: number) => {
      const r = npFloatText(x, s.dtype.itemsize / 2);
      return r.endsWith('.0') ? r.slice(0, -2) : r;
    };
    const im = t(c.im);
    if (c.re === 0 && !Object.is(c.re, -0)) return im + 'j';
    return `(${t(c.re)}${im.startsWith('-') ? im : '+' + im}j)`;
  }
  return pyRepr(v);
}

// ---------------------------------------------------------------------------
// numpy arrays (array2string of numpy 1.24, default print options)

const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const PRECISION = 8;

interface FloatFmtOpts {
  precision: number;
  minDigits: number;
  trim: '.' | 'k';
  sign: boolean;
  padLeft: number;
  padRight: number;
  expDigits: number;
  /** Bytes of the float type (8, 4 or 2): the shortest digits are those that round-trip in it. */
  itemsize: number;
  /**
   * Dragon4 given a `min_digits` (numpy's array elements): where the shortest
   * digits stop above the units, the integer part is the value's exact digits,
   * not the shortest ones padded with zeros (float16 22576 prints 22576., not 22580.).
   */
  exactInt?: boolean;
}

/** Digits of |x| (finite, may be 0) in unique mode with a cutoff and minimum of fraction digits (positional). */
function positionalParts(x: number, o: Pick<FloatFmtOpts, 'precision' | 'minDigits' | 'trim' | 'itemsize' | 'exactInt'>): [string, string] {
  let intPart: string;
  let frac: string;
  if (x === 0) {
    intPart = '0';
    frac = '';
  } else {
    const { digits, exp } = shortestDigits(x, o.itemsize);
    const nFrac = Math.max(0, digits.length - 1 - exp);
    if (nFrac > o.precision || nFrac < o.minDigits) {
      const t = fixedDigits(x, nFrac > o.precision ? o.precision : o.minDigits);
      const dot = t.indexOf('.');
      intPart = dot < 0 ? t : t.slice(0, dot);
      frac = dot < 0 ? '' : t.slice(dot + 1);
    } else if (exp >= 0) {
      intPart = o.exactInt === true && exp >= digits.length && Number.isInteger(x) ? BigInt(x).toString() : digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      frac = digits.slice(exp + 1);
    } else {
      intPart = '0';
      frac = '0'.repeat(-exp - 1) + digits;
    }
  }
  if (o.trim === '.' || o.trim === 'k') {
    // unique mode never yields trailing zeros beyond min_digits except after a cutoff rounding
    if (o.trim === '.') frac = frac.replace(/0+$/, '');
    else if (frac.length > o.minDigits) frac = frac.replace(/0+$/, '').padEnd(o.minDigits, '0');
  }
  if (frac.length < o.minDigits) frac = frac.padEnd(o.minDigits, '0');
  return [intPart, frac];
}

function dragon4Positional(x: number, o: FloatFmtOpts): string {
  const neg = x < 0 || Object.is(x, -0);
  const [i, f] = positionalParts(Math.abs(x), o);
  const left = (neg ? '-' : o.sign ? '+' : '') + i;
  return left.padStart(o.padLeft, ' ') + '.' + f.padEnd(o.padRight, ' ');
}

function dragon4Scientific(x: number, o: FloatFmtOpts): string {
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let digits: string;
  let exp: number;
  if (a === 0) {
    digits = '0';
    exp = 0;
  } else {
    ({ digits, exp } = shortestDigits(a, o.itemsize));
    const nFrac = digits.length - 1;
    if (nFrac > o.precision) ({ digits, exp } = sigDigits(a, o.precision + 1));
    else if (nFrac < o.minDigits) ({ digits, exp } = sigDigits(a, o.minDigits + 1));
  }
  let frac = digits.slice(1);
  if (o.trim === '.') frac = frac.replace(/0+$/, '');
  else if (frac.length > o.minDigits) frac = frac.replace(/0+$/, '').padEnd(o.minDigits, '0');
  if (frac.length < o.minDigits) frac = frac.padEnd(o.minDigits, '0');
  const left = (neg ? '-' : o.sign ? '+' : '') + digits[0];
  const ed = Math.max(o.expDigits, 2);
  return left.padStart(o.padLeft, ' ') + '.' + frac + 'e' + expText(exp, ed);
}

/** numpy's FloatingFormat for default options (floatmode 'maxprec', precision 8). */
function floatingFormat(data: number[], itemsize: number, sign = false): (x: number) => string {
  const finite = data.filter((x) => Number.isFinite(x));
  const absNonZero = finite.filter((x) => x !== 0).map(Math.abs);
  let expFormat = false;
  if (absNonZero.length) {
    const max = Math.max(...absNonZero);
    const min = Math.min(...absNonZero);
    if (max >= 1e8 || min < 0.0001 || max / min > 1000) expFormat = true;
  }
  const o: FloatFmtOpts = { precision: PRECISION, minDigits: 0, trim: '.', sign, padLeft: 0, padRight: 0, expDigits: -1, itemsize };
  if (finite.length === 0) {
    // defaults
  } else if (expFormat) {
    const strs = finite.map((x) => dragon4Scientific(x, { ...o, padLeft: 0, padRight: 0 }));
    let expSize = 0;
    let prec = 0;
    let padLeft = 0;
    for (const s of strs) {
      const [mant, e] = s.split('e');
      const [ip, fp] = mant.split('.');
      expSize = Math.max(expSize, e.length - 1);
      prec = Math.max(prec, fp.length);
      padLeft = Math.max(padLeft, ip.length);
    }
    o.expDigits = expSize;
    o.trim = 'k';
    o.precision = prec;
    o.minDigits = prec;
    o.padLeft = padLeft;
    o.padRight = expSize + 2 + prec;
  } else {
    let padLeft = 0;
    let padRight = 0;
    for (const x of finite) {
      const s = dragon4Positional(x, { ...o, padLeft: 0, padRight: 0 });
      const [ip, fp] = s.split('.');
      padLeft = Math.max(padLeft, ip.length);
      padRight = Math.max(padRight, fp.length);
    }
    o.padLeft = padLeft;
    o.padRight = padRight;
  }
  if (data.length !== finite.length) {
    const neginf = sign || data.some((x) => x === -Infinity);
    const offset = o.padRight + 1;
    o.padLeft = Math.max(o.padLeft, 3 - offset, 3 + (neginf ? 1 : 0) - offset);
  }
  const call: FloatFmtOpts = { ...o, exactInt: true };
  return (x: number) => {
    if (!Number.isFinite(x)) {
      let ret: string;
      if (Number.isNaN(x)) ret = (sign ? '+' : '') + 'nan';
      else ret = (x < 0 ? '-' : sign ? '+' : '') + 'inf';
      return ' '.repeat(Math.max(0, o.padLeft + o.padRight + 1 - ret.length)) + ret;
    }
    return expFormat ? dragon4Scientific(x, o) : dragon4Positional(x, call);
  };
}

/** The element formatter numpy picks for an array's dtype, given the elements it will print. */
function formatFunction(dtype: NpDtype, data: PyValue[]): (v: PyValue) => string {
  switch (dtype.kind) {
    case 'b':
      return (v) => (v ? ' True' : 'False');
    case 'i':
    case 'u': {
      let width = 0;
      if (data.length) {
        const ns = data as bigint[];
        let max = ns[0];
        let min = ns[0];
        for (const n of ns) {
          if (n > max) max = n;
          if (n < min) min = n;
        }
        width = Math.max(max.toString().length, min.toString().length);
      }
      return (v) => (v as bigint).toString().padStart(width, ' ');
    }
    case 'f': {
      const f = floatingFormat(data as number[], dtype.itemsize);
      return (v) => f(v as number);
    }
    case 'c': {
      const cs = data as PyComplex[];
      const re = floatingFormat(
        cs.map((c) => c.re),
        dtype.itemsize / 2,
      );
      const im = floatingFormat(
        cs.map((c) => c.im),
        dtype.itemsize / 2,
        true,
      );
      return (v) => {
        const c = v as PyComplex;
        const r = re(c.re);
        const i = im(c.im);
        const sp = i.trimEnd().length;
        return r + i.slice(0, sp) + 'j' + ' '.repeat(i.length - sp);
      };
    }
    default:
      return (v) => pyRepr(v);
  }
}

/** Element accessor by C-order flat index, whatever the memory order. */
function elementAt(a: NdArray): (flat: number) => PyValue {
  if (!a.fortran || a.ndim < 2) return (i) => a.item(i);
  const shape = a.shape;
  return (flat) => {
    // C-order multi-index → Fortran memory offset
    let rem = flat;
    const idx: number[] = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    let off = 0;
    let stride = 1;
    for (let d = 0; d < shape.length; d++) {
      off += idx[d] * stride;
      stride *= shape[d];
    }
    return readElement(a.dtype, a.data, off * a.dtype.itemsize);
  };
}

function extendLine(s: string, line: string, word: string, width: number, nextPrefix: string): [string, string] {
  let wrap = line.length + word.length > width;
  if (line.length <= nextPrefix.length) wrap = false;
  if (wrap) {
    s += line.trimEnd() + '\n';
    line = nextPrefix;
  }
  return [s, line + word];
}

function array2string(a: NdArray, separator: string, prefix: string, suffix: string): string {
  const get = elementAt(a);
  const shape = a.shape;
  const summarize = a.size > THRESHOLD;
  // the elements the formatter sees (edge items only when summarizing)
  const strides: number[] = [];
  let st = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = st;
    st *= shape[d];
  }
  const shown: PyValue[] = [];
  const collect = (dim: number, base: number) => {
    if (dim === shape.length) {
      shown.push(get(base));
      return;
    }
    const n = shape[dim];
    const idxs: number[] = [];
    if (summarize && n > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) idxs.push(i);
      for (let i = n - EDGE_ITEMS; i < n; i++) idxs.push(i);
    } else for (let i = 0; i < n; i++) idxs.push(i);
    for (const i of idxs) collect(dim + 1, base + i * strides[dim]);
  };
  collect(0, 0);
  const fmt = formatFunction(a.dtype, shown);
  const lineWidth = LINE_WIDTH - suffix.length;
  const nextLinePrefix = ' ' + ' '.repeat(prefix.length);
  const summaryInsert = summarize ? '...' : '';

  const recurse = (dim: number, base: number, hanging: string, currWidth: number): string => {
    const axesLeft = shape.length - dim;
    if (axesLeft === 0) return fmt(get(base));
    const nextHanging = hanging + ' ';
    const nextWidth = currWidth - 1;
    const n = shape[dim];
    const showSummary = summaryInsert !== '' && 2 * EDGE_ITEMS < n;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : n;
    const sub = (i: number) => recurse(dim + 1, base + i * strides[dim], nextHanging, nextWidth);
    let s = '';
    if (axesLeft === 1) {
      const sepR = separator.trimEnd();
      const elemWidth = currWidth - Math.max(sepR.length, 1);
      let line = hanging;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLine(s, line, sub(i), elemWidth, hanging);
        line += separator;
      }
      if (showSummary) {
        [s, line] = extendLine(s, line, summaryInsert, elemWidth, hanging);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLine(s, line, sub(n - i), elemWidth, hanging);
        line += separator;
      }
      [s, line] = extendLine(s, line, sub(n - 1), elemWidth, hanging);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(axesLeft - 1);
      for (let i = 0; i < leading; i++) s += hanging + sub(i) + lineSep;
      if (showSummary) s += hanging + summaryInsert + lineSep;
      for (let i = trailing; i > 1; i--) s += hanging + sub(n - i) + lineSep;
      s += hanging + sub(n - 1);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return recurse(0, 0, nextLinePrefix, lineWidth);
}

/** numpy's str(ndarray). */
export function ndarrayStr(a: NdArray): string {
  if (a.ndim === 0) return npScalarStr(new NpScalar(a.dtype, a.data.slice(0, a.dtype.itemsize)));
  if (a.size === 0) return '[]';
  return array2string(a, ' ', '', '');
}

const IMPLIED_DTYPES = new Set(['f8', 'i8', 'b1', 'c16']);

/** numpy's repr(ndarray). */
export function ndarrayRepr(a: NdArray): string {
  const implied = IMPLIED_DTYPES.has(a.dtype.pickleName) && a.size > 0;
  const prefix = 'array(';
  const suffix = implied ? ')' : ',';
  let lst: string;
  if (a.size > 0 || (a.ndim === 1 && a.shape[0] === 0)) {
    lst = a.size === 0 ? '[]' : array2string(a, ', ', prefix, suffix);
  } else {
    lst = `[], shape=${pyRepr(new PyTuple(a.shape.map((n) => BigInt(n))))}`;
  }
  const arr = prefix + lst + suffix;
  if (implied) return arr;
  const flexible = 'USV'.includes(a.dtype.kind);
  const dtypeName = flexible ? `'${a.dtype.str}'` : a.dtype.name;
  const dtypeStr = `dtype=${dtypeName})`;
  const lastLine = arr.length - (arr.lastIndexOf('\n') + 1);
  const spacer = lastLine + dtypeStr.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arr + spacer + dtypeStr;
}
