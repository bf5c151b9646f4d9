/**
 * pyrogue's `VirtualClient` for Node.js: a lazily loaded mirror of a remote
 * tree, built from the node reduces the server sends.
 *
 *     const client = await VirtualClient.connect({ addr: '127.0.0.1', port: 9099 });
 *     const root = client.root;                                  // loaded by the handshake
 *     const sp = await client.getNode('root.AxiVersion.ScratchPad');
 *     await sp!.set(0x100);                                      // funcs: async calls
 *     await sp!.prop('disp');                                    // props: async getters
 *     await client.tree.AxiVersion.ScratchPad.set(0x100);        // the same, Python style
 *     sp!.addListener((path, v) => console.log(path, v.valueDisp));
 *     client.addLinkMonitor((up) => console.log('link', up));
 *     client.close();
 *
 * Wire sequence (pyrogue v6.14+): `__ROOT__` retried with 1 s waits until the
 * connect timeout, then one `nodes` request per parent the first time its
 * children are needed, and `<Root>.Time value` to start the link monitor.
 * Publishes are delivered to loaded nodes' listeners and to every
 * var-listener. The link counts as down after 10 s without a publish or a
 * successful reply, unless a request is in flight.
 */
import { NdArray, NpDtype, PyDict, PyValue } from '../py/values';
import { RequestChannel, ServerAddress, UpdateChannel, decodePublish } from './channel';
import { ClientClosedError, ClientConnectionError, ClientTimeoutError, RemoteError } from './errors';
import { FuncInfo, Kwargs, NodeInfo, pyFloat, RemoteVariableValue, toPy } from './values';

/** `listener(path, value)`: pyrogue's variable listener / var-listener form. */
export type VarListener = (path: string, value: RemoteVariableValue) => void;
/** `monitor(linked)`: called when the link state changes. */
export type LinkMonitor = (linked: boolean) => void;
/** Positional arguments of a remote call, optionally ending with `kw({...})` keyword arguments. */
export type CallArg = unknown;

export interface VirtualClientOptions extends ServerAddress {
  /** Milliseconds to keep retrying the `__ROOT__` handshake (default 5000, `ROGUE_VIRTUAL_CONNECT_TIMEOUT` seconds). */
  connectTimeout?: number;
  /** Milliseconds to wait for each reply after connecting; 0 waits forever. Default 10000. */
  timeout?: number;
  /** Seconds without a publish or reply before the link is declared lost (default 10, `ROGUE_VIRTUAL_LINK_TIMEOUT`). */
  linkTimeout?: number;
  /** Seconds a pending request may hold the link up; beyond that the link may drop (default: forever). */
  requestStallTimeout?: number | null;
  /** Print pyrogue's "Connected to ..." and link warnings (default false). */
  verbose?: boolean;
}

/** Well-known pyrogue classes, by short name, for `isinstance('Device')`. */
export const PYROGUE_CLASSES: Readonly<Record<string, string>> = {
  Node: 'pyrogue._Node.Node',
  Device: 'pyrogue._Device.Device',
  Root: 'pyrogue._Root.Root',
  BaseVariable: 'pyrogue._Variable.BaseVariable',
  RemoteVariable: 'pyrogue._Variable.RemoteVariable',
  LocalVariable: 'pyrogue._Variable.LocalVariable',
  LinkVariable: 'pyrogue._Variable.LinkVariable',
  BaseCommand: 'pyrogue._Command.BaseCommand',
  LocalCommand: 'pyrogue._Command.LocalCommand',
  RemoteCommand: 'pyrogue._Command.RemoteCommand',
  Process: 'pyrogue._Process.Process',
  DataWriter: 'pyrogue._DataWriter.DataWriter',
  RunControl: 'pyrogue._RunControl.RunControl',
};

/** typeStr values whose numbers are Python floats: 'float', numpy 'float64'/'float32(3,)', models Float32/Double64/Float16/Float8/BFloat16/TensorFloat32/Fixed_16_8/UFixed…. */
const FLOAT_TYPE = /^(float(16|32|64|128)?(\(.*\))?|(Float|FloatBE|Double|DoubleBE)\d*|BFloat16|TensorFloat32|U?Fixed_\d+_\d+)$/;

/** typeStr of a numpy array variable: dtype name and shape, e.g. 'float64(3,)'. */
const NUMPY_TYPE = /^(bool|int8|int16|int32|int64|uint8|uint16|uint32|uint64|float16|float32|float64)\(.*\)$/;
const NUMPY_DTYPES: Record<string, NpDtype> = {
  bool: NpDtype.bool,
  int8: NpDtype.int8,
  int16: NpDtype.int16,
  int32: NpDtype.int32,
  int64: NpDtype.int64,
  uint8: NpDtype.uint8,
  uint16: NpDtype.uint16,
  uint32: NpDtype.uint32,
  uint64: NpDtype.uint64,
  float16: NpDtype.float16,
  float32: NpDtype.float32,
  float64: NpDtype.float64,
};

/** A (nested) JS array of numbers, bigints and booleans as a numpy array of `dtype` (rectangular, else sent as is). */
function jsToNdArray(dtype: NpDtype, v: unknown[]): CallArg {
  const shape: number[] = [];
  for (let cur: unknown = v; Array.isArray(cur); cur = cur[0]) {
    shape.push(cur.length);
    if (cur.length === 0) break;
  }
  const flat: unknown[] = v.flat(shape.length);
  if (flat.length !== shape.reduce((a, b) => a * b, 1) || !flat.every((x) => ['number', 'bigint', 'boolean'].includes(typeof x))) return v;
  const conv = (x: unknown): PyValue => {
    if (dtype.kind === 'b') return Boolean(x);
    if (dtype.kind === 'f') return Number(x);
    return typeof x === 'bigint' ? x : BigInt(Math.trunc(Number(x)));
  };
  return NdArray.from(dtype, flat.map(conv), shape);
}

function classString(t: string): string {
  if (t.startsWith('<class ')) return t;
  const q = t.includes('.') ? t : (PYROGUE_CLASSES[t] ?? t);
  return `<class '${q}'>`;
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function splitArgs(args: readonly CallArg[]): { pos: PyValue[]; kwargs: PyDict } {
  const kwargs = new PyDict();
  let list = args;
  const last = args[args.length - 1];
  if (last instanceof Kwargs) {
    list = args.slice(0, -1);
    for (const [k, v] of Object.entries(last.values)) if (v !== undefined) kwargs.set(k, toPy(v));
  }
  return { pos: list.map(toPy), kwargs };
}

function optionKwargs(opts: object | undefined): Kwargs[] {
  if (!opts) return [];
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) o[k] = v;
  return Object.keys(o).length > 0 ? [new Kwargs(o)] : [];
}

export interface GetOptions {
  read?: boolean;
  index?: number;
  check?: boolean;
}
export interface SetOptions {
  write?: boolean;
  index?: number;
  verify?: boolean;
  check?: boolean;
}

/** A remote function or property was asked for that this node does not expose. */
export class VirtualAttributeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VirtualAttributeError';
  }
}

/** One node of the remote tree (a Device, Variable, Command, Root...). */
export class VirtualNode {
  readonly client: VirtualClient;
  readonly info: NodeInfo;
  readonly parent: VirtualNode | null;
  private children: Map<string, VirtualNode> | null = null;
  private loading: Promise<Map<string, VirtualNode>> | null = null;
  private readonly listeners: VarListener[] = [];

  constructor(info: NodeInfo, client: VirtualClient, parent: VirtualNode | null) {
    this.info = info;
    this.client = client;
    this.parent = parent;
  }

  get name(): string {
    return this.info.name;
  }
  get path(): string {
    return this.info.path;
  }
  get description(): string {
    return this.info.description;
  }
  get groups(): readonly string[] {
    return this.info.groups;
  }
  get hidden(): boolean {
    return this.info.groups.includes('Hidden');
  }
  get expand(): boolean {
    return this.info.expand;
  }
  get guiGroup(): string | null {
    return this.info.guiGroup;
  }
  get bases(): readonly string[] {
    return this.info.bases;
  }
  /** The remote Python class name ('LocalVariable'); the client-side class is 'Virtual' + this. */
  get className(): string {
    return this.info.className;
  }
  /** Exposed remote properties. */
  get propNames(): readonly string[] {
    return this.info.props;
  }
  /** Exposed remote functions and their parameter names. */
  get funcs(): Readonly<Record<string, FuncInfo>> {
    return this.info.funcs;
  }
  /** Names of the served children (known before loading them). */
  get childNames(): readonly string[] {
    return this.info.children;
  }
  get root(): VirtualNode {
    return this.client.root;
  }

  /** pyrogue's `isinstance`: 'Device', 'pyrogue._Device.Device' or "<class 'pyrogue._Device.Device'>". */
  isinstance(cls: string): boolean {
    return this.info.bases.includes(classString(cls));
  }
  inGroup(group: string | readonly string[]): boolean {
    const gs = typeof group === 'string' ? [group] : group;
    return gs.some((g) => this.info.groups.includes(g));
  }
  get isDevice(): boolean {
    return this.isinstance('Device');
  }
  get isVariable(): boolean {
    return this.isinstance('BaseVariable') && !this.isCommand;
  }
  get isCommand(): boolean {
    return this.isinstance('BaseCommand');
  }
  get isProcess(): boolean {
    return this.isinstance('Process');
  }
  get isRoot(): boolean {
    return this.isinstance('Root');
  }
  /** Commands and processes can be called (`__call__`). */
  get isCallable(): boolean {
    return this.isCommand || this.isProcess;
  }

  // --- children ------------------------------------------------------------

  /** Whether the children have been loaded. */
  get loaded(): boolean {
    return this.children !== null;
  }

  /** Loads the children with one `nodes` request (once; concurrent callers share it). */
  loadNodes(): Promise<Map<string, VirtualNode>> {
    if (this.children) return Promise.resolve(this.children);
    if (!this.loading) {
      this.loading = (async () => {
        const reply = await this.client.remoteAttr(this.path, 'nodes');
        const m = new Map<string, VirtualNode>();
        if (reply instanceof PyDict) {
          const wanted = new Set(this.info.children);
          for (const [k, v] of reply) {
            // Keep only children this node was served with (the reply includes NoServe ones).
            if (typeof k === 'string' && v instanceof NodeInfo && wanted.has(k)) m.set(k, new VirtualNode(v, this.client, this));
          }
        }
        this.children = m;
        return m;
      })();
      this.loading.catch(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }

  /** The children by name (loads them). */
  async nodes(): Promise<Map<string, VirtualNode>> {
    return this.loadNodes();
  }
  /** A child by exact name ('ScratchPad', 'Chan[1]'), or null (loads the children). */
  async node(name: string): Promise<VirtualNode | null> {
    const m = await this.loadNodes();
    return m.get(name) ?? null;
  }
  /** A child if already loaded (no request). */
  loadedNode(name: string): VirtualNode | null {
    return this.children?.get(name) ?? null;
  }
  /** Loaded children only (no request): [] before loading. */
  get loadedChildren(): VirtualNode[] {
    return this.children ? [...this.children.values()] : [];
  }
  async devices(): Promise<VirtualNode[]> {
    return [...(await this.loadNodes()).values()].filter((n) => n.isDevice);
  }
  async variables(): Promise<VirtualNode[]> {
    return [...(await this.loadNodes()).values()].filter((n) => n.isVariable);
  }
  async commands(): Promise<VirtualNode[]> {
    return [...(await this.loadNodes()).values()].filter((n) => n.isCommand);
  }
  /** A descendant by relative dotted path ('AxiVersion.ScratchPad'), or null. */
  async child(relPath: string): Promise<VirtualNode | null> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts at this node (pyrogue self)
    let n: VirtualNode | null = this;
    for (const part of relPath.split('.')) {
      if (!n) return null;
      if (part === '') continue;
      n = await n.node(part);
    }
    return n;
  }

  // --- remote attributes ---------------------------------------------------

  /** Any remote attribute, unchecked: `getattr(node, attr)(*args, **kwargs)` on the server. */
  remoteAttr(attr: string, ...args: CallArg[]): Promise<PyValue> {
    const { pos, kwargs } = splitArgs(args);
    return this.client.remoteAttr(this.path, attr, pos, kwargs);
  }

  /** An exposed property's current value. */
  prop(name: string): Promise<PyValue> {
    if (!this.info.props.includes(name)) {
      return Promise.reject(
        new VirtualAttributeError(`${this.className} ${this.path} has no remote property '${name}' (props: ${this.info.props.join(', ') || 'none'})`),
      );
    }
    return this.client.remoteAttr(this.path, name);
  }

  /**
   * All exposed properties (one request each, in order). A property the
   * server cannot send (pyrogue's `lock`: "cannot pickle '_thread.RLock'")
   * is left out.
   */
  async props(): Promise<Record<string, PyValue>> {
    const out: Record<string, PyValue> = {};
    for (const p of this.info.props) {
      try {
        out[p] = await this.client.remoteAttr(this.path, p);
      } catch (e) {
        if (!(e instanceof RemoteError)) throw e;
      }
    }
    return out;
  }

  /**
   * Calls an exposed function with positional arguments and, last, optional `kw({...})`.
   * The value of `set`/`post` travels as the variable's Python type (see `typedValue`).
   */
  async call(func: string, ...args: CallArg[]): Promise<PyValue> {
    if (!(func in this.info.funcs)) {
      throw new VirtualAttributeError(
        `${this.className} ${this.path} has no remote function '${func}' (funcs: ${Object.keys(this.info.funcs).join(', ') || 'none'})`,
      );
    }
    if ((func === 'set' || func === 'post') && args.length > 0 && !(args[0] instanceof Kwargs)) {
      args = [await this.typedValue(args[0]), ...args.slice(1)];
    }
    return this.remoteAttr(func, ...args);
  }

  /** Runs a command or process (`__call__`): `await cmd.exec(4)`; the argument travels as the command's Python type. */
  async exec(...args: CallArg[]): Promise<PyValue> {
    if (!this.isCallable) throw new VirtualAttributeError(`${this.className} ${this.path} is not a command`);
    if (args.length > 0 && !(args[0] instanceof Kwargs)) args = [await this.typedValue(args[0]), ...args.slice(1)];
    return this.remoteAttr('__call__', ...args);
  }

  private typeStrOnce: Promise<string | null> | null = null;

  /** The node's `typeStr` (its value's Python type), asked once; null when it has none. */
  pyTypeStr(): Promise<string | null> {
    if (!this.info.props.includes('typeStr')) return Promise.resolve(null);
    this.typeStrOnce ??= this.client.remoteAttr(this.path, 'typeStr').then(
      (t) => (typeof t === 'string' ? t : null),
      () => null,
    );
    return this.typeStrOnce;
  }

  /**
   * A JS number (or array of numbers) as the Python type this variable holds:
   * JavaScript cannot tell 110 from 110.0, the variable's `typeStr` can. A float
   * variable ('float', numpy 'float64…', models Float…/Double/BFloat16/TensorFloat32/Fixed) gets Python floats;
   * anything else gets the default rule (an integral number is an int, see toPy).
   * Other values (bigint, pyFloat(), strings, Python-model values) are sent as they are.
   */
  async typedValue(v: CallArg): Promise<CallArg> {
    const numeric = typeof v === 'number' || (Array.isArray(v) && v.some((x) => typeof x === 'number' || typeof x === 'bigint' || Array.isArray(x)));
    if (!numeric) return v;
    const t = await this.pyTypeStr();
    if (t === null) return v;
    // a numpy array variable ('float64(3,)', 'int32(2, 2)'): pyrogue type-checks for an ndarray, so send one of its dtype
    const nd = NUMPY_TYPE.exec(t);
    if (nd && Array.isArray(v)) return jsToNdArray(NUMPY_DTYPES[nd[1]], v);
    if (!FLOAT_TYPE.test(t)) return v;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- a float variable value: number or list of numbers, as the server sent it
    return Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? pyFloat(x) : x)) : pyFloat(v);
  }

  // Variable functions (pyrogue BaseVariable), typed.
  get(opts?: GetOptions): Promise<PyValue> {
    return this.call('get', ...optionKwargs(opts));
  }
  set(value: unknown, opts?: SetOptions): Promise<PyValue> {
    return this.call('set', value, ...optionKwargs(opts));
  }
  value(): Promise<PyValue> {
    return this.call('value');
  }
  valueDisp(): Promise<string> {
    return this.call('valueDisp') as Promise<string>;
  }
  getDisp(opts?: GetOptions): Promise<string> {
    return this.call('getDisp', ...optionKwargs(opts)) as Promise<string>;
  }
  setDisp(value: string, opts?: Omit<SetOptions, 'verify' | 'check'>): Promise<PyValue> {
    return this.call('setDisp', value, ...optionKwargs(opts));
  }
  async getVariableValue(opts?: { read?: boolean; index?: number }): Promise<RemoteVariableValue> {
    const v = await this.call('getVariableValue', ...optionKwargs(opts));
    if (!(v instanceof RemoteVariableValue)) throw new TypeError(`getVariableValue of ${this.path} did not return a VariableValue`);
    return v;
  }
  write(opts?: { verify?: boolean; check?: boolean }): Promise<PyValue> {
    return this.call('write', ...optionKwargs(opts));
  }

  /**
   * A typed view of the props as promise getters and the funcs as methods:
   * `await node.$.disp`, `await node.$.set(5)`. Unknown names give undefined.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- attribute access on a remote node: any name, any Python value
  get $(): Record<string, any> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the walk starts at this node (pyrogue self)
    const node = this;
    return new Proxy(
      {},
      {
        get(_t, key) {
          if (typeof key !== 'string') return undefined;
          if (key in node.info.funcs) return (...args: CallArg[]) => node.call(key, ...args);
          if (node.info.props.includes(key)) return node.prop(key);
          if (key === '__call__' && node.isCallable) return (...args: CallArg[]) => node.exec(...args);
          return undefined;
        },
        has(_t, key) {
          return typeof key === 'string' && (key in node.info.funcs || node.info.props.includes(key));
        },
        ownKeys() {
          return [...node.info.props, ...Object.keys(node.info.funcs)];
        },
        getOwnPropertyDescriptor() {
          return { enumerable: true, configurable: true };
        },
      },
    );
  }

  // --- listeners -----------------------------------------------------------

  /** `listener(path, value)` on every publish of this variable (pyrogue `addListener`). */
  addListener(listener: VarListener): void {
    if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }
  delListener(listener: VarListener): void {
    const i = this.listeners.indexOf(listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }
  /** @internal */
  _doUpdate(value: RemoteVariableValue): void {
    for (const f of [...this.listeners]) f(this.path, value);
  }

  /** The client's var-listener (pyrogue offers `addVarListener` on the root). */
  addVarListener(listener: VarListener): void {
    this.client.addVarListener(listener);
  }

  /** Same as the client's getNode (pyrogue offers it on the root). */
  getNode(path: string, load = true): Promise<VirtualNode | null> {
    return this.client.getNode(path, load);
  }

  toString(): string {
    return `<class 'pyrogue.interfaces._Virtual.Virtual${this.className}'> - ${this.path}`;
  }
}

/**
 * A Python-style path into the remote tree: property accesses extend the path,
 * a call runs the last element: a command is called (`__call__`), otherwise
 * it names a function (or a property) of the node before it.
 *     await client.tree.AxiVersion.ScratchPad.set(0x100)
 *     await client.tree.Demo.Multiply(4)
 *     await client.tree.Demo.Float.disp()      // a property, read
 * (`then` is not a path element, so a RemotePath is not mistaken for a promise.)
 */
export interface RemotePath {
  (...args: CallArg[]): Promise<PyValue>;
  readonly [name: string]: RemotePath;
}

function makeRemotePath(client: VirtualClient, parts: readonly string[]): RemotePath {
  const target = (() => undefined) as unknown as RemotePath;
  return new Proxy(target, {
    get(_t, key) {
      if (typeof key !== 'string' || key === 'then') return undefined;
      return makeRemotePath(client, [...parts, key]);
    },
    apply(_t, _this, args: CallArg[]) {
      return client._callPath(parts, args);
    },
  });
}

const HANDSHAKE_ATTEMPT_MS = 1000;

export class VirtualClient {
  readonly addr: string;
  readonly port: number;
  private readonly req: RequestChannel;
  private sub: UpdateChannel | null = null;
  private rootNode: VirtualNode | null = null;
  private readonly varListeners: VarListener[] = [];
  private readonly monitors: LinkMonitor[] = [];
  private link = false;
  private ltime = Date.now();
  private monTimer: NodeJS.Timeout | null = null;
  private readonly linkTimeoutMs: number;
  private readonly stallMs: number | null;
  private readonly verbose: boolean;
  private closed = false;

  /** Connects: handshake, root children, link monitor. Rejects with ClientConnectionError when no server answers. */
  static async connect(options?: VirtualClientOptions): Promise<VirtualClient>;
  static async connect(addr: string, port?: number, options?: VirtualClientOptions): Promise<VirtualClient>;
  static async connect(a: VirtualClientOptions | string = {}, port?: number, more: VirtualClientOptions = {}): Promise<VirtualClient> {
    const options: VirtualClientOptions = typeof a === 'string' ? { ...more, addr: a, port: port ?? more.port } : a;
    const c = new VirtualClient(options);
    try {
      await c.handshake(options.connectTimeout ?? (envNumber('ROGUE_VIRTUAL_CONNECT_TIMEOUT') ?? 5) * 1000, options.timeout ?? 10000);
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  /** Use `VirtualClient.connect()`. */
  private constructor(o: VirtualClientOptions) {
    this.addr = o.addr ?? 'localhost';
    this.port = o.port ?? 9099;
    this.req = new RequestChannel(this.addr, this.port, { timeout: HANDSHAKE_ATTEMPT_MS });
    this.linkTimeoutMs = (o.linkTimeout ?? envNumber('ROGUE_VIRTUAL_LINK_TIMEOUT') ?? 10) * 1000;
    this.stallMs = o.requestStallTimeout === undefined || o.requestStallTimeout === null ? null : o.requestStallTimeout * 1000;
    this.verbose = o.verbose ?? false;
    this.req.onReply = () => {
      this.ltime = Date.now();
    };
    // Subscribe first (as pyrogue's ZmqClient does); updates before the root is known are ignored.
    this.sub = new UpdateChannel(this.addr, this.port, (bytes) => this.doUpdate(bytes));
  }

  private async handshake(connectTimeoutMs: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + connectTimeoutMs;
    let info: NodeInfo | null = null;
    let lastError: unknown = null;
    while (!info) {
      if (this.closed) throw new ClientClosedError(this.address);
      const left = deadline - Date.now();
      if (left <= 0) break;
      try {
        const r = await this.req.request('__ROOT__', null, [], new PyDict(), { timeout: Math.min(HANDSHAKE_ATTEMPT_MS, Math.max(50, left)) });
        if (r instanceof NodeInfo) info = r;
        else {
          lastError = new Error(`unexpected __ROOT__ reply`);
          await new Promise((res) => setTimeout(res, Math.min(200, Math.max(0, deadline - Date.now()))));
        }
      } catch (e) {
        lastError = e;
        if (e instanceof ClientClosedError) throw e;
        if (e instanceof ClientConnectionError) throw e; // e.g. an unknown host: retrying cannot help
        if (!(e instanceof ClientTimeoutError)) {
          // An answer we cannot use (an exception, a bad pickle): retry shortly, as pyrogue does on None.
          await new Promise((res) => setTimeout(res, Math.min(200, Math.max(0, deadline - Date.now()))));
        }
      }
    }
    if (!info) {
      const why = lastError instanceof ClientTimeoutError || lastError === null ? 'no reply' : (lastError as Error).message;
      throw new ClientConnectionError(
        `failed to connect to pyrogue server ${this.address} (requests to ${this.req.endpoint}) within ${connectTimeoutMs / 1000} s: ${why}`,
        this.address,
      );
    }
    this.req.timeout = timeoutMs;
    this.rootNode = new VirtualNode(info, this, null);
    if (this.verbose) console.log(`Connected to ${info.name} at ${this.addr}:${this.port}`);
    // Root children and the heartbeat variable (pyrogue: self._root.Time.value()).
    const time = await this.rootNode.node('Time');
    if (time) {
      try {
        await time.remoteAttr('value');
      } catch {
        /* not fatal */
      }
    }
    this.link = true;
    this.ltime = Date.now();
    this.monTimer = setInterval(() => this.monitor(), Math.min(1000, Math.max(50, this.linkTimeoutMs / 4)));
    this.monTimer.unref();
  }

  /** "host:port". */
  get address(): string {
    return this.req.address;
  }
  /** The remote root (available once connected). */
  get root(): VirtualNode {
    if (!this.rootNode) throw new ClientConnectionError(`not connected to ${this.address}`, this.address);
    return this.rootNode;
  }
  /** Python-style access by path: `await client.tree.AxiVersion.ScratchPad.set(0x100)`. */
  get tree(): RemotePath {
    return makeRemotePath(this, []);
  }
  /** Milliseconds to wait for each reply (0 = forever). */
  get timeout(): number {
    return this.req.timeout;
  }
  set timeout(ms: number) {
    this.req.timeout = ms;
  }

  /** `_remoteAttr(path, attr, *args, **kwargs)`. */
  remoteAttr(path: string, attr: string | null, args: readonly PyValue[] = [], kwargs: PyDict = new PyDict()): Promise<PyValue> {
    return this.req.request(path, attr, args, kwargs);
  }

  /**
   * A node by full path, with the real root name or `root` as first element
   * ('root.AxiVersion.ScratchPad'); loads what is needed unless `load` is
   * false; null when there is no such node.
   */
  async getNode(path: string, load = true): Promise<VirtualNode | null> {
    const root = this.root;
    const parts = path.split('.');
    if (parts[0] !== root.name && parts[0] !== 'root') return null;
    let n: VirtualNode | null = root;
    for (const p of parts.slice(1)) {
      if (!n) return null;
      n = load ? await n.node(p) : n.loadedNode(p);
    }
    return n;
  }

  /** The loaded node at a path, without requests. */
  getLoadedNode(path: string): VirtualNode | null {
    const root = this.rootNode;
    if (!root) return null;
    const parts = path.split('.');
    if (parts[0] !== root.name && parts[0] !== 'root') return null;
    let n: VirtualNode | null = root;
    for (const p of parts.slice(1)) {
      if (!n) return null;
      n = n.loadedNode(p);
    }
    return n;
  }

  /** @internal RemotePath calls. */
  async _callPath(parts: readonly string[], args: CallArg[]): Promise<PyValue> {
    const root = this.root;
    // A leading 'root' (or the root's own name, unless a child has that name) is the root itself.
    const strip = parts[0] === 'root' || (parts[0] === root.name && !root.childNames.includes(parts[0]));
    const rel = strip ? parts.slice(1) : parts;
    if (rel.length === 0) throw new VirtualAttributeError('call a node or a function, not the root path itself');
    const full = await root.child(rel.join('.'));
    if (full && full.isCallable) return full.exec(...args);
    const owner = await root.child(rel.slice(0, -1).join('.'));
    const last = rel[rel.length - 1];
    if (!owner) throw new VirtualAttributeError(`no node ${[root.name, ...rel.slice(0, -1)].join('.')} on ${this.address}`);
    if (last in owner.funcs) return owner.call(last, ...args);
    if (owner.propNames.includes(last)) {
      if (args.length > 0) throw new VirtualAttributeError(`${owner.path}.${last} is a property: call it without arguments to read it`);
      return owner.prop(last);
    }
    if (full) throw new VirtualAttributeError(`${full.path} is not a command`);
    throw new VirtualAttributeError(`${owner.className} ${owner.path} has no child, function or property '${last}'`);
  }

  // --- listeners and link ------------------------------------------------------

  /** `listener(path, value)` for every published variable (pyrogue `root.addVarListener`). */
  addVarListener(listener: VarListener): void {
    if (!this.varListeners.includes(listener)) this.varListeners.push(listener);
  }
  delVarListener(listener: VarListener): void {
    const i = this.varListeners.indexOf(listener);
    if (i >= 0) this.varListeners.splice(i, 1);
  }
  /** `monitor(linked)` whenever the link goes down or comes back. */
  addLinkMonitor(monitor: LinkMonitor): void {
    if (!this.monitors.includes(monitor)) this.monitors.push(monitor);
  }
  remLinkMonitor(monitor: LinkMonitor): void {
    const i = this.monitors.indexOf(monitor);
    if (i >= 0) this.monitors.splice(i, 1);
  }
  /** Whether the server has been heard from recently. */
  get linked(): boolean {
    return this.link;
  }

  private doUpdate(bytes: Uint8Array): void {
    this.ltime = Date.now();
    if (!this.rootNode) return;
    for (const [path, v] of decodePublish(bytes)) {
      if (!(v instanceof RemoteVariableValue)) continue;
      this.getLoadedNode(path)?._doUpdate(v);
      for (const f of [...this.varListeners]) f(path, v);
    }
  }

  private monitor(): void {
    if (this.closed || !this.rootNode) return;
    const now = Date.now();
    const since = this.req.inFlightSince;
    const pendingHolds = this.req.pending > 0 && (this.stallMs === null || since === 0 || now - since < this.stallMs);
    const idle = now - this.ltime;
    if (this.link && idle > this.linkTimeoutMs && !pendingHolds) {
      this.link = false;
      if (this.verbose)
        console.warn(`I have not heard from ${this.rootNode.name} in ${this.linkTimeoutMs / 1000} seconds. It may be busy, continuing to wait...`);
      for (const m of [...this.monitors]) m(false);
    } else if (!this.link && idle < this.linkTimeoutMs) {
      this.link = true;
      if (this.verbose) console.warn(`I have finally heard from ${this.rootNode.name}. All is good!`);
      for (const m of [...this.monitors]) m(true);
    }
  }

  /** Closes sockets and timers; pending requests reject with ClientClosedError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.monTimer) clearInterval(this.monTimer);
    this.monTimer = null;
    this.sub?.close();
    this.sub = null;
    this.req.close();
  }
  /** pyrogue's name for close(). */
  stop(): void {
    this.close();
  }
}
