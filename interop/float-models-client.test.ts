/**
 * The narrow float models as a VirtualClient sees them: `pyrogue-ts serve --tree`
 * of a module holding python-fixtures/float_models.py's tree (every model, with
 * its range, without one, with a narrow one, and as an array) against what the
 * real VirtualClient saw of real pyrogue serving that tree (the `client` part of
 * test/data/float-models.pyrogue.json): typeStr, the `base` model, value(), valueDisp(),
 * get(), getDisp(), and sets with their errors. The client is real pyrogue's when
 * it is importable (tier.py), else the compat stand-in. In the real tier a second
 * test also serves the tree from real pyrogue now and compares both live.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt, ROOT_DIR, startServe } from '../test/support/cliRun';
import { detectTier } from '../test/support/matrixKit';
import { PYTHON } from '../test/support/python';

jest.setTimeout(300000);

const SCRIPT = path.join(ROOT_DIR, 'python-fixtures', 'float_models.py');
const TABLE = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'test', 'data', 'float-models.pyrogue.json'), 'utf8')) as {
  client: unknown;
  models: string[];
  stride: number;
};
const TIER = detectTier();

const treeModule = (dist: string): string => `const { Root, Device, RemoteVariable, EmulatedMemory, models } = require(${JSON.stringify(dist)});
const MODELS = ${JSON.stringify(TABLE.models)};
const BITS = { Float16: 16, Float8: 8, BFloat16: 16, TensorFloat32: 32, Float6: 8, Float4: 8 };
module.exports = function makeRoot() {
  const root = new Root({ name: 'Root', pollEn: false });
  const dev = new Device({ name: 'Dev', memBase: new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 }), offset: 0 });
  MODELS.forEach((name, i) => {
    const base = models[name];
    const bits = BITS[name.replace(/BE$/, '')];
    const off = i * ${TABLE.stride};
    dev.add(new RemoteVariable({ name, offset: off, bitSize: bits, base }));
    dev.add(new RemoteVariable({ name: name + '_Open', offset: off + 8, bitSize: bits, base, minimum: 0.0, maximum: 0.0 }));
    dev.add(new RemoteVariable({ name: name + '_Narrow', offset: off + 0x10, bitSize: bits, base, minimum: -1.5, maximum: 2.5 }));
    dev.add(new RemoteVariable({ name: name + '_Array', offset: off + 0x20, bitSize: bits * 4, base, numValues: 4, valueBits: bits, valueStride: bits }));
  });
  root.add(dev);
  return root;
};
`;

let dir = '';
beforeAll(async () => {
  await ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-float-models-'));
  fs.writeFileSync(path.join(dir, 'float-models-tree.js'), treeModule(path.join(ROOT_DIR, 'dist', 'index.js')));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** What float_models.py's VirtualClient part sees of the server on this port (its last line). */
async function clientView(port: number): Promise<unknown> {
  const r = await execa(PYTHON, [SCRIPT, 'client', '127.0.0.1', String(port)], { cwd: ROOT_DIR, reject: false, timeout: 240000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.exitCode !== 0 || !last.startsWith('{')) throw new Error(`float_models.py client: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(last);
}

const describeTier = TIER.ok ? describe : describe.skip;

describeTier(`narrow float models through a VirtualClient (${TIER.tier} tier)`, () => {
  test('pyrogue-ts serves them as real pyrogue does', async () => {
    const served = await startServe(path.join(dir, 'float-models-tree.js'));
    try {
      expect(await clientView(served.port)).toEqual(TABLE.client);
    } finally {
      await served.stop();
    }
  });

  (TIER.tier === 'real' ? test : test.skip)('live: real pyrogue serving the same tree looks the same', async () => {
    const port = 20000 + 4 * Math.floor(Math.random() * 9500);
    const real = execa(PYTHON, [SCRIPT, 'serve', String(port)], { cwd: ROOT_DIR, reject: false, stdin: 'pipe' });
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        real.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('serving on')) resolve();
        });
        void real.then(() => reject(new Error(`float_models.py serve ended: ${out}`)));
      });
      const served = await startServe(path.join(dir, 'float-models-tree.js'));
      try {
        const [ours, theirs] = [await clientView(served.port), await clientView(port)];
        expect(ours).toEqual(theirs);
      } finally {
        await served.stop();
      }
    } finally {
      real.stdin!.end();
      const timer = setTimeout(() => real.kill('SIGKILL'), 30000);
      await real;
      clearTimeout(timer);
    }
  });
});
