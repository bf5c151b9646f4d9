/**
 * Tree layer semantics: paths, arrays, Python attribute access, class
 * metadata, bad input (pyrogue's errors, nothing changed), batching and
 * listeners, commands, logging, heartbeat, polling.
 */
import { createReferenceRoot, Demo } from '../src/examples/reference';
import { BaseCommand, BaseVariable, Device, LinkVariable, LocalCommand, LocalVariable, Node, Root, VariableValue } from '../src/tree';
import { PyError, PyValueError } from '../src/py/errors';
import { NdArray, NpDtype, NpScalar, PY_REDUCE, PY_REPR, PyDict, PyObject, PyOrderedDict, PyValue } from '../src/py/values';
import { canon, pyCall as call } from './support/tree';
import { waitFor } from './support/wait';

async function pyErr(p: () => unknown): Promise<PyError> {
  try {
    await p();
  } catch (e) {
    if (e instanceof PyError) return e;
    throw e;
  }
  throw new Error('no exception');
}

/** A root (not started) with RW LocalVariables of these names, each 0. */
function rootOfLocals(...names: string[]): [Root, ...LocalVariable[]] {
  const r = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  const vars = names.map((name) => new LocalVariable({ name, value: 0n, mode: 'RW' }));
  for (const v of vars) r.add(v);
  return [r, ...vars];
}

/** A LinkVariable on `dep` whose value is ready 5 ms after it is asked for (an asynchronous update). */
function slowLink(name: string, dep: LocalVariable, value: () => PyValue): LinkVariable {
  return new LinkVariable({
    name,
    dependencies: [dep],
    linkedGet: async () => {
      await new Promise((res) => setTimeout(res, 5));
      return value();
    },
  });
}

describe('paths, arrays, attributes', () => {
  const root = createReferenceRoot({ heartbeatMs: 0, withoutAxiVersion: true });
  const demo = root.getNode('Root.Demo') as Demo;

  test('getNode: root name or alias, exact child names, misses', () => {
    expect(root.getNode('Root')).toBe(root);
    expect(root.getNode('root.Demo')).toBe(demo);
    expect(root.getNode('Root.Demo.Chan[1]')?.path).toBe('Root.Demo.Chan[1]');
    expect(root.getNode('Root.Demo.Missing')).toBeNull();
    expect(root.getNode('Other.Demo')).toBeNull();
    expect(root.getNode('Root.Demo.Chan')).toBeNull(); // an array, not a node
  });

  test('array children', () => {
    expect(demo.nodeList('Chan').map((n) => n.name)).toEqual(['Chan[0]', 'Chan[1]', 'Chan[2]']);
    const a = demo.node('Chan');
    expect(a instanceof Map && (a.get(2) as Node).name).toBe('Chan[2]');
    const d = new Device({ name: 'D' });
    for (const n of ['T[1][2][0]', 'T[1][2][1]', 'T[0][0][0]', 'T[4][5]']) d.add(new LocalVariable({ name: n, value: 0n }));
    const t = d.node('T') as Map<number, unknown>;
    expect(((t.get(1) as Map<number, Map<number, Node>>).get(2)!.get(1) as Node).name).toBe('T[1][2][1]');
    const py = d.pyGetAttr('T') as PyDict;
    expect([...py.keys()]).toEqual([1n, 0n, 4n]);
  });

  test('repr, missing attribute, nodes, node()', async () => {
    const int = demo.child('Int')!;
    expect(int[PY_REPR]()).toBe("<class 'pyrogue._Variable.LocalVariable'> - Root.Demo.Int");
    expect(demo[PY_REPR]()).toBe("<class 'reference_root.Demo'> - Root.Demo");
    const e = await pyErr(() => int.pyGetAttr('noSuchAttr'));
    expect(e.wireText).toBe("builtins.AttributeError: <class 'pyrogue._Variable.LocalVariable'> - Root.Demo.Int has no attribute noSuchAttr");
    const nodes = demo.pyGetAttr('nodes') as PyOrderedDict;
    expect(nodes).toBeInstanceOf(PyOrderedDict);
    expect(nodes.has('NoServeVar')).toBe(true); // all children, NoServe included
    expect(await call(demo, 'node', ['Int'])).toBe(int);
    expect(demo.pyGetAttr('Int')).toBe(int); // children are attributes
    expect(int.pyGetAttr('hidden')).toBe(false);
    expect(demo.child('HiddenVar')!.pyGetAttr('hidden')).toBe(true);
  });

  test('reduce: VirtualFactory attrs in pyrogue key order, NoServe children left out', () => {
    const r = demo[PY_REDUCE]() as PyObject;
    expect(r.cls.qualified).toBe('pyrogue.interfaces._Virtual.VirtualFactory');
    const attrs = r.args[0] as PyDict;
    expect([...attrs.keys()]).toEqual(['name', 'class', 'bases', 'description', 'groups', 'path', 'expand', 'guiGroup', 'nodes', 'props', 'funcs']);
    expect((attrs.get('nodes') as PyOrderedDict).has('NoServeVar')).toBe(false);
    expect(attrs.get('class')).toBe('Demo');
  });

  test('groups are inherited by children added later and by existing ones', () => {
    const d = new Device({ name: 'G', groups: ['NoServe'] });
    const v = new LocalVariable({ name: 'V', value: 1n });
    d.add(v);
    expect(v.inGroup('NoServe')).toBe(true);
    d.addToGroup('NoConfig');
    expect(v.groups).toEqual(['NoServe', 'NoConfig']);
  });

  test('user classes report their module; class metadata is per class', () => {
    class MyDev extends Device {
      static override pyModule = 'my_mod';
    }
    const a = new MyDev();
    const b = new MyDev({ name: 'Other' });
    expect(a.name).toBe('MyDev');
    expect(a.pyClass).toBe(b.pyClass);
    expect(a.pyClass.bases.slice(0, 3)).toEqual(["<class 'my_mod.MyDev'>", "<class 'pyrogue._Device.Device'>", "<class 'pyrogue._Node.Node'>"]);
    const c = new LocalCommand({ name: 'C', function: () => null });
    expect(c.pyClass.name).toBe('BaseCommand');
  });
});

describe('values, display, bad input', () => {
  let root: Root;
  let demo: Demo;
  beforeEach(async () => {
    root = createReferenceRoot({ heartbeatMs: 0, withoutAxiVersion: true });
    demo = root.getNode('Root.Demo') as Demo;
    await root.start();
  });
  afterEach(async () => {
    await root.stop();
  });
  const v = (n: string) => demo.child(n) as BaseVariable;

  test('typed values and displays', () => {
    expect(v('Int').value()).toBe(1n);
    expect(v('Float').value()).toBe(1.5);
    expect(v('Float').valueDisp()).toBe('1.500');
    expect(v('HexDisp').valueDisp()).toBe('0xff');
    expect(v('Enum').valueDisp()).toBe('Zero');
    expect(v('Array').valueDisp()).toBe('[0.5, 1.5, 2.5]');
    expect(v('List').valueDisp()).toBe('[1, 2, 3]');
    const s = v('Array').value(1) as NpScalar;
    expect(s).toBeInstanceOf(NpScalar);
    expect(s.value).toBe(1.5);
    // TS convenience: integral JS number on an int variable
    (v('Int') as LocalVariable).set(5);
    expect(v('Int').value()).toBe(5n);
    expect(v('IntTimesTwo').value()).toBe(10n);
  });

  test('alarms', () => {
    const f = v('Float') as LocalVariable;
    const st = () => [f.alarmStatus, f.alarmSeverity];
    expect(st()).toEqual(['Good', 'Good']);
    f.set(9.5);
    expect(st()).toEqual(['AlarmHiHi', 'AlarmMajor']);
    f.set(-9.5);
    expect(st()).toEqual(['AlarmLoLo', 'AlarmMajor']);
    f.set(8.5);
    expect(st()).toEqual(['AlarmHigh', 'AlarmMinor']);
    f.set(-8.5);
    expect(st()).toEqual(['AlarmLow', 'AlarmMinor']);
    f.set(NaN);
    expect(st()).toEqual(['Good', 'Good']);
    expect([v('Int').pyGetAttr('alarmStatus'), v('Int').pyGetAttr('alarmSeverity')]).toEqual(['None', 'None']);
  });

  test('unknown enum name: VariableError, value unchanged, logged', async () => {
    const e = await pyErr(() => call(v('Enum'), 'setDisp', ['Bogus']));
    expect(e.wireText).toBe("pyrogue._Variable.VariableError: Invalid value Bogus for variable Enum with type <class 'int'>: 'Bogus'");
    expect(v('Enum').value()).toBe(0n);
    await root.waitOnUpdate();
    const last = JSON.parse(root.SystemLogLast.value() as string);
    expect(Object.keys(last)).toEqual(['created', 'name', 'message', 'exception', 'traceBack', 'levelName', 'levelNumber']);
    expect(last).toMatchObject({
      name: 'pyrogue.Variable.LocalVariable.Root.Demo.Enum',
      exception: null,
      traceBack: null,
      levelName: 'ERROR',
      levelNumber: 40,
    });
  });

  test('bad int text, wrong type, bad index: errors and nothing changes', async () => {
    let e = await pyErr(() => call(v('Int'), 'setDisp', ['abc']));
    expect(e.pyType).toBe('pyrogue._Variable.VariableError');
    expect(e.message).toMatch(/^Invalid value abc for variable Int with type <class 'int'>: malformed node or string/);
    e = await pyErr(() => call(v('Int'), 'set', ['text']));
    expect(e.pyType).toBe('pyrogue._Variable.VariableError');
    expect(v('Int').value()).toBe(1n);
    e = await pyErr(() => call(v('Array'), 'set', [4.5], { index: 5n }));
    expect(e.wireText).toBe('builtins.IndexError: index 5 is out of bounds for axis 0 with size 3');
    expect(v('Array').valueDisp()).toBe('[0.5, 1.5, 2.5]');
    e = await pyErr(() => call(v('List'), 'set', [9n], { index: 3n }));
    expect(e.wireText).toBe('builtins.IndexError: list index out of range'); // pyrogue reads the old item first
    expect(v('List').value()).toEqual([1n, 2n, 3n]);
    e = await pyErr(() => call(v('Int'), 'value', [1n, 2n, 3n]));
    expect(e.wireText).toBe('builtins.TypeError: BaseVariable.value() takes from 1 to 2 positional arguments but 4 were given');
    e = await pyErr(() => call(v('Int'), 'set', [1n], { nope: 1n }));
    expect(e.wireText).toBe("builtins.TypeError: LocalVariable.set() got an unexpected keyword argument 'nope'");
  });

  test('indexed set on numpy arrays keeps the dtype', async () => {
    await call(v('IntArray'), 'set', [4.7], { index: 1n });
    const a = v('IntArray').value() as NdArray;
    expect(a.dtype.str).toBe('<i4');
    expect(a.items()).toEqual([1n, 4n, 3n, 4n]);
    await call(v('Array'), 'setDisp', ['[1.0, 2.0, 3.0]']);
    expect((v('Array').value() as NdArray).items()).toEqual([1, 2, 3]);
    (v('Array') as LocalVariable).set([7n, 8n, 9n]); // from TS, a list becomes an array of the variable's dtype
    expect((v('Array').value() as NdArray).dtype).toEqual(NpDtype.float64);
  });

  test('RO LocalVariables can be set by code (as in pyrogue: Root.Time, SystemLog...)', () => {
    (v('ReadOnly') as LocalVariable).set(43n);
    expect(v('ReadOnly').value()).toBe(43n);
    expect(v('ReadOnly').mode).toBe('RO');
  });
});

describe('batching, listeners, commands', () => {
  let root: Root;
  let demo: Demo;
  let batches: [string, VariableValue][][];
  let cur: [string, VariableValue][];
  beforeEach(async () => {
    root = createReferenceRoot({ heartbeatMs: 0, withoutAxiVersion: true });
    demo = root.getNode('Root.Demo') as Demo;
    batches = [];
    cur = [];
    root.addVarListener(
      (p, val) => cur.push([p, val as VariableValue]),
      () => {
        batches.push(cur);
        cur = [];
      },
      { excGroups: ['NoServe'] },
    );
    await root.start();
    // as in pyrogue, starting publishes (each Process's Progress, set by Step and TotalSteps): not under test here
    await root.waitOnUpdate();
    batches = [];
    cur = [];
  });
  afterEach(async () => {
    await root.stop();
  });
  const paths = () => batches.map((b) => b.map(([p]) => p));

  test('a set publishes the variable and its dependents in one batch', async () => {
    await call(demo.child('Int')!, 'set', [17n]);
    await root.waitOnUpdate();
    expect(paths()).toEqual([['Root.Demo.Int', 'Root.Demo.IntTimesTwo']]);
    expect(canon(batches[0][1][1])).toEqual(
      canon(
        PyObject.instance(
          'pyrogue._Variable',
          'VariableValue',
          PyDict.from({ value: 34n, valueDisp: '34', disp: '{}', enum: null, updated: false, status: 'None', severity: 'None' }),
        ),
      ),
    );
  });

  test('value() does not publish, get() does; LinkVariable get publishes its dependency', async () => {
    await call(demo.child('Int')!, 'value');
    await root.waitOnUpdate();
    expect(paths()).toEqual([]);
    await call(demo.child('Text')!, 'get');
    await call(demo.child('IntTimesTwo')!, 'get');
    await root.waitOnUpdate();
    expect(paths()).toEqual([['Root.Demo.Text'], ['Root.Demo.Int', 'Root.Demo.IntTimesTwo']]);
  });

  test('update groups deliver once; NoServe is filtered; incGroups filter', async () => {
    const hidden: string[] = [];
    root.addVarListener((p) => hidden.push(p), null, { incGroups: ['Hidden'] });
    root.updateGroup(() => {
      (demo.child('Int') as LocalVariable).set(2n);
      (demo.child('Text') as LocalVariable).set('x');
      (demo.child('NoServeVar') as LocalVariable).set(10n);
      (demo.child('HiddenVar') as LocalVariable).set(11n);
      (demo.child('Int') as LocalVariable).set(3n);
    });
    await root.waitOnUpdate();
    expect(paths()).toEqual([['Root.Demo.Int', 'Root.Demo.Text', 'Root.Demo.HiddenVar', 'Root.Demo.IntTimesTwo']]);
    expect(batches[0][0][1].value).toBe(3n);
    expect(hidden).toEqual(['Root.Demo.HiddenVar']);
  });

  test('async update groups end when the promise settles', async () => {
    await root.updateGroup(async () => {
      (demo.child('Int') as LocalVariable).set(4n);
      await new Promise((r) => setTimeout(r, 5));
      (demo.child('Negative') as LocalVariable).set(-1n);
    });
    await root.waitOnUpdate();
    expect(paths()).toEqual([['Root.Demo.Int', 'Root.Demo.Negative', 'Root.Demo.IntTimesTwo']]);
  });

  test('batches whose delivery waits (an asynchronous LinkVariable) stay in order; waitOnUpdate waits for all of them', async () => {
    const [r, a, b] = rootOfLocals('A', 'B');
    r.add(slowLink('SlowA', a, () => (a.value() as bigint) * 10n));
    const seen: string[] = [];
    let ends = 0;
    r.addVarListener(
      (p, val) => seen.push(`${p}=${String((val as VariableValue).value)}`),
      () => ends++,
    );
    await r.start();
    await r.waitOnUpdate(); // what starting publishes (the Processes' Progress)
    seen.length = 0;
    ends = 0;
    try {
      a.set(1n); // a batch of A and SlowA: SlowA's value is ready 5 ms later
      b.set(2n); // queued behind it
      a.set(3n);
      await r.waitOnUpdate();
      // values as they are when delivered (pyrogue's worker reads them then); B waits for SlowA's batch
      expect(seen).toEqual(['Root.A=3', 'Root.SlowA=30', 'Root.B=2', 'Root.A=3', 'Root.SlowA=30']);
      expect(ends).toBe(3);
      await r.waitOnUpdate(); // nothing queued: resolves at once
      b.set(4n);
      await r.waitOnUpdate();
      expect(seen.slice(5)).toEqual(['Root.B=4']);
      expect(ends).toBe(4);
    } finally {
      await r.stop();
    }
  });

  test('an update queued by a listener during a delivery waits for the batches before it, also when one of them is asynchronous', async () => {
    const [r, a, b, c] = rootOfLocals('A', 'B', 'C');
    r.add(slowLink('SlowB', b, () => b.value()));
    const seen: string[] = [];
    r.addVarListener((p) => {
      seen.push(p);
      if (p === 'Root.A') b.set(1n); // queued from inside the worker, while it runs
    });
    await r.start();
    await r.waitOnUpdate(); // what starting publishes (the Processes' Progress)
    seen.length = 0;
    try {
      a.set(1n);
      c.set(1n);
      await r.waitOnUpdate();
      expect(seen).toEqual(['Root.A', 'Root.C', 'Root.B', 'Root.SlowB']);
      c.set(2n);
      await r.waitOnUpdate();
      expect(seen.slice(4)).toEqual(['Root.C']);
    } finally {
      await r.stop();
    }
  });

  test('variable function listeners', async () => {
    const seen: [string, PyValue][] = [];
    const f = (p: string, val: VariableValue) => seen.push([p, val.value]);
    (demo.child('Int') as BaseVariable).addListener(f);
    (demo.child('Int') as LocalVariable).set(8n);
    await root.waitOnUpdate();
    (demo.child('Int') as BaseVariable).delListener(f);
    (demo.child('Int') as LocalVariable).set(9n);
    await root.waitOnUpdate();
    expect(seen).toEqual([['Root.Demo.Int', 8n]]);
  });

  test('commands: call, callDisp, __call__, published argument, return values', async () => {
    const m = demo.child('Multiply') as BaseCommand;
    expect(await call(m, '__call__', [4n])).toBe(12n);
    expect(await call(m, 'callDisp', ['6'])).toBe('18');
    expect(await call(demo.child('NoArg')!, '__call__', [null])).toBeNull();
    await root.waitOnUpdate();
    expect(paths()).toEqual([['Root.Demo.Multiply'], ['Root.Demo.Multiply']]);
    expect(m.arg).toBe(true);
    expect(m.retTypeStr).toBe('int');
  });

  test('a failing command raises its Python error and logs like pyrogue', async () => {
    const e = await pyErr(() => call(demo.child('Fail')!, '__call__'));
    expect(e.wireText).toBe('builtins.ValueError: command failed on purpose');
    await root.waitOnUpdate();
    expect(paths()).toEqual([['Root.SystemLogLast', 'Root.SystemLog']]);
    const last = JSON.parse(root.SystemLogLast.value() as string);
    expect(last).toMatchObject({
      name: 'pyrogue.Command.BaseCommand.Root.Demo.Fail',
      message: 'command failed on purpose',
      exception: 'ValueError',
      levelName: 'ERROR',
    });
    expect(Array.isArray(last.traceBack)).toBe(true);
    expect(JSON.parse(root.SystemLog.value() as string)).toHaveLength(1);
    await call(root.child('ClearLog')!, '__call__');
    expect(root.SystemLog.value()).toBe('[]');
  });

  test('async command functions are awaited', async () => {
    const d = new Device({ name: 'Async' });
    const r = new Root({ name: 'R', heartbeatMs: 0, pollEn: false });
    d.add(
      new LocalCommand({
        name: 'Slow',
        value: 0n,
        arg: true,
        function: async ({ arg }) => {
          await new Promise((res) => setTimeout(res, 5));
          if (arg === 0n) throw new PyValueError('zero');
          return (arg as bigint) + 1n;
        },
      }),
    );
    r.add(d);
    const c = r.getNode('R.Async.Slow')!;
    expect(await call(c, '__call__', [1n])).toBe(2n);
    const e = await pyErr(() => call(c, '__call__', [0n]));
    expect(e.wireText).toBe('builtins.ValueError: zero');
  });

  test('disabled device: commands do nothing', async () => {
    await call(demo.child('enable')!, 'set', [false]);
    expect(await call(demo.child('Multiply')!, '__call__', [2n])).toBeNull();
    expect(demo.child('enable')!.pyGetAttr('typeStr')).toBe('bool');
  });

  test('ReadAll publishes every variable of the tree in one batch (dependents last)', async () => {
    expect(await call(root.child('ReadAll')!, '__call__')).toBe(true);
    await root.waitOnUpdate();
    expect(batches).toHaveLength(1);
    const p = paths()[0];
    expect(p[0]).toBe('Root.RogueVersion');
    expect(p.slice(-2)).toEqual(['Root.LocalTime', 'Root.Demo.IntTimesTwo']);
    expect(p).not.toContain('Root.Demo.NoServeVar');
    expect(p).not.toContain('Root.enable');
  });
});

describe('leaves share their empty child maps and listener lists', () => {
  test('giving one node children or listeners gives none to any other', async () => {
    const a = new Node({ name: 'A' });
    const b = new Node({ name: 'B' });
    a.add(new LocalVariable({ name: 'X', value: 1n }), new LocalVariable({ name: 'Ch[0]', value: 0n }));
    expect([...a.nodes.keys()]).toEqual(['X', 'Ch[0]']);
    expect(a.nodeList('Ch')).toHaveLength(1);
    expect(b.nodes.size).toBe(0);
    expect(b.nodeList('Ch')).toEqual([]);
    expect(new Node({ name: 'C' }).nodes.size).toBe(0);
    expect((a.child('X') as LocalVariable).nodes.size).toBe(0);
    expect([...new Device({ name: 'E' }).nodes.keys()]).toEqual(['enable', 'ReadDevice', 'WriteDevice']);

    const root = new Root({ name: 'Root', heartbeatMs: 0, pollEn: false });
    const v1 = new LocalVariable({ name: 'V1', value: 1n });
    const v2 = new LocalVariable({ name: 'V2', value: 2n });
    const v3 = new LocalVariable({ name: 'V3', value: 3n });
    const d = new Device({ name: 'D' });
    d.add(v1, v2, v3);
    root.add(d);
    await root.start();
    try {
      const seen: string[] = [];
      const once = (path: string) => {
        seen.push(`once ${path}`);
        v1.delListener(once); // removing itself while being notified
      };
      const always = (path: string) => seen.push(`always ${path}`);
      v1.addListener(once);
      v1.addListener(always);
      v3.addDependency(v1);
      expect(v3.dependencies).toEqual([v1]);
      expect(v1.dependencies).toEqual([]);
      expect(v2.dependencies).toEqual([]);
      v2.set(5n);
      await root.waitOnUpdate();
      expect(seen).toEqual([]);
      v1.set(7n);
      await root.waitOnUpdate();
      v1.set(8n);
      await root.waitOnUpdate();
      expect(seen).toEqual(['once Root.D.V1', 'always Root.D.V1', 'always Root.D.V1']);
    } finally {
      await root.stop();
    }
  });
});

describe('heartbeat and polling', () => {
  test('Time and LocalTime publish together every heartbeat', async () => {
    const root = new Root({ name: 'Root', heartbeatMs: 20, pollEn: false });
    const got: string[][] = [];
    let cur: string[] = [];
    root.addVarListener(
      (p) => cur.push(p),
      () => {
        got.push(cur);
        cur = [];
      },
    );
    await root.start();
    await root.waitOnUpdate();
    got.length = 0; // what starting publishes
    await waitFor(() => got.length >= 2, 'two heartbeats');
    await root.stop();
    await root.waitOnUpdate();
    expect(got.length).toBeGreaterThanOrEqual(2);
    expect(got[0]).toEqual(['Root.Time', 'Root.LocalTime']);
    expect(root.LocalTime.value()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$/);
  });

  test('polled variables are read when PollEn is set', async () => {
    const root = new Root({ name: 'Root', heartbeatMs: 0, pollEn: false });
    const d = new Device({ name: 'D' });
    let n = 0n;
    d.add(new LocalVariable({ name: 'Cnt', mode: 'RO', value: 0n, pollInterval: 0.05, localGet: () => ++n }));
    root.add(d);
    const seen: string[] = [];
    root.addVarListener((p) => seen.push(p), null);
    await root.start();
    await new Promise((r) => setTimeout(r, 150));
    expect(seen.filter((p) => p === 'Root.D.Cnt')).toHaveLength(0);
    root.PollEn.set(true);
    await waitFor(() => seen.filter((p) => p === 'Root.D.Cnt').length >= 2, 'two polls');
    await root.stop();
    await root.waitOnUpdate();
    expect(seen.filter((p) => p === 'Root.D.Cnt').length).toBeGreaterThanOrEqual(2);
  });

  test('LinkVariable with a direct variable link', () => {
    const a = new LocalVariable({ name: 'A', value: 3n, disp: '{:#x}' });
    const l = new LinkVariable({ name: 'L', variable: a });
    const d = new Device({ name: 'D' });
    d.add(a, l);
    expect(l.mode).toBe('RW');
    expect(l.value()).toBe(3n);
    expect(l.disp).toBe('{:#x}');
    void l.set(4n);
    expect(a.value()).toBe(4n);
  });
});
