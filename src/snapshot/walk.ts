/**
 * Walks a served pyrogue tree over the binary port, as VirtualClient does
 * (`__ROOT__`, then `nodes` of each parent), and records every node: its
 * class (from the reduce: name, bases, props, funcs), description, groups,
 * each exposed property's value, a variable's value and display string, and
 * the few attributes a server needs that a client cannot list.
 *
 *   const file = await walkServer({ addr: '127.0.0.1', port: 9099 });
 *
 * A variable is asked for `getVariableValue` (its value, display string,
 * disp, enum and alarm state from one get) and pyrogue's `properties()` (an
 * OrderedDict of its class name and every name of its class's PROPS: most
 * of its exposed properties and its memory layout), together; then, one
 * request each, only the exposed properties and attributes the dict does
 * not hold (a RemoteVariable's `base`, a command's `arg`...): about three
 * requests a variable instead of twenty. (The dict's own value and display
 * come from two gets, which disagree for a value that changes at each get:
 * they are not used.) A server without `properties()` (AttributeError: its
 * class is not asked again) or failing in it gets one request per property
 * for that node; the file is the same either way.
 *
 * It never writes, and calls nothing that reads hardware unless `read` is
 * set: values come from `getVariableValue(False)` (pyrogue: `value()` and
 * `genDisp`). With `read`, variables (not commands) are read with
 * `getVariableValue(True)`.
 *
 * Requests are pipelined (PipelinedChannel): `nodes` of a parent, then for
 * each node its properties, all in flight together; `nodesAtOnce` nodes are
 * worked on at a time, so memory stays bounded whatever the tree's size.
 */
import { PipelinedChannel } from '../client/pipeline';
import { ClientProtocolError, RemoteError } from '../client/errors';
import { NodeInfo, RemoteVariableValue } from '../client/values';
import { toTagged } from '../py/tagged';
import { PyDict, PyValue } from '../py/values';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, splitClassStr, type Recorded, type SnapClass, type SnapNode, type SnapshotFile } from './format';

export interface WalkProgress {
  /** Nodes fully recorded. */
  done: number;
  /** Nodes known so far (grows while the walk goes down the tree). */
  found: number;
  /** Requests answered. */
  requests: number;
}

export interface WalkOptions {
  addr: string;
  port: number;
  /** Read variables from the hardware (`get()`) instead of their shadow values. Default false. */
  read?: boolean;
  /** Milliseconds a reply may take (default 10000; 0 forever). */
  timeout?: number;
  /** Requests in flight at once (default 128). */
  window?: number;
  /** Nodes worked on at once (default 64). */
  nodesAtOnce?: number;
  /**
   * Also record the properties pyrogue derives from others (`DERIVED_PROPS`:
   * precision, hasAlarm, revEnum, lock). Default false: they cost a request
   * each per variable and the served tree computes them; `compare` records them.
   */
  allProps?: boolean;
  /**
   * Ask each variable for pyrogue's `properties()` (its value, display and
   * most properties in one request) and the rest one by one. Default true;
   * false asks every property on its own (what a server without
   * `properties()` gets anyway): the file is the same.
   */
  properties?: boolean;
  /** Called as nodes complete (at most every `progressMs`). */
  onProgress?: (p: WalkProgress) => void;
  progressMs?: number;
  /** Written in the file's `tool` field. */
  tool?: string;
}

/** Classes whose nodes hold a value (pyrogue BaseVariable and its subclasses, commands included). */
const BASE_VARIABLE = "<class 'pyrogue._Variable.BaseVariable'>";
const BASE_COMMAND = "<class 'pyrogue._Command.BaseCommand'>";
const REMOTE_VARIABLE = "<class 'pyrogue._Variable.RemoteVariable'>";
const LOCAL_VARIABLE = "<class 'pyrogue._Variable.LocalVariable'>";
const LINK_VARIABLE = "<class 'pyrogue._Variable.LinkVariable'>";
const DEVICE = "<class 'pyrogue._Device.Device'>";

/** Properties a VariableValue carries (read with the value instead of one request each). */
const FROM_VALUE: Record<string, (vv: RemoteVariableValue) => PyValue> = {
  disp: (vv) => vv.state.get('disp') ?? null,
  enum: (vv) => vv.state.get('enum') ?? null,
  alarmStatus: (vv) => vv.status,
  alarmSeverity: (vv) => vv.severity,
};

/**
 * Properties pyrogue computes from other recorded ones (the display format
 * and value type, the alarm limits, the enum; a variable's lock), not recorded
 * unless asked for (`allProps`).
 */
export const DERIVED_PROPS: ReadonlySet<string> = new Set(['precision', 'hasAlarm', 'revEnum', 'lock']);

/** A list variable's typeStr: a numpy dtype and shape ('uint32(16,)'). */
const ARRAY_TYPESTR = /^[a-z]+\d*\(\d+,\)$/;

/**
 * Attributes that are no exposed property but that serving the node needs
 * (docs/snapshot.md "attrs"); a server that refuses one leaves it out. A
 * RemoteVariable's list layout is asked for only when its typeStr is a list's.
 */
function attrsFor(bases: readonly string[], typeStr: Recorded | undefined): string[] {
  const out: string[] = [];
  if (bases.includes(REMOTE_VARIABLE) && typeof typeStr === 'string' && ARRAY_TYPESTR.test(typeStr)) out.push('numValues', 'valueBits', 'valueStride');
  if (bases.includes(LOCAL_VARIABLE)) out.push('_typeCheck');
  if (bases.includes(LINK_VARIABLE)) out.push('dependencies');
  return out;
}

export class WalkError extends Error {}

function errorOf(e: unknown): Recorded {
  if (e instanceof RemoteError) return { error: e.wireText };
  // a reply this client cannot decode (a value type pyrogue-ts does not model): recorded as such, the walk goes on
  if (e instanceof ClientProtocolError && /^undecodable reply/.test(e.message)) return { error: `pyrogue-ts.UndecodableReply: ${e.message}` };
  throw e;
}

/** A reply as recorded: node references (a LinkVariable's dependencies) become their paths. */
function record(v: PyValue): Recorded {
  if (v instanceof NodeInfo) return v.path;
  if (Array.isArray(v) && v.some((x) => x instanceof NodeInfo)) return v.map((x) => (x instanceof NodeInfo ? x.path : toTagged(x)));
  return toTagged(v);
}

/** What the walk sends its requests through: a PipelinedChannel, or (tests) a server's request core in process. */
export interface Requester {
  /** 'host:port' (written in the file's `server`). */
  readonly address: string;
  /** Requests answered so far (progress). */
  readonly answered: number;
  /** `_remoteAttr(path, attr, *args)`: the reply as the client decodes it; a RemoteError for an exception reply. */
  request(path: string | null, attr: string | null, args?: readonly PyValue[]): Promise<PyValue>;
}

/** Walks the server at addr:port and returns the snapshot file's content. */
export async function walkServer(o: WalkOptions): Promise<SnapshotFile> {
  const ch = new PipelinedChannel(o.addr, o.port, { window: o.window ?? 128, timeout: o.timeout ?? 10000 });
  try {
    return await walkWith(ch, o);
  } finally {
    ch.close();
  }
}

/** Walks the tree a requester reaches (`addr`/`port`/`window`/`timeout` of the options are not used). */
export async function walkWith(ch: Requester, o: Omit<WalkOptions, 'addr' | 'port'>): Promise<SnapshotFile> {
  const created = new Date().toISOString();
  const rootInfo = await ch.request('__ROOT__', null);
  if (!(rootInfo instanceof NodeInfo)) throw new WalkError(`${ch.address} did not answer __ROOT__ with a node: is it a pyrogue server?`);

  // Classes as found (a provisional key each); named and ordered by first use in tree order at the end,
  // so that the file does not depend on the order replies came in.
  const found = new Map<string, SnapClass>();
  const classKeys = new Map<string, string>(); // text of a class → its provisional key
  const classKey = (info: NodeInfo): string => {
    // (a node's class is told by its name, bases, props and funcs, all in its reduce)
    let text = `${info.className}\n${info.bases.join('\n')}\n${info.props.join(',')}`;
    for (const [k, f] of Object.entries(info.funcs)) text += `\n${k}(${f.args.join(',')};${f.kwargs.join(',')})`;
    const hit = classKeys.get(text);
    if (hit) return hit;
    const c: SnapClass = { name: info.className, bases: [...info.bases], props: [...info.props], funcs: {} };
    for (const [k, f] of Object.entries(info.funcs)) c.funcs[k] = { args: [...f.args], kwargs: [...f.kwargs] };
    const key = `#${found.size}`;
    found.set(key, c);
    classKeys.set(text, key);
    return key;
  };

  const nodes = new Map<string, SnapNode>();
  const refusedAttrs = new Map<string, Set<string>>();
  // classes whose nodes the server has no `properties()` for
  const noProperties = new Set<string>();
  const progress: WalkProgress = { done: 0, found: 1, requests: 0 };
  let lastReport = 0;
  const report = (force = false) => {
    if (!o.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < (o.progressMs ?? 100)) return;
    lastReport = now;
    progress.requests = ch.answered;
    o.onProgress(progress);
  };

  // Nodes to record, last in first out: the walk goes down the tree, so the nodes
  // found and not yet recorded (each a decoded NodeInfo of some kilobytes) are about
  // the children of the `limit` nodes at work, not a whole level of a wide tree.
  // At most `limit` nodes are recorded at once.
  const todo: [NodeInfo, boolean][] = [[rootInfo, true]];
  let active = 0;
  const limit = o.nodesAtOnce ?? 64;
  let failure: Error | null = null;
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));

  const visit = async (info: NodeInfo, served: boolean): Promise<void> => {
    const path = info.path;
    const bases = info.bases;
    const n: SnapNode = {
      path,
      class: classKey(info),
      description: info.description,
      groups: [...info.groups],
      expand: info.expand,
      guiGroup: info.guiGroup,
      props: {},
    };
    if (!served) n.served = false;
    const isVariable = bases.includes(BASE_VARIABLE) || 'getVariableValue' in info.funcs;
    const isCommand = bases.includes(BASE_COMMAND);
    const props: Record<string, Recorded> = {};
    const attrs: Record<string, Recorded> = {};
    const children: [NodeInfo, boolean][] = [];
    // requests in flight for this node
    const asks: Promise<void>[] = [];
    const askProp = (p: string): void => {
      asks.push(
        ch.request(path, p).then(
          (r) => void (props[p] = record(r)),
          (e) => void (props[p] = errorOf(e)),
        ),
      );
    };
    let vv: RemoteVariableValue | null = null;
    const askValue = (): Promise<void> =>
      ch.request(path, 'getVariableValue', [o.read === true && !isCommand]).then(
        (r) => {
          if (r instanceof RemoteVariableValue) {
            vv = r;
            n.value = record(r.value);
            n.valueDisp = record(r.valueDisp);
          } else n.value = { error: `getVariableValue gave no VariableValue (${typeof r})` };
        },
        (e) => {
          n.value = errorOf(e);
        },
      );
    // A variable: its value, display and alarm state from one `getVariableValue` (one get,
    // so they agree even for a value that changes at each get), and its other properties
    // from `properties()`, both in flight together. A node whose server refuses
    // `properties()` or fails in it is recorded one property at a time.
    let dict: PyDict | null = null;
    if (isVariable) {
      const first: Promise<void>[] = [askValue()];
      if (o.properties !== false && !noProperties.has(n.class))
        first.push(
          ch.request(path, 'properties').then(
            (r) => {
              if (r instanceof PyDict) dict = r;
              else noProperties.add(n.class);
            },
            (e) => {
              // (AttributeError: a server without properties() for one node of a class has it for none)
              if (e instanceof RemoteError && e.pyName === 'AttributeError') noProperties.add(n.class);
              // another error answer: this node's properties are asked one by one (errorOf throws what is not an answer)
              else errorOf(e);
            },
          ),
        );
      await Promise.all(first);
    }
    // (asked once the first requests are answered, so that no failure waits unheard)
    if (info.children.length > 0 || bases.includes(DEVICE)) {
      asks.push(
        ch.request(path, 'nodes').then((r) => {
          if (!(r instanceof PyDict)) throw new WalkError(`${path} nodes: the server answered ${r === null ? 'None' : typeof r}, not a dict of nodes`);
          const served = new Set(info.children);
          for (const [k, c] of r) {
            if (typeof k !== 'string' || !(c instanceof NodeInfo)) throw new WalkError(`${path} nodes: entry ${String(k)} is not a node`);
            children.push([c, served.has(k)]);
          }
        }),
      );
    }
    const held = dict as PyDict | null;
    const has = (k: string): boolean => held !== null && held.has(k);
    // (the properties a VariableValue carries come from it)
    const viaValue = isVariable ? info.props.filter((p) => p in FROM_VALUE) : [];
    const skipped = o.allProps === true ? null : DERIVED_PROPS;
    for (const p of info.props) {
      if (viaValue.includes(p) || skipped?.has(p)) continue;
      if (has(p)) props[p] = record(held!.get(p)!);
      else askProp(p);
    }
    const refused = refusedAttrs.get(n.class) ?? refusedAttrs.set(n.class, new Set()).get(n.class)!;
    const gotAttrs = new Map<string, Recorded>();
    const askAttrs = (names: string[]): void => {
      for (const a of names) {
        if (refused.has(a)) continue;
        if (has(a)) {
          gotAttrs.set(a, record(held!.get(a)!));
          continue;
        }
        asks.push(
          ch.request(path, a).then(
            (r) => void gotAttrs.set(a, record(r)),
            (e) => {
              if (!(e instanceof RemoteError)) throw e;
              // a server without this attribute for one node of a class has it for none: not asked again
              if (e.pyName === 'AttributeError') refused.add(a);
            },
          ),
        );
      }
    };
    // (only a RemoteVariable's attributes depend on its typeStr: the others are asked for at once)
    const remote = bases.includes(REMOTE_VARIABLE);
    const attrNames = remote ? [] : attrsFor(bases, undefined);
    askAttrs(attrNames);
    await Promise.all(asks);
    if (remote) {
      asks.length = 0;
      attrNames.push(...attrsFor(bases, props.typeStr));
      askAttrs(attrNames);
      await Promise.all(asks);
    }
    for (const a of attrNames) {
      const r = gotAttrs.get(a);
      if (r !== undefined) attrs[a] = r;
    }
    // The properties a VariableValue carries; asked for one by one when the value could not be had.
    for (const p of viaValue) {
      const v = vv as RemoteVariableValue | null;
      if (v) props[p] = record(FROM_VALUE[p](v));
      else
        props[p] = await ch.request(path, p).then(
          (r) => record(r),
          (e) => errorOf(e),
        );
    }
    for (const p of info.props) if (p in props) n.props[p] = props[p];
    if (Object.keys(attrs).length > 0) n.attrs = attrs;
    if (children.length > 0) n.children = children.map(([c]) => c.name);
    nodes.set(path, n);
    for (let i = children.length - 1; i >= 0; i--) todo.push(children[i]);
    progress.found += children.length;
    progress.done++;
  };

  const pump = (): void => {
    while (failure === null && active < limit && todo.length > 0) {
      const [info, served] = todo.pop()!;
      active++;
      visit(info, served).then(
        () => {
          active--;
          report();
          pump();
        },
        (e: unknown) => {
          active--;
          failure ??= e instanceof Error ? e : new WalkError(String(e));
          pump();
        },
      );
    }
    if (active === 0 && (failure !== null || todo.length === 0)) finish();
  };
  pump();
  await finished;
  // (set by the callbacks above: TypeScript cannot see that)
  const failed = failure as Error | null;
  if (failed !== null) throw failed;
  report(true);

  // Tree order: depth first from the root, children in their parent's order.
  const ordered: SnapNode[] = [];
  const stack: SnapNode[] = [nodes.get(rootInfo.path)!];
  while (stack.length > 0) {
    const n = stack.pop()!;
    ordered.push(n);
    const kids = n.children ?? [];
    for (let i = kids.length - 1; i >= 0; i--) {
      const c = nodes.get(`${n.path}.${kids[i]}`);
      if (!c) throw new WalkError(`${n.path}: child ${kids[i]} was listed but not recorded (its path is not ${n.path}.${kids[i]})`);
      stack.push(c);
    }
  }
  // A class's key: its module and name ('#2'... after the first of a name), in the order of first use.
  const classes: Record<string, SnapClass> = {};
  const keyOf = new Map<string, string>();
  for (const n of ordered) {
    let key = keyOf.get(n.class);
    if (key === undefined) {
      const c = found.get(n.class)!;
      const { module, qualname } = splitClassStr(c.bases[0] ?? c.name);
      key = `${module}.${qualname}`;
      for (let i = 2; key in classes; i++) key = `${module}.${qualname}#${i}`;
      classes[key] = c;
      keyOf.set(n.class, key);
    }
    n.class = key;
  }
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    created,
    server: ch.address,
    read: o.read === true,
    tool: o.tool ?? 'pyrogue-ts',
    classes,
    nodes: ordered,
  };
}
