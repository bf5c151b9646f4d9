/**
 * Python's ast.literal_eval (CPython 3.11): a tokenizer and a parser for
 * Python expressions, then the literal conversion with CPython's errors:
 * "malformed node or string on line N: <ast.Name object at 0x7f...>",
 * SyntaxError texts for the common cases.
 */
/* eslint-disable @typescript-eslint/only-throw-error -- TokenizeError, ReadError and ParseFail are the parser's control flow, caught inside this file: no Error, no stack capture */
import { PyError, PyValueError } from './errors';
import { fakeAddress, isPrintable } from './repr';
import { PyComplex, PyDict, PyGlobal, PySet, PyTuple, PyValue } from './values';

export class PySyntaxError extends PyError {
  constructor(
    /** the message without the location */
    public readonly msg: string,
    public readonly line: number,
  ) {
    super('builtins', 'SyntaxError', `${msg} (<unknown>, line ${line})`);
  }
}

// ---------------------------------------------------------------------------
// Tokens

type TokKind = 'name' | 'number' | 'string' | 'op' | 'newline' | 'end';
interface Tok {
  kind: TokKind;
  text: string;
  line: number;
  /** strings: decoded pieces */
  str?: { bytes: boolean; value: string | Uint8Array; f: boolean; error?: string };
  /** numbers */
  num?: PyValue;
}

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);
const OPS3 = ['**=', '//=', '>>=', '<<=', '...'];
const OPS2 = ['!=', '%=', '&=', '**', '*=', '+=', '-=', '->', '//', '/=', ':=', '<<', '<=', '==', '>=', '>>', '@=', '^=', '|='];
const OPS1 = '%&()*+,-./:;<=>@[]^{|}~';
const STRING_PREFIX = /^(r|u|b|br|rb|f|fr|rf)$/i;

// eslint-disable-next-line no-misleading-character-class -- CPython's identifier-start list: the combining marks stand alone here
const isIdStart = (c: string) => /[\p{L}\p{Nl}_\u1885\u1886\u2118\u212e\u309b\u309c]/u.test(c);
const isIdChar = (c: string) => /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_\u00b7\u0387\u1369-\u1371\u19da]/u.test(c);

class TokenizeError {
  constructor(
    public readonly err: PyError,
    public readonly index: number,
    /** false for errors CPython's tokenizer reports only when the parser reads that far (line continuation) */
    public readonly eager = true,
  ) {}
}

/** An error raised the moment the parser reads a token (tokenizer errors, EOF inside brackets). */
class ReadError {
  constructor(public readonly err: PyError) {}
}

interface Tokens {
  toks: Tok[];
  error?: TokenizeError;
  /** brackets still open at the end */
  open: { ch: string; line: number }[];
}

/** Byte length as CPython's escape decoder sees the body: every non-ASCII character was first rewritten as a 10-byte \\UXXXXXXXX escape. */
function utf8Len(s: string): number {
  let n = 0;
  for (const ch of s) n += ch.codePointAt(0)! < 0x80 ? 1 : 10;
  return n;
}

/** f-string replacement fields, checked the way CPython 3.11 reports the common errors. */
function checkFString(body: string, line: number): void {
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === '{') {
      if (body[i + 1] === '{') {
        i += 2;
        continue;
      }
      let depth = 1;
      let j = i + 1;
      let quote = '';
      for (; j < body.length; j++) {
        const d = body[j];
        if (quote) {
          if (d === quote) quote = '';
          continue;
        }
        if (d === "'" || d === '"') quote = d;
        else if (d === '{' || d === '[' || d === '(') depth++;
        else if (d === '}' || d === ']' || d === ')') {
          depth--;
          if (depth === 0) break;
        }
      }
      if (j >= body.length) throw new PySyntaxError("f-string: expecting '}'", line);
      const expr = body.slice(i + 1, j).split(/[!:]/)[0];
      if (expr.trim() === '') throw new PySyntaxError('f-string: empty expression not allowed', line);
      i = j + 1;
      continue;
    }
    if (c === '}') {
      if (body[i + 1] === '}') {
        i += 2;
        continue;
      }
      throw new PySyntaxError("f-string: single '}' is not allowed", line);
    }
    i++;
  }
}

/** Decodes the body of a non-raw str literal (Python's unicode-escape rules). */
function decodeStrEscapes(body: string, line: number): string {
  let out = '';
  let i = 0;
  const fail = (start: number, end: number, what: string): never => {
    const bs = utf8Len(body.slice(0, start));
    const be = utf8Len(body.slice(0, end)) - 1;
    const where = be > bs ? `bytes in position ${bs}-${be}` : `byte 0x5c in position ${bs}`;
    throw new PySyntaxError(`(unicode error) 'unicodeescape' codec can't decode ${where}: ${what}`, line);
  };
  while (i < body.length) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const d = body[i + 1];
    if (d === undefined) fail(i, i + 1, '\\ at end of string');
    const simple: Record<string, string> = { '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (d in simple) {
      out += simple[d];
      i += 2;
      continue;
    }
    if (d >= '0' && d <= '7') {
      let j = i + 1;
      let v = 0;
      while (j < body.length && j < i + 4 && body[j] >= '0' && body[j] <= '7') v = v * 8 + Number(body[j++]);
      out += String.fromCodePoint(v);
      i = j;
      continue;
    }
    if (d === 'x' || d === 'u' || d === 'U') {
      const n = d === 'x' ? 2 : d === 'u' ? 4 : 8;
      let j = i + 2;
      while (j < body.length && j < i + 2 + n && /[0-9a-fA-F]/.test(body[j])) j++;
      if (j - (i + 2) < n) fail(i, j, `truncated \\${d === 'x' ? 'xXX' : d === 'u' ? 'uXXXX' : 'UXXXXXXXX'} escape`);
      const v = parseInt(body.slice(i + 2, j), 16);
      if (v > 0x10ffff) fail(i, j, 'illegal Unicode character');
      out += String.fromCodePoint(v);
      i = j;
      continue;
    }
    if (d === 'N') {
      const close = body[i + 2] === '{' ? body.indexOf('}', i + 3) : -1;
      if (close < 0) fail(i, Math.min(body.length, i + 3), 'malformed \\N character escape');
      fail(i, close + 1, 'unknown Unicode character name');
    }
    out += '\\' + d;
    i += 2;
  }
  return out;
}

function decodeBytesEscapes(body: string, line: number): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c !== '\\') {
      out.push(c.charCodeAt(0));
      i++;
      continue;
    }
    const d = body[i + 1];
    const simple: Record<string, number> = { '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (d === '\n') {
      i += 2;
    } else if (d in simple) {
      out.push(simple[d]);
      i += 2;
    } else if (d >= '0' && d <= '7') {
      let j = i + 1;
      let v = 0;
      while (j < body.length && j < i + 4 && body[j] >= '0' && body[j] <= '7') v = v * 8 + Number(body[j++]);
      out.push(v & 0xff);
      i = j;
    } else if (d === 'x') {
      const h = body.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new PySyntaxError(`(value error) invalid \\x escape at position ${i}`, line);
      out.push(parseInt(h, 16));
      i += 4;
    } else {
      out.push(92);
      i++;
    }
  }
  return new Uint8Array(out);
}

function tokenize(src: string): Tokens {
  const toks: Tok[] = [];
  const stack: { ch: string; line: number }[] = [];
  let i = 0;
  let line = 1;
  const n = src.length;
  const err = (msg: string, l = line, eager = true): TokenizeError => new TokenizeError(new PySyntaxError(msg, l), toks.length, eager);
  try {
    while (i < n) {
      const c = src[i];
      if (c === ' ' || c === '\t' || c === '\f') {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < n && src[i] !== '\n') i++;
        continue;
      }
      if (c === '\\') {
        if (src[i + 1] === '\n') {
          i += 2;
          line++;
          continue;
        }
        throw err('unexpected character after line continuation character', line, false);
      }
      if (c === '\n' || c === '\r') {
        if (stack.length === 0 && toks.length && toks[toks.length - 1].kind !== 'newline') toks.push({ kind: 'newline', text: '\n', line });
        if (c === '\r' && src[i + 1] === '\n') i++;
        i++;
        line++;
        continue;
      }
      // numbers
      if ((c >= '0' && c <= '9') || (c === '.' && src[i + 1] >= '0' && src[i + 1] <= '9')) {
        const [tok, end] = readNumber(src, i, line);
        toks.push(tok);
        i = end;
        continue;
      }
      // names and string prefixes
      const cp = String.fromCodePoint(src.codePointAt(i)!);
      if (isIdStart(cp)) {
        let j = i + cp.length;
        while (j < n) {
          const ch = String.fromCodePoint(src.codePointAt(j)!);
          if (!isIdChar(ch)) break;
          j += ch.length;
        }
        const word = src.slice(i, j);
        if ((src[j] === '"' || src[j] === "'") && STRING_PREFIX.test(word)) {
          const [tok, end, nl] = readString(src, j, word.toLowerCase(), line);
          toks.push(tok);
          line += nl;
          i = end;
          continue;
        }
        toks.push({ kind: 'name', text: word, line });
        i = j;
        continue;
      }
      if (c === '"' || c === "'") {
        const [tok, end, nl] = readString(src, i, '', line);
        toks.push(tok);
        line += nl;
        i = end;
        continue;
      }
      const op3 = src.slice(i, i + 3);
      const op2 = src.slice(i, i + 2);
      let op: string | undefined;
      if (OPS3.includes(op3)) op = op3;
      else if (OPS2.includes(op2)) op = op2;
      else if (OPS1.includes(c)) op = c;
      if (op) {
        if ('([{'.includes(op)) {
          if (stack.length >= 200) throw err('too many nested parentheses');
          stack.push({ ch: op, line });
        } else if (')]}'.includes(op)) {
          const top = stack.pop();
          if (!top) throw err(`unmatched '${op}'`);
          const want = top.ch === '(' ? ')' : top.ch === '[' ? ']' : '}';
          if (want !== op) {
            if (top.line !== line) throw err(`closing parenthesis '${op}' does not match opening parenthesis '${top.ch}' on line ${top.line}`);
            throw err(`closing parenthesis '${op}' does not match opening parenthesis '${top.ch}'`);
          }
        }
        toks.push({ kind: 'op', text: op, line });
        i += op.length;
        continue;
      }
      if (c === '$' || c === '?' || c === '!' || c === '`') {
        toks.push({ kind: 'op', text: c, line });
        i++;
        continue;
      }
      const code = cp.codePointAt(0)!;
      if (!isPrintable(code)) throw err(`invalid non-printable character U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
      throw err(`invalid character '${cp}' (U+${code.toString(16).toUpperCase().padStart(4, '0')})`);
    }
  } catch (e) {
    if (e instanceof TokenizeError) return { toks: finish(toks, line, src, stack.length > 0), error: e, open: stack };
    if (e instanceof PySyntaxError) return { toks: finish(toks, line, src, stack.length > 0), error: new TokenizeError(e, toks.length), open: stack };
    throw e;
  }
  return { toks: finish(toks, line, src, stack.length > 0), open: stack };
}

function finish(toks: Tok[], line: number, src: string, inBrackets: boolean): Tok[] {
  if (!inBrackets && toks.length && toks[toks.length - 1].kind !== 'newline') toks.push({ kind: 'newline', text: '', line });
  const endLine = src === '' ? 0 : src.endsWith('\n') ? line - 1 : line;
  toks.push({ kind: 'end', text: '', line: endLine });
  return toks;
}

const KEYWORD_AFTER_NUMBER = /^(and|else|for|if|in|is|not|or)/;

function readNumber(src: string, start: number, line: number): [Tok, number] {
  let i = start;
  const digitsRun = (re: RegExp, kindName: string, allowLeadingUnderscore: boolean): string => {
    // digits with single underscores between them
    let s = '';
    let first = true;
    for (;;) {
      if (src[i] === '_' && (!first || allowLeadingUnderscore)) {
        if (!re.test(src[i + 1] ?? '')) {
          i++;
          throw new PySyntaxError(`invalid ${kindName} literal`, line);
        }
        i++;
      }
      if (!re.test(src[i] ?? '')) break;
      s += src[i++];
      first = false;
    }
    return s;
  };
  const endCheck = (kindName: string) => {
    const ch = src[i];
    if (ch !== undefined && isIdChar(ch)) {
      if (KEYWORD_AFTER_NUMBER.test(src.slice(i))) return;
      throw new PySyntaxError(`invalid ${kindName} literal`, line);
    }
  };
  const c1 = src[i + 1]?.toLowerCase();
  if (src[i] === '0' && (c1 === 'x' || c1 === 'o' || c1 === 'b')) {
    const base = c1 === 'x' ? 16 : c1 === 'o' ? 8 : 2;
    const kindName = base === 16 ? 'hexadecimal' : base === 8 ? 'octal' : 'binary';
    const re = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[01]/;
    i += 2;
    const d = digitsRun(re, kindName, true);
    if (d === '') {
      if (base !== 16 && /[0-9]/.test(src[i] ?? '')) throw new PySyntaxError(`invalid digit '${src[i]}' in ${kindName} literal`, line);
      throw new PySyntaxError(`invalid ${kindName} literal`, line);
    }
    if (base !== 16 && /[0-9]/.test(src[i] ?? '')) throw new PySyntaxError(`invalid digit '${src[i]}' in ${kindName} literal`, line);
    endCheck(kindName);
    return [{ kind: 'number', text: src.slice(start, i), line, num: BigInt((base === 16 ? '0x' : base === 8 ? '0o' : '0b') + d) }, i];
  }
  let intPart = '';
  if (src[i] !== '.') intPart = digitsRun(/[0-9]/, 'decimal', false);
  let isFloat = false;
  let frac = '';
  let exp = '';
  if (src[i] === '.') {
    isFloat = true;
    i++;
    if (/[0-9]/.test(src[i] ?? '')) frac = digitsRun(/[0-9]/, 'decimal', false);
  }
  if ((src[i] === 'e' || src[i] === 'E') && !(KEYWORD_AFTER_NUMBER.test(src.slice(i)) && !/^[eE][-+]?[0-9]/.test(src.slice(i)))) {
    const save = i;
    i++;
    let sign = '';
    if (src[i] === '+' || src[i] === '-') sign = src[i++];
    if (!/[0-9]/.test(src[i] ?? '')) {
      i = save + 1;
      throw new PySyntaxError('invalid decimal literal', line);
    }
    exp = sign + digitsRun(/[0-9]/, 'decimal', false);
    isFloat = true;
  }
  let imag = false;
  if (src[i] === 'j' || src[i] === 'J') {
    imag = true;
    i++;
  }
  if (!isFloat && !imag && intPart.length > 1 && intPart[0] === '0' && /[1-9]/.test(intPart))
    throw new PySyntaxError('leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers', line);
  endCheck(imag ? 'imaginary' : 'decimal');
  const text = src.slice(start, i);
  if (imag) return [{ kind: 'number', text, line, num: new PyComplex(0, Number(`${intPart || '0'}.${frac || '0'}e${exp || '0'}`)) }, i];
  if (isFloat) return [{ kind: 'number', text, line, num: Number(`${intPart || '0'}.${frac || '0'}e${exp || '0'}`) }, i];
  if (intPart.length > 4300)
    throw new PySyntaxError(
      `Exceeds the limit (4300 digits) for integer string conversion: value has ${intPart.length} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.`,
      line,
    );
  return [{ kind: 'number', text, line, num: BigInt(intPart) }, i];
}

function readString(src: string, q0: number, prefix: string, line: number): [Tok, number, number] {
  const q = src[q0];
  const triple = src.slice(q0, q0 + 3) === q.repeat(3);
  const open = triple ? 3 : 1;
  let i = q0 + open;
  let nl = 0;
  const bodyStart = i;
  for (;;) {
    if (i >= src.length) {
      if (triple) throw new PySyntaxError(`unterminated triple-quoted string literal (detected at line ${line + nl})`, line);
      throw new PySyntaxError(`unterminated string literal (detected at line ${line + nl})`, line);
    }
    const c = src[i];
    if (c === '\\') {
      if (src[i + 1] === '\n') nl++;
      i += 2;
      continue;
    }
    if (c === '\n') {
      if (!triple) throw new PySyntaxError(`unterminated string literal (detected at line ${line + nl})`, line);
      nl++;
    }
    if (c === q && (!triple || src.slice(i, i + 3) === q.repeat(3))) break;
    i++;
  }
  if (i > src.length) i = src.length;
  const body = src.slice(bodyStart, i);
  const raw = prefix.includes('r');
  const isBytes = prefix.includes('b');
  const f = prefix.includes('f');
  let value: string | Uint8Array = '';
  let error: string | undefined;
  try {
    if (isBytes) {
      // eslint-disable-next-line no-control-regex -- the ASCII range, from NUL, as CPython checks it
      if (/[^\x00-\x7f]/.test(body)) throw new PySyntaxError('bytes can only contain ASCII literal characters', line);
      value = raw ? new Uint8Array(Buffer.from(body, 'latin1')) : decodeBytesEscapes(body, line);
    } else if (f) checkFString(body, line);
    else value = raw ? body : decodeStrEscapes(body, line);
  } catch (e) {
    if (!(e instanceof PySyntaxError)) throw e;
    error = e.msg; // raised by the parser when it has read the string, as CPython does
  }
  return [{ kind: 'string', text: src.slice(q0 - prefix.length, i + open), line, str: { bytes: isBytes, value, f, error } }, i + open, nl];
}

// ---------------------------------------------------------------------------
// AST

type Node =
  | { t: 'Constant'; line: number; value: PyValue; kind: 'num' | 'other'; desc?: string }
  | { t: 'Tuple' | 'List' | 'Set'; line: number; elts: Node[] }
  | { t: 'Dict'; line: number; keys: (Node | null)[]; values: Node[] }
  | { t: 'Call'; line: number; func: Node; nargs: number }
  | { t: 'Name'; line: number; id: string }
  | { t: 'UnaryOp'; line: number; op: string; operand: Node }
  | { t: 'BinOp'; line: number; op: string; left: Node; right: Node }
  | { t: string; line: number; other: true };

class ParseFail {
  constructor(
    public readonly tok: Tok,
    public readonly message = 'invalid syntax',
    /** where CPython places the error when not at `tok` */
    public readonly line?: number,
  ) {}
}

/** How CPython's assignment-target errors name an expression. */
const ASSIGN_DESC: Record<string, string> = {
  BinOp: 'expression',
  UnaryOp: 'expression',
  Attribute: 'attribute',
  Call: 'function call',
  Subscript: 'subscript',
  Set: 'set display',
  Dict: 'dict literal',
  JoinedStr: 'f-string expression',
  ListComp: 'list comprehension',
  SetComp: 'set comprehension',
  DictComp: 'dict comprehension',
  GeneratorExp: 'generator expression',
  Await: 'await expression',
  Yield: 'yield expression',
  YieldFrom: 'yield expression',
  Compare: 'comparison',
  BoolOp: 'expression',
  IfExp: 'conditional expression',
  Lambda: 'lambda',
};

const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'is', 'not']);

class Parser {
  private p = 0;
  private depth = 0;
  private readonly readLimit: number;
  constructor(
    private readonly toks: Tok[],
    private readonly tk: Tokens,
  ) {
    this.readLimit = tk.error ? tk.error.index : tk.open.length ? toks.length - 1 : toks.length;
  }

  /** the furthest token read: CPython places generic syntax errors there */
  maxRead = 0;
  private read(i: number): Tok {
    if (i > this.maxRead) this.maxRead = Math.min(i, this.toks.length - 1);
    if (i >= this.readLimit) {
      if (this.tk.error) throw new ReadError(this.tk.error.err);
      const o = this.tk.open[this.tk.open.length - 1];
      throw new ReadError(new PySyntaxError(`'${o.ch}' was never closed`, o.line));
    }
    return this.toks[Math.min(i, this.toks.length - 1)];
  }
  private get cur(): Tok {
    return this.read(this.p);
  }
  private peek(k = 1): Tok {
    return this.read(Math.min(this.p + k, this.toks.length - 1));
  }
  private isOp(text: string, t = this.cur): boolean {
    return t.kind === 'op' && t.text === text;
  }
  private isKw(text: string, t = this.cur): boolean {
    return t.kind === 'name' && t.text === text;
  }
  private fail(tok = this.cur, msg?: string, line?: number): never {
    throw new ParseFail(tok, msg, line);
  }
  private expectOp(text: string): Tok {
    if (!this.isOp(text)) this.fail();
    return this.toks[this.p++];
  }
  private other(t: string, line: number): Node {
    return { t, line, other: true };
  }

  /** CPython's error pass tries an expression where the parse failed: reading on may hit a read-time error. */
  probeFrom(i: number): void {
    this.p = i;
    try {
      this.expression();
      // eslint-disable-next-line @typescript-eslint/no-unused-expressions -- reads the next token for its error, as CPython does
      this.cur;
    } catch (e) {
      if (e instanceof ReadError) throw e;
    }
  }

  parseEval(): Node {
    const e = this.expressions();
    while (this.cur.kind === 'newline') this.p++;
    if (this.cur.kind !== 'end') this.fail();
    return e;
  }

  /** expressions: a bare tuple when there is a comma */
  private expressions(): Node {
    const first = this.expression();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.isOp(',')) {
      this.p++;
      if (!this.startsExpression()) break;
      elts.push(this.expression());
    }
    return { t: 'Tuple', line: first.line, elts };
  }

  private startsExpression(t = this.cur): boolean {
    if (t.kind === 'number' || t.kind === 'string') return true;
    if (t.kind === 'name') return !KEYWORDS.has(t.text) || ['True', 'False', 'None', 'not', 'lambda', 'await'].includes(t.text);
    if (t.kind === 'op') return ['(', '[', '{', '-', '+', '~', '...'].includes(t.text);
    return false;
  }

  expression(): Node {
    if (this.isKw('lambda')) return this.lambda();
    const body = this.disjunction();
    if (this.isKw('if')) {
      this.p++;
      this.disjunction();
      if (!this.isKw('else')) this.fail(this.cur, "expected 'else' after 'if' expression");
      this.p++;
      this.expression();
      return this.other('IfExp', body.line);
    }
    return body;
  }

  private lambda(): Node {
    const line = this.cur.line;
    this.p++;
    while (!this.isOp(':')) {
      if (this.cur.kind === 'end' || this.cur.kind === 'newline') this.fail();
      if (this.isOp('=')) {
        this.p++;
        this.expression();
        continue;
      }
      if (this.cur.kind === 'name' || this.isOp(',') || this.isOp('*') || this.isOp('**') || this.isOp('/')) {
        this.p++;
        continue;
      }
      this.fail();
    }
    this.p++;
    this.expression();
    return this.other('Lambda', line);
  }

  private namedExpression(): Node {
    if (this.cur.kind === 'name' && !KEYWORDS.has(this.cur.text) && this.isOp(':=', this.peek())) {
      const line = this.cur.line;
      this.p += 2;
      this.expression();
      return this.other('NamedExpr', line);
    }
    return this.expression();
  }

  private starNamed(): Node {
    if (this.isOp('*')) {
      const line = this.cur.line;
      this.p++;
      this.bitwiseOr();
      return this.other('Starred', line);
    }
    return this.namedExpression();
  }

  private disjunction(): Node {
    const a = this.conjunction();
    if (!this.isKw('or')) return a;
    while (this.isKw('or')) {
      this.p++;
      this.conjunction();
    }
    return this.other('BoolOp', a.line);
  }
  private conjunction(): Node {
    const a = this.inversion();
    if (!this.isKw('and')) return a;
    while (this.isKw('and')) {
      this.p++;
      this.inversion();
    }
    return this.other('BoolOp', a.line);
  }
  private inversion(): Node {
    if (this.isKw('not')) {
      const line = this.cur.line;
      this.p++;
      const operand = this.inversion();
      return { t: 'UnaryOp', line, op: 'not', operand };
    }
    return this.comparison();
  }
  private comparison(): Node {
    const a = this.bitwiseOr();
    let any = false;
    for (;;) {
      const t = this.cur;
      if (t.kind === 'op' && COMPARE_OPS.has(t.text)) this.p++;
      else if (this.isKw('in') || this.isKw('is')) {
        this.p++;
        if (t.text === 'is' && this.isKw('not')) this.p++;
      } else if (this.isKw('not') && this.isKw('in', this.peek())) this.p += 2;
      else break;
      const save = this.p;
      if (this.attempt(() => this.bitwiseOr()) === undefined) {
        // rewind to before the operator
        this.p = save - (t.text === 'not' || (t.text === 'is' && this.toks[save - 1].text === 'not') ? 2 : 1);
        break;
      }
      any = true;
    }
    return any ? this.other('Compare', a.line) : a;
  }
  /** PEG-style ordered choice: a generic failure inside `f` rewinds and yields undefined. */
  private attempt<T>(f: () => T): T | undefined {
    const save = this.p;
    try {
      return f();
    } catch (e) {
      if (e instanceof ParseFail && e.message === 'invalid syntax') {
        this.p = save;
        return undefined;
      }
      throw e;
    }
  }
  private binary(next: () => Node, ops: string[]): Node {
    let a = next();
    while (this.cur.kind === 'op' && ops.includes(this.cur.text)) {
      const op = this.cur.text;
      const b = this.attempt(() => {
        this.p++;
        return next();
      });
      if (b === undefined) break;
      a = { t: 'BinOp', line: a.line, op, left: a, right: b };
    }
    return a;
  }
  private bitwiseOr(): Node {
    return this.binary(() => this.bitwiseXor(), ['|']);
  }
  private bitwiseXor(): Node {
    return this.binary(() => this.bitwiseAnd(), ['^']);
  }
  private bitwiseAnd(): Node {
    return this.binary(() => this.shift(), ['&']);
  }
  private shift(): Node {
    return this.binary(() => this.sum(), ['<<', '>>']);
  }
  private sum(): Node {
    return this.binary(() => this.term(), ['+', '-']);
  }
  private term(): Node {
    return this.binary(() => this.factor(), ['*', '/', '//', '%', '@']);
  }
  private factor(): Node {
    if (this.cur.kind === 'op' && ['+', '-', '~'].includes(this.cur.text)) {
      const t = this.cur;
      this.p++;
      const operand = this.factor();
      return { t: 'UnaryOp', line: t.line, op: t.text, operand };
    }
    return this.power();
  }
  private power(): Node {
    let a: Node;
    if (this.isKw('await')) {
      const line = this.cur.line;
      this.p++;
      this.primary();
      a = this.other('Await', line);
    } else a = this.primary();
    if (this.isOp('**')) {
      this.p++;
      const b = this.factor();
      return { t: 'BinOp', line: a.line, op: '**', left: a, right: b };
    }
    return a;
  }
  private primary(): Node {
    let a = this.atom();
    for (;;) {
      const base = a;
      let next: Node | undefined;
      if (this.isOp('.')) {
        next = this.attempt(() => {
          this.p++;
          if (this.cur.kind !== 'name' || KEYWORDS.has(this.cur.text)) this.fail();
          this.p++;
          return this.other('Attribute', base.line);
        });
      } else if (this.isOp('(')) {
        next = this.attempt(() => {
          this.p++;
          const nargs = this.callArgs();
          return { t: 'Call', line: base.line, func: base, nargs };
        });
      } else if (this.isOp('[')) {
        next = this.attempt(() => {
          this.p++;
          this.slices();
          this.expectOp(']');
          return this.other('Subscript', base.line);
        });
      }
      if (next === undefined) break;
      a = next;
    }
    return a;
  }
  private callArgs(): number {
    const n = 0;
    let last: Node | undefined;
    this.depth++;
    try {
      return this.callArgsIn(n, last);
    } finally {
      this.depth--;
    }
  }
  private callArgsIn(n: number, last: Node | undefined): number {
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) {
        this.p++;
        this.expression();
      } else if (this.cur.kind === 'name' && this.isOp('=', this.peek())) {
        this.p += 2;
        this.expression();
      } else {
        last = this.namedExpression();
        if (this.isKw('for') || (this.isKw('async') && this.isKw('for', this.peek()))) this.comprehension();
      }
      n++;
      if (this.isOp(',')) this.p++;
      else if (!this.isOp(')')) this.juxtaposed(last, true);
      last = undefined;
    }
    this.p++;
    return n;
  }
  private slices(): void {
    for (;;) {
      if (!this.isOp(':')) this.starNamed();
      if (this.isOp(':')) {
        this.p++;
        if (!this.isOp(':') && !this.isOp(']') && !this.isOp(',')) this.expression();
        if (this.isOp(':')) {
          this.p++;
          if (!this.isOp(']') && !this.isOp(',')) this.expression();
        }
      }
      if (!this.isOp(',')) break;
      this.p++;
      if (this.isOp(']')) break;
    }
  }
  private comprehension(): void {
    while (this.isKw('for') || (this.isKw('async') && this.isKw('for', this.peek()))) {
      if (this.isKw('async')) this.p++;
      this.p++;
      // targets
      this.targetList();
      if (!this.isKw('in')) this.fail();
      this.p++;
      this.disjunction();
      while (this.isKw('if')) {
        this.p++;
        this.disjunction();
      }
    }
  }
  private targetList(): void {
    for (;;) {
      if (this.isOp('*')) this.p++;
      this.bitwiseOr();
      if (!this.isOp(',')) break;
      this.p++;
      if (this.isKw('in')) break;
    }
  }
  /** Two expressions side by side inside brackets: CPython's "Perhaps you forgot a comma?". */
  private juxtaposed(elem?: Node, inCall = false, dictValue = false): never {
    const prev = this.toks[this.p - 1];
    const t = this.cur;
    if (this.depth > 0 && elem && !dictValue && this.isOp('=')) this.assignmentError(elem, inCall);
    if (elem && !dictValue && this.isOp(':=') && elem.t !== 'Name') {
      const d =
        elem.t === 'Constant'
          ? ((elem as { desc?: string }).desc ?? 'literal') ||
            ((elem as { value: PyValue }).value === null ? 'None' : (elem as { value: PyValue }).value ? 'True' : 'False')
          : ASSIGN_DESC[elem.t];
      if (d) this.fail(t, `cannot use assignment expressions with ${d}`, elem.line);
    }
    if (this.depth > 0 && this.startsExpression(t) && !(prev.kind === 'name' && !KEYWORDS.has(prev.text) && t.kind === 'string')) {
      // the second must itself parse as an expression
      const save = this.p;
      try {
        this.expression();
      } catch (e) {
        if (e instanceof ReadError) throw e;
        this.p = save;
        this.fail(t);
      }
      this.p = save;
      this.fail(t, 'invalid syntax. Perhaps you forgot a comma?', elem?.line ?? prev.line);
    }
    this.fail(t);
  }

  /** `x = y` inside brackets: CPython's "Maybe you meant '=='" family. */
  private assignmentError(a: Node, inCall: boolean): never {
    const eq = this.cur;
    const save = this.p;
    this.p++;
    let ok = true;
    try {
      this.bitwiseOr();
      if (this.isOp('=') || this.isOp(':=')) ok = false;
    } catch (e) {
      if (e instanceof ReadError) throw e;
      ok = false;
    }
    this.p = save;
    if (!ok) this.fail(eq);
    if (inCall) this.fail(eq, 'expression cannot contain assignment, perhaps you meant "=="?', a.line);
    if (a.t === 'Name') this.fail(eq, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", a.line);
    const what = ASSIGN_DESC;
    let desc: string | undefined = ['Compare', 'BoolOp', 'IfExp', 'Lambda'].includes(a.t) ? undefined : what[a.t];
    if (a.t === 'UnaryOp' && (a as { op: string }).op === 'not') desc = undefined;
    if (a.t === 'Constant') desc = (a as { desc?: string }).desc ?? 'literal';
    if (!desc) this.fail(eq);
    this.fail(eq, `cannot assign to ${desc} here. Maybe you meant '==' instead of '='?`, a.line);
  }

  private atom(): Node {
    const t = this.cur;
    if (t.kind === 'number') {
      this.p++;
      return { t: 'Constant', line: t.line, value: t.num!, kind: 'num' };
    }
    if (t.kind === 'string') return this.strings();
    if (t.kind === 'name') {
      if (t.text === 'True' || t.text === 'False' || t.text === 'None') {
        this.p++;
        return { t: 'Constant', line: t.line, value: t.text === 'None' ? null : t.text === 'True', kind: 'other', desc: '' };
      }
      if (KEYWORDS.has(t.text)) this.fail();
      this.p++;
      return { t: 'Name', line: t.line, id: t.text };
    }
    if (this.isOp('...')) {
      this.p++;
      return { t: 'Constant', line: t.line, value: new PyGlobal('builtins', 'Ellipsis'), kind: 'other', desc: 'ellipsis' };
    }
    if (this.isOp('(') && this.isKw('yield', this.peek())) {
      const line = this.cur.line;
      this.p += 2;
      let t = 'Yield';
      if (this.isKw('from')) {
        this.p++;
        this.expression();
        t = 'YieldFrom';
      } else if (!this.isOp(')')) this.expressions();
      this.expectOp(')');
      return this.other(t, line);
    }
    if (this.isOp('(')) return this.bracketed('(', ')');
    if (this.isOp('[')) return this.bracketed('[', ']');
    if (this.isOp('{')) return this.braces();
    this.fail();
  }

  private strings(): Node {
    const first = this.cur;
    let anyF = false;
    let bytes: boolean | undefined;
    const parts: (string | Uint8Array)[] = [];
    let pending: string | undefined;
    let mixed = false;
    while (this.cur.kind === 'string') {
      const s = this.cur.str!;
      if (s.error && !pending) pending = s.error;
      if (bytes !== undefined && bytes !== s.bytes && !mixed) mixed = true;
      bytes = s.bytes;
      if (s.f) anyF = true;
      parts.push(s.value);
      this.p++;
    }
    if (mixed) throw new ParseFail(first, 'cannot mix bytes and nonbytes literals', this.cur.line);
    if (pending) throw new ParseFail(first, pending, this.cur.line);
    if (anyF) return this.other('JoinedStr', first.line);
    if (bytes) {
      const total = Buffer.concat(parts.map((p) => Buffer.from(p as Uint8Array)));
      return { t: 'Constant', line: first.line, value: new Uint8Array(total), kind: 'other' };
    }
    return { t: 'Constant', line: first.line, value: parts.join(''), kind: 'other' };
  }

  private bracketed(open: string, close: string): Node {
    const line = this.cur.line;
    this.p++;
    this.depth++;
    try {
      const elts: Node[] = [];
      let comma = false;
      while (!this.isOp(close)) {
        const e = this.starNamed();
        if (elts.length === 0 && (this.isKw('for') || (this.isKw('async') && this.isKw('for', this.peek())))) {
          this.comprehension();
          this.expectOp(close);
          return this.other(open === '(' ? 'GeneratorExp' : 'ListComp', line);
        }
        elts.push(e);
        if (this.isOp(',')) {
          comma = true;
          this.p++;
        } else if (!this.isOp(close)) this.juxtaposed(e);
      }
      this.p++;
      if (open === '(') {
        if (elts.length === 1 && !comma) {
          if (elts[0].t === 'Starred') this.fail(this.toks[this.p - 1]);
          return elts[0];
        }
        return { t: 'Tuple', line, elts };
      }
      return { t: 'List', line, elts };
    } finally {
      this.depth--;
    }
  }

  private braces(): Node {
    const line = this.cur.line;
    this.p++;
    this.depth++;
    try {
      if (this.isOp('}')) {
        this.p++;
        return { t: 'Dict', line, keys: [], values: [] };
      }
      const keys: (Node | null)[] = [];
      const values: Node[] = [];
      const elts: Node[] = [];
      let isDict: boolean | undefined;
      while (!this.isOp('}')) {
        if (isDict !== false && this.isOp('**')) {
          this.p++;
          keys.push(null);
          values.push(this.bitwiseOr());
          isDict = true;
        } else {
          const keyLine = this.cur.line;
          const e = isDict ? this.expression() : this.starNamed();
          if (isDict !== false && this.isOp(':')) {
            this.p++;
            if (this.isOp('}') || this.isOp(',')) this.fail(this.toks[this.p - 1], "expression expected after dictionary key and ':'");
            if (this.isOp('*')) this.fail(this.cur, 'cannot use a starred expression in a dictionary value', this.cur.line);
            const v = this.expression();
            if (keys.length === 0 && (this.isKw('for') || this.isKw('async'))) {
              this.comprehension();
              this.expectOp('}');
              return this.other('DictComp', line);
            }
            keys.push(e);
            values.push(v);
            isDict = true;
          } else {
            if (isDict) this.fail(this.cur, "':' expected after dictionary key", keyLine);
            if (elts.length === 0 && (this.isKw('for') || this.isKw('async'))) {
              this.comprehension();
              this.expectOp('}');
              return this.other('SetComp', line);
            }
            elts.push(e);
            isDict = false;
          }
        }
        if (this.isOp(',')) this.p++;
        else if (!this.isOp('}')) this.juxtaposed(isDict ? values[values.length - 1] : elts[elts.length - 1], false, isDict);
      }
      this.p++;
      if (isDict) return { t: 'Dict', line, keys, values };
      return { t: 'Set', line, elts };
    } finally {
      this.depth--;
    }
  }
}

// ---------------------------------------------------------------------------
// literal_eval

function malformed(node: Node | null): never {
  if (node === null) throw new PyValueError('malformed node or string: None');
  throw new PyValueError(`malformed node or string on line ${node.line}: <ast.${node.t} object at ${fakeAddress()}>`);
}

function convertNum(node: Node): PyValue {
  if (node.t !== 'Constant' || (node as { kind: string }).kind !== 'num') malformed(node);
  return (node as { value: PyValue }).value;
}

function negate(v: PyValue): PyValue {
  if (typeof v === 'bigint') return -v;
  if (typeof v === 'number') return -v;
  const c = v as PyComplex;
  return new PyComplex(-c.re, -c.im);
}

function convertSigned(node: Node): PyValue {
  if (node.t === 'UnaryOp' && ((node as { op: string }).op === '+' || (node as { op: string }).op === '-')) {
    const u = node as { op: string; operand: Node };
    const v = convertNum(u.operand);
    return u.op === '+' ? v : negate(v);
  }
  return convertNum(node);
}

function convert(node: Node | null): PyValue {
  if (node === null) malformed(null);
  switch (node.t) {
    case 'Constant':
      return (node as { value: PyValue }).value;
    case 'Tuple':
      return new PyTuple((node as { elts: Node[] }).elts.map(convert));
    case 'List':
      return (node as { elts: Node[] }).elts.map(convert);
    case 'Set': {
      const s = new PySet();
      for (const e of (node as { elts: Node[] }).elts) {
        const v = convert(e);
        s.add(v);
      }
      return s;
    }
    case 'Call': {
      const c = node as { func: Node; nargs: number };
      if (c.func.t === 'Name' && (c.func as { id: string }).id === 'set' && c.nargs === 0) return new PySet();
      break;
    }
    case 'Dict': {
      const d = node as { keys: (Node | null)[]; values: Node[] };
      const out = new PyDict();
      for (let i = 0; i < d.keys.length; i++) {
        const k = convert(d.keys[i]);
        const v = convert(d.values[i]);
        out.set(k, v);
      }
      return out;
    }
    case 'BinOp': {
      const b = node as { op: string; left: Node; right: Node };
      if (b.op === '+' || b.op === '-') {
        const left = convertSigned(b.left);
        const right = convertNum(b.right);
        if ((typeof left === 'bigint' || typeof left === 'number') && right instanceof PyComplex) {
          const l = Number(left);
          return b.op === '+' ? new PyComplex(l + right.re, 0 + right.im) : new PyComplex(l - right.re, 0 - right.im);
        }
      }
      break;
    }
  }
  return convertSigned(node);
}

/** Python's `ast.literal_eval(text)`. */
export function literalEval(text: string): PyValue {
  const src = text.replace(/^[ \t]+/, '');
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(src);
  if (lone) {
    const pos = [...src.slice(0, lone.index)].length;
    throw new PyError(
      'builtins',
      'UnicodeEncodeError',
      `'utf-8' codec can't encode character '\\u${lone[0].charCodeAt(0).toString(16)}' in position ${pos}: surrogates not allowed`,
    );
  }
  if (src.includes('\0')) throw new PyValueError('source code string cannot contain null bytes');
  const tk = tokenize(src);
  let tree: Node;
  let parser: Parser | undefined;
  try {
    parser = new Parser(tk.toks, tk);
    tree = parser.parseEval();
  } catch (e) {
    if (e instanceof ReadError) throw e.err;
    if (!(e instanceof ParseFail)) throw e;
    const generic = e.message === 'invalid syntax';
    const furthest = generic && parser ? tk.toks[parser.maxRead] : e.tok;
    const line = e.line ?? furthest.line;
    // CPython then tokenizes the rest of the source: its errors win
    if (tk.error && tk.error.eager) throw tk.error.err;
    if (tk.open.length && line > tk.open[tk.open.length - 1].line) {
      const o = tk.open[tk.open.length - 1];
      throw new PySyntaxError(`'${o.ch}' was never closed`, o.line);
    }
    if (e.message === 'invalid syntax') {
      const at = tk.toks.indexOf(furthest);
      if (at >= 0) {
        try {
          new Parser(tk.toks, tk).probeFrom(at);
        } catch (r) {
          if (r instanceof ReadError) throw r.err;
          throw r;
        }
      }
      if (tk.open.length && line > tk.open[tk.open.length - 1].line) {
        const o = tk.open[tk.open.length - 1];
        throw new PySyntaxError(`'${o.ch}' was never closed`, o.line);
      }
    }
    // Python 2 style print statement
    const first = tk.toks[0];
    if (e.message === 'invalid syntax' && first && first.kind === 'name' && (first.text === 'print' || first.text === 'exec') && e.tok === tk.toks[1])
      throw new PySyntaxError(`Missing parentheses in call to '${first.text}'. Did you mean ${first.text}(...)?`, e.tok.line);
    throw new PySyntaxError(e.message, line);
  }
  if (tk.error) throw tk.error.err;
  if (tk.open.length) {
    const o = tk.open[tk.open.length - 1];
    throw new PySyntaxError(`'${o.ch}' was never closed`, o.line);
  }
  return convert(tree);
}
