/**
 * Python's json.loads (CPython 3.11's C scanner, strict mode) into the value
 * model, with JSONDecodeError texts and positions; and strict UTF-8 decoding
 * with CPython's UnicodeDecodeError texts.
 */
import { PyError, PyValueError } from './errors';
import { PyDict, PyValue } from './values';

/** json.decoder.JSONDecodeError: "msg: line L column C (char P)". */
export class JSONDecodeError extends PyError {
  constructor(
    public readonly msg: string,
    public readonly pos: number,
    public readonly lineno: number,
    public readonly colno: number,
  ) {
    super('json.decoder', 'JSONDecodeError', `${msg}: line ${lineno} column ${colno} (char ${pos})`);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const HEX = /^[0-9a-fA-F]$/;

class Scanner {
  constructor(private readonly s: string[]) {}

  error(msg: string, pos: number): JSONDecodeError {
    let line = 1;
    let lastNl = -1;
    for (let i = 0; i < pos && i < this.s.length; i++)
      if (this.s[i] === '\n') {
        line++;
        lastNl = i;
      }
    return new JSONDecodeError(msg, pos, line, pos - lastNl);
  }

  ws(i: number): number {
    while (i < this.s.length && WS.has(this.s[i])) i++;
    return i;
  }

  /** Returns [value, next index], or the index where no value starts (Python's StopIteration). */
  value(i: number): [PyValue, number] | number {
    const s = this.s;
    if (i >= s.length) return i;
    const c = s[i];
    const word = (w: string) => s.slice(i, i + w.length).join('') === w;
    switch (c) {
      case '"':
        return this.string(i + 1);
      case '{':
        return this.object(i + 1);
      case '[':
        return this.array(i + 1);
      case 'n':
        if (word('null')) return [null, i + 4];
        break;
      case 't':
        if (word('true')) return [true, i + 4];
        break;
      case 'f':
        if (word('false')) return [false, i + 5];
        break;
      case 'N':
        if (word('NaN')) return [NaN, i + 3];
        break;
      case 'I':
        if (word('Infinity')) return [Infinity, i + 8];
        break;
      case '-':
        if (word('-Infinity')) return [-Infinity, i + 9];
        break;
    }
    return this.number(i);
  }

  number(start: number): [PyValue, number] | number {
    const s = this.s;
    const digit = (k: number) => k < s.length && s[k] >= '0' && s[k] <= '9';
    let i = start;
    if (s[i] === '-') i++;
    if (s[i] === '0') i++;
    else if (digit(i)) while (digit(i)) i++;
    else return start;
    let isFloat = false;
    if (s[i] === '.' && digit(i + 1)) {
      i += 2;
      while (digit(i)) i++;
      isFloat = true;
    }
    if (s[i] === 'e' || s[i] === 'E') {
      let k = i + 1;
      if (s[k] === '+' || s[k] === '-') k++;
      if (digit(k)) {
        while (digit(k)) k++;
        i = k;
        isFloat = true;
      }
    }
    const text = s.slice(start, i).join('');
    if (isFloat) return [Number(text), i];
    const nDigits = text.replace('-', '').length;
    if (nDigits > 4300)
      throw new PyValueError(
        `Exceeds the limit (4300 digits) for integer string conversion: value has ${nDigits} digits; use sys.set_int_max_str_digits() to increase the limit`,
      );
    return [BigInt(text), i];
  }

  string(i: number): [PyValue, number] {
    const s = this.s;
    const begin = i - 1;
    let out = '';
    for (;;) {
      if (i >= s.length) throw this.error('Unterminated string starting at', begin);
      const c = s[i];
      if (c === '"') return [out, i + 1];
      if (c !== '\\') {
        if (c.length === 1 && c.charCodeAt(0) <= 0x1f) throw this.error('Invalid control character at', i);
        out += c;
        i++;
        continue;
      }
      i++;
      if (i >= s.length) throw this.error('Unterminated string starting at', begin);
      const e = s[i];
      if (e !== 'u') {
        const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (!(e in map)) throw this.error('Invalid \\escape', i - 1);
        out += map[e];
        i++;
        continue;
      }
      i++;
      const hex4 = (k: number): number => {
        let v = 0;
        for (let j = k; j < k + 4; j++) {
          if (!HEX.test(s[j])) throw this.error('Invalid \\uXXXX escape', k - 1);
          v = v * 16 + parseInt(s[j], 16);
        }
        return v;
      };
      if (i + 4 >= s.length) throw this.error('Invalid \\uXXXX escape', i - 1);
      let cp = hex4(i);
      i += 4;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 6 < s.length && s[i] === '\\' && s[i + 1] === 'u') {
        const lo = hex4(i + 2);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          i += 6;
        }
      }
      out += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    }
  }

  object(i: number): [PyValue, number] {
    const s = this.s;
    const d = new PyDict();
    i = this.ws(i);
    if (i < s.length && s[i] === '}') return [d, i + 1];
    for (;;) {
      if (i >= s.length || s[i] !== '"') throw this.error('Expecting property name enclosed in double quotes', i);
      const [key, afterKey] = this.string(i + 1);
      i = this.ws(afterKey);
      if (i >= s.length || s[i] !== ':') throw this.error("Expecting ':' delimiter", i);
      i = this.ws(i + 1);
      const v = this.value(i);
      if (typeof v === 'number') throw this.error('Expecting value', v);
      d.set(key, v[0]);
      i = this.ws(v[1]);
      if (i < s.length && s[i] === '}') return [d, i + 1];
      if (i >= s.length || s[i] !== ',') throw this.error("Expecting ',' delimiter", i);
      i = this.ws(i + 1);
    }
  }

  array(i: number): [PyValue, number] {
    const s = this.s;
    const out: PyValue[] = [];
    i = this.ws(i);
    if (i < s.length && s[i] === ']') return [out, i + 1];
    for (;;) {
      const v = this.value(i);
      if (typeof v === 'number') throw this.error('Expecting value', v);
      out.push(v[0]);
      i = this.ws(v[1]);
      if (i < s.length && s[i] === ']') return [out, i + 1];
      if (i >= s.length || s[i] !== ',') throw this.error("Expecting ',' delimiter", i);
      i = this.ws(i + 1);
    }
  }
}

/** Code points of a JS string (lone surrogates stay single units), as Python indexes a str. */
function codePointArray(text: string): string[] {
  return Array.from(text);
}

/** Python's `json.loads(text)`: ints → bigint, floats → number, objects → PyDict, arrays → list. */
export function pyJsonLoads(text: string): PyValue {
  const s = codePointArray(text);
  const sc = new Scanner(s);
  if (s[0] === '\ufeff') throw sc.error('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
  const start = sc.ws(0);
  const v = sc.value(start);
  if (typeof v === 'number') throw sc.error('Expecting value', v);
  const end = sc.ws(v[1]);
  if (end !== s.length) throw sc.error('Extra data', end);
  return v[0];
}

/** builtins.UnicodeDecodeError as CPython words it for the 'utf-8' codec. */
export class UnicodeDecodeError extends PyError {
  constructor(
    public readonly object: Uint8Array,
    public readonly start: number,
    public readonly end: number,
    public readonly reason: string,
  ) {
    const where = end - start === 1 ? `byte 0x${object[start].toString(16).padStart(2, '0')} in position ${start}` : `bytes in position ${start}-${end - 1}`;
    super('builtins', 'UnicodeDecodeError', `'utf-8' codec can't decode ${where}: ${reason}`);
  }
}

/** bytes → str like Python's `bytes.decode('utf-8')` (strict), e.g. a frame pyrogue's server turns into a str. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else throw new UnicodeDecodeError(bytes, i, i + 1, 'invalid start byte');
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) throw new UnicodeDecodeError(bytes, i, n, 'unexpected end of data');
      const c = bytes[i + k];
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) throw new UnicodeDecodeError(bytes, i, i + k, 'invalid continuation byte');
    }
    i += need + 1;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
