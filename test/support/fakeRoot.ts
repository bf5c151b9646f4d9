/**
 * A small stand-in for a pyrogue Root, implementing only the RootSurface
 * contract (src/tree/surface.ts): enough to test the server without the real
 * tree. Shared by test/server-*.test.ts and interop/server-*.test.ts.
 *
 *   Root                 the root (attrs: name, running)
 *   Root.Dev             a device (attrs: nodes → list of child names)
 *   Root.Dev.Int         value/get/set/valueDisp/getDisp/typeStr/mode/lock  (12)
 *   Root.Dev.Text        like Int, a str ('hello')
 *   Root.Dev.Empty       like Int, the empty str
 *   Root.Dev.Slow        __call__(): waits `slowMs` (default 2000), returns 'slow-done'
 *   Root.Dev.Multiply    __call__(arg): int(arg) * 3
 *   Root.Dev.Fail        __call__(): raises Exception('command failed on purpose')
 *   Root.Dev.Hidden      in group NoServe (never published)
 * `Root.Demo.*` resolves to `Root.Dev.*` (so golden transcript requests find a node).
 * `set` publishes an update batch {path: VariableValue}; `tick()` publishes Root.Time.
 */
import { PyAttributeError, PyException, PyTypeError, PyValueError } from '../../src/py/errors';
import { PY_REDUCE, PY_REPR, PyDict, PyObject, PyUnpicklable, type PyValue, type Reducible, type HasPyRepr } from '../../src/py/values';
import type { PyAttrSurface, PyCallable, RootInterface, RootSurface, VarListener, VarListenerOptions } from '../../src/tree/surface';

export function variableValue(value: PyValue, disp = '{}'): PyObject {
  return PyObject.instance(
    'pyrogue._Variable',
    'VariableValue',
    PyDict.from({
      value,
      valueDisp: typeof value === 'string' ? value : String(value),
      disp,
      enum: null,
      updated: false,
      status: 'None',
      severity: 'None',
    }),
  );
}

function callable(qualname: string, fn: (args: readonly PyValue[], kwargs: PyDict) => PyValue | Promise<PyValue>): PyCallable {
  return { kind: 'callable', qualname, call: fn };
}

function noKwargs(qualname: string, kwargs: PyDict): void {
  for (const k of kwargs.keys()) throw new PyTypeError(`${qualname}() got an unexpected keyword argument '${String(k)}'`);
}

function maxArgs(qualname: string, args: readonly PyValue[], max: number): void {
  if (args.length > max) {
    throw new PyTypeError(`${qualname}() takes from 1 to ${max + 1} positional arguments but ${args.length + 1} were given`);
  }
}

export class FakeNode implements PyAttrSurface, Reducible, HasPyRepr {
  readonly attrs = new Map<string, PyValue | PyCallable>();
  constructor(
    readonly root: FakeRoot | null,
    readonly path: string,
    readonly cls: string,
    readonly groups: string[] = [],
  ) {}
  get name(): string {
    return this.path.split('.').pop()!;
  }
  pyGetAttr(name: string): PyValue | PyCallable {
    if (this.attrs.has(name)) return this.attrs.get(name)!;
    // children are attributes too (getattr(device, 'Child'))
    const nodes = this.root ? this.root.nodes : (this as unknown as FakeRoot).nodes;
    const v = nodes.get(`${this.path}.${name}`);
    if (v === undefined) throw new PyAttributeError(`<class '${this.cls}'> - ${this.path} has no attribute ${name}`);
    return v;
  }
  [PY_REDUCE](): PyValue {
    return PyObject.instance('fake', 'Node', PyDict.from({ path: this.path, class: this.cls }));
  }
  [PY_REPR](): string {
    return `<class '${this.cls}'> - ${this.path}`;
  }
}

export class FakeRoot extends FakeNode implements RootSurface {
  readonly nodes = new Map<string, FakeNode>();
  readonly interfaces: RootInterface[] = [];
  readonly listeners: { func: VarListener; done: (() => void) | null; options: VarListenerOptions }[] = [];
  readonly values = new Map<string, PyValue>();
  /** Calls of Root.Dev.Slow that have started / finished. */
  slowStarted = 0;
  slowFinished = 0;
  slowMs = 2000;
  private timer: NodeJS.Timeout | null = null;

  constructor() {
    super(null, 'Root', 'pyrogue._Root.Root');
    this.attrs.set('running', false);
    this.nodes.set('Root', this);
    const dev = this.add(new FakeNode(this, 'Root.Dev', 'pyrogue._Device.Device'));
    this.addVariable('Int', 12n);
    this.addVariable('Text', 'hello');
    this.addVariable('Empty', '');
    this.addVariable('Hidden', 9n, ['NoServe']);
    this.addVariable('Time', 0.0, [], 'Root');
    const slow = this.add(new FakeNode(this, 'Root.Dev.Slow', 'pyrogue._Command.LocalCommand'));
    slow.attrs.set(
      '__call__',
      callable('BaseCommand.__call__', async () => {
        this.slowStarted++;
        await new Promise((r) => setTimeout(r, this.slowMs));
        this.slowFinished++;
        return 'slow-done';
      }),
    );
    const mul = this.add(new FakeNode(this, 'Root.Dev.Multiply', 'pyrogue._Command.LocalCommand'));
    mul.attrs.set(
      '__call__',
      callable('BaseCommand.__call__', (args, kwargs) => {
        noKwargs('BaseCommand.__call__', kwargs);
        maxArgs('BaseCommand.__call__', args, 1);
        const a = args[0] ?? null;
        const n = typeof a === 'bigint' ? a : typeof a === 'string' && /^-?\d+$/.test(a) ? BigInt(a) : null;
        if (n === null) throw new PyValueError(`invalid literal for int() with base 10: ${JSON.stringify(a)}`);
        return n * 3n;
      }),
    );
    const fail = this.add(new FakeNode(this, 'Root.Dev.Fail', 'pyrogue._Command.LocalCommand'));
    fail.attrs.set(
      '__call__',
      callable('BaseCommand.__call__', () => {
        throw new PyException('command failed on purpose');
      }),
    );
    dev.attrs.set(
      'nodes',
      [...this.nodes.keys()].filter((p) => p.startsWith('Root.Dev.')).map((p) => p.slice(9)),
    );
  }

  private add(n: FakeNode): FakeNode {
    this.nodes.set(n.path, n);
    return n;
  }

  private addVariable(name: string, initial: PyValue, groups: string[] = [], parent = 'Root.Dev'): FakeNode {
    const path = `${parent}.${name}`;
    const v = this.add(new FakeNode(this, path, 'pyrogue._Variable.LocalVariable', groups));
    this.values.set(path, initial);
    const get = (q: string) =>
      callable(q, (args, kwargs) => {
        noKwargs(q, kwargs);
        maxArgs(q, args, 1);
        return this.values.get(path)!;
      });
    v.attrs.set('value', get('BaseVariable.value'));
    v.attrs.set('get', get('BaseVariable.get'));
    const disp = (q: string) =>
      callable(q, () => {
        const x = this.values.get(path)!;
        return typeof x === 'string' ? x : String(x);
      });
    v.attrs.set('valueDisp', disp('BaseVariable.valueDisp'));
    v.attrs.set('getDisp', disp('BaseVariable.getDisp'));
    v.attrs.set(
      'set',
      callable('LocalVariable.set', (args, kwargs) => {
        for (const k of kwargs.keys()) if (k !== 'write') throw new PyTypeError(`LocalVariable.set() got an unexpected keyword argument '${String(k)}'`);
        if (args.length < 1) throw new PyTypeError("LocalVariable.set() missing 1 required positional argument: 'value'");
        this.setValue(path, args[0]);
        return null;
      }),
    );
    v.attrs.set('typeStr', typeof initial === 'bigint' ? 'int' : typeof initial === 'number' ? 'float' : 'str');
    v.attrs.set('mode', 'RW');
    v.attrs.set('enum', null);
    v.attrs.set('lock', new PyUnpicklable('_thread.RLock', '<unlocked _thread.RLock object>'));
    return v;
  }

  setValue(path: string, value: PyValue): void {
    this.values.set(path, value);
    this.batch([path]);
  }

  /** Delivers one update batch of the given variable paths to every var-listener (group filter applied). */
  batch(paths: string[]): void {
    for (const l of this.listeners) {
      for (const p of paths) {
        const node = this.nodes.get(p)!;
        const inc = l.options.incGroups;
        const exc = l.options.excGroups;
        if (inc && !inc.some((g) => node.groups.includes(g))) continue;
        if (exc && exc.some((g) => node.groups.includes(g))) continue;
        l.func(p, variableValue(this.values.get(p)!));
      }
      l.done?.();
    }
  }

  /** The heartbeat: Root.Time = now. */
  tick(): void {
    this.setValue('Root.Time', Date.now() / 1000);
  }

  // RootSurface
  getNode(path: string): FakeNode | null {
    const parts = path.split('.');
    if (parts[0] === 'root') parts[0] = 'Root';
    // 'Root.Demo.X' is an alias of 'Root.Dev.X', so golden-transcript requests resolve.
    if (parts[1] === 'Demo') parts[1] = 'Dev';
    return this.nodes.get(parts.join('.')) ?? null;
  }
  addVarListener(func: VarListener, done: (() => void) | null, options: VarListenerOptions = {}): void {
    this.listeners.push({ func, done, options });
  }
  addInterface(iface: RootInterface): void {
    this.interfaces.push(iface);
  }
  async start(heartbeatMs = 0): Promise<void> {
    for (const i of this.interfaces) await i.start();
    this.attrs.set('running', true);
    if (heartbeatMs > 0) this.timer = setInterval(() => this.tick(), heartbeatMs);
  }
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.attrs.set('running', false);
    for (const i of this.interfaces) await i.stop();
  }
}
