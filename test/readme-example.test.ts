/**
 * README's "define your own tree" program (examples/my-tree.ts) compiles,
 * serves, and answers the calls README shows, through the Node SimpleClient.
 */
import { SimpleClient } from '../src/client';
import { createMyRoot } from '../examples/my-tree';

jest.setTimeout(20000);

test('the README example tree serves and answers', async () => {
  const port = 20000 + ((process.pid * 4) % 8000);
  const root = createMyRoot(port);
  await root.start();
  const c = new SimpleClient({ addr: '127.0.0.1', port });
  try {
    expect(await c.getDisp('Lab.Supply.Serial')).toBe('0x1234');
    await c.setDisp('root.Supply.Voltage', '12.5');
    expect(await c.valueDisp('root.Supply.Voltage')).toBe('12.500');
    expect(await c.exec('root.Supply.Ramp', 3)).toBe(12.5); // JS 3 travels as Python int 3
    expect(await c.value('root.Supply.Voltage')).toBe(3.0);
    expect(await c.getDisp('root.Supply.Mode')).toBe('CV');
    const err = await c.setDisp('root.Supply.Mode', 'Bogus').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toContain('Bogus');
  } finally {
    await c.close();
    await root.stop();
  }
});
