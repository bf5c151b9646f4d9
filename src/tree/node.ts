/**
 * pyrogue's Node: name, path, description, groups, children (insertion
 * ordered), array children, Python attribute access and the VirtualFactory
 * reduce that a remote proxy is built from.
 *
 * Extension points for subclasses:
 *  - static pyModule / pyName / pyExtraBases / pyMembers (see pyclass.ts): Python class metadata.
 *  - `_rootAttached(parent, root)`: called when the node becomes part of a tree under a Root
 *    (override to finish setup; always call super).
 *  - `isDevice` / `isVariable` / `isCommand`: kind flags (overridden by Device/BaseVariable/BaseCommand).
 */
import { PyAttributeError, PyError, PyValueError } from '../py/errors';
import { PY_REDUCE, PY_REPR, PyDict, PyGlobal, PyObject, PyOrderedDict, PyValue, Reducible, HasPyRepr, isImmutableScalar, pyEquals } from '../py/values';
import type { PyAttrSurface, PyCallable } from './surface';
import { bindArgs, type PyParam } from '../py/signature';
import { classInfo, func, prop, PyBase, PyClassInfo, PyMembers } from './pyclass';
import type { Root } from './root';
import { Logger } from './log';
import { then, type MaybePromise } from './txn';
import type { VariableValue } from './variable';
import { dataToYaml, normGroups, type YamlTree } from './yamlText';

export interface NodeOptions {
  name: string;
  description?: string;
  /** a group name or a list of them (pyrogue's `groups=`) */
  groups?: string | string[] | null;
  expand?: boolean;
  guiGroup?: string | null;
  /** legacy pyrogue `hidden=True` → adds 'Hidden' to groups */
  hidden?: boolean;
}

// A leaf (every variable and command) has no children: it shares these two
// empty maps instead of owning two of its own (32 MiB in a 100,000-variable
// tree). They are never written to: _addNode gives a node its own map first.
const NO_NODES: Map<string, Node> = new Map();
const NO_ANODES: Map<string, NodeArray> = new Map();
// Likewise a node without groups shares this frozen empty list; a change replaces the list.
const NO_GROUPS: readonly string[] = Object.freeze([]);

/** A nested array of nodes (`Chan[0]`, `TestArray[1][2][0]`): index → node or deeper level. */
export type NodeArray = Map<number, Node | NodeArray>;

const ARRAY_RE = /^([A-Za-z_]\w*)((?:\[\d+\])+)$/;

/** Counts node additions in every tree of the process (see `treeStructureEpoch`). */
let structureEpoch = 0;

/**
 * A number that changes whenever a node is added to any tree. A node's
 * children, array children and Python members change only then (members are
 * per class, children only grow through `add`), so a path and attribute
 * resolved while the number stays the same still resolve to the same target.
 */
export function treeStructureEpoch(): number {
  return structureEpoch;
}

/** A parameter whose default a function makes, afresh for each call. */
const madeDefault = (p: PyParam): boolean => typeof p.default === 'function';

export class Node implements PyAttrSurface, Reducible, HasPyRepr {
  static pyModule = 'pyrogue._Node';
  static pyName = 'Node';
  /** Python bases besides the TS parent (own static only; see pyclass.ts). */
  static pyExtraBases: readonly PyBase[] = [];

  readonly name: string;
  description: string;
  expand: boolean;
  guiGroup: string | null;
  /** Replaced, never mutated: nodes without groups share NO_GROUPS. */
  protected _groups: readonly string[];
  protected _parent: Node | null = null;
  protected _root: Root | null = null;
  /** Children by name; the shared empty NO_NODES until the first child (most nodes are leaves). */
  protected _nodes: Map<string, Node> = NO_NODES;
  /** Array children by base name; the shared empty NO_ANODES until the first one. */
  protected _anodes: Map<string, NodeArray> = NO_ANODES;
  /**
   * The dotted path, made when first asked for and kept (null: not made yet, or the node moved).
   * Building a tree attaches each subtree several times (to its device, then the device to the
   * root), which would otherwise make a new path string for every node at each step.
   */
  private _path: string | null = null;

  constructor(opts: NodeOptions) {
    if (!opts || typeof opts.name !== 'string' || opts.name === '') throw new PyValueError('Node name must be a non-empty string');
    this.name = opts.name;
    this.description = opts.description ?? '';
    this.expand = opts.expand ?? true;
    this.guiGroup = opts.guiGroup ?? null;
    const g = opts.groups;
    if (g == null && !opts.hidden) this._groups = NO_GROUPS;
    else {
      const groups = g == null ? [] : typeof g === 'string' ? [g] : [...g];
      if (opts.hidden && !groups.includes('Hidden')) groups.push('Hidden');
      this._groups = groups.length === 0 ? NO_GROUPS : groups;
    }
  }

  // -------------------------------------------------------------------------
  // Identity

  get path(): string {
    return (this._path ??= this._parent ? `${this._parent.path}.${this.name}` : this.name);
  }
  get parent(): Node | null {
    return this._parent;
  }
  private _logger: Logger | null = null;
  /** pyrogue's family of the logger name: Variable, Command, Device, Root ('' for a bare Node). */
  protected get _logKind(): string {
    return '';
  }
  /** This node's logger, named like pyrogue's: pyrogue.<Family>.<Class>.<path>. */
  get _log(): Logger {
    if (!this._logger || !this._logger.name.endsWith('.' + this.path)) {
      const kind = this._logKind;
      this._logger = new Logger(`pyrogue${kind ? '.' + kind : ''}.${this.pyClass.name}.${this.path}`, () => this.root?._logSink ?? null);
    }
    return this._logger;
  }
  get root(): Root | null {
    return this._root;
  }
  get groups(): string[] {
    return [...this._groups];
  }
  get hidden(): boolean {
    return this.inGroup('Hidden');
  }
  set hidden(v: boolean) {
    if (v) this.addToGroup('Hidden');
    else this.removeFromGroup('Hidden');
  }
  get isDevice(): boolean {
    return false;
  }
  get isVariable(): boolean {
    return false;
  }
  get isCommand(): boolean {
    return false;
  }

  /** Python class metadata (bases, props, funcs...) of this node's class. */
  get pyClass(): PyClassInfo {
    return classInfo(this.constructor);
  }

  /** repr(node): "<class 'pyrogue._Variable.LocalVariable'> - Root.Demo.Int" */
  [PY_REPR](): string {
    return `${this.pyClass.str} - ${this.path}`;
  }
  toString(): string {
    return this[PY_REPR]();
  }

  // -------------------------------------------------------------------------
  // Groups

  inGroup(group: string | readonly string[] | null | undefined): boolean {
    if (group == null) return false;
    const gs = typeof group === 'string' ? [group] : group;
    return gs.some((g) => this._groups.includes(g));
  }
  /** pyrogue's filterByGroup: included when in incGroups (or incGroups empty/None) and not in excGroups. */
  filterByGroup(incGroups?: string | readonly string[] | null, excGroups?: string | readonly string[] | null): boolean {
    const inc = incGroups == null ? null : typeof incGroups === 'string' ? [incGroups] : incGroups;
    const exc = excGroups == null ? null : typeof excGroups === 'string' ? [excGroups] : excGroups;
    return (inc == null || inc.length === 0 || this.inGroup(inc)) && (exc == null || exc.length === 0 || !this.inGroup(exc));
  }
  /** Adds the group to this node and all its descendants. */
  addToGroup(group: string): void {
    if (!this._groups.includes(group)) this._groups = [...this._groups, group];
    for (const n of this._nodes.values()) n.addToGroup(group);
  }
  removeFromGroup(group: string): void {
    const i = this._groups.indexOf(group);
    if (i >= 0) this._groups = this._groups.length === 1 ? NO_GROUPS : this._groups.filter((_, j) => j !== i);
    for (const n of this._nodes.values()) n.removeFromGroup(group);
  }

  // -------------------------------------------------------------------------
  // Children

  /** Adds one or more child nodes (pyrogue's `add`). Names must be unique. Returns this. */
  add(...nodes: (Node | Node[])[]): this {
    for (const item of nodes) {
      if (Array.isArray(item)) {
        for (const n of item) this._addNode(n);
      } else this._addNode(item);
    }
    return this;
  }

  protected _addNode(node: Node): void {
    if (!(node instanceof Node)) throw new PyValueError(`Cannot add ${String(node)} to ${this.path}: not a Node`);
    if (this._root && this._root._running) throw new PyValueError(`Error adding node with name ${node.name} to ${this.name}. Tree is already started.`);
    if (this._nodes.has(node.name)) throw new PyValueError(`Error adding node with name ${node.name} to ${this.name}. Name collision.`);
    if (node._parent) throw new PyValueError(`Error adding node with name ${node.name} to ${this.name}. Node already has a parent.`);
    if (this._nodes === NO_NODES) this._nodes = new Map();
    this._nodes.set(node.name, node);
    structureEpoch++;
    this._addArrayNode(node);
    node._parent = this;
    for (const g of this._groups) node.addToGroup(g);
    node._setPath();
    if (this._root) node._rootAttached(this, this._root);
  }

  private _addArrayNode(node: Node): void {
    const m = ARRAY_RE.exec(node.name);
    if (!m) return;
    const base = m[1];
    const idx = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    if (this._nodes.has(base)) return; // a plain node of that name wins
    let level: NodeArray | undefined = this._anodes.get(base);
    if (!level) {
      level = new Map();
      if (this._anodes === NO_ANODES) this._anodes = new Map();
      this._anodes.set(base, level);
    }
    for (let i = 0; i < idx.length - 1; i++) {
      let next: Node | NodeArray | undefined = level.get(idx[i]);
      if (next instanceof Node) return; // shape conflict: keep first
      if (!next) level.set(idx[i], (next = new Map()));
      level = next;
    }
    if (!level.has(idx[idx.length - 1])) level.set(idx[idx.length - 1], node);
  }

  /**
   * pyrogue Node.addNodes: `number` nodes of `nodeClass` named `name[0]`, `name[1]`…, each at
   * `offset + i * stride` (the other options as given):
   *   dev.addNodes(MyChannel, 4, 0x100, { name: 'Chan', offset: 0x1000 })
   */
  addNodes<O extends { name: string; offset: number | bigint }>(nodeClass: new (opts: O) => Node, number: number, stride: number | bigint, opts: O): this {
    const { name, offset } = opts;
    for (let i = 0; i < number; i++) {
      const at = typeof offset === 'bigint' || typeof stride === 'bigint' ? BigInt(offset) + BigInt(i) * BigInt(stride) : offset + i * stride;
      this.add(new nodeClass({ ...opts, name: `${name}[${i}]`, offset: at }));
    }
    return this;
  }

  /**
   * pyrogue Node.find: the nodes under this one (recursively unless `recurse: false`) that are
   * instances of `typ` and whose properties match every other option: a string is a regular
   * expression matched at the start of the property (Python's re.match), anything else must be
   * equal (a method is called first). A node without one of the properties does not match.
   *   root.find({ typ: LocalVariable, name: 'Temp.*' })
   *   dev.find({ typ: BaseVariable, mode: 'RO', hidden: false })
   */
  find<T extends Node = Node>(opts: { recurse?: boolean; typ?: abstract new (...args: never[]) => T } & Record<string, unknown> = {}): T[] {
    const { recurse = true, typ, ...props } = opts;
    const found: T[] = [];
    const tests = Object.entries(props).map(([k, want]) => {
      const re = typeof want === 'string' ? new RegExp(`^(?:${want})`) : null;
      return (n: Node): boolean => {
        if (!(k in n)) return false;
        let attr = (n as unknown as Record<string, unknown>)[k];
        if (re) return typeof attr === 'string' && re.test(attr);
        if (typeof attr === 'function') attr = (attr as () => unknown).call(n);
        return attr === want || (isPyLike(attr) && isPyLike(want) && pyEquals(attr, want));
      };
    });
    for (const n of this._nodes.values()) {
      if ((typ === undefined || n instanceof typ) && tests.every((t) => t(n))) found.push(n as T);
      if (recurse) found.push(...n.find<T>({ ...opts, recurse }));
    }
    return found;
  }

  /** Forgets the paths made under this node (it moved). A node whose path was never made has no descendant with one. */
  protected _setPath(): void {
    if (this._path === null) return;
    this._path = null;
    for (const n of this._nodes.values()) n._setPath();
  }

  /** Called when this node (and so its subtree) becomes attached to `root`. Override and call super. */
  _rootAttached(parent: Node, root: Root): void {
    this._parent = parent;
    this._root = root;
    this._setPath();
    for (const n of this._nodes.values()) n._rootAttached(this, root);
  }

  /** All children in insertion order. */
  get nodes(): ReadonlyMap<string, Node> {
    return this._nodes;
  }
  /** A child by its exact name, an array of children by base name ('Chan'), or null. */
  node(name: string): Node | NodeArray | null {
    return this._nodes.get(name) ?? this._anodes.get(name) ?? null;
  }
  /** A child Node by exact name (no arrays), or undefined. */
  child(name: string): Node | undefined {
    return this._nodes.get(name);
  }
  /** The flat list of nodes of an array child ('Chan' → [Chan[0], Chan[1], Chan[2]]), in insertion order. */
  nodeList(name: string): Node[] {
    const a = this._anodes.get(name);
    if (!a) return [];
    const out: Node[] = [];
    const walk = (m: NodeArray) => {
      for (const v of m.values()) {
        if (v instanceof Node) out.push(v);
        else walk(v);
      }
    };
    walk(a);
    return out;
  }
  /** Children that are variables (incl. commands) / commands / devices. */
  get variables(): Node[] {
    return [...this._nodes.values()].filter((n) => n.isVariable && !n.isCommand);
  }
  get commands(): Node[] {
    return [...this._nodes.values()].filter((n) => n.isCommand);
  }
  get devices(): Node[] {
    return [...this._nodes.values()].filter((n) => n.isDevice);
  }
  /** Every descendant in tree order (depth-first, parents before children). */
  *descendants(): IterableIterator<Node> {
    // one iterator per level on an explicit stack (a recursive yield* resumes every level per node)
    const stack: Iterator<Node>[] = [this._nodes.values()];
    while (stack.length > 0) {
      const r = stack[stack.length - 1].next();
      if (r.done) {
        stack.pop();
        continue;
      }
      yield r.value;
      if (r.value._nodes.size > 0) stack.push(r.value._nodes.values());
    }
  }

  // -------------------------------------------------------------------------
  // Python surface

  /** The attribute dict pyrogue's Node.__reduce__ hands to VirtualFactory (key order as pyrogue). */
  reduceAttrs(): PyDict {
    const info = this.pyClass;
    const nodes = new PyOrderedDict();
    for (const [k, n] of this._nodes) if (!n.inGroup('NoServe')) nodes.set(k, null);
    return PyDict.from({
      name: this.name,
      class: info.name,
      bases: [...info.bases],
      description: this.description,
      groups: [...this._groups],
      path: this.path,
      expand: this.expand,
      guiGroup: this.guiGroup,
      nodes,
      props: [...info.props],
      funcs: info.funcsDict,
    });
  }

  [PY_REDUCE](): PyValue {
    return new PyObject(new PyGlobal('pyrogue.interfaces._Virtual', 'VirtualFactory'), [this.reduceAttrs()], 'reduce');
  }

  /** getattr(node, name): members along the Python MRO, then children / array children. */
  pyGetAttr(name: string): PyValue | PyCallable {
    const m = this.pyClass.members.get(name);
    if (m) {
      if (m.kind === 'prop') return m.get(this);
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- the proxy handler needs the node itself (pyrogue self)
      const self = this;
      const sig = m.sig;
      const call = m.call;
      return {
        kind: 'callable',
        qualname: sig.qualname,
        module: this.pyClass.funcModules.get(name),
        method: true,
        call: (args, kwargs) => call(self, bindArgs(sig, args, kwargs)),
        prepare: (args) => {
          // a default made by a function is made afresh for each call
          if (sig.params.some(madeDefault) || (sig.kwonly ?? []).some(madeDefault)) return null;
          const bound = bindArgs(sig, args);
          for (const v of bound.values()) if (!isImmutableScalar(v)) return null;
          return () => call(self, bound);
        },
      } satisfies PyCallable;
    }
    const c = this._nodes.get(name);
    if (c) return c;
    const a = this._anodes.get(name);
    if (a) return arrayToPy(a);
    throw this.noAttribute(name);
  }

  /** pyrogue's AttributeError for this node (also for props whose getter fails that way, e.g. RemoteVariable.lock). */
  noAttribute(name: string): PyError {
    return new PyAttributeError(`${this[PY_REPR]()} has no attribute ${name}`);
  }

  /** Python-callable helper: calls attribute `name` like the server would (for tests and scripts). */
  async pyCall(name: string, args: PyValue[] = [], kwargs: PyDict | Record<string, PyValue> = new PyDict()): Promise<PyValue> {
    const a = this.pyGetAttr(name);
    const kw = kwargs instanceof PyDict ? kwargs : PyDict.from(kwargs);
    if (typeof a === 'object' && a !== null && (a as PyCallable).kind === 'callable') return await (a as PyCallable).call(args, kw);
    return a as PyValue;
  }

  // -------------------------------------------------------------------------
  // YAML (implemented in yaml.ts through Root; see Device/Root)

  /** pyrogue's Node.getYaml: the YAML text of `_getDict` under this node's name. */
  getYaml(opts: GetYamlOptions = {}): string | Promise<string> {
    const modes = opts.modes ?? ['RW', 'RO', 'WO'];
    const inc = normGroups(opts.incGroups);
    const exc = opts.excGroups === undefined ? ['Hidden'] : normGroups(opts.excGroups);
    const root = this.root;
    const read = (): MaybePromise<void> => (opts.readFirst && root ? root.readAll() : undefined);
    return then(read(), () =>
      then(this._getDict(modes, inc, exc, opts.recurse ?? true), (d) => {
        const top: YamlTree = new Map();
        if (d !== null) top.set(this.name, d);
        return dataToYaml(top);
      }),
    );
  }

  /** pyrogue Node._getDict: the values of the variables under this node passing modes/groups (none here; Device and BaseVariable override). */
  _getDict(
    _modes: readonly string[],
    _incGroups: string[] | null,
    _excGroups: string[] | null,
    _recurse = true,
  ): MaybePromise<YamlTree | VariableValue | null> {
    return null;
  }

  static pyMembers: PyMembers = {
    name: prop((s: Node) => s.name, false),
    path: prop((s: Node) => s.path, false),
    description: prop((s: Node) => s.description, false),
    groups: prop((s: Node) => s.groups, false),
    hidden: prop((s: Node) => s.hidden, false),
    expand: prop((s: Node) => s.expand, false),
    guiGroup: prop((s: Node) => s.guiGroup, false),
    parent: prop((s: Node) => (s.parent as unknown as PyValue) ?? null, false),
    root: prop((s: Node) => (s.root as unknown as PyValue) ?? null, false),
    nodes: prop((s: Node) => {
      const d = new PyOrderedDict();
      for (const [k, n] of s._nodes) d.set(k, n);
      return d;
    }, false),
    isDevice: prop((s: Node) => s.isDevice, false),
    isVariable: prop((s: Node) => s.isVariable && !s.isCommand, false),
    isCommand: prop((s: Node) => s.isCommand, false),
    node: func(
      'Node.node',
      ['name'],
      [],
      (s: Node, a) => {
        const r = s.node(a.get('name') as string);
        if (r === null) return null;
        return r instanceof Node ? r : arrayToPy(r);
      },
      false,
    ),
    inGroup: func('Node.inGroup', ['group'], [], (s: Node, a) => s.inGroup(a.get('group') as string | string[]), false),
    filterByGroup: func(
      'Node.filterByGroup',
      ['incGroups', 'excGroups'],
      [],
      (s: Node, a) => s.filterByGroup(a.get('incGroups') as string[] | null, a.get('excGroups') as string[] | null),
      false,
    ),
    getYaml: func(
      'Node.getYaml',
      [
        ['readFirst', false],
        ['modes', ['RW', 'RO', 'WO']],
        ['incGroups', null],
        ['excGroups', ['Hidden']],
        ['recurse', true],
      ],
      [],
      (s, a) =>
        // eslint-disable-next-line @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return -- the generic pyMembers table gives s as any; s is this node
        s.getYaml({
          readFirst: a.get('readFirst') as boolean,
          modes: a.get('modes') as string[],
          incGroups: a.get('incGroups') as string[] | null,
          excGroups: a.get('excGroups') as string[] | null,
          recurse: a.get('recurse') as boolean,
        }),
    ),
  };
}

export interface GetYamlOptions {
  readFirst?: boolean;
  modes?: string[];
  incGroups?: string | string[] | null;
  excGroups?: string | string[] | null;
  recurse?: boolean;
}

/** Array children as Python sees them: a dict index → node (nested for multi-dim). */
export function arrayToPy(a: NodeArray): PyValue {
  const d = new PyDict();
  for (const [i, v] of a) d.set(BigInt(i), v instanceof Node ? v : arrayToPy(v));
  return d;
}

/** A value pyEquals can compare (a Python value of the model, not a function or a node). */
function isPyLike(v: unknown): v is PyValue {
  return v === null || ['bigint', 'number', 'string', 'boolean'].includes(typeof v) || (typeof v === 'object' && !(v instanceof Node));
}
