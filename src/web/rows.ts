/**
 * What the gateway tells the page about remote nodes: rows from the node
 * reduce (no request), details from the node's properties and its
 * VariableValue, log entries from SystemLog's text.
 */
import { pyStr } from '../py/repr';
import { NdArray, NpScalar, PyDict, PyValue } from '../py/values';
import { RemoteError } from '../client/errors';
import { RemoteVariableValue } from '../client/values';
import type { VirtualNode } from '../client/virtual';
import { MAX_CURVE, type Details, type LogEntry, type NodeKind, type Row } from './protocol';

/** The subset of VirtualNode that rows are built from (tests pass plain objects). */
export type RowSource = Pick<
  VirtualNode,
  'path' | 'name' | 'className' | 'description' | 'hidden' | 'expand' | 'guiGroup' | 'childNames' | 'isCommand' | 'isVariable' | 'isProcess'
>;

export function kindOf(n: Pick<RowSource, 'isCommand' | 'isVariable' | 'isProcess'>): NodeKind {
  // A Process is a Device that can also be called; the tree shows it as a device.
  if (n.isCommand) return 'command';
  if (n.isVariable) return 'variable';
  return 'device';
}

export function rowOf(n: RowSource): Row {
  const kind = kindOf(n);
  return {
    path: n.path,
    name: n.name,
    kind,
    cls: n.className,
    description: n.description,
    hidden: n.hidden,
    nChildren: n.childNames.length,
    guiGroup: n.guiGroup === '' ? null : n.guiGroup,
    expand: kind === 'device' && n.expand,
    readDevice: kind === 'device' && n.childNames.includes('ReadDevice'),
  };
}

/** The display choices of an enum dict ({0: 'Off', 1: 'On'} → ['Off', 'On']), or null. */
export function enumChoices(e: PyValue | undefined): string[] | null {
  if (!(e instanceof PyDict) || e.size === 0) return null;
  return [...e.values()].map((v) => (typeof v === 'string' ? v : pyStr(v)));
}

/** Text of an error for the page: "ValueError: bad value", "VariableError: ..." (the class without its module) for a server exception. */
export function errorText(e: unknown): string {
  if (e instanceof RemoteError) {
    const qual = e.wireText.split(':')[0];
    const type = qual.slice(qual.lastIndexOf('.') + 1);
    return e.message === '' ? type : `${type}: ${e.message}`;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

const str = (v: PyValue | undefined): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : pyStr(v));

/**
 * Details of a variable or command from its properties (`mode`, `typeStr`,
 * `units`, commands' `arg`) and, for variables, its VariableValue (display
 * value, enum, severity). `props` and `value` are what the server answered.
 */
export function detailsOf(
  path: string,
  kind: NodeKind,
  props: Partial<Record<'mode' | 'typeStr' | 'units' | 'arg' | 'enum', PyValue>>,
  value: RemoteVariableValue | null,
  error: string | null = null,
): Details {
  return {
    path,
    mode: str(props.mode) || (kind === 'command' ? 'WO' : 'RW'),
    typeStr: str(props.typeStr),
    units: str(props.units),
    disp: value ? value.valueDisp : '',
    choices: enumChoices(value?.enum ?? props.enum ?? undefined),
    severity: value ? value.severity : 'None',
    hasArg: props.arg === true,
    error,
  };
}

/** The properties a row shows that do not change while a tree is served, by node path (one cache per client). */
export type StaticPropsCache = Map<string, Record<string, PyValue>>;

/**
 * Loads a node's details: its static properties (one request each, in parallel, once per path
 * when a cache is given) and, for variables, getVariableValue(read=False): browsing never reads
 * the hardware.
 */
export async function loadDetails(n: VirtualNode, kind: NodeKind, cache?: StaticPropsCache): Promise<Details> {
  let error: string | null = null;
  let props = cache?.get(n.path);
  const asks: Promise<void>[] = [];
  if (!props) {
    const names = (kind === 'command' ? ['mode', 'typeStr', 'arg'] : ['mode', 'typeStr', 'units']).filter((p) => n.propNames.includes(p));
    const got: Record<string, PyValue> = {};
    props = got;
    asks.push(
      Promise.all(
        names.map((p) =>
          n.prop(p).then(
            (v) => void (got[p] = v),
            (e) => void (error ??= errorText(e)),
          ),
        ),
      ).then(() => {
        if (error === null) cache?.set(n.path, got);
      }),
    );
  }
  let value: RemoteVariableValue | null = null;
  if (kind === 'variable' && 'getVariableValue' in n.funcs) {
    asks.push(
      n.getVariableValue({ read: false }).then(
        (v) => void (value = v),
        (e) => void (error ??= errorText(e)),
      ),
    );
  }
  await Promise.all(asks);
  return detailsOf(n.path, kind, props, value, error);
}

/**
 * SystemLog's display value as entries: pyrogue keeps a JSON list of records
 * ({created, levelName, name, message, exception: the exception's type name...}). Text that is not such
 * a list becomes one entry holding it.
 */
export function logEntries(text: string): LogEntry[] {
  if (text.trim() === '' || text.trim() === '[]') return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [{ time: 0, level: '', name: '', message: text }];
  }
  if (!Array.isArray(v)) return [{ time: 0, level: '', name: '', message: text }];
  return v.map((e: unknown) => {
    const o = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
    const s = (k: string) => (typeof o[k] === 'string' ? o[k] : '');
    const exc = s('exception');
    return {
      time: typeof o.created === 'number' ? o.created : 0,
      level: s('levelName'),
      name: s('name'),
      message: exc === '' || exc === 'None' ? s('message') || (typeof e === 'string' ? e : '') : `${exc}: ${s('message')}`,
    };
  });
}

/** A Python value as a plot sees it: a number (int, float, bool, numpy scalar), or null. */
function plotNumber(v: PyValue): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof NpScalar) return plotNumber(v.value);
  return null;
}

/**
 * A variable's value for the page's plots: a number for a time trace, the elements of a
 * numpy array or a list of numbers for a curve (flattened; at most MAX_CURVE), or null when
 * the value is not numeric (a str, a dict...; an array holding anything but numbers).
 */
export function plotValue(v: PyValue): number | number[] | null {
  if (v instanceof NdArray || Array.isArray(v)) {
    const n = Math.min(v instanceof NdArray ? v.size : v.length, MAX_CURVE);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const x = plotNumber(v instanceof NdArray ? v.item(i) : v[i]);
      if (x === null) return null;
      out[i] = x;
    }
    return out;
  }
  return plotNumber(v);
}
