// Follows PyYAML 6.0's (MIT licensed) constructor algorithm and error texts.
/** Nodes → Python values, with the Python helpers the tags need (int(), float(), complex(), base64, datetime). */
import { PyError } from '../errors';
import { floatPrefix, isAsciiSpace, numberText, pyFloatFromStr, pyIntFromStr } from '../numtext';
import { PyComplex, PyDict, PyGlobal, PyObject, PyOrderedDict, PySet, PyTuple, PyValue, UnhashableError } from '../values';
import { marked, pyErr, r } from './error';
import type { YNode } from './nodes';
import { Y } from './resolver';

export interface PyYamlLoadOptions {
  /** Called for a `!include` scalar tag with the scalar's text; returns the loaded value to put in its place. */
  include?: (rel: string) => PyValue;
}

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

const isHashableType = (v: PyValue) => !(Array.isArray(v) || v instanceof PyDict || v instanceof PySet);

function typeErrorFromHash(e: unknown): unknown {
  if (e instanceof UnhashableError) {
    const n = e.typeName === 'OrderedDict' ? 'collections.OrderedDict' : e.typeName;
    return pyErr('TypeError', `unhashable type: '${n}'`);
  }
  return e;
}

type Built = { data: PyValue; fill?: () => void };

export class Constructor {
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
