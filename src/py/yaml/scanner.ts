// Follows PyYAML 6.0's (MIT licensed) scanner algorithm and error texts.
/** Text → tokens. */
import { decodeUtf8Strict, UnicodeDecodeError } from '../json';
import { BLANKZ, BREAKZ, marked, type Mark, pyErr, r } from './error';
import { Reader } from './reader';
import { T, type Token } from './tokens';

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

export class Scanner extends Reader {
  done = false;
  flowLevel = 0;
  tokens: Token[] = [];
  tokensTaken = 0;
  indent = -1;
  indents: number[] = [];
  allowSimpleKey = true;
  possibleSimpleKeys = new Map<number, SimpleKey>();

  constructor(text: string) {
    super(text);
    const mark = this.mark();
    this.tokens.push({ id: T.STREAM_START, start: mark, end: mark });
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
  /** Consumes `n` characters as one token of `id`. */
  private indicator(id: string, n = 1): void {
    const start = this.mark();
    this.forward(n);
    this.tokens.push({ id, start, end: this.mark() });
  }
  /**
   * In the block context, where a block collection may start: refused when no
   * simple key is allowed here (`what`: 'sequence entries', 'mapping keys',
   * 'mapping values'), and its start token when the indentation grows.
   */
  private blockCollectionAt(what: string, startId: string): void {
    if (this.flowLevel) return;
    if (!this.allowSimpleKey) throw marked('scanner', null, null, `${what} are not allowed here`, this.mark());
    if (this.addIndent(this.column)) {
      const mark = this.mark();
      this.tokens.push({ id: startId, start: mark, end: mark });
    }
  }
  fetchDocumentIndicator(id: string): void {
    this.unwindIndent(-1);
    this.removePossibleSimpleKey();
    this.allowSimpleKey = false;
    this.indicator(id, 3);
  }
  fetchFlowCollectionStart(id: string): void {
    this.savePossibleSimpleKey();
    this.flowLevel += 1;
    this.allowSimpleKey = true;
    this.indicator(id);
  }
  fetchFlowCollectionEnd(id: string): void {
    this.removePossibleSimpleKey();
    this.flowLevel -= 1;
    this.allowSimpleKey = false;
    this.indicator(id);
  }
  fetchFlowEntry(): void {
    this.allowSimpleKey = true;
    this.removePossibleSimpleKey();
    this.indicator(T.FLOW_ENTRY);
  }
  fetchBlockEntry(): void {
    this.blockCollectionAt('sequence entries', T.BSEQ_START);
    this.allowSimpleKey = true;
    this.removePossibleSimpleKey();
    this.indicator(T.BLOCK_ENTRY);
  }
  fetchKey(): void {
    this.blockCollectionAt('mapping keys', T.BMAP_START);
    this.allowSimpleKey = !this.flowLevel;
    this.removePossibleSimpleKey();
    this.indicator(T.KEY);
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
      this.blockCollectionAt('mapping values', T.BMAP_START);
      this.allowSimpleKey = !this.flowLevel;
      this.removePossibleSimpleKey();
    }
    this.indicator(T.VALUE);
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
    try {
      return decodeUtf8Strict(Uint8Array.from(codes));
    } catch (e) {
      if (e instanceof UnicodeDecodeError) throw marked('scanner', `while scanning a ${name}`, start, e.message, mark);
      throw e;
    }
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
