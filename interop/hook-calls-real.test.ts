/**
 * The hook-call table test/tree-hook-calls.test.ts checks pyrogue-ts against
 * (test/data/hook-calls.pyrogue.json) is what real pyrogue does: with real
 * pyrogue present (python-fixtures/tier.py: PYROGUE_PYTHONPATH, docs/interop.md)
 * python-fixtures/hook_calls.py records it again and the two must be equal.
 * Without real pyrogue (CI) the test says so and passes.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, PYTHON, ROOT_DIR, detectTier } from '../test/support/matrixKit';

jest.setTimeout(120000);

const tier = detectTier();

test('the committed hook-call table is what real pyrogue does now', async () => {
  if (tier.tier !== 'real') {
    console.log(`hook-calls-real: skipped, no real pyrogue (tier ${tier.tier})`);
    return;
  }
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hook-calls-')), 'table.json');
  const r = await execa(PYTHON, [path.join(FIXTURES, 'hook_calls.py'), out], { cwd: ROOT_DIR, reject: false, timeout: 60000 });
  expect(r.exitCode).toBe(0);
  const fresh = JSON.parse(fs.readFileSync(out, 'utf8')) as unknown;
  const kept = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'test', 'data', 'hook-calls.pyrogue.json'), 'utf8')) as unknown;
  expect(fresh).toEqual(kept);
});
