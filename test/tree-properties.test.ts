/**
 * pyrogue's `BaseVariable.properties()` on the tree: an OrderedDict of
 * 'value', 'valueDisp', 'class', then getattr of each name of the class's
 * PROPS in order (RemoteVariable's and RemoteCommand's add the memory layout);
 * callable over the binary port like any attribute, not exposed. Checked
 * here against each attribute asked alone; interop/properties-real checks
 * the replies against real pyrogue's.
 */
import { decodeReply, encodeRequest } from '../src/client/channel';
import { createReferenceRoot } from '../src/examples/reference';
import { PyDict, PyGlobal, PyOrderedDict, pyEquals, type PyValue } from '../src/py/values';
import { BinaryPort } from '../src/server/dispatch';
import { BaseVariable, Device, LinkVariable, LocalVariable, Root } from '../src/tree';
import { RemoteCommand, RemoteVariable } from '../src/tree/remote';

const BASE_PROPS = [
  'name',
  'path',
  'mode',
  'typeStr',
  'enum',
  'disp',
  'precision',
  'units',
  'minimum',
  'maximum',
  'nativeType',
  'ndType',
  'updateNotify',
  'hasAlarm',
  'lowWarning',
  'highWarning',
  'lowAlarm',
  'highAlarm',
  'alarmStatus',
  'alarmSeverity',
  'pollInterval',
];
const REMOTE_PROPS = [
  ...BASE_PROPS,
  'address',
  'overlapEn',
  'offset',
  'bitOffset',
  'bitSize',
  'verifyEn',
  'numValues',
  'valueBits',
  'valueStride',
  'retryCount',
  'varBytes',
  'bulkEn',
];

let root: Root;
let port: BinaryPort;
beforeAll(async () => {
  root = createReferenceRoot();
  await root.start();
  port = new BinaryPort(root);
});
afterAll(async () => {
  await root.stop();
});

async function ask(path: string, attr: string): Promise<PyValue> {
  const reply = await port.handle([encodeRequest(path, attr, [], new PyDict())]);
  return decodeReply(reply, 'in-process:0', { path, attr });
}

describe('properties() of every variable and command of the reference tree', () => {
  const variables = (): BaseVariable[] => [...root.descendants()].filter((n): n is BaseVariable => n instanceof BaseVariable);

  test('keys in pyrogue order: value, valueDisp, class, then PROPS (RemoteVariable and RemoteCommand: with the memory layout)', async () => {
    const vs = variables();
    expect(vs.length).toBeGreaterThan(150);
    const kinds = new Set<string>();
    for (const v of vs) {
      const d = await ask(v.path, 'properties');
      expect(d).toBeInstanceOf(PyOrderedDict);
      const remote = v instanceof RemoteVariable || v instanceof RemoteCommand;
      kinds.add(`${v.pyClass.name}${remote ? ' (remote)' : ''}`);
      expect([...(d as PyDict).keys()]).toEqual(['value', 'valueDisp', 'class', ...(remote ? REMOTE_PROPS : BASE_PROPS)]);
      expect((d as PyDict).get('class')).toBe(v.pyClass.name);
    }
    // every kind of variable the reference tree has
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(['BaseCommand', 'LinkVariable', 'LocalVariable', 'RemoteCommand (remote)', 'RemoteVariable (remote)']),
    );
  });

  test('each entry is what the attribute alone answers (value() and valueDisp() for the first two)', async () => {
    for (const v of variables()) {
      if (['Root.Time', 'Root.LocalTime'].includes(v.path)) continue; // (the clock moves between two requests)
      const d = (await ask(v.path, 'properties')) as PyDict;
      for (const [k, x] of d) {
        // (a class is callable: the server calls `nativeType` asked alone, as pyrogue's does, and answers int() etc.)
        if (k === 'class' || k === 'nativeType') continue;
        const alone = await ask(v.path, k as string);
        if (!pyEquals(x, alone)) throw new Error(`${v.path} ${String(k)}: properties() has ${String(x)}, the attribute alone ${String(alone)}`);
      }
    }
  });

  test('values of a plain, an array, a remote and a command variable', async () => {
    const f = (await ask('Root.Demo.Float', 'properties')) as PyDict;
    expect(f.get('value')).toBe(1.5);
    expect(f.get('valueDisp')).toBe('1.500');
    expect(f.get('units')).toBe('V');
    expect(f.get('precision')).toBe(3n);
    expect(f.get('hasAlarm')).toBe(true);
    expect(f.get('ndType')).toBeNull();
    expect(f.get('nativeType')).toEqual(new PyGlobal('builtins', 'float'));
    const a = (await ask('Root.Demo.IntArray', 'properties')) as PyDict;
    expect(a.get('typeStr')).toBe('int32(4,)');
    expect(String((a.get('ndType') as { args: PyValue[] }).args[0])).toBe('i4');
    const r = (await ask('Root.AxiVersion.ScratchPad', 'properties')) as PyDict;
    expect(r.get('class')).toBe('RemoteVariable');
    expect(r.get('address')).toBe(4n);
    expect(r.get('bitSize')).toEqual([32n]);
    expect(r.get('numValues')).toBe(0n);
    const c = (await ask('Root.Demo.Multiply', 'properties')) as PyDict;
    expect(c.get('class')).toBe('BaseCommand');
    expect(c.get('mode')).toBe('WO');
  });

  test('not exposed: no variable class lists it in its props or funcs', () => {
    for (const v of variables()) {
      expect(v.pyClass.props).not.toContain('properties');
      expect(v.pyClass.funcs.map(([k]) => k)).not.toContain('properties');
    }
  });

  test('a device or the root has none: the AttributeError pyrogue gives', async () => {
    await expect(ask('Root.AxiVersion', 'properties')).rejects.toMatchObject({
      pyName: 'AttributeError',
      message: "<class 'pyrogue.examples._AxiVersion.AxiVersion'> - Root.AxiVersion has no attribute properties",
    });
    await expect(ask('Root', 'properties')).rejects.toMatchObject({
      pyName: 'AttributeError',
      message: expect.stringMatching(/ - Root has no attribute properties$/) as unknown,
    });
  });
});

test('a value had asynchronously: properties() waits for it (its alarm state too)', async () => {
  const r = new Root({ name: 'R', pollEn: false, heartbeatMs: 0 });
  const d = new Device({ name: 'D' });
  const x = new LocalVariable({ name: 'X', value: 5n, highAlarm: 3n });
  d.add(x);
  d.add(new LinkVariable({ name: 'Slow', dependencies: [x], linkedGet: async () => await Promise.resolve(x.value()) }));
  r.add(d);
  await r.start();
  try {
    const p = await (r.getNode('R.D.Slow') as BaseVariable).properties();
    expect(p.get('value')).toBe(5n);
    expect(p.get('alarmStatus')).toBe('None');
    const px = await (r.getNode('R.D.X') as BaseVariable).properties();
    expect(px.get('alarmStatus')).toBe('AlarmHiHi');
    expect(px.get('alarmSeverity')).toBe('AlarmMajor');
  } finally {
    await r.stop();
  }
});
