/**
 * The reference tree's AxiVersion over the memory bridge passes the same golden exchanges
 * (golden/transcript.jsonl: read, write and cmd families under Root.AxiVersion, replayed at
 * the tree level) as on EmulatedMemory: through our server, and through the Python stand-in server.
 */
import { MemoryTcpClient } from '../src/bridge/client';
import { parseBridgeUrl } from '../src/bridge/wire';
import { EmulatedMemory, startOurServer, startPyServer, replayAxi, axiExchanges } from '../test/support/memBridge';

jest.setTimeout(120000);

let baseline: string[];
beforeAll(async () => {
  baseline = await replayAxi(new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 }));
});

test('baseline on EmulatedMemory', () => {
  console.log(`AxiVersion golden read/write/cmd exchanges: ${baseline.length}/${axiExchanges.length} pass on EmulatedMemory`);
  expect(axiExchanges.length).toBeGreaterThan(600);
  expect(baseline.length).toBeGreaterThan(600);
});

test('the same exchanges pass over MemoryTcpClient → MemoryTcpServer → EmulatedMemory', async () => {
  const warnings: string[] = [];
  const server = await startOurServer(new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 }), warnings);
  const client = new MemoryTcpClient({ addr: '127.0.0.1', port: server.port, waitReady: true, timeout: 5, logger: { warn: (m) => warnings.push(m) } });
  try {
    await client.start();
    expect(await replayAxi(client)).toEqual(baseline);
    expect(server.stats.errors).toBe(0);
    expect(warnings).toEqual([]);
  } finally {
    await client.close();
    await server.stop();
  }
});

test('the same exchanges pass over MemoryTcpClient → Python stand-in server', async () => {
  const srv = await startPyServer();
  const warnings: string[] = [];
  const client = new MemoryTcpClient({ addr: '127.0.0.1', port: srv.port, waitReady: true, timeout: 5, logger: { warn: (m) => warnings.push(m) } });
  try {
    await client.start();
    expect(await replayAxi(client)).toEqual(baseline);
    expect(warnings).toEqual([]);
  } finally {
    await client.close();
    await srv.stop();
  }
});

// Against an outside memory TcpServer (a real rogue TcpServer in front of Emulate(4, 0x1000),
// fresh, for the checks in docs/memory-bridge.md): MEMORY_BRIDGE_SERVER=tcp://127.0.0.1:PORT.
const outside = process.env.MEMORY_BRIDGE_SERVER;
(outside ? test : test.skip)('the same exchanges pass over MemoryTcpClient → MEMORY_BRIDGE_SERVER', async () => {
  const { addr, port } = parseBridgeUrl(outside!);
  const warnings: string[] = [];
  const client = new MemoryTcpClient({ addr, port, waitReady: true, timeout: 5, logger: { warn: (m) => warnings.push(m) } });
  try {
    await client.start();
    expect(await replayAxi(client)).toEqual(baseline);
    expect(warnings).toEqual([]);
  } finally {
    await client.close();
  }
});
