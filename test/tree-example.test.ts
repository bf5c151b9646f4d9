/** The example tree builds, serves its Python surface and computes its LinkVariable. */
import { createExampleRoot } from '../src/examples/example';
import { BaseVariable } from '../src/tree';

test('example tree', async () => {
  const root = createExampleRoot();
  await root.start();
  const scaled = root.getNode('Example.Example.Scaled') as BaseVariable;
  expect(scaled.value()).toBe(0.5);
  expect(scaled.valueDisp()).toBe('0.500');
  expect(root.getNode('root.Example.Mode')?.pyGetAttr('disp')).toBe('enum');
  await root.stop();
});
