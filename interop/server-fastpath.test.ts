/**
 * The server over a real Root whose RemoteVariables are answered synchronously
 * (EmulatedMemory without delay) next to ones on slow memory
 * (docs/decisions/0005): each peer's replies stay in request order when sync
 * and async requests mix, a slow request of one client stalls no other, a
 * burst of sets is published in full, and one set reaches every subscriber
 * exactly once. Driven by pyzmq clients (/usr/bin/python3), against the
 * server with its fast paths (src/server/fast) and with the plain stack alone
 * (`fastPaths: false`).
 */
import { Device, EmulatedMemory, LocalVariable, RemoteVariable, Root, UInt } from '../src/tree';
import { python, startServer, type RunningServer } from '../test/support/server';

jest.setTimeout(120000);

class Regs extends Device {
  constructor(name: string, memBase: EmulatedMemory) {
    super({ name, memBase, offset: 0 });
    this.add(new RemoteVariable({ name: 'R', offset: 0x0, bitSize: 32, base: UInt, mode: 'RW' }));
  }
}

describe.each([true, false])('synchronous memory requests among asynchronous ones, fastPaths %s', (fastPaths) => {
  let root: Root;
  let h: RunningServer;
  const fast = new EmulatedMemory();
  const slow = new EmulatedMemory({ delayMs: 400 });
  beforeAll(async () => {
    root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
    root.add(new Regs('Fast', fast));
    root.add(new Regs('Slow', slow));
    root.add(new LocalVariable({ name: 'Cnt', value: 0n, mode: 'RW' }));
    fast.poke(0, new Uint8Array([11, 0, 0, 0]));
    slow.poke(0, new Uint8Array([22, 0, 0, 0]));
    h = await startServer({ root, fastPaths });
    root.addInterface(h.server);
    await root.start();
  });
  afterAll(async () => {
    await root.stop();
    await h.stop();
  });

  test('one peer: replies in request order; other peers are not stalled meanwhile', async () => {
    const out = await python(
      `
def req(path, attr, args=()):
    return pickle.dumps({'path': path, 'attr': attr, 'args': args, 'kwargs': {}})
d = ctx.socket(zmq.DEALER); d.setsockopt(zmq.LINGER, 0); d.setsockopt(zmq.RCVTIMEO, 10000)
d.connect(f'tcp://127.0.0.1:{PORT + 1}')
# slow (async) first, then sync ones behind it, then slow again, then sync
seq = [('Root.Slow.R', 'get'), ('Root.Fast.R', 'get'), ('Root.Cnt', 'value'), ('Root.Fast.R', 'set', (5,)),
       ('Root.Fast.R', 'get'), ('Root.Slow.R', 'get'), ('Root.Fast.R', 'get')]
for s in seq:
    d.send_multipart([b'', req(*s)])
b = req_socket(PORT + 1)
other = [ask(b, {'path': 'Root.Fast.R', 'attr': 'get', 'args': (), 'kwargs': {}}) for i in range(20)]
d_ready_after_b = bool(d.poll(0))
replies = [pickle.loads(d.recv_multipart()[1]) for s in seq]
print(json.dumps({'replies': replies, 'other': other, 'd_ready_after_b': d_ready_after_b}))
`,
      { PORT: h.port },
    );
    expect(out.replies).toEqual([22, 11, 0, null, 5, 22, 5]);
    // the other client was answered while this peer's slow read was still running, before its set
    expect(out.other).toEqual(Array.from({ length: 20 }, () => ({ int: '11' }))); // (ask() canonicalises ints)
    expect(out.d_ready_after_b).toBe(false);
  });

  test('a burst of sets from 4 pipelining peers: every set answered and published once, in order, to each of 3 subscribers', async () => {
    const out = await python(
      `
subs = []
for i in range(3):
    s = ctx.socket(zmq.SUB); s.setsockopt(zmq.LINGER, 0); s.setsockopt(zmq.RCVTIMEO, 3000)
    s.setsockopt(zmq.SUBSCRIBE, b''); s.connect(f'tcp://127.0.0.1:{PORT}')
    subs.append(s)
time.sleep(0.5)
peers = []
for p in range(4):
    d = ctx.socket(zmq.DEALER); d.setsockopt(zmq.LINGER, 0); d.setsockopt(zmq.RCVTIMEO, 10000)
    d.connect(f'tcp://127.0.0.1:{PORT + 1}')
    peers.append(d)
N = 100
for i in range(N):
    for p, d in enumerate(peers):
        d.send_multipart([b'', pickle.dumps({'path': 'Root.Cnt', 'attr': 'set', 'args': (p * 1000 + i,), 'kwargs': {}})])
answered = sum(1 for d in peers for i in range(N) if pickle.loads(d.recv_multipart()[1]) is None)
class VV:
    def __setstate__(self, st): self.__dict__.update(st)
class U(pickle.Unpickler):
    def find_class(self, m, n):
        if n == 'VariableValue': return VV
        return super().find_class(m, n)
import io
counts = []
in_order = []
for s in subs:
    n = 0
    seen = []
    try:
        while True:
            d = U(io.BytesIO(s.recv())).load()
            if 'Root.Cnt' in d:
                assert list(d.keys()) == ['Root.Cnt']
                n += 1
                seen.append(d['Root.Cnt'].value)
    except zmq.Again:
        pass
    counts.append(n)
    # each peer's sets are published in the order it sent them
    in_order.append(all([v for v in seen if v // 1000 == p] == [p * 1000 + i for i in range(N)] for p in range(4)))
print(json.dumps({'answered': answered, 'counts': counts, 'in_order': in_order}))
`,
      { PORT: h.port },
    );
    expect(out.answered).toBe(400);
    expect(out.counts).toEqual([400, 400, 400]);
    expect(out.in_order).toEqual([true, true, true]);
  });
});
