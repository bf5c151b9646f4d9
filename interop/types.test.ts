/** tsc on interop/types/*.ts: the public types reject what they should (`@ts-expect-error` lines) and accept the rest. */
import execa from 'execa';
import * as path from 'path';

jest.setTimeout(120000);

test('compile-time checks of the public types', async () => {
  const root = path.join(__dirname, '..');
  const r = await execa(
    'node',
    [
      path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '--strict',
      '--target',
      'ES2022',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node',
      '--esModuleInterop',
      '--skipLibCheck',
      '--types',
      'node',
      path.join(__dirname, 'types', 'boundary.ts'),
    ],
    { cwd: root, reject: false },
  );
  expect(r.stdout + r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
});
