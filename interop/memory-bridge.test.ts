/**
 * The memory TCP bridge, ours against ours: MemoryTcpClient → MemoryTcpServer → EmulatedMemory.
 */
import { MemoryTcpClient } from '../src/bridge/client';
import { MemoryTcpServer } from '../src/bridge/server';
import { EmulatedMemory } from '../src/tree/memory';
import { freeBasePort } from '../test/support/matrixKit';

jest.setTimeout(30000);

interface Rig {
  mem: EmulatedMemory;
  server: MemoryTcpServer;
  client: MemoryTcpClient;
  port: number;
  warnings: string[];
}

async function rig(opts: { timeout?: number } = {}): Promise<Rig> {
  const mem = new EmulatedMemory({ maxAccess: 0x10000 });
  const warnings: string[] = [];
  for (;;) {
    const port = await freeBasePort();
    const server = new MemoryTcpServer({ memory: mem, port, logger: { warn: (m) => warnings.push(m) } });
    try {
      await server.start();
    } catch {
      continue;
    }
    const client = new MemoryTcpClient({ addr: '127.0.0.1', port, waitReady: true, timeout: opts.timeout ?? 2, logger: { warn: (m) => warnings.push(m) } });
    await client.start();
    return { mem, server, client, port, warnings };
  }
}

async function done(r: Rig): Promise<void> {
  await r.client.close();
  await r.server.stop();
}

test('read, write, post, verify round trips', async () => {
  const r = await rig();
  try {
    await r.client.write(0x10, Uint8Array.from([1, 2, 3, 4]));
    expect([...r.mem.peek(0x10, 4)]).toEqual([1, 2, 3, 4]);
    expect([...(await r.client.read(0x10, 4))]).toEqual([1, 2, 3, 4]);
    expect([...(await r.client.verify(0x10, 4))]).toEqual([1, 2, 3, 4]);
    await r.client.post(0x20, Uint8Array.from([9, 9, 9, 9]));
    // A Post completes on send; the write itself lands shortly after.
    for (let i = 0; i < 100 && r.mem.peek(0x20, 1)[0] !== 9; i++) await new Promise((res) => setTimeout(res, 10));
    expect([...r.mem.peek(0x20, 4)]).toEqual([9, 9, 9, 9]);
    expect(r.server.stats.probes).toBeGreaterThanOrEqual(1);
    expect(r.warnings).toEqual([]);
  } finally {
    await done(r);
  }
});

test('1,000 concurrent transactions, matched by id', async () => {
  const r = await rig({ timeout: 10 });
  try {
    for (let i = 0; i < 1000; i++) r.mem.poke(i * 4, Uint8Array.from([i & 0xff, i >> 8, 0xa5, 0x5a]));
    // Random delays, so responses come back out of order.
    const read = r.mem.read.bind(r.mem);
    const order: number[] = [];
    r.mem.read = async (a, n) => {
      await new Promise((res) => setTimeout(res, Math.random() * 20));
      order.push(a);
      return read(a, n);
    };
    const reads = Array.from({ length: 1000 }, (_, i) => r.client.read(i * 4, 4));
    expect(r.client.inFlight).toBeGreaterThan(0);
    const got = await Promise.all(reads);
    got.forEach((d, i) => expect([...d]).toEqual([i & 0xff, i >> 8, 0xa5, 0x5a]));
    expect(r.client.inFlight).toBe(0);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    expect(r.warnings).toEqual([]);
  } finally {
    await done(r);
  }
});

test('a tree sends Write, Verify, Read and Post as their own types over the bridge', async () => {
  const mem = new EmulatedMemory();
  const types: number[] = [];
  const recording = {
    minAccess: 4,
    maxAccess: 0x1000,
    read: (a: number, n: number) => mem.read(a, n),
    write: (a: number, d: Uint8Array) => mem.write(a, d),
    transact: async (type: number, a: number, n: number, d?: Uint8Array) => {
      types.push(type);
      return d ? mem.write(a, d) : mem.read(a, n);
    },
  };
  const port = await freeBasePort();
  const server = new MemoryTcpServer({ memory: recording, port, logger: null });
  await server.start();
  const client = new MemoryTcpClient({ addr: '127.0.0.1', port, waitReady: true, logger: null });
  await client.start();
  const { axiTree } = await import('../test/support/memBridge');
  const { root, dev } = await axiTree(client);
  try {
    types.length = 0;
    const sp = dev.child('ScratchPad') as any;
    await sp.set(0x1234n);
    expect(types).toEqual([2, 4]);
    types.length = 0;
    expect(await sp.get()).toBe(0x1234n);
    expect(types).toEqual([1]);
    types.length = 0;
    await sp.post(0x55n);
    for (let i = 0; i < 100 && types.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(types).toEqual([3]);
    expect([...mem.peek(4, 4)]).toEqual([0x55, 0, 0, 0]);
  } finally {
    await root.stop();
    await client.close();
    await server.stop();
  }
});

test('several clients at once, and Node as a bridge hop (a server in front of a client)', async () => {
  const r = await rig({ timeout: 10 });
  // hop: client2 → server2 → MemoryTcpClient → server → EmulatedMemory
  const hopClient = new MemoryTcpClient({ addr: '127.0.0.1', port: r.port, waitReady: true, timeout: 10, logger: null });
  await hopClient.start();
  const port2 = await freeBasePort();
  const server2 = new MemoryTcpServer({ memory: hopClient, port: port2, logger: null });
  await server2.start();
  const viaHop = new MemoryTcpClient({ addr: '127.0.0.1', port: port2, waitReady: true, timeout: 10, logger: null });
  const second = new MemoryTcpClient({ addr: '127.0.0.1', port: r.port, waitReady: true, timeout: 10, logger: null });
  await Promise.all([viaHop.start(), second.start()]);
  try {
    const job = (c: MemoryTcpClient, base: number) =>
      Promise.all(
        Array.from({ length: 300 }, async (_, i) => {
          const a = base + 4 * i;
          await c.write(a, Uint8Array.from([i & 0xff, base >> 12, 7, 9]));
          return [...(await c.read(a, 4))];
        }),
      );
    const [a, b, c] = await Promise.all([job(r.client, 0x1000), job(second, 0x2000), job(viaHop, 0x3000)]);
    a.forEach((d, i) => expect(d).toEqual([i & 0xff, 1, 7, 9]));
    b.forEach((d, i) => expect(d).toEqual([i & 0xff, 2, 7, 9]));
    c.forEach((d, i) => expect(d).toEqual([i & 0xff, 3, 7, 9]));
    expect([...r.mem.peek(0x3000, 4)]).toEqual([0, 3, 7, 9]);
  } finally {
    await viaHop.close();
    await second.close();
    await server2.stop();
    await hopClient.close();
    await done(r);
  }
});
