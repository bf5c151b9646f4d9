/**
 * The tables recorded from real pyrogue that unit tests check pyrogue-ts against
 * are what real pyrogue does now: with real pyrogue present (python-fixtures/tier.py:
 * PYROGUE_PYTHONPATH, docs/interop.md) their generators record them again and each
 * must equal the committed file. Without real pyrogue (CI) the tests say so and pass.
 *   test/data/hook-calls.pyrogue.json      python-fixtures/hook_calls.py      (test/tree-hook-calls)
 *   test/data/device-helpers.pyrogue.json  python-fixtures/device_helpers.py  (test/tree-device-helpers)
 *   test/data/float-models.pyrogue.json    python-fixtures/float_models.py    (test/float-models)
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, PYTHON, ROOT_DIR, detectTier } from '../test/support/matrixKit';

jest.setTimeout(300000);

const tier = detectTier();

test.each([
  ['hook-calls.pyrogue.json', 'hook_calls.py'],
  ['device-helpers.pyrogue.json', 'device_helpers.py'],
  ['float-models.pyrogue.json', 'float_models.py'],
])('test/data/%s is what real pyrogue does now (%s)', async (data, script) => {
  if (tier.tier !== 'real') {
    console.log(`${script}: skipped, no real pyrogue (tier ${tier.tier})`);
    return;
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-table-')), data);
  const r = await execa(PYTHON, [path.join(FIXTURES, script), out], { cwd: ROOT_DIR, reject: false, timeout: 240000 });
  expect(r.exitCode).toBe(0);
  const fresh = JSON.parse(fs.readFileSync(out, 'utf8')) as unknown;
  const kept = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'test', 'data', data), 'utf8')) as unknown;
  expect(fresh).toEqual(kept);
});
