/**
 * Python types at the boundary: JavaScript cannot tell 110 from 110.0, so a
 * VirtualClient writing a plain number asks the variable's typeStr (once) and
 * sends a Python float to a float variable (or array), an int otherwise. What the
 * server stored is read back: a Python float arrives as a number, an int as a bigint.
 * (SimpleClient has no typeStr: it sends integral numbers as ints — README's rule.)
 */
import { NdArray } from '../src/py/values';
import { serve, type ServeHandle } from '../src/server/serve';
import { SimpleClient, VirtualClient, pyFloat } from '../src/client';
import { createReferenceRoot } from '../src/examples/reference';
import { silentLogger } from '../src/server/zmqServer';
import { freeBasePort } from '../test/support/server';

jest.setTimeout(30000);

let h: ServeHandle;
let vc: VirtualClient;
beforeAll(async () => {
  h = await serve({ tree: () => createReferenceRoot(), addr: '127.0.0.1', port: await freeBasePort(), logger: silentLogger });
  vc = await VirtualClient.connect({ addr: '127.0.0.1', port: h.port });
});
afterAll(async () => {
  vc?.close();
  await h?.close();
});

test('a float variable: set(2) sends 2.0 (read back as a Python float)', async () => {
  await vc.tree.Demo.Float.set(2);
  expect(await vc.tree.Demo.Float.value()).toBe(2);
  const node = (await vc.getNode('root.Demo.Float'))!;
  expect(await node.pyTypeStr()).toBe('float');
  await node.set(3);
  expect(await node.value()).toBe(3); // a number: Python float (an int would arrive as 3n)
});

test('an int variable: set(3) still sends the int 3; 2.5 stays a float (and the server says why)', async () => {
  const node = (await vc.getNode('root.Demo.Int'))!;
  await node.set(3);
  expect(await node.value()).toBe(3n);
  await expect(node.set(2.5)).rejects.toThrow(/Root\.Demo\.Int/);
});

test('a float64 array: set([1, 2, 3]) sends a numpy float64 array', async () => {
  const node = (await vc.getNode('root.Demo.Array'))!;
  expect(await node.pyTypeStr()).toMatch(/^float64/);
  await node.set([1, 2, 3]);
  const v = await node.value();
  expect(v).toBeInstanceOf(NdArray);
  expect((v as NdArray).dtype.kind).toBe('f');
  expect(((v as NdArray).toList() as number[]).map(Number)).toEqual([1, 2, 3]);
});

test('an int32 array: set([4, 5, 6, 7]) sends a numpy int32 array (pyrogue refuses a list for an ndarray variable)', async () => {
  const node = (await vc.getNode('root.Demo.IntArray'))!;
  await node.set([4, 5, 6, 7]);
  const v = (await node.value()) as NdArray;
  expect(v.dtype.name).toBe('int32');
  expect(v.items()).toEqual([4n, 5n, 6n, 7n]);
});

test('SimpleClient knows no types: an integral number is an int; pyFloat() makes it a float', async () => {
  const c = new SimpleClient({ addr: '127.0.0.1', port: h.port });
  try {
    await c.set('root.Demo.Float', pyFloat(4));
    expect(await c.value('root.Demo.Float')).toBe(4);
    await c.set('root.Demo.Int', 4);
    expect(await c.value('root.Demo.Int')).toBe(4n);
  } finally {
    await c.close();
  }
});
