/**
 * `pyrogue-ts snapshot`, `serve --tree file.json`, `port` and `compare` as a
 * user runs them (processes and sockets; no pyrogue needed): round trips on
 * the reference and example trees and on a generated tree, the generated
 * TypeScript compiled with tsc under strict settings and served, compare
 * failing and naming the node, and the Python fake server
 * (python-fixtures/fake_server.py) snapshotted as a foreign server.
 * Against real pyrogue: interop/snapshot-real.test.ts.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT_DIR, cli, ensureBuilt, startServe, type Served } from '../test/support/cliRun';
import { PYTHON, freeBasePort } from '../test/support/server';
import type { CompareResult, SnapshotFile } from '../src/snapshot';

/**
 * Nodes of the generated tree of the round trip: 30,000 in `make test`; `make test-long`
 * runs it with 100,000 (SNAPSHOT_ROUNDTRIP_NODES).
 */
const GENERATED = Number(process.env.SNAPSHOT_ROUNDTRIP_NODES ?? 30000);
/** Time scale of the generated round trip's steps (1 up to 30,000 nodes). */
const SCALE = Math.max(1, GENERATED / 30000);

jest.setTimeout(300000 * SCALE);

let dir = '';
const running: Served[] = [];

beforeAll(async () => {
  await ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-snapshot-'));
});
afterAll(async () => {
  for (const s of running) await s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function serveTree(tree: string): Promise<Served> {
  const s = await startServe(tree);
  running.push(s);
  return s;
}
async function stop(s: Served): Promise<void> {
  running.splice(running.indexOf(s), 1);
  await s.stop();
}
const at = (s: Served) => `127.0.0.1:${s.port}`;

/** `dir/<tree>.json`: the snapshot of a built-in tree, made once (by whichever test needs it first). */
async function snapshotFile(tree: 'reference' | 'example'): Promise<string> {
  const file = path.join(dir, `${tree}.json`);
  if (!fs.existsSync(file)) {
    const s = await serveTree(tree);
    await snapshot(s, file);
    await stop(s);
  }
  return file;
}

async function snapshot(s: Served, file: string, extra: string[] = []): Promise<SnapshotFile> {
  const r = await cli(['--server', at(s), 'snapshot', '-o', file, ...extra], 120000 * SCALE);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/^snapshot of \d+ nodes \(\d+ classes\) of 127\.0\.0\.1:\d+.* written to .* in [\d.]+ s$/);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as SnapshotFile;
}

async function compare(a: Served | string, b: Served | string, extra: string[] = []): Promise<execa.ExecaReturnValue> {
  return cli(['compare', typeof a === 'string' ? a : at(a), typeof b === 'string' ? b : at(b), ...extra], 240000 * SCALE);
}

function expectIdentical(r: execa.ExecaReturnValue): void {
  if (r.exitCode !== 0) throw new Error(`compare: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  expect(r.stdout).toMatch(/^identical: /);
}

describe('snapshot → serve → compare', () => {
  test('reference tree: identical, with writes and read-backs too; --json', async () => {
    const orig = await serveTree('reference');
    const file = path.join(dir, 'reference.json');
    const snap = await snapshot(orig, file, ['--window', '64']);
    expect(snap.format).toBe('pyrogue-ts-snapshot');
    expect(snap.version).toBe(1);
    expect(snap.nodes.length).toBe(191);
    const copy = await serveTree(file);
    expect(copy.output()).toMatch(/serving tree '.*reference\.json' \(root Root\)/);
    expectIdentical(await compare(orig, copy));
    const w = await compare(orig, copy, ['--writes', '--json']);
    expect(w.exitCode).toBe(0);
    const res = JSON.parse(w.stdout) as CompareResult;
    expect(res.identical).toBe(true);
    expect(res.compared.writes).toBeGreaterThan(10);
    await stop(copy);
    await stop(orig);
  });

  test('example tree (gzip-compressed file; its Sine, Counter and Waveform change by themselves: --volatile)', async () => {
    const orig = await serveTree('example');
    const file = path.join(dir, 'example.json.gz');
    const r = await cli(['--server', at(orig), 'snapshot', '-o', file], 120000);
    expect(r.exitCode).toBe(0);
    const copy = await serveTree(file);
    expectIdentical(await compare(orig, copy, ['--volatile', 'Example.Example.Sine', 'Example.Example.Counter', 'Example.Example.Waveform']));
    await stop(copy);
    await stop(orig);
  });

  // 30,000 nodes: the biggest generated tree whose whole round trip (serve, snapshot, serve the
  // file, compare: compare walks both servers with every prop) stays within about 90 s on a
  // loaded 2-core machine; `make test-long` runs it on 100,000 (docs/snapshot.md has the figures).
  test(`a generated tree of ${GENERATED.toLocaleString('en')} nodes: snapshot, serve, compare`, async () => {
    const mod = path.join(dir, 'generated.js');
    fs.writeFileSync(
      mod,
      `const t = require(${JSON.stringify(path.join(ROOT_DIR, 'dist', 'index.js'))});
module.exports = function make() {
  const root = new t.Root({ name: 'Gen', pollEn: false });
  const mem = new t.EmulatedMemory();
  for (let d = 0, count = 0; count < ${GENERATED}; d++) {
    const dev = new t.Device({ name: 'Dev[' + d + ']', memBase: mem, offset: d * 0x1000 });
    for (let i = 0; i < 96; i++, count++) {
      if (i % 3 === 0) dev.add(new t.RemoteVariable({ name: 'Reg' + i, offset: i * 4, bitSize: 32, base: t.UInt, mode: 'RW' }));
      else if (i % 3 === 1) dev.add(new t.RemoteVariable({ name: 'Sel' + i, offset: i * 4, bitSize: 2, bitOffset: 4, base: t.UInt, enum: [[0n, 'A'], [1n, 'B']] }));
      else dev.add(new t.LocalVariable({ name: 'Var' + i, value: i / 2, mode: 'RW' }));
    }
    root.add(dev);
    count += 4;
  }
  return root;
};
`,
    );
    const t0 = Date.now();
    const orig = await serveTree(mod);
    const file = path.join(dir, 'generated.json');
    const t1 = Date.now();
    const snap = await snapshot(orig, file);
    const t2 = Date.now();
    expect(snap.nodes.length).toBeGreaterThan(GENERATED);
    const copy = await serveTree(file);
    const t3 = Date.now();
    const r = await compare(orig, copy);
    const t4 = Date.now();
    expectIdentical(r);
    expect(r.stdout).toMatch(new RegExp(`\\(${snap.nodes.length} nodes, `));
    process.stderr.write(
      `[snapshot] ${snap.nodes.length} nodes: served in ${t1 - t0} ms, snapshotted in ${t2 - t1} ms, ` +
        `its file served in ${t3 - t2} ms, compared in ${t4 - t3} ms\n`,
    );
    await stop(copy);
    await stop(orig);
  });
});

describe('compare', () => {
  test('fails (exit 1), naming the node, on a served snapshot with one prop changed', async () => {
    const snap = JSON.parse(fs.readFileSync(await snapshotFile('reference'), 'utf8')) as SnapshotFile;
    snap.nodes.find((n) => n.path === 'Root.Demo.Float')!.props.units = 'mV';
    const file = path.join(dir, 'changed.json');
    fs.writeFileSync(file, JSON.stringify(snap));
    const a = await serveTree('reference');
    const b = await serveTree(file);
    const r = await compare(a, b);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `different: 1 difference in 1 node between ${at(a)} and ${at(b)} (191 nodes, 3773 props, 186 values compared)`,
      '  Root.Demo.Float: prop units: "V" (A) vs "mV" (B)',
    ]);
    expect(r.stderr).toMatch(/^Error: the servers differ \(1 difference\)$/m);
    await stop(b);
    await stop(a);
  });

  test('says which server does not answer', async () => {
    const a = await serveTree('reference');
    const port = await freeBasePort();
    const r = await cli(['--timeout', '1', 'compare', at(a), `127.0.0.1:${port}`], 60000);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`no reply from pyrogue server 127\\.0\\.0\\.1:${port} .*within 1 s \\(__ROOT__\\)`));
    await stop(a);
  });
});

describe('port', () => {
  test('the TypeScript of the reference and example snapshots compiles under strict settings and serves the same trees', async () => {
    const src = path.join(dir, 'port');
    fs.mkdirSync(path.join(src, 'node_modules'), { recursive: true });
    fs.symlinkSync(ROOT_DIR, path.join(src, 'node_modules', 'pyrogue-ts'));
    for (const name of ['reference', 'example'] as const) {
      const input = await snapshotFile(name);
      const r = await cli(['port', input, '-o', path.join(src, `${name}.ts`)]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(new RegExp(`${name}\\.ts: \\d+ nodes, \\d+ classes; \\d+ places marked TODO`));
    }
    const strict = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    const compilerOptions = {
      ...strict.compilerOptions,
      rootDir: '.',
      outDir: 'out',
      declaration: false,
      sourceMap: false,
      typeRoots: [path.join(ROOT_DIR, 'node_modules', '@types')],
      types: ['node'],
    };
    fs.writeFileSync(path.join(src, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['reference.ts', 'example.ts'] }));
    const tsc = await execa(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsc'), ['-p', src], { reject: false, timeout: 240000 });
    if (tsc.exitCode !== 0) throw new Error(`tsc failed:\n${tsc.stdout}\n${tsc.stderr}`);
    for (const name of ['reference', 'example']) {
      const orig = await serveTree(name);
      const ported = await serveTree(path.join(src, 'out', `${name}.js`));
      expectIdentical(await compare(orig, ported, ['--writes', '--volatile', 'Example.Example.Sine', 'Example.Example.Counter', 'Example.Example.Waveform']));
      await stop(ported);
      await stop(orig);
    }
  });
});

describe('a foreign server', () => {
  test('the Python fake server (python-fixtures/fake_server.py) snapshotted, served again, compared', async () => {
    const port = await freeBasePort();
    const child = execa(PYTHON, ['-u', path.join(ROOT_DIR, 'python-fixtures', 'fake_server.py'), '127.0.0.1', String(port)], { reject: false });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('READY')) resolve();
        });
        void child.then((r) => reject(new Error(`fake_server.py exited: ${r.stderr}`)));
      });
      const file = path.join(dir, 'fake.json');
      // --all-props: the fake has no answer for some derived props of a node it does not model, and that is to be served too
      const r = await cli(['--server', `127.0.0.1:${port}`, 'snapshot', '--all-props', '-o', file], 120000);
      expect(r.exitCode).toBe(0);
      const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as SnapshotFile;
      expect(snap.nodes.length).toBe(191);
      expect(snap.classes['reference_root.ReferenceRoot'].bases[0]).toBe("<class 'reference_root.ReferenceRoot'>");
      const copy = await serveTree(file);
      expectIdentical(await compare(`127.0.0.1:${port}`, copy));
      await stop(copy);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });
});
