/**
 * The package as a user gets it: `npm pack`, the tarball installed into fresh
 * temporary projects (one CommonJS, npm's default; one `"type": "module"`), and there:
 *
 *   - `require('pyrogue-ts')` (and the subpaths /client, /pickle) from CommonJS;
 *   - `import` from ES modules, static and dynamic (`await import('pyrogue-ts')` resolves
 *     to the module namespace: no export named `then`), and dynamic import from CommonJS;
 *   - the root names only the public surface (no internal helpers);
 *   - `tsc` compiles README's tree example (examples/lab-tree.ts) and its "From Node" block
 *     under `module: commonjs` and `module: nodenext`, with the package's own .d.ts files
 *     checked (skipLibCheck off);
 *   - the compiled example runs as a program, a Python SimpleClient reads it, and Ctrl-C
 *     (SIGINT) stops it cleanly;
 *   - the installed `pyrogue-ts serve --tree ./lab-tree.js` serves the same module until
 *     SIGTERM, and `npx pyrogue-ts --help` works from the tarball.
 *
 * npm installs the tarball's dependencies with --prefer-offline (npm's cache first).
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt } from '../test/support/cliRun';
import { freeBasePort, PYTHON } from '../test/support/server';

const ROOT_DIR = path.resolve(__dirname, '..');
const TSC = path.join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
const TYPE_ROOTS = path.join(ROOT_DIR, 'node_modules', '@types');
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

jest.setTimeout(10 * 60 * 1000);

let work = '';
let tarball = '';
let cjsDir = '';
let esmDir = '';

async function freshProject(name: string, extra: Record<string, unknown>): Promise<string> {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...extra }, null, 2));
  await execa('npm', [...NPM_INSTALL, tarball], { cwd: dir, timeout: 5 * 60 * 1000 });
  return dir;
}

/** Runs `node` in a project; the JSON its last stdout line prints. */
async function nodeJson(dir: string, args: string[]): Promise<any> {
  const r = await execa('node', args, { cwd: dir, timeout: 60000 });
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

beforeAll(async () => {
  await ensureBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-pack-'));
  const r = await execa('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT_DIR, timeout: 120000 });
  const info = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, info[0].filename);
  (globalThis as any).packedFiles = info[0].files.map((f) => f.path);
  [cjsDir, esmDir] = await Promise.all([freshProject('cjs-app', {}), freshProject('esm-app', { type: 'module' })]);
});

afterAll(() => {
  if (work && !process.env.KEEP_PACK_DIR) fs.rmSync(work, { recursive: true, force: true });
});

/** Names that are internal helpers and must not be at the package root. */
const INTERNAL = ['then', 'seq', 'dispatchOperation', 'BinaryPort', 'bindArgs', 'literalEval', 'encode', 'decode', 'rootHooks', '_installGetYaml', 'toPy'];
const PUBLIC = [
  'Root',
  'Device',
  'LocalVariable',
  'LinkVariable',
  'LocalCommand',
  'RemoteVariable',
  'EmulatedMemory',
  'ZmqServer',
  'serve',
  'SimpleClient',
  'VirtualClient',
  'RemoteError',
  'PyTuple',
  'NdArray',
  'pyFloat',
  'kw',
];

test('the tarball holds the build (the browser page too), README and docs; no tests, sources or recordings', () => {
  const files: string[] = (globalThis as any).packedFiles;
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'README.md',
      'docs/protocol.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli.js',
      'dist/client/index.js',
      'dist/pickle/index.js',
      'dist/web/gateway.js',
      'dist/web/static/index.html',
      'dist/web/static/app.js',
      'dist/web/static/app.css',
      'docs/web.md',
      'docs/web-example.png',
    ]),
  );
  expect(files.filter((f) => /^(src|test|interop|golden|python-fixtures)\//.test(f))).toEqual([]);
});

test('require() from CommonJS: the root and the subpaths', async () => {
  const script = `
const m = require('pyrogue-ts');
const client = require('pyrogue-ts/client');
const pickle = require('pyrogue-ts/pickle');
const bytes = pickle.encode(new pickle.PyTuple([1n, 2.5, 'x']), 4);
console.log(JSON.stringify({
  count: Object.keys(m).length,
  public: ${JSON.stringify(PUBLIC)}.filter((n) => typeof m[n] !== 'function'),
  internal: ${JSON.stringify(INTERNAL)}.filter((n) => n in m),
  client: [typeof client.SimpleClient, typeof client.VirtualClient, client.SimpleClient === m.SimpleClient],
  pickle: String(pickle.decode(bytes).items.map(String)),
  pkg: require('pyrogue-ts/package.json').name,
}));`;
  const r = await nodeJson(cjsDir, ['-e', script]);
  expect(r.public).toEqual([]);
  expect(r.internal).toEqual([]);
  expect(r.count).toBeLessThan(100);
  expect(r.client).toEqual(['function', 'function', true]);
  expect(r.pickle).toBe('1,2.5,x');
  expect(r.pkg).toBe('pyrogue-ts');
});

test('the tree works from the installed package (YAML included: its hooks load with the root)', async () => {
  const script = `
const { Root, Device, LocalVariable } = require('pyrogue-ts');
(async () => {
  const root = new Root({ name: 'Lab', pollEn: false, heartbeatMs: 0 });
  const dev = new Device({ name: 'Supply' });
  dev.add(new LocalVariable({ name: 'Voltage', value: 0.0 }));
  root.add(dev);
  await root.start();
  await root.setYaml('Lab:\\n  Supply:\\n    Voltage: 12.5\\n');
  const v = root.getNode('Lab.Supply.Voltage').value();
  const yml = await root.getYaml({ readFirst: false, modes: ['RW'] });
  await root.stop();
  console.log(JSON.stringify({ v, yaml: /Voltage: 12.5/.test(yml) }));
})();`;
  expect(await nodeJson(cjsDir, ['-e', script])).toEqual({ v: 12.5, yaml: true });
});

test('dynamic import() from CommonJS resolves to the namespace', async () => {
  const r = await nodeJson(cjsDir, ['-e', `import('pyrogue-ts').then((m) => console.log(JSON.stringify({ root: typeof m.Root, then: 'then' in m })))`]);
  expect(r).toEqual({ root: 'function', then: false });
});

test('ES modules: static named imports (root and subpaths) and dynamic import', async () => {
  fs.writeFileSync(
    path.join(esmDir, 'static.js'),
    `import { Root, Device, LocalVariable, ZmqServer, serve } from 'pyrogue-ts';
import { VirtualClient, SimpleClient } from 'pyrogue-ts/client';
import { decode, encode, PyTuple } from 'pyrogue-ts/pickle';
const t = decode(encode(new PyTuple([7n]), 2));
console.log(JSON.stringify([typeof Root, typeof Device, typeof LocalVariable, typeof ZmqServer, typeof serve, typeof VirtualClient, typeof SimpleClient, String(t.items[0])]));
`,
  );
  fs.writeFileSync(
    path.join(esmDir, 'dynamic.js'),
    `const m = await import('pyrogue-ts');
const c = await import('pyrogue-ts/client');
console.log(JSON.stringify({ root: typeof m.Root, then: 'then' in m, client: typeof c.VirtualClient, def: typeof m.default }));
`,
  );
  expect(await nodeJson(esmDir, ['static.js'])).toEqual(['function', 'function', 'function', 'function', 'function', 'function', 'function', '7']);
  expect(await nodeJson(esmDir, ['dynamic.js'])).toEqual({ root: 'function', then: false, client: 'function', def: 'object' });
});

const SETTINGS: Record<string, Record<string, unknown>> = {
  commonjs: { module: 'commonjs', moduleResolution: 'node10' },
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
};

/** README's "From Node" block (the other TypeScript block of README that imports the package). */
function readmeClientBlock(): string {
  const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('VirtualClient.connect'));
  if (!block) throw new Error("README has no 'From Node' ts block");
  return block;
}

function compileExample(setting: string): Promise<execa.ExecaReturnValue> {
  const dir = path.join(cjsDir, `tsc-${setting}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(ROOT_DIR, 'examples', 'lab-tree.ts'), path.join(dir, 'lab-tree.ts'));
  fs.writeFileSync(path.join(dir, 'readme-client.ts'), readmeClientBlock());
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...SETTINGS[setting],
        target: 'ES2022',
        strict: true,
        skipLibCheck: false,
        outDir: 'out',
        typeRoots: [TYPE_ROOTS],
        types: ['node'],
      },
      files: ['lab-tree.ts', 'readme-client.ts'],
    }),
  );
  return execa('node', [TSC, '-p', 'tsconfig.json'], { cwd: dir, reject: false, timeout: 120000 });
}

test.each(Object.keys(SETTINGS))(
  "tsc compiles README's examples (the tree, the Node clients) under module %s (checking the package's .d.ts)",
  async (setting) => {
    const r = await compileExample(setting);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(fs.existsSync(path.join(cjsDir, `tsc-${setting}`, 'out', 'lab-tree.js'))).toBe(true);
  },
);

/** SimpleClient from Python (real pyrogue or the compat stand-in, python-fixtures/tier.py) reads the lab tree. */
async function pythonReads(port: number): Promise<unknown> {
  const script = `
import sys, json
sys.path.insert(0, ${JSON.stringify(path.join(ROOT_DIR, 'python-fixtures'))})
import tier
from pyrogue.interfaces import SimpleClient
c = SimpleClient(addr='127.0.0.1', port=${port})
c.setDisp('root.Supply.Voltage', '12.5')
out = [c.getDisp('Lab.Supply.Serial'), c.valueDisp('root.Supply.Voltage'), c.getDisp('root.Supply.Mode')]
c._stop()
print(json.dumps(out))
`;
  const r = await execa(PYTHON, ['-c', script], { cwd: ROOT_DIR, timeout: 60000 });
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

/** The exit of a process asked to stop; SIGKILL (and a failure) if it is still there after 15 s. */
async function exitOf(proc: execa.ExecaChildProcess): Promise<execa.ExecaReturnValue> {
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15000);
  try {
    return await proc;
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a long-running process and waits for `ready` on its stdout. */
async function startUntil(cmd: string, args: string[], opts: execa.Options, ready: string) {
  const proc = execa(cmd, args, { ...opts, reject: false });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 60000;
  while (!out.includes(ready) && proc.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return { proc, output: () => out };
}

test('the compiled example runs as a program, serves Python, and stops on Ctrl-C (SIGINT)', async () => {
  const dir = path.join(cjsDir, 'tsc-commonjs');
  if (!fs.existsSync(path.join(dir, 'out', 'lab-tree.js'))) expect((await compileExample('commonjs')).exitCode).toBe(0);
  const port = await freeBasePort();
  const s = await startUntil('node', ['out/lab-tree.js'], { cwd: dir, env: { PORT: String(port) } }, `Started zmqServer on ports ${port}-${port + 2}`);
  try {
    expect(s.output()).toContain(`Started zmqServer on ports ${port}-${port + 2}`);
    expect(await pythonReads(port)).toEqual(['0x1234', '12.500', 'CV']);
  } finally {
    s.proc.kill('SIGINT');
  }
  const r = await exitOf(s.proc);
  expect({ exitCode: r.exitCode, signal: r.signal ?? null }).toEqual({ exitCode: 0, signal: null });
});

test('pyrogue-ts serve --tree ./lab-tree.js (the installed bin) serves the module, and stops on SIGTERM', async () => {
  const dir = path.join(cjsDir, 'tsc-nodenext');
  if (!fs.existsSync(path.join(dir, 'out', 'lab-tree.js'))) expect((await compileExample('nodenext')).exitCode).toBe(0);
  const port = await freeBasePort();
  // The bin npm installed (what `npx pyrogue-ts` runs; npx itself does not pass SIGTERM on).
  const s = await startUntil(
    path.join(cjsDir, 'node_modules', '.bin', 'pyrogue-ts'),
    ['serve', '--tree', './out/lab-tree.js', '--addr', '127.0.0.1', '--port', String(port)],
    { cwd: dir },
    'Press Ctrl-C',
  );
  try {
    expect(s.output()).toContain(`serving tree './out/lab-tree.js' (root Lab) on 127.0.0.1:${port}`);
    expect(await pythonReads(port)).toEqual(['0x1234', '12.500', 'CV']);
  } finally {
    s.proc.kill('SIGTERM');
  }
  const r = await exitOf(s.proc);
  expect(r.exitCode).toBe(0);
  expect(s.output()).toContain('pyrogue-ts: stopped');
});

test('npx pyrogue-ts --help works from the tarball', async () => {
  const r = await execa('npx', ['--no-install', 'pyrogue-ts', '--help'], { cwd: esmDir, timeout: 60000 });
  expect(r.stdout).toContain('Usage: pyrogue-ts');
  expect(r.stdout).toContain('serve');
});
