// Follows PyYAML 6.0's (MIT licensed) reader algorithm and error texts.
/** The text as a buffer of code points with a position, checked for characters YAML does not allow. */
import { PyError } from '../errors';
import { Mark, NAME } from './error';

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

export class Reader {
  readonly buf: string[];
  pointer = 0;
  line = 0;
  column = 0;

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
  }

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
}
