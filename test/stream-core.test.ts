/**
 * src/stream's core: Frame fields as rogue packs them, a master's delivery order
 * (last connected slave first), ordered delivery behind a slow slave, and the bound
 * on frames waiting for it.
 */
import { Frame, StreamMaster, StreamOverflowError, connectPair, connectStream, type StreamSlave } from '../src/stream';

test('flags hold the first user byte in bits 7..0 and the last in 15..8; fields are range-checked', () => {
  const f = new Frame(new Uint8Array([1, 2, 3]), { flags: 0x1234, error: 0x56, channel: 0x9a });
  expect([f.size, f.firstUser, f.lastUser, f.error, f.channel]).toEqual([3, 0x34, 0x12, 0x56, 0x9a]);
  f.firstUser = 0x02;
  f.lastUser = 0x01;
  expect(f.flags).toBe(0x0102);
  expect(() => (f.channel = 256)).toThrow(RangeError);
  expect(() => new Frame(new Uint8Array(0), { flags: -1 })).toThrow(RangeError);
  const c = f.copy();
  c.payload[0] = 9;
  expect(f.payload[0]).toBe(1);
  expect(c.flags).toBe(f.flags);
});

test('headroom: bytes in front of the payload a slave may write a header into; not part of the payload, not copied', () => {
  const bytes = Uint8Array.from([9, 9, 9, 1, 2, 3]);
  const f = Frame.withHeadroom(bytes, 3, { channel: 4 });
  expect([Array.from(f.payload), f.size, f.headroom, f.channel]).toEqual([[1, 2, 3], 3, 3, 4]);
  expect(f.withHeader(3)).toBe(bytes);
  expect(Array.from(f.withHeader(2) ?? [])).toEqual([9, 9, 1, 2, 3]);
  expect([f.withHeader(4), f.withHeader(-1), f.copy().headroom, f.copy().withHeader(0)]).toEqual([null, null, 0, null]);
  expect(() => Frame.withHeadroom(bytes, 7)).toThrow(RangeError);
  expect(() => Frame.withHeadroom(bytes, 1.5)).toThrow(RangeError);
  f.flags = 0x201;
  f.clearHeader();
  expect([f.flags, f.error, f.channel]).toEqual([0, 0, 0]);
});

test('copy() copies a Buffer payload too (a Buffer slice is a view)', () => {
  const f = new Frame(Buffer.from([1, 2, 3]));
  const c = f.copy();
  f.payload[0] = 7;
  expect(Array.from(c.payload)).toEqual([1, 2, 3]);
});

test('a master sends to its slaves last connected first (rogue: the primary slave last)', () => {
  const m = new StreamMaster();
  const seen: string[] = [];
  connectStream(m, { acceptFrame: () => void seen.push('first') });
  connectStream(m, { acceptFrame: () => void seen.push('second') });
  expect(m.sendFrame(Frame.fromText('x'))).toBeUndefined();
  expect(seen).toEqual(['second', 'first']);
});

test('behind a slow slave, frames arrive in order and at most maxPending wait', async () => {
  const m = new StreamMaster({ maxPending: 3 });
  const got: string[] = [];
  const release: (() => void)[] = [];
  const slow: StreamSlave = {
    acceptFrame: (f) =>
      new Promise<void>((r) => {
        got.push(new TextDecoder().decode(f.payload));
        release.push(r);
      }),
  };
  connectStream(m, slow);
  const sends = ['a', 'b', 'c', 'd'].map((t) => m.sendFrame(Frame.fromText(t)));
  expect(m.pending).toBe(3);
  expect(() => m.sendFrame(Frame.fromText('e'))).toThrow(StreamOverflowError);
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setImmediate(r));
    release.shift()?.();
  }
  await Promise.all(sends);
  expect(got).toEqual(['a', 'b', 'c', 'd']);
  expect(m.pending).toBe(0);
});

test('connectPair links two duplex ends both ways', () => {
  const mk = (name: string, log: string[]) => {
    const m = new StreamMaster();
    return { addSlave: (s: StreamSlave) => m.addSlave(s), acceptFrame: (f: Frame) => void log.push(`${name}:${f.size}`), send: (f: Frame) => m.sendFrame(f) };
  };
  const log: string[] = [];
  const a = mk('a', log);
  const b = mk('b', log);
  connectPair(a, b);
  void a.send(new Frame(new Uint8Array(2)));
  void b.send(new Frame(new Uint8Array(5)));
  expect(log).toEqual(['b:2', 'a:5']);
});

test('a slave that throws: rethrown to the sender unless onSlaveError takes it, and the other slaves still get the frame', () => {
  const bad: StreamSlave = {
    acceptFrame: () => {
      throw new Error('boom');
    },
  };
  const seen: number[] = [];
  const m1 = new StreamMaster();
  m1.addSlave({ acceptFrame: (f) => void seen.push(f.size) });
  m1.addSlave(bad);
  expect(() => m1.sendFrame(new Frame(new Uint8Array(1)))).toThrow('boom');
  const errors: unknown[] = [];
  const m2 = new StreamMaster({ onSlaveError: (e) => errors.push(e) });
  m2.addSlave({ acceptFrame: (f) => void seen.push(f.size) });
  m2.addSlave(bad);
  void m2.sendFrame(new Frame(new Uint8Array(4)));
  expect(seen).toEqual([4]);
  expect(errors).toHaveLength(1);
});
