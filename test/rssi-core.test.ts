/**
 * The sans-I/O RSSI controller (src/protocols/rssi): header checksums and the handshake,
 * keep-alive, data, acknowledgement, retransmission, reset and busy rules, against the
 * bytes captured from rogue v6.15.0 in ../shared/spec/RUDP-SRP-STREAMS.md §3, in fake time.
 */
import fc from 'fast-check';
import { checksum, decodeHeader, writeHeader, FLAG_SYN } from '../src/protocols/rssi/header';
import { RssiController, RssiState } from '../src/protocols/rssi/controller';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .trim()
      .split(/\s+/)
      .map((x) => parseInt(x, 16)),
  );
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)/g, '$1 ').trim();

/** Every datagram of the spec's captured handshake and keep-alive trace (§3.13). */
const TRACE = [
  '80 18 64 00 1c 20 05 b8 00 14 00 05 03 e8 0f 02 00 03 78 00 00 00 6f 08',
  'c0 18 64 00 1c 20 05 b8 00 14 00 05 03 e8 0f 02 00 03 78 00 00 00 2f 08',
  '40 08 65 64 00 00 5a 93',
  '48 08 65 00 00 00 52 f7',
  '40 08 65 65 00 00 5a 92',
  '48 08 66 00 00 00 51 f7',
  '40 08 65 66 00 00 5a 91',
  '48 08 65 66 00 00 52 91',
  '48 08 67 00 00 00 50 f7',
  '40 08 68 65 00 00 57 92',
  '40 08 66 67 00 00 59 90',
  '10 08 66 67 00 00 89 90',
  '10 08 68 65 00 00 87 92',
  '41 08 65 00 00 00 59 f7',
];

describe('header', () => {
  test('checksums of the captured segments (single fold, over the header only)', () => {
    for (const line of TRACE) {
      const b = hex(line);
      const n = b[1];
      expect([line, (b[n - 2] << 8) | b[n - 1]]).toEqual([line, checksum(b, n)]);
      expect(decodeHeader(b)).not.toBeNull();
    }
    // the spec's worked example
    expect(checksum(hex('80 18 64 00 1c 20 05 b8 00 14 00 05 03 e8 0f 02 00 03 78 00 00 00 00 00'), 24)).toBe(0x6f08);
  });

  test('writeHeader reproduces the captured SYN', () => {
    const b = new Uint8Array(24);
    writeHeader(b, {
      flags: FLAG_SYN,
      sequence: 100,
      acknowledge: 0,
      params: { maxBuffers: 32, maxSegment: 1464, retranTout: 20, cumAckTout: 5, nullTout: 1000, maxRetran: 15, maxCumAck: 2 },
    });
    expect(toHex(b)).toBe(TRACE[0]);
  });

  test('a SYN header decodes its parameters; the data payload is not covered by the checksum', () => {
    const h = decodeHeader(hex(TRACE[0]))!;
    expect(h.params).toMatchObject({
      version: 1,
      chk: true,
      maxBuffers: 32,
      maxSegment: 1464,
      retranTout: 20,
      cumAckTout: 5,
      nullTout: 1000,
      maxRetran: 15,
      maxCumAck: 2,
      timeoutUnit: 3,
      connectionId: 0x78,
    });
    const data = Uint8Array.from([...hex('40 08 68 64 00 00 57 93'), 1, 2, 3]);
    expect(decodeHeader(data)).toMatchObject({ ack: true, sequence: 0x68, acknowledge: 0x64, length: 8 });
  });

  test('rejects short segments, a wrong length byte, a bad checksum', () => {
    expect(decodeHeader(hex('40 08 65 64 00 00 5a'))).toBeNull();
    expect(decodeHeader(hex('40 09 65 64 00 00 5a 93'))).toBeNull();
    expect(decodeHeader(hex('40 08 65 64 00 00 5a 94'))).toBeNull();
    expect(decodeHeader(hex('80 08 65 64 00 00 5a 93'))).toBeNull(); // SYN needs 24
  });

  test('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        decodeHeader(b);
      }),
    );
  });
});

/** A client and a server wired back to back through a list of datagrams, in fake time. */
class Pair {
  t = 0;
  readonly wire: { dir: 'C>S' | 'S>C'; bytes: Uint8Array; at: number }[] = [];
  readonly got: { client: Uint8Array[]; server: Uint8Array[] } = { client: [], server: [] };
  /** Datagrams to lose (by index on the wire). */
  readonly lose = new Set<number>();
  deliverC: (p: Uint8Array) => void | Promise<void> = (p) => void this.got.client.push(p);
  deliverS: (p: Uint8Array) => void | Promise<void> = (p) => void this.got.server.push(p);
  readonly client: RssiController;
  readonly server: RssiController;
  private queue: { to: RssiController; bytes: Uint8Array; idx: number }[] = [];

  constructor(segSize = 1464) {
    const now = () => this.t;
    this.client = new RssiController({ server: false, segSize, now }, { transmit: (b) => this.tx('C>S', b), deliver: (p) => this.deliverC(p) });
    this.server = new RssiController({ server: true, segSize, now }, { transmit: (b) => this.tx('S>C', b), deliver: (p) => this.deliverS(p) });
  }

  private tx(dir: 'C>S' | 'S>C', b: Uint8Array): void {
    const idx = this.wire.length;
    this.wire.push({ dir, bytes: b.slice(), at: this.t });
    this.queue.push({ to: dir === 'C>S' ? this.server : this.client, bytes: b.slice(), idx });
  }

  /** Delivers queued datagrams (and what they cause) until none is left. */
  flush(): void {
    while (this.queue.length > 0) {
      const d = this.queue.shift()!;
      if (!this.lose.has(d.idx)) d.to.receive(d.bytes);
      this.client.poll();
      this.server.poll();
    }
  }

  /** Advances time in 1 ms steps, polling both ends and delivering. */
  run(ms: number): void {
    for (let i = 0; i < ms; i++) {
      this.t += 1;
      this.client.poll();
      this.server.poll();
      this.flush();
    }
  }

  start(): void {
    this.server.start();
    this.client.start();
    this.server.poll();
    this.client.poll();
    this.flush();
  }

  payload(n: number, fill = 0xab): Uint8Array {
    const b = new Uint8Array(8 + n).fill(fill);
    return b;
  }

  lines(from = 0): string[] {
    return this.wire.slice(from).map((w) => `${w.dir} ${toHex(w.bytes.subarray(0, w.bytes[1]))}`);
  }
}

describe('handshake and keep-alive (the captured trace)', () => {
  test('SYN, SYN-ACK, ACK byte for byte; both open', () => {
    const p = new Pair();
    p.start();
    expect(p.lines()).toEqual([`C>S ${TRACE[0]}`, `S>C ${TRACE[1]}`, `C>S ${TRACE[2]}`]);
    expect(p.client.open && p.server.open).toBe(true);
    expect(p.client.curMaxSegment).toBe(1464);
  });

  test('NUL after nullTout/3 of silence, acknowledged; same sequence numbers as rogue', () => {
    const p = new Pair();
    p.start();
    const n = p.wire.length;
    p.run(340);
    // both sides went quiet at t=0: each sends its NUL at 333 ms; each NUL is acked
    const l = p.lines(n);
    expect(l).toContain(`S>C ${TRACE[3]}`); // server NUL seq101 ack0
    expect(l.some((x) => x.startsWith('C>S 48 08 65 64'))).toBe(true); // client NUL seq101 ack100
    expect(p.wire[n].at).toBe(333);
    expect(p.client.open && p.server.open).toBe(true);
    expect(p.client.unacked + p.server.unacked).toBe(0);
  });

  test('a stop sends RST and counts a down event; the peer resets too and the client reconnects', () => {
    const p = new Pair();
    p.start();
    p.server.stop();
    p.flush();
    expect(p.server.downCount).toBe(1);
    expect(p.client.downCount).toBe(1); // RST while open → Error → its own RST
    expect(p.client.open).toBe(false);
    p.server.start();
    p.run(250);
    expect(p.client.open && p.server.open).toBe(true);
  });

  test('a client restarted without RST: the server resets on the new SYN, the next SYN opens', () => {
    const p = new Pair();
    p.start();
    // a fresh client on the same "address"
    const fresh = new RssiController(
      { server: false, segSize: 1464, now: () => p.t },
      { transmit: (b) => p.server.receive(b.slice()), deliver: () => undefined },
    );
    const toFresh: Uint8Array[] = [];
    (p.server as unknown as { h: { transmit: (b: Uint8Array) => void } }).h.transmit = (b) => toFresh.push(b.slice());
    fresh.start();
    fresh.poll(); // SYN
    expect(p.server.downCount).toBe(1);
    expect(toFresh.map((b) => b[0])).toEqual([0x10]); // RST
    for (const b of toFresh.splice(0)) fresh.receive(b);
    for (let t = 0; t < 150; t++) {
      p.t++;
      fresh.poll();
      p.server.poll();
      for (const b of toFresh.splice(0)) fresh.receive(b);
    }
    expect(fresh.open && p.server.open).toBe(true);
  });

  test('a client retries its SYN every tryPeriod with a new sequence number while nobody answers', () => {
    const p = new Pair();
    p.client.start();
    for (let t = 0; t <= 300; t++) {
      p.t = t;
      p.client.poll();
    }
    expect(p.wire.map((w) => [w.at, w.bytes[0], w.bytes[2]])).toEqual([
      [0, 0x80, 100],
      [100, 0x80, 101],
      [200, 0x80, 102],
      [300, 0x80, 103],
    ]);
  });
});

describe('data', () => {
  test('in-order delivery, piggybacked and cumulative acks', () => {
    const p = new Pair();
    p.start();
    for (let i = 0; i < 5; i++) expect(p.client.send(p.payload(100, i))).toBe(true);
    p.flush();
    expect(p.got.server.map((b) => [b.length, b[0]])).toEqual([0, 1, 2, 3, 4].map((i) => [100, i]));
    p.run(10);
    expect(p.client.unacked).toBe(0);
    expect(p.client.retranCount).toBe(0);
  });

  test('a lost segment: go-back-N after retranTout, duplicates counted as drops, order kept', () => {
    const p = new Pair();
    p.start();
    const first = p.wire.length;
    p.lose.add(first); // the first data segment
    for (let i = 0; i < 3; i++) p.client.send(p.payload(50, i));
    p.flush();
    expect(p.got.server).toEqual([]);
    expect(p.server.oooQueued).toBe(2);
    p.run(25);
    expect(p.got.server.map((b) => b[0])).toEqual([0, 1, 2]);
    expect(p.client.retranCount).toBe(3); // all three resent
    expect(p.server.dropCount).toBe(2); // the two already held
    expect(p.client.unacked).toBe(0);
  });

  test('out-of-window and stale segments are dropped and counted', () => {
    const p = new Pair();
    p.start();
    p.client.send(p.payload(10));
    p.flush();
    const stale = p.wire.find((w) => w.dir === 'C>S' && w.bytes[0] === 0x40 && w.bytes.length > 8)!.bytes;
    const before = p.server.dropCount;
    p.server.receive(stale);
    expect(p.server.dropCount).toBe(before + 1);
    expect(p.got.server.length).toBe(1);
  });

  test('the link resets after maxRetran transmissions of one segment', () => {
    const p = new Pair();
    p.start();
    const cut = p.wire.length;
    for (let i = cut; i < cut + 1000; i++) p.lose.add(i); // everything from now on
    p.client.send(p.payload(10));
    // retransmissions after 20, 40, 80, 160 ms, then every 200 ms (the backoff's cap, 10 × retranTout)
    const sent = () => p.wire.filter((w) => w.dir === 'C>S' && w.bytes.length > 8 && w.bytes[0] === 0x40).map((w) => w.at);
    p.run(2700);
    expect(p.client.downCount).toBe(1);
    expect(p.client.retranCount).toBe(14); // 15 transmissions
    expect(p.client.open).toBe(false);
    const t = sent();
    expect(t.slice(1, 6).map((x, i) => x - t[i])).toEqual([20, 40, 80, 160, 200]);
  });

  test('the window: at most curMaxBuffers unacknowledged, the rest waits, bounded', () => {
    const p = new Pair();
    p.start();
    p.lose.add(p.wire.length); // hold acks back by losing the first data segment
    for (let i = 0; i < 40; i++) expect(p.client.send(p.payload(8, i))).toBe(true);
    expect(p.client.unacked).toBe(32);
    expect(p.client.txQueued).toBe(8);
    p.run(30);
    expect(p.got.server.map((b) => b[0])).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(p.client.txQueued).toBe(0);
    // refusal once maxTxQueue payloads wait
    const q = new Pair();
    q.start();
    for (let i = 0; i < 32 + q.client.maxTxQueue; i++) q.client.send(q.payload(8));
    expect(q.client.send(q.payload(8))).toBe(false);
  });

  test('not open: send is refused (rogue discards); oversized payloads throw', () => {
    const p = new Pair();
    expect(p.client.send(p.payload(8))).toBe(false);
    p.start();
    expect(() => p.client.send(p.payload(1457))).toThrow(/exceeds 1456/);
    expect(p.client.send(p.payload(1456))).toBe(true);
  });

  test('a slow application: BUSY set while two segments wait, the peer stops retransmitting, all delivered', async () => {
    const p = new Pair();
    p.start();
    let release: (() => void) | null = null;
    p.deliverS = (b) => {
      p.got.server.push(b);
      return new Promise<void>((r) => (release = r));
    };
    for (let i = 0; i < 4; i++) p.client.send(p.payload(8, i));
    p.flush();
    expect(p.got.server.length).toBe(1);
    expect(p.server.appQueued).toBe(3);
    p.run(6); // cumAckTout: the server sends a BUSY ack
    expect(p.server.locBusyCnt).toBe(1);
    expect(p.client.remBusy).toBe(true);
    expect(p.client.remBusyCnt).toBe(1);
    const retr = p.client.retranCount;
    p.run(100);
    expect(p.client.retranCount).toBe(retr); // suspended while the peer is busy
    for (let i = 0; i < 4; i++) {
      p.deliverS = i < 3 ? p.deliverS : (b) => void p.got.server.push(b);
      const r = release as (() => void) | null;
      release = null;
      r?.();
      await new Promise((res) => setImmediate(res));
      p.run(2);
    }
    p.run(20);
    expect(p.got.server.map((b) => b[0])).toEqual([0, 1, 2, 3]);
    expect(p.client.remBusy).toBe(false);
    expect(p.client.unacked).toBe(0);
  });

  test('sequence numbers wrap at 256', () => {
    const p = new Pair();
    p.start();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 20; i++) p.client.send(p.payload(4, (round * 20 + i) & 0xff));
      p.flush();
      p.run(6);
    }
    expect(p.got.server.length).toBe(400);
    expect(p.got.server.every((b, i) => b[0] === (i & 0xff))).toBe(true);
    expect(p.client.dropCount + p.server.dropCount + p.client.retranCount).toBe(0);
  });
});

describe('hostile input', () => {
  test('random datagrams never throw and never open a client; garbage is counted', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 50 }), (dgrams) => {
        const p = new Pair();
        p.start();
        for (const d of dgrams) {
          p.client.receive(d);
          p.server.receive(d);
        }
        p.run(3);
        expect(p.client.oooQueued).toBeLessThanOrEqual(32);
      }),
      { numRuns: 200 },
    );
  });

  test('a SYN with zero parameters is dropped', () => {
    const srv = new RssiController({ server: true, segSize: 1464, now: () => 0 }, { transmit: () => undefined, deliver: () => undefined });
    srv.start();
    srv.poll();
    const b = new Uint8Array(24);
    writeHeader(b, {
      flags: FLAG_SYN,
      sequence: 5,
      acknowledge: 0,
      params: { maxBuffers: 0, maxSegment: 1464, retranTout: 20, cumAckTout: 5, nullTout: 1000, maxRetran: 15, maxCumAck: 2 },
    });
    srv.receive(b);
    expect(srv.state).toBe(RssiState.WaitSyn);
    expect(srv.dropCount).toBe(1);
  });

  test('the application queue is bounded: segments beyond maxAppQueue are dropped, not kept', () => {
    const p = new Pair();
    p.deliverS = () => new Promise<void>(() => undefined); // never completes
    p.start();
    for (let i = 0; i < 300; i++) p.client.send(p.payload(4));
    p.run(50);
    expect(p.server.appQueued).toBeLessThanOrEqual(p.server.maxAppQueue);
    expect(p.client.unacked).toBeLessThanOrEqual(32);
  });
});
