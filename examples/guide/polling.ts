import assert from 'node:assert/strict';
import { LinkVariable, LocalVariable, Root } from 'pyrogue-ts';

export async function main(): Promise<void> {
  let reads = 0;
  // localGet runs on every read; pollInterval (seconds) reads it periodically while Root.PollEn is on.
  const temp = new LocalVariable({
    name: 'Temp', value: 20.0, units: 'degC', pollInterval: 0.1, mode: 'RO',
    localGet: () => 20.0 + (reads++ % 3),
  });
  // A LinkVariable derives from others and updates with them.
  const tempF = new LinkVariable({
    name: 'TempF', units: 'degF', disp: '{:.1f}', dependencies: [temp],
    linkedGet: ({ read }) => ((temp.get({ read }) as number) * 9) / 5 + 32,
  });
  const root = new Root({ name: 'Lab', pollEn: true });
  root.add(temp, tempF);
  const seen: string[] = [];
  root.addVarListener((path) => seen.push(path));
  await root.start();
  try {
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(reads >= 3, `polled ${reads} times`);
    assert.ok(seen.includes('Lab.Temp') && seen.includes('Lab.TempF'));
    root.PollEn.set(false); // polling stops
  } finally {
    await root.stop();
  }
}
