/**
 * The text side of pyrogue's YAML configuration, with no tree classes: the data tree type,
 * pyrogue's dataToYaml layout (PyYAML's emitter rules: width 80, 2-space indent,
 * plain/single/double quoting by PyYAML's scalar analysis, tags from the value type) and the
 * auto file-name stamp. Node.getYaml and Device.saveYaml use it; yaml.ts reads YAML back.
 */
import type { VariableValue } from './variable';

/** Nested ordered maps of VariableValue: pyrogue's _getDict result. */
export type YamlTree = Map<string, YamlTree | VariableValue>;

/** A group filter as given (one name, a list, or none) as a list or null. */
export const normGroups = (g: string | readonly string[] | null | undefined): string[] | null => (g == null ? null : typeof g === 'string' ? [g] : [...g]);

// ---------------------------------------------------------------------------
// PyYAML-compatible emitter for the getYaml layout

const RE_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const RE_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const RE_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const RE_NULL = /^(?:~|null|Null|NULL|)$/;
const RE_TS =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** The tag PyYAML's resolver gives a plain scalar. */
function resolvePlain(s: string): string {
  if (RE_BOOL.test(s)) return 'bool';
  if (RE_INT.test(s)) return 'int';
  if (RE_FLOAT.test(s)) return 'float';
  if (RE_NULL.test(s)) return 'null';
  if (RE_TS.test(s)) return 'timestamp';
  if (s === '<<') return 'merge';
  if (s === '=') return 'value';
  return 'str';
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowBlockPlain: boolean;
  allowSingle: boolean;
}

/** PyYAML Emitter.analyze_scalar (allow_unicode=False, block context). */
function analyze(s: string): Analysis {
  if (s === '') return { empty: true, multiline: false, allowBlockPlain: true, allowSingle: true };
  // PyYAML's flow_indicators is left out: it only matters in flow context, which this emitter never writes.
  let blockInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) {
    blockInd = true;
  }
  let precededByWs = true;
  let followedByWs = s.length === 1 || ' \t\0\r\n\x85\u2028\u2029'.includes(s[1]);
  let prevSpace = false;
  let prevBreak = false;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        blockInd = true;
      }
      if ((ch === '?' || ch === ':') && followedByWs) blockInd = true;
      if (ch === '-' && followedByWs) blockInd = true;
    } else {
      if (ch === ':' && followedByWs) blockInd = true;
      if (ch === '#' && precededByWs) blockInd = true;
    }
    const isBreak = '\n\x85\u2028\u2029'.includes(ch);
    if (isBreak) lineBreaks = true;
    const cp = ch.codePointAt(0)!;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    precededByWs = ' \t\0\r\n\x85\u2028\u2029'.includes(ch);
    followedByWs = i + 2 >= chars.length || ' \t\0\r\n\x85\u2028\u2029'.includes(chars[i + 2]);
  }
  let allowBlockPlain = true;
  let allowSingle = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowBlockPlain = false;
  if (breakSpace) allowBlockPlain = allowSingle = false;
  if (spaceBreak || special) allowBlockPlain = allowSingle = false;
  if (lineBreaks) allowBlockPlain = false;
  if (blockInd) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowBlockPlain, allowSingle };
}

const ESC: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

/** A minimal PyYAML emitter state for scalars in a block mapping. */
class Writer {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = 0;
  readonly width = 80;
  write(s: string): void {
    this.out += s;
    this.column += s.length;
  }
  lineBreak(): void {
    this.out += '\n';
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
  }
  writeIndent(): void {
    const indent = this.indent;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }
  indicator(ind: string, needWs: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWs ? ind : ' ' + ind;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }
  plain(text: string): void {
    if (!text) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    let end = 0;
    while (end <= text.length) {
      const ch = end < text.length ? text[end] : null;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.width) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !'\n\x85\u2028\u2029'.includes(ch)) {
          this.writeBreaks(text, start, end);
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch)) {
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = '\n\x85\u2028\u2029'.includes(ch);
      }
      end++;
    }
  }
  /** A run of line breaks text[start..end) inside a scalar: PyYAML writes one more for a leading '\n', then indents. */
  private writeBreaks(text: string, start: number, end: number): void {
    if (text[start] === '\n') this.lineBreak();
    for (let i = start; i < end; i++) this.lineBreak();
    this.writeIndent();
  }
  /**
   * PyYAML's write_single_quoted: the same walk over runs of spaces, breaks
   * and text as plain() (PyYAML's write_plain), with its own folding and
   * quote doubling, as PyYAML's emitter spells out each writer.
   */
  single(text: string): void {
    this.indicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    let end = 0;
    while (end <= text.length) {
      const ch = end < text.length ? text[end] : null;
      if (spaces) {
        if (ch === null || ch !== ' ') {
          if (start + 1 === end && this.column > this.width && start !== 0 && end !== text.length) this.writeIndent();
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === null || !'\n\x85\u2028\u2029'.includes(ch)) {
          this.writeBreaks(text, start, end);
          start = end;
        }
      } else if (ch === null || ' \n\x85\u2028\u2029'.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== null) {
        spaces = ch === ' ';
        breaks = '\n\x85\u2028\u2029'.includes(ch);
      }
      end++;
    }
    this.indicator("'", false);
  }
  double(text: string): void {
    this.indicator('"', true);
    let start = 0;
    let end = 0;
    while (end <= text.length) {
      const ch = end < text.length ? text[end] : null;
      const cp = ch === null ? 0 : ch.charCodeAt(0);
      if (ch === null || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(cp >= 0x20 && cp <= 0x7e)) {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
        if (ch !== null) {
          let data: string;
          if (ESC[ch] !== undefined) data = '\\' + ESC[ch];
          else if (cp <= 0xff) data = '\\x' + cp.toString(16).toUpperCase().padStart(2, '0');
          else data = '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
          this.write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < text.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > this.width) {
        const data = text.slice(start, end) + '\\';
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === ' ') this.write('\\');
      }
      end++;
    }
    this.indicator('"', false);
  }
}

/** Emits a VariableValue the way pyrogue's dataToYaml representer does (tag by value type). */
function scalarOf(v: VariableValue): { tag: string; text: string } {
  const val = v.value;
  if (v.valueDisp === null) return { tag: 'null', text: 'null' };
  const text = String(v.valueDisp);
  let tag = 'str';
  if (typeof val === 'boolean') tag = 'bool';
  else if (v.enum !== null) tag = 'str';
  else if (typeof val === 'bigint') tag = 'int';
  else if (typeof val === 'number') tag = 'float';
  return { tag, text };
}

function emitScalar(w: Writer, tag: string, text: string, simpleKey: boolean): void {
  const an = analyze(text);
  const implicitPlain = resolvePlain(text) === tag;
  const implicitQuoted = tag === 'str';
  let style: '' | "'" | '"' = '"';
  if (implicitPlain && !(simpleKey && (an.empty || an.multiline)) && an.allowBlockPlain) style = '';
  else if (an.allowSingle && !(simpleKey && an.multiline)) style = "'";
  const needTag = !((style === '' && implicitPlain) || (style !== '' && implicitQuoted));
  if (needTag) w.indicator('!!' + tag, true);
  if (style === '') w.plain(text);
  else if (style === "'") w.single(text);
  else w.double(text);
}

/** pyrogue's dataToYaml for a tree of mappings and VariableValues (PyYAML default_flow_style=False). */
export function dataToYaml(tree: YamlTree): string {
  const w = new Writer();
  const mapping = (m: YamlTree, indent: number, top: boolean) => {
    if (m.size === 0) {
      w.indicator('{}', true);
      return;
    }
    void top;
    for (const [k, v] of m) {
      w.indent = indent;
      w.writeIndent();
      emitScalar(w, 'str', k, true);
      w.indicator(':', false);
      if (v instanceof Map) {
        if (v.size === 0) w.indicator('{}', true);
        else mapping(v, indent + 2, false);
      } else {
        w.indent = indent + 2;
        const { tag, text } = scalarOf(v);
        emitScalar(w, tag, text, false);
      }
    }
  };
  mapping(tree, 0, true);
  w.lineBreak();
  return w.out;
}

/** strftime-like local time stamp `_%Y%m%d_%H%M%S` as pyrogue's auto file names use it. */
export function stamp(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `_${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
