/** examples/daq-tree.ts (docs/daq.md) runs: a run at 10 Hz writes PRBS frames and config records that read back. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import createDaqRoot from '../examples/daq-tree';
import { fileio, prbs, stream, type RunControl } from '../src';
import { summarizeDataFiles } from '../src/stream/summary';
import { waitFor } from './support/wait';

test("docs/daq.md's tree is examples/daq-tree.ts", () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'daq.md'), 'utf8');
  const file = fs.readFileSync(path.join(__dirname, '..', 'examples', 'daq-tree.ts'), 'utf8');
  expect([...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])).toContain(file);
});

test('the DAQ example: RunControl ticks → PrbsTx frames → StreamWriter file (config on 255) and the receiver', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-daq-example-'));
  const root = createDaqRoot();
  await root.start();
  try {
    const writer = root.getNode('Daq.StreamWriter', fileio.StreamWriter)!;
    const rc = root.getNode('Daq.RunControl') as RunControl;
    const tx = root.getNode('Daq.PrbsTx', prbs.PrbsTx)!;
    writer.DataFile.set(path.join(dir, 'run.dat'));
    await writer.Open.call();
    rc.runRate.setDisp('10 Hz');
    rc.runState.setDisp('Running');
    await waitFor(() => tx.prbs.txCount >= 3, 'three ticks');
    rc.runState.setDisp('Stopped');
    await rc.waitStopped();
    await writer.Close.call();
    const s = summarizeDataFiles([path.join(dir, 'run.dat')], { prbs: true });
    expect(s.prbs).toEqual({ frames: tx.prbs.txCount, errors: 0, bytes: 1024 * tx.prbs.txCount });
    expect(s.config?.keys).toEqual(['Daq']);
    const r = new fileio.FileReader(path.join(dir, 'run.dat'), { configChan: 255 });
    expect([...r.records()].every(([h]) => h.channel === 0)).toBe(true);
    expect(r.configValue('Daq.RunControl.runState')).toBe('Stopped'); // the full dump on Close
    expect(stream.Frame).toBeDefined();
  } finally {
    await root.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
