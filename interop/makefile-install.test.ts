/**
 * `make run` (or build/test) right after a user's own `npm ci` does not run
 * `npm ci` again: the Makefile's install stamp is the file npm itself writes on
 * every install (node_modules/.package-lock.json). It does reinstall when
 * package.json or package-lock.json is newer. Dry runs (`make -n`) in a copy.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT_DIR = path.join(__dirname, '..');

test('make -n build: no npm ci after npm ci; npm ci after a package.json change', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-make-'));
  try {
    for (const f of ['Makefile', 'package.json', 'package-lock.json']) fs.copyFileSync(path.join(ROOT_DIR, f), path.join(dir, f));
    const old = new Date(Date.now() - 60000);
    for (const f of ['package.json', 'package-lock.json']) fs.utimesSync(path.join(dir, f), old, old);
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), '{}'); // what `npm ci` leaves
    const after = await execa('make', ['-n', 'build'], { cwd: dir });
    expect(after.stdout).not.toContain('npm ci');
    fs.utimesSync(path.join(dir, 'package.json'), new Date(), new Date(Date.now() + 1000));
    const changed = await execa('make', ['-n', 'build'], { cwd: dir });
    expect(changed.stdout).toContain('npm ci');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
