/**
 * The memory TCP bridge against the clean-room Python stand-ins (python-fixtures/memtcp_server.py,
 * memtcp_client.py): our client against the stand-in server (every fault of the spec, a restart),
 * the stand-in client against our server (hostile frames included).
 */
import { MemoryTcpClient } from '../src/bridge/client';
import { wireText } from '../src/py/errors';
import { RemoteVariable } from '../src/tree/remote';
import { axiTree, EmulatedMemory, runPyClient, startOurServer, startPyServer, type PyServer } from '../test/support/memBridge';

jest.setTimeout(60000);

function client(port: number, warnings: string[], timeout = 1.0): MemoryTcpClient {
  return new MemoryTcpClient({ addr: '127.0.0.1', port, waitReady: true, timeout, logger: { warn: (m) => warnings.push(m) } });
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return wireText(e);
  }
  return 'no error';
}

describe('our client, stand-in server', () => {
  test('Read, Write, Post, Verify; 1,000 in flight', async () => {
    const srv = await startPyServer();
    const w: string[] = [];
    const c = client(srv.port, w, 10);
    try {
      await c.start();
      await c.write(0x100, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
      expect([...(await c.read(0x100, 8))]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect([...(await c.verify(0x104, 4))]).toEqual([5, 6, 7, 8]);
      await c.post(0x200, Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]));
      expect([...(await c.read(0x200, 4))]).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
      const writes = Array.from({ length: 500 }, (_, i) => c.write(0x1000 + 4 * i, Uint8Array.from([i & 0xff, i >> 8, 1, 2])));
      const reads = Array.from({ length: 500 }, (_, i) => c.read(0x1000 + 4 * i, 4));
      await Promise.all(writes);
      const got = await Promise.all(reads);
      got.forEach((d, i) => expect([...d]).toEqual([i & 0xff, i >> 8, 1, 2]));
      expect(w).toEqual([]);
    } finally {
      await c.close();
      await srv.stop();
    }
  });

  const faults: [string, RegExp | string][] = [
    ['mismatch', 'Transaction data mismatch in TcpClient'],
    ['short', 'Received transaction response did not match header size'],
    ['error', 'Emulated bus error'],
    ['silent', /Timeout waiting for register transaction \d+ message response\./],
  ];
  test.each(faults)('fault %s surfaces through RemoteVariable.get as pyrogue shows it', async (fault, text) => {
    const srv = await startPyServer(['--fault', fault]);
    const w: string[] = [];
    const c = client(srv.port, w, 0.5);
    try {
      await c.start();
      const { root, dev } = await axiTree(c);
      const sp = dev.child('ScratchPad') as RemoteVariable;
      const err = await errorOf(Promise.resolve().then(() => sp.get()));
      expect(err).toMatch(
        /^rogue\.GeneralError: Block::checkTransaction: General Error: Transaction error for block Root\.AxiVersion\.ScratchPad with address 0x00000004\. Error /,
      );
      if (typeof text === 'string') expect(err.endsWith('Error ' + text)).toBe(true);
      else expect(err).toMatch(text);
      expect(c.inFlight).toBe(0);
      await root.stop();
    } finally {
      await c.close();
      await srv.stop();
    }
  });

  test.each([
    ['longerror', /^Bad message sizes: 4\/8\/4\/4\/4\/1200 \(dropped\)$/],
    ['unknown', /^Failed to find transaction id=\d+$/],
  ])('fault %s: the response is dropped with a warning, the transaction times out', async (fault, warning) => {
    const srv = await startPyServer(['--fault', fault]);
    const w: string[] = [];
    const c = client(srv.port, w, 0.3);
    try {
      await c.start();
      await expect(c.read(0, 4)).rejects.toThrow(/^Timeout waiting for register transaction \d+ message response\.$/);
      expect(w.length).toBe(1);
      expect(w[0]).toMatch(warning);
    } finally {
      await c.close();
      await srv.stop();
    }
  });

  test('late response: the transaction times out, the late answer is dropped with a warning, the next one works', async () => {
    const srv = await startPyServer(['--fault', 'late', '--delay', '0.6']);
    const w: string[] = [];
    const c = client(srv.port, w, 0.3);
    try {
      await c.start();
      await expect(c.read(0, 4)).rejects.toThrow(/^Timeout waiting for register transaction \d+ message response\.$/);
      await new Promise((r) => setTimeout(r, 600));
      expect(w.some((m) => m.startsWith('Dropping late response for expired transaction. Id='))).toBe(true);
      c.timeout = 2;
      expect([...(await c.read(0, 4))]).toEqual([0, 0, 0, 0]);
    } finally {
      await c.close();
      await srv.stop();
    }
  });

  test("readiness: waitReady() is false and start() raises rogue's error when probes go unanswered", async () => {
    const srv = await startPyServer(['--fault', 'noprobe']);
    const c = new MemoryTcpClient({ addr: '127.0.0.1', port: srv.port, waitReady: true, readyTimeout: 0.5, logger: null });
    try {
      expect(await c.waitReady(0.3, 0.1)).toBe(false);
      await expect(c.start()).rejects.toThrow(`Timed out waiting for remote TcpServer readiness on tcp://127.0.0.1:${srv.port}`);
      // transactions are answered all the same
      expect([...(await c.read(0, 4))]).toEqual([0, 0, 0, 0]);
    } finally {
      await c.close();
      await srv.stop();
    }
  });

  test('server restart costs only the transactions in flight', async () => {
    let srv: PyServer = await startPyServer();
    const w: string[] = [];
    const c = client(srv.port, w, 0.5);
    try {
      await c.start();
      await c.write(0, Uint8Array.from([1, 2, 3, 4]));
      await srv.stop();
      const inflight = Array.from({ length: 5 }, () => errorOf(c.read(0, 4)));
      const errs = await Promise.all(inflight);
      errs.forEach((e) => expect(e).toMatch(/Timeout waiting for register transaction \d+ message response\./));
      srv = await startPyServer([], srv.port);
      expect(await c.waitReady(10, 0.1)).toBe(true);
      // a fresh server: its memory is zero again, the client carries on unchanged
      await c.write(0, Uint8Array.from([5, 6, 7, 8]));
      expect([...(await c.read(0, 4))]).toEqual([5, 6, 7, 8]);
      expect(c.inFlight).toBe(0);
    } finally {
      await c.close();
      await srv.stop();
    }
  });
});

describe('stand-in client, our server', () => {
  test('Read, Write, Post, Verify and errors', async () => {
    const mem = new EmulatedMemory({ maxAccess: 0x1000 });
    const w: string[] = [];
    const srv = await startOurServer(mem, w);
    try {
      const r = await runPyClient(srv.port, [
        [2, 0x10, '01020304'],
        [1, 0x10, 4],
        [3, 0x20, 'aabbccdd'],
        [4, 0x10, 4],
        [1, 0x0, 0x2000],
        [7, 0x0, 4],
      ]);
      expect(r.ready).toBe(true);
      expect(r.results[0]).toEqual(['OK', '01020304']);
      expect(r.results[1]).toEqual(['OK', '01020304']);
      expect(r.results[2]).toBeNull();
      expect(r.results[3]).toEqual(['OK', '01020304']);
      expect(r.results[4]).toEqual(['Transaction size 8192 exceeds the maximum 4096', '']);
      expect(r.results[5]).toEqual(['Unsupported transaction type 7', '00000000']);
      expect([...mem.peek(0x20, 4)]).toEqual([0xaa, 0xbb, 0xcc, 0xdd]);
      expect(w).toEqual([]);
    } finally {
      await srv.stop();
    }
  });

  test('hostile frames are dropped with a warning; another client is not disturbed', async () => {
    const mem = new EmulatedMemory({ maxAccess: 0x1000 });
    const w: string[] = [];
    const srv = await startOurServer(mem, w);
    const cw: string[] = [];
    const ours = client(srv.port, cw, 5);
    try {
      await ours.start();
      const busy = (async () => {
        for (let i = 0; i < 200; i++) {
          await ours.write(0x400, Uint8Array.from([i, 0, 0, 0]));
          expect((await ours.read(0x400, 4))[0]).toBe(i);
        }
      })();
      const u32 = (n: number) => {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(n >>> 0);
        return b.toString('hex');
      };
      const hdr = (id: number, addr: string, size: number, type: number) => [u32(id), addr, u32(size), u32(type)];
      const a0 = '0000000000000000';
      const hostile = [
        ['raw', ['01']],
        ['raw', ['01000000', a0, '04000000']],
        ['raw', [...hdr(1, a0, 4, 1), '00', '00']],
        ['raw', ['0100', a0, '04000000', '01000000']],
        ['raw', [u32(1), '00000000', u32(4), u32(1)]],
        ['raw', hdr(1, a0, 4, 2)],
        ['raw', [...hdr(1, a0, 4, 2), '0102']],
        ['raw', [...hdr(1, a0, 4, 1), '01020304']],
        ['raw', [...hdr(1, a0, 4, 0xfffffffe)]],
        ['raw', [...hdr(1, a0, 0, 0xfffffffe), '']],
        ['raw', [...Array(40).fill('00')]],
        [1, 0x0, 0xffffffff],
        [1, '0xffffffffffffff00', 0x100],
        [2, 0x500, '05060708'],
      ];
      const r = await runPyClient(srv.port, hostile);
      await busy;
      expect(r.results[11]).toEqual(['Transaction size 4294967295 exceeds the maximum 4096', '']);
      expect(r.results[12]).toEqual(['Transaction address out of range', '00'.repeat(256)]);
      expect(r.results[13]).toEqual(['OK', '05060708']);
      expect(w.filter((m) => m.includes('dropping malformed request')).length).toBe(11);
      // Our client sees the stand-in's responses too (the server sends each to every client) and drops them.
      expect(cw.filter((m) => !m.startsWith('Failed to find transaction id='))).toEqual([]);
      expect([...mem.peek(0, 4)]).toEqual([0, 0, 0, 0]);
    } finally {
      await ours.close();
      await srv.stop();
    }
  });
});
