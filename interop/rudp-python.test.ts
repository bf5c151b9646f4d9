/**
 * Our RUDP stack against the clean-room Python peer (python-fixtures/rudp_peer.py, written
 * from the spec), over real UDP on loopback, both directions, packetizer v1/v2, standard and
 * jumbo sizes: our client (RudpLink + SrpV3) ⇄ the Python FPGA; the Python client ⇄ our
 * FpgaEmulator. Also hostile datagrams at our emulator.
 */
import * as dgram from 'dgram';
import { FpgaEmulator } from '../src/protocols/emulator';
import { ourClient, runOurScript, runPyClient, standardScript, startPyFpga } from '../test/support/rudpPeers';

jest.setTimeout(120000);

const CASES: [1 | 2, boolean][] = [
  [1, false],
  [2, false],
  [1, true],
  [2, true],
];

describe.each(CASES)('packetizer v%d, jumbo %s', (pack, jumbo) => {
  test('our client → Python FPGA', async () => {
    const py = await startPyFpga(pack, jumbo);
    const warnings: string[] = [];
    const c = await ourClient(py.port, pack, jumbo, warnings);
    try {
      const { script, expected } = standardScript();
      expect(await runOurScript(c.srp, script)).toEqual(expected);
      // 32 in flight
      const reads = await Promise.all(Array.from({ length: 32 }, (_, i) => c.srp.read(0x10000 + i * 4, 4)));
      expect(reads.every((b) => b.length === 4)).toBe(true);
      expect(c.link.rssi.curMaxSegment).toBe(jumbo ? 8964 : 1464);
      expect(warnings).toEqual([]);
    } finally {
      await c.link.close();
      await py.stop();
    }
  });

  test('Python client → our FpgaEmulator', async () => {
    const emu = new FpgaEmulator({ port: 0, bindAddress: '127.0.0.1' });
    await emu.start();
    try {
      const { script, expected } = standardScript();
      const r = await runPyClient(emu.port, pack, jumbo, script);
      expect(r.open).toBe(true);
      expect(r.results).toEqual(expected);
      expect(r.counters).toMatchObject({ packDrops: 0, curMaxSegment: jumbo ? 8964 : 1464 });
      expect(emu.link.pack.version).toBe(pack);
    } finally {
      await emu.close();
    }
  });
});

test('hostile datagrams at our emulator are counted, never crash it; it still serves afterwards', async () => {
  const emu = new FpgaEmulator({ port: 0, bindAddress: '127.0.0.1' });
  await emu.start();
  const sock = dgram.createSocket('udp4');
  try {
    const send = (b: Uint8Array) => new Promise<void>((r) => sock.send(b, emu.port, '127.0.0.1', () => r()));
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 500; i++) {
      const b = Buffer.alloc(Math.floor(rand() * 64));
      for (let k = 0; k < b.length; k++) b[k] = Math.floor(rand() * 256);
      if (i % 5 === 0 && b.length >= 2) b[1] = 8; // plausible RSSI length byte
      await send(b);
    }
    await send(Buffer.alloc(9000)); // larger than any datagram the emulator takes
    await new Promise((r) => setTimeout(r, 200));
    expect(emu.link.rssi.dropCount).toBeGreaterThan(0);
    const { script, expected } = standardScript();
    const r = await runPyClient(emu.port, 2, false, script);
    expect(r.results).toEqual(expected);
  } finally {
    sock.close();
    await emu.close();
  }
});
