/**
 * README's "define your own tree" program is examples/lab-tree.ts, whole; the
 * tree it exports serves and answers the calls README shows, through the Node
 * SimpleClient. (interop/package.test.ts compiles and runs it against the packed
 * package, as a program and through `pyrogue-ts serve --tree`.)
 */
import * as fs from 'fs';
import * as path from 'path';
import { SimpleClient } from '../src/client';
import { serve } from '../src/server/serve';
import createLabRoot from '../examples/lab-tree';

jest.setTimeout(20000);

test("README's tree example is examples/lab-tree.ts", () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const file = fs.readFileSync(path.join(__dirname, '..', 'examples', 'lab-tree.ts'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks).toContain(file);
});

test('the README example tree serves and answers', async () => {
  const port = 20000 + ((process.pid * 4) % 8000); // off 9099, where a user's server may run
  const h = await serve({ tree: createLabRoot, addr: '127.0.0.1', port });
  const c = new SimpleClient({ addr: '127.0.0.1', port: h.port });
  try {
    expect(await c.getDisp('Lab.Supply.Serial')).toBe('0x1234');
    await c.setDisp('root.Supply.Voltage', '12.5');
    expect(await c.valueDisp('root.Supply.Voltage')).toBe('12.500');
    expect(await c.exec('root.Supply.Ramp', 3)).toBe(12.5); // JS 3 travels as Python int 3
    expect(await c.value('root.Supply.Voltage')).toBe(3.0);
    expect(await c.getDisp('root.Supply.Mode')).toBe('CV');
    const err = await c.setDisp('root.Supply.Mode', 'Bogus').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- the thrown value may not be an Error
    expect(String((err as Error).message)).toContain('Bogus');
  } finally {
    await c.close();
    await h.close();
  }
});
