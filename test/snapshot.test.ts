/**
 * Snapshots in process (src/snapshot): the tagged JSON of Python values,
 * the walk of a tree through the server's request core, the tree built from
 * a snapshot (classes, registers on emulated memory, pyrogue's checks), the
 * comparison of two walks, and the TypeScript port's text. The CLI, sockets,
 * tsc and real pyrogue are in interop/snapshot*.test.ts.
 */
import * as ts from 'typescript';
import { encodeRequest } from '../src/client/channel';
import { encodeSimpleRequest } from '../src/client/pipeline';
import { fromTagged, taggedKey, toTagged } from '../src/py/tagged';
import {
  NdArray,
  NpDtype,
  NpScalar,
  PyByteArray,
  PyComplex,
  PyDict,
  PyFrozenSet,
  PyGlobal,
  PyObject,
  PyOrderedDict,
  PySet,
  PyTuple,
  type PyValue,
} from '../src/py/values';
import {
  buildTree,
  compareSnapshots,
  compareWrites,
  memorySpaces,
  modelOf,
  portTree,
  readSnapshot,
  reportLines,
  Snapshot,
  SnapshotError,
  summary,
  testValue,
  walkWith,
  writeSnapshot,
  type Requester,
  type SnapshotFile,
} from '../src/snapshot';
import { createExampleRoot } from '../src/examples/example';
import { createReferenceRoot } from '../src/examples/reference';
import { classInfo, func, prop, pyClassFromSpec, type PyClassSpec } from '../src/tree/pyclass';
import { Device } from '../src/tree/device';
import { EmulatedMemory } from '../src/tree/memory';
import * as models from '../src/tree/model';
import { Bool, Fixed, Int, IntBE, UInt, UIntBE } from '../src/tree/model';
import { RemoteVariable } from '../src/tree/remote';
import { Root } from '../src/tree/root';
import { LinkVariable, LocalVariable } from '../src/tree/variable';
import { BaseCommand } from '../src/tree/command';
import { copyOf, generatedRoot, inProcess, served, snapshotOf } from './support/snapshot';
import { ClientProtocolError, RemoteError } from '../src/client/errors';

jest.setTimeout(120000);

const roundTrip = (v: PyValue): PyValue => fromTagged(JSON.parse(JSON.stringify(toTagged(v))));

describe('tagged JSON of Python values', () => {
  const values: [string, PyValue][] = [
    ['None', null],
    ['bools', [true, false]],
    ['ints', [0n, -5n, 2n ** 53n - 1n, 2n ** 64n - 1n, -(2n ** 70n)]],
    ['floats', [1.5, 1.0, -0.0, NaN, Infinity, -Infinity, 1e300, 5e-324]],
    ['str', 'héllo\n"x"'],
    ['tuple', new PyTuple([1n, 'a', new PyTuple([])])],
    [
      'dict with keys of every type',
      new PyDict([
        [1n, 'one'],
        ['1', 'str one'],
        [1.5, 'float'],
        [false, 'bool'],
        [new PyTuple([1n, 2n]), 'tuple'],
        [null, 'None'],
      ]),
    ],
    [
      'OrderedDict',
      new PyOrderedDict([
        ['b', 1n],
        ['a', 2n],
      ]),
    ],
    ['set, frozenset', [new PySet([1n, 'x']), new PyFrozenSet([2n])]],
    ['bytes, bytearray', [Uint8Array.from([0, 255, 7]), new PyByteArray(Uint8Array.from([1, 2]))]],
    ['complex', new PyComplex(1.5, -0.0)],
    ['ndarray float64 2-d', NdArray.from(NpDtype.float64, [0.5, 1.5, 2.5, 3.5, 4.5, 5.5], [2, 3])],
    ['ndarray big-endian uint16', NdArray.from(NpDtype.parse('>u2'), [1n, 65535n])],
    ['ndarray fortran', new NdArray(NpDtype.int32, [2, 2], new Uint8Array(16), true)],
    ['numpy scalar', NpScalar.of(NpDtype.float32, 1.25)],
    ['class', new PyGlobal('numpy', 'ndarray')],
    ['object', PyObject.instance('pyrogue._Model', 'UInt', PyDict.from({ bitSize: 32n, name: 'UInt32' }))],
    ['nested', [new PyDict([[0n, [1.0, new PyTuple([])]]]), null]],
  ];
  test.each(values)('%s round-trips with its exact types', (_name, v) => {
    expect(taggedKey(roundTrip(v))).toBe(taggedKey(v));
  });
  test('an int and a float of the same number stay apart; a bare float is refused', () => {
    expect(JSON.stringify(toTagged(1n))).toBe('1');
    expect(JSON.stringify(toTagged(1.0))).toBe('{"float":1}');
    expect(roundTrip(1.0)).toBe(1.0);
    expect(typeof roundTrip(1n)).toBe('bigint');
    expect(() => fromTagged(1.5)).toThrow(/bare number 1.5 is not an int/);
    expect(() => fromTagged({ what: 1 })).toThrow(/unknown form/);
    expect(() => fromTagged({ ndarray: '<f8', shape: [2], data: '00' })).toThrow(/ndarray data/);
  });
});

describe('pipelined requests', () => {
  test("the short-cut request encoder writes pickle.dumps's bytes", () => {
    for (const [path, attr, args] of [
      ['Root.A', 'units', []],
      ['Root.Ü.B[3]', 'getVariableValue', [true]],
      ['Root', null, []],
      ['Root.X', 'getVariableValue', [false]],
    ] as [string, string | null, PyValue[]][]) {
      const fast = encodeSimpleRequest(path, attr, args, new PyDict());
      expect(fast).not.toBeNull();
      expect(Buffer.compare(fast!, encodeRequest(path, attr, args, new PyDict()))).toBe(0);
    }
    expect(encodeSimpleRequest('Root.A', 'set', [5n], new PyDict())).toBeNull();
    expect(encodeSimpleRequest('x'.repeat(300), 'units', [], new PyDict())).toBeNull();
  });
});

describe('classes with Python metadata given at run time', () => {
  test('pyClassFromSpec: recorded name, bases, props and funcs; behaviour of the class it extends', () => {
    const spec: PyClassSpec = {
      name: 'Fancy',
      bases: ["<class 'lab.Fancy'>", "<class 'lab.Base'>", "<class 'pyrogue._Variable.LocalVariable'>", "<class 'pyrogue._Node.Node'>"],
      props: ['mode', 'extra'],
      funcs: [
        ['get', { args: ['read'], kwargs: [] }],
        ['poke', { args: ['x'], kwargs: ['y'] }],
      ] as [string, { args: string[]; kwargs: string[] }][],
      members: { extra: prop(() => 'recorded'), poke: func('Fancy.poke', [['x', null]], [['y', null]], () => 7n) },
    };
    const Fancy = pyClassFromSpec(LocalVariable, spec);
    const info = classInfo(Fancy);
    expect(info.name).toBe('Fancy');
    expect(info.module).toBe('lab');
    expect(info.bases).toEqual(spec.bases);
    expect(info.props).toEqual(['mode', 'extra']);
    expect([...info.funcsDict.keys()]).toEqual(['get', 'poke']);
    const v = new Fancy({ name: 'F', value: 3n, mode: 'RO' });
    expect(v.pyGetAttr('mode')).toBe('RO');
    expect(v.pyGetAttr('extra')).toBe('recorded');
    expect(String(v)).toBe("<class 'lab.Fancy'> - F");
    expect(classInfo(LocalVariable).name).toBe('LocalVariable'); // the parent class is untouched
  });
});

describe('snapshot, serve, compare in process', () => {
  test('reference tree: the served snapshot is identical, writes and read-backs too', async () => {
    const orig = createReferenceRoot({ heartbeatMs: 0 });
    const fa = await snapshotOf(orig);
    expect(fa.nodes[0].path).toBe('Root');
    expect(fa.nodes.length).toBe(191);
    expect(Object.keys(fa.classes)).toContain('reference_root.Demo');
    const root = await served(fa);
    expect(root.snapshotReport.warnings).toEqual([]);
    expect(root.snapshotReport.props).toEqual([]);
    const fb = await snapshotOf(root);
    const r = compareSnapshots(fa, fb);
    expect(r.differences).toEqual([]);
    expect(summary(r)).toMatch(/^identical: .* \(191 nodes, \d+ props, \d+ values compared\)$/);
    await compareWrites(inProcess(orig), inProcess(root), fa, fb, r);
    expect(r.differences).toEqual([]);
    expect(r.compared.writes).toBeGreaterThan(10);
    await orig.stop();
    await root.stop();
  });

  test('example tree', async () => {
    const orig = createExampleRoot();
    const fa = await snapshotOf(orig);
    const root = await served(fa);
    const r = compareSnapshots(fa, await snapshotOf(root));
    expect(r.differences).toEqual([]);
    await orig.stop();
    await root.stop();
  });

  test('a generated tree of 3,000 nodes', async () => {
    const orig = generatedRoot(3000);
    const t0 = Date.now();
    const fa = await snapshotOf(orig);
    const walkMs = Date.now() - t0;
    expect(fa.nodes.length).toBeGreaterThanOrEqual(3000);
    const root = await served(fa);
    const r = compareSnapshots(fa, await snapshotOf(root));
    expect(r.differences).toEqual([]);
    expect(walkMs).toBeLessThan(60000);
    await orig.stop();
    await root.stop();
  });
});

describe('the walk asks each variable for properties(), and the rest one by one', () => {
  /** A file's text without its creation time, and with the values of nodes that change by themselves (at each get) left out. */
  const text = (f: SnapshotFile, volatile: readonly string[] = []): string => {
    const c = copyOf(f);
    c.created = '';
    for (const n of c.nodes)
      if (volatile.some((v) => n.path.endsWith(v))) {
        delete n.value;
        delete n.valueDisp;
        delete n.props.alarmStatus;
        delete n.props.alarmSeverity;
      }
    return writeSnapshot(c);
  };
  const ROOT_CLOCK = ['.Time', '.LocalTime'];
  const EXAMPLE_MOVING = [...ROOT_CLOCK, '.Sine', '.Counter', '.Waveform'];
  /** A requester that counts the requests of each attribute and may answer some itself. */
  const counting = (inner: Requester, answer?: (path: string | null, attr: string | null) => PyValue | Error | undefined) => {
    const byAttr = new Map<string, number>();
    const r: Requester & { byAttr: Map<string, number> } = {
      address: inner.address,
      byAttr,
      get answered() {
        return inner.answered;
      },
      async request(path, attr, args) {
        byAttr.set(attr ?? '', (byAttr.get(attr ?? '') ?? 0) + 1);
        const a = answer?.(path, attr);
        if (a instanceof Error) throw a;
        if (a !== undefined) return a;
        return inner.request(path, attr, args);
      },
    };
    return r;
  };

  test.each([
    ['reference', ROOT_CLOCK],
    ['example', EXAMPLE_MOVING],
  ] as const)('%s tree: the same file as one request per property (with and without --read, all props or not)', async (which, moving) => {
    const root = which === 'reference' ? createReferenceRoot({ heartbeatMs: 0 }) : createExampleRoot({ pollEn: false });
    await root.start();
    for (const read of [false, true])
      for (const allProps of [false, true]) {
        const viaDict = counting(inProcess(root));
        const a = await walkWith(viaDict, { read, allProps });
        const b = await walkWith(inProcess(root), { read, allProps, properties: false });
        expect(text(a, moving)).toBe(text(b, moving));
        expect(viaDict.byAttr.get('properties')).toBe(a.nodes.filter((n) => n.value !== undefined).length);
      }
    await root.stop();
  });

  test('about three requests a variable (getVariableValue, properties, what the dict does not hold), not one per property', async () => {
    const root = generatedRoot(3000);
    await root.start();
    const viaDict = counting(inProcess(root));
    const a = await walkWith(viaDict, {});
    const perProp = inProcess(root);
    const b = await walkWith(perProp, { properties: false });
    expect(text(a, ROOT_CLOCK)).toBe(text(b, ROOT_CLOCK));
    const variables = a.nodes.filter((n) => n.value !== undefined).length;
    expect(variables).toBeGreaterThan(2900);
    expect(viaDict.answered).toBeLessThan(3.2 * a.nodes.length);
    expect(perProp.answered).toBeGreaterThan(12 * a.nodes.length);
    expect(viaDict.byAttr.get('getVariableValue')).toBe(variables);
    expect(viaDict.byAttr.get('properties')).toBe(variables);
    // held by the dict, never asked alone
    for (const held of ['units', 'mode', 'typeStr', 'bitSize', 'disp', 'varBytes']) expect(viaDict.byAttr.get(held)).toBeUndefined();
    await root.stop();
  });

  test('a server without properties(): each class asked once, then one request per property; the same file', async () => {
    const root = createReferenceRoot({ heartbeatMs: 0 });
    await root.start();
    const refusing = counting(inProcess(root), (path, attr) =>
      attr === 'properties' ? new RemoteError('builtins.AttributeError', `${path ?? ''} has no attribute properties`) : undefined,
    );
    // (one node at a time: the nodes worked on together may each be refused before the first refusal is known)
    const a = await walkWith(refusing, { nodesAtOnce: 1 });
    const b = await walkWith(inProcess(root), { properties: false });
    expect(text(a, ROOT_CLOCK)).toBe(text(b, ROOT_CLOCK));
    const variableClasses = new Set(a.nodes.filter((n) => n.value !== undefined).map((n) => n.class));
    expect(refusing.byAttr.get('properties')).toBe(variableClasses.size);
    await root.stop();
  });

  test('a node whose properties() fails (an exception, an undecodable reply, no dict) is recorded one property at a time', async () => {
    const root = createReferenceRoot({ heartbeatMs: 0 });
    await root.start();
    const failing = counting(inProcess(root), (path, attr) => {
      if (attr !== 'properties') return undefined;
      if (path === 'Root.Demo.Float') return new RemoteError('builtins.ValueError', 'a getter failed');
      if (path === 'Root.AxiVersion.ScratchPad') return new ClientProtocolError('undecodable reply: numpy thing', 'in-process:0');
      if (path === 'Root.Demo.Enum') return null;
      return undefined;
    });
    const a = await walkWith(failing, {});
    const b = await walkWith(inProcess(root), { properties: false });
    expect(text(a, ROOT_CLOCK)).toBe(text(b, ROOT_CLOCK));
    await root.stop();
  });
});

/** A snapshot of the reference tree, made once. */
let refFile: SnapshotFile | null = null;
async function reference(): Promise<SnapshotFile> {
  if (!refFile) {
    const r = createReferenceRoot({ heartbeatMs: 0 });
    refFile = await snapshotOf(r);
    await r.stop();
  }
  return copyOf(refFile);
}
const node = (f: SnapshotFile, path: string) => f.nodes.find((n) => n.path === path)!;

describe('compare names what differs', () => {
  const cases: [string, (f: SnapshotFile) => void, string, RegExp][] = [
    ['one prop', (f) => void (node(f, 'Root.Demo.Float').props.units = 'mV'), 'Root.Demo.Float', /^prop units$/],
    ['one value', (f) => void (node(f, 'Root.Demo.Int').value = 2), 'Root.Demo.Int', /^value$/],
    [
      'one enum entry',
      (f) => {
        const e = node(f, 'Root.Demo.Enum').props.enum as { dict: [unknown, unknown][] };
        e.dict[2][1] = 'Deux';
      },
      'Root.Demo.Enum',
      /^prop enum$/,
    ],
    [
      'one node',
      (f) => {
        f.nodes = f.nodes.filter((n) => n.path !== 'Root.Demo.Text');
        const demo = node(f, 'Root.Demo');
        demo.children = demo.children!.filter((c) => c !== 'Text');
      },
      'Root.Demo.Text',
      /^node$/,
    ],
  ];
  test.each(cases)('%s', async (_what, change, path, what) => {
    const fa = await reference();
    const fb = copyOf(fa);
    change(fb);
    const root = await served(fb);
    const r = compareSnapshots(fa, await snapshotOf(root));
    await root.stop();
    expect(r.identical).toBe(false);
    expect(r.differences.length).toBeGreaterThan(0);
    expect(r.differences.every((d) => d.path === path)).toBe(true);
    expect(r.differences.some((d) => what.test(d.what))).toBe(true);
    expect(summary(r)).toMatch(/^different: \d+ differences? in 1 node /);
  });

  test('volatile values (the Root clock, logs, install folder) compare by type; --volatile adds paths', async () => {
    const fa = await reference();
    const fb = copyOf(fa);
    node(fb, 'Root.Time').value = { float: 12.5 };
    node(fb, 'Root.RogueDirectory').value = '/elsewhere';
    node(fb, 'Root.Demo.Int').value = 99;
    expect(compareSnapshots(fa, fb).differences.map((d) => d.path)).toEqual(['Root.Demo.Int']);
    expect(compareSnapshots(fa, fb, { volatile: ['root.Demo.Int'] }).identical).toBe(true);
    node(fb, 'Root.Time').value = 'not a float';
    expect(compareSnapshots(fa, fb, { volatile: ['Root.Demo.Int'] }).differences).toEqual([
      { path: 'Root.Time', what: 'value type (volatile)', a: 'float', b: 'str' },
    ]);
  });
});

describe('the tree built from a snapshot', () => {
  test("LocalVariables keep pyrogue's checks; commands run nothing; a LinkVariable holds its value", async () => {
    const root = await served(await reference());
    const int = root.getNode('Root.Demo.Int') as LocalVariable;
    expect(() => int._pySet('x', {})).toThrow(/Type mismatch for Root.Demo.Int/);
    const float = root.getNode('Root.Demo.Float') as LocalVariable;
    expect(() => float._pySet(11.0, {})).toThrow(/Value range error for Float/);
    const mul = root.getNode('Root.Demo.Multiply') as BaseCommand;
    expect(await mul.call(4n)).toBeNull();
    expect(mul.value()).toBe(4n); // takes an argument: keeps it, as pyrogue does
    const link = root.getNode('Root.Demo.IntTimesTwo') as LinkVariable;
    expect(link.value()).toBe(2n);
    expect(link.dependencies.map((d) => d.path)).toEqual(['Root.Demo.Int']);
    expect(String(root.getNode('Root.Demo'))).toBe("<class 'reference_root.Demo'> - Root.Demo");
    await root.stop();
  });

  test('registers hold their recorded values in memory: bit fields, big-endian, lists, several offsets, values beyond min/max', async () => {
    const mem = new EmulatedMemory();
    const orig = new Root({ name: 'R', pollEn: false, heartbeatMs: 0 });
    const dev = new Device({ name: 'Dev', memBase: mem, offset: 0x100 });
    dev.add(
      new RemoteVariable({ name: 'Lo', offset: 0x0, bitSize: 4, bitOffset: 0, base: UInt }),
      new RemoteVariable({ name: 'Hi', offset: 0x0, bitSize: 4, bitOffset: 4, base: UInt }),
      new RemoteVariable({ name: 'Be', offset: 0x4, bitSize: 16, base: UIntBE }),
      new RemoteVariable({ name: 'Sb', offset: 0x8, bitSize: 16, base: IntBE }),
      new RemoteVariable({ name: 'Bounded', offset: 0xc, bitSize: 16, base: Int, minimum: -10n, maximum: 10n }),
      new RemoteVariable({ name: 'Fx', offset: 0x10, bitSize: 16, base: Fixed(16, 8) }),
      new RemoteVariable({ name: 'Flag', offset: 0x14, bitSize: 1, base: Bool, mode: 'RO' }),
      new RemoteVariable({ name: 'Split', offset: [0x18, 0x1c], bitOffset: [0, 0], bitSize: [8, 8], base: UInt }),
      new RemoteVariable({ name: 'List', offset: 0x20, bitSize: 32, numValues: 8, valueBits: 12, valueStride: 16, base: UInt, mode: 'RO' }),
    );
    orig.add(dev);
    for (let a = 0x100; a < 0x140; a++) mem.poke(a, Uint8Array.from([(a * 37 + 11) & 0xff]));
    await orig.start();
    await orig.readAll();
    const fa = await snapshotOf(orig, { read: true });
    expect(memorySpaces(new Snapshot(fa)).get('R.Dev')).toBe(4);
    const root = await served(fa);
    expect(root.snapshotReport.warnings).toEqual([]);
    const space = root.snapshotSpaces.get('R.Dev')!;
    const used = [0x100, 0x104, 0x105, 0x108, 0x109, 0x10c, 0x10d, 0x110, 0x111, 0x114, 0x118, 0x11c, ...Array.from({ length: 16 }, (_, i) => 0x120 + i)];
    for (const a of used)
      expect([a, space.peek(a, 1)[0] & (a === 0x114 ? 1 : a >= 0x120 && a % 2 === 1 ? 0x0f : 0xff)]).toEqual([
        a,
        mem.peek(a, 1)[0] & (a === 0x114 ? 1 : a >= 0x120 && a % 2 === 1 ? 0x0f : 0xff),
      ]);
    const bounded = root.getNode('R.Dev.Bounded') as RemoteVariable;
    const held = Number(await bounded.get());
    expect(held < -10 || held > 10).toBe(true); // what the register held, though beyond minimum/maximum
    await expect(Promise.resolve().then(() => bounded.set(11n))).rejects.toThrow(/Value range error/);
    const r = compareSnapshots(fa, await snapshotOf(root, { read: true }));
    expect(r.differences).toEqual([]);
    await orig.stop();
    await root.stop();
  });

  test('a property pyrogue-ts computes otherwise is served as recorded, and reported', async () => {
    const fa = await reference();
    node(fa, 'Root.AxiVersion.ScratchPad').props.varBytes = 8;
    const root = await served(fa);
    expect(root.snapshotReport.props).toEqual([{ path: 'Root.AxiVersion.ScratchPad', prop: 'varBytes', computed: '4', recorded: '8', served: true }]);
    expect(root.getNode('Root.AxiVersion.ScratchPad')!.pyGetAttr('varBytes')).toBe(8n);
    expect(reportLines(root.snapshotReport)[0]).toMatch(/^1 recorded property is served as recorded/);
    await root.stop();
  });

  test("the Root's built-in variables take their recorded values (after start sets the defaults)", async () => {
    const fa = await reference();
    node(fa, 'Root.ForceWrite').value = true;
    node(fa, 'Root.LoadConfigProcess.ConfigFile').value = '/data/lab.yml';
    const root = await served(fa);
    expect((root.getNode('Root.ForceWrite') as LocalVariable).value()).toBe(true);
    expect((root.getNode('Root.LoadConfigProcess.ConfigFile') as LocalVariable).value()).toBe('/data/lab.yml');
    expect(root.snapshotReport.warnings).toEqual([]);
    await root.stop();
  });

  test('a model pyrogue-ts does not have is a clear error', async () => {
    const fa = await reference();
    const base = node(fa, 'Root.AxiVersion.ScratchPad').props.base as { obj: string[] };
    base.obj = ['pyrogue._Model', 'NoSuchModel'];
    expect(() => buildTree(readSnapshot(writeSnapshot(fa)))).toThrow(SnapshotError);
    expect(() => buildTree(readSnapshot(writeSnapshot(fa)))).toThrow(
      'Root.AxiVersion.ScratchPad: model NoSuchModel is not one pyrogue-ts has (pyrogue._Model.NoSuchModel)',
    );
  });

  test('the file is checked: format, version, classes, children', async () => {
    const text = writeSnapshot(await reference());
    expect(readSnapshot(text).file.nodes.length).toBe(191);
    expect(() => readSnapshot('{}')).toThrow(/not a pyrogue-ts snapshot/);
    expect(() => readSnapshot(text.replace('"version": 1', '"version": 99'))).toThrow(/format version 99; this pyrogue-ts reads version 1/);
    expect(() => readSnapshot(text.replace('"children":["enable"', '"children":["nope","enable"'))).toThrow(/child 'nope' is not in the snapshot/);
  });
});

/** rogue v6.15's small float models and their BE forms, as python-fixtures/trees/float_zoo.py has them. */
const SMALL_FLOATS: [keyof typeof models, number][] = [
  ['Float16', 16],
  ['Float16BE', 16],
  ['Float8', 8],
  ['Float8BE', 8],
  ['BFloat16', 16],
  ['BFloat16BE', 16],
  ['TensorFloat32', 32],
  ['TensorFloat32BE', 32],
  ['Float6', 8],
  ['Float6BE', 8],
  ['Float4', 8],
  ['Float4BE', 8],
];

describe("rogue's small float models", () => {
  function floatRoot(): Root {
    const root = new Root({ name: 'Zoo', pollEn: false, heartbeatMs: 0 });
    const dev = new Device({ name: 'Accel', memBase: new EmulatedMemory(), offset: 0 });
    SMALL_FLOATS.forEach(([name, bits], i) => {
      const base = models[name] as models.ModelFactory;
      dev.add(new RemoteVariable({ name, offset: 4 * i, bitSize: bits, mode: 'RW', base }));
    });
    dev.add(
      new RemoteVariable({ name: 'Weights', offset: 0x100, bitSize: 128, numValues: 8, valueBits: 16, valueStride: 16, mode: 'RW', base: models.Float16 }),
    );
    root.add(dev);
    return root;
  }

  test("served from a snapshot through the tree layer's models: values, writes and read-backs identical; the port names them", async () => {
    const orig = floatRoot();
    await orig.start();
    const values = [1.5, -2.5, 0.375, -448, 3.140625, 0.5, 1.25, -6, 28, 0.25, 6, -0.5];
    for (const [i, [name]] of SMALL_FLOATS.entries()) await (orig.getNode(`Zoo.Accel.${name}`) as RemoteVariable)._pySet(values[i], {});
    const fa = await snapshotOf(orig, { read: true });
    for (const [name, bits] of SMALL_FLOATS) {
      const base = node(fa, `Zoo.Accel.${name}`).props.base as { obj: string[] };
      expect(base.obj).toEqual(['pyrogue._Model', name]);
      expect(modelOf(fromTagged(base as never), name).bitSize).toBe(bits);
    }
    const root = await served(fa);
    expect(root.snapshotReport.warnings).toEqual([]);
    for (const [name] of SMALL_FLOATS)
      expect((root.getNode(`Zoo.Accel.${name}`) as RemoteVariable).get()).toBe((orig.getNode(`Zoo.Accel.${name}`) as RemoteVariable).get());
    expect((root.getNode('Zoo.Accel.Float8BE') as RemoteVariable).get()).toBe(-448);
    expect((root.getNode('Zoo.Accel.Float4BE') as RemoteVariable).get()).toBe(-0.5);
    const fb = await snapshotOf(root, { read: true });
    const r = compareSnapshots(fa, fb);
    expect(r.differences).toEqual([]);
    await compareWrites(inProcess(orig), inProcess(root), fa, fb, r);
    expect(r.differences).toEqual([]);
    expect(r.skippedWrites).toEqual([]);
    expect(r.compared.writes).toBeGreaterThanOrEqual(SMALL_FLOATS.length + 1);
    const { text } = await portTree(readSnapshot(writeSnapshot(fa)));
    for (const [name, bits] of SMALL_FLOATS) expect(text).toContain(`base: models.${name}(${bits})`);
    const syntax = ts.transpileModule(text, { reportDiagnostics: true }).diagnostics ?? [];
    expect(syntax.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    await orig.stop();
    await root.stop();
  });
  test('a TensorFloat32 register read with its low 13 mantissa bits set (its setter clears them) is served as read', async () => {
    const orig = floatRoot();
    const dev = orig.getNode('Zoo.Accel') as Device;
    await orig.start();
    // float32 bits 0x3fc01234 and, big-endian, 0xbe5a5a5a: low mantissa bits a TF32 write would clear
    (dev.memBase as EmulatedMemory).poke(0x18, Uint8Array.of(0x34, 0x12, 0xc0, 0x3f));
    (dev.memBase as EmulatedMemory).poke(0x1c, Uint8Array.of(0xbe, 0x5a, 0x5a, 0x5a));
    const fa = await snapshotOf(orig, { read: true });
    const raw = Buffer.from([0x34, 0x12, 0xc0, 0x3f]).readFloatLE(0);
    expect(fromTagged(node(fa, 'Zoo.Accel.TensorFloat32').value as never)).toBe(raw);
    const root = await served(fa);
    expect(root.snapshotReport.warnings).toEqual([]);
    expect((root.getNode('Zoo.Accel.TensorFloat32') as RemoteVariable).get()).toBe(raw);
    expect((root.getNode('Zoo.Accel.TensorFloat32BE') as RemoteVariable).get()).toBe(Buffer.from([0xbe, 0x5a, 0x5a, 0x5a]).readFloatBE(0));
    expect(compareSnapshots(fa, await snapshotOf(root, { read: true })).differences).toEqual([]);
    await orig.stop();
    await root.stop();
  });
});

describe('--writes', () => {
  test('test values: another enum entry, the other bool, a pattern within min/max, 1.5 for a float', async () => {
    const f = await reference();
    expect(testValue(node(f, 'Root.AxiVersion.ScratchPad'))).toBe(0xa5a5a5a5n);
    expect(testValue(node(f, 'Root.AxiVersion.TestEnum'))).toBe(1n);
    const alarm = testValue(node(f, 'Root.AxiVersion.AlarmTest')) as bigint;
    expect(alarm >= 100n && alarm <= 1000n).toBe(true);
  });
});

describe('port', () => {
  test('one class per Python device class, with its module and name; stubs marked', async () => {
    const { text, classes, stubs } = await portTree(readSnapshot(writeSnapshot(await reference())));
    expect(text).toContain("export class Demo extends Device {\n  static override pyModule = 'reference_root';");
    expect(text).toContain("export class AxiVersion extends Device {\n  static override pyModule = 'pyrogue.examples._AxiVersion';");
    expect(text).toContain("export class ReferenceRoot extends Root {\n  static override pyModule = 'reference_root';");
    expect(text).toContain(
      "new RemoteVariable({ name: 'ScratchPad', description: 'Register to test reads and writes', offset: 0x4, bitSize: 32, base: models.UInt(32)",
    );
    expect(text).toContain("new LocalVariable({ name: 'BigInt', typeStr: 'UInt64', value: 18446744073709551615n })");
    expect(text).toMatch(/TODO\(port\): the Python function of command Multiply/);
    expect(classes).toBe(3);
    expect(stubs).toBeGreaterThan(5);
  });
});
