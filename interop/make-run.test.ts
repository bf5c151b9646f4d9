/**
 * README's first command, the way a user runs it: `make run` serves the
 * example tree, and the seed examples work against it from Python
 * (SimpleClient and VirtualClient, through python-fixtures/tier.py).
 * `PORT=` moves it off 9099 so the test never collides with a user's server.
 */
import execa from 'execa';
import * as path from 'path';
import { freeBasePort, PYTHON } from '../test/support/server';

const ROOT_DIR = path.resolve(__dirname, '..');
jest.setTimeout(120000);

test('make run serves the example tree and the seed examples work', async () => {
  const port = await freeBasePort();
  const proc = execa('make', ['--no-print-directory', 'run', `PORT=${port}`], { cwd: ROOT_DIR, reject: false, detached: true });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const deadline = Date.now() + 90000;
    while (!out.includes('Press Ctrl-C') && proc.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain(`Started zmqServer on ports ${port}-${port + 2}`);

    const script = `
import sys, json
sys.path.insert(0, ${JSON.stringify(path.join(ROOT_DIR, 'python-fixtures'))})
import tier
import pyrogue.interfaces
from pyrogue.interfaces import SimpleClient
client = SimpleClient(addr='127.0.0.1', port=${port})
out = {'version': client.getDisp('root.RogueVersion')}
client.setDisp('root.AxiVersion.ScratchPad', '0x100')
out['scratch'] = client.valueDisp('root.AxiVersion.ScratchPad')
client._stop()
vc = pyrogue.interfaces.VirtualClient(addr='127.0.0.1', port=${port})
root = vc.root
root.AxiVersion.ScratchPad.set(0x200)
out['virtual'] = root.AxiVersion.ScratchPad.valueDisp()
vc.stop()
print(json.dumps(out))
`;
    const r = await execa(PYTHON, ['-c', script], { cwd: ROOT_DIR, timeout: 60000 });
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual({ version: 'v6.15.0', scratch: '0x000100', virtual: '0x000200' });
  } finally {
    // make and the node server it started share a process group: stop both as Ctrl-C would.
    try {
      process.kill(-proc.pid!, 'SIGINT');
    } catch {
      /* already gone */
    }
    await proc;
  }
  expect(out).not.toContain('Error');
});
