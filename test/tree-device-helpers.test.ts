/**
 * pyrogue's everyday Device helpers against what real pyrogue does
 * (test/data/device-helpers.pyrogue.json, written by python-fixtures/device_helpers.py):
 * addRemoteVariables (names, offsets, hidden, the packed `_All` LinkVariable and its get/set),
 * addNodes, find, hideVariables.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BaseVariable, Device, EmulatedMemory, LinkVariable, LocalVariable, RemoteVariable, Root, VariableError } from '../src';
import type { Node, PyValue } from '../src';

const WANT = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'device-helpers.pyrogue.json'), 'utf8')) as Record<string, unknown>;

class Chan extends Device {
  constructor(opts: { name: string; offset: number | bigint }) {
    super(opts);
    this.add(new RemoteVariable({ name: 'Gain', offset: 0x0, bitSize: 8, mode: 'RW' }));
  }
}

function describe_(dev: Device): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const n of dev.nodes.values()) {
    if (['enable', 'ReadDevice', 'WriteDevice'].includes(n.name)) continue;
    const d: Record<string, unknown> = { name: n.name, class: n.pyClass.name, hidden: n.hidden };
    if (n instanceof RemoteVariable) {
      Object.assign(d, { offset: n.offset, bitSize: (n.pyGetAttr('bitSize') as bigint[]).map(Number), mode: n.mode, description: n.description });
    } else if (n instanceof Device) Object.assign(d, { offset: Number(n.offset) });
    else if (n instanceof LinkVariable) Object.assign(d, { mode: n.mode, deps: n.dependencies.map((x) => x.name) });
    out.push(d);
  }
  return out;
}

const paths = (ns: Node[]) => ns.map((n) => n.path);

test('the same tree and operations as device_helpers.py give what real pyrogue gave', async () => {
  const mem = new EmulatedMemory();
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  const dev = new Device({ name: 'Dev', memBase: mem, offset: 0x1000 });
  dev.addRemoteVariables(4, 4, { name: 'Thr', offset: 0x100, bitSize: 16, mode: 'RW', description: 'a threshold' });
  dev.addRemoteVariables(3, 1, { name: 'Field', offset: 0x200, bitSize: 8, mode: 'RW', pack: true });
  dev.addRemoteVariables(2, 8, { name: 'Stat', offset: 0x300, bitSize: 32, mode: 'RO', hidden: true });
  dev.add(new LocalVariable({ name: 'A', value: 1n }), new LocalVariable({ name: 'B', value: 2n, mode: 'RO' }));
  dev.addNodes(Chan, 2, 0x40, { name: 'Chan', offset: 0x400 });
  root.add(dev);
  const got: Record<string, unknown> = { nodes: describe_(dev) };
  await root.start();
  try {
    const field = dev.nodeList('Field') as RemoteVariable[];
    for (const [i, v] of [0x11n, 0x22n, 0x33n].entries()) await field[i].set(v);
    const all = dev.child('Field_All') as LinkVariable;
    got['Field_All.get'] = await all.get();
    await all.set('1_2_3');
    got['Field after set 1_2_3'] = (await Promise.all(field.map((f) => f.get()))).map((v: PyValue) => Number(v as bigint));
    got['find typ=RemoteVariable name=Thr'] = paths(root.find({ typ: RemoteVariable, name: 'Thr' }));
    got['find mode=RO'] = paths(dev.find({ mode: 'RO' }));
    got['find typ=LocalVariable recurse=False'] = paths(root.find({ typ: LocalVariable, recurse: false }));
    got['find name=Gain'] = paths(root.find({ name: 'Gain' }));
    dev.hideVariables(true, ['A', 'B']);
    got['hidden after hideVariables(True, [A, B])'] = Object.fromEntries(['A', 'B', 'Thr[0]'].map((n) => [n, dev.child(n)!.hidden]));
    dev.hideVariables(false);
    got['hidden after hideVariables(False)'] = Object.fromEntries(dev.variableList.map((v) => [v.name, v.hidden]));
  } finally {
    await root.stop();
  }
  for (const k of Object.keys(WANT)) expect([k, got[k]]).toEqual([k, WANT[k]]);
  expect(Object.keys(got)).toEqual(Object.keys(WANT));
});

test('hideVariables with variables given as nodes; an unknown name is a KeyError', () => {
  const dev = new Device({ name: 'D' });
  const a = new LocalVariable({ name: 'A', value: 1n });
  dev.add(a);
  dev.hideVariables(true, [a]);
  expect(a.hidden).toBe(true);
  expect(() => dev.hideVariables(true, ['Nope'])).toThrow("'Nope'");
});

test('addRemoteVariables: a list of offsets and a packed minimum are pyrogue’s errors; addNodes with bigint offsets', () => {
  const dev = new Device({ name: 'D' });
  expect(() => dev.addRemoteVariables(2, 4, { name: 'X', offset: [0, 4], bitSize: [8, 8] })).toThrow('can only concatenate list (not "int") to list');
  expect(() => dev.addRemoteVariables(2, 4, { name: 'Y', offset: 0, minimum: 0n, pack: true })).toThrow(VariableError);
  dev.addNodes(Chan, 2, 0x10n, { name: 'C', offset: 0x100n });
  expect((dev.nodeList('C') as Device[]).map((c) => c.offset)).toEqual([0x100n, 0x110n]);
  expect(dev.find({ typ: BaseVariable, name: 'Gain' })).toHaveLength(2);
  // a property a node does not have: no match; a method is called
  expect(dev.find({ nosuch: 1 })).toEqual([]);
});
