/**
 * The whole link in fake time, no sockets: RudpLink + SrpV3 ⇄ in-memory relay ⇄ FpgaEmulator
 * (RSSI server + packetizer + SrpV3Emulation), both packetizer versions, standard and jumbo
 * sizes, many transactions in flight, the reference tree's AxiVersion on it.
 */
import { AxiVersion } from '../src/examples/axiversion';
import { Root } from '../src/tree/root';
import { rudpRig } from './support/rudpRig';

const CASES: [1 | 2, boolean][] = [
  [1, false],
  [2, false],
  [1, true],
  [2, true],
];

describe.each(CASES)('packetizer v%d, jumbo %s', (packVer, jumbo) => {
  test('opens; 4-byte and 4 KiB transactions, 32 in flight; the emulator answered in the client version', async () => {
    const r = await rudpRig({ packVer, jumbo });
    try {
      expect(r.client.isOpen).toBe(true);
      expect(r.client.rssi.curMaxSegment).toBe(jumbo ? 8964 : 1464);
      const block = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff);
      await r.drive(r.srp.write(0x10000, block));
      expect(Buffer.from(await r.drive(r.srp.read(0x10000, 4096)))).toEqual(Buffer.from(block));
      const writes = Array.from({ length: 32 }, (_, i) => r.srp.write(i * 4, Uint8Array.of(i, i + 1, i + 2, i + 3)));
      await r.drive(Promise.all(writes));
      const reads = await r.drive(Promise.all(Array.from({ length: 32 }, (_, i) => r.srp.read(i * 4, 4))));
      expect(reads.map((b) => b[0])).toEqual(Array.from({ length: 32 }, (_, i) => i));
      expect(r.emu.link.pack.version).toBe(packVer);
      expect([r.client.rssi.dropCount, r.client.rssi.retranCount, r.emu.link.rssi.dropCount, r.client.pack.dropCount]).toEqual([0, 0, 0, 0]);
    } finally {
      await r.close();
    }
  });
});

test('frames on other tdests pass both ways beside SRP (streams)', async () => {
  const r = await rudpRig({ packVer: 2 });
  try {
    const got: number[][] = [];
    r.emu.link.application(1).addSlave({ acceptFrame: (f) => void got.push([f.size, f.firstUser, f.lastUser]) });
    const { Frame } = await import('../src/stream/frame');
    void r.client.application(1).acceptFrame(new Frame(new Uint8Array(5000), { flags: 0x0400 }));
    await r.drive(r.srp.read(0, 4));
    await r.clock.advance(5);
    expect(got).toEqual([[5000, 0x02, 0x04]]);
  } finally {
    await r.close();
  }
});

test('a stream master sending faster than the window: frames wait for room (as rogue blocks), none dropped, in order', async () => {
  const r = await rudpRig({ packVer: 2 });
  try {
    const { Frame } = await import('../src/stream/frame');
    const { StreamMaster, connectStream } = await import('../src/stream/master');
    const got: number[] = [];
    r.emu.link.application(2).addSlave({ acceptFrame: (f) => void got.push(f.payload[0] | (f.payload[1] << 8)) });
    const src = new StreamMaster();
    connectStream(src, r.client.application(2));
    // 300 frames of 5,000 bytes (4 segments each): far more than RSSI's window and queue
    let held = 0;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      const p = new Uint8Array(5000);
      p[0] = i & 0xff;
      p[1] = i >> 8;
      const s = src.sendFrame(new Frame(p));
      if (s !== undefined) {
        held++;
        sends.push(s);
      }
      // a producer that waits when asked to, as the PRBS generator and StreamReader do
      if (src.pending >= src.maxPending - 1) await r.drive(s ?? Promise.resolve());
    }
    await r.drive(Promise.all(sends));
    await r.drive(r.srp.read(0, 4));
    await r.clock.advance(50);
    expect(held).toBeGreaterThan(0);
    expect(got).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect([r.client.pack.txDropCount, r.client.rssi.dropCount, r.emu.link.pack.dropCount]).toEqual([0, 0, 0]);
  } finally {
    await r.close();
  }
});

test('a frame waiting for room when the link closes is dropped and counted; the promise settles', async () => {
  const r = await rudpRig({ packVer: 2 });
  const { Frame } = await import('../src/stream/frame');
  const app = r.client.application(3);
  const waits: Promise<void>[] = [];
  // more 4-segment frames than RSSI's queue and window hold
  const frames = Math.ceil((r.client.rssi.maxTxQueue + r.client.rssi.curMaxBuffers) / 4) + 20;
  for (let i = 0; i < frames; i++) {
    const s = app.acceptFrame(new Frame(new Uint8Array(5000)));
    if (s !== undefined) waits.push(s);
  }
  expect(waits.length).toBeGreaterThan(0);
  r.client.stopRssi();
  await r.drive(Promise.all(waits));
  expect(r.client.pack.txDropCount).toBe(waits.length);
  await r.close();
});

test("the reference tree's AxiVersion over the link: writes, reads, verify", async () => {
  const r = await rudpRig({ packVer: 2 });
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  const dev = new AxiVersion({ memBase: r.srp, offset: 0 });
  root.add(dev);
  try {
    await r.drive(root.start());
    const sp = dev.child('ScratchPad') as unknown as { set(v: bigint): Promise<void>; get(): Promise<bigint> };
    await r.drive(Promise.resolve(sp.set(0x12345678n)));
    expect(await r.drive(Promise.resolve(sp.get()))).toBe(0x12345678n);
    expect(Buffer.from(r.emu.memory.peek(4, 4)).readUInt32LE(0)).toBe(0x12345678);
  } finally {
    await root.stop();
    await r.close();
  }
});
