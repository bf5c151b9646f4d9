/**
 * What a tree shares or makes late to stay small (docs/decisions/0006-big-tree-memory.md) never
 * shows: paths read before and after a subtree moves, group lists changed on one node of many
 * without any, a LocalBlock's variable list, descendants() order, Root.start over nested devices.
 */
import { Device, LocalVariable, Node, Root } from '../src/tree';

function leafDevice(name: string, vars: string[]): Device {
  const d = new Device({ name });
  for (const v of vars) d.add(new LocalVariable({ name: v, value: 0n }));
  return d;
}

describe('building a tree', () => {
  test('a path read before its subtree is attached is made again after each move', () => {
    const inner = leafDevice('Inner', ['A']);
    const a = inner.child('A')!;
    expect(a.path).toBe('Inner.A');
    const outer = new Device({ name: 'Outer' });
    outer.add(inner);
    expect(a.path).toBe('Outer.Inner.A');
    const root = new Root({ name: 'Top', heartbeatMs: 0, pollEn: false });
    root.add(outer);
    expect(a.path).toBe('Top.Outer.Inner.A');
    expect(inner.path).toBe('Top.Outer.Inner');
    expect(root.getNode('Top.Outer.Inner.A')).toBe(a);
  });

  test('a path never read before the move is right after it', () => {
    const d = leafDevice('D', ['X', 'Y']);
    const root = new Root({ name: 'R', heartbeatMs: 0, pollEn: false });
    root.add(d);
    expect(d.child('Y')!.path).toBe('R.D.Y');
  });

  test('changing the groups of one node leaves the others without groups', () => {
    const d = leafDevice('D', ['X', 'Y', 'Z']);
    const [x, y, z] = ['X', 'Y', 'Z'].map((n) => d.child(n)!);
    x.addToGroup('NoServe');
    expect(x.groups).toEqual(['NoServe']);
    expect(y.groups).toEqual([]);
    expect(z.inGroup('NoServe')).toBe(false);
    y.hidden = true;
    expect(y.groups).toEqual(['Hidden']);
    expect(x.groups).toEqual(['NoServe']);
    x.removeFromGroup('NoServe');
    expect(x.groups).toEqual([]);
    expect(y.groups).toEqual(['Hidden']);
    // a group added to a device reaches its children and only them
    const other = leafDevice('O', ['W']);
    d.addToGroup('G');
    expect(x.groups).toEqual(['G']);
    expect(other.child('W')!.groups).toEqual([]);
    // the groups getter hands out a copy
    x.groups.push('Changed');
    expect(x.groups).toEqual(['G']);
  });

  test("a LocalVariable's block lists the variable", () => {
    const v = new LocalVariable({ name: 'V', value: 1n });
    expect(v._block.variables).toEqual([v]);
  });

  test('descendants(): depth-first, parents before children, insertion order', () => {
    const root = new Root({ name: 'R', heartbeatMs: 0, pollEn: false });
    const a = leafDevice('A', ['A1', 'A2']);
    a.add(leafDevice('AB', ['AB1']));
    a.add(new LocalVariable({ name: 'A3', value: 0n }));
    root.add(a, leafDevice('C', ['C1']));
    const names = (n: Node) => [...n.descendants()].map((x) => x.path);
    const seen = names(root).filter((p) => /^R\.(A|C)(\.|$)/.test(p));
    expect(seen).toEqual([
      'R.A',
      'R.A.enable',
      'R.A.ReadDevice',
      'R.A.WriteDevice',
      'R.A.A1',
      'R.A.A2',
      'R.A.AB',
      'R.A.AB.enable',
      'R.A.AB.ReadDevice',
      'R.A.AB.WriteDevice',
      'R.A.AB.AB1',
      'R.A.A3',
      'R.C',
      'R.C.enable',
      'R.C.ReadDevice',
      'R.C.WriteDevice',
      'R.C.C1',
    ]);
  });

  test('Root.start builds one block per local variable of each nested device, in child order', async () => {
    const root = new Root({ name: 'R', heartbeatMs: 0, pollEn: false });
    const a = leafDevice('A', ['A1', 'A2']);
    const ab = leafDevice('AB', ['AB1']);
    a.add(ab);
    root.add(a);
    await root.start();
    try {
      const own = (d: Device) => d._blocks.map((b) => b.variables.map((v) => v.name).join(','));
      expect(own(a)).toEqual(['A1', 'A2']);
      expect(own(ab)).toEqual(['AB1']);
    } finally {
      await root.stop();
    }
  });
});
