/**
 * pyrogue's YAML configuration: getYaml (dataToYaml layout, reproduced with
 * PyYAML's emitter rules: width 80, 2-space indent, plain/single/double quoting
 * by PyYAML's scalar analysis, tags from the variable's value type), setYaml /
 * loadYaml (values applied through setDisp in tree order), saveYaml.
 */
import * as fs from 'fs';
import * as pathMod from 'path';
import * as zlib from 'zlib';
import { PyAttributeError, PyError, PyTypeError } from '../py/errors';
import { pyRepr, pyStr, strRepr } from '../py/repr';
import { pyYamlLoad } from '../py/yaml';
import { PyDict, PyValue, typeName } from '../py/values';
import { MaybePromise, seq, then } from './txn';
import { BaseCommand } from './command';
import { Device, SaveYamlOptions, _installSaveYaml } from './device';
import { GetYamlOptions, Node, NodeArray, _installGetYaml } from './node';
import { Root, rootHooks, SetYamlOptions } from './root';
import { BaseVariable, VariableValue, selectIndices } from './variable';
import { isPromiseLike } from './surface';

// ---------------------------------------------------------------------------
// The data tree: nested ordered maps of VariableValue

export type YamlTree = Map<string, YamlTree | VariableValue>;

const norm = (g: string | readonly string[] | null | undefined): string[] | null => (g == null ? null : typeof g === 'string' ? [g] : [...g]);

/** pyrogue Node._getDict: the values of the variables under `node` passing modes/groups. */
export function getDict(
  node: Node,
  modes: readonly string[],
  incGroups: string[] | null,
  excGroups: string[] | null,
  recurse = true,
): MaybePromise<YamlTree | VariableValue | null> {
  if (node instanceof BaseCommand) return null;
  if (node instanceof BaseVariable) {
    if (!modes.includes(node.mode) || !node.filterByGroup(incGroups, excGroups)) return null;
    return node.getVariableValue(false);
  }
  if (!(node instanceof Device)) return null;
  const out: YamlTree = new Map();
  const fs: (() => MaybePromise<void>)[] = [];
  for (const [k, n] of node.nodes) {
    if (n instanceof Device && (!recurse || !n.filterByGroup(incGroups, excGroups))) continue;
    fs.push(() =>
      then(getDict(n, modes, incGroups, excGroups, recurse), (v) => {
        if (v !== null) out.set(k, v);
      }),
    );
  }
  return then(seq(fs), () => out);
}

/** pyrogue Node.getYaml. */
export function nodeGetYaml(node: Node, opts: GetYamlOptions): MaybePromise<string> {
  const modes = opts.modes ?? ['RW', 'RO', 'WO'];
  const inc = norm(opts.incGroups);
  const exc = opts.excGroups === undefined ? ['Hidden'] : norm(opts.excGroups);
  const root = node.root;
  const read = (): MaybePromise<void> => (opts.readFirst && root ? root.readAll() : undefined);
  return then(read(), () =>
    then(getDict(node, modes, inc, exc, opts.recurse ?? true), (d) => {
      const top: YamlTree = new Map();
      if (d !== null) top.set(node.name, d);
      return dataToYaml(top);
    }),
  );
}

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

// ---------------------------------------------------------------------------
// setYaml / loadYaml: pyrogue's yamlToData, then its node matching and _setDict walk

/** pyrogue's yamlToData: PyYAML's loader (ordered mappings) with `!include` resolved against `fName`'s folder. */
export function yamlToData(input: PyValue, fName: string | null = null): PyValue {
  // PyYAML takes str, or bytes (decoded from UTF-8); anything else is read as a stream
  const text = typeof input === 'string' ? input : input instanceof Uint8Array ? Buffer.from(input).toString('utf8') : null;
  if (text === null) throw new PyAttributeError(`'${typeName(input)}' object has no attribute 'read'`);
  return pyYamlLoad(text, {
    include: (rel) => {
      // pyrogue: absolute as is; relative to the including file; from a string there is no base
      // (pyrogue then hands PyYAML's node to os.path.abspath, which raises this TypeError).
      if (rel.startsWith('/')) return yamlFile(rel);
      if (fName !== null) return yamlFile(pathMod.resolve(pathMod.dirname(fName), rel));
      throw new PyTypeError('expected str, bytes or os.PathLike object, not ScalarNode');
    },
  });
}

function yamlFile(fName: string): PyValue {
  const abs = pathMod.resolve(fName);
  let text: string;
  try {
    text = readYamlFile(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PyError('builtins', 'FileNotFoundError', `[Errno 2] No such file or directory: ${strRepr(abs)}`);
    if (code === 'EISDIR') throw new PyError('builtins', 'IsADirectoryError', `[Errno 21] Is a directory: ${strRepr(abs)}`);
    throw e;
  }
  return yamlToData(text, abs);
}

/** `d.items()` of a YAML value that pyrogue treats as a mapping (AttributeError otherwise, as Python's). */
function itemsOf(d: PyValue): [PyValue, PyValue][] {
  if (d instanceof PyDict) return [...d];
  throw new PyAttributeError(`'${typeName(d)}' object has no attribute 'items'`);
}

/** pyrogue Node.nodeMatch: an exact child name, `Var[k]` (the variable with its keys) or an array of children by keys. */
export function nodeMatch(node: Node, name: PyValue): [Node[], string[] | null] {
  // pyrogue splits the name with re.split, which takes only text
  if (typeof name !== 'string') throw new PyTypeError(`expected string or bytes-like object, got '${typeName(name)}'`);
  const exact = node.child(name);
  if (exact) return [[exact], null];
  const fields = name.split(/\]\[|\[|\]/);
  const aname = fields[0];
  const keys = fields.slice(1, -1);
  const plain = node.child(aname);
  if (plain) return [[plain], keys];
  const arr = node.node(aname);
  if (arr === null || arr instanceof Node || keys.length === 0) return [[], null];
  return [iterateArray(arr, keys), null];
}

/** pyrogue's _iterateDict: '*' or ':' takes all, digits one, else a Python slice over 0..max key. */
function iterateArray(d: NodeArray, keys: string[]): Node[] {
  const k = keys[0];
  let sub: (Node | NodeArray | undefined)[];
  if (k === '*' || k === ':') sub = [...d.values()];
  else if (/^[0-9]+$/.test(k)) sub = d.has(Number(k)) ? [d.get(Number(k))] : [];
  else {
    const size = Math.max(...d.keys()) + 1;
    try {
      const sel = selectIndices(size, k);
      sub = (Array.isArray(sel) ? sel : [sel]).map((i) => d.get(i));
    } catch {
      sub = [];
    }
  }
  const out: Node[] = [];
  for (const e of sub) {
    if (keys.length === 1 && e instanceof Node) out.push(e);
    else if (keys.length > 1 && e instanceof Map) out.push(...iterateArray(e, keys.slice(1)));
  }
  return out;
}

interface DictOptions {
  writeEach: boolean;
  modes: string[];
  incGroups: string[] | null;
  excGroups: string[] | null;
}

/** pyrogue `_setDict` on any node: a variable applies the value, a command ignores it, a device walks its entries. */
export function setDict(node: Node, d: PyValue, o: DictOptions, keys: string[] | null = null): MaybePromise<void> {
  if (node instanceof BaseCommand) return;
  if (node instanceof BaseVariable) return node._setDict(d, o.writeEach, o.modes, keys);
  if (keys !== null) {
    node._log.error(`Entry ${node.name} with key ${pyRepr(keys)} not found`);
    return;
  }
  const fs: (() => MaybePromise<void>)[] = [];
  for (const [key, value] of itemsOf(d)) {
    fs.push(() => {
      const [nodes, k] = nodeMatch(node, key);
      if (nodes.length === 0) {
        node._log.error(`Entry ${pyStr(key)} not found`);
        return;
      }
      return seq(nodes.filter((n) => n.filterByGroup(o.incGroups, o.excGroups)).map((n) => () => setDict(n, value, o, k)));
    });
  }
  return seq(fs);
}

/** pyrogue Root._setDictRoot: top-level keys are node paths ('Root', 'Root.Dev', 'root.Dev'). */
function setDictRoot(root: Root, d: PyValue, o: DictOptions): MaybePromise<void> {
  const fs: (() => MaybePromise<void>)[] = [];
  for (const [key, value] of itemsOf(d)) {
    fs.push(() => {
      if (typeof key !== 'string') throw new PyTypeError(`argument of type '${typeName(key)}' is not iterable`);
      const node = root.getNode(key);
      if (node === null) {
        root._log.error(`Entry ${key} not found`);
        return;
      }
      return setDict(node, value, o);
    });
  }
  return seq(fs);
}

function dictOptions(o: SetYamlOptions): DictOptions {
  return {
    writeEach: o.writeEach ?? false,
    modes: o.modes ?? ['RW', 'WO'],
    incGroups: norm(o.incGroups ?? null),
    excGroups: o.excGroups === undefined ? ['NoConfig'] : norm(o.excGroups),
  };
}

/** Applies parsed config documents in one update group, then commits (unless writeEach) and runs InitAfterConfig. */
function applyConfig(root: Root, docs: (() => PyValue)[], o: DictOptions): MaybePromise<void> {
  return root.updateGroup(() => then(seq(docs.map((doc) => () => setDictRoot(root, doc(), o))), () => (o.writeEach ? undefined : root.writeAll())));
}

function afterConfig(root: Root): MaybePromise<unknown> {
  return root.InitAfterConfig.value() === true ? root.initialize() : undefined;
}

function rootSetYaml(root: Root, yml: string, o: SetYamlOptions): MaybePromise<void> {
  const data = yamlToData(yml);
  return then(applyConfig(root, [() => data], dictOptions(o)), () => then(afterConfig(root), () => undefined));
}

/** pyrogue Device.loadYaml's file list: .yml/.yaml files (and .gz of them), directories' *.yml then *.yaml, sorted. */
function listYamlFiles(name: PyValue): string[] {
  if (!Array.isArray(name) && typeof name !== 'string') throw new PyTypeError(`argument of type '${typeName(name)}' is not iterable`);
  const raw = Array.isArray(name) ? name : name.includes(',') ? name.split(',') : [name];
  const out: string[] = [];
  for (const rl of raw) {
    if (typeof rl !== 'string') throw new PyTypeError(`'${typeName(rl)}' object is not subscriptable`);
    if (/\.ya?ml(\.gz)?$/.test(rl)) out.push(rl);
    else if (fs.existsSync(rl) && fs.statSync(rl).isDirectory()) {
      const names = fs.readdirSync(rl);
      const pick = (ext: string) => names.filter((f) => f.endsWith(ext)).map((f) => pathMod.join(rl, f));
      out.push(...[...pick('.yml'), ...pick('.yaml')].sort());
    } else throw new PyError('builtins', 'Exception', `loadYaml: Invalid load file: ${rl}, must be a directory or end in .yml or .yaml`);
  }
  return out;
}

function readYamlFile(f: string): string {
  const raw = fs.readFileSync(f);
  return f.endsWith('.gz') ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
}

function rootLoadYaml(root: Root, name: PyValue, o: SetYamlOptions): MaybePromise<void> {
  const files = listYamlFiles(name);
  return then(
    applyConfig(
      root,
      files.map((f) => () => yamlFile(f)),
      dictOptions(o),
    ),
    () => then(afterConfig(root), () => undefined),
  );
}

/** strftime-like local time stamp `_%Y%m%d_%H%M%S` as pyrogue's auto file names use it. */
function stamp(): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `_${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** pyrogue Device.saveYaml: the YAML written to `name` (auto-named when empty); returns True. */
function deviceSaveYaml(dev: Device, o: SaveYamlOptions): MaybePromise<PyValue> {
  return then(
    nodeGetYaml(dev, {
      readFirst: o.readFirst ?? true,
      modes: o.modes,
      incGroups: o.incGroups,
      excGroups: o.excGroups === undefined ? ['Hidden'] : o.excGroups,
      recurse: true,
    }),
    (y) => {
      let name: PyValue = o.name ?? null;
      if (name === null || name === '') {
        // pyrogue: autoPrefix + "_%Y%m%d_%H%M%S.yml", '.zip' added when compressed (here: gzip, '.gz')
        name = `${o.autoPrefix ?? ''}${stamp()}.yml${o.autoCompress ? '.gz' : ''}`;
      }
      if (typeof name !== 'string') throw new PyAttributeError(`'${typeName(name)}' object has no attribute 'split'`);
      if (name.endsWith('.gz')) fs.writeFileSync(name, zlib.gzipSync(Buffer.from(y, 'utf8')));
      else fs.writeFileSync(name, y);
      return true;
    },
  );
}

function remoteDump(root: Root, name: string, modes: string[], readFirst: boolean): MaybePromise<void> {
  return then(readFirst ? root.readAll() : undefined, () => {
    const lines: string[] = [];
    for (const n of root.descendants()) {
      if (
        n instanceof BaseVariable &&
        !(n instanceof BaseCommand) &&
        modes.includes(n.mode) &&
        n.pyClass.bases.includes("<class 'pyrogue._Variable.RemoteVariable'>")
      ) {
        const v = n.value();
        if (!isPromiseLike(v)) lines.push(`${n.path} = ${n.genDisp(v)}`);
      }
    }
    fs.writeFileSync(name, lines.join('\n') + (lines.length ? '\n' : ''));
  });
}

function saveVariableList(root: Root, fname: string, polledOnly: boolean, incGroups: string[] | null): void {
  const lines = ['Path\tTypeStr\tMode\tPollInterval\tDescription'];
  for (const n of root.descendants()) {
    if (n instanceof BaseVariable && (!polledOnly || Number(n.pollInterval) > 0) && n.filterByGroup(incGroups, null)) {
      lines.push(`${n.path}\t${n.typeStr}\t${n.mode}\t${String(n.pollInterval)}\t${n.description}`);
    }
  }
  fs.writeFileSync(fname, lines.join('\n') + '\n');
}

function saveAddressMap(root: Root, fname: string): void {
  const lines = ['Path\tType\tAddress'];
  for (const n of root.descendants()) {
    if (n instanceof Device) lines.push(`${n.path}\tDevice\t0x${n.address.toString(16)}`);
  }
  fs.writeFileSync(fname, lines.join('\n') + '\n');
}

// install
_installGetYaml(nodeGetYaml);
_installSaveYaml(deviceSaveYaml);
rootHooks.setYaml = rootSetYaml;
rootHooks.loadYaml = rootLoadYaml;
rootHooks.remoteDump = remoteDump;
rootHooks.saveAddressMap = saveAddressMap;
rootHooks.saveVariableList = saveVariableList;
