/**
 * Python's numbers of text and its whitespace, as CPython 3.11 has them, in
 * one place: `str.isspace()` / `str.strip()`, `int(s, base)`, `float(s)`,
 * and the C-level parsers under them that pickle's text opcodes call
 * (`PyLong_FromString`, `PyOS_string_to_double`'s grammar).
 *
 * Two whitespace sets, as in CPython:
 * - `str.isspace()`, `str.strip()`, `str.split()` (Py_UNICODE_ISSPACE): the
 *   ASCII \t \n \v \f \r and space, the separators \x1c–\x1f, and the
 *   Unicode spaces U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
 *   U+202F, U+205F, U+3000.
 * - `int()` and `float()` of a str first turn every non-ASCII space into ' '
 *   and every Unicode decimal digit into its ASCII digit
 *   (`_PyUnicode_TransformDecimalAndSpaceToASCII`), then strip only ASCII
 *   whitespace (Py_ISSPACE: \t \n \v \f \r and space). So `int('\u20005')` is
 *   5, and `int('\x1c5')` raises ValueError although '\x1c5'.strip() is '5'.
 *
 * interop/py-numtext.test.ts checks all of it against /usr/bin/python3.
 */
import { PyValueError } from './errors';
import { strRepr } from './repr';

/** `str.isspace()` of one code point (Py_UNICODE_ISSPACE). */
export function isPySpace(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20);
  return (
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

/** Py_ISSPACE, the C-level test CPython's number parsers strip with: \t \n \v \f \r and space. */
export function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** `s.strip()`: Python's whitespace (isPySpace) removed from both ends. */
export function pyStrip(s: string): string {
  let a = 0;
  let b = s.length;
  // every Python space is in the BMP: a code unit is enough
  while (a < b && isPySpace(s.charCodeAt(a))) a++;
  while (b > a && isPySpace(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * The zero of each run of ten decimal digits (Unicode category Nd) in Unicode
 * 14.0, the database of CPython 3.11: a digit's value is its distance from
 * the zero of its run. (Node's own `\p{Nd}` follows a later Unicode, with
 * digits Python 3.11 does not know.)
 */
const DIGIT_ZEROS: readonly number[] = [
  0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946,
  0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0,
  0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce,
  0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/** Py_UNICODE_TODECIMAL: the value of a decimal digit (0–9), or -1 for any other code point. */
export function decimalValue(cp: number): number {
  let lo = 0;
  let hi = DIGIT_ZEROS.length - 1;
  if (cp < DIGIT_ZEROS[0]) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (DIGIT_ZEROS[mid] <= cp) lo = mid;
    else hi = mid - 1;
  }
  const d = cp - DIGIT_ZEROS[lo];
  return d < 10 ? d : -1;
}

/**
 * `_PyUnicode_TransformDecimalAndSpaceToASCII`: what int(), float() and
 * complex() of a str parse. ASCII below DEL stays; a non-ASCII space becomes
 * ' ' and a decimal digit its ASCII digit; the first other character becomes
 * '?' and ends the text (the parse then fails).
 */
export function asciiDigitsAndSpaces(s: string): string {
  // eslint-disable-next-line no-control-regex -- ASCII below DEL: the text as it is
  if (/^[\x00-\x7e]*$/.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x7f) out += ch;
    else if (isPySpace(cp)) out += ' ';
    else {
      const d = decimalValue(cp);
      if (d < 0) return out + '?';
      out += String.fromCharCode(0x30 + d);
    }
  }
  return out;
}

/** CPython's default `sys.get_int_max_str_digits()`: longer decimal (non power-of-two base) literals are refused. */
export const INT_MAX_STR_DIGITS = 4300;

/** The ValueError of a literal longer than INT_MAX_STR_DIGITS digits. */
export function intDigitLimitMessage(digits: number): string {
  return `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`;
}

/** What `PyLong_FromString` made of a text: the value, or why not (`base`: the base its error message names). */
export type LongParse = { readonly ok: true; readonly value: bigint } | { readonly ok: false; readonly base: number; readonly digits?: number };

/** A character's digit value in bases up to 36 (`_PyLong_DigitValue`): 0–9, a–z / A–Z as 10–35; 37 for anything else. */
function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x7a) return l - 0x61 + 10;
  return 37;
}

/** The value of ASCII digits (underscores already removed) in `base`. */
function digitsValue(digits: string, base: number): bigint {
  if (base === 10) return BigInt(digits);
  if (base === 16) return BigInt('0x' + digits);
  if (base === 8) return BigInt('0o' + digits);
  if (base === 2) return BigInt('0b' + digits);
  // other bases: chunks of digits through a number, exact below 2**53
  const chunk = Math.floor(53 / Math.log2(base));
  const b = BigInt(base);
  let v = 0n;
  for (let i = 0; i < digits.length; i += chunk) {
    const part = digits.slice(i, i + chunk);
    let x = 0;
    for (let j = 0; j < part.length; j++) x = x * base + digitValue(part.charCodeAt(j));
    v = v * b ** BigInt(part.length) + BigInt(x);
  }
  return v;
}

/**
 * CPython's `PyLong_FromString(t, NULL, base)` on an ASCII text: leading and
 * trailing ASCII whitespace, one sign, for base 0 the base from a 0x / 0o /
 * 0b prefix (and no other leading zero before a nonzero value), the prefix
 * allowed in its own base, single underscores between digits and after a
 * prefix, and nothing else; at most INT_MAX_STR_DIGITS digits unless the base
 * is a power of two. The whole text must be used.
 */
export function longFromString(t: string, base: number): LongParse {
  const n = t.length;
  let i = 0;
  while (i < n && isAsciiSpace(t.charCodeAt(i))) i++;
  let neg = false;
  if (t[i] === '+') i++;
  else if (t[i] === '-') {
    neg = true;
    i++;
  }
  let errorIfNonzero = false;
  if (base === 0) {
    const p = t.charCodeAt(i + 1) | 0x20;
    if (t[i] !== '0') base = 10;
    else if (p === 0x78) base = 16;
    else if (p === 0x6f) base = 8;
    else if (p === 0x62) base = 2;
    else {
      // a C-style octal literal ("010"): refused unless its value is zero
      errorIfNonzero = true;
      base = 10;
    }
  }
  if (t[i] === '0') {
    const p = t.charCodeAt(i + 1) | 0x20;
    if ((base === 16 && p === 0x78) || (base === 8 && p === 0x6f) || (base === 2 && p === 0x62)) {
      i += 2;
      if (t[i] === '_') i++;
    }
  }
  if (t[i] === '_') return { ok: false, base };
  let digits = '';
  let prev = -1;
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x5f) {
      if (prev === 0x5f) return { ok: false, base };
    } else if (digitValue(c) < base) digits += t[i];
    else break;
    prev = c;
  }
  if (prev === 0x5f) return { ok: false, base };
  if ((base & (base - 1)) !== 0 && digits.length > INT_MAX_STR_DIGITS) return { ok: false, base, digits: digits.length };
  const reportBase = errorIfNonzero ? 0 : base;
  if (digits === '') return { ok: false, base: reportBase };
  const value = digitsValue(digits, base);
  if (errorIfNonzero && value !== 0n) return { ok: false, base: reportBase };
  while (i < n && isAsciiSpace(t.charCodeAt(i))) i++;
  if (i !== n) return { ok: false, base: reportBase };
  return { ok: true, value: neg ? -value : value };
}

/** `%.200R`: a str's repr, cut to 200 characters. */
function repr200(s: string): string {
  const r = strRepr(s);
  return r.length <= 200 ? r : Array.from(r).slice(0, 200).join('');
}

/** Python's `int(s, base)` of a str (base 0 or 2–36). Raises ValueError with CPython's texts. */
export function pyIntFromStr(s: string, base = 10): bigint {
  if (base !== 0 && !(base >= 2 && base <= 36)) throw new PyValueError('int() base must be >= 2 and <= 36, or 0');
  const r = longFromString(asciiDigitsAndSpaces(s), base);
  if (r.ok) return r.value;
  if (r.digits !== undefined) throw new PyValueError(intDigitLimitMessage(r.digits));
  throw new PyValueError(`invalid literal for int() with base ${base}: ${repr200(s)}`);
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * The longest float literal of `t` starting at `start`, as CPython's
 * `_PyOS_ascii_strtod` reads it: a sign, then inf / infinity / nan (any
 * case), or digits with an optional fraction and exponent (at least one
 * digit before the exponent). `end` is `start` when there is none. No
 * whitespace, no underscores.
 */
export function floatPrefix(t: string, start: number): { end: number; value: number } {
  let i = start;
  let neg = false;
  if (t[i] === '+' || t[i] === '-') {
    neg = t[i] === '-';
    i++;
  }
  const word = t.slice(i, i + 8).toLowerCase();
  if (word.startsWith('inf')) return { end: i + (word === 'infinity' ? 8 : 3), value: neg ? -Infinity : Infinity };
  if (word.startsWith('nan')) return { end: i + 3, value: NaN };
  let k = i;
  while (k < t.length && isDigit(t.charCodeAt(k))) k++;
  let mantissa = k - i;
  if (t[k] === '.') {
    let f = k + 1;
    while (f < t.length && isDigit(t.charCodeAt(f))) f++;
    mantissa += f - k - 1;
    if (mantissa > 0) k = f;
  }
  if (mantissa === 0) return { end: start, value: NaN };
  if (t[k] === 'e' || t[k] === 'E') {
    let e = k + 1;
    if (t[e] === '+' || t[e] === '-') e++;
    const digitsAt = e;
    while (e < t.length && isDigit(t.charCodeAt(e))) e++;
    if (e > digitsAt) k = e;
  }
  return { end: k, value: Number(t.slice(start, k)) };
}

/**
 * What float() and complex() of a str parse: its spaces and digits made
 * ASCII (asciiDigitsAndSpaces), then `_Py_string_to_number_with_underscores`'
 * rule, each underscore between two ASCII digits. The text without the
 * underscores, or null when one is elsewhere.
 */
export function numberText(s: string): string | null {
  const t = asciiDigitsAndSpaces(s);
  if (!t.includes('_')) return t;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '_' && !(i > 0 && isDigit(t.charCodeAt(i - 1)) && i + 1 < t.length && isDigit(t.charCodeAt(i + 1)))) return null;
  }
  return t.replace(/_/g, '');
}

/** Python's `float(s)` of a str. Raises ValueError with CPython's text. */
export function pyFloatFromStr(s: string): number {
  const t = numberText(s);
  if (t !== null) {
    let a = 0;
    let b = t.length;
    while (a < b && isAsciiSpace(t.charCodeAt(a))) a++;
    while (b > a && isAsciiSpace(t.charCodeAt(b - 1))) b--;
    const r = floatPrefix(t, a);
    if (r.end === b && b > a) return r.value;
  }
  throw new PyValueError(`could not convert string to float: ${strRepr(s)}`);
}
