/**
 * The AxiVersion subtree (RemoteVariables over zeroed emulated memory) against
 * the golden tree.json and the golden transcript, replayed at the tree level
 * (no server): every exchange whose path is under Root.AxiVersion, in
 * transcript order, on one fresh tree.
 */
import * as fs from 'fs';
import * as path from 'path';
import { wireText } from '../src/py/errors';
import { PyDict, PyTuple, PyValue } from '../src/py/values';
import { AxiVersion, timedeltaStr } from '../src/examples/axiversion';
import { EmulatedMemory } from '../src/tree/memory';
import { RemoteCommand, RemoteVariable } from '../src/tree/remote';
import { Root } from '../src/tree/root';
import { BaseVariable, VariableValue } from '../src/tree/variable';
import { BaseCommand } from '../src/tree/command';
import { Node } from '../src/tree/node';
import { fromCanon } from './support/canon';
import { canon, canonReply, GOLDEN } from './support/tree';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function makeTree(): Promise<{ root: Root; mem: EmulatedMemory; dev: AxiVersion }> {
  const mem = new EmulatedMemory();
  const root = new Root({ name: 'Root', description: 'Reference root', pollEn: false, heartbeatMs: 0 });
  const dev = new AxiVersion({ memBase: mem, offset: 0 });
  root.add(dev);
  await root.start();
  return { root, mem, dev };
}

const tree = JSON.parse(fs.readFileSync(path.join(GOLDEN, 'tree.json'), 'utf8'));
const goldenNodes: any[] = tree.nodes.filter((n: any) => n.path === 'Root.AxiVersion' || n.path.startsWith('Root.AxiVersion.'));

describe('AxiVersion vs tree.json', () => {
  let t: Awaited<ReturnType<typeof makeTree>>;
  beforeAll(async () => {
    t = await makeTree();
  });
  afterAll(async () => {
    await t.root.stop();
  });

  test('children in order', () => {
    const g = goldenNodes.find((n) => n.path === 'Root.AxiVersion');
    expect([...t.dev.nodes.keys()]).toEqual(g.children);
  });

  test('class metadata of RemoteVariable / RemoteCommand / AxiVersion', () => {
    const check = (node: Node, cls: string) => {
      const want = tree.classes[cls];
      const info = node.pyClass;
      expect(info.bases).toEqual(want.bases);
      expect(info.props).toEqual(want.props);
      expect(Object.fromEntries(info.funcs)).toEqual(want.funcs);
    };
    check(t.dev.child('ScratchPad')!, 'RemoteVariable');
    check(t.dev.child('FpgaReload')!, 'RemoteCommand');
    check(t.dev, 'AxiVersion');
  });

  test('every node attribute (initial values with zeroed memory)', async () => {
    const skip = new Set(['path', 'served', 'children']);
    let nodes = 0;
    let attrs = 0;
    let matched = 0;
    const bad: string[] = [];
    for (const g of goldenNodes) {
      const node = t.root.getNode(g.path);
      expect(node).not.toBeNull();
      if (!node) continue;
      nodes++;
      for (const [k, want] of Object.entries(g)) {
        if (skip.has(k)) continue;
        let got: unknown;
        try {
          if (k === 'class') got = node.pyClass.name;
          else if (k === 'value') got = canon(await node.pyCall('value'));
          else if (k === 'valueDisp') got = await node.pyCall('valueDisp');
          else if (k === 'nativeType') got = (node as BaseVariable).nativeTypeName;
          else if (k === 'dependencies') got = (node as BaseVariable).dependencies.map((d) => d.path);
          else if (k === 'model') {
            const m = (node as RemoteVariable)._mem.model;
            got = { class: m.className, name: m.name, bitSize: m.bitSize };
          } else got = canon(await node.pyCall(k));
        } catch (e) {
          got = { error: wireText(e) };
        }
        attrs++;
        if (same(got, want)) matched++;
        else bad.push(`${g.path}.${k}: got ${JSON.stringify(got)} want ${JSON.stringify(want)}`);
      }
    }
    console.log(`AxiVersion vs tree.json: ${nodes} nodes, ${matched}/${attrs} attributes match` + (bad.length ? '\n' + bad.slice(0, 40).join('\n') : ''));
    expect(nodes).toBe(goldenNodes.length);
    expect(bad).toEqual([]);
  });
});

describe('AxiVersion transcript replay (tree level)', () => {
  test('prop/read/node/write/cmd exchanges under Root.AxiVersion', async () => {
    const { root } = await makeTree();
    const published: Map<string, VariableValue>[] = [];
    let cur = new Map<string, VariableValue>();
    root.addVarListener(
      (p, v) => cur.set(p, v as unknown as VariableValue),
      () => {
        published.push(cur);
        cur = new Map();
      },
      { excGroups: ['NoServe'] },
    );
    const lines = fs.readFileSync(path.join(GOLDEN, 'transcript.jsonl'), 'utf8').split('\n').filter(Boolean);
    const stats: Record<string, { pass: number; fail: number }> = {};
    const fails: string[] = [];
    let pubChecked = 0;
    for (const line of lines) {
      if (!line.includes('AxiVersion')) continue;
      const e = JSON.parse(line);
      const req = new Map<string, any>(e.request.dict);
      const p: string = req.get('path');
      if (typeof p !== 'string' || !(p === 'Root.AxiVersion' || p.startsWith('Root.AxiVersion.'))) continue;
      const fam = e.id.split(':')[0];
      const st = (stats[fam] ??= { pass: 0, fail: 0 });
      const attr: string | null = req.get('attr');
      const args = (fromCanon(req.get('args')) as PyTuple).items;
      const kwargs = fromCanon(req.get('kwargs')) as PyDict;
      await root.waitOnUpdate();
      published.length = 0;
      const got = await canonReply(root, p, attr, args, kwargs);
      await root.waitOnUpdate();
      let ok = same(got, e.reply);
      // publishes: same batches; variables of the AxiVersion subtree with equal values, other paths by name only
      if (fam === 'write' || fam === 'cmd' || fam === 'read') {
        const want: [string, any][] = (e.publish ?? []).flatMap((d: any) => d.dict);
        const gotPub: [string, unknown][] = published.flatMap((m) => [...m].map(([k, v]) => [k, canon(v as unknown as PyValue)] as [string, unknown]));
        const wantKeys = [...new Set(want.map((x) => x[0]))].sort();
        const gotKeys = [...new Set(gotPub.map((x) => x[0]))].sort();
        let pubOk = same(wantKeys, gotKeys);
        for (const [k, v] of want) {
          if (!k.startsWith('Root.AxiVersion.')) continue;
          const g = gotPub.filter((x) => x[0] === k).pop();
          if (!g || !same(g[1], v)) pubOk = false;
        }
        pubChecked++;
        if (!pubOk) {
          ok = false;
          fails.push(`${e.id}: publish got ${JSON.stringify(gotKeys)} want ${JSON.stringify(wantKeys)}`);
        }
      }
      if (ok) st.pass++;
      else {
        st.fail++;
        if (!same(got, e.reply)) fails.push(`${e.id}: got ${JSON.stringify(got).slice(0, 300)} want ${JSON.stringify(e.reply).slice(0, 300)}`);
      }
    }
    await root.stop();
    console.log(
      'AxiVersion transcript replay: ' +
        Object.entries(stats)
          .map(([k, v]) => `${k} ${v.pass}/${v.pass + v.fail}`)
          .join(', ') +
        ` (publishes checked: ${pubChecked})` +
        (fails.length ? '\n' + fails.slice(0, 40).join('\n') : ''),
    );
    expect(stats.write.fail).toBe(0);
    expect(stats.cmd.fail).toBe(0);
    expect(fails).toEqual([]);
  });

  test('write: cases reproduced directly (value, error text, publishes)', async () => {
    const { root, mem, dev } = await makeTree();
    const sp = dev.child('ScratchPad') as RemoteVariable;
    await sp.set(256n);
    expect(mem.peek(4, 4)).toEqual(new Uint8Array([0, 1, 0, 0]));
    expect(await sp.get()).toBe(256n);
    await sp.setDisp('0xdeadbeef');
    expect(await sp.getDisp()).toBe('0xdeadbeef');
    const t10 = dev.child('Test10Bit') as RemoteVariable;
    await t10.set(1023n);
    expect(await t10.getDisp()).toBe('0x3ff');
    await expect(Promise.resolve().then(() => t10.set(1024n))).rejects.toThrow(
      'Block::setUInt: General Error: Value range error for Test10Bit. Value=1024, Min=0.000000, Max=1023.000000',
    );
    const alarm = dev.child('AlarmTest') as RemoteVariable;
    let err: unknown;
    try {
      await alarm.set(55n);
    } catch (e) {
      err = e;
    }
    expect(wireText(err)).toBe('rogue.GeneralError: Block::setUInt: General Error: Value range error for AlarmTest. Value=55, Min=100.000000, Max=1000.000000');
    expect(await alarm.get()).toBe(100n);
    expect(mem.peek(0x8000, 4)).toEqual(new Uint8Array(4)); // the default is staged, never written
    await alarm.set(500n);
    expect(mem.peek(0x8000, 4)).toEqual(new Uint8Array([0xf4, 0x01, 0, 0]));
    expect((await alarm.getVariableValue()).status).toBe('Good');
    const en = dev.child('TestEnum') as RemoteVariable;
    await en.setDisp('Test1');
    expect(await en.get()).toBe(1n);
    const reload = dev.child('FpgaReload') as RemoteCommand;
    await reload.call();
    expect(mem.peek(0x104, 4)).toEqual(new Uint8Array([1, 0, 0, 0]));
    await (dev.child('FpgaReloadAtAddress') as BaseCommand).call(0x1234n);
    expect(mem.peek(0x108, 4)).toEqual(new Uint8Array([0x34, 0x12, 0, 0]));
    // hardware value changes show through a read, and through the LinkVariables
    mem.poke(8, new Uint8Array([0x10, 0x0e, 0x00, 0x00])); // 3600 s
    await (dev.child('UpTimeCnt') as RemoteVariable).get();
    expect(await (dev.child('UpTime') as BaseVariable).get()).toBe('1:00:00');
    mem.poke(0x600 + 16, new Uint8Array([0, 0, 0, 0xab]));
    await (dev.child('GitHash') as RemoteVariable).get();
    expect(await (dev.child('GitHashShort') as BaseVariable).getDisp()).toBe('ab00000');
    await root.stop();
  });

  test('bulk: ReadDevice reads every remote block; disabled device skips hardware', async () => {
    const { root, mem, dev } = await makeTree();
    mem.clearLog();
    await dev.ReadDevice.call(false);
    const reads = mem.log.filter((x) => x[0] === 'read').map((x) => x[1]);
    // every block except the stale AlarmTest (default staged) and the write-only FpgaReload
    expect(reads).toEqual([0x0, 0x4, 0x8, 0x100, 0x108, 0x10c, 0x300, 0x500, 0x600, 0x700, 0x900, 0x2000, 0x2004, 0x2008]);
    dev.enable.set(false);
    mem.clearLog();
    await dev.ReadDevice.call(false);
    await (dev.child('ScratchPad') as RemoteVariable).get();
    expect(mem.log).toEqual([]);
    await root.stop();
  });

  test('timedelta text', () => {
    expect(timedeltaStr(0n)).toBe('0:00:00');
    expect(timedeltaStr(3661n)).toBe('1:01:01');
    expect(timedeltaStr(86400n)).toBe('1 day, 0:00:00');
    expect(timedeltaStr(4294967295n)).toBe('49710 days, 6:28:15');
  });
});
