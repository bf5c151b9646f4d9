/**
 * SaveConfig/SaveState/LoadConfig with zip archives, in the tree: pyrogue's
 * member naming, its load paths (`cfg.yml.zip/cfg.yml`, `archive.zip/folder`),
 * its errors, `!include` inside an archive, the `.yml.gz` extra, and an
 * archive real pyrogue wrote (test/data/pyrogue-SaveConfig.yml.zip). Python's
 * zipfile and real pyrogue check the same archives in interop/tree-zip-config.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PyError } from '../src/py/errors';
import { ZipArchive, writeZip } from '../src/py/zipfile';
import type { Root } from '../src';
import { SAVED, rootCmd, setSaved, tmpDir, zipTree, zipValues } from './support/zipTree';

const PYROGUE_ZIP = path.join(__dirname, 'data', 'pyrogue-SaveConfig.yml.zip');
const WANT = { 'Root.Dev.Int': '42', 'Root.Dev.Float': '2.5', 'Root.Dev.Text': 'written by pyrogue-ts', 'Root.Dev.Flag': 'True', 'Root.Dev.Mode': 'Fast' };
const DEFAULTS = { 'Root.Dev.Int': '1', 'Root.Dev.Float': '0.5', 'Root.Dev.Text': 'default', 'Root.Dev.Flag': 'False', 'Root.Dev.Mode': 'Off' };

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PyError) return `${e.pyName}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('zip configuration files', () => {
  let root: Root;
  let dir: string;
  beforeEach(async () => {
    root = zipTree();
    await root.start();
    dir = tmpDir();
  });
  afterEach(async () => {
    await root.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("SaveConfig('x.yml.zip') writes an archive of x.yml; LoadConfig('x.yml.zip/x.yml') reads it back", async () => {
    setSaved(root);
    const f = path.join(dir, 'cfg.yml.zip');
    expect(await rootCmd(root, 'SaveConfig', f)).toBe(true);
    const a = ZipArchive.parse(fs.readFileSync(f));
    expect(a.names()).toEqual(['cfg.yml']);
    expect(a.members[0].method).toBe(14);
    expect(a.read('cfg.yml').toString()).toContain('  Dev:\n    enable: True\n    Int: 42\n    Float: 2.5\n');
    const other = zipTree();
    await other.start();
    try {
      expect(zipValues(other)).toEqual(DEFAULTS);
      await rootCmd(other, 'LoadConfig', `${f}/cfg.yml`);
      expect(zipValues(other)).toEqual(WANT);
    } finally {
      await other.stop();
    }
  });

  test("SaveConfig('cfg.zip') holds 'cfg' (pyrogue: the name without .zip and its folder)", async () => {
    const f = path.join(dir, 'cfg.zip');
    await rootCmd(root, 'SaveConfig', f);
    expect(ZipArchive.parse(fs.readFileSync(f)).names()).toEqual(['cfg']);
  });

  test('SaveState with no name: state_YYYYmmdd_HHMMSS.yml.zip (pyrogue compresses state files)', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await rootCmd(root, 'SaveState', '');
    } finally {
      process.chdir(cwd);
    }
    const files = fs.readdirSync(dir);
    expect(files).toEqual([expect.stringMatching(/^state_\d{8}_\d{6}\.yml\.zip$/)]);
    expect(ZipArchive.parse(fs.readFileSync(path.join(dir, files[0]))).names()).toEqual([files[0].slice(0, -4)]);
  });

  test('LoadConfig of the archive real pyrogue SaveConfig wrote', async () => {
    await rootCmd(root, 'LoadConfig', `${PYROGUE_ZIP}/pyrogue-SaveConfig.yml`);
    expect(zipValues(root)).toEqual({ ...WANT, 'Root.Dev.Text': 'written by pyrogue' });
  });

  test("LoadConfig('x.yml.zip') and a member that is missing: pyrogue's errors", async () => {
    const f = path.join(dir, 'cfg.yml.zip');
    await rootCmd(root, 'SaveConfig', f);
    expect(await failure(rootCmd(root, 'LoadConfig', f))).toBe(`Exception: loadYaml: Invalid load file: ${f}, must be a directory or end in .yml or .yaml`);
    expect(await failure(rootCmd(root, 'LoadConfig', `${f}/other.yml`))).toBe(`KeyError: "There is no item named 'other.yml' in the archive"`);
    expect(await failure(rootCmd(root, 'LoadConfig', path.join(dir, 'none.zip/x.yml')))).toBe(
      `FileNotFoundError: [Errno 2] No such file or directory: '${path.join(dir, 'none.zip')}'`,
    );
    fs.writeFileSync(path.join(dir, 'junk.zip'), 'not a zip');
    expect(await failure(rootCmd(root, 'LoadConfig', path.join(dir, 'junk.zip/x.yml')))).toBe('BadZipFile: File is not a zip file');
    expect(zipValues(root)).toEqual(DEFAULTS);
  });

  test('a folder of an archive: its .yml/.yaml members in name order, not those of sub-folders; !include from the archive', async () => {
    const f = path.join(dir, 'set.zip');
    const t = (s: string) => Buffer.from(s);
    fs.writeFileSync(
      f,
      writeZip([
        { name: 'cfg/b.yml', data: t('Root.Dev:\n  Int: 7\n  Text: b\n') },
        { name: 'cfg/a.yaml', data: t('Root.Dev:\n  Int: 5\n  Float: 1.5\n') },
        { name: 'cfg/sub/c.yml', data: t('Root.Dev:\n  Int: 99\n') },
        { name: 'cfg/notes.txt', data: t('x') },
        { name: 'cfg/inc.yml', data: t('Root.Dev: !include parts/mode.yml\n') },
        { name: 'cfg/parts/mode.yml', data: t('Mode: Slow\n') },
      ]),
    );
    await rootCmd(root, 'LoadConfig', `${f}/cfg`);
    // a.yaml, b.yml, inc.yml in that order
    expect(zipValues(root)).toEqual({ ...DEFAULTS, 'Root.Dev.Int': '7', 'Root.Dev.Float': '1.5', 'Root.Dev.Text': 'b', 'Root.Dev.Mode': 'Slow' });
    expect(await failure(rootCmd(root, 'LoadConfig', `${f}/nofolder`))).toBe(
      `Exception: loadYaml: Invalid load file: ${f}/nofolder, must be a directory or end in .yml or .yaml`,
    );
  });

  test('.yml.gz stays as an extra: written and read back', async () => {
    setSaved(root);
    const f = path.join(dir, 'cfg.yml.gz');
    await rootCmd(root, 'SaveConfig', f);
    const other = zipTree();
    await other.start();
    try {
      await rootCmd(other, 'LoadConfig', f);
      expect(zipValues(other)).toEqual(WANT);
    } finally {
      await other.stop();
    }
  });

  test('SAVED matches what the other tests expect', () => {
    expect(Object.keys(SAVED).map((k) => `Root.Dev.${k}`)).toEqual(Object.keys(WANT));
  });
});
