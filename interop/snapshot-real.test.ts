/**
 * The real tier of snapshot/port/compare (docs/snapshot.md, docs/interop.md):
 * real pyrogue serves a tree (A); `pyrogue-ts snapshot --read` records it;
 * the snapshot is served by pyrogue-ts (B) and its `port` compiled and
 * served (C); `compare` and pyrogue's own VirtualClient
 * (python-fixtures/virtual_compare.py) must find A, B and C identical, and
 * `compare --writes` the same register writes and read-backs.
 *
 * And `properties()` (pyrogue's OrderedDict of a variable's value, display,
 * class and PROPS, which the snapshot walk asks each variable for): every
 * node of the reference tree answers it as real pyrogue does (canonical
 * pickles, python-fixtures/properties_canon.py), served in code and from a
 * snapshot; and the walk writes the same file with it as without it.
 *
 * Trees: the reference tree (`../shared/reference/reference_root.py`, or
 * PYROGUE_REFERENCE_ROOT), and python-fixtures/trees/ (surf_like, daq_like,
 * float_zoo).
 * Without real pyrogue (python-fixtures/tier.py finds only the compat stand-in)
 * every test is skipped; INTEROP_REQUIRE_REAL=1 makes that a failure.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createReferenceRoot } from '../src/examples/reference';
import { walkServer, writeSnapshot, type SnapshotFile } from '../src/snapshot';
import { ROOT_DIR, cli, ensureBuilt, startServe, type Served } from '../test/support/cliRun';
import { FIXTURES, PYTHON, detectTier, freeBasePort } from '../test/support/matrixKit';

jest.setTimeout(600000);

const TIER = detectTier();
const REAL = TIER.ok && TIER.tier === 'real';
const REQUIRE = !['', '0'].includes(process.env.INTEROP_REQUIRE_REAL ?? '');

interface Tree {
  name: string;
  script: string | null;
}
const reference = [process.env.PYROGUE_REFERENCE_ROOT, path.join(ROOT_DIR, '..', 'shared', 'reference', 'reference_root.py')].find(
  (p): p is string => p !== undefined && p !== '' && fs.existsSync(p),
);
const TREES: Tree[] = [
  { name: 'reference', script: reference ?? null },
  { name: 'surf_like', script: path.join(FIXTURES, 'trees', 'surf_like.py') },
  { name: 'daq_like', script: path.join(FIXTURES, 'trees', 'daq_like.py') },
  { name: 'float_zoo', script: path.join(FIXTURES, 'trees', 'float_zoo.py') },
];
/** The environment of a real-pyrogue Python child (tier.py's variables as PYTHONPATH / LD_LIBRARY_PATH too, for scripts that import pyrogue first). */
function pyEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const join = (a: string | undefined, b: string | undefined) => [a, b].filter((x) => x !== undefined && x !== '').join(path.delimiter);
  if (process.env.PYROGUE_PYTHONPATH) env.PYTHONPATH = join(process.env.PYROGUE_PYTHONPATH, process.env.PYTHONPATH);
  if (process.env.PYROGUE_LD_LIBRARY_PATH) env.LD_LIBRARY_PATH = join(process.env.PYROGUE_LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH);
  return env;
}

interface PyTree {
  port: number;
  proc: execa.ExecaChildProcess;
  stop(): Promise<void>;
}

async function startPyTree(script: string): Promise<PyTree> {
  for (let attempt = 0; ; attempt++) {
    const port = await freeBasePort();
    const proc = execa(PYTHON, ['-u', script, String(port)], { cwd: path.dirname(script), env: pyEnv(), reject: false });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (/READY \d+/.test(out)) {
          clearInterval(timer);
          resolve(true);
        }
      }, 50);
      void proc.then(() => {
        clearInterval(timer);
        resolve(/READY \d+/.test(out));
      });
    });
    if (ready)
      return {
        port,
        proc,
        async stop() {
          proc.kill('SIGKILL');
          await proc;
        },
      };
    if (attempt >= 3) throw new Error(`${script} did not start:\n${out}`);
  }
}

let dir = '';
const cleanup: (() => Promise<void>)[] = [];
const at = (p: { port: number }) => `127.0.0.1:${p.port}`;

async function serveTree(tree: string): Promise<Served> {
  const s = await startServe(tree);
  cleanup.push(async () => void (await s.stop()));
  return s;
}

async function compare(a: { port: number }, b: { port: number }, extra: string[] = []): Promise<string> {
  const r = await cli(['--timeout', '30', 'compare', at(a), at(b), ...extra], 600000);
  if (r.exitCode !== 0) throw new Error(`compare ${at(a)} ${at(b)} ${extra.join(' ')}: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

async function virtualCompare(a: { port: number }, b: { port: number }): Promise<{ nodes: number; differences: unknown[] }> {
  const r = await execa(PYTHON, [path.join(FIXTURES, 'virtual_compare.py'), at(a), at(b)], { env: pyEnv(), reject: false, timeout: 600000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"nodes"'));
  if (!line) throw new Error(`virtual_compare.py: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line) as { nodes: number; differences: unknown[] };
}

beforeAll(async () => {
  if (!REAL) return;
  await ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-snapshot-real-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(ROOT_DIR, path.join(dir, 'node_modules', 'pyrogue-ts'));
});
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`snapshot, serve, port and compare against real pyrogue [tier ${TIER.tier}]`, () => {
  if (!REAL) {
    (REQUIRE ? test : test.skip)(`needs real pyrogue (tier: ${TIER.tier}${TIER.ok ? '' : `, ${TIER.error.split('\n')[0]}`})`, () => {
      throw new Error('INTEROP_REQUIRE_REAL=1 but real pyrogue is not available');
    });
    return;
  }
  for (const t of TREES) {
    const skip = t.script === null ? 'its script is not beside the repository (../shared/reference; or set PYROGUE_REFERENCE_ROOT)' : null;
    if (skip) {
      test.skip(`${t.name}: skipped, ${skip}`, () => undefined);
      continue;
    }
    test(`${t.name}: real pyrogue, its snapshot served, its port served: identical (compare and VirtualClient), writes and read-backs too`, async () => {
      const a = await startPyTree(t.script!);
      cleanup.push(() => a.stop());
      const file = path.join(dir, `${t.name}.json`);
      const snap = await cli(['--timeout', '30', '--server', at(a), 'snapshot', '--read', '-o', file], 600000);
      if (snap.exitCode !== 0) throw new Error(`snapshot: ${snap.stdout}\n${snap.stderr}`);
      const b = await serveTree(file);
      const ts = path.join(dir, `${t.name}.ts`);
      const port = await cli(['port', file, '-o', ts]);
      expect(port.exitCode).toBe(0);
      fs.writeFileSync(
        path.join(dir, `tsconfig.${t.name}.json`),
        JSON.stringify({
          compilerOptions: {
            ...(JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'tsconfig.json'), 'utf8')) as { compilerOptions: object }).compilerOptions,
            rootDir: '.',
            outDir: 'out',
            declaration: false,
            sourceMap: false,
            typeRoots: [path.join(ROOT_DIR, 'node_modules', '@types')],
            types: ['node'],
          },
          files: [`${t.name}.ts`],
        }),
      );
      const tsc = await execa(path.join(ROOT_DIR, 'node_modules', '.bin', 'tsc'), ['-p', path.join(dir, `tsconfig.${t.name}.json`)], {
        reject: false,
        timeout: 300000,
      });
      if (tsc.exitCode !== 0) throw new Error(`tsc failed:\n${tsc.stdout}\n${tsc.stderr}`);
      const c = await serveTree(path.join(dir, 'out', `${t.name}.js`));

      expect(await compare(a, b)).toMatch(/^identical: /);
      expect(await compare(a, c)).toMatch(/^identical: /);
      for (const other of [b, c]) {
        const v = await virtualCompare(a, other);
        expect(v.differences).toEqual([]);
        expect(v.nodes).toBeGreaterThan(10);
      }
      // the same writes: A and its snapshot, then (A's registers now written) the snapshot afresh and the port
      expect(await compare(a, b, ['--writes'])).toMatch(/^identical: .* writes and reads compared\)$/);
      const b2 = await serveTree(file);
      expect(await compare(b2, c, ['--writes'])).toMatch(/^identical: .* writes and reads compared\)$/);
    });
  }
});

/** The canonical form of each node's reply to `attr` (python-fixtures/properties_canon.py), by path. */
async function repliesOf(server: { port: number }, paths: readonly string[], attr = 'properties'): Promise<Map<string, unknown>> {
  const r = await execa(PYTHON, [path.join(FIXTURES, 'properties_canon.py'), at(server), attr], {
    input: paths.join('\n') + '\n',
    reject: false,
    timeout: 120000,
  });
  if (r.exitCode !== 0) throw new Error(`properties_canon.py: exit ${r.exitCode}\n${r.stderr}`);
  const out = new Map<string, unknown>();
  for (const line of r.stdout.split('\n').filter((l) => l !== '')) {
    const { path: p, canon } = JSON.parse(line) as { path: string; canon: unknown };
    out.set(p, canon);
  }
  return out;
}

/** Nodes whose value depends on the run (the clock, the install folder): their value and display are left out. */
const RUN_DEPENDENT = new Set(['Root.Time', 'Root.LocalTime', 'Root.RogueDirectory']);
function comparable(p: string, canon: unknown): unknown {
  if (!RUN_DEPENDENT.has(p)) return canon;
  const c = canon as { dictitems?: [string, unknown][] };
  return { ...c, dictitems: (c.dictitems ?? []).filter(([k]) => k !== 'value' && k !== 'valueDisp') };
}

/** A snapshot's text without its creation time and the clock's values. */
function fileText(f: SnapshotFile): string {
  const c = JSON.parse(JSON.stringify(f)) as SnapshotFile;
  c.created = '';
  for (const n of c.nodes)
    if (n.path === 'Root.Time' || n.path === 'Root.LocalTime') {
      delete n.value;
      delete n.valueDisp;
    }
  return writeSnapshot(c);
}

describe(`properties() against real pyrogue [tier ${TIER.tier}]`, () => {
  if (!REAL || reference === undefined) {
    const why = !REAL ? `needs real pyrogue (tier: ${TIER.tier})` : 'the reference tree script is not beside the repository';
    (REQUIRE && !REAL ? test : test.skip)(why, () => {
      throw new Error('INTEROP_REQUIRE_REAL=1 but real pyrogue is not available');
    });
    return;
  }
  test('every node of the reference tree answers it as real pyrogue (served in code and from a snapshot); the walk writes the same file with it as without', async () => {
    const a = await startPyTree(reference);
    cleanup.push(() => a.stop());
    const inCode = await serveTree('reference');
    // every node: variables and commands (the dict), devices and the root (AttributeError)
    const tree = createReferenceRoot();
    const paths = [tree.path, ...[...tree.descendants()].map((n) => n.path)];
    const variables = [...tree.descendants()].filter((n) => n.isVariable).length;
    expect(variables).toBeGreaterThan(150);

    const want = await repliesOf(a, paths);
    const file = path.join(dir, 'reference-properties.json');
    const f = await walkServer({ addr: '127.0.0.1', port: a.port, timeout: 30000 });
    fs.writeFileSync(file, writeSnapshot(f));
    const fromSnapshot = await serveTree(file);
    for (const [what, server] of [
      ['served in code', inCode],
      ['served from its snapshot', fromSnapshot],
    ] as const) {
      const got = await repliesOf(server, paths);
      const differ = paths.filter((p) => JSON.stringify(comparable(p, got.get(p))) !== JSON.stringify(comparable(p, want.get(p))));
      expect({ what, differ }).toEqual({ what, differ: [] });
    }
    const dicts = paths.filter((p) => (want.get(p) as { obj?: string } | null)?.obj === 'collections.OrderedDict');
    expect(dicts.length).toBe(variables);

    for (const read of [false, true]) {
      const withDict = await walkServer({ addr: '127.0.0.1', port: a.port, timeout: 30000, read });
      const perProp = await walkServer({ addr: '127.0.0.1', port: a.port, timeout: 30000, read, properties: false });
      expect(fileText(withDict)).toBe(fileText(perProp));
    }
  });
});
