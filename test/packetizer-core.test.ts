/**
 * The sans-I/O packetizer (src/protocols/packetizer): v1 and v2 segment layouts and the v2
 * CRC against the segments captured from rogue v6.15.0 (../shared/spec/RUDP-SRP-STREAMS.md
 * §4.6), segment sizes, reassembly, SSI, and hostile segments.
 */
import * as zlib from 'zlib';
import fc from 'fast-check';
import { crc32, crc32Table } from '../src/protocols/packetizer/crc';
import { Packetizer, TRANSPORT_HEADROOM } from '../src/protocols/packetizer/packetizer';
import { Frame } from '../src/stream/frame';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((x) => parseInt(x, 16)),
  );
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();

interface Rig {
  p: Packetizer;
  out: Uint8Array[];
  got: Map<number, Frame[]>;
}

function rig(version: 1 | 2 | 'auto', maxPayload = 1456, opts: { enSsi?: boolean; enIbCrc?: boolean; room?: number; maxBuffered?: number } = {}): Rig {
  const out: Uint8Array[] = [];
  const p = new Packetizer(
    { version, enSsi: opts.enSsi, enIbCrc: opts.enIbCrc, maxBuffered: opts.maxBuffered },
    { transmit: (b) => out.push(b.subarray(TRANSPORT_HEADROOM)), room: () => opts.room ?? 1000, maxPayload: () => maxPayload },
  );
  const got = new Map<number, Frame[]>();
  for (const d of [0, 1, 5, 255])
    p.application(d).addSlave({
      acceptFrame: (f) => {
        if (!got.has(d)) got.set(d, []);
        got.get(d)!.push(f);
      },
    });
  return { p, out, got };
}

describe('CRC', () => {
  test('zlib crc32, continued across calls, equals the table version', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const whole = crc32Table(Buffer.concat([a, b]));
        expect(crc32(b, crc32(a))).toBe(whole);
        expect(crc32Table(b, crc32Table(a))).toBe(whole);
        if (typeof (zlib as { crc32?: unknown }).crc32 === 'function') expect(crc32(a)).toBe(crc32Table(a));
      }),
    );
  });
});

describe('v2', () => {
  test('the captured SRPv3 read request segment, byte for byte (CRC be 84 23 1c)', () => {
    const r = rig(2);
    const srp = hex('03 00 00 0a 02 00 00 00 10 00 00 00 00 00 00 00 03 00 00 00');
    r.p.sendFrame(0, new Frame(srp));
    expect(r.out.map(toHex)).toEqual([
      '22 02 00 00 00 00 00 80 03 00 00 0a 02 00 00 00 10 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00 00 01 04 00 be 84 23 1c',
    ]);
  });

  test('segment capacity 1440 on a standard MTU, 8936 on jumbo; a 3000-byte frame is 1440 + 1440 + 120', () => {
    expect(rig(2, 1456).p.capacity).toBe(1440);
    expect(rig(2, 8956).p.capacity).toBe(8936);
    const r = rig(2);
    r.p.sendFrame(1, new Frame(new Uint8Array(3000)));
    expect(r.out.map((s) => s.length - 16)).toEqual([1440, 1440, 120]);
    const j = rig(2, 8956);
    j.p.sendFrame(1, new Frame(new Uint8Array(20000)));
    expect(j.out.map((s) => s.length - 16)).toEqual([8936, 8936, 2128]);
  });

  test('multi-segment frames: header fields, SOF/EOF, last, cumulative CRC (zlib over each segment but its CRC field)', () => {
    const r = rig(2, 48); // capacity 32
    const data = Uint8Array.from({ length: 45 }, (_, i) => i);
    r.p.sendFrame(5, new Frame(data, { flags: 0x1340 }));
    expect(r.out.length).toBe(2);
    const [s0, s1] = r.out;
    expect(toHex(s0.subarray(0, 8))).toBe('22 42 05 00 00 00 00 80');
    expect(toHex(s0.subarray(40, 44))).toBe('13 00 08 00');
    expect(toHex(s1.subarray(0, 8))).toBe('22 42 05 00 01 00 00 00');
    expect(toHex(s1.subarray(s1.length - 8, s1.length - 4))).toBe('13 01 05 00');
    let crc = zlib.crc32 ? zlib.crc32(s0.subarray(0, s0.length - 4)) : crc32Table(s0.subarray(0, s0.length - 4));
    expect(Buffer.from(s0).readUInt32BE(s0.length - 4)).toBe(crc);
    crc = crc32Table(s1.subarray(0, s1.length - 4), crc);
    expect(Buffer.from(s1).readUInt32BE(s1.length - 4)).toBe(crc);
    // received back: flags kept (SOF bit included), no error
    const back = rig(2, 48, { enIbCrc: true });
    for (const s of r.out) void back.p.receive(s);
    const f = back.got.get(5)![0];
    expect(Buffer.from(f.payload)).toEqual(Buffer.from(data));
    expect([f.flags, f.error]).toEqual([0x1342, 0x80]); // lUser 0x13 has bit 0 set: EOFE → 0x80
  });

  test('reassembly per tdest, interleaved', () => {
    const a = rig(2, 48);
    a.p.sendFrame(1, new Frame(new Uint8Array(70).fill(1)));
    const b = rig(2, 48);
    b.p.sendFrame(5, new Frame(new Uint8Array(70).fill(5)));
    const rx = rig(2);
    for (let i = 0; i < 3; i++) {
      void rx.p.receive(a.out[i]);
      void rx.p.receive(b.out[i]);
    }
    expect(Buffer.from(rx.got.get(1)![0].payload)).toEqual(Buffer.alloc(70, 1));
    expect(Buffer.from(rx.got.get(5)![0].payload)).toEqual(Buffer.alloc(70, 5));
    expect(rx.p.dropCount).toBe(0);
  });

  test('drops: bad version, size, alignment, a missing segment, SOF mid-frame, CRC error (when checked)', () => {
    const tx = rig(2, 48);
    tx.p.sendFrame(1, new Frame(new Uint8Array(70)));
    const [s0, s1, s2] = tx.out;
    const rx = rig(2, 1456, { enIbCrc: true });
    void rx.p.receive(new Uint8Array(16));
    void rx.p.receive(new Uint8Array(25));
    void rx.p.receive(Uint8Array.from({ length: 24 }, () => 1));
    expect(rx.p.dropCount).toBe(3);
    void rx.p.receive(s0);
    void rx.p.receive(s2); // s1 missing
    expect(rx.p.dropCount).toBe(4);
    void rx.p.receive(s1); // not SOF while idle
    expect(rx.p.dropCount).toBe(5);
    const bad = s0.slice();
    bad[10] ^= 1;
    void rx.p.receive(bad);
    expect(rx.p.dropCount).toBe(6);
    expect(rx.got.get(1)).toBeUndefined();
    // a good frame after all that
    for (const s of [s0, s1, s2]) void rx.p.receive(s);
    expect(rx.got.get(1)!.length).toBe(1);
  });

  test('without the inbound CRC check (pyrogue default) a corrupted CRC field is accepted', () => {
    const tx = rig(2);
    tx.p.sendFrame(0, new Frame(new Uint8Array(8).fill(7)));
    const s = tx.out[0].slice();
    s[s.length - 1] ^= 0xff;
    const rx = rig(2);
    void rx.p.receive(s);
    expect(rx.got.get(0)!.length).toBe(1);
  });
});

describe('v1', () => {
  test('the captured 3-byte frame (index 1, lUser 0x01)', () => {
    const r = rig(1);
    r.p.sendFrame(5, new Frame(new Uint8Array(45), { flags: 0x1340 })); // frame index 0
    r.p.sendFrame(5, new Frame(hex('03 0a 11'), { flags: 0x0100 }));
    expect(toHex(r.out[r.out.length - 1])).toBe('10 00 00 00 00 05 00 02 03 0a 11 81');
  });

  test('the captured two-segment frame header and tails (capacity 32)', () => {
    const r = rig(1, 41); // floor((41-1)/8)*8-8 = 32
    expect(r.p.capacity).toBe(32);
    r.p.sendFrame(5, new Frame(new Uint8Array(45), { flags: 0x1340 }));
    expect(toHex(r.out[0].subarray(0, 8))).toBe('00 00 00 00 00 05 00 42');
    expect(r.out[0][40]).toBe(0x13);
    expect(toHex(r.out[1].subarray(0, 8))).toBe('00 00 01 00 00 05 00 42');
    expect(r.out[1][r.out[1].length - 1]).toBe(0x93);
  });

  test('capacity 1440 standard, 8944 jumbo; round trip; 12-bit frame index wraps', () => {
    expect(rig(1, 1456).p.capacity).toBe(1440);
    expect(rig(1, 8956).p.capacity).toBe(8944);
    const tx = rig(1);
    const rx = rig(1);
    for (let i = 0; i < 4200; i++) {
      tx.out.length = 0;
      tx.p.sendFrame(1, new Frame(Uint8Array.of(i & 0xff, i >> 8, 0, 0), { flags: 0x0400 }));
      for (const s of tx.out) void rx.p.receive(s);
    }
    expect(rx.got.get(1)!.length).toBe(4200);
    expect(rx.got.get(1)![4199].payload[0]).toBe(4199 & 0xff);
    expect(rx.got.get(1)![0].flags).toBe(0x0402);
    expect(rx.p.dropCount).toBe(0);
  });

  test('a segment of another frame index mid-frame drops the partial frame', () => {
    const tx = rig(1, 41);
    tx.p.sendFrame(1, new Frame(new Uint8Array(70)));
    tx.p.sendFrame(1, new Frame(new Uint8Array(70)));
    const rx = rig(1);
    void rx.p.receive(tx.out[0]);
    void rx.p.receive(tx.out[4]); // frame 1 segment 1
    expect(rx.p.dropCount).toBe(1);
    void rx.p.receive(tx.out[3]); // frame 1 segment 0 restarts
    void rx.p.receive(tx.out[4]);
    void rx.p.receive(tx.out[5]);
    expect(rx.got.get(1)!.length).toBe(1);
  });
});

describe('both', () => {
  test("'auto' receives either version and answers in the one last received", () => {
    const r = rig('auto');
    const v1 = rig(1);
    v1.p.sendFrame(0, new Frame(new Uint8Array(8)));
    void r.p.receive(v1.out[0]);
    expect(r.got.get(0)!.length).toBe(1);
    r.p.sendFrame(0, new Frame(new Uint8Array(8)));
    expect(r.out[0][0] & 0xf).toBe(0);
    const v2 = rig(2);
    v2.p.sendFrame(0, new Frame(new Uint8Array(8)));
    void r.p.receive(v2.out[0]);
    r.p.sendFrame(0, new Frame(new Uint8Array(8)));
    expect(r.out[1][0] & 0xf).toBe(2);
  });

  test('a frame the transport cannot take whole is not sent at all; empty and errored frames are not sent', () => {
    const r = rig(2, 1456, { room: 2 });
    expect(r.p.sendFrame(0, new Frame(new Uint8Array(3000)))).toBe(false);
    expect(r.out.length).toBe(0);
    expect(r.p.sendFrame(0, new Frame(new Uint8Array(0)))).toBe(false);
    expect(r.p.sendFrame(0, new Frame(new Uint8Array(8), { error: 1 }))).toBe(false);
    expect(r.p.txDropCount).toBe(3);
  });

  test('frames for a tdest without an application are discarded', () => {
    const tx = rig(2);
    tx.p.sendFrame(7, new Frame(new Uint8Array(8)));
    const rx = rig(2);
    void rx.p.receive(tx.out[0]);
    expect(rx.p.rxFrames).toBe(1);
    expect(rx.p.dropCount).toBe(0);
  });

  test('reassembly is bounded: a frame beyond maxBuffered is dropped', () => {
    const tx = rig(2);
    tx.p.sendFrame(1, new Frame(new Uint8Array(10000)));
    const rx = rig(2, 1456, { maxBuffered: 4000 });
    for (const s of tx.out) void rx.p.receive(s);
    expect(rx.got.get(1)).toBeUndefined();
    expect(rx.p.dropCount).toBeGreaterThan(0);
  });

  test('random segments never throw', () => {
    for (const v of [1, 2] as const) {
      const rx = rig(v, 1456, { enIbCrc: true, maxBuffered: 100000 });
      fc.assert(
        fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 30 }), (segs) => {
          for (const s of segs) void rx.p.receive(s);
        }),
        { numRuns: 300 },
      );
    }
  });
});
