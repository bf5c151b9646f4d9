/**
 * pyrogue's zip configuration files between pyrogue-ts and Python.
 *
 * Python's own zipfile module (/usr/bin/python3, python-fixtures/zipfile_tool.py;
 * runs in CI) reads the archives pyrogue-ts's SaveConfig writes (the same
 * ZipInfo fields as pyrogue's, CRC checked) and writes archives (LZMA as
 * pyrogue does, deflated, stored; several members in a folder) that pyrogue-ts's
 * LoadConfig reads.
 *
 * Real pyrogue (python-fixtures/zip_config.py; skipped without it, see
 * docs/interop.md): its LoadConfig reads pyrogue-ts's archive, and pyrogue-ts's
 * LoadConfig reads the archive its SaveConfig wrote.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as path from 'path';
import type { Root } from '../src';
import { FIXTURES, PYTHON, ROOT_DIR, detectTier } from '../test/support/matrixKit';
import { rootCmd, setSaved, tmpDir, zipTree, zipValues } from '../test/support/zipTree';

jest.setTimeout(120000);

const TOOL = path.join(FIXTURES, 'zipfile_tool.py');
const REAL = path.join(FIXTURES, 'zip_config.py');
const WANT_TS = { 'Root.Dev.Int': '42', 'Root.Dev.Float': '2.5', 'Root.Dev.Text': 'written by pyrogue-ts', 'Root.Dev.Flag': 'True', 'Root.Dev.Mode': 'Fast' };
const WANT_PY = { ...WANT_TS, 'Root.Dev.Text': 'written by pyrogue' };

interface Info {
  members?: {
    name: string;
    compress_type: number;
    flag_bits: number;
    create_version: number;
    create_system: number;
    extract_version: number;
    external_attr: number;
    date_time: number[];
    file_size: number;
    text: string;
  }[];
  testzip?: string | null;
  error?: string;
}

async function py(script: string, args: string[], input?: string): Promise<any> {
  const r = await execa(PYTHON, [script, ...args], { cwd: ROOT_DIR, reject: false, timeout: 60000, input });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.exitCode !== 0 || !last.startsWith('{')) throw new Error(`${path.basename(script)} ${args.join(' ')}: exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(last);
}

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

describe("Python's zipfile", () => {
  test("reads SaveConfig('cfg.yml.zip'): pyrogue's ZipInfo fields, the YAML, a good CRC", async () => {
    setSaved(root);
    const f = path.join(dir, 'cfg.yml.zip');
    await rootCmd(root, 'SaveConfig', f);
    const info = (await py(TOOL, ['info', f])) as Info;
    expect(info.error).toBeUndefined();
    expect(info.testzip).toBeNull();
    // what real pyrogue's SaveConfig writes (ZIP_LZMA, zf.open(name, 'w'))
    expect(info.members!.map(({ text: _text, ...rest }) => rest)).toEqual([
      {
        name: 'cfg.yml',
        compress_type: 14,
        flag_bits: 2,
        create_version: 63,
        create_system: 3,
        extract_version: 63,
        external_attr: 0o600 << 16,
        date_time: [1980, 1, 1, 0, 0, 0],
        file_size: Buffer.byteLength(info.members![0].text),
      },
    ]);
    expect(info.members![0].text).toBe(await root.getYaml({ readFirst: false, modes: ['RW', 'WO'], excGroups: ['NoConfig'], incGroups: null }));
  });

  test.each(['lzma', 'deflated', 'stored'])('writes a %s archive that LoadConfig reads (a file, and a folder of several)', async (method) => {
    const f = path.join(dir, `set-${method}.zip`);
    const members = [
      ['cfg/a.yml', 'Root.Dev:\n  Int: 42\n  Float: 2.5\n'],
      ['cfg/b.yml', "Root.Dev:\n  Text: 'written by pyrogue-ts'\n  Flag: True\n"],
      ['cfg/c.yaml', 'Root.Dev:\n  Mode: Fast\n'],
      ['cfg/deeper/d.yml', 'Root.Dev:\n  Int: 99\n'],
      ['one.yml', 'Root:\n  Dev:\n    Int: 3\n'],
    ];
    expect(await py(TOOL, ['write', f, method], JSON.stringify(members))).toEqual({ ok: true });
    await rootCmd(root, 'LoadConfig', `${f}/one.yml`);
    expect(zipValues(root)['Root.Dev.Int']).toBe('3');
    await rootCmd(root, 'LoadConfig', `${f}/cfg`);
    expect(zipValues(root)).toEqual(WANT_TS);
  });
});

describe('real pyrogue', () => {
  const tier = detectTier();
  const skip = tier.tier !== 'real';
  if (skip) console.log(`tree-zip-config: real pyrogue round trips skipped (tier ${tier.tier})`);

  (skip ? test.skip : test)("pyrogue's LoadConfig reads pyrogue-ts's SaveConfig('cfg.yml.zip')", async () => {
    setSaved(root);
    const f = path.join(dir, 'cfg.yml.zip');
    await rootCmd(root, 'SaveConfig', f);
    expect(await py(REAL, ['load', `${f}/cfg.yml`])).toEqual({ ok: WANT_TS });
    // and refuses the bare archive name, as it does for its own
    expect(await py(REAL, ['load', f])).toEqual({
      error: `Exception: loadYaml: Invalid load file: ${f}, must be a directory or end in .yml or .yaml`,
    });
  });

  (skip ? test.skip : test)("pyrogue-ts's LoadConfig reads pyrogue's SaveConfig('py.yml.zip')", async () => {
    const f = path.join(dir, 'py.yml.zip');
    expect(await py(REAL, ['save', f])).toEqual({ ok: WANT_PY });
    await rootCmd(root, 'LoadConfig', `${f}/py.yml`);
    expect(zipValues(root)).toEqual(WANT_PY);
  });
});
