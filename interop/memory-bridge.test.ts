/**
 * The memory TCP bridge, ours against ours: MemoryTcpClient → MemoryTcpServer → EmulatedMemory.
 */
import { MemoryTcpClient } from '../src/bridge/client';
import { MemoryTcpServer } from '../src/bridge/server';
import { EmulatedMemory } from '../src/tree/memory';
import { freeBasePort } from './support/matrixKit';

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
