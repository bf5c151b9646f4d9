// Follows PyYAML 6.0's (MIT licensed) reader/scanner/parser/composer/constructor/resolver algorithms and error texts.
/**
 * `yaml.load(text, Loader=PyrogueLoader)` as pyrogue's `yamlToData` does it:
 * PyYAML's full `yaml.Loader` with mappings built as OrderedDicts
 * (`flatten_mapping` + `construct_pairs`) and a `!include` scalar constructor.
 * The Python tags that would import or run code (python/name, python/module,
 * python/object*) are refused the way SafeLoader refuses an unknown tag.
 *
 * Values: see values.ts. Timestamps are `PyObject`s shaped the way a pickle
 * builds them: `datetime.date(b'<4 bytes>')`,
 * `datetime.datetime(b'<10 bytes>'[, datetime.timezone(datetime.timedelta(d, s, us))])`.
 */
import { PyError } from './errors';
import { floatPrefix, isAsciiSpace, numberText, pyFloatFromStr, pyIntFromStr } from './numtext';
import { strRepr } from './repr';
import { PyComplex, PyDict, PyGlobal, PyObject, PyOrderedDict, PySet, PyTuple, PyValue, UnhashableError } from './values';

export interface PyYamlLoadOptions {
  /** Called for a `!include` scalar tag with the scalar's text; returns the loaded value to put in its place. */
  include?: (rel: string) => PyValue;
}

// ---------------------------------------------------------------------------
// Marks and errors

const NAME = '<unicode string>';
const BREAKZ = '\0\r\n\x85\u2028\u2029';
const BLANKZ = '\0 \t\r\n\x85\u2028\u2029';

class Mark {
  constructor(
    readonly index: number,
    readonly line: number,
    readonly column: number,
    readonly buffer: string[],
    readonly pointer: number,
  ) {}
  snippet(indent = 4, maxLength = 75): string {
    const buf = this.buffer;
    let head = '';
    let start = this.pointer;
    while (start > 0 && !BREAKZ.includes(buf[start - 1])) {
      start -= 1;
      if (this.pointer - start > maxLength / 2 - 1) {
        head = ' ... ';
        start += 5;
        break;
      }
    }
    let tail = '';
    let end = this.pointer;
    while (end < buf.length && !BREAKZ.includes(buf[end])) {
      end += 1;
      if (end - this.pointer > maxLength / 2 - 1) {
        tail = ' ... ';
        end -= 5;
        break;
      }
    }
    const snippet = buf.slice(start, end).join('');
    return ' '.repeat(indent) + head + snippet + tail + '\n' + ' '.repeat(indent + this.pointer - start + head.length) + '^';
  }
  toString(): string {
    return `  in "${NAME}", line ${this.line + 1}, column ${this.column + 1}:\n` + this.snippet();
  }
}

type ErrKind = 'scanner' | 'parser' | 'composer' | 'constructor';
const ERR_CLASS: Record<ErrKind, string> = {
  scanner: 'ScannerError',
  parser: 'ParserError',
  composer: 'ComposerError',
  constructor: 'ConstructorError',
};

function marked(kind: ErrKind, context: string | null, contextMark: Mark | null, problem: string | null, problemMark: Mark | null): PyError {
  const lines: string[] = [];
  if (context !== null) lines.push(context);
  if (contextMark !== null && (problem === null || problemMark === null || contextMark.line !== problemMark.line || contextMark.column !== problemMark.column))
    lines.push(contextMark.toString());
  if (problem !== null) lines.push(problem);
  if (problemMark !== null) lines.push(problemMark.toString());
  return new PyError(`yaml.${kind}`, ERR_CLASS[kind], lines.join('\n'));
}

const pyErr = (name: string, msg: string) => new PyError('builtins', name, msg);
const r = (s: string) => strRepr(s);

// ---------------------------------------------------------------------------
// Tokens, events, nodes

interface Token {
  id: string;
  start: Mark;
  end: Mark;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a token's value is per token kind, as in PyYAML
  value?: any;
  plain?: boolean;
  style?: string | null;
  name?: string;
}

const T = {
  DIRECTIVE: '<directive>',
  DOC_START: '<document start>',
  DOC_END: '<document end>',
  STREAM_START: '<stream start>',
  STREAM_END: '<stream end>',
  BSEQ_START: '<block sequence start>',
  BMAP_START: '<block mapping start>',
  BLOCK_END: '<block end>',
  FSEQ_START: '[',
  FMAP_START: '{',
  FSEQ_END: ']',
  FMAP_END: '}',
  KEY: '?',
  VALUE: ':',
  BLOCK_ENTRY: '-',
  FLOW_ENTRY: ',',
  ALIAS: '<alias>',
  ANCHOR: '<anchor>',
  TAG: '<tag>',
  SCALAR: '<scalar>',
} as const;

class SimpleKey {
  constructor(
    readonly tokenNumber: number,
    readonly required: boolean,
    readonly index: number,
    readonly line: number,
    readonly column: number,
    readonly mark: Mark,
  ) {}
}

// ---------------------------------------------------------------------------
// Reader + Scanner

const ESCAPE_REPLACEMENTS: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\x08',
  t: '\x09',
  '\t': '\x09',
  n: '\x0A',
  v: '\x0B',
  f: '\x0C',
  r: '\x0D',
  e: '\x1B',
  ' ': '\x20',
  '"': '"',
  '\\': '\\',
  '/': '/',
  N: '\x85',
  _: '\xA0',
  L: '\u2028',
  P: '\u2029',
};
const ESCAPE_CODES: Record<string, number> = { x: 2, u: 4, U: 8 };

const isAlnum = (ch: string) => (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch === '-' || ch === '_';
const isDigit = (ch: string) => ch.length === 1 && ch >= '0' && ch <= '9';
const HEX = '0123456789ABCDEFabcdef';

function isPrintableCp(cp: number): boolean {
  return (
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0d ||
    (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

class Scanner {
  buf: string[];
  pointer = 0;
  line = 0;
  column = 0;
  done = false;
  flowLevel = 0;
  tokens: Token[] = [];
  tokensTaken = 0;
  indent = -1;
  indents: number[] = [];
  allowSimpleKey = true;
  possibleSimpleKeys = new Map<number, SimpleKey>();

  constructor(text: string) {
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      const cp = chars[i].codePointAt(0)!;
      if (!isPrintableCp(cp))
        throw new PyError(
          'yaml.reader',
          'ReaderError',
          `unacceptable character #x${cp.toString(16).padStart(4, '0')}: special characters are not allowed\n  in "${NAME}", position ${i}`,
        );
    }
    chars.push('\0');
    this.buf = chars;
    const mark = this.mark();
    this.tokens.push({ id: T.STREAM_START, start: mark, end: mark });
  }

  // Reader
  peek(i = 0): string {
    const ch = this.buf[this.pointer + i];
    return ch === undefined ? '\0' : ch;
  }
  prefix(n = 1): string {
    return this.buf.slice(this.pointer, this.pointer + n).join('');
  }
  forward(n = 1): void {
    while (n) {
      const ch = this.buf[this.pointer];
      this.pointer += 1;
      if ('\n\x85\u2028\u2029'.includes(ch) || (ch === '\r' && this.buf[this.pointer] !== '\n')) {
        this.line += 1;
        this.column = 0;
      } else if (ch !== '\uFEFF') this.column += 1;
      n -= 1;
    }
  }
  mark(): Mark {
    return new Mark(this.pointer, this.line, this.column, this.buf, this.pointer);
  }

  // Public
  checkToken(...ids: string[]): boolean {
    while (this.needMoreTokens()) this.fetchMoreTokens();
    if (this.tokens.length) {
      if (!ids.length) return true;
      return ids.includes(this.tokens[0].id);
    }
    return false;
  }
  peekToken(): Token {
    while (this.needMoreTokens()) this.fetchMoreTokens();
    return this.tokens[0];
  }
  getToken(): Token {
    while (this.needMoreTokens()) this.fetchMoreTokens();
    this.tokensTaken += 1;
    return this.tokens.shift()!;
  }

  needMoreTokens(): boolean {
    if (this.done) return false;
    if (!this.tokens.length) return true;
    this.stalePossibleSimpleKeys();
    return this.nextPossibleSimpleKey() === this.tokensTaken;
  }

  fetchMoreTokens(): void {
    this.scanToNextToken();
    this.stalePossibleSimpleKeys();
    this.unwindIndent(this.column);
    const ch = this.peek();
    if (ch === '\0') return this.fetchStreamEnd();
    if (ch === '%' && this.column === 0) return this.fetchDirective();
    if (ch === '-' && this.checkDocumentIndicator('---')) return this.fetchDocumentIndicator(T.DOC_START);
    if (ch === '.' && this.checkDocumentIndicator('...')) return this.fetchDocumentIndicator(T.DOC_END);
    if (ch === '[') return this.fetchFlowCollectionStart(T.FSEQ_START);
    if (ch === '{') return this.fetchFlowCollectionStart(T.FMAP_START);
    if (ch === ']') return this.fetchFlowCollectionEnd(T.FSEQ_END);
    if (ch === '}') return this.fetchFlowCollectionEnd(T.FMAP_END);
    if (ch === ',') return this.fetchFlowEntry();
    if (ch === '-' && BLANKZ.includes(this.peek(1))) return this.fetchBlockEntry();
    if (ch === '?' && (this.flowLevel || BLANKZ.includes(this.peek(1)))) return this.fetchKey();
    if (ch === ':' && (this.flowLevel || BLANKZ.includes(this.peek(1)))) return this.fetchValue();
    if (ch === '*') return this.fetchAnchor(T.ALIAS);
    if (ch === '&') return this.fetchAnchor(T.ANCHOR);
    if (ch === '!') return this.fetchTag();
    if (ch === '|' && !this.flowLevel) return this.fetchBlockScalar('|');
    if (ch === '>' && !this.flowLevel) return this.fetchBlockScalar('>');
    if (ch === "'") return this.fetchFlowScalar("'");
    if (ch === '"') return this.fetchFlowScalar('"');
    if (this.checkPlain()) return this.fetchPlain();
    throw marked('scanner', 'while scanning for the next token', null, `found character ${r(ch)} that cannot start any token`, this.mark());
  }

  nextPossibleSimpleKey(): number | null {
    let min: number | null = null;
    for (const key of this.possibleSimpleKeys.values()) if (min === null || key.tokenNumber < min) min = key.tokenNumber;
    return min;
  }
  stalePossibleSimpleKeys(): void {
    for (const [level, key] of [...this.possibleSimpleKeys]) {
      if (key.line !== this.line || this.pointer - key.index > 1024) {
        if (key.required) throw marked('scanner', 'while scanning a simple key', key.mark, "could not find expected ':'", this.mark());
        this.possibleSimpleKeys.delete(level);
      }
    }
  }
  savePossibleSimpleKey(): void {
    const required = !this.flowLevel && this.indent === this.column;
    if (this.allowSimpleKey) {
      this.removePossibleSimpleKey();
      const tokenNumber = this.tokensTaken + this.tokens.length;
      this.possibleSimpleKeys.set(this.flowLevel, new SimpleKey(tokenNumber, required, this.pointer, this.line, this.column, this.mark()));
    }
  }
  removePossibleSimpleKey(): void {
    const key = this.possibleSimpleKeys.get(this.flowLevel);
    if (key) {
      if (key.required) throw marked('scanner', 'while scanning a simple key', key.mark, "could not find expected ':'", this.mark());
      this.possibleSimpleKeys.delete(this.flowLevel);
    }
  }
  unwindIndent(column: number): void {
    if (this.flowLevel) return;
    while (this.indent > column) {
      const mark = this.mark();
      this.indent = this.indents.pop()!;
      this.tokens.push({ id: T.BLOCK_END, start: mark, end: mark });
    }
  }
  addIndent(column: number): boolean {
    if (this.indent < column) {
      this.indents.push(this.indent);
      this.indent = column;
      return true;
    }
    return false;
  }

  fetchStreamEnd(): void {
    this.unwindIndent(-1);
    this.removePossibleSimpleKey();
    this.allowSimpleKey = false;
    this.possibleSimpleKeys = new Map();
    const mark = this.mark();
    this.tokens.push({ id: T.STREAM_END, start: mark, end: mark });
    this.done = true;
  }
  fetchDirective(): void {
    this.unwindIndent(-1);
    this.removePossibleSimpleKey();
    this.allowSimpleKey = false;
    this.tokens.push(this.scanDirective());
  }
  checkDocumentIndicator(s: string): boolean {
    return this.column === 0 && this.prefix(3) === s && BLANKZ.includes(this.peek(3));
  }
  fetchDocumentIndicator(id: string): void {
    this.unwindIndent(-1);
    this.removePossibleSimpleKey();
    this.allowSimpleKey = false;
    const start = this.mark();
    this.forward(3);
    this.tokens.push({ id, start, end: this.mark() });
  }
  fetchFlowCollectionStart(id: string): void {
    this.savePossibleSimpleKey();
    this.flowLevel += 1;
    this.allowSimpleKey = true;
    const start = this.mark();
    this.forward();
    this.tokens.push({ id, start, end: this.mark() });
  }
  fetchFlowCollectionEnd(id: string): void {
    this.removePossibleSimpleKey();
    this.flowLevel -= 1;
    this.allowSimpleKey = false;
    const start = this.mark();
    this.forward();
    this.tokens.push({ id, start, end: this.mark() });
  }
  fetchFlowEntry(): void {
    this.allowSimpleKey = true;
    this.removePossibleSimpleKey();
    const start = this.mark();
    this.forward();
    this.tokens.push({ id: T.FLOW_ENTRY, start, end: this.mark() });
  }
  fetchBlockEntry(): void {
    if (!this.flowLevel) {
      if (!this.allowSimpleKey) throw marked('scanner', null, null, 'sequence entries are not allowed here', this.mark());
      if (this.addIndent(this.column)) {
        const mark = this.mark();
        this.tokens.push({ id: T.BSEQ_START, start: mark, end: mark });
      }
    }
    this.allowSimpleKey = true;
    this.removePossibleSimpleKey();
    const start = this.mark();
    this.forward();
    this.tokens.push({ id: T.BLOCK_ENTRY, start, end: this.mark() });
  }
  fetchKey(): void {
    if (!this.flowLevel) {
      if (!this.allowSimpleKey) throw marked('scanner', null, null, 'mapping keys are not allowed here', this.mark());
      if (this.addIndent(this.column)) {
        const mark = this.mark();
        this.tokens.push({ id: T.BMAP_START, start: mark, end: mark });
      }
    }
    this.allowSimpleKey = !this.flowLevel;
    this.removePossibleSimpleKey();
    const start = this.mark();
    this.forward();
    this.tokens.push({ id: T.KEY, start, end: this.mark() });
  }
  fetchValue(): void {
    const key = this.possibleSimpleKeys.get(this.flowLevel);
    if (key) {
      this.possibleSimpleKeys.delete(this.flowLevel);
      this.tokens.splice(key.tokenNumber - this.tokensTaken, 0, { id: T.KEY, start: key.mark, end: key.mark });
      if (!this.flowLevel) {
        if (this.addIndent(key.column))
          this.tokens.splice(key.tokenNumber - this.tokensTaken, 0, {
            id: T.BMAP_START,
            start: key.mark,
            end: key.mark,
          });
      }
      this.allowSimpleKey = false;
    } else {
      if (!this.flowLevel) {
        if (!this.allowSimpleKey) throw marked('scanner', null, null, 'mapping values are not allowed here', this.mark());
        if (this.addIndent(this.column)) {
          const mark = this.mark();
          this.tokens.push({ id: T.BMAP_START, start: mark, end: mark });
        }
      }
      this.allowSimpleKey = !this.flowLevel;
      this.removePossibleSimpleKey();
    }
    const start = this.mark();
    this.forward();
    this.tokens.push({ id: T.VALUE, start, end: this.mark() });
  }
  fetchAnchor(id: string): void {
    this.savePossibleSimpleKey();
    this.allowSimpleKey = false;
    this.tokens.push(this.scanAnchor(id));
  }
  fetchTag(): void {
    this.savePossibleSimpleKey();
    this.allowSimpleKey = false;
    this.tokens.push(this.scanTag());
  }
  fetchBlockScalar(style: string): void {
    this.allowSimpleKey = true;
    this.removePossibleSimpleKey();
    this.tokens.push(this.scanBlockScalar(style));
  }
  fetchFlowScalar(style: string): void {
    this.savePossibleSimpleKey();
    this.allowSimpleKey = false;
    this.tokens.push(this.scanFlowScalar(style));
  }
  fetchPlain(): void {
    this.savePossibleSimpleKey();
    this.allowSimpleKey = false;
    this.tokens.push(this.scanPlain());
  }
  checkPlain(): boolean {
    const ch = this.peek();
    return (
      !'\0 \t\r\n\x85\u2028\u2029-?:,[]{}#&*!|>\'"%@`'.includes(ch) ||
      (!BLANKZ.includes(this.peek(1)) && (ch === '-' || (!this.flowLevel && '?:'.includes(ch))))
    );
  }

  scanToNextToken(): void {
    if (this.pointer === 0 && this.peek() === '\uFEFF') this.forward();
    for (;;) {
      while (this.peek() === ' ') this.forward();
      if (this.peek() === '#') while (!BREAKZ.includes(this.peek())) this.forward();
      if (this.scanLineBreak()) {
        if (!this.flowLevel) this.allowSimpleKey = true;
      } else break;
    }
  }

  scanDirective(): Token {
    const start = this.mark();
    this.forward();
    const name = this.scanDirectiveName(start);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a token's value is per token kind, as in PyYAML
    let value: any = null;
    let end: Mark;
    if (name === 'YAML') {
      value = this.scanYamlDirectiveValue(start);
      end = this.mark();
    } else if (name === 'TAG') {
      value = this.scanTagDirectiveValue(start);
      end = this.mark();
    } else {
      end = this.mark();
      while (!BREAKZ.includes(this.peek())) this.forward();
    }
    this.scanDirectiveIgnoredLine(start);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
    return { id: T.DIRECTIVE, name, value, start, end };
  }
  scanDirectiveName(start: Mark): string {
    let length = 0;
    let ch = this.peek(length);
    while (isAlnum(ch)) {
      length += 1;
      ch = this.peek(length);
    }
    if (!length) throw marked('scanner', 'while scanning a directive', start, `expected alphabetic or numeric character, but found ${r(ch)}`, this.mark());
    const value = this.prefix(length);
    this.forward(length);
    ch = this.peek();
    if (!'\0 \r\n\x85\u2028\u2029'.includes(ch))
      throw marked('scanner', 'while scanning a directive', start, `expected alphabetic or numeric character, but found ${r(ch)}`, this.mark());
    return value;
  }
  scanYamlDirectiveValue(start: Mark): [number, number] {
    while (this.peek() === ' ') this.forward();
    const major = this.scanYamlDirectiveNumber(start);
    if (this.peek() !== '.') throw marked('scanner', 'while scanning a directive', start, `expected a digit or '.', but found ${r(this.peek())}`, this.mark());
    this.forward();
    const minor = this.scanYamlDirectiveNumber(start);
    if (!'\0 \r\n\x85\u2028\u2029'.includes(this.peek()))
      throw marked('scanner', 'while scanning a directive', start, `expected a digit or ' ', but found ${r(this.peek())}`, this.mark());
    return [major, minor];
  }
  scanYamlDirectiveNumber(start: Mark): number {
    const ch = this.peek();
    if (!isDigit(ch)) throw marked('scanner', 'while scanning a directive', start, `expected a digit, but found ${r(ch)}`, this.mark());
    let length = 0;
    while (isDigit(this.peek(length))) length += 1;
    const value = Number(this.prefix(length));
    this.forward(length);
    return value;
  }
  scanTagDirectiveValue(start: Mark): [string, string] {
    while (this.peek() === ' ') this.forward();
    const handle = this.scanTagHandle('directive', start);
    if (this.peek() !== ' ') throw marked('scanner', 'while scanning a directive', start, `expected ' ', but found ${r(this.peek())}`, this.mark());
    while (this.peek() === ' ') this.forward();
    const prefix = this.scanTagUri('directive', start);
    if (!'\0 \r\n\x85\u2028\u2029'.includes(this.peek()))
      throw marked('scanner', 'while scanning a directive', start, `expected ' ', but found ${r(this.peek())}`, this.mark());
    return [handle, prefix];
  }
  scanDirectiveIgnoredLine(start: Mark): void {
    while (this.peek() === ' ') this.forward();
    if (this.peek() === '#') while (!BREAKZ.includes(this.peek())) this.forward();
    const ch = this.peek();
    if (!BREAKZ.includes(ch))
      throw marked('scanner', 'while scanning a directive', start, `expected a comment or a line break, but found ${r(ch)}`, this.mark());
    this.scanLineBreak();
  }

  scanAnchor(id: string): Token {
    const start = this.mark();
    const name = this.peek() === '*' ? 'alias' : 'anchor';
    this.forward();
    let length = 0;
    let ch = this.peek(length);
    while (isAlnum(ch)) {
      length += 1;
      ch = this.peek(length);
    }
    if (!length) throw marked('scanner', `while scanning an ${name}`, start, `expected alphabetic or numeric character, but found ${r(ch)}`, this.mark());
    const value = this.prefix(length);
    this.forward(length);
    ch = this.peek();
    if (!'\0 \t\r\n\x85\u2028\u2029?:,]}%@`'.includes(ch))
      throw marked('scanner', `while scanning an ${name}`, start, `expected alphabetic or numeric character, but found ${r(ch)}`, this.mark());
    return { id, value, start, end: this.mark() };
  }

  scanTag(): Token {
    const start = this.mark();
    let ch = this.peek(1);
    let handle: string | null;
    let suffix: string;
    if (ch === '<') {
      handle = null;
      this.forward(2);
      suffix = this.scanTagUri('tag', start);
      if (this.peek() !== '>') throw marked('scanner', 'while parsing a tag', start, `expected '>', but found ${r(this.peek())}`, this.mark());
      this.forward();
    } else if (BLANKZ.includes(ch)) {
      handle = null;
      suffix = '!';
      this.forward();
    } else {
      let length = 1;
      let useHandle = false;
      while (!'\0 \r\n\x85\u2028\u2029'.includes(ch)) {
        if (ch === '!') {
          useHandle = true;
          break;
        }
        length += 1;
        ch = this.peek(length);
      }
      if (useHandle) handle = this.scanTagHandle('tag', start);
      else {
        handle = '!';
        this.forward();
      }
      suffix = this.scanTagUri('tag', start);
    }
    ch = this.peek();
    if (!'\0 \r\n\x85\u2028\u2029'.includes(ch)) throw marked('scanner', 'while scanning a tag', start, `expected ' ', but found ${r(ch)}`, this.mark());
    return { id: T.TAG, value: [handle, suffix], start, end: this.mark() };
  }

  scanBlockScalar(style: string): Token {
    const folded = style === '>';
    const chunks: string[] = [];
    const start = this.mark();
    this.forward();
    const [chomping, increment] = this.scanBlockScalarIndicators(start);
    this.scanBlockScalarIgnoredLine(start);
    let minIndent = this.indent + 1;
    if (minIndent < 1) minIndent = 1;
    let breaks: string[];
    let end: Mark;
    let indent: number;
    if (increment === null) {
      let maxIndent: number;
      [breaks, maxIndent, end] = this.scanBlockScalarIndentation();
      indent = Math.max(minIndent, maxIndent);
    } else {
      indent = minIndent + increment - 1;
      [breaks, end] = this.scanBlockScalarBreaks(indent);
    }
    let lineBreak = '';
    while (this.column === indent && this.peek() !== '\0') {
      chunks.push(...breaks);
      const leadingNonSpace = !' \t'.includes(this.peek());
      let length = 0;
      while (!BREAKZ.includes(this.peek(length))) length += 1;
      chunks.push(this.prefix(length));
      this.forward(length);
      lineBreak = this.scanLineBreak();
      [breaks, end] = this.scanBlockScalarBreaks(indent);
      if (this.column === indent && this.peek() !== '\0') {
        if (folded && lineBreak === '\n' && leadingNonSpace && !' \t'.includes(this.peek())) {
          if (!breaks.length) chunks.push(' ');
        } else chunks.push(lineBreak);
      } else break;
    }
    if (chomping !== false) chunks.push(lineBreak);
    if (chomping === true) chunks.push(...breaks);
    return { id: T.SCALAR, value: chunks.join(''), plain: false, start, end, style };
  }
  scanBlockScalarIndicators(start: Mark): [boolean | null, number | null] {
    let chomping: boolean | null = null;
    let increment: number | null = null;
    let ch = this.peek();
    const zero = () => marked('scanner', 'while scanning a block scalar', start, 'expected indentation indicator in the range 1-9, but found 0', this.mark());
    if (ch === '+' || ch === '-') {
      chomping = ch === '+';
      this.forward();
      ch = this.peek();
      if (isDigit(ch)) {
        increment = Number(ch);
        if (increment === 0) throw zero();
        this.forward();
      }
    } else if (isDigit(ch)) {
      increment = Number(ch);
      if (increment === 0) throw zero();
      this.forward();
      ch = this.peek();
      if (ch === '+' || ch === '-') {
        chomping = ch === '+';
        this.forward();
      }
    }
    ch = this.peek();
    if (!'\0 \r\n\x85\u2028\u2029'.includes(ch))
      throw marked('scanner', 'while scanning a block scalar', start, `expected chomping or indentation indicators, but found ${r(ch)}`, this.mark());
    return [chomping, increment];
  }
  scanBlockScalarIgnoredLine(start: Mark): void {
    while (this.peek() === ' ') this.forward();
    if (this.peek() === '#') while (!BREAKZ.includes(this.peek())) this.forward();
    const ch = this.peek();
    if (!BREAKZ.includes(ch))
      throw marked('scanner', 'while scanning a block scalar', start, `expected a comment or a line break, but found ${r(ch)}`, this.mark());
    this.scanLineBreak();
  }
  scanBlockScalarIndentation(): [string[], number, Mark] {
    const chunks: string[] = [];
    let maxIndent = 0;
    let end = this.mark();
    while (' \r\n\x85\u2028\u2029'.includes(this.peek())) {
      if (this.peek() !== ' ') {
        chunks.push(this.scanLineBreak());
        end = this.mark();
      } else {
        this.forward();
        if (this.column > maxIndent) maxIndent = this.column;
      }
    }
    return [chunks, maxIndent, end];
  }
  scanBlockScalarBreaks(indent: number): [string[], Mark] {
    const chunks: string[] = [];
    let end = this.mark();
    while (this.column < indent && this.peek() === ' ') this.forward();
    while ('\r\n\x85\u2028\u2029'.includes(this.peek())) {
      chunks.push(this.scanLineBreak());
      end = this.mark();
      while (this.column < indent && this.peek() === ' ') this.forward();
    }
    return [chunks, end];
  }

  scanFlowScalar(style: string): Token {
    const double = style === '"';
    const chunks: string[] = [];
    const start = this.mark();
    const quote = this.peek();
    this.forward();
    chunks.push(...this.scanFlowScalarNonSpaces(double, start));
    while (this.peek() !== quote) {
      chunks.push(...this.scanFlowScalarSpaces(double, start));
      chunks.push(...this.scanFlowScalarNonSpaces(double, start));
    }
    this.forward();
    return { id: T.SCALAR, value: chunks.join(''), plain: false, start, end: this.mark(), style };
  }
  scanFlowScalarNonSpaces(double: boolean, start: Mark): string[] {
    const chunks: string[] = [];
    for (;;) {
      let length = 0;
      while (!'\'"\\\0 \t\r\n\x85\u2028\u2029'.includes(this.peek(length))) length += 1;
      if (length) {
        chunks.push(this.prefix(length));
        this.forward(length);
      }
      let ch = this.peek();
      if (!double && ch === "'" && this.peek(1) === "'") {
        chunks.push("'");
        this.forward(2);
      } else if ((double && ch === "'") || (!double && (ch === '"' || ch === '\\'))) {
        chunks.push(ch);
        this.forward();
      } else if (double && ch === '\\') {
        this.forward();
        ch = this.peek();
        if (Object.prototype.hasOwnProperty.call(ESCAPE_REPLACEMENTS, ch)) {
          chunks.push(ESCAPE_REPLACEMENTS[ch]);
          this.forward();
        } else if (Object.prototype.hasOwnProperty.call(ESCAPE_CODES, ch)) {
          const len = ESCAPE_CODES[ch];
          this.forward();
          for (let k = 0; k < len; k++)
            if (!HEX.includes(this.peek(k)))
              throw marked(
                'scanner',
                'while scanning a double-quoted scalar',
                start,
                `expected escape sequence of ${len} hexadecimal numbers, but found ${r(this.peek(k))}`,
                this.mark(),
              );
          const code = parseInt(this.prefix(len), 16);
          if (code > 0x10ffff) throw pyErr('ValueError', 'chr() arg not in range(0x110000)');
          chunks.push(String.fromCodePoint(code));
          this.forward(len);
        } else if ('\r\n\x85\u2028\u2029'.includes(ch)) {
          this.scanLineBreak();
          chunks.push(...this.scanFlowScalarBreaks(double, start));
        } else throw marked('scanner', 'while scanning a double-quoted scalar', start, `found unknown escape character ${r(ch)}`, this.mark());
      } else return chunks;
    }
  }
  scanFlowScalarSpaces(double: boolean, start: Mark): string[] {
    const chunks: string[] = [];
    let length = 0;
    while (' \t'.includes(this.peek(length))) length += 1;
    const whitespaces = this.prefix(length);
    this.forward(length);
    const ch = this.peek();
    if (ch === '\0') throw marked('scanner', 'while scanning a quoted scalar', start, 'found unexpected end of stream', this.mark());
    else if ('\r\n\x85\u2028\u2029'.includes(ch)) {
      const lineBreak = this.scanLineBreak();
      const breaks = this.scanFlowScalarBreaks(double, start);
      if (lineBreak !== '\n') chunks.push(lineBreak);
      else if (!breaks.length) chunks.push(' ');
      chunks.push(...breaks);
    } else chunks.push(whitespaces);
    return chunks;
  }
  scanFlowScalarBreaks(_double: boolean, start: Mark): string[] {
    const chunks: string[] = [];
    for (;;) {
      const prefix = this.prefix(3);
      if ((prefix === '---' || prefix === '...') && BLANKZ.includes(this.peek(3)))
        throw marked('scanner', 'while scanning a quoted scalar', start, 'found unexpected document separator', this.mark());
      while (' \t'.includes(this.peek())) this.forward();
      if ('\r\n\x85\u2028\u2029'.includes(this.peek())) chunks.push(this.scanLineBreak());
      else return chunks;
    }
  }

  scanPlain(): Token {
    const chunks: string[] = [];
    const start = this.mark();
    let end = start;
    const indent = this.indent + 1;
    let spaces: string[] | null = [];
    for (;;) {
      let length = 0;
      if (this.peek() === '#') break;
      for (;;) {
        const ch = this.peek(length);
        if (
          BLANKZ.includes(ch) ||
          (ch === ':' && (BLANKZ + (this.flowLevel ? ',[]{}' : '')).includes(this.peek(length + 1))) ||
          (this.flowLevel && ',?[]{}'.includes(ch))
        )
          break;
        length += 1;
      }
      if (length === 0) break;
      this.allowSimpleKey = false;
      chunks.push(...spaces);
      chunks.push(this.prefix(length));
      this.forward(length);
      end = this.mark();
      spaces = this.scanPlainSpaces(indent, start);
      if (!spaces || !spaces.length || this.peek() === '#' || (!this.flowLevel && this.column < indent)) break;
    }
    return { id: T.SCALAR, value: chunks.join(''), plain: true, start, end, style: null };
  }
  scanPlainSpaces(_indent: number, _start: Mark): string[] | null {
    const chunks: string[] = [];
    let length = 0;
    while (this.peek(length) === ' ') length += 1;
    const whitespaces = this.prefix(length);
    this.forward(length);
    const ch = this.peek();
    if ('\r\n\x85\u2028\u2029'.includes(ch)) {
      const lineBreak = this.scanLineBreak();
      this.allowSimpleKey = true;
      let prefix = this.prefix(3);
      if ((prefix === '---' || prefix === '...') && BLANKZ.includes(this.peek(3))) return null;
      const breaks: string[] = [];
      while (' \r\n\x85\u2028\u2029'.includes(this.peek())) {
        if (this.peek() === ' ') this.forward();
        else {
          breaks.push(this.scanLineBreak());
          prefix = this.prefix(3);
          if ((prefix === '---' || prefix === '...') && BLANKZ.includes(this.peek(3))) return null;
        }
      }
      if (lineBreak !== '\n') chunks.push(lineBreak);
      else if (!breaks.length) chunks.push(' ');
      chunks.push(...breaks);
    } else if (whitespaces) chunks.push(whitespaces);
    return chunks;
  }

  scanTagHandle(name: string, start: Mark): string {
    let ch = this.peek();
    if (ch !== '!') throw marked('scanner', `while scanning a ${name}`, start, `expected '!', but found ${r(ch)}`, this.mark());
    let length = 1;
    ch = this.peek(length);
    if (ch !== ' ') {
      while (isAlnum(ch)) {
        length += 1;
        ch = this.peek(length);
      }
      if (ch !== '!') {
        this.forward(length);
        throw marked('scanner', `while scanning a ${name}`, start, `expected '!', but found ${r(ch)}`, this.mark());
      }
      length += 1;
    }
    const value = this.prefix(length);
    this.forward(length);
    return value;
  }
  scanTagUri(name: string, start: Mark): string {
    const chunks: string[] = [];
    let length = 0;
    let ch = this.peek(length);
    while (isAlnum(ch) || ";/?:@&=+$,_.!~*'()[]%".includes(ch)) {
      if (ch === '%') {
        chunks.push(this.prefix(length));
        this.forward(length);
        length = 0;
        chunks.push(this.scanUriEscapes(name, start));
      } else length += 1;
      ch = this.peek(length);
    }
    if (length) {
      chunks.push(this.prefix(length));
      this.forward(length);
      length = 0;
    }
    if (!chunks.length) throw marked('scanner', `while parsing a ${name}`, start, `expected URI, but found ${r(ch)}`, this.mark());
    return chunks.join('');
  }
  scanUriEscapes(name: string, start: Mark): string {
    const codes: number[] = [];
    const mark = this.mark();
    while (this.peek() === '%') {
      this.forward();
      for (let k = 0; k < 2; k++)
        if (!HEX.includes(this.peek(k)))
          throw marked(
            'scanner',
            `while scanning a ${name}`,
            start,
            `expected URI escape sequence of 2 hexadecimal numbers, but found ${r(this.peek(k))}`,
            this.mark(),
          );
      codes.push(parseInt(this.prefix(2), 16));
      this.forward(2);
    }
    const res = utf8Decode(codes);
    if (typeof res !== 'string') throw marked('scanner', `while scanning a ${name}`, start, res.error, mark);
    return res;
  }
  scanLineBreak(): string {
    const ch = this.peek();
    if ('\r\n\x85'.includes(ch)) {
      if (this.prefix(2) === '\r\n') this.forward(2);
      else this.forward();
      return '\n';
    } else if (ch === '\u2028' || ch === '\u2029') {
      this.forward();
      return ch;
    }
    return '';
  }
}

/** bytes.decode('utf-8') (strict), with CPython's error text. */
function utf8Decode(b: number[]): string | { error: string } {
  let out = '';
  let i = 0;
  const fail = (start: number, end: number, reason: string) => ({
    error:
      end - start === 1
        ? `'utf-8' codec can't decode byte 0x${b[start].toString(16).padStart(2, '0')} in position ${start}: ${reason}`
        : `'utf-8' codec can't decode bytes in position ${start}-${end - 1}: ${reason}`,
  });
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return fail(i, i + 1, 'invalid start byte');
    let cp = c & (n === 1 ? 0x1f : n === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= n; k++) {
      if (i + k >= b.length) return fail(i, b.length, 'unexpected end of data');
      const x = b[i + k];
      const okLo = k === 1 ? lo : 0x80;
      const okHi = k === 1 ? hi : 0xbf;
      if (x < okLo || x > okHi) return fail(i, i + k, 'invalid continuation byte');
      cp = (cp << 6) | (x & 0x3f);
    }
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Parser

interface Event {
  kind: 'StreamStart' | 'StreamEnd' | 'DocumentStart' | 'DocumentEnd' | 'Alias' | 'Scalar' | 'SequenceStart' | 'SequenceEnd' | 'MappingStart' | 'MappingEnd';
  start: Mark;
  end: Mark;
  anchor?: string | null;
  tag?: string | null;
  implicit?: [boolean, boolean] | boolean;
  value?: string;
  style?: string | null;
}

const DEFAULT_TAGS: Record<string, string> = { '!': '!', '!!': 'tag:yaml.org,2002:' };

class Parser {
  private current: Event | null = null;
  private tagHandles: Record<string, string> = {};
  private states: (() => Event)[] = [];
  private marks: Mark[] = [];
  private state: (() => Event) | null;

  constructor(private readonly s: Scanner) {
    this.state = this.parseStreamStart;
  }

  checkEvent(...kinds: Event['kind'][]): boolean {
    if (this.current === null && this.state) this.current = this.state();
    if (this.current !== null) {
      if (!kinds.length) return true;
      return kinds.includes(this.current.kind);
    }
    return false;
  }
  peekEvent(): Event {
    if (this.current === null && this.state) this.current = this.state();
    return this.current!;
  }
  getEvent(): Event {
    if (this.current === null && this.state) this.current = this.state();
    const v = this.current!;
    this.current = null;
    return v;
  }

  private parseStreamStart = (): Event => {
    const t = this.s.getToken();
    this.state = this.parseImplicitDocumentStart;
    return { kind: 'StreamStart', start: t.start, end: t.end };
  };
  private parseImplicitDocumentStart = (): Event => {
    if (!this.s.checkToken(T.DIRECTIVE, T.DOC_START, T.STREAM_END)) {
      this.tagHandles = DEFAULT_TAGS;
      const t = this.s.peekToken();
      this.states.push(this.parseDocumentEnd);
      this.state = this.parseBlockNode;
      return { kind: 'DocumentStart', start: t.start, end: t.start };
    }
    return this.parseDocumentStart();
  };
  private parseDocumentStart = (): Event => {
    while (this.s.checkToken(T.DOC_END)) this.s.getToken();
    if (!this.s.checkToken(T.STREAM_END)) {
      const start = this.s.peekToken().start;
      this.processDirectives();
      if (!this.s.checkToken(T.DOC_START))
        throw marked('parser', null, null, `expected '<document start>', but found ${r(this.s.peekToken().id)}`, this.s.peekToken().start);
      const t = this.s.getToken();
      this.states.push(this.parseDocumentEnd);
      this.state = this.parseDocumentContent;
      return { kind: 'DocumentStart', start, end: t.end };
    }
    const t = this.s.getToken();
    this.state = null;
    return { kind: 'StreamEnd', start: t.start, end: t.end };
  };
  private parseDocumentEnd = (): Event => {
    let t = this.s.peekToken();
    const start = t.start;
    let end = start;
    if (this.s.checkToken(T.DOC_END)) {
      t = this.s.getToken();
      end = t.end;
    }
    this.state = this.parseDocumentStart;
    return { kind: 'DocumentEnd', start, end };
  };
  private parseDocumentContent = (): Event => {
    if (this.s.checkToken(T.DIRECTIVE, T.DOC_START, T.DOC_END, T.STREAM_END)) {
      const ev = this.processEmptyScalar(this.s.peekToken().start);
      this.state = this.states.pop()!;
      return ev;
    }
    return this.parseBlockNode();
  };
  private processDirectives(): void {
    let version: unknown = null;
    this.tagHandles = {};
    while (this.s.checkToken(T.DIRECTIVE)) {
      const t = this.s.getToken();
      if (t.name === 'YAML') {
        if (version !== null) throw marked('parser', null, null, 'found duplicate YAML directive', t.start);
        const [major] = t.value as [number, number];
        if (major !== 1) throw marked('parser', null, null, 'found incompatible YAML document (version 1.* is required)', t.start);
        version = t.value;
      } else if (t.name === 'TAG') {
        const [handle, prefix] = t.value as [string, string];
        if (Object.prototype.hasOwnProperty.call(this.tagHandles, handle)) throw marked('parser', null, null, `duplicate tag handle ${r(handle)}`, t.start);
        this.tagHandles[handle] = prefix;
      }
    }
    for (const k of Object.keys(DEFAULT_TAGS)) if (!(k in this.tagHandles)) this.tagHandles[k] = DEFAULT_TAGS[k];
  }

  private parseBlockNode = (): Event => this.parseNode(true, false);
  private parseFlowNode = (): Event => this.parseNode(false, false);
  private parseBlockNodeOrIndentlessSequence = (): Event => this.parseNode(true, true);

  private parseNode(block: boolean, indentlessSequence: boolean): Event {
    if (this.s.checkToken(T.ALIAS)) {
      const t = this.s.getToken();
      this.state = this.states.pop()!;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      return { kind: 'Alias', anchor: t.value, start: t.start, end: t.end };
    }
    let anchor: string | null = null;
    let tagTuple: [string | null, string] | null = null;
    let start: Mark | null = null;
    let end: Mark | null = null;
    let tagMark: Mark | null = null;
    if (this.s.checkToken(T.ANCHOR)) {
      const t = this.s.getToken();
      start = t.start;
      end = t.end;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      anchor = t.value;
      if (this.s.checkToken(T.TAG)) {
        const t2 = this.s.getToken();
        tagMark = t2.start;
        end = t2.end;
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
        tagTuple = t2.value;
      }
    } else if (this.s.checkToken(T.TAG)) {
      const t = this.s.getToken();
      start = tagMark = t.start;
      end = t.end;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      tagTuple = t.value;
      if (this.s.checkToken(T.ANCHOR)) {
        const t2 = this.s.getToken();
        end = t2.end;
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
        anchor = t2.value;
      }
    }
    let tag: string | null = null;
    if (tagTuple !== null) {
      const [handle, suffix] = tagTuple;
      if (handle !== null) {
        if (!Object.prototype.hasOwnProperty.call(this.tagHandles, handle))
          throw marked('parser', 'while parsing a node', start, `found undefined tag handle ${r(handle)}`, tagMark);
        tag = this.tagHandles[handle] + suffix;
      } else tag = suffix;
    }
    if (start === null) start = end = this.s.peekToken().start;
    const implicit = tag === null || tag === '!';
    if (indentlessSequence && this.s.checkToken(T.BLOCK_ENTRY)) {
      end = this.s.peekToken().end;
      this.state = this.parseIndentlessSequenceEntry;
      return { kind: 'SequenceStart', anchor, tag, implicit, start, end };
    }
    if (this.s.checkToken(T.SCALAR)) {
      const t = this.s.getToken();
      end = t.end;
      let imp: [boolean, boolean];
      if ((t.plain && tag === null) || tag === '!') imp = [true, false];
      else if (tag === null) imp = [false, true];
      else imp = [false, false];
      this.state = this.states.pop()!;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a token's value is per token kind, as in PyYAML
      return { kind: 'Scalar', anchor, tag, implicit: imp, value: t.value, start, end, style: t.style };
    }
    if (this.s.checkToken(T.FSEQ_START)) {
      end = this.s.peekToken().end;
      this.state = this.parseFlowSequenceFirstEntry;
      return { kind: 'SequenceStart', anchor, tag, implicit, start, end };
    }
    if (this.s.checkToken(T.FMAP_START)) {
      end = this.s.peekToken().end;
      this.state = this.parseFlowMappingFirstKey;
      return { kind: 'MappingStart', anchor, tag, implicit, start, end };
    }
    if (block && this.s.checkToken(T.BSEQ_START)) {
      end = this.s.peekToken().start;
      this.state = this.parseBlockSequenceFirstEntry;
      return { kind: 'SequenceStart', anchor, tag, implicit, start, end };
    }
    if (block && this.s.checkToken(T.BMAP_START)) {
      end = this.s.peekToken().start;
      this.state = this.parseBlockMappingFirstKey;
      return { kind: 'MappingStart', anchor, tag, implicit, start, end };
    }
    if (anchor !== null || tag !== null) {
      this.state = this.states.pop()!;
      return { kind: 'Scalar', anchor, tag, implicit: [implicit, false], value: '', start, end: end!, style: null };
    }
    const t = this.s.peekToken();
    throw marked('parser', `while parsing a ${block ? 'block' : 'flow'} node`, start, `expected the node content, but found ${r(t.id)}`, t.start);
  }

  private parseBlockSequenceFirstEntry = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseBlockSequenceEntry();
  };
  private parseBlockSequenceEntry = (): Event => {
    if (this.s.checkToken(T.BLOCK_ENTRY)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.BLOCK_ENTRY, T.BLOCK_END)) {
        this.states.push(this.parseBlockSequenceEntry);
        return this.parseBlockNode();
      }
      this.state = this.parseBlockSequenceEntry;
      return this.processEmptyScalar(t.end);
    }
    if (!this.s.checkToken(T.BLOCK_END)) {
      const t = this.s.peekToken();
      throw marked('parser', 'while parsing a block collection', this.marks[this.marks.length - 1], `expected <block end>, but found ${r(t.id)}`, t.start);
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'SequenceEnd', start: t.start, end: t.end };
  };
  private parseIndentlessSequenceEntry = (): Event => {
    if (this.s.checkToken(T.BLOCK_ENTRY)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.BLOCK_ENTRY, T.KEY, T.VALUE, T.BLOCK_END)) {
        this.states.push(this.parseIndentlessSequenceEntry);
        return this.parseBlockNode();
      }
      this.state = this.parseIndentlessSequenceEntry;
      return this.processEmptyScalar(t.end);
    }
    const t = this.s.peekToken();
    this.state = this.states.pop()!;
    return { kind: 'SequenceEnd', start: t.start, end: t.start };
  };
  private parseBlockMappingFirstKey = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseBlockMappingKey();
  };
  private parseBlockMappingKey = (): Event => {
    if (this.s.checkToken(T.KEY)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.KEY, T.VALUE, T.BLOCK_END)) {
        this.states.push(this.parseBlockMappingValue);
        return this.parseBlockNodeOrIndentlessSequence();
      }
      this.state = this.parseBlockMappingValue;
      return this.processEmptyScalar(t.end);
    }
    if (!this.s.checkToken(T.BLOCK_END)) {
      const t = this.s.peekToken();
      throw marked('parser', 'while parsing a block mapping', this.marks[this.marks.length - 1], `expected <block end>, but found ${r(t.id)}`, t.start);
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'MappingEnd', start: t.start, end: t.end };
  };
  private parseBlockMappingValue = (): Event => {
    if (this.s.checkToken(T.VALUE)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.KEY, T.VALUE, T.BLOCK_END)) {
        this.states.push(this.parseBlockMappingKey);
        return this.parseBlockNodeOrIndentlessSequence();
      }
      this.state = this.parseBlockMappingKey;
      return this.processEmptyScalar(t.end);
    }
    this.state = this.parseBlockMappingKey;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private parseFlowSequenceFirstEntry = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseFlowSequenceEntryImpl(true);
  };
  private parseFlowSequenceEntry = (): Event => this.parseFlowSequenceEntryImpl(false);
  private parseFlowSequenceEntryImpl(first: boolean): Event {
    if (!this.s.checkToken(T.FSEQ_END)) {
      if (!first) {
        if (this.s.checkToken(T.FLOW_ENTRY)) this.s.getToken();
        else {
          const t = this.s.peekToken();
          throw marked('parser', 'while parsing a flow sequence', this.marks[this.marks.length - 1], `expected ',' or ']', but got ${r(t.id)}`, t.start);
        }
      }
      if (this.s.checkToken(T.KEY)) {
        const t = this.s.peekToken();
        this.state = this.parseFlowSequenceEntryMappingKey;
        return { kind: 'MappingStart', anchor: null, tag: null, implicit: true, start: t.start, end: t.end };
      } else if (!this.s.checkToken(T.FSEQ_END)) {
        this.states.push(this.parseFlowSequenceEntry);
        return this.parseFlowNode();
      }
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'SequenceEnd', start: t.start, end: t.end };
  }
  private parseFlowSequenceEntryMappingKey = (): Event => {
    const t = this.s.getToken();
    if (!this.s.checkToken(T.VALUE, T.FLOW_ENTRY, T.FSEQ_END)) {
      this.states.push(this.parseFlowSequenceEntryMappingValue);
      return this.parseFlowNode();
    }
    this.state = this.parseFlowSequenceEntryMappingValue;
    return this.processEmptyScalar(t.end);
  };
  private parseFlowSequenceEntryMappingValue = (): Event => {
    if (this.s.checkToken(T.VALUE)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.FLOW_ENTRY, T.FSEQ_END)) {
        this.states.push(this.parseFlowSequenceEntryMappingEnd);
        return this.parseFlowNode();
      }
      this.state = this.parseFlowSequenceEntryMappingEnd;
      return this.processEmptyScalar(t.end);
    }
    this.state = this.parseFlowSequenceEntryMappingEnd;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private parseFlowSequenceEntryMappingEnd = (): Event => {
    this.state = this.parseFlowSequenceEntry;
    const t = this.s.peekToken();
    return { kind: 'MappingEnd', start: t.start, end: t.start };
  };
  private parseFlowMappingFirstKey = (): Event => {
    this.marks.push(this.s.getToken().start);
    return this.parseFlowMappingKeyImpl(true);
  };
  private parseFlowMappingKey = (): Event => this.parseFlowMappingKeyImpl(false);
  private parseFlowMappingKeyImpl(first: boolean): Event {
    if (!this.s.checkToken(T.FMAP_END)) {
      if (!first) {
        if (this.s.checkToken(T.FLOW_ENTRY)) this.s.getToken();
        else {
          const t = this.s.peekToken();
          throw marked('parser', 'while parsing a flow mapping', this.marks[this.marks.length - 1], `expected ',' or '}', but got ${r(t.id)}`, t.start);
        }
      }
      if (this.s.checkToken(T.KEY)) {
        const t = this.s.getToken();
        if (!this.s.checkToken(T.VALUE, T.FLOW_ENTRY, T.FMAP_END)) {
          this.states.push(this.parseFlowMappingValue);
          return this.parseFlowNode();
        }
        this.state = this.parseFlowMappingValue;
        return this.processEmptyScalar(t.end);
      } else if (!this.s.checkToken(T.FMAP_END)) {
        this.states.push(this.parseFlowMappingEmptyValue);
        return this.parseFlowNode();
      }
    }
    const t = this.s.getToken();
    this.state = this.states.pop()!;
    this.marks.pop();
    return { kind: 'MappingEnd', start: t.start, end: t.end };
  }
  private parseFlowMappingValue = (): Event => {
    if (this.s.checkToken(T.VALUE)) {
      const t = this.s.getToken();
      if (!this.s.checkToken(T.FLOW_ENTRY, T.FMAP_END)) {
        this.states.push(this.parseFlowMappingKey);
        return this.parseFlowNode();
      }
      this.state = this.parseFlowMappingKey;
      return this.processEmptyScalar(t.end);
    }
    this.state = this.parseFlowMappingKey;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private parseFlowMappingEmptyValue = (): Event => {
    this.state = this.parseFlowMappingKey;
    return this.processEmptyScalar(this.s.peekToken().start);
  };
  private processEmptyScalar(mark: Mark): Event {
    return { kind: 'Scalar', anchor: null, tag: null, implicit: [true, false], value: '', start: mark, end: mark, style: null };
  }
}

// ---------------------------------------------------------------------------
// Resolver + Composer

type YNode =
  | { id: 'scalar'; tag: string; value: string; start: Mark; end: Mark }
  | { id: 'sequence'; tag: string; value: YNode[]; start: Mark; end: Mark }
  | { id: 'mapping'; tag: string; value: [YNode, YNode][]; start: Mark; end: Mark };

const Y = 'tag:yaml.org,2002:';
// Python's `$` also matches before a final '\n'.
const IMPLICIT: [string, RegExp, string | null][] = [];
function addResolver(tag: string, re: string, first: string[] | null) {
  const rx = new RegExp('^(?:' + re + ')\\n?$');
  for (const ch of first ?? [null as unknown as string]) IMPLICIT.push([tag, rx, ch]);
}
addResolver(Y + 'bool', 'yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF', [...'yYnNtTfFoO']);
addResolver(
  Y + 'float',
  '[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)',
  [...'-+0123456789.'],
);
addResolver(Y + 'int', '[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+', [...'-+0123456789']);
addResolver(Y + 'merge', '<<', ['<']);
addResolver(Y + 'null', '~|null|Null|NULL|', ['~', 'n', 'N', '']);
addResolver(
  Y + 'timestamp',
  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?',
  [...'0123456789'],
);
addResolver(Y + 'value', '=', ['=']);
addResolver(Y + 'yaml', '!|&|\\*', [...'!&*']);
const RESOLVERS = new Map<string, [string, RegExp][]>();
for (const [tag, rx, ch] of IMPLICIT) {
  const k = ch ?? '\u0000none';
  if (!RESOLVERS.has(k)) RESOLVERS.set(k, []);
  RESOLVERS.get(k)!.push([tag, rx]);
}

function resolveScalar(value: string, implicit: [boolean, boolean]): string {
  if (implicit[0]) {
    const first = value === '' ? '' : String.fromCodePoint(value.codePointAt(0)!);
    const list = [...(RESOLVERS.get(first) ?? []), ...(RESOLVERS.get('\u0000none') ?? [])];
    for (const [tag, rx] of list) if (rx.test(value)) return tag;
  }
  return Y + 'str';
}

class Composer {
  private anchors = new Map<string, YNode>();
  constructor(private readonly p: Parser) {}

  getSingleNode(): YNode | null {
    this.p.getEvent();
    let document: YNode | null = null;
    if (!this.p.checkEvent('StreamEnd')) document = this.composeDocument();
    if (!this.p.checkEvent('StreamEnd')) {
      const ev = this.p.getEvent();
      throw marked('composer', 'expected a single document in the stream', document!.start, 'but found another document', ev.start);
    }
    this.p.getEvent();
    return document;
  }
  private composeDocument(): YNode {
    this.p.getEvent();
    const node = this.composeNode();
    this.p.getEvent();
    this.anchors = new Map();
    return node;
  }
  private composeNode(): YNode {
    if (this.p.checkEvent('Alias')) {
      const ev = this.p.getEvent();
      const node = this.anchors.get(ev.anchor!);
      if (!node) throw marked('composer', null, null, `found undefined alias ${r(ev.anchor!)}`, ev.start);
      return node;
    }
    const ev = this.p.peekEvent();
    const anchor = ev.anchor ?? null;
    if (anchor !== null && this.anchors.has(anchor))
      throw marked('composer', `found duplicate anchor ${r(anchor)}; first occurrence`, this.anchors.get(anchor)!.start, 'second occurrence', ev.start);
    if (ev.kind === 'Scalar') {
      this.p.getEvent();
      let tag = ev.tag ?? null;
      if (tag === null || tag === '!') tag = resolveScalar(ev.value!, ev.implicit as [boolean, boolean]);
      const node: YNode = { id: 'scalar', tag, value: ev.value!, start: ev.start, end: ev.end };
      if (anchor !== null) this.anchors.set(anchor, node);
      return node;
    }
    if (ev.kind === 'SequenceStart') {
      this.p.getEvent();
      let tag = ev.tag ?? null;
      if (tag === null || tag === '!') tag = Y + 'seq';
      const node: YNode = { id: 'sequence', tag, value: [], start: ev.start, end: ev.end };
      if (anchor !== null) this.anchors.set(anchor, node);
      while (!this.p.checkEvent('SequenceEnd')) node.value.push(this.composeNode());
      node.end = this.p.getEvent().end;
      return node;
    }
    // MappingStart
    this.p.getEvent();
    let tag = ev.tag ?? null;
    if (tag === null || tag === '!') tag = Y + 'map';
    const node: YNode = { id: 'mapping', tag, value: [], start: ev.start, end: ev.end };
    if (anchor !== null) this.anchors.set(anchor, node);
    while (!this.p.checkEvent('MappingEnd')) {
      const k = this.composeNode();
      const v = this.composeNode();
      node.value.push([k, v]);
    }
    node.end = this.p.getEvent().end;
    return node;
  }
}

// ---------------------------------------------------------------------------
// Python helpers (int(), float(), complex(), base64, datetime)

/** Python's complex(s), following CPython's complex_from_string: float() parts (src/py/numtext.ts), ASCII spaces around. */
function pyComplex(s: string): PyComplex {
  const bad = () => pyErr('ValueError', 'complex() arg is a malformed string');
  const t = numberText(s);
  if (t === null) throw pyErr('ValueError', `could not convert string to complex: ${r(s)}`);
  let i = 0;
  const ws = () => {
    while (i < t.length && isAsciiSpace(t.charCodeAt(i))) i++;
  };
  ws();
  let bracket = false;
  if (t[i] === '(') {
    bracket = true;
    i++;
    ws();
  }
  let x = 0;
  let y = 0;
  const first = floatPrefix(t, i);
  if (first.end > i) {
    i = first.end;
    const z = first.value;
    if (t[i] === '+' || t[i] === '-') {
      x = z;
      const second = floatPrefix(t, i);
      if (second.end > i) {
        y = second.value;
        i = second.end;
      } else {
        y = t[i] === '+' ? 1 : -1;
        i++;
      }
      if (t[i] !== 'j' && t[i] !== 'J') throw bad();
      i++;
    } else if (t[i] === 'j' || t[i] === 'J') {
      i++;
      y = z;
    } else x = z;
  } else {
    if (t[i] === '+' || t[i] === '-') {
      y = t[i] === '+' ? 1 : -1;
      i++;
    } else y = 1;
    if (t[i] !== 'j' && t[i] !== 'J') throw bad();
    i++;
  }
  ws();
  if (bracket) {
    if (t[i] !== ')') throw bad();
    i++;
    ws();
  }
  if (i !== t.length) throw bad();
  return new PyComplex(x, y);
}

/** binascii.a2b_base64 (non-strict), with binascii.Error texts. */
function a2bBase64(s: string): Uint8Array | { error: string } {
  const out: number[] = [];
  let quad = 0;
  let left = 0;
  let pads = 0;
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (const ch of s) {
    if (ch === '=') {
      if (quad >= 2 && quad + ++pads >= 4) return new Uint8Array(out);
      continue;
    }
    const v = A.indexOf(ch);
    if (v < 0) continue;
    pads = 0;
    switch (quad) {
      case 0:
        quad = 1;
        left = v;
        break;
      case 1:
        quad = 2;
        out.push(((left << 2) | (v >> 4)) & 0xff);
        left = v & 0x0f;
        break;
      case 2:
        quad = 3;
        out.push(((left << 4) | (v >> 2)) & 0xff);
        left = v & 0x03;
        break;
      case 3:
        quad = 0;
        out.push(((left << 6) | v) & 0xff);
        left = 0;
        break;
    }
  }
  if (quad === 1)
    return {
      error: `Invalid base64-encoded string: number of data characters (${Math.floor(out.length / 3) * 4 + 1}) cannot be 1 more than a multiple of 4`,
    };
  if (quad !== 0) return { error: 'Incorrect padding' };
  return new Uint8Array(out);
}

function asciiEncodeError(s: string): string | null {
  const cps = Array.from(s);
  const i = cps.findIndex((c) => c.codePointAt(0)! > 0x7f);
  if (i < 0) return null;
  let j = i;
  while (j < cps.length && cps[j].codePointAt(0)! > 0x7f) j++;
  if (j - i === 1) {
    const cp = cps[i].codePointAt(0)!;
    const esc =
      cp < 0x100
        ? '\\x' + cp.toString(16).padStart(2, '0')
        : cp < 0x10000
          ? '\\u' + cp.toString(16).padStart(4, '0')
          : '\\U' + cp.toString(16).padStart(8, '0');
    return `'ascii' codec can't encode character '${esc}' in position ${i}: ordinal not in range(128)`;
  }
  return `'ascii' codec can't encode characters in position ${i}-${j - 1}: ordinal not in range(128)`;
}

const DT = (name: string) => new PyGlobal('datetime', name);

function timedeltaRepr(days: number, seconds: number, us: number): string {
  const parts: string[] = [];
  if (days) parts.push(`days=${days}`);
  if (seconds) parts.push(`seconds=${seconds}`);
  if (us) parts.push(`microseconds=${us}`);
  return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
}

const TIMESTAMP_RE =
  /^([0-9][0-9][0-9][0-9])-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?\n?$/;

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

function constructTimestamp(text: string): PyValue {
  const m = TIMESTAMP_RE.exec(text);
  if (!m) throw pyErr('AttributeError', "'NoneType' object has no attribute 'groupdict'");
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const checkDate = () => {
    if (year < 1 || year > 9999) throw pyErr('ValueError', `year ${year} is out of range`);
    if (month < 1 || month > 12) throw pyErr('ValueError', 'month must be in 1..12');
    if (day < 1 || day > daysInMonth(year, month)) throw pyErr('ValueError', 'day is out of range for month');
  };
  if (!m[4]) {
    checkDate();
    return new PyObject(DT('date'), [new Uint8Array([year >> 8, year & 0xff, month, day])]);
  }
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  let fraction = 0;
  if (m[7]) fraction = Number(m[7].slice(0, 6).padEnd(6, '0'));
  let tz: PyValue | undefined;
  if (m[9]) {
    const tzMinutes = Number(m[10]) * 60 + Number(m[11] ?? 0);
    let total = (m[9] === '-' ? -tzMinutes : tzMinutes) * 60;
    const days = Math.floor(total / 86400);
    const secs = total - days * 86400;
    if (Math.abs(total) >= 86400)
      throw pyErr(
        'ValueError',
        `offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not ${timedeltaRepr(days, secs, 0)}.`,
      );
    total = 0;
    tz = new PyObject(DT('timezone'), [new PyObject(DT('timedelta'), [BigInt(days), BigInt(secs), 0n])]);
  } else if (m[8]) tz = new PyObject(DT('timezone'), [new PyObject(DT('timedelta'), [0n, 0n, 0n])]);
  checkDate();
  if (hour > 23) throw pyErr('ValueError', 'hour must be in 0..23');
  if (minute > 59) throw pyErr('ValueError', 'minute must be in 0..59');
  if (second > 59) throw pyErr('ValueError', 'second must be in 0..59');
  const bytes = new Uint8Array([year >> 8, year & 0xff, month, day, hour, minute, second, (fraction >> 16) & 0xff, (fraction >> 8) & 0xff, fraction & 0xff]);
  return new PyObject(DT('datetime'), tz === undefined ? [bytes] : [bytes, tz]);
}

// ---------------------------------------------------------------------------
// Constructor

const isHashableType = (v: PyValue) => !(Array.isArray(v) || v instanceof PyDict || v instanceof PySet);

function typeErrorFromHash(e: unknown): unknown {
  if (e instanceof UnhashableError) {
    const n = e.typeName === 'OrderedDict' ? 'collections.OrderedDict' : e.typeName;
    return pyErr('TypeError', `unhashable type: '${n}'`);
  }
  return e;
}

type Built = { data: PyValue; fill?: () => void };

class Constructor {
  private constructed = new Map<YNode, PyValue>();
  private recursive = new Set<YNode>();
  private stateGenerators: (() => void)[] = [];
  /**
   * values.ts cannot hash a datetime PyObject: a date/datetime mapping key is left
   * out and this TypeError is raised once construction is otherwise complete.
   */
  private unhashableDate: PyError | null = null;
  private readonly table: Record<string, (node: YNode) => Built>;

  constructor(private readonly opts: PyYamlLoadOptions) {
    const plain =
      (f: (n: YNode) => PyValue) =>
      (n: YNode): Built => ({ data: f(n) });
    const nullC = plain((n) => {
      this.constructScalar(n);
      return null;
    });
    const boolC = plain((n) => {
      const v = this.constructScalar(n).toLowerCase();
      const tbl: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };
      if (!Object.prototype.hasOwnProperty.call(tbl, v)) throw pyErr('KeyError', r(v));
      return tbl[v];
    });
    const intC = plain((n) => this.constructInt(n));
    const floatC = plain((n) => this.constructFloat(n));
    const strC = plain((n) => this.constructScalar(n));
    const binC = plain((n) => this.constructBinary(n));
    const seqC = (n: YNode): Built => {
      const data: PyValue[] = [];
      return { data, fill: () => void data.push(...this.constructSequence(n)) };
    };
    const dictC = (n: YNode): Built => {
      const data = new PyDict();
      return {
        data,
        fill: () => {
          for (const [k, v] of this.constructMapping(n)) data.set(k, v);
        },
      };
    };
    this.table = {
      [Y + 'null']: nullC,
      [Y + 'bool']: boolC,
      [Y + 'int']: intC,
      [Y + 'float']: floatC,
      [Y + 'binary']: binC,
      [Y + 'timestamp']: plain((n) => {
        this.constructScalar(n);
        if (n.id !== 'scalar') throw pyErr('TypeError', "expected string or bytes-like object, got 'list'");
        return constructTimestamp(n.value);
      }),
      [Y + 'omap']: (n) => this.constructPairsList(n, 'while constructing an ordered map'),
      [Y + 'pairs']: (n) => this.constructPairsList(n, 'while constructing pairs'),
      [Y + 'set']: (n) => {
        const data = new PySet();
        return {
          data,
          fill: () => {
            for (const k of this.constructMapping(n).keys()) data.add(k);
          },
        };
      },
      [Y + 'str']: strC,
      [Y + 'seq']: seqC,
      [Y + 'map']: plain((n) => this.constructOrderedMap(n)),
      [Y + 'python/none']: nullC,
      [Y + 'python/bool']: boolC,
      [Y + 'python/str']: strC,
      [Y + 'python/unicode']: strC,
      [Y + 'python/bytes']: binC,
      [Y + 'python/int']: intC,
      [Y + 'python/long']: intC,
      [Y + 'python/float']: floatC,
      [Y + 'python/complex']: plain((n) => pyComplex(this.constructScalar(n))),
      [Y + 'python/list']: seqC,
      [Y + 'python/tuple']: plain((n) => new PyTuple(this.constructSequence(n))),
      [Y + 'python/dict']: dictC,
      '!include': plain((n) => {
        const rel = this.constructScalar(n);
        if (rel.length === 0) throw pyErr('IndexError', 'string index out of range');
        if (!this.opts.include) throw pyErr('FileNotFoundError', `[Errno 2] No such file or directory: ${r(rel)}`);
        return this.opts.include(rel);
      }),
    };
  }

  constructDocument(node: YNode): PyValue {
    const data = this.constructObject(node);
    while (this.stateGenerators.length) {
      const gens = this.stateGenerators;
      this.stateGenerators = [];
      for (const g of gens) g();
    }
    if (this.unhashableDate) throw this.unhashableDate;
    return data;
  }

  constructObject(node: YNode): PyValue {
    if (this.constructed.has(node)) return this.constructed.get(node)!;
    if (this.recursive.has(node)) throw marked('constructor', null, null, 'found unconstructable recursive node', node.start);
    this.recursive.add(node);
    const c = Object.prototype.hasOwnProperty.call(this.table, node.tag) ? this.table[node.tag] : null;
    if (c === null) throw marked('constructor', null, null, `could not determine a constructor for the tag ${r(node.tag)}`, node.start);
    const built = c(node);
    if (built.fill) this.stateGenerators.push(built.fill);
    this.constructed.set(node, built.data);
    this.recursive.delete(node);
    return built.data;
  }

  /** SafeConstructor.construct_scalar. */
  constructScalar(node: YNode): string {
    if (node.id === 'mapping') {
      for (const [k, v] of node.value) if (k.tag === Y + 'value') return this.constructScalar(v);
    }
    if (node.id !== 'scalar') throw marked('constructor', null, null, `expected a scalar node, but found ${node.id}`, node.start);
    return node.value;
  }
  constructSequence(node: YNode): PyValue[] {
    if (node.id !== 'sequence') throw marked('constructor', null, null, `expected a sequence node, but found ${node.id}`, node.start);
    return node.value.map((c) => this.constructObject(c));
  }
  flattenMapping(node: YNode & { id: 'mapping' }): void {
    let merge: [YNode, YNode][] = [];
    let index = 0;
    while (index < node.value.length) {
      const [keyNode, valueNode] = node.value[index];
      if (keyNode.tag === Y + 'merge') {
        node.value.splice(index, 1);
        if (valueNode.id === 'mapping') {
          this.flattenMapping(valueNode);
          merge.push(...valueNode.value);
        } else if (valueNode.id === 'sequence') {
          const submerge: [YNode, YNode][][] = [];
          for (const sub of valueNode.value) {
            if (sub.id !== 'mapping')
              throw marked('constructor', 'while constructing a mapping', node.start, `expected a mapping for merging, but found ${sub.id}`, sub.start);
            this.flattenMapping(sub);
            submerge.push(sub.value);
          }
          submerge.reverse();
          for (const v of submerge) merge.push(...v);
        } else
          throw marked(
            'constructor',
            'while constructing a mapping',
            node.start,
            `expected a mapping or list of mappings for merging, but found ${valueNode.id}`,
            valueNode.start,
          );
      } else if (keyNode.tag === Y + 'value') {
        keyNode.tag = Y + 'str';
        index += 1;
      } else index += 1;
    }
    if (merge.length) node.value = merge.concat(node.value);
    merge = [];
  }
  /** SafeConstructor.construct_mapping: a plain dict with hashable-key checks. */
  private setKey(d: PyDict, k: PyValue, v: PyValue): void {
    if (k instanceof PyObject && k.cls.module === 'datetime') {
      this.unhashableDate ??= pyErr('TypeError', `unhashable type: '${k.cls.name}'`);
      return;
    }
    try {
      d.set(k, v);
    } catch (e) {
      throw typeErrorFromHash(e);
    }
  }
  constructMapping(node: YNode): PyDict {
    if (node.id === 'mapping') this.flattenMapping(node);
    if (node.id !== 'mapping') throw marked('constructor', null, null, `expected a mapping node, but found ${node.id}`, node.start);
    const mapping = new PyDict();
    for (const [kn, vn] of node.value) {
      const key = this.constructObject(kn);
      if (!isHashableType(key)) throw marked('constructor', 'while constructing a mapping', node.start, 'found unhashable key', kn.start);
      const value = this.constructObject(vn);
      this.setKey(mapping, key, value);
    }
    return mapping;
  }
  /** pyrogue's construct_mapping: flatten_mapping, then OrderedDict(construct_pairs(node)). */
  constructOrderedMap(node: YNode): PyOrderedDict {
    if (node.id === 'mapping') this.flattenMapping(node);
    else if (node.value.length) {
      // flatten_mapping unpacks node.value[0] as a (key, value) pair
      if (node.id === 'scalar') throw pyErr('ValueError', 'not enough values to unpack (expected 2, got 1)');
      const cls = { scalar: 'ScalarNode', sequence: 'SequenceNode', mapping: 'MappingNode' }[node.value[0].id];
      throw pyErr('TypeError', `cannot unpack non-iterable ${cls} object`);
    }
    if (node.id !== 'mapping') throw marked('constructor', null, null, `expected a mapping node, but found ${node.id}`, node.start);
    const pairs: [PyValue, PyValue][] = [];
    for (const [kn, vn] of node.value) pairs.push([this.constructObject(kn), this.constructObject(vn)]);
    const d = new PyOrderedDict();
    for (const [k, v] of pairs) this.setKey(d, k, v);
    return d;
  }
  constructPairsList(node: YNode, context: string): Built {
    const data: PyValue[] = [];
    return {
      data,
      fill: () => {
        if (node.id !== 'sequence') throw marked('constructor', context, node.start, `expected a sequence, but found ${node.id}`, node.start);
        for (const sub of node.value) {
          if (sub.id !== 'mapping') throw marked('constructor', context, node.start, `expected a mapping of length 1, but found ${sub.id}`, sub.start);
          if (sub.value.length !== 1)
            throw marked('constructor', context, node.start, `expected a single mapping item, but found ${sub.value.length} items`, sub.start);
          const [kn, vn] = sub.value[0];
          const k = this.constructObject(kn);
          const v = this.constructObject(vn);
          data.push(new PyTuple([k, v]));
        }
      },
    };
  }
  constructInt(node: YNode): bigint {
    let value = this.constructScalar(node).replace(/_/g, '');
    if (value.length === 0) throw pyErr('IndexError', 'string index out of range');
    let sign = 1n;
    if (value[0] === '-') sign = -1n;
    if (value[0] === '+' || value[0] === '-') value = value.slice(1);
    if (value === '0') return 0n;
    if (value.startsWith('0b')) return sign * pyIntFromStr(value.slice(2), 2);
    if (value.startsWith('0x')) return sign * pyIntFromStr(value.slice(2), 16);
    if (value[0] === '0') return sign * pyIntFromStr(value, 8);
    if (value.includes(':')) {
      const digits = value.split(':').map((p) => pyIntFromStr(p, 10));
      digits.reverse();
      let base = 1n;
      let v = 0n;
      for (const d of digits) {
        v += d * base;
        base *= 60n;
      }
      return sign * v;
    }
    return sign * pyIntFromStr(value, 10);
  }
  constructFloat(node: YNode): number {
    let value = this.constructScalar(node).replace(/_/g, '').toLowerCase();
    if (value.length === 0) throw pyErr('IndexError', 'string index out of range');
    let sign = 1;
    if (value[0] === '-') sign = -1;
    if (value[0] === '+' || value[0] === '-') value = value.slice(1);
    if (value === '.inf') return sign * Infinity;
    if (value === '.nan') return NaN;
    if (value.includes(':')) {
      const digits = value.split(':').map(pyFloatFromStr);
      digits.reverse();
      let base = 1;
      let v = 0.0;
      for (const d of digits) {
        v += d * base;
        base *= 60;
      }
      return sign * v;
    }
    return sign * pyFloatFromStr(value);
  }
  constructBinary(node: YNode): Uint8Array {
    const s = this.constructScalar(node);
    const enc = asciiEncodeError(s);
    if (enc !== null) throw marked('constructor', null, null, `failed to convert base64 data into ascii: ${enc}`, node.start);
    const res = a2bBase64(s);
    if (!(res instanceof Uint8Array)) throw marked('constructor', null, null, `failed to decode base64 data: ${res.error}`, node.start);
    return res;
  }
}

// ---------------------------------------------------------------------------

/** yaml.load(text, Loader=<pyrogue's loader>): one document (None for an empty stream). Throws PyError on any YAML error. */
export function pyYamlLoad(text: string, opts: PyYamlLoadOptions = {}): PyValue {
  try {
    const scanner = new Scanner(text);
    const composer = new Composer(new Parser(scanner));
    const node = composer.getSingleNode();
    if (node === null) return null;
    return new Constructor(opts).constructDocument(node);
  } catch (e) {
    // Nesting deep enough to exhaust the JS stack (Python gives up far earlier, at its recursion limit).
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw pyErr('RecursionError', 'maximum recursion depth exceeded');
    throw e;
  }
}
