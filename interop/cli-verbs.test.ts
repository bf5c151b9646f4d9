/**
 * The `pyrogue-ts` command line (dist/cli.js) against live servers it starts
 * itself: `serve` (reference and example trees, clean stop on SIGINT/SIGTERM),
 * pyrogue's client verbs with their output shape, the errors, and the seed
 * examples of the example tree (Node clients and Python's SimpleClient /
 * VirtualClient).
 */
import execa from 'execa';
import * as fs from 'fs';
import * as path from 'path';
import { SimpleClient } from '../src/client/simple';
import { VirtualClient } from '../src/client/virtual';
import { ROOT_DIR, cli, ensureBuilt, startServe, type Served } from '../test/support/cliRun';

jest.setTimeout(120000);

const PYTHON = '/usr/bin/python3';

beforeAll(async () => {
  await ensureBuilt();
});

describe('client verbs against `pyrogue-ts serve --tree reference`', () => {
  let srv: Served;
  let server: string;
  beforeAll(async () => {
    srv = await startServe('reference');
    server = `127.0.0.1:${srv.port}`;
  });
  afterAll(async () => {
    await srv.stop();
  });

  test('serve prints where and how to connect', () => {
    const out = srv.output();
    expect(out).toContain(`pyrogue-ts: serving tree 'reference' (root Root) on 127.0.0.1:${srv.port}`);
    expect(out).toContain(`SimpleClient(addr='127.0.0.1', port=${srv.port})`);
    expect(out).toContain(`VirtualClient(addr='127.0.0.1', port=${srv.port})`);
    expect(out).toContain(`python -m pyrogue --server 127.0.0.1:${srv.port} gui`);
  });

  test('get → getDisp, printed as pyrogue does', async () => {
    const r = await cli(['--server', server, 'get', 'root.RogueVersion']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`Connecting to ${server}\n\nRet = v6.15.0`);
  });

  test('value → valueDisp; -q prints the value only', async () => {
    const r = await cli(['--server', server, 'value', 'Root.Demo.Float']);
    expect(r.stdout).toBe(`Connecting to ${server}\n\nRet = 1.500`);
    const q = await cli(['--server', server, '-q', 'value', 'root.Demo.HexDisp']);
    expect(q.stdout).toBe('0xff');
  });

  test('set → setDisp (prints nothing more), then value reads it back', async () => {
    const r = await cli(['--server', server, 'set', 'root.Demo.Int', '42']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`Connecting to ${server}`);
    expect((await cli(['--server', server, '-q', 'value', 'root.Demo.Int'])).stdout).toBe('42');
    expect((await cli(['--server', server, '-q', 'value', 'root.Demo.IntTimesTwo'])).stdout).toBe('84');
    await cli(['--server', server, 'set', 'root.Demo.Enum', 'Two']);
    expect((await cli(['--server', server, '-q', 'get', 'root.Demo.Enum'])).stdout).toBe('Two');
  });

  test('exec → __call__(arg) and its return value', async () => {
    const r = await cli(['--server', server, 'exec', 'root.Demo.Multiply', '4']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`Connecting to ${server}\n\nRet = 12`);
    const n = await cli(['--server', server, 'exec', 'root.Demo.NoArg']);
    expect(n.exitCode).toBe(0);
    expect(n.stdout).toBe(`Connecting to ${server}`);
    expect((await cli(['--server', server, '-q', 'exec', 'root.Demo.Echo', 'hello'])).stdout).toBe('hello');
  });

  test('--server after the verb works too', async () => {
    const r = await cli(['-q', 'get', 'root.Demo.Text', '--server', server]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('hello');
  });

  test('unknown path: a clear error, exit 1', async () => {
    for (const args of [
      ['get', 'root.Demo.Nope'],
      ['value', 'root.Nope'],
      ['set', 'root.Demo.Nope', '1'],
      ['exec', 'root.Demo.Nope'],
    ]) {
      const r = await cli(['--server', server, ...args]);
      expect([args, r.exitCode]).toEqual([args, 1]);
      expect(r.stderr).toContain(`no node '${args[1]}' on server ${server}`);
    }
  });

  test("a rejected set: the server's error, exit 1", async () => {
    const r = await cli(['--server', server, 'set', 'root.Demo.Int', 'abc']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('set root.Demo.Int "abc" rejected: pyrogue._Variable.VariableError: Invalid value abc for variable Int');
    const f = await cli(['--server', server, 'exec', 'root.Demo.Fail']);
    expect(f.exitCode).toBe(1);
    expect(f.stderr).toContain('builtins.ValueError: command failed on purpose');
  });

  test('tree prints the remote tree with values', async () => {
    await cli(['--server', server, 'set', 'root.Demo.Int', '42']);
    const r = await cli(['--server', server, 'tree', 'root.Demo']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Connecting to ${server}`);
    expect(lines).toContain('Demo  [Demo]');
    expect(lines).toContain('  Int = 42');
    expect(lines).toContain('  Float = 1.500 V'); // units after the value
    expect(lines.filter((l) => l.endsWith('  (RO)')).length).toBeGreaterThan(0); // the mode when not RW
    expect(lines.filter((l) => l.endsWith('  (WO)')).length).toBeGreaterThan(0);
    expect(lines).toContain('  Multiply()');
    expect(lines).toContain('  Chan[1] = 10');
    expect(lines.some((l) => l.includes('HiddenVar'))).toBe(false);
    expect(lines.some((l) => l.includes('NoServeVar'))).toBe(false);
    const all = await cli(['--server', server, '-q', 'tree', '--hidden', '--depth', '1']);
    expect(all.stdout.split('\n')[0]).toBe('Root  [ReferenceRoot]');
    expect(all.stdout).toContain('  Demo  [Demo]');
    expect(all.stdout).not.toContain('    Int = ');
    const missing = await cli(['--server', server, 'tree', 'root.Nope']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("no node 'root.Nope'");
  });

  test('monitor streams valueDisp updates of PATH; --count 3 prints 3 values (the current one, 2 updates)', async () => {
    const proc = execa('node', [path.join(ROOT_DIR, 'dist', 'cli.js'), '--server', server, 'monitor', 'root.Demo.Int', '--count', '3'], {
      cwd: ROOT_DIR,
      reject: false,
      timeout: 30000,
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const c = new SimpleClient({ addr: '127.0.0.1', port: srv.port });
    try {
      for (let i = 0; i < 100 && !/= \d+\n/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300)); // the SUB socket is connected well before now
      await c.set('root.Demo.Int', 7);
      await c.set('root.Demo.Int', 8);
    } finally {
      c.close();
    }
    const r = await proc;
    expect(r.exitCode).toBe(0);
    const lines = out.trim().split('\n'); // (what the data listener saw: execa's own copy may miss the start)
    expect(lines[0]).toBe(`Connecting to ${server}`);
    expect(lines[1]).toBe('');
    const stamp = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d( \S+)?: root\.Demo\.Int = (\d+)$/;
    expect(lines.slice(2).map((l) => stamp.exec(l)?.[2])).toEqual(['42', '7', '8']);
  });

  test('monitor stops cleanly on SIGINT', async () => {
    const proc = execa('node', [path.join(ROOT_DIR, 'dist', 'cli.js'), '--server', server, '-q', 'monitor', 'root.Demo.Text'], {
      cwd: ROOT_DIR,
      reject: false,
      timeout: 30000,
    });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 25));
    proc.kill('SIGINT');
    const r = await proc;
    expect(r.exitCode).toBe(0);
    expect(out.split('\n')[0]).toBe('hello');
  });
  test("syslog and path: the output of pyrogue's own `python -m pyrogue syslog` / `path` (this tier's), line for line", async () => {
    // two entries in the server's SystemLog: a value that does not parse, an int for a float
    await cli(['--server', server, 'set', 'root.Demo.Int', 'abc']);
    await cli(['--server', server, 'set', 'root.Demo.Float', '3']);
    const stamp = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [^:]*/;
    const norm = (s: string) => s.split('\n').map((l) => l.replace(stamp, 'TS'));
    for (const details of [false, true]) {
      const flag = details ? ['--details'] : [];
      const py = await execa(PYTHON, [path.join(ROOT_DIR, 'python-fixtures', 'cli_syslog.py'), '127.0.0.1', String(srv.port), ...flag], {
        cwd: ROOT_DIR,
        reject: false,
        timeout: 60000,
      });
      const pyOut = JSON.parse(py.stdout.trim().split('\n').pop()!) as { syslog: string[]; path: string[]; path_is_dir: boolean };
      // ours: every entry there is (they come in one publish), then it stops by itself
      const ours = await cli(['--server', server, ...flag, 'syslog', '--count', '1']);
      expect(ours.exitCode).toBe(0);
      const mine = norm(ours.stdout);
      expect(mine.slice(0, 3)).toEqual([`Connecting to ${server}`, 'Listening for system log message:', '']);
      expect(mine.filter((l) => l.startsWith('TS: Invalid value abc for variable Int')).length).toBeGreaterThanOrEqual(1);
      // the same lines (the last blank line of --details is lost to the capture on both sides)
      const trim = (ls: string[]) => (ls.length > 0 && ls[ls.length - 1] === '' ? ls.slice(0, -1) : ls);
      expect(trim(mine)).toEqual(trim(pyOut.syslog.map((l) => l.replace(`127.0.0.1:${srv.port}`, server))));
      // path: one line, a directory (pyrogue's package directory; ours the library's, Root.RogueDirectory)
      expect(pyOut.path_is_dir).toBe(true);
      const p = await cli(['path']);
      expect(p.stdout.split('\n')).toHaveLength(1);
      expect(fs.statSync(p.stdout).isDirectory()).toBe(true);
      expect(fs.existsSync(path.join(p.stdout, 'cli.js'))).toBe(true);
    }
  });
});

describe('errors without a server, usage', () => {
  test('no server: a bounded wait, then a message naming the address', async () => {
    const port = 60000 + 4 * Math.floor(Math.random() * 1000);
    const t0 = Date.now();
    const r = await cli(['--server', `127.0.0.1:${port}`, '--timeout', '0.5', 'get', 'root.RogueVersion']);
    expect(Date.now() - t0).toBeLessThan(10000);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`no reply from pyrogue server 127.0.0.1:${port}`);
    const t = await cli(['--server', `127.0.0.1:${port}`, '--timeout', '0.5', 'tree']);
    expect(t.exitCode).toBe(1);
    expect(t.stderr).toContain(`failed to connect to pyrogue server 127.0.0.1:${port}`);
  });

  test('usage errors exit 2; --help exits 0', async () => {
    expect((await cli(['get'])).exitCode).toBe(2);
    expect((await cli(['frobnicate'])).exitCode).toBe(2);
    const h = await cli(['--help']);
    expect(h.exitCode).toBe(0);
    for (const verb of ['serve', 'get', 'value', 'set', 'exec', 'monitor', 'tree']) expect(h.stdout).toContain(verb);
    const bad = await cli(['--server', 'host:notaport', 'get', 'root.X']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain("bad server address 'host:notaport'");
  });

  test('serve: unknown tree and a taken port are clear errors', async () => {
    const r = await cli(['serve', '--tree', 'nope', '--port', '0']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("unknown tree 'nope' (known: reference, example");
    const srv = await startServe('reference');
    try {
      const clash = await cli(['serve', '--tree', 'reference', '--addr', '127.0.0.1', '--port', String(srv.port)]);
      expect(clash.exitCode).toBe(1);
      expect(clash.stderr).toContain(`cannot serve tree 'reference' on 127.0.0.1:${srv.port}`);
    } finally {
      await srv.stop();
    }
  });
});

describe('serve --inc-groups / --exc-groups', () => {
  async function published(extra: string[], paths: string[]): Promise<Set<string>> {
    const srv = await startServe('reference', extra);
    const seen = new Set<string>();
    const c = new SimpleClient({ addr: '127.0.0.1', port: srv.port, cb: (p) => seen.add(p) });
    try {
      // Keep writing until the heartbeat shows the subscription is live, then once more.
      for (let i = 0; i < 60 && !seen.has('Root.Time') && !seen.has('Root.Demo.Text'); i++) {
        await c.set('root.Demo.Text', `x${i}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const p of paths) await c.set(p, 5);
      await new Promise((r) => setTimeout(r, 500));
      return seen;
    } finally {
      c.close();
      await srv.stop();
    }
  }

  test('default: NoServe excluded, Hidden published', async () => {
    const seen = await published([], ['root.Demo.Int', 'root.Demo.HiddenVar', 'root.Demo.NoServeVar']);
    expect(seen.has('Root.Demo.Int')).toBe(true);
    expect(seen.has('Root.Demo.HiddenVar')).toBe(true);
    expect(seen.has('Root.Demo.NoServeVar')).toBe(false);
  });

  test('--exc-groups NoServe,Hidden leaves Hidden variables out', async () => {
    const seen = await published(['--exc-groups', 'NoServe,Hidden'], ['root.Demo.Int', 'root.Demo.HiddenVar']);
    expect(seen.has('Root.Demo.Int')).toBe(true);
    expect(seen.has('Root.Demo.HiddenVar')).toBe(false);
  });

  test('--inc-groups Hidden publishes only Hidden variables', async () => {
    const seen = await published(['--inc-groups', 'Hidden'], ['root.Demo.Int', 'root.Demo.HiddenVar']);
    expect(seen.has('Root.Demo.HiddenVar')).toBe(true);
    expect(seen.has('Root.Demo.Int')).toBe(false);
  });
});

describe('`pyrogue-ts serve --tree example` (make run)', () => {
  let srv: Served;
  beforeAll(async () => {
    srv = await startServe('example');
  });
  afterAll(async () => {
    if (srv) await srv.stop();
  });

  test("the start banner is printed once: pyrogue's first line, then how to connect, with one host throughout", () => {
    const o = srv.output();
    expect(o.split('Started zmqServer').length - 1).toBe(1);
    expect(o).toContain(`Start: Started zmqServer on ports ${srv.port}-${srv.port + 2}`);
    expect(o).toContain(`python -m pyrogue --server 127.0.0.1:${srv.port} gui`);
    expect(o).not.toContain('localhost');
  });

  test('the seed examples work with the Node clients', async () => {
    const c = new SimpleClient({ addr: '127.0.0.1', port: srv.port });
    try {
      expect(await c.getDisp('root.RogueVersion')).toBe('v6.15.0');
      await c.setDisp('root.AxiVersion.ScratchPad', '0x100');
      expect(await c.valueDisp('root.AxiVersion.ScratchPad')).toBe('0x000100');
    } finally {
      c.close();
    }
    const vc = await VirtualClient.connect({ addr: '127.0.0.1', port: srv.port });
    try {
      await vc.tree.AxiVersion.ScratchPad.set(0x200);
      const sp = (await vc.getNode('root.AxiVersion.ScratchPad'))!;
      expect(await sp.value()).toBe(0x200n);
      expect(await sp.valueDisp()).toBe('0x000200');
      await sp.set(0x100);
      expect(await sp.get()).toBe(0x100n);
      // A little of everything.
      const ex = (await vc.getNode('root.Example'))!;
      const names = [...(await ex.nodes()).keys()];
      for (const n of ['Gain', 'Offset', 'Mode', 'Label', 'Enabled', 'Samples', 'Temperature', 'Sine', 'Counter', 'Scaled', 'Add', 'Echo'])
        expect(names).toContain(n);
      expect(await vc.tree.Example.Add(3)).toBe(5n);
      expect(await vc.tree.Example.Mode.getDisp()).toBe('Idle');
      const temp = (await vc.getNode('root.Example.Temperature'))!;
      await temp.set(85.0);
      expect((await temp.getVariableValue()).severity).toBe('AlarmMajor');
      await temp.set(25.0);
    } finally {
      vc.close();
    }
  });

  test('the polled sine wave publishes changing values', async () => {
    const r = await cli(['--server', `127.0.0.1:${srv.port}`, '-q', 'monitor', 'root.Example.Sine', '--count', '3'], 20000);
    expect(r.exitCode).toBe(0);
    const values = r.stdout.split('\n').map(Number);
    expect(values.length).toBe(3); // --count 3: three values in all
    expect(values.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(1);
  });

  test("Python's SimpleClient and VirtualClient (seed examples, verbatim)", async () => {
    const script = `
import sys, json
sys.path.insert(0, ${JSON.stringify(path.join(ROOT_DIR, 'python-fixtures'))})
import tier
import pyrogue.interfaces
from pyrogue.interfaces import SimpleClient
client = SimpleClient(addr='127.0.0.1', port=${srv.port})
out = {}
out['version'] = client.getDisp('root.RogueVersion')
client.setDisp('root.AxiVersion.ScratchPad', '0x100')
out['scratch'] = client.valueDisp('root.AxiVersion.ScratchPad')
client._stop()
vc = pyrogue.interfaces.VirtualClient(addr='127.0.0.1', port=${srv.port})
root = vc.root
root.AxiVersion.ScratchPad.set(0x100)
out['virtual'] = root.AxiVersion.ScratchPad.valueDisp()
out['sine'] = root.Example.Sine.getVariableValue().disp
vc.stop()
print(json.dumps(out))
`;
    const r = await execa(PYTHON, ['-c', script], { cwd: ROOT_DIR, reject: false, timeout: 60000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    const lines = r.stdout.trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1])).toEqual({ version: 'v6.15.0', scratch: '0x000100', virtual: '0x000100', sine: '{:1.4f}' });
  });

  test('SIGTERM stops the server cleanly', async () => {
    const s2 = await startServe('example');
    s2.proc.kill('SIGTERM');
    const r = await s2.proc;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('pyrogue-ts: SIGTERM, stopping');
    expect(r.stdout).toContain('pyrogue-ts: stopped');
  });
});
