/**
 * Zip archives as pyrogue's saveYaml writes them and its loadYaml reads them
 * (Python's zipfile module): a pure codec, bytes in and bytes out.
 *
 *   writeZip([{ name: 'cfg.yml', data }])  // pyrogue's layout: LZMA members
 *   const z = ZipArchive.parse(bytes);      // stored, deflated or LZMA members
 *   z.names(); z.read('cfg.yml');
 *
 * What pyrogue writes (zipfile.ZipFile(name, 'w', ZIP_LZMA) and zf.open(member, 'w')):
 * method 14 (LZMA) with the end-of-stream marker (flag bit 1), version 6.3 made
 * on Unix, date 1980-01-01 00:00, mode 0600, no extra fields, no comment; the
 * member's data is Python's 4-byte LZMA header (SDK version 9.4, properties
 * size 5), the 5 properties bytes, then the raw LZMA stream. writeZip writes
 * the same fields; the LZMA stream comes from @napi-rs/lzma (docs/decisions/0015).
 *
 * Reading is bounded: an archive, a member and all members together have a
 * size limit, the number of members a limit, every declared size is checked
 * before anything is inflated (and inflating stops there), every member's
 * CRC-32 and size are checked, and a member name that is absolute, has a `..`
 * part, a backslash or a NUL makes the whole archive an error. Everything
 * wrong becomes Python's zipfile.BadZipFile (or the error Python raises).
 */
import * as zlib from 'zlib';
import { lzma } from '@napi-rs/lzma';
import { PyError, PyKeyError } from './errors';
import { strRepr } from './repr';

export interface ZipLimits {
  /** Largest archive accepted, in bytes. Default 64 MiB. */
  maxArchiveBytes: number;
  /** Most members accepted. Default 4096. */
  maxMembers: number;
  /** Largest uncompressed member, in bytes. Default 64 MiB. */
  maxMemberBytes: number;
  /** Largest total of the members' uncompressed sizes, in bytes. Default 256 MiB. */
  maxTotalBytes: number;
}

export const ZIP_LIMITS: Readonly<ZipLimits> = Object.freeze({
  maxArchiveBytes: 64 << 20,
  maxMembers: 4096,
  maxMemberBytes: 64 << 20,
  maxTotalBytes: 256 << 20,
});

/** Python's zipfile.BadZipFile. */
export function badZip(message: string): PyError {
  return new PyError('zipfile', 'BadZipFile', message);
}

export interface ZipMember {
  name: string;
  /** 0 stored, 8 deflated, 14 LZMA */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;
const LZMA = 14;

/** A member name a reader may use: relative, no `..` part, no backslash, no NUL. */
function safeName(name: string): boolean {
  if (name === '' || name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.includes('\0')) return false;
  return !name.split('/').includes('..');
}

export class ZipArchive {
  private constructor(
    private readonly buf: Buffer,
    readonly members: readonly ZipMember[],
  ) {}

  /** Parses the central directory (nothing is inflated yet). */
  static parse(bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): ZipArchive {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length > limits.maxArchiveBytes) throw badZip(`archive of ${buf.length} bytes: more than the ${limits.maxArchiveBytes} this reader accepts`);
    // the end record: its signature within the last 22 + 65535 bytes (a comment may follow it)
    let end = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
      if (buf.readUInt32LE(i) === SIG_END && i + 22 + buf.readUInt16LE(i + 20) <= buf.length) {
        end = i;
        break;
      }
    }
    if (end < 0) throw badZip('File is not a zip file');
    const disk = buf.readUInt16LE(end + 4);
    const cdDisk = buf.readUInt16LE(end + 6);
    const onDisk = buf.readUInt16LE(end + 8);
    const count = buf.readUInt16LE(end + 10);
    const cdSize = buf.readUInt32LE(end + 12);
    const cdOffset = buf.readUInt32LE(end + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw badZip('ZIP64 archives are not supported');
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count) throw badZip('zipfiles that span multiple disks are not supported');
    if (count > limits.maxMembers) throw badZip(`archive of ${count} members: more than the ${limits.maxMembers} this reader accepts`);
    if (cdOffset + cdSize > end) throw badZip('Bad offset for central directory');
    const members: ZipMember[] = [];
    let total = 0;
    let p = cdOffset;
    for (let k = 0; k < count; k++) {
      if (p + 46 > cdOffset + cdSize || buf.readUInt32LE(p) !== SIG_CENTRAL) throw badZip('Bad magic number for central directory');
      const flags = buf.readUInt16LE(p + 8);
      const method = buf.readUInt16LE(p + 10);
      const crc = buf.readUInt32LE(p + 16);
      const compressedSize = buf.readUInt32LE(p + 20);
      const size = buf.readUInt32LE(p + 24);
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      const localOffset = buf.readUInt32LE(p + 42);
      const next = p + 46 + nameLen + extraLen + commentLen;
      if (next > cdOffset + cdSize) throw badZip('Truncated central directory');
      const raw = buf.subarray(p + 46, p + 46 + nameLen);
      // Python: UTF-8 when flag bit 11 is set, else cp437 (the same as Latin-1 for ASCII names)
      const name = flags & 0x800 ? raw.toString('utf8') : raw.toString('latin1');
      if (!safeName(name)) throw badZip(`unsafe member name ${strRepr(name)}`);
      if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) throw badZip('ZIP64 archives are not supported');
      if (size > limits.maxMemberBytes)
        throw badZip(`member ${strRepr(name)} is ${size} bytes uncompressed: more than the ${limits.maxMemberBytes} this reader accepts`);
      total += size;
      if (total > limits.maxTotalBytes) throw badZip(`members of more than ${limits.maxTotalBytes} bytes uncompressed in all: more than this reader accepts`);
      if (localOffset + 30 > cdOffset) throw badZip(`Bad offset for member ${strRepr(name)}`);
      members.push({ name, method, flags, crc, compressedSize, size, localOffset });
      p = next;
    }
    return new ZipArchive(buf, members);
  }

  /** Member names in the archive's order (Python's namelist()). */
  names(): string[] {
    return this.members.map((m) => m.name);
  }

  /** The member's bytes (the last member of that name, as Python's open()); KeyError when there is none. */
  read(name: string): Buffer {
    let m: ZipMember | undefined;
    for (const x of this.members) if (x.name === name) m = x;
    if (!m) throw new PyKeyError(`"There is no item named ${strRepr(name)} in the archive"`);
    return this.inflate(m);
  }

  private inflate(m: ZipMember): Buffer {
    const buf = this.buf;
    const h = m.localOffset;
    if (buf.readUInt32LE(h) !== SIG_LOCAL) throw badZip('Bad magic number for file header');
    const nameLen = buf.readUInt16LE(h + 26);
    const extraLen = buf.readUInt16LE(h + 28);
    const start = h + 30 + nameLen + extraLen;
    const local = buf.subarray(h + 30, h + 30 + nameLen).toString(m.flags & 0x800 ? 'utf8' : 'latin1');
    if (local !== m.name) throw badZip(`File name in directory ${strRepr(m.name)} and header ${strRepr(local)} differ.`);
    if (start + m.compressedSize > buf.length) throw badZip(`Truncated data for member ${strRepr(m.name)}`);
    if (m.flags & 0x1) throw new PyError('builtins', 'NotImplementedError', `File ${strRepr(m.name)} is encrypted: encrypted members are not supported`);
    const data = buf.subarray(start, start + m.compressedSize);
    let out: Buffer;
    try {
      if (m.method === STORED) out = Buffer.from(data);
      else if (m.method === DEFLATED) out = zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, m.size) });
      else if (m.method === LZMA) out = inflateLzma(data, m.size);
      else throw new PyError('builtins', 'NotImplementedError', 'That compression method is not supported');
    } catch (e) {
      if (e instanceof PyError) throw e;
      throw badZip(`Bad compressed data for file ${strRepr(m.name)}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (out.length !== m.size) throw badZip(`Bad size for file ${strRepr(m.name)}: ${out.length} bytes where the directory says ${m.size}`);
    if (zlib.crc32(out) >>> 0 !== m.crc) throw badZip(`Bad CRC-32 for file ${strRepr(m.name)}`);
    return out;
  }
}

/**
 * A zip LZMA member: Python's 4-byte header, the 5 properties bytes, the raw
 * stream. Decoded as an .lzma ("alone") stream whose header gives the
 * directory's size, so decoding stops there; the dictionary is never larger
 * than the output (a larger one in hostile properties would change nothing
 * but the memory asked for).
 */
function inflateLzma(data: Buffer, size: number): Buffer {
  if (data.length < 9 || data.readUInt16LE(2) !== 5) throw badZip('Bad LZMA header');
  const head = Buffer.alloc(13);
  data.copy(head, 0, 4, 9);
  if (head[0] >= 9 * 5 * 5) throw badZip('Bad LZMA properties');
  head.writeUInt32LE(Math.min(head.readUInt32LE(1), Math.max(4096, size)), 1);
  head.writeBigUInt64LE(BigInt(size), 5);
  if (size === 0) return Buffer.alloc(0);
  return lzma.decompressSync(Buffer.concat([head, data.subarray(9)]));
}

/** The LZMA member data pyrogue's zipfile writes: header (9, 4, 5), properties, raw stream with its end marker. */
function deflateLzma(data: Uint8Array): Buffer {
  // an .lzma stream of unknown size: 5 properties bytes, 8 bytes of 0xff, the stream ending in the marker
  const alone = lzma.compressSync(data);
  return Buffer.concat([Buffer.from([9, 4, 5, 0]), alone.subarray(0, 5), alone.subarray(13)]);
}

/** A zip archive with pyrogue's layout (see the top of this file): one LZMA member per entry. */
export function writeZip(entries: readonly { name: string; data: Uint8Array }[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    // UTF-8 takes one byte a character only for ASCII: other names are flagged UTF-8 (bit 11), as Python does
    const ascii = name.length === e.name.length;
    const flags = 0x2 | (ascii ? 0 : 0x800);
    const comp = deflateLzma(e.data);
    const crc = zlib.crc32(e.data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(SIG_LOCAL, 0);
    local.writeUInt16LE(63, 4); // version needed: 6.3 (LZMA)
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(LZMA, 8);
    local.writeUInt16LE(0, 10); // 00:00:00
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(comp.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(SIG_CENTRAL, 0);
    cd.writeUInt16LE((3 << 8) | 63, 4); // made by: Unix, 6.3
    local.copy(cd, 6, 4, 30); // version needed .. extra length, as in the local header
    cd.writeUInt16LE(0, 32); // comment
    cd.writeUInt16LE(0, 34); // disk
    cd.writeUInt16LE(0, 36); // internal attributes
    cd.writeUInt32LE(0o600 << 16, 38); // -rw-------
    cd.writeUInt32LE(offset, 42);
    parts.push(local, name, comp);
    central.push(cd, name);
    offset += local.length + name.length + comp.length;
  }
  const cdBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(SIG_END, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cdBytes, end]);
}
