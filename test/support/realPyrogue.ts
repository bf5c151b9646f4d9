/**
 * The real tier for tests that need rogue/pyrogue themselves (docs/interop.md): the
 * environment of a child /usr/bin/python3 that imports the real `rogue` and `pyrogue`
 * (PYROGUE_PYTHONPATH / PYROGUE_LD_LIBRARY_PATH, as python-fixtures/tier.py uses them,
 * or an installed pyrogue), or null when there is none (CI): such tests then skip.
 */
import execa from 'execa';

let cached: NodeJS.ProcessEnv | null | undefined;

export function realPyrogueEnv(): NodeJS.ProcessEnv | null {
  if (cached !== undefined) return cached;
  const env: NodeJS.ProcessEnv = { ...process.env };
  const join = (a: string | undefined, b: string | undefined) => [a, b].filter((x) => x).join(':');
  if (process.env.PYROGUE_PYTHONPATH) env.PYTHONPATH = join(process.env.PYROGUE_PYTHONPATH, process.env.PYTHONPATH);
  if (process.env.PYROGUE_LD_LIBRARY_PATH) env.LD_LIBRARY_PATH = join(process.env.PYROGUE_LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH);
  const r = execa.sync('/usr/bin/python3', ['-c', 'import rogue, pyrogue, pyrogue.utilities.fileio'], { env, reject: false, timeout: 60000 });
  cached = r.exitCode === 0 ? env : null;
  return cached;
}

/** `test` when the real tier is there, else `test.skip` (the name says why). */
export function realTest(name: string, fn: (env: NodeJS.ProcessEnv) => Promise<void> | void, timeoutMs?: number): void {
  const env = realPyrogueEnv();
  if (env) test(`[real pyrogue] ${name}`, async () => fn(env), timeoutMs);
  else test.skip(`[real pyrogue, not found: skipped] ${name}`, () => undefined);
}
