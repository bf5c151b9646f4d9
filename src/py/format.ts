/**
 * Python's str.format() and format(value, spec) (CPython 3.11): the format
 * specification mini-language for int, bool, float, complex and str, numpy
 * scalars like their Python equivalents, object.__format__ for the rest.
 */
import { PyError, PyIndexError, PyKeyError, PyTypeError, PyValueError } from './errors';
import { complexRepr, fixedDigits, floatRepr, pyRepr, pyStr, sigDigits, strRepr } from './repr';
import { HasPyRepr, NdArray, NpScalar, PY_REPR, PyComplex, PyDict, PyTuple, PyValue, typeName } from './values';

class PyOverflowError extends PyError {
  constructor(message: string) {
    super('builtins', 'OverflowError', message);
  }
}
class PyAttributeErr extends PyError {
  constructor(message: string) {
    super('builtins', 'AttributeError', message);
  }
}

interface Spec {
  fill: string;
  fillSpecified: boolean;
  align: string | undefined;
  sign: string | undefined;
  z: boolean;
  alt: boolean;
  width: number;
  grouping: string | undefined;
  precision: number | undefined;
  type: string | undefined;
}

const ALIGNS = '<>=^';
const MAX_SSIZE = 2n ** 63n - 1n;

const typeCharText = (c: string): string => {
  const n = c.codePointAt(0)!;
  return n > 32 && n < 128 ? c : '\\x' + n.toString(16);
};

/** Parses a format spec (CPython's rules), `defaultAlign` '>' for numbers and '<' for str. */
function parseSpec(spec: string, defaultAlign: string, tname: string): Spec {
  const cs = [...spec];
  let i = 0;
  const s: Spec = {
    fill: ' ',
    fillSpecified: false,
    align: undefined,
    sign: undefined,
    z: false,
    alt: false,
    width: -1,
    grouping: undefined,
    precision: undefined,
    type: undefined,
  };
  let alignSpecified = false;
  if (cs.length >= 2 && ALIGNS.includes(cs[1])) {
    s.fill = cs[0];
    s.fillSpecified = true;
    s.align = cs[1];
    alignSpecified = true;
    i = 2;
  } else if (cs.length >= 1 && ALIGNS.includes(cs[0])) {
    s.align = cs[0];
    alignSpecified = true;
    i = 1;
  }
  if (i < cs.length && '+- '.includes(cs[i])) s.sign = cs[i++];
  if (i < cs.length && cs[i] === 'z') {
    s.z = true;
    i++;
  }
  if (i < cs.length && cs[i] === '#') {
    s.alt = true;
    i++;
  }
  if (!s.fillSpecified && i < cs.length && cs[i] === '0') {
    s.fill = '0';
    s.fillSpecified = true;
    if (!alignSpecified && defaultAlign === '>') s.align = '=';
    i++;
  }
  const readNumber = (): number | undefined => {
    const start = i;
    let n = 0n;
    while (i < cs.length && cs[i] >= '0' && cs[i] <= '9') {
      n = n * 10n + BigInt(cs[i].charCodeAt(0) - 48);
      if (n > MAX_SSIZE) throw new PyValueError('Too many decimal digits in format string');
      i++;
    }
    return i === start ? undefined : Number(n);
  };
  const w = readNumber();
  if (w !== undefined) s.width = w;
  if (i < cs.length && cs[i] === ',') {
    s.grouping = ',';
    i++;
  }
  if (i < cs.length && cs[i] === '_') {
    if (s.grouping !== undefined) throw new PyValueError("Cannot specify both ',' and '_'.");
    s.grouping = '_';
    i++;
  }
  if (i < cs.length && cs[i] === ',' && s.grouping === '_') throw new PyValueError("Cannot specify both ',' and '_'.");
  if (i < cs.length && cs[i] === '.') {
    i++;
    const p = readNumber();
    if (p === undefined) throw new PyValueError('Format specifier missing precision');
    s.precision = p;
  }
  if (cs.length - i > 1) throw new PyValueError(`Invalid format specifier '${spec}' for object of type '${tname}'`);
  if (i < cs.length) s.type = cs[i];
  if (s.grouping !== undefined) {
    const t = s.type ?? (defaultAlign === '<' ? 's' : undefined);
    const ok = t === undefined || 'defgEG%F'.includes(t) || (s.grouping === '_' && 'boxX'.includes(t));
    if (!ok) throw new PyValueError(`Cannot specify '${s.grouping}' with '${typeCharText(t)}'.`);
  }
  return s;
}

const cpLen = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Pads `content` to the spec's width with its fill and alignment ('=' handled by the callers). */
function pad(content: string, s: Spec, defaultAlign: string): string {
  const len = cpLen(content);
  if (s.width <= len) return content;
  const n = s.width - len;
  const align = s.align ?? defaultAlign;
  if (align === '<') return content + s.fill.repeat(n);
  if (align === '^') return s.fill.repeat(n >> 1) + content + s.fill.repeat(n - (n >> 1));
  return s.fill.repeat(n) + content;
}

/** Inserts group separators into `digits`, zero-padding to `minWidth` the way CPython does. */
function group(digits: string, sep: string, size: number, minWidth: number): string {
  let out = '';
  let remaining = digits.length;
  let width = minWidth;
  for (;;) {
    const l = Math.max(Math.min(Math.max(remaining, width), size), 1);
    const take = Math.min(l, remaining);
    const part = digits.slice(remaining - take, remaining).padStart(l, '0');
    out = part + out;
    remaining -= take;
    width -= l;
    if (remaining <= 0 && width <= 0) break;
    out = sep + out;
    width -= sep.length;
  }
  return out;
}

/** Assembles sign, prefix, digits (grouped) and the rest, with padding: CPython's fill_number. */
function fillNumber(sign: string, prefix: string, digits: string, rest: string, s: Spec, groupSize: number): string {
  const align = s.align ?? '>';
  if (s.grouping !== undefined && digits !== '') {
    const minWidth = s.fill === '0' && align === '=' ? Math.max(0, s.width - sign.length - prefix.length - rest.length) : 0;
    digits = group(digits, s.grouping, groupSize, minWidth);
  }
  const body = digits + rest;
  const total = sign.length + prefix.length + cpLen(body);
  if (align === '=' && s.width > total) return sign + prefix + s.fill.repeat(s.width - total) + body;
  return pad(sign + prefix + body, { ...s, align }, '>');
}

function formatInt(v: bigint, _spec: string, s: Spec, tname: string): string {
  const t = s.type ?? 'd';
  if ('eEfFgG%'.includes(t)) {
    const f = Number(v);
    if (!Number.isFinite(f)) throw new PyOverflowError('int too large to convert to float');
    return formatFloat(f, s);
  }
  if (!'bcdoxXn'.includes(t)) throw new PyValueError(`Unknown format code '${typeCharText(t)}' for object of type '${tname}'`);
  if (s.precision !== undefined) throw new PyValueError('Precision not allowed in integer format specifier');
  if (s.z) throw new PyValueError('Negative zero coercion (z) not allowed in integer format specifier');
  if (t === 'c') {
    if (s.sign !== undefined) throw new PyValueError("Sign not allowed with integer format specifier 'c'");
    if (s.alt) throw new PyValueError("Alternate form (#) not allowed with integer format specifier 'c'");
    if (v > MAX_SSIZE || v < -MAX_SSIZE - 1n) throw new PyOverflowError('Python int too large to convert to C long');
    if (v < 0n || v > 0x10ffffn) throw new PyOverflowError('%c arg not in range(0x110000)');
    return fillNumber('', '', String.fromCodePoint(Number(v)), '', { ...s, grouping: undefined }, 3);
  }
  const neg = v < 0n;
  const a = neg ? -v : v;
  const base = t === 'b' ? 2 : t === 'o' ? 8 : t === 'x' || t === 'X' ? 16 : 10;
  let digits = a.toString(base);
  if (t === 'X') digits = digits.toUpperCase();
  const prefix = s.alt && base !== 10 ? '0' + (t === 'b' ? 'b' : t === 'o' ? 'o' : t) : '';
  const sign = neg ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
  return fillNumber(sign, prefix, digits, '', s, base === 10 ? 3 : 4);
}

/** The text of |x| for a float presentation type (no sign), split into integer digits and the rest. */
function floatBody(a: number, t: string | undefined, precision: number | undefined, alt: boolean): [string, string] {
  const upper = t === 'E' || t === 'F' || t === 'G';
  if (!Number.isFinite(a)) {
    const txt = Number.isNaN(a) ? 'nan' : 'inf';
    return ['', (upper ? txt.toUpperCase() : txt) + (t === '%' ? '%' : '')];
  }
  const sci = (p: number, keepDot: boolean): string => {
    const { digits, exp } = a === 0 ? { digits: '0'.repeat(p + 1), exp: 0 } : sigDigits(a, p + 1);
    const frac = digits.slice(1);
    return digits[0] + (frac.length || keepDot ? '.' + frac : '') + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  };
  const fixed = (p: number, keepDot: boolean): string => {
    const r = fixedDigits(a, p);
    return keepDot && !r.includes('.') ? r + '.' : r;
  };
  /** Drops trailing zeros of the fraction (and a bare point). */
  const strip = (r: string): string => {
    const e = r.indexOf('e');
    let m = e < 0 ? r : r.slice(0, e);
    const x = e < 0 ? '' : r.slice(e);
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    return m + x;
  };
  let r: string;
  switch (t) {
    case 'f':
    case 'F':
      r = fixed(precision ?? 6, alt);
      break;
    case '%':
      r = fixed(precision ?? 6, alt) + '%';
      break;
    case 'e':
    case 'E':
      r = sci(precision ?? 6, alt);
      break;
    case 'g':
    case 'G':
    case 'n':
    case undefined: {
      if (t === undefined && precision === undefined) {
        r = floatRepr(a);
        if (alt && !r.includes('.')) r = r.includes('e') ? r.replace('e', '.e') : r + '.';
        break;
      }
      let p = precision ?? 6;
      if (p === 0) p = 1;
      const exp = a === 0 ? 0 : sigDigits(a, p).exp;
      const limit = t === undefined ? p - 1 : p;
      if (exp >= -4 && exp < limit) r = fixed(p - 1 - exp, alt);
      else r = sci(p - 1, alt);
      if (!alt) r = strip(r);
      if (t === undefined && !r.includes('.') && !r.includes('e')) r += '.0';
      break;
    }
    default:
      throw new Error('unreachable');
  }
  if (upper) r = r.toUpperCase();
  const m = /^\d+/.exec(r);
  const intDigits = m ? m[0] : '';
  return [intDigits, r.slice(intDigits.length)];
}

function formatFloat(x: number, s: Spec): string {
  const t = s.type;
  let v = t === '%' ? x * 100 : x;
  let neg = !Number.isNaN(v) && (v < 0 || Object.is(v, -0));
  v = Math.abs(v);
  const [digits, rest] = floatBody(v, t, s.precision, s.alt);
  if (s.z && neg && /^[0.]*$/.test(digits + rest.replace(/[eE][-+]\d+$/, '').replace('%', ''))) neg = false;
  const sign = neg ? '-' : s.sign === '+' ? '+' : s.sign === ' ' ? ' ' : '';
  return fillNumber(sign, '', digits, rest, s, 3);
}

function formatComplex(c: PyComplex, s: Spec): string {
  const t = s.type;
  if (t !== undefined && !'eEfFgGn'.includes(t)) throw new PyValueError(`Unknown format code '${typeCharText(t)}' for object of type 'complex'`);
  if (s.fill === '0') throw new PyValueError('Zero padding is not allowed in complex format specifier');
  if (s.align === '=') throw new PyValueError("'=' alignment flag is not allowed in complex format specifier");
  const reprMode = t === undefined && s.precision === undefined;
  const part = (x: number, forceSign: string | undefined): string => {
    let neg = !Number.isNaN(x) && (x < 0 || Object.is(x, -0));
    let d: string;
    let r: string;
    if (reprMode) {
      // repr digits without the '.0' (CPython's 'r' mode for complex), '#' keeps a point
      let txt = floatRepr(Math.abs(x), false);
      if (s.alt && Number.isFinite(x) && !txt.includes('.')) txt = txt.includes('e') ? txt.replace('e', '.e') : txt + '.';
      const m = /^\d+/.exec(txt);
      d = m ? m[0] : '';
      r = txt.slice(d.length);
    } else [d, r] = floatBody(Math.abs(x), t === undefined ? 'g' : t, s.precision, s.alt);
    if (s.z && neg && /^[0.]*$/.test(d + r.replace(/[eE][-+]\d+$/, ''))) neg = false;
    const txt = (s.grouping !== undefined && d !== '' ? group(d, s.grouping, 3, 0) : d) + r;
    const sign = neg ? '-' : forceSign === '+' ? '+' : forceSign === ' ' ? ' ' : '';
    return sign + txt;
  };
  const skipRe = t === undefined && c.re === 0 && !Object.is(c.re, -0);
  const im = part(c.im, skipRe ? s.sign : '+') + 'j';
  let body = skipRe ? im : part(c.re, s.sign) + im;
  if (t === undefined && !skipRe) body = '(' + body + ')';
  return pad(body, s, '>');
}

function formatStr(v: string, s: Spec): string {
  if (s.type !== undefined && s.type !== 's') throw new PyValueError(`Unknown format code '${typeCharText(s.type)}' for object of type 'str'`);
  if (s.sign !== undefined) throw new PyValueError(`${s.sign === ' ' ? 'Space' : 'Sign'} not allowed in string format specifier`);
  if (s.z) throw new PyValueError('Negative zero coercion (z) not allowed in string format specifier');
  if (s.alt) throw new PyValueError('Alternate form (#) not allowed in string format specifier');
  if (s.align === '=') throw new PyValueError("'=' alignment not allowed in string format specifier");
  if (s.precision !== undefined) v = [...v].slice(0, s.precision).join('');
  return pad(v, s, '<');
}

/** Python's tp_name of a value, as object.__format__'s error names it. */
function tpName(v: PyValue): string {
  if (v instanceof NdArray) return 'numpy.ndarray';
  if (v instanceof NpScalar) return 'numpy.' + typeName(v);
  const n = typeName(v);
  if (n === 'OrderedDict') return 'collections.OrderedDict';
  if (n === 'object' && typeof v === 'object' && v !== null && typeof (v as unknown as HasPyRepr)[PY_REPR] === 'function') {
    const m = /^<class '(?:[\w.]*\.)?(\w+)'>/.exec((v as unknown as HasPyRepr)[PY_REPR]());
    if (m) return m[1];
  }
  return n;
}

/** Python's `format(value, spec)`. */
export function formatSpec(value: PyValue, spec: string): string {
  const v = value;
  if (typeof v === 'string') return formatStr(v, parseSpec(spec, '<', 'str'));
  if (typeof v === 'boolean') {
    if (spec === '') return v ? 'True' : 'False';
    return formatInt(v ? 1n : 0n, spec, parseSpec(spec, '>', 'bool'), 'bool');
  }
  if (typeof v === 'bigint') {
    if (spec === '') return v.toString();
    return formatInt(v, spec, parseSpec(spec, '>', 'int'), 'int');
  }
  if (typeof v === 'number') {
    if (spec === '') return floatRepr(v);
    const s = parseSpec(spec, '>', 'float');
    if (s.type !== undefined && !'eEfFgGn%'.includes(s.type))
      throw new PyValueError(`Unknown format code '${typeCharText(s.type)}' for object of type 'float'`);
    return formatFloat(v, s);
  }
  if (v instanceof PyComplex) {
    if (spec === '') return complexRepr(v);
    return formatComplex(v, parseSpec(spec, '>', 'complex'));
  }
  // numpy scalars format as the Python number they convert to (float32 too: '{}' of float32(0.1) is '0.10000000149011612')
  if (v instanceof NpScalar) return formatSpec(v.value, spec);
  if (v instanceof NdArray && v.ndim === 0) return formatSpec(v.item(0), spec);
  if (spec !== '') throw new PyTypeError(`unsupported format string passed to ${tpName(v)}.__format__`);
  return pyStr(v);
}

// ---------------------------------------------------------------------------
// str.format

function asciiRepr(v: PyValue): string {
  const r = pyRepr(v);
  let out = '';
  for (const ch of r) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += ch;
    else if (cp < 0x100) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out;
}

function getAttr(v: PyValue, name: string): PyValue {
  if (v instanceof PyComplex && (name === 'real' || name === 'imag')) return name === 'real' ? v.re : v.im;
  if (typeof v === 'number' && (name === 'real' || name === 'imag')) return name === 'real' ? v : 0;
  if ((typeof v === 'bigint' || typeof v === 'boolean') && (name === 'real' || name === 'imag' || name === 'numerator' || name === 'denominator')) {
    const n = typeof v === 'bigint' ? v : v ? 1n : 0n;
    return name === 'real' || name === 'numerator' ? n : name === 'imag' ? 0n : 1n;
  }
  throw new PyAttributeErr(`'${typeName(v)}' object has no attribute '${name}'`);
}

function getItem(v: PyValue, key: string): PyValue {
  const isInt = /^\d+$/.test(key);
  if (Array.isArray(v) || v instanceof PyTuple) {
    const items = Array.isArray(v) ? v : v.items;
    const kind = Array.isArray(v) ? 'list' : 'tuple';
    if (!isInt) throw new PyTypeError(`${kind} indices must be integers or slices, not str`);
    const i = Number(key);
    if (i >= items.length) throw new PyIndexError(`${kind} index out of range`);
    return items[i];
  }
  if (v instanceof PyDict) {
    const k: PyValue = isInt ? BigInt(key) : key;
    const r = v.get(k);
    if (r === undefined) throw new PyKeyError(pyRepr(k));
    return r;
  }
  if (typeof v === 'string') {
    if (!isInt) throw new PyTypeError("string indices must be integers, not 'str'");
    const cps = [...v];
    const i = Number(key);
    if (i >= cps.length) throw new PyIndexError('string index out of range');
    return cps[i];
  }
  throw new PyTypeError(`'${typeName(v)}' object is not subscriptable`);
}

interface AutoState {
  mode: 'none' | 'auto' | 'manual';
  next: number;
}

function resolveField(name: string, args: readonly PyValue[], st: AutoState): PyValue {
  // first part: up to '.' or '['
  let i = 0;
  while (i < name.length && name[i] !== '.' && name[i] !== '[') i++;
  const first = name.slice(0, i);
  let v: PyValue;
  if (first === '') {
    if (st.mode === 'manual') throw new PyValueError('cannot switch from manual field specification to automatic field numbering');
    st.mode = 'auto';
    const idx = st.next++;
    if (idx >= args.length) throw new PyIndexError(`Replacement index ${idx} out of range for positional args tuple`);
    v = args[idx];
  } else if (/^\d+$/.test(first)) {
    if (st.mode === 'auto') throw new PyValueError('cannot switch from automatic field numbering to manual field specification');
    st.mode = 'manual';
    const idx = Number(first);
    if (idx >= args.length) throw new PyIndexError(`Replacement index ${idx} out of range for positional args tuple`);
    v = args[idx];
  } else {
    throw new PyKeyError(strRepr(first));
  }
  while (i < name.length) {
    if (name[i] === '.') {
      let j = i + 1;
      while (j < name.length && name[j] !== '.' && name[j] !== '[') j++;
      const attr = name.slice(i + 1, j);
      if (attr === '') throw new PyValueError('Empty attribute in format string');
      v = getAttr(v, attr);
      i = j;
    } else if (name[i] === '[') {
      const j = name.indexOf(']', i + 1);
      if (j < 0) throw new PyValueError("Missing ']' in format string");
      const key = name.slice(i + 1, j);
      if (key === '') throw new PyValueError('Empty attribute in format string');
      v = getItem(v, key);
      i = j + 1;
      if (i < name.length && name[i] !== '.' && name[i] !== '[') throw new PyValueError("Only '.' or '[' may follow ']' in format field specifier");
    } else break;
  }
  return v;
}

function render(t: string, args: readonly PyValue[], st: AutoState, depth: number): string {
  if (depth <= 0) throw new PyValueError('Max string recursion exceeded');
  let out = '';
  let i = 0;
  while (i < t.length) {
    const c = t[i];
    if (c === '}') {
      if (t[i + 1] === '}') {
        out += '}';
        i += 2;
        continue;
      }
      throw new PyValueError("Single '}' encountered in format string");
    }
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    if (t[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    if (i + 1 >= t.length) throw new PyValueError("Single '{' encountered in format string");
    // scan the field up to its matching '}'
    let j = i + 1;
    let level = 1;
    let inBracket = false;
    let split = -1; // index of the first ':' or '!' outside brackets
    for (; j < t.length; j++) {
      const d = t[j];
      if (split < 0 && inBracket) {
        if (d === ']') inBracket = false;
        continue;
      }
      if (split < 0 && d === '[') {
        inBracket = true;
        continue;
      }
      if (split < 0 && (d === ':' || d === '!')) {
        split = j;
        if (d === '!') j++; // the conversion character is taken as is, even a brace
        continue;
      }
      if (d === '{') {
        if (split < 0) throw new PyValueError("unexpected '{' in field name");
        level++;
      } else if (d === '}') {
        level--;
        if (level === 0) break;
      }
    }
    if (j >= t.length) throw new PyValueError(split < 0 ? "expected '}' before end of string" : "unmatched '{' in format spec");
    const field = t.slice(i + 1, j);
    const cut = split < 0 ? field.length : split - i - 1;
    const name = field.slice(0, cut);
    let conv: string | undefined;
    let spec = '';
    let rest = field.slice(cut);
    if (rest.startsWith('!')) {
      if (rest.length < 2) throw new PyValueError('end of string while looking for conversion specifier');
      conv = rest[1];
      rest = rest.slice(2);
      if (rest.length && rest[0] !== ':') throw new PyValueError("expected ':' after conversion specifier");
    }
    if (rest.startsWith(':')) spec = rest.slice(1);
    let v = resolveField(name, args, st);
    if (conv !== undefined) {
      if (conv === 'r') v = pyRepr(v);
      else if (conv === 's') v = pyStr(v);
      else if (conv === 'a') v = asciiRepr(v);
      else throw new PyValueError(`Unknown conversion specifier ${conv}`);
    }
    if (spec.includes('{')) spec = render(spec, args, st, depth - 1);
    out += formatSpec(v, spec);
    i = j + 1;
  }
  return out;
}

/** Python's `template.format(*args)` (positional arguments only). */
export function pyFormat(template: string, ...args: PyValue[]): string {
  // pyrogue's default disp: what render() does for it, without scanning the template
  if (template === '{}' && args.length > 0) return formatSpec(args[0], '');
  return render(template, args, { mode: 'none', next: 0 }, 2);
}
