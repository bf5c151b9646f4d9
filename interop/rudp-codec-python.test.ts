/**
 * Each layer's encoding against the clean-room Python peer (python-fixtures/rudp_peer.py
 * codec, written from the spec): random RSSI headers (SYN and not), random frames through
 * packetizer v1 and v2 at random segment sizes, random SRPv3 requests — byte for byte.
 */
import * as path from 'path';
import execa from 'execa';
import fc from 'fast-check';
import { writeHeader } from '../src/protocols/rssi/header';
import { Packetizer, TRANSPORT_HEADROOM } from '../src/protocols/packetizer/packetizer';
import { SrpV3 } from '../src/protocols/srp/srp';
import { Frame } from '../src/stream/frame';
import { FIXTURES, PYTHON } from '../test/support/matrixKit';

jest.setTimeout(120000);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function python(requests: unknown[]): unknown[] {
  const r = execa.sync(PYTHON, [path.join(FIXTURES, 'rudp_peer.py'), 'codec'], {
    input: requests.map((q) => JSON.stringify(q)).join('\n') + '\n',
    maxBuffer: 1 << 28,
  });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as unknown);
}

const seeds = { seed: 29, numRuns: 300 };

test('RSSI headers (random flags, sequence, ack, SYN parameters)', () => {
  const cases = fc.sample(
    fc.record({
      syn: fc.boolean(),
      flags: fc.constantFrom(0x40, 0x48, 0x10, 0x41, 0x49, 0x00),
      seq: fc.integer({ min: 0, max: 255 }),
      ack: fc.integer({ min: 0, max: 255 }),
      params: fc.record({
        maxBuffers: fc.integer({ min: 1, max: 255 }),
        maxSegment: fc.integer({ min: 32, max: 0xffff }),
        retranTout: fc.integer({ min: 1, max: 0xffff }),
        cumAckTout: fc.integer({ min: 1, max: 0xffff }),
        nullTout: fc.integer({ min: 1, max: 0xffff }),
        maxRetran: fc.integer({ min: 1, max: 255 }),
        maxCumAck: fc.integer({ min: 1, max: 255 }),
      }),
    }),
    seeds,
  );
  const ours = cases.map((c) => {
    const b = new Uint8Array(c.syn ? 24 : 8);
    writeHeader(b, { flags: c.syn ? 0x80 | (c.flags & 0x40) : c.flags, sequence: c.seq, acknowledge: c.ack, params: c.syn ? c.params : undefined });
    return hex(b);
  });
  const theirs = python(
    cases.map((c) => ({ rssi: { flags: c.syn ? 0x80 | (c.flags & 0x40) : c.flags, seq: c.seq, ack: c.ack, params: c.syn ? c.params : null } })),
  );
  expect(ours).toEqual(theirs);
});

test.each([1, 2] as const)('packetizer v%d segments (random frames, tdest, user fields, segment sizes)', (v) => {
  const cases = fc.sample(
    fc.record({
      data: fc.uint8Array({ minLength: 1, maxLength: 3000 }),
      dest: fc.integer({ min: 0, max: 255 }),
      fuser: fc.integer({ min: 0, max: 255 }),
      luser: fc.integer({ min: 0, max: 255 }),
      maxPayload: fc.integer({ min: 40, max: 1456 }),
    }),
    { seed: 29 + v, numRuns: 200 },
  );
  const ours = cases.map((c) => {
    const segs: string[] = [];
    const p = new Packetizer(
      { version: v },
      { transmit: (b) => segs.push(hex(b.subarray(TRANSPORT_HEADROOM))), room: () => 1e6, maxPayload: () => c.maxPayload },
    );
    p.sendFrame(c.dest, new Frame(c.data, { flags: c.fuser | (c.luser << 8) }));
    return segs;
  });
  const theirs = python(cases.map((c) => ({ pack: { v, maxPayload: c.maxPayload, dest: c.dest, data: hex(c.data), fuser: c.fuser, luser: c.luser } })));
  expect(ours).toEqual(theirs);
});

test('SRPv3 requests (random types, 64-bit addresses, sizes, data)', async () => {
  const cases = fc.sample(
    fc.record({
      op: fc.constantFrom('read', 'write', 'post', 'verify'),
      addr: fc.integer({ min: 0, max: 2 ** 40 }).map((a) => a * 4),
      words: fc.integer({ min: 1, max: 1024 }),
    }),
    seeds,
  );
  const types = { read: 1, write: 2, post: 3, verify: 4 } as const;
  const srp = new SrpV3({ timeout: 0.001 });
  const sent: Uint8Array[] = [];
  srp.addSlave({ acceptFrame: (f: Frame) => void sent.push(f.payload) });
  const requests = cases.map((c) => {
    const data = c.op === 'write' || c.op === 'post' ? Uint8Array.from({ length: c.words * 4 }, (_, i) => (i * 7 + c.words) & 0xff) : undefined;
    srp.transact(types[c.op], c.addr, c.words * 4, data).catch(() => undefined);
    const req = sent[sent.length - 1];
    return { srp: { op: c.op, id: Buffer.from(req).readUInt32LE(4), addr: c.addr, arg: data ? hex(data) : c.words * 4 } };
  });
  expect(sent.map(hex)).toEqual(python(requests));
  await new Promise((r) => setTimeout(r, 20)); // let the timeouts run
});
