/**
 * SRPv3 and SRPv0 as memory backends (src/protocols/srp): request bytes as captured from
 * rogue v6.15.0 (../shared/spec/RUDP-SRP-STREAMS.md §5.6), response checks and rogue's error
 * texts, timeouts in fake time, Hub-style splitting, and the emulations.
 */
import fc from 'fast-check';
import { SrpV0, SrpV3, TX_POST, TX_READ, TX_VERIFY, TX_WRITE } from '../src/protocols/srp/srp';
import { SrpV0Emulation, SrpV3Emulation } from '../src/protocols/srp/emulation';
import { Frame } from '../src/stream/frame';
import type { EmulatedMemory } from '../src/tree/memory';
import { connectPair } from '../src/stream/master';
import { FakeClock } from './support/fakeClock';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((x) => parseInt(x, 16)),
  );
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();
const le32 = (n: number) => toHex(Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24));

/** An SRP client whose requests are captured; responses are fed by hand. */
function capture<T extends SrpV3 | SrpV0>(srp: T): { srp: T; sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  srp.addSlave({ acceptFrame: (f: Frame) => void sent.push(f.payload) });
  return { srp, sent };
}

describe('SRPv3 requests (captured bytes, the id word aside)', () => {
  test('write, read, posted write, verify', async () => {
    const clock = new FakeClock();
    const { srp, sent } = capture(new SrpV3({ clock }));
    void srp.transact(TX_WRITE, 0x100, 8, hex('11 22 33 44 55 66 77 88')).catch(() => undefined);
    void srp.transact(TX_READ, 0x100, 8).catch(() => undefined);
    await srp.transact(TX_POST, 0x1_0000_0004, 4, hex('aa bb cc dd'));
    void srp.transact(TX_VERIFY, 0x1_0000_0004, 4).catch(() => undefined);
    const ids = sent.map((b) => Buffer.from(b).readUInt32LE(4));
    expect(ids[1]).toBe(ids[0] + 1);
    expect(sent.map(toHex)).toEqual([
      `03 01 00 0a ${le32(ids[0])} 00 01 00 00 00 00 00 00 07 00 00 00 11 22 33 44 55 66 77 88`,
      `03 00 00 0a ${le32(ids[1])} 00 01 00 00 00 00 00 00 07 00 00 00`,
      `03 02 00 0a ${le32(ids[2])} 04 00 00 00 01 00 00 00 03 00 00 00 aa bb cc dd`,
      `03 00 00 0a ${le32(ids[3])} 04 00 00 00 01 00 00 00 03 00 00 00`,
    ]);
    expect(srp.inFlight).toBe(3); // the posted write completed on send
    await clock.advance(1001);
    expect(srp.inFlight).toBe(0);
  });
});

describe('SRPv3 responses', () => {
  async function one(resp: (req: Uint8Array) => Uint8Array | null, type = TX_READ, size = 8): Promise<string> {
    const clock = new FakeClock();
    const { srp } = capture(new SrpV3({ clock }));
    srp.addSlave({
      acceptFrame: (f: Frame) => {
        const r = resp(f.payload);
        if (r) queueMicrotask(() => srp.acceptFrame(new Frame(r)));
      },
    });
    const p = srp.transact(type, 0x100, size, type === TX_WRITE ? new Uint8Array(size).fill(9) : undefined).then(
      (d) => `ok ${toHex(d)}`,
      (e: Error) => `error ${e.message}`,
    );
    await clock.advance(1500);
    return p;
  }
  const echo = (req: Uint8Array, status = 0, extra = 0) => {
    const size = Buffer.from(req).readUInt32LE(16) + 1;
    const r = new Uint8Array(24 + size + extra);
    r.set(req.subarray(0, 20));
    for (let i = 0; i < size; i++) r[20 + i] = i + 1;
    Buffer.from(r.buffer).writeUInt32LE(status, r.length - 4);
    return r;
  };

  test('read data', async () => {
    expect(await one((q) => echo(q))).toBe('ok 01 02 03 04 05 06 07 08');
  });
  test('write returns the data written', async () => {
    expect(await one((q) => echo(q), TX_WRITE)).toBe('ok 09 09 09 09 09 09 09 09');
  });
  test('status bits', async () => {
    expect(await one((q) => echo(q, 0x2100))).toBe('error FPGA register bus lockup detected in hardware. Power cycle required.');
    expect(await one((q) => echo(q, 0x100))).toBe('error FPGA register bus timeout detected in hardware');
    expect(await one((q) => echo(q, 0x3))).toBe('error Non zero status message returned on fpga register bus in hardware: 0x3');
  });
  test('header mismatch, size mismatch', async () => {
    expect(
      await one((q) => {
        const r = echo(q);
        r[8] = 0x04;
        return r;
      }),
    ).toMatch(/^error Received SRPV3 message did not match expected protocol\. id=\d+, addr=0x0000000000000104$/);
    expect(
      await one((q) => {
        const r = echo(q);
        r[1] |= 0x3c; // bits 13..10 of word 0 are not compared
        return r;
      }),
    ).toBe('ok 01 02 03 04 05 06 07 08');
    expect(await one((q) => echo(q, 0, 4))).toMatch(
      /^error Received SRPV3 message had a header size mismatch\. id=\d+, frameSize=36, expectedSize=32, tranSize=8, headerSize=8$/,
    );
  });
  test('no response: the timeout text; a late response is ignored', async () => {
    expect(await one(() => null)).toMatch(/^error Timeout waiting for register transaction \d+ message response\.$/);
    const warnings: string[] = [];
    const clock = new FakeClock();
    const srp = new SrpV3({ clock, logger: { warn: (m) => warnings.push(m) } });
    let req: Uint8Array | null = null;
    srp.addSlave({ acceptFrame: (f: Frame) => void (req = f.payload) });
    const p = srp.read(0, 4).catch((e: Error) => e.message);
    await clock.advance(1001);
    expect(await p).toMatch(/^Timeout/);
    srp.acceptFrame(new Frame(echo(req!)));
    srp.acceptFrame(new Frame(new Uint8Array(10)));
    const unknown = echo(req!);
    unknown[4] ^= 0xff;
    srp.acceptFrame(new Frame(unknown));
    expect(warnings).toEqual([
      expect.stringMatching(/^Transaction expired: Id=\d+ \(increase root->timeout value/),
      'Got undersized frame size = 10',
      expect.stringMatching(/^Failed to find transaction id=\d+$/),
    ]);
  });
  test('alignment pre-checks (rogue texts)', async () => {
    const srp = new SrpV3();
    await expect(srp.read(0x102, 4)).rejects.toThrow('Transaction address 0x102 is not aligned to min size 4');
    await expect(srp.read(0x100, 6)).rejects.toThrow('Transaction size 0x6 is not aligned to min size 4');
  });
  test('a response restarts the timers of the transactions sent after it (rogue Slave refresh)', async () => {
    const clock = new FakeClock();
    const srp = new SrpV3({ clock });
    const reqs: Uint8Array[] = [];
    srp.addSlave({ acceptFrame: (f: Frame) => void reqs.push(f.payload) });
    const a = srp.read(0, 4).then(() => 'a ok');
    const b = srp.read(4, 4).then(
      () => 'b ok',
      () => 'b timeout',
    );
    await clock.advance(900);
    srp.acceptFrame(new Frame(echo(reqs[0])));
    await clock.advance(900); // 1.8 s after b was sent, 0.9 s after the refresh
    expect(srp.inFlight).toBe(1);
    srp.acceptFrame(new Frame(echo(reqs[1])));
    expect([await a, await b]).toEqual(['a ok', 'b ok']);
  });
  test('a transaction over 4096 bytes is split into 4096-byte ones (own ids) and reassembled', async () => {
    const emu = new SrpV3Emulation();
    const srp = new SrpV3();
    const sizes: number[] = [];
    srp.addSlave({ acceptFrame: (f: Frame) => void sizes.push(Buffer.from(f.payload).readUInt32LE(16) + 1) });
    connectPair(srp, emu);
    const data = Uint8Array.from({ length: 10000 }, (_, i) => i & 0xff);
    await srp.write(0x1000, data);
    expect(Buffer.from(await srp.read(0x1000, 10000))).toEqual(Buffer.from(data));
    expect(sizes).toEqual([4096, 4096, 1808, 4096, 4096, 1808]);
  });
});

describe('SRPv0', () => {
  test('requests as captured (id word aside); responses and status texts', async () => {
    const clock = new FakeClock();
    const { srp, sent } = capture(new SrpV0({ clock }));
    const r = srp.read(0x10, 4);
    const w = srp.write(0x10, new Uint8Array(8).fill(0xee));
    const id0 = Buffer.from(sent[0]).readUInt32LE(0);
    const id1 = Buffer.from(sent[1]).readUInt32LE(0);
    expect(toHex(sent[0])).toBe(`${le32(id0)} 04 00 00 00 00 00 00 00 00 00 00 00`);
    expect(toHex(sent[1])).toBe(`${le32(id1)} 04 00 00 40 ee ee ee ee ee ee ee ee 00 00 00 00`);
    // bad length then bad header: ignored, still pending; then a good one
    srp.acceptFrame(new Frame(hex(`${le32(id0)} 04 00 00 00 01 02 03 04 00 00 00 00 00 00 00 00`)));
    srp.acceptFrame(new Frame(hex(`${le32(id0)} 05 00 00 00 01 02 03 04 00 00 00 00`)));
    expect(srp.inFlight).toBe(2);
    srp.acceptFrame(new Frame(hex(`${le32(id0)} 04 00 00 00 01 02 03 04 00 00 00 00`)));
    expect(toHex(await r)).toBe('01 02 03 04');
    srp.acceptFrame(new Frame(hex(`${le32(id1)} 04 00 00 40 ee ee ee ee ee ee ee ee 05 00 00 00`)));
    await expect(w).rejects.toThrow('Non zero status message returned on axi bus in hardware: 0x5');
    const t = srp.read(0, 4);
    const id2 = Buffer.from(sent[2]).readUInt32LE(0);
    srp.acceptFrame(new Frame(hex(`${le32(id2)} 00 00 00 00 00 00 00 00 00 00 02 00`)));
    await expect(t).rejects.toThrow('Axi bus timeout detected in hardware');
    await expect(srp.read(0xfffffffc, 8)).rejects.toThrow(/32-bit address space/);
    expect(srp.maxAccess).toBe(2048);
  });

  test('against SrpV0Emulation, with a size bound', async () => {
    const emu = new SrpV0Emulation({ size: 0x1000 });
    const srp = new SrpV0();
    connectPair(srp, emu);
    await srp.write(0x800, Uint8Array.of(1, 2, 3, 4));
    expect(toHex(await srp.read(0x800, 4))).toBe('01 02 03 04');
    await expect(srp.read(0x1000, 4)).rejects.toThrow('Axi bus returned fail status in hardware');
    expect(Buffer.from(await srp.read(0, 4096))).toEqual(Buffer.from(emu.memory.peek(0, 4096)));
  });
});

describe('SrpV3Emulation', () => {
  test('answers as rogue: header echo + data + zero status; posted writes get nothing; bad requests ignored', () => {
    const emu = new SrpV3Emulation({ size: 0x2000 });
    const out: Uint8Array[] = [];
    emu.addSlave({ acceptFrame: (f: Frame) => void out.push(f.payload) });
    const send = (s: string) => void emu.acceptFrame(new Frame(hex(s)));
    send('03 01 00 0a 01 00 00 00 00 01 00 00 00 00 00 00 07 00 00 00 11 22 33 44 55 66 77 88');
    send('03 00 00 0a 02 00 00 00 00 01 00 00 00 00 00 00 07 00 00 00');
    send('03 02 00 0a 03 00 00 00 04 01 00 00 00 00 00 00 03 00 00 00 aa bb cc dd');
    send('03 03 00 0a 04 00 00 00 00 01 00 00 00 00 00 00 03 00 00 00'); // opcode 3
    send('02 00 00 0a 05 00 00 00 00 01 00 00 00 00 00 00 03 00 00 00'); // version 2
    send('03 00 00 0a 06 00 00 00 00 01 00 00 00 00 00 00 02 00 00 00'); // size 3
    send('03 01 00 0a 07 00 00 00 00 01 00 00 00 00 00 00 07 00 00 00 11 22'); // short write
    send('03 00 00 0a 08 00 00 00 00 20 00 00 00 00 00 00 03 00 00 00'); // beyond size
    expect(out.map(toHex)).toEqual([
      '03 01 00 0a 01 00 00 00 00 01 00 00 00 00 00 00 07 00 00 00 11 22 33 44 55 66 77 88 00 00 00 00',
      '03 00 00 0a 02 00 00 00 00 01 00 00 00 00 00 00 07 00 00 00 11 22 33 44 55 66 77 88 00 00 00 00',
      '03 00 00 0a 08 00 00 00 00 20 00 00 00 00 00 00 03 00 00 00 00 00 00 00 03 00 00 00',
    ]);
    expect(toHex(emu.memory.peek(0x104, 4))).toBe('aa bb cc dd');
    expect(emu.stats).toEqual({ reads: 2, writes: 1, posts: 1, ignored: 4, outOfRange: 1, memoryFull: 0 });
  });

  test('writes allocate at most maxMemory of 4 KiB pages: a write needing another page gets the error status and changes nothing', async () => {
    const emu = new SrpV3Emulation({ maxMemory: 3 * 4096 });
    const srp = new SrpV3({ timeout: 1 });
    connectPair(srp, emu);
    await srp.write(0x10_0000_0ffc, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)); // two pages
    await srp.write(0x5000, Uint8Array.of(9, 9, 9, 9)); // the third
    await srp.write(0x5ffc, Uint8Array.of(7, 7, 7, 7)); // a page already written
    await expect(srp.write(0x9000, Uint8Array.of(1, 1, 1, 1))).rejects.toThrow('Non zero status message returned on fpga register bus in hardware: 0x3');
    await srp.post(0x20000, Uint8Array.of(1, 1, 1, 1)); // posted: no answer, not written
    expect(toHex(await srp.read(0x9000, 4))).toBe('00 00 00 00'); // reads allocate nothing
    expect(toHex(await srp.read(0x20000, 4))).toBe('00 00 00 00');
    expect(toHex(await srp.read(0x5ffc, 4))).toBe('07 07 07 07');
    expect(emu.stats.memoryFull).toBe(2);
    expect((emu.memory as EmulatedMemory).allocatedPages).toBe(3);
    const v0 = new SrpV0Emulation({ maxMemory: 4096 });
    const srp0 = new SrpV0({ timeout: 1 });
    connectPair(srp0, v0);
    await srp0.write(0x0, Uint8Array.of(1, 2, 3, 4));
    await expect(srp0.write(0x1000, Uint8Array.of(1, 2, 3, 4))).rejects.toThrow('Axi bus returned fail status in hardware');
  });

  test('random requests never throw', () => {
    const emu = new SrpV3Emulation({ size: 1 << 20 });
    emu.addSlave({ acceptFrame: () => undefined });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), fc.integer({ min: 0, max: 3 }), (b, op) => {
        const r = b.length >= 2 ? b : Uint8Array.of(3, op);
        void emu.acceptFrame(new Frame(r));
      }),
      { numRuns: 500 },
    );
  });
});
