/**
 * The package as a user gets it: `npm pack`, the tarball installed into fresh
 * temporary projects (one CommonJS, npm's default; one `"type": "module"`), and there:
 *
 *   - `require('pyrogue-ts')` (and the subpaths /client, /pickle) from CommonJS;
 *   - `import` from ES modules, static and dynamic (`await import('pyrogue-ts')` resolves
 *     to the module namespace: no export named `then`), and dynamic import from CommonJS;
 *   - the root names only the public surface (no internal helpers);
 *   - README's way: `npm install <tarball> typescript @types/node` (the current TypeScript on
 *     npm) and README's `tsconfig.json` (examples/readme-tsconfig.json); and the oldest
 *     TypeScript the package supports (OLDEST_TS, with @types/node of Node 20). With each,
 *     `tsc` compiles every TypeScript example of README and docs/ (examples/**.ts: the tree,
 *     the Node clients, the guide's files...) under README's tsconfig and under
 *     `module: commonjs`, with the package's own .d.ts files checked (skipLibCheck off);
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
/** The oldest TypeScript the package supports (README, package.json peerDependencies), with the @types/node it compiles with. */
const OLDEST_TS = '5.0.4';
const OLDEST_TYPES_NODE = '20';
const NPM_INSTALL = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

jest.setTimeout(10 * 60 * 1000);

let work = '';
let tarball = '';
let cjsDir = '';
let esmDir = '';
/** A project with the tarball and OLDEST_TS. */
let oldDir = '';

async function freshProject(name: string, extra: Record<string, unknown>, also: string[] = []): Promise<string> {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...extra }, null, 2));
  await execa('npm', [...NPM_INSTALL, tarball, ...also], { cwd: dir, timeout: 5 * 60 * 1000 });
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
  // cjs-app is README's project: `npm install pyrogue-ts typescript @types/node` (the versions npm has now).
  [cjsDir, esmDir, oldDir] = await Promise.all([
    freshProject('cjs-app', {}, ['typescript', '@types/node']),
    freshProject('esm-app', { type: 'module' }),
    freshProject('old-ts-app', {}, [`typescript@${OLDEST_TS}`, `@types/node@${OLDEST_TYPES_NODE}`]),
  ]);
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
      'docs/web-plot.png',
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

/** Every TypeScript example of README and docs/ (interop/doc-blocks.test.ts checks each doc block is one of them). */
function exampleFiles(): string[] {
  const dir = path.join(ROOT_DIR, 'examples');
  const guide = fs
    .readdirSync(path.join(dir, 'guide'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join('guide', f));
  return [...fs.readdirSync(dir).filter((f) => f.endsWith('.ts')), ...guide];
}

/** README's tsconfig.json (README checks its block is this file). */
const readmeTsconfig = (): Record<string, any> => JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'examples', 'readme-tsconfig.json'), 'utf8'));

const COMPILERS = { current: () => cjsDir, oldest: () => oldDir };
type Compiler = keyof typeof COMPILERS;
type Setting = 'readme' | 'commonjs';

/** The TypeScript version a project has. */
const tsVersion = (dir: string): string => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;

/**
 * Compiles the examples in a fresh folder of the compiler's project (where `pyrogue-ts`,
 * `typescript` and `@types/node` are installed): with README's tsconfig as it is (output beside
 * the sources), or with `module: commonjs` (TypeScript 7 removed `moduleResolution: node10`,
 * which older ones need spelled out) into out/.
 */
function compileExamples(compiler: Compiler, setting: Setting): Promise<execa.ExecaReturnValue> {
  const project = COMPILERS[compiler]();
  const dir = path.join(project, `tsc-${setting}`);
  fs.mkdirSync(path.join(dir, 'guide'), { recursive: true });
  for (const f of exampleFiles()) fs.copyFileSync(path.join(ROOT_DIR, 'examples', f), path.join(dir, f));
  const major = Number(tsVersion(project).split('.')[0]);
  const tsconfig =
    setting === 'readme'
      ? readmeTsconfig()
      : {
          compilerOptions: {
            module: 'commonjs',
            ...(major < 7 ? { moduleResolution: 'node10' } : {}),
            esModuleInterop: true, // the guide's `import assert from 'node:assert/strict'` (TypeScript 7 always has it)
            target: 'ES2022',
            strict: true,
            skipLibCheck: false,
            outDir: 'out',
            types: ['node'],
          },
        };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  return execa('node', [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, reject: false, timeout: 180000 });
}

test("the TypeScript versions: README's install gets the current one; the oldest is the one package.json names", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'package.json'), 'utf8'));
  expect(pkg.peerDependencies.typescript).toBe(`>=${OLDEST_TS.split('.').slice(0, 2).join('.')}`);
  expect(tsVersion(oldDir)).toBe(OLDEST_TS);

  console.log(`TypeScript versions compiled with: current ${tsVersion(cjsDir)}, oldest ${tsVersion(oldDir)}`);
  expect(Number(tsVersion(cjsDir).split('.')[0])).toBeGreaterThanOrEqual(5);
});

const CASES: [Compiler, Setting][] = [
  ['current', 'readme'],
  ['current', 'commonjs'],
  ['oldest', 'readme'],
  ['oldest', 'commonjs'],
];

test.each(CASES)("tsc (%s TypeScript) compiles every example of README and docs/ with %s settings, checking the package's .d.ts", async (compiler, setting) => {
  const r = await compileExamples(compiler, setting);
  expect(r.stdout + r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  const out = path.join(COMPILERS[compiler](), `tsc-${setting}`, setting === 'readme' ? '' : 'out');
  for (const f of ['lab-tree.js', 'readme-client.js', 'floats.js', 'memory-bridge.js', path.join('guide', 'clients.js')])
    expect(fs.existsSync(path.join(out, f))).toBe(true);
});

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
  // README's way: `npx tsc` with README's tsconfig, then `node lab-tree.js`.
  const dir = path.join(cjsDir, 'tsc-readme');
  if (!fs.existsSync(path.join(dir, 'lab-tree.js'))) expect((await compileExamples('current', 'readme')).exitCode).toBe(0);
  const port = await freeBasePort();
  const s = await startUntil('node', ['lab-tree.js'], { cwd: dir, env: { PORT: String(port) } }, `Started zmqServer on ports ${port}-${port + 2}`);
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
  const dir = path.join(cjsDir, 'tsc-commonjs');
  if (!fs.existsSync(path.join(dir, 'out', 'lab-tree.js'))) expect((await compileExamples('current', 'commonjs')).exitCode).toBe(0);
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
