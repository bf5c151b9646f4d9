/**
 * Robustness of the RUDP stack through a lossy relay, in fake time (no sockets): drop,
 * duplicate, reorder, delay, corrupt, link down and back. For each fault, a mixed load of
 * register reads (of known values), register writes and 4 KiB block reads; every transaction
 * must settle exactly once, with the right data or with pyrogue's error text; the link must
 * reconnect by itself; queues must stay bounded. Prints the fault table (fault × outcomes).
 */
import { SrpV3 } from '../src/protocols/srp/srp';
import { rudpRig, type RudpRig } from './support/rudpRig';
import type { Faults } from './support/lossyRelay';

jest.setTimeout(60000);

const TIMEOUT_TEXT = /^Timeout waiting for register transaction \d+ message response\.$/;

interface Outcome {
  fault: string;
  packVer: number;
  transactions: number;
  ok: number;
  timeout: number;
  otherError: number;
  wrongData: number;
  datagrams: number;
  lost: number;
  retransmits: number;
  rssiDrops: number;
  packDrops: number;
  linkDowns: number;
  reopened: boolean;
  maxUnacked: number;
  maxTxQueued: number;
  maxInFlightSrp: number;
  maxRelayInFlight: number;
  errors: string[];
}

const STATIC_BASE = 0x100000; // registers with known contents (poked into the emulator)
const STATIC_WORDS = 1024;
const staticWord = (i: number) => (i * 2654435761) >>> 0;

async function workload(
  r: RudpRig,
  fault: string,
  faults: Faults,
  packVer: number,
  opts: { batches?: number; downAtMs?: number; downForMs?: number } = {},
): Promise<Outcome> {
  const mem = r.emu.memory;
  const init = new Uint8Array(STATIC_WORDS * 4);
  for (let i = 0; i < STATIC_WORDS; i++) Buffer.from(init.buffer).writeUInt32LE(staticWord(i), i * 4);
  mem.poke(STATIC_BASE, init);
  const o: Outcome = {
    fault,
    packVer,
    transactions: 0,
    ok: 0,
    timeout: 0,
    otherError: 0,
    wrongData: 0,
    datagrams: 0,
    lost: 0,
    retransmits: 0,
    rssiDrops: 0,
    packDrops: 0,
    linkDowns: 0,
    reopened: false,
    maxUnacked: 0,
    maxTxQueued: 0,
    maxInFlightSrp: 0,
    maxRelayInFlight: 0,
    errors: [],
  };
  const written = new Map<number, number>(); // address → value of a write that completed
  const srp: SrpV3 = r.srp;
  const start = r.clock.now();
  r.relay.faults = opts.downAtMs === undefined ? faults : {};
  let settledTwice = 0;
  const batches = opts.batches ?? 40;
  let writeAddr = 0x200000;
  const sample = () => {
    o.maxUnacked = Math.max(o.maxUnacked, r.client.rssi.unacked);
    o.maxTxQueued = Math.max(o.maxTxQueued, r.client.rssi.txQueued);
    o.maxInFlightSrp = Math.max(o.maxInFlightSrp, srp.inFlight);
  };
  for (let b = 0; b < batches || (opts.downAtMs !== undefined && r.clock.now() - start < opts.downAtMs + (opts.downForMs ?? 0) + 1500); b++) {
    if (opts.downAtMs !== undefined) {
      const t = r.clock.now() - start;
      r.relay.faults = t >= opts.downAtMs && t < opts.downAtMs + (opts.downForMs ?? 0) ? { down: true } : {};
    }
    const ops: Promise<void>[] = [];
    for (let k = 0; k < 8; k++) {
      o.transactions++;
      let settled = 0;
      const fail = (e: Error) => {
        if (++settled > 1) settledTwice++;
        if (TIMEOUT_TEXT.test(e.message)) o.timeout++;
        else {
          o.otherError++;
          o.errors.push(e.message);
        }
      };
      const kind = k === 7 ? 'block' : k % 2 === 0 ? 'read' : 'write';
      if (kind === 'read') {
        const i = (b * 8 + k) % STATIC_WORDS;
        ops.push(
          srp.read(STATIC_BASE + i * 4, 4).then((d) => {
            if (++settled > 1) settledTwice++;
            if (Buffer.from(d).readUInt32LE(0) === staticWord(i)) o.ok++;
            else o.wrongData++;
          }, fail),
        );
      } else if (kind === 'block') {
        const i = (b * 4) % (STATIC_WORDS - 1024 + 1);
        ops.push(
          srp.read(STATIC_BASE + i * 4, 4096).then((d) => {
            if (++settled > 1) settledTwice++;
            if (Buffer.from(d).equals(Buffer.from(init.subarray(i * 4, i * 4 + 4096)))) o.ok++;
            else o.wrongData++;
          }, fail),
        );
      } else {
        const addr = writeAddr;
        writeAddr += 4;
        const v = (addr * 31 + 7) >>> 0;
        const data = new Uint8Array(4);
        Buffer.from(data.buffer).writeUInt32LE(v, 0);
        ops.push(
          srp.write(addr, data).then(() => {
            if (++settled > 1) settledTwice++;
            o.ok++;
            written.set(addr, v);
          }, fail),
        );
      }
    }
    sample();
    await r.drive(
      Promise.all(ops).then(() => undefined),
      30000,
      1,
    );
    sample();
  }
  // Let the link settle, then check what completed writes left in the emulator.
  r.relay.faults = {};
  await r.clock.until(() => r.client.isOpen, 'the link to reopen', 10000);
  o.reopened = r.client.isOpen;
  await r.drive(srp.read(STATIC_BASE, 4));
  for (const [addr, v] of written) if (Buffer.from(mem.peek(addr, 4)).readUInt32LE(0) !== v) o.wrongData++;
  expect(settledTwice).toBe(0);
  const rc = r.relay.counts;
  o.datagrams = rc.sent;
  o.lost = rc.dropped + rc.downLost;
  o.retransmits = r.client.rssi.retranCount + r.emu.link.rssi.retranCount;
  o.rssiDrops = r.client.rssi.dropCount + r.emu.link.rssi.dropCount;
  o.packDrops = r.client.pack.dropCount + r.emu.link.pack.dropCount;
  o.linkDowns = r.client.rssi.downCount;
  o.maxRelayInFlight = r.relay.maxInFlight;
  return o;
}

const FAULTS: [string, Faults][] = [
  ['none', {}],
  ['drop 5%', { drop: 0.05 }],
  ['drop 20%', { drop: 0.2 }],
  ['duplicate 20%', { dup: 0.2 }],
  ['reorder 20% (+3 ms)', { reorder: 0.2, reorderMs: 3 }],
  ['delay 0-15 ms', { delay: [0, 15] }],
  ['corrupt 5%', { corrupt: 0.05 }],
  ['all of them', { drop: 0.03, dup: 0.05, reorder: 0.05, reorderMs: 3, delay: [0, 3], corrupt: 0.02 }],
];

const table: Outcome[] = [];

afterAll(() => {
  const cols: (keyof Outcome)[] = [
    'transactions',
    'ok',
    'timeout',
    'otherError',
    'wrongData',
    'datagrams',
    'lost',
    'retransmits',
    'rssiDrops',
    'packDrops',
    'linkDowns',
    'reopened',
    'maxUnacked',
    'maxInFlightSrp',
    'maxRelayInFlight',
  ];
  const lines = [
    `| fault | pack | ${cols.join(' | ')} |`,
    `|---|---|${cols.map(() => '---').join('|')}|`,
    ...table.map((o) => `| ${o.fault} | v${o.packVer} | ${cols.map((c) => String(o[c])).join(' | ')} |`),
  ];
  console.log('RUDP lossy-relay fault table (fake time):\n' + lines.join('\n'));
});

describe.each([2, 1] as const)('packetizer v%d', (packVer) => {
  test.each(FAULTS)('%s', async (name, faults) => {
    if (packVer === 1 && name.startsWith('corrupt')) return; // v1 has no CRC: payload integrity is the UDP checksum's (see the v2 row)
    const r = await rudpRig({ packVer, seed: name.length * 7 + packVer });
    try {
      const o = await workload(r, name, packVer === 1 && name === 'all of them' ? { ...faults, corrupt: 0 } : faults, packVer);
      table.push(o);
      expect(o.wrongData).toBe(0);
      expect(o.otherError).toBe(0);
      expect(o.ok + o.timeout).toBe(o.transactions);
      expect(o.reopened).toBe(true);
      expect(o.linkDowns).toBe(0); // no fault here is a reason to reset the link
      expect(r.srp.inFlight).toBe(0);
      expect(o.maxUnacked).toBeLessThanOrEqual(32);
      expect(r.client.rssi.txQueued + r.client.rssi.appQueued + r.emu.link.rssi.appQueued).toBe(0);
      // Only a corrupted payload (dropped by the v2 CRC after RSSI delivered it) costs a transaction.
      if (!name.startsWith('corrupt') && name !== 'all of them') expect(o.timeout).toBe(0);
    } finally {
      await r.close();
    }
  });

  test.each([
    [1000, false],
    [4000, true],
  ])('link down for %d ms and back', async (downForMs, resets) => {
    const r = await rudpRig({ packVer, seed: 99 + packVer });
    try {
      const o = await workload(r, `link down ${downForMs / 1000} s, then up`, {}, packVer, { batches: 20, downAtMs: 300, downForMs });
      table.push(o);
      expect(o.wrongData).toBe(0);
      expect(o.otherError).toBe(0);
      expect(o.timeout).toBeGreaterThan(0);
      expect(o.ok + o.timeout).toBe(o.transactions);
      // A short outage is ridden out by retransmission; a long one exhausts it: reset, then reconnect.
      if (resets) expect(o.linkDowns).toBeGreaterThanOrEqual(1);
      else expect(o.linkDowns).toBe(0);
      expect(o.reopened).toBe(true);
      expect(r.srp.inFlight).toBe(0);
      // transactions after the link came back succeed
      const after = await r.drive(Promise.all(Array.from({ length: 16 }, (_, i) => r.srp.read(STATIC_BASE + i * 4, 4))));
      expect(after.map((d) => Buffer.from(d).readUInt32LE(0))).toEqual(Array.from({ length: 16 }, (_, i) => staticWord(i)));
    } finally {
      await r.close();
    }
  });
});
