/**
 * src/py/zipfile.ts: pyrogue's zip layout written and read back, an archive
 * real pyrogue wrote (test/data/pyrogue-SaveConfig.yml.zip, made by
 * python-fixtures/zip_config.py) read, and hostile archives turned into
 * zipfile.BadZipFile (or Python's error) — never a crash, never unbounded memory.
 * interop/tree-zip-config.test.ts checks the same archives with Python's zipfile
 * and with real pyrogue.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import fc from 'fast-check';
import { lzma } from '@napi-rs/lzma';
import { PyError } from '../src/py/errors';
import { ZIP_LIMITS, ZipArchive, writeZip } from '../src/py/zipfile';

const PYROGUE_ZIP = path.join(__dirname, 'data', 'pyrogue-SaveConfig.yml.zip');
const text = (s: string) => Buffer.from(s, 'utf8');

/** A zip of raw members (any method, sizes and names as given), for hostile cases. */
function rawZip(members: { name: string; method: number; data: Buffer; size: number; crc: number; flags?: number }[], count?: number): Buffer {
  const parts: Buffer[] = [];
  const cd: Buffer[] = [];
  let off = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const l = Buffer.alloc(30);
    l.writeUInt32LE(0x04034b50, 0);
    l.writeUInt16LE(20, 4);
    l.writeUInt16LE(m.flags ?? 0, 6);
    l.writeUInt16LE(m.method, 8);
    l.writeUInt32LE(m.crc >>> 0, 14);
    l.writeUInt32LE(m.data.length, 18);
    l.writeUInt32LE(m.size >>> 0, 22);
    l.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    l.copy(c, 6, 4, 30);
    c.writeUInt32LE(off, 42);
    parts.push(l, name, m.data);
    cd.push(c, name);
    off += 30 + name.length + m.data.length;
  }
  const cdb = Buffer.concat(cd);
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(count ?? members.length, 8);
  e.writeUInt16LE(count ?? members.length, 10);
  e.writeUInt32LE(cdb.length, 12);
  e.writeUInt32LE(off, 16);
  return Buffer.concat([...parts, cdb, e]);
}
const crc = (b: Buffer) => zlib.crc32(b) >>> 0;

function pyErr(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof PyError) return `${e.pyName}: ${e.message}`;
    throw e;
  }
  throw new Error('no error');
}

describe('pyrogue layout', () => {
  test('writeZip: the header fields pyrogue (Python zipfile, ZIP_LZMA) writes', () => {
    const z = writeZip([{ name: 'cfg.yml', data: text('Root:\n  X: 1\n') }]);
    // local header: version 6.3, flags 2 (end marker), method 14, 00:00 1980-01-01
    expect(z.subarray(0, 14).toString('hex')).toBe('504b03043f0002000e0000002100');
    // the member's data starts with Python's LZMA header (9, 4, 5) and lc=3 lp=0 pb=2
    expect(z.subarray(37, 42).toString('hex')).toBe('090405005d');
    const a = ZipArchive.parse(z);
    expect(a.members).toEqual([expect.objectContaining({ name: 'cfg.yml', method: 14, flags: 2, size: 13 })]);
    expect(a.read('cfg.yml').toString()).toBe('Root:\n  X: 1\n');
  });

  test('round trip of several members, empty and large ones, non-ASCII names', () => {
    const big = text('Root:\n' + Array.from({ length: 5000 }, (_, i) => `  V${i}: ${i * 7}\n`).join(''));
    const entries = [
      { name: 'a.yml', data: text('A: 1\n') },
      { name: 'dir/b.yaml', data: big },
      { name: 'empty.yml', data: Buffer.alloc(0) },
      { name: 'dir/é.yml', data: text('É: é\n') },
    ];
    const a = ZipArchive.parse(writeZip(entries));
    expect(a.names()).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(a.read(e.name).equals(e.data)).toBe(true);
  });

  test('reads the archive real pyrogue SaveConfig wrote', () => {
    const a = ZipArchive.parse(fs.readFileSync(PYROGUE_ZIP));
    expect(a.names()).toEqual(['pyrogue-SaveConfig.yml']);
    expect(a.members[0]).toMatchObject({ method: 14, flags: 2 });
    const y = a.read('pyrogue-SaveConfig.yml').toString();
    expect(y).toContain('  Dev:\n    enable: True\n    Int: 42\n    Float: 2.5\n    Text: written by pyrogue\n    Flag: True\n    Mode: Fast\n');
  });

  test('stored and deflated members are read too', () => {
    const d = text('Root:\n  X: 2\n'.repeat(10));
    const z = rawZip([
      { name: 's.yml', method: 0, data: d, size: d.length, crc: crc(d) },
      { name: 'd.yml', method: 8, data: zlib.deflateRawSync(d), size: d.length, crc: crc(d) },
    ]);
    const a = ZipArchive.parse(z);
    expect(a.read('s.yml').equals(d)).toBe(true);
    expect(a.read('d.yml').equals(d)).toBe(true);
  });

  test('a missing member is Python’s KeyError', () => {
    const a = ZipArchive.parse(writeZip([{ name: 'x.yml', data: text('x') }]));
    expect(pyErr(() => a.read('y.yml'))).toBe(`KeyError: "There is no item named 'y.yml' in the archive"`);
  });
});

describe('hostile archives are errors', () => {
  const d = text('Root:\n  X: 1\n');
  test('not a zip, truncated, bad magic', () => {
    expect(pyErr(() => ZipArchive.parse(text('hello')))).toBe('BadZipFile: File is not a zip file');
    const z = writeZip([{ name: 'x.yml', data: d }]);
    expect(pyErr(() => ZipArchive.parse(z.subarray(0, z.length - 5)))).toMatch(/^BadZipFile/);
    const bad = Buffer.from(z);
    bad.writeUInt32LE(0x11111111, 0);
    expect(pyErr(() => ZipArchive.parse(bad).read('x.yml'))).toBe('BadZipFile: Bad magic number for file header');
  });
  test('bad CRC and bad size', () => {
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'x.yml', method: 0, data: d, size: d.length, crc: 1234 }])).read('x.yml'))).toBe(
      "BadZipFile: Bad CRC-32 for file 'x.yml'",
    );
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'x.yml', method: 0, data: d, size: 3, crc: crc(d) }])).read('x.yml'))).toMatch(/^BadZipFile: Bad size/);
  });
  test('zip bombs stop at the declared size (deflate and LZMA) or at the limit', () => {
    const huge = Buffer.alloc(20 << 20, 0x41);
    const def = zlib.deflateRawSync(huge);
    // declared small: inflating stops there
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'b.yml', method: 8, data: def, size: 1000, crc: 0 }])).read('b.yml'))).toMatch(/^BadZipFile/);
    const alone = lzma.compressSync(huge);
    const lz = Buffer.concat([Buffer.from([9, 4, 5, 0]), alone.subarray(0, 5), alone.subarray(13)]);
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'b.yml', method: 14, data: lz, size: 1000, crc: 0 }])).read('b.yml'))).toMatch(/^BadZipFile/);
    // declared huge: refused before anything is inflated
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'b.yml', method: 8, data: def, size: 0xfffffff0, crc: 0 }])))).toMatch(
      /^BadZipFile: member 'b.yml' is 4294967280 bytes uncompressed/,
    );
    const small = { ...ZIP_LIMITS, maxTotalBytes: 1000 };
    const two = rawZip([
      { name: 'a.yml', method: 0, data: Buffer.alloc(600), size: 600, crc: crc(Buffer.alloc(600)) },
      { name: 'b.yml', method: 0, data: Buffer.alloc(600), size: 600, crc: crc(Buffer.alloc(600)) },
    ]);
    expect(pyErr(() => ZipArchive.parse(two, small))).toMatch(/^BadZipFile: members of more than 1000 bytes/);
  });
  test('LZMA properties asking for a 4 GiB dictionary change nothing', () => {
    const z = Buffer.from(writeZip([{ name: 'x.yml', data: d }]));
    z.writeUInt32LE(0xffffffff, 30 + 5 + 4 + 1); // header, name, LZMA header, lc/lp/pb byte
    expect(ZipArchive.parse(z).read('x.yml').equals(d)).toBe(true);
  });
  test('path traversal, absolute, backslash and NUL names', () => {
    for (const name of ['../x.yml', 'a/../../x.yml', '/etc/x.yml', 'C:/x.yml', 'a\\x.yml', 'a\0.yml']) {
      expect(pyErr(() => ZipArchive.parse(rawZip([{ name, method: 0, data: d, size: d.length, crc: crc(d) }])))).toMatch(/^BadZipFile: unsafe member name/);
    }
  });
  test('huge member counts, ZIP64, encrypted, unknown methods', () => {
    const many = rawZip(Array.from({ length: 5000 }, (_, i) => ({ name: `m${i}.yml`, method: 0, data: Buffer.alloc(0), size: 0, crc: 0 })));
    expect(pyErr(() => ZipArchive.parse(many))).toBe('BadZipFile: archive of 5000 members: more than the 4096 this reader accepts');
    // a count larger than the central directory holds
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'x.yml', method: 0, data: d, size: d.length, crc: crc(d) }], 60000)))).toMatch(/^BadZipFile/);
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'x.yml', method: 0, data: d, size: d.length, crc: crc(d) }], 0xffff)))).toBe(
      'BadZipFile: ZIP64 archives are not supported',
    );
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'x.yml', method: 0, data: d, size: d.length, crc: crc(d), flags: 1 }])).read('x.yml'))).toMatch(
      /^NotImplementedError: File 'x.yml' is encrypted/,
    );
    expect(pyErr(() => ZipArchive.parse(rawZip([{ name: 'x.yml', method: 12, data: d, size: d.length, crc: crc(d) }])).read('x.yml'))).toBe(
      'NotImplementedError: That compression method is not supported',
    );
  });
  test('corrupt bytes anywhere: a Python error or the right content, nothing else', () => {
    const z = writeZip([
      { name: 'a.yml', data: text('Root:\n  A: 1\n'.repeat(30)) },
      { name: 'b.yml', data: text('B: 2\n') },
    ]);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(z.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (flips) => {
        const c = Buffer.from(z);
        for (const [i, v] of flips) c[i] = v;
        try {
          const a = ZipArchive.parse(c);
          for (const n of a.names()) a.read(n);
        } catch (e) {
          if (!(e instanceof PyError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });
});
