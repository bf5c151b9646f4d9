/**
 * pyrogue's rules off the recorded path, each derived from pyrogue v6.15's source and checked
 * side by side with the real server (not against a recording): value checks on set, command
 * arguments, the YAML config walk (node matching, slices, logs, !include), a LinkVariable's
 * poll interval, SystemLog entries.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createReferenceRoot } from '../src/examples/reference';
import { createExampleRoot } from '../src/examples/example';
import { BaseVariable, Device, EmulatedMemory, LinkVariable, LocalCommand, LocalVariable, Node, RemoteCommand, RemoteVariable, Root, UInt } from '../src/tree';
import { PyError } from '../src/py/errors';
import { NdArray, NpDtype, NpScalar, PyDict, PyTuple, PyValue } from '../src/py/values';
import { pyCall as call } from './support/tree';

async function wire(p: () => unknown): Promise<string> {
  try {
    await p();
  } catch (e) {
    if (e instanceof PyError) return e.wireText;
    throw e;
  }
  return 'no exception';
}
interface Entry {
  name: string;
  message: string;
  levelName: string;
  levelNumber: number;
  exception: string | null;
}
function log(root: Root): Entry[] {
  return JSON.parse(root.SystemLog.value() as string) as Entry[];
}
const messages = (root: Root) => log(root).map((e) => e.message);
/** A call that may throw synchronously or reject, as a promise. */
const later = (f: () => unknown): Promise<unknown> => Promise.resolve().then(f);

async function started(...nodes: Node[]): Promise<Root> {
  const root = new Root({ name: 'Root', heartbeatMs: 0, pollEn: false });
  const d = new Device({ name: 'Dev' });
  d.add(...nodes);
  root.add(d);
  await root.start();
  return root;
}

describe('value checks on set (LocalBlock.set order: range, then type)', () => {
  test('a maximum alone: Min=None in the text; the value is unchanged', async () => {
    const v = new LocalVariable({ name: 'V', value: 1.0, maximum: 5.0 });
    // int limits against a float value compare exactly, as Python does (2**53 + 1 < 2.0**53 + 2)
    const w = new LocalVariable({ name: 'W', value: 0.0, minimum: 0n, maximum: 9007199254740993n });
    await started(v, w);
    expect(await wire(() => call(v, 'set', [6.5]))).toBe('pyrogue._Variable.VariableError: Value range error for V. Value=6.5, Min=None, Max=5.0');
    expect(v.value()).toBe(1.0);
    expect(await wire(() => call(w, 'set', [9007199254740994]))).toBe(
      'pyrogue._Variable.VariableError: Value range error for W. Value=9007199254740994.0, Min=0, Max=9007199254740993',
    );
  });

  test('unorderable values fail the range check with the other operator when only a maximum is set', async () => {
    const v = new LocalVariable({ name: 'V', value: 1.0, maximum: 5.0 });
    await started(v);
    expect(await wire(() => call(v, 'set', ['x']))).toBe("builtins.TypeError: '>' not supported between instances of 'str' and 'float'");
    expect(await wire(() => call(v, 'set', [[1n]]))).toContain('Type mismatch'); // lists skip the range check
  });

  test('isinstance: bool is an int, numpy.float64 is a float, numpy.float32 is not; the log names the failure', async () => {
    const i = new LocalVariable({ name: 'I', value: 1n });
    const f = new LocalVariable({ name: 'F', value: 1.0 });
    const root = await started(i, f);
    await call(i, 'set', [true]);
    expect(i.value()).toBe(true);
    await call(f, 'set', [NpScalar.of(NpDtype.float64, 2.5)]);
    expect(f.value()).toBeInstanceOf(NpScalar);
    expect(await wire(() => call(f, 'set', [NpScalar.of(NpDtype.float32, 1.5)]))).toBe(
      "pyrogue._Variable.VariableError: Type mismatch for Root.Dev.F: expected <class 'float'>, got <class 'numpy.float32'>. If this variable intentionally changes Python types, construct it with typeCheck=False.",
    );
    expect(log(root).slice(-2)).toEqual([
      expect.objectContaining({ name: 'pyrogue.Variable.LocalVariable.Root.Dev.F', exception: 'VariableError', levelNumber: 40 }),
      expect.objectContaining({
        exception: null,
        message: expect.stringMatching(/^Error setting value 1\.5 to variable Root\.Dev\.F with type float\. Exception=Type mismatch/),
      }),
    ]);
    expect(root.SystemLog.value()).toContain('"levelNumber": 40}'); // an int in the JSON text, not 40.0
  });

  test('typeCheck: false lets the value change type', async () => {
    const v = new LocalVariable({ name: 'V', value: 1n, typeCheck: false });
    await started(v);
    await call(v, 'set', ['now a str']);
    expect(v.value()).toBe('now a str');
    expect(v.valueDisp()).toBe('now a str');
  });

  test('indexed sets skip both checks; reading the old item fails first', async () => {
    const l = new LocalVariable({ name: 'L', value: [1n, 2n], maximum: 0n });
    const a = new LocalVariable({ name: 'A', value: NdArray.from(NpDtype.int16, [1n, 2n]) });
    const t = new LocalVariable({ name: 'T', value: new PyTuple([1n]) });
    await started(l, a, t);
    await call(l, 'set', ['x'], { index: 1n });
    expect(l.value()).toEqual([1n, 'x']);
    expect(await wire(() => call(l, 'set', [0n], { index: 2n }))).toBe('builtins.IndexError: list index out of range');
    expect(await wire(() => call(t, 'set', [0n], { index: 0n }))).toBe("builtins.TypeError: 'tuple' object does not support item assignment");
    expect(await wire(() => call(a, 'set', ['q'], { index: 0n }))).toBe("builtins.ValueError: invalid literal for int() with base 10: 'q'");
    await call(a, 'set', ['7'], { index: 0n }); // numpy converts a numeric str
    expect((a.value() as NdArray).items()).toEqual([7n, 2n]);
    // an indexed set makes a new array: the old value keeps its bytes, also when they are a Buffer's
    const bytes = Buffer.from([1, 0, 2, 0]);
    const b = new LocalVariable({ name: 'B', value: new NdArray(NpDtype.int16, [2], bytes) });
    await started(b);
    const before = b.value() as NdArray;
    await call(b, 'set', [9n], { index: 1n });
    expect([(b.value() as NdArray).items(), before.items(), Array.from(bytes)]).toEqual([
      [1n, 9n],
      [1n, 2n],
      [1, 0, 2, 0],
    ]);
  });

  test('setDisp parses as ast.literal_eval: 1e3 is a float, so an int variable refuses it', async () => {
    const v = new LocalVariable({ name: 'V', value: 1n });
    const arr = new LocalVariable({ name: 'Arr', value: NdArray.from(NpDtype.float64, [0, 0]) });
    await started(v, arr);
    expect(await wire(() => call(v, 'setDisp', ['1e3']))).toContain("expected <class 'int'>, got <class 'float'>");
    await call(arr, 'setDisp', ['[None, 2]']); // np.array([None, 2], float64): nan
    expect(arr.valueDisp()).toBe('[nan, 2.0]');
  });
});

describe('commands', () => {
  test('arg is declared: a declared one is kept and published, an undeclared one is passed but not kept', async () => {
    const seen: PyValue[] = [];
    const kept = new LocalCommand({ name: 'Kept', value: 1n, arg: true, function: ({ arg }) => void seen.push(arg) });
    const passed = new LocalCommand({ name: 'Passed', value: 1n, function: ({ arg }) => void seen.push(arg) });
    const root = await started(kept, passed);
    expect(kept.arg).toBe(true);
    expect(passed.arg).toBe(false);
    const published: string[] = [];
    root.addVarListener((p) => published.push(p));
    await call(kept, '__call__', ['5']); // parsed like setDisp
    await call(kept, '__call__'); // no argument: the last one
    await call(passed, '__call__', [7n]);
    await call(passed, '__call__');
    expect(seen).toEqual([5n, 5n, 7n, 1n]);
    expect(kept.value()).toBe(5n);
    expect(passed.value()).toBe(1n);
    expect(published).toEqual(['Root.Dev.Kept', 'Root.Dev.Kept']);
    await call(kept, 'set', [9n]); // a local command has no value to set
    expect(kept.value()).toBe(5n);
  });

  test('a RemoteCommand touches memory only through its function', async () => {
    const mem = new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 });
    const root = new Root({ name: 'Root', heartbeatMs: 0, pollEn: false });
    const d = new Device({ name: 'Dev', memBase: mem });
    const reg = new RemoteVariable({ name: 'Reg', offset: 0, bitSize: 32, base: UInt, mode: 'RW', overlapEn: true });
    const plain = new RemoteCommand({ name: 'Plain', offset: 0, bitSize: 8, base: UInt, overlapEn: true, function: () => null });
    const touch = new RemoteCommand({ name: 'Touch', offset: 0, bitSize: 8, base: UInt, overlapEn: true, arg: true, function: ({ cmd, arg }) => cmd.set(arg) });
    d.add(reg, plain, touch);
    root.add(d);
    await root.start();
    await call(plain, '__call__', [5n]);
    expect(await call(reg, 'get')).toBe(0n);
    await call(touch, '__call__', [6n]);
    expect(await call(reg, 'get')).toBe(6n);
    await root.stop();
  });

  test("flag arguments (read=, write=) are tested with Python's bool(): an empty tuple, dict or bytes is False", async () => {
    const mem = new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 });
    const root = new Root({ name: 'Root', heartbeatMs: 0, pollEn: false });
    const d = new Device({ name: 'Dev', memBase: mem });
    const reg = new RemoteVariable({ name: 'Reg', offset: 0, bitSize: 32, base: UInt, mode: 'RW' });
    d.add(reg);
    root.add(d);
    await root.start();
    expect(await call(reg, 'get')).toBe(0n);
    mem.poke(0, Uint8Array.of(7, 0, 0, 0)); // behind the tree's back
    for (const falsy of [new PyTuple([]), new PyDict(), new Uint8Array(0), 0n, ''] as PyValue[]) {
      expect(await reg.pyCall('get', [], { read: falsy })).toBe(0n); // no read: the cached value
    }
    expect(await reg.pyCall('get', [], { read: new PyTuple([1n]) })).toBe(7n);
    await root.stop();
  });
});

describe('YAML config walk', () => {
  async function tree(): Promise<Root> {
    const root = createReferenceRoot({ heartbeatMs: 0, withoutAxiVersion: true });
    await root.start();
    return root;
  }

  test('array children by wildcard, slice, step and negative index; keys past the end match nothing', async () => {
    const root = await tree();
    const chan = (i: number) => root.getNode(`Root.Demo.Chan[${i}]`) as BaseVariable;
    await root.setYaml('Root:\n  Demo:\n    Chan[*]: 1\n');
    expect([0, 1, 2].map((i) => chan(i).value())).toEqual([1n, 1n, 1n]);
    await root.setYaml('Root:\n  Demo:\n    Chan[::2]: 2\n    Chan[-1:]: 3\n');
    expect([0, 1, 2].map((i) => chan(i).value())).toEqual([2n, 1n, 3n]);
    root.clearLog();
    await root.setYaml('Root:\n  Demo:\n    Chan[7]: 4\n    Chan[1][0]: 5\n    Int[0]: 6\n');
    expect(messages(root)).toEqual(['Entry Chan[7] not found', 'Entry Chan[1][0] not found', "Entry Int with key ['0'] not found"]);
    expect(log(root)[0].name).toBe('pyrogue.Device.Demo.Root.Demo');
  });

  test('a key that is not text fails as re.split does; entries run in YAML order up to the failure', async () => {
    const root = await tree();
    await expect(later(() => root.setYaml('Root:\n  Demo:\n    Int: 5\n    1: 2\n    Negative: 6\n'))).rejects.toThrow(
      "expected string or bytes-like object, got 'int'",
    );
    expect(root.getNode('Root.Demo.Int')!.pyGetAttr('value')).toBeDefined();
    expect((root.getNode('Root.Demo.Int') as BaseVariable).value()).toBe(5n);
    expect((root.getNode('Root.Demo.Negative') as BaseVariable).value()).toBe(-5n);
  });

  test('Var[slice] on a RemoteVariable list: broadcast, shlex-split text, YAML lists, dict form', async () => {
    const mem = new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 });
    const root = new Root({ name: 'Root', heartbeatMs: 0, pollEn: false });
    const d = new Device({ name: 'Dev', memBase: mem });
    const arr = new RemoteVariable({ name: 'Arr', offset: 0, bitSize: 16, numValues: 6, valueBits: 16, valueStride: 16, base: UInt, mode: 'RW' });
    d.add(arr);
    root.add(d);
    await root.start();
    const vals = async () => ((await arr.get()) as NdArray).items();
    await root.setYaml('Root:\n  Dev:\n    Arr[1:3]: 6\n');
    expect(await vals()).toEqual([0n, 6n, 6n, 0n, 0n, 0n]);
    await root.setYaml('Root:\n  Dev:\n    Arr[3:6]: \'[7, "8", 9]\'\n');
    expect(await vals()).toEqual([0n, 6n, 6n, 7n, 8n, 9n]);
    await root.setYaml('Root:\n  Dev:\n    Arr[:2]: [1, 2]\n    Arr:\n      5: 0x10\n');
    expect(await vals()).toEqual([1n, 2n, 6n, 7n, 8n, 16n]);
    await root.setYaml("Root:\n  Dev:\n    Arr: '[1.0, 0.5, 0, 0, 0, 0]'\n"); // parseDisp: np.array(literal_eval(s), dtype)
    expect(await vals()).toEqual([1n, 0n, 0n, 0n, 0n, 0n]);
    await root.stop();
  });

  test('slices of a Python-side list variable fail as pyrogue fails (LocalVariable has no _numValues)', async () => {
    const root = await tree();
    await expect(later(() => call(root.getNode('Root.SetYamlConfig')!, '__call__', ['Root:\n  Demo:\n    List[0:2]: 1\n']))).rejects.toThrow(
      "<class 'pyrogue._Variable.LocalVariable'> - Root.Demo.List has no attribute _numValues",
    );
    expect(log(root).at(-1)).toMatchObject({ name: 'pyrogue.Command.BaseCommand.Root.SetYamlConfig', exception: 'AttributeError' });
  });

  test('!include is relative to the including file; an include from a string has no base', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-yaml-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'top.yml'), 'Root:\n  Demo: !include sub/demo.yml\n');
    fs.writeFileSync(path.join(dir, 'sub', 'demo.yml'), 'Int: 41\nText: !include text.yml\n');
    fs.writeFileSync(path.join(dir, 'sub', 'text.yml'), 'included\n');
    const root = await tree();
    await root.loadYaml(path.join(dir, 'top.yml'));
    expect((root.getNode('Root.Demo.Int') as BaseVariable).value()).toBe(41n);
    expect((root.getNode('Root.Demo.Text') as BaseVariable).value()).toBe('included');
    await expect(later(() => root.setYaml('Root:\n  Demo: !include sub/demo.yml\n'))).rejects.toThrow(
      'expected str, bytes or os.PathLike object, not ScalarNode',
    );
    await expect(later(() => root.loadYaml(path.join(dir, 'top.txt')))).rejects.toThrow('must be a directory or end in .yml or .yaml');
  });

  test('PyYAML scalars reach setDisp typed: tags, hex/octal ints, YAML 1.1 bools, nulls', async () => {
    const root = await tree();
    const v = (n: string) => (root.getNode(`Root.Demo.${n}`) as BaseVariable).value();
    await root.setYaml('Root:\n  Demo:\n    Int: 0o17\n    Negative: -0x10\n    Float: !!float 3\n    Bool: on\n    Text: !!str 2020-01-01\n');
    expect([v('Int'), v('Negative'), v('Float'), v('Bool'), v('Text')]).toEqual([15n, -16n, 3.0, true, '2020-01-01']);
    await expect(later(() => root.setYaml('Root:\n  Demo:\n    Text: ~\n'))).rejects.toThrow("got <class 'NoneType'>");
    await expect(later(() => root.setYaml('Root:\n  Demo:\n    Text: !!python/name:os.system\n'))).rejects.toThrow('could not determine a constructor');
  });

  test.each([
    ['reference', () => createReferenceRoot({ heartbeatMs: 0 })],
    ['example', () => createExampleRoot({ pollEn: false })],
  ])('setYaml(getYaml()) is a round trip on the %s tree, arrays included', async (_name, make) => {
    const root = make();
    await root.start();
    const before = await root.getYaml({ modes: ['RW', 'WO'], excGroups: ['NoConfig'] });
    root.clearLog();
    await root.setYaml(before);
    expect(log(root).filter((e) => e.levelNumber >= 40)).toEqual([]);
    expect(await root.getYaml({ modes: ['RW', 'WO'], excGroups: ['NoConfig'] })).toBe(before);
    await root.stop();
  });
});

describe('polling', () => {
  test('a polled LinkVariable gives its interval to dependencies that poll slower or not at all', async () => {
    const a = new LocalVariable({ name: 'A', value: 1n });
    const b = new LocalVariable({ name: 'B', value: 1n, pollInterval: 0.5 });
    const c = new LocalVariable({ name: 'C', value: 1n, pollInterval: 5 });
    const link = new LinkVariable({ name: 'Sum', dependencies: [a, b, c], pollInterval: 2, linkedGet: () => 0n });
    await started(a, b, c, link);
    expect([a.pollInterval, b.pollInterval, c.pollInterval]).toEqual([2, 0.5, 2]);
    expect(link.pollInterval).toBe(0.5); // a link reports its dependencies' shortest
  });
});

describe('typed look-ups', () => {
  test('getNode with a class checks and types the node', async () => {
    const root = createReferenceRoot({ heartbeatMs: 0, withoutAxiVersion: true });
    const v: LocalVariable | null = root.getNode('Root.Demo.Int', LocalVariable);
    expect(v?.value()).toBe(1n);
    expect(root.getNode('Root.Demo.Missing', LocalVariable)).toBeNull();
    expect(() => root.getNode('Root.Demo', LocalVariable)).toThrow("getNode('Root.Demo'): the node is a Demo, not a LocalVariable");
  });
});
