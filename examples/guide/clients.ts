import assert from 'node:assert/strict';
import { Device, LocalVariable, Root, SimpleClient, VirtualClient, pyFloat, serve } from 'pyrogue-ts';

function labRoot(): Root {
  const root = new Root({ name: 'Lab', pollEn: false });
  const supply = new Device({ name: 'Supply' });
  supply.add(
    new LocalVariable({ name: 'Voltage', value: 0.0, units: 'V', disp: '{:1.3f}' }),
    new LocalVariable({ name: 'Mode', value: 0n, enum: [[0n, 'CV'], [1n, 'CC']] }),
  );
  root.add(supply);
  return root;
}

export async function main(port = 9099): Promise<void> {
  // Serve a tree (what `pyrogue-ts serve --tree` does): ports port, port+1, port+2.
  const server = await serve({ tree: labRoot, addr: '127.0.0.1', port });
  try {
    // SimpleClient: by path, like pyrogue.interfaces.SimpleClient. It knows no types:
    // an integral JS number is a Python int, pyFloat(x) a float.
    const c = new SimpleClient({ addr: '127.0.0.1', port });
    await c.set('root.Supply.Voltage', pyFloat(12));
    assert.equal(await c.getDisp('root.Supply.Voltage'), '12.000');
    await c.setDisp('Lab.Supply.Mode', 'CC');
    assert.equal(await c.value('Lab.Supply.Mode'), 1n); // a Python int is a bigint
    await c.close();

    // VirtualClient: a lazily loaded mirror of the remote tree. It asks a variable's
    // typeStr, so 5 is sent as 5.0 to the float Voltage.
    const vc = await VirtualClient.connect({ addr: '127.0.0.1', port });
    await vc.tree.Supply.Voltage.set(5);
    assert.equal(await vc.tree.Supply.Voltage.value(), 5);
    const mode = await vc.getNode('root.Supply.Mode');
    assert.equal(await mode?.prop('enum') instanceof Object, true);
    const updates: string[] = [];
    mode?.addListener((path, v) => updates.push(`${path}=${v.valueDisp}`));
    await mode?.setDisp('CV');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(updates, ['Lab.Supply.Mode=CV']);
    vc.close();
  } finally {
    await server.close();
  }
}
