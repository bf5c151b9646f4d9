/**
 * Hostile peers on the RUDP stack, in fake time (no sockets), at every layer: random datagrams
 * and forged RSSI segments with valid checksums (SYN, RST, BUSY, NUL, acknowledgements of
 * what was never sent, data out of the window); random, unfinished and oversized packetizer
 * segments and frames for tdests nobody serves; random SRP frames and forged SRP responses to
 * the transactions in flight — from a hostile FPGA at our client, and from a hostile client
 * at our emulator. Nothing throws; every transaction settles exactly once, with the right data
 * or one of rogue's SRP error texts; bad input is counted; every queue stays within its bound
 * and empties; the link serves correctly afterwards (reconnecting by itself where a forged
 * RST or SYN reset it).
 */
import { Packetizer } from '../src/protocols/packetizer/packetizer';
import { FLAG_ACK, FLAG_BUSY, FLAG_EACK, FLAG_NUL, FLAG_RST, FLAG_SYN, writeHeader } from '../src/protocols/rssi/header';
import type { RudpLink } from '../src/protocols/rudp';
import { newTransactionId, srpV3Word0, TX_READ } from '../src/protocols/srp/srp';
import { Frame } from '../src/stream/frame';
import { seeded } from './support/lossyRelay';
import { rudpRig, type RudpRig } from './support/rudpRig';

jest.setTimeout(60000);

/** Every way rogue's SrpV3 fails a transaction on what comes back. */
const SRP_ERRORS = [
  /^Timeout waiting for register transaction \d+ message response\.$/,
  /^Received SRPV3 message did not match expected protocol\. id=\d+, addr=0x[0-9a-f]{16}$/,
  /^Received SRPV3 message had a header size mismatch\. id=\d+, frameSize=\d+, expectedSize=\d+, tranSize=\d+, headerSize=\d+$/,
  /^Non zero status message returned on fpga register bus in hardware: 0x[0-9a-f]+$/,
  /^FPGA register bus (lockup detected in hardware\. Power cycle required\.|timeout detected in hardware)$/,
];

type Rand = () => number;
const randBytes = (rand: Rand, n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
const randInt = (rand: Rand, n: number) => Math.floor(rand() * n);

/** An RSSI application payload: the 8 bytes of header room RSSI.send expects, then `data`. */
function roomy(data: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  b.set(data, 8);
  return b;
}

/** The valid packetizer segments (as RSSI payloads, with header room) of a `size`-byte frame on `tdest`. */
function segmentsOf(version: 1 | 2, tdest: number, size: number, maxPayload: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const p = new Packetizer({ version }, { transmit: (b) => void out.push(b), room: () => Infinity, maxPayload: () => maxPayload });
  p.sendFrame(tdest, new Frame(new Uint8Array(size).fill(0xa5)));
  return out;
}

/**
 * Forged RSSI segments with valid checksums, random numbers: with `control`, every flag
 * combination (SYN, RST, NUL, data); without, only acknowledgements and BUSY, which no
 * receiver takes for a segment in sequence (RSSI has no authentication: a forged segment
 * that happens to carry the next sequence number is taken for the peer's, and the link
 * resynchronizes only by a reset — the third test below).
 */
function forgedRssi(rand: Rand, n: number, control: boolean): Uint8Array[] {
  const flagSets = control
    ? [FLAG_SYN, FLAG_SYN | FLAG_ACK, FLAG_RST, FLAG_RST | FLAG_ACK, FLAG_ACK, FLAG_ACK | FLAG_BUSY, FLAG_NUL | FLAG_ACK, FLAG_EACK | FLAG_ACK, 0, FLAG_BUSY]
    : [FLAG_ACK, FLAG_ACK | FLAG_BUSY, FLAG_EACK | FLAG_ACK, 0, FLAG_BUSY];
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const flags = flagSets[randInt(rand, flagSets.length)];
    const syn = (flags & FLAG_SYN) !== 0;
    const data = control && !syn && rand() < 0.5 ? randBytes(rand, 1 + randInt(rand, 64)) : new Uint8Array(0);
    const seg = new Uint8Array((syn ? 24 : 8) + data.length);
    writeHeader(seg, {
      flags,
      sequence: randInt(rand, 256),
      acknowledge: randInt(rand, 256),
      params: syn
        ? {
            maxBuffers: randInt(rand, 256),
            maxSegment: randInt(rand, 0x10000),
            retranTout: randInt(rand, 0x10000),
            cumAckTout: randInt(rand, 0x10000),
            nullTout: randInt(rand, 0x10000),
            maxRetran: randInt(rand, 256),
            maxCumAck: randInt(rand, 256),
          }
        : undefined,
    });
    seg.set(data, syn ? 24 : 8);
    out.push(seg);
  }
  return out;
}

/** Garbage above RSSI from `link` to its peer: random payloads, unfinished and whole frames for unserved tdests, random frames on tdest 0. */
function garbageAboveRssi(link: RudpLink, rand: Rand, version: 1 | 2): void {
  const maxPayload = link.rssi.maxPayload;
  const send = (b: Uint8Array) => void link.rssi.send(b);
  for (let i = 0; i < 100; i++) send(roomy(randBytes(rand, 1 + randInt(rand, Math.min(maxPayload, 1500)))));
  // frames started and never finished, on every tdest (v2 reassembles each tdest apart)
  for (let d = 0; d < 256; d++) send(segmentsOf(version, d, 3 * 1400, maxPayload)[0]);
  // the other version's segments
  for (const s of segmentsOf(version === 1 ? 2 : 1, 0, 3000, maxPayload)) send(s);
  // a frame's segments out of order, and one repeated
  const segs = segmentsOf(version, 0, 5000, maxPayload);
  for (const s of [segs[1], segs[0], segs[0], segs[2], segs[3]]) send(s);
  // whole frames for tdests nobody serves and random frames on tdest 0 (in all, fewer payloads
  // than the sender's RSSI queue holds: its own responses queue behind them, and are not dropped)
  for (const d of [1, 255]) for (const s of segmentsOf(version, d, 64 * 1024, maxPayload)) send(s);
  for (let i = 0; i < 50; i++) void link.application(0).acceptFrame(new Frame(randBytes(rand, 1 + randInt(rand, 5000))));
}

function expectBounded(link: RudpLink): void {
  expect(link.rssi.appQueued).toBeLessThanOrEqual(link.rssi.maxAppQueue);
  expect(link.rssi.txQueued).toBeLessThanOrEqual(link.rssi.maxTxQueue);
  expect(link.rssi.unacked).toBeLessThanOrEqual(Math.max(1, link.rssi.curMaxBuffers));
  expect(link.rssi.oooQueued).toBeLessThanOrEqual(255);
  expect(link.pack.rxBuffered).toBeLessThanOrEqual(link.pack.maxBuffered);
}

/**
 * Honest traffic after the attack: 32 writes and read-backs and a 4 KiB block, all correct.
 * With `probe`, first reads until one succeeds (a forged segment taken in sequence shows only
 * when the peer's next one is refused, and the link resets after its retransmissions).
 */
async function servesCorrectly(r: RudpRig, probe = false): Promise<void> {
  await r.clock.until(() => r.client.isOpen && r.emu.link.isOpen, 'the link to be open', 30000);
  for (let tries = 0; probe; tries++) {
    expect(tries).toBeLessThan(20);
    probe = !(await r.drive(
      r.srp.read(0, 4).then(
        () => true,
        () => false,
      ),
      5000,
    ));
    await r.clock.until(() => r.client.isOpen && r.emu.link.isOpen, 'the link to be open', 30000);
  }
  const writes = Array.from({ length: 32 }, (_, i) => r.srp.write(0x7000 + i * 4, Uint8Array.of(i, 0x5a, 0xa5, 0xff - i)));
  await r.drive(Promise.all(writes), 5000);
  const reads = await r.drive(Promise.all(Array.from({ length: 32 }, (_, i) => r.srp.read(0x7000 + i * 4, 4))), 5000);
  expect(reads.map((b) => [...b])).toEqual(Array.from({ length: 32 }, (_, i) => [i, 0x5a, 0xa5, 0xff - i]));
  const block = Uint8Array.from({ length: 4096 }, (_, i) => (i * 29) & 0xff);
  await r.drive(r.srp.write(0x9000, block), 5000);
  expect(Buffer.from(await r.drive(r.srp.read(0x9000, 4096), 5000)).equals(Buffer.from(block))).toBe(true);
}

/** Lets both ends deliver and acknowledge everything: the queues empty (a keep-alive may be in flight a moment). */
async function expectDrained(r: RudpRig): Promise<void> {
  const queued = () => [r.client, r.emu.link].map((l) => l.rssi.txQueued + l.rssi.appQueued + l.rssi.unacked);
  await r.clock.until(() => queued().every((n) => n === 0), 'the queues to empty', 5000);
  for (const link of [r.client, r.emu.link]) expectBounded(link);
  expect(r.srp.inFlight).toBe(0);
}

describe.each([2, 1] as const)('packetizer v%d', (packVer) => {
  test('a hostile FPGA (valid RSSI, garbage above it, forged SRP responses) at our client', async () => {
    const r = await rudpRig({ packVer, seed: 11 + packVer, emuPackVer: packVer });
    const rand = seeded(97 + packVer);
    try {
      const values = Array.from({ length: 16 }, (_, i) => Uint8Array.of(i, 0x11, 0x22, 0x33));
      for (let i = 0; i < 16; i++) r.emu.memory.poke(0x3000 + i * 4, values[i]);
      const outcomes: string[] = [];
      const settled = new Array<number>(16).fill(0);
      const txs = values.map((v, i) =>
        r.srp.read(0x3000 + i * 4, 4).then(
          (d) => {
            settled[i]++;
            outcomes.push(Buffer.from(d).equals(Buffer.from(v)) ? 'ok' : `wrong data ${Buffer.from(d).toString('hex')}`);
          },
          (e: Error) => {
            settled[i]++;
            outcomes.push(SRP_ERRORS.some((re) => re.test(e.message)) ? e.message.split('.')[0] : `unexpected error: ${e.message}`);
          },
        ),
      );
      // Forged responses to the 16 reads in flight (their ids precede the next one), ahead of
      // the emulator's: exact headers with a bad status or a wrong length, wrong headers, short frames.
      const next = newTransactionId();
      const fpga = r.emu.link.application(0);
      for (let k = 0; k < 16; k++) {
        const id = next - 16 + k;
        const size = k % 4 === 3 ? 24 + 8 : 28;
        const f = new Uint8Array(size);
        const dv = new DataView(f.buffer);
        dv.setUint32(0, srpV3Word0(TX_READ, 0x0a), true);
        dv.setUint32(4, id >>> 0, true);
        dv.setUint32(8, 0x3000 + k * 4, true);
        dv.setUint32(16, 3, true);
        if (k % 4 === 0) dv.setUint32(size - 4, [0x2000, 0x0100, 0x3, 0x80000000][(k / 4) & 3], true);
        if (k % 4 === 1) f[9] ^= 0x40; // another address
        if (k % 4 === 2)
          void fpga.acceptFrame(new Frame(f.subarray(0, 20))); // undersized, then the real response wins
        else void fpga.acceptFrame(new Frame(f));
      }
      garbageAboveRssi(r.emu.link, rand, packVer);
      // and at the RSSI layer: random datagrams (bad checksums), forged acknowledgements and BUSY
      const toClient = (b: Uint8Array) => r.relay.a.onMessage?.(b);
      for (let i = 0; i < 200; i++) toClient(randBytes(rand, randInt(rand, 80)));
      for (const seg of forgedRssi(rand, 200, false)) toClient(seg);
      expectBounded(r.client);
      await r.drive(Promise.all(txs), 10000);
      expect(settled).toEqual(new Array<number>(16).fill(1));
      expect(outcomes.filter((o) => o.startsWith('wrong') || o.startsWith('unexpected'))).toEqual([]);
      const failed = outcomes.filter((o) => o !== 'ok');
      // the forged status words and addresses failed their transactions with rogue's texts
      expect(failed.filter((o) => o.startsWith('Non zero status') || o.startsWith('FPGA register bus')).length).toBe(4);
      expect(failed.filter((o) => o.startsWith('Received SRPV3 message did not match')).length).toBe(4);
      expect(failed.filter((o) => o.startsWith('Received SRPV3 message had a header size mismatch')).length).toBe(4);
      expect(outcomes.filter((o) => o === 'ok').length).toBe(4);
      expect(r.client.rssi.dropCount).toBeGreaterThan(0);
      expect(r.client.pack.dropCount).toBeGreaterThan(0);
      expect(r.srp.stats.ignored).toBeGreaterThan(0);
      expect(r.client.rssi.downCount).toBe(0); // garbage above RSSI is no reason to reset the link
      await expectDrained(r);
      expect(r.client.pack.rxBuffered).toBeLessThan(256 * 1500); // only the unfinished frames' first segments
      await servesCorrectly(r);
    } finally {
      await r.close();
    }
  });

  test('a hostile client (valid RSSI, garbage above it, random SRP requests) at our emulator', async () => {
    const r = await rudpRig({ packVer, seed: 23 + packVer, emuPackVer: packVer });
    const rand = seeded(131 + packVer);
    try {
      garbageAboveRssi(r.client, rand, packVer);
      // SRP-shaped requests with random fields (version byte 3, random opcode, size, address)
      for (let i = 0; i < 300; i++) {
        const size = [4, 8, 4096, 4100, 0, randInt(rand, 1 << 20)][randInt(rand, 6)];
        const f = randBytes(rand, 20 + (rand() < 0.5 ? Math.min(size, 5000) : randInt(rand, 40)));
        f[0] = 0x03;
        new DataView(f.buffer).setUint32(16, (size - 1) >>> 0, true);
        new DataView(f.buffer).setUint32(12, rand() < 0.5 ? 0 : randInt(rand, 0x10000), true); // 64-bit addresses too
        void r.client.application(0).acceptFrame(new Frame(f));
      }
      const toEmu = (b: Uint8Array) => r.relay.b.onMessage?.(b);
      for (let i = 0; i < 200; i++) toEmu(randBytes(rand, randInt(rand, 80)));
      for (const seg of forgedRssi(rand, 200, false)) toEmu(seg);
      expectBounded(r.emu.link);
      await r.clock.advance(3000);
      expect(r.emu.link.rssi.dropCount).toBeGreaterThan(0);
      expect(r.emu.link.pack.dropCount).toBeGreaterThan(0);
      expect(r.emu.srp.stats.ignored).toBeGreaterThan(0);
      expect(r.emu.link.rssi.downCount).toBe(0);
      await expectDrained(r);
      await servesCorrectly(r);
    } finally {
      await r.close();
    }
  });

  test('forged RSSI control segments (SYN, RST, BUSY, wild acknowledgements) at both ends: the link resets, reconnects by itself and serves', async () => {
    const r = await rudpRig({ packVer, seed: 41 + packVer });
    const rand = seeded(173 + packVer);
    try {
      const settled: number[] = [];
      const txs = Array.from({ length: 40 }, (_, i) =>
        r.srp.read(0x100 + i * 4, 4).then(
          () => void settled.push(i),
          (e: Error) => {
            expect(SRP_ERRORS.some((re) => re.test(e.message))).toBe(true);
            settled.push(i);
          },
        ),
      );
      for (let round = 0; round < 20; round++) {
        for (const seg of forgedRssi(rand, 10, true)) {
          r.relay.a.onMessage?.(seg);
          r.relay.b.onMessage?.(seg);
        }
        expectBounded(r.client);
        expectBounded(r.emu.link);
        await r.clock.advance(50);
      }
      await r.drive(Promise.all(txs), 10000);
      expect(settled.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(r.client.rssi.downCount + r.emu.link.rssi.downCount).toBeGreaterThan(0); // the forged RSTs and SYNs did reset it
      await servesCorrectly(r, true);
      await expectDrained(r);
    } finally {
      await r.close();
    }
  });
});
