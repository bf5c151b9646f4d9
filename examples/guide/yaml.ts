import assert from 'node:assert/strict';
import { Device, LocalVariable, Root } from 'pyrogue-ts';

export async function main(): Promise<void> {
  const dev = new Device({ name: 'Supply' });
  dev.add(
    new LocalVariable({ name: 'Voltage', value: 0.0 }),
    new LocalVariable({ name: 'Output', value: false }),
  );
  const root = new Root({ name: 'Lab', pollEn: false });
  root.add(dev);
  await root.start();
  try {
    // Configuration as YAML, keyed by the tree's paths (pyrogue's SetYamlConfig / LoadConfig).
    await root.setYaml('Lab:\n  Supply:\n    Voltage: 12.5\n    Output: true\n');
    assert.equal((root.getNode('Lab.Supply.Voltage') as LocalVariable).value(), 12.5);
    assert.equal((root.getNode('Lab.Supply.Output') as LocalVariable).value(), true);
    // And back (pyrogue's GetYamlConfig): the RW variables, as YAML.
    const yml = await root.getYaml({ readFirst: false, modes: ['RW'] });
    assert.match(yml, /Voltage: 12\.5/);
  } finally {
    await root.stop();
  }
}
