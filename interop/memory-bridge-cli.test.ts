/**
 * The CLI over the memory bridge: `pyrogue-ts memserve`, and `pyrogue-ts serve --tree … --memory tcp://…`
 * read and written through the ZmqServer by the CLI client verbs.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MemoryTcpClient } from '../src/bridge/client';
import { cli, CLI, ensureBuilt, ROOT_DIR, startServe } from '../test/support/cliRun';
import { freeBasePort } from '../test/support/matrixKit';

jest.setTimeout(90000);

async function memserve(extra: string[] = []): Promise<{ port: number; proc: execa.ExecaChildProcess; out: () => string }> {
  const port = await freeBasePort();
  const proc = execa('node', [CLI, 'memserve', '--port', String(port), ...extra], { cwd: ROOT_DIR, reject: false });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 400 && !out.includes('Press Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 25));
  if (!out.includes('Press Ctrl-C')) throw new Error(`memserve did not start: ${out}`);
  return { port, proc, out: () => out };
}

beforeAll(async () => {
  await ensureBuilt();
});

test('memserve serves an emulated memory; --size bounds it', async () => {
  const m = await memserve(['--size', '64k']);
  const c = new MemoryTcpClient({ addr: '127.0.0.1', port: m.port, waitReady: true, logger: null });
  try {
    await c.start();
    await c.write(0xfffc, Uint8Array.from([1, 2, 3, 4]));
    expect([...(await c.read(0xfffc, 4))]).toEqual([1, 2, 3, 4]);
    await expect(c.read(0x10000, 4)).rejects.toThrow('Address range 0x10000+4 is outside the emulated memory of 0x10000 bytes');
    expect(m.out()).toContain(`as a rogue memory TcpServer on 127.0.0.1:${m.port}`);
  } finally {
    await c.close();
    m.proc.kill('SIGINT');
    const r = await m.proc;
    expect(r.stdout).toContain('pyrogue-ts: stopped');
  }
});

test.each(['reference', 'example'])('serve --tree %s --memory: RemoteVariables live behind the bridge', async (tree) => {
  const m = await memserve();
  const s = await startServe(tree, ['--memory', `tcp://127.0.0.1:${m.port}`]);
  const c = new MemoryTcpClient({ addr: '127.0.0.1', port: m.port, waitReady: true, logger: null });
  try {
    await c.start();
    const root = tree === 'reference' ? 'Root' : 'Example';
    const set = await cli(['--server', `127.0.0.1:${s.port}`, 'set', `${root}.AxiVersion.ScratchPad`, '0x1234abcd']);
    expect(set.stderr).toBe('');
    expect(set.exitCode).toBe(0);
    expect([...(await c.read(4, 4))]).toEqual([0xcd, 0xab, 0x34, 0x12]);
    await c.write(4, Uint8Array.from([0x78, 0x56, 0x34, 0x12]));
    const get = await cli(['--server', `127.0.0.1:${s.port}`, '-q', 'get', `${root}.AxiVersion.ScratchPad`]);
    expect(get.stdout.trim()).toBe('0x12345678');
    expect(s.output()).toContain(`on the memory bridge tcp://127.0.0.1:${m.port}`);
  } finally {
    await c.close();
    await s.stop();
    m.proc.kill('SIGINT');
    await m.proc;
  }
});

test("serve --memory with nobody listening fails with rogue's readiness error, naming the host, the ports and what to check", async () => {
  const port = await freeBasePort();
  const r = await cli(['serve', '--tree', 'reference', '--port', '0', '--memory', `tcp://127.0.0.1:${port}`], 30000);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toContain(`Timed out waiting for remote TcpServer readiness on tcp://127.0.0.1:${port}`);
  expect(r.stderr).toContain(`no rogue memory TcpServer answered at 127.0.0.1 (requests to port ${port}, responses from port ${port + 1}) within 10 s`);
  expect(r.stderr).toContain('pyrogue-ts memserve');
  // Not a problem of the ZmqServer's ports.
  expect(r.stderr).not.toContain('cannot serve tree');
});

test('serve --memory-devices moves only the devices it names; a name that is not such a device is refused, naming those there are', async () => {
  const m = await memserve();
  const s = await startServe('example', ['--memory', `tcp://127.0.0.1:${m.port}`, '--memory-devices', 'AxiVersion']);
  try {
    expect(s.output()).toContain(`Example.AxiVersion on the memory bridge tcp://127.0.0.1:${m.port}`);
  } finally {
    await s.stop();
    m.proc.kill('SIGINT');
    await m.proc;
  }
  const bad = await cli(['serve', '--tree', 'example', '--port', '0', '--memory', `tcp://127.0.0.1:${m.port}`, '--memory-devices', 'Nope'], 30000);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain('Nope: not a device with a memBase of its own in tree Example (the devices with a memBase are Example.AxiVersion)');
  expect(bad.stderr).not.toContain('cannot serve tree');
  const alone = await cli(['serve', '--tree', 'example', '--port', '0', '--memory-devices', 'AxiVersion'], 30000);
  expect(alone.exitCode).toBe(1);
  expect(alone.stderr).toContain('--memory-devices chooses devices for --memory');
});

test('serve --memory on a tree without a memBase says so (not a port problem)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-nomem-'));
  const file = path.join(dir, 'tree.js');
  fs.writeFileSync(
    file,
    `const { Root, LocalVariable } = require(${JSON.stringify(path.join(ROOT_DIR, 'dist', 'index.js'))});
module.exports = () => { const r = new Root({ name: 'Lab', pollEn: false }); r.add(new LocalVariable({ name: 'V', value: 0.0 })); return r; };
`,
  );
  try {
    const r = await cli(['serve', '--tree', file, '--port', '0', '--memory', 'tcp://127.0.0.1:9'], 30000);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`--memory tcp://127.0.0.1:9: tree '${file}' has no device with a memBase, so nothing would use the memory bridge`);
    expect(r.stderr).not.toContain('cannot serve tree');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
