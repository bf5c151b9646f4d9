/**
 * The Node clients and the CLI against a Python server: pyzmq REP/PUB sockets
 * and Python's own pickle (python-fixtures/fake_server.py, which answers with
 * the reply bytes the real pyrogue v6.15.0 recorded, or pickles values with
 * Python's pickler). Checks that nothing in the clients depends on this
 * package's server (ROUTER envelope handling, pickle details, publish timing).
 */
import execa from 'execa';
import * as path from 'path';
import { ClientTimeoutError, RemoteError } from '../src/client/errors';
import { SimpleClient } from '../src/client/simple';
import { RemoteVariableValue } from '../src/client/values';
import { VirtualClient } from '../src/client/virtual';
import { ROOT_DIR, cli, ensureBuilt } from '../test/support/cliRun';

jest.setTimeout(120000);

const PYTHON = '/usr/bin/python3';

let proc: execa.ExecaChildProcess | null = null;
let port = 0;
let server = '';

beforeAll(async () => {
  await ensureBuilt();
  for (let attempt = 0; attempt < 10 && !proc; attempt++) {
    const p = 20000 + 4 * Math.floor(Math.random() * 9500);
    const child = execa(PYTHON, [path.join(ROOT_DIR, 'python-fixtures', 'fake_server.py'), '127.0.0.1', String(p)], { reject: false });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const ok = await new Promise<boolean>((resolve) => {
      const t = setInterval(() => {
        if (out.includes('READY')) {
          clearInterval(t);
          resolve(true);
        }
      }, 25);
      void child.then(() => {
        clearInterval(t);
        resolve(out.includes('READY'));
      });
    });
    if (ok) {
      proc = child;
      port = p;
    }
  }
  if (!proc) throw new Error('python fake server did not start');
  server = `127.0.0.1:${port}`;
});

afterAll(async () => {
  if (proc) {
    proc.kill('SIGTERM');
    await proc;
  }
});

test('SimpleClient: every call against the Python server', async () => {
  const updates: [string, RemoteVariableValue][] = [];
  const c = new SimpleClient({ addr: '127.0.0.1', port, timeout: 5000, cb: (p, v) => updates.push([p, v]) });
  try {
    expect(await c.getDisp('root.RogueVersion')).toBe('v6.15.0');
    expect(await c.get('root.Demo.Int')).toBe(1n);
    expect(await c.value('root.Demo.Float')).toBe(1.5);
    expect(await c.valueDisp('root.Demo.Float')).toBe('1.500');
    await c.set('root.Demo.Int', 6);
    expect(await c.value('root.Demo.IntTimesTwo')).toBe(12n);
    await c.setDisp('root.Demo.Enum', 'One');
    expect(await c.value('root.Demo.Enum')).toBe(1n);
    expect(await c.exec('root.Demo.Multiply', 4)).toBe(12n);
    expect(await c.get('root.Demo.Missing')).toBeNull();
    await expect(c.exec('root.Demo.Fail')).rejects.toMatchObject({ pyType: 'builtins.ValueError', message: 'command failed on purpose' });
    await expect(c.remoteAttr('root.Demo.Int', 'noSuchAttr')).rejects.toBeInstanceOf(RemoteError);
    for (let i = 0; i < 60 && !updates.some(([p]) => p === 'Root.Time'); i++) await new Promise((r) => setTimeout(r, 50));
    const t = updates.find(([p]) => p === 'Root.Time')!;
    expect(t[1]).toBeInstanceOf(RemoteVariableValue);
    expect(typeof t[1].value).toBe('number');
  } finally {
    c.close();
  }
});

test('VirtualClient: connect, walk, props, funcs, listeners', async () => {
  const client = await VirtualClient.connect('127.0.0.1', port, { timeout: 5000 });
  try {
    const root = client.root;
    expect(root.name).toBe('Root');
    const demo = (await client.getNode('root.Demo'))!;
    const kids = await demo.nodes();
    expect([...kids.keys()]).toContain('Chan[2]');
    expect([...kids.keys()]).not.toContain('NoServeVar');
    const f = kids.get('Float')!;
    expect(await f.prop('disp')).toBe('{:1.3f}');
    expect((await f.getVariableValue()).valueDisp).toBe('1.500');
    expect(await client.tree.Demo.Multiply(5)).toBe(15n);
    const seen: string[] = [];
    client.addVarListener((p) => seen.push(p));
    for (let i = 0; i < 60 && !seen.includes('Root.Time'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(seen).toContain('Root.Time');
    expect(client.linked).toBe(true);
  } finally {
    client.close();
  }
});

test('CLI verbs against the Python server', async () => {
  const g = await cli(['--server', server, 'get', 'root.RogueVersion']);
  expect(g.stdout).toBe(`Connecting to ${server}\n\nRet = v6.15.0`);
  expect((await cli(['--server', server, 'set', 'root.Demo.Int', '9'])).exitCode).toBe(0);
  expect((await cli(['--server', server, '-q', 'value', 'root.Demo.IntTimesTwo'])).stdout).toBe('18');
  const f = await cli(['--server', server, 'exec', 'root.Demo.Fail']);
  expect(f.exitCode).toBe(1);
  expect(f.stderr).toContain('builtins.ValueError: command failed on purpose');
  const t = await cli(['--server', server, '-q', 'tree', 'root.Demo']);
  expect(t.stdout.split('\n')).toContain('  Int = 9');
  const m = await cli(['--server', server, '-q', 'monitor', 'root.Time', '--count', '1'], 20000);
  expect(m.exitCode).toBe(0);
});

test('a port with no server: bounded wait, then a timeout error', async () => {
  const c = new SimpleClient({ addr: '127.0.0.1', port: port + 1000 + 4 * Math.floor(Math.random() * 100), timeout: 300 });
  try {
    await expect(c.get('root.Demo.Int')).rejects.toBeInstanceOf(ClientTimeoutError);
  } finally {
    c.close();
  }
});
