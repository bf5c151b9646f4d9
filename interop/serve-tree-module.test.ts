/**
 * `pyrogue-ts serve --tree FILE`: what a tree module may export (a Root, or a
 * function making one, sync or async; CommonJS or ES module; default export or
 * the only export) and the errors when it exports none or several. The README
 * example itself is served from the packed package by interop/package.test.ts.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLI, ensureBuilt } from '../test/support/cliRun';
import { freeBasePort } from '../test/support/server';

const DIST = path.resolve(__dirname, '..', 'dist', 'index.js');
jest.setTimeout(60000);

let dir = '';
beforeAll(async () => {
  await ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-tree-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const MODULES: Record<string, string> = {
  'default-fn.js': `const { Root, LocalVariable } = require(${JSON.stringify(DIST)});
module.exports = function make() { const r = new Root({ name: 'CjsDefault' }); r.add(new LocalVariable({ name: 'X', value: 1n })); return r; };`,
  'only-async.cjs': `const { Root } = require(${JSON.stringify(DIST)});
class Helper {}
exports.Helper = Helper;  // classes do not count
exports.makeRoot = async () => new Root({ name: 'CjsAsync' });`,
  'esm-root.mjs': `import pyrogue from ${JSON.stringify(DIST)};
export const root = new pyrogue.Root({ name: 'EsmRoot' });`,
  'esm-default.mjs': `import { Root } from ${JSON.stringify(DIST)};
export default () => new Root({ name: 'EsmDefault' });
export const unrelated = 3;`,
  'none.js': `exports.answer = 42;`,
  'several.js': `exports.a = () => null; exports.b = () => null;`,
  'returns-null.js': `module.exports = () => null;`,
};

async function serveFile(file: string) {
  fs.writeFileSync(path.join(dir, file), MODULES[file]);
  const port = await freeBasePort();
  const proc = execa('node', [CLI, 'serve', '--tree', `./${file}`, '--addr', '127.0.0.1', '--port', String(port)], { cwd: dir, reject: false });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 30000;
  while (!out.includes('Press Ctrl-C') && proc.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (proc.exitCode === null) proc.kill('SIGINT');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 15000);
  const r = await proc;
  clearTimeout(timer);
  return { out, exitCode: r.exitCode, port };
}

test.each([
  ['default-fn.js', 'CjsDefault'],
  ['only-async.cjs', 'CjsAsync'],
  ['esm-root.mjs', 'EsmRoot'],
  ['esm-default.mjs', 'EsmDefault'],
])('%s is served (root %s) and stops on SIGINT', async (file, rootName) => {
  const r = await serveFile(file);
  expect(r.out).toContain(`serving tree './${file}' (root ${rootName}) on 127.0.0.1:${r.port}`);
  expect(r.out).toContain('pyrogue-ts: stopped');
  expect(r.exitCode).toBe(0);
});

test.each([
  ['none.js', /must export a Root or a function making one .*it exports none/],
  ['several.js', /it exports several: a, b/],
  ['returns-null.js', /returned null, not a Root/],
  ['missing.js', /cannot load tree module .*missing\.js/],
])('%s: a clear error and a non-zero exit', async (file, message) => {
  if (!(file in MODULES)) {
    const r = await execa('node', [CLI, 'serve', '--tree', `./${file}`, '--port', '0'], { cwd: dir, reject: false, timeout: 30000 });
    expect(r.stdout + r.stderr).toMatch(message);
    expect(r.exitCode).not.toBe(0);
    return;
  }
  const r = await serveFile(file);
  expect(r.out).toMatch(message);
  expect(r.exitCode).not.toBe(0);
});
