// Follows PyYAML 6.0's (MIT licensed) error (Mark, MarkedYAMLError) algorithm and error texts.
/** Where an error is (PyYAML's `Mark`) and the errors its stages raise (`MarkedYAMLError`), as PyErrors of module yaml.<stage>. */
import { PyError } from '../errors';
import { strRepr } from '../repr';

export const NAME = '<unicode string>';
export const BREAKZ = '\0\r\n\x85\u2028\u2029';
export const BLANKZ = '\0 \t\r\n\x85\u2028\u2029';

export class Mark {
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

export type ErrKind = 'scanner' | 'parser' | 'composer' | 'constructor';
const ERR_CLASS: Record<ErrKind, string> = {
  scanner: 'ScannerError',
  parser: 'ParserError',
  composer: 'ComposerError',
  constructor: 'ConstructorError',
};

export function marked(kind: ErrKind, context: string | null, contextMark: Mark | null, problem: string | null, problemMark: Mark | null): PyError {
  const lines: string[] = [];
  if (context !== null) lines.push(context);
  if (contextMark !== null && (problem === null || problemMark === null || contextMark.line !== problemMark.line || contextMark.column !== problemMark.column))
    lines.push(contextMark.toString());
  if (problem !== null) lines.push(problem);
  if (problemMark !== null) lines.push(problemMark.toString());
  return new PyError(`yaml.${kind}`, ERR_CLASS[kind], lines.join('\n'));
}

export const pyErr = (name: string, msg: string) => new PyError('builtins', name, msg);
export const r = (s: string) => strRepr(s);
