/**
 * The real tier of the RUDP stack (needs real pyrogue/rogue: python-fixtures/tier.py selects
 * it; without, every test here is skipped): the interop matrix — direction × packetizer
 * version × MTU — of our client (RudpLink + SrpV3) against rogue's own udp.Server +
 * rssi.Server + packetizer + srp.SrpV3Emulation, and of a real pyrogue Root with
 * pyrogue.protocols.UdpRssiPack + rogue.protocols.srp.SrpV3 against `pyrogue-ts fpga-emu`;
 * and pyrogue's UdpRssiPack node table against ours.
 */
import * as path from 'path';
import execa from 'execa';
import { UdpRssiPack } from '../src/protocols/device';
import { classInfo } from '../src/tree/pyclass';
import { Root } from '../src/tree/root';
import type { BaseVariable } from '../src/tree/variable';
import { ensureBuilt } from '../test/support/cliRun';
import { detectTier, FIXTURES, PYTHON } from '../test/support/matrixKit';
import { ourClient, runOurScript, runRogueClient, standardScript, startFpgaEmuCli, startRogueFpga, type Op } from '../test/support/rudpPeers';

jest.setTimeout(180000);

const tier = detectTier();
const real = tier.ok && tier.tier === 'real';
const realTest = real ? test : test.skip;
if (!real) console.log(`rudp-rogue: real pyrogue not available (tier ${tier.tier}); the real-tier RUDP tests are skipped`);

const matrix: { direction: string; pack: number; mtu: string; ok: boolean; detail: string }[] = [];
afterAll(() => {
  if (matrix.length === 0) return;
  const lines = [
    '| direction | packetizer | MTU | result | detail |',
    '|---|---|---|---|---|',
    ...matrix.map((m) => `| ${m.direction} | v${m.pack} | ${m.mtu} | ${m.ok ? 'pass' : 'FAIL'} | ${m.detail} |`),
  ];
  console.log('RUDP interop matrix with real rogue v6.15.0:\n' + lines.join('\n'));
});

beforeAll(async () => {
  await ensureBuilt();
});

const CASES: [1 | 2, boolean][] = [
  [1, false],
  [2, false],
  [1, true],
  [2, true],
];

describe.each(CASES)('packetizer v%d, jumbo %s', (pack, jumbo) => {
  const mtu = jumbo ? 'jumbo (9000)' : 'standard (1500)';

  realTest('our client (RudpLink + SrpV3) → rogue udp.Server + rssi.Server + packetizer + SrpV3Emulation', async () => {
    const rogue = await startRogueFpga(pack, jumbo);
    const warnings: string[] = [];
    let ok = false;
    let detail = '';
    try {
      const c = await ourClient(rogue.port, pack, jumbo, warnings);
      try {
        const { script, expected } = standardScript();
        expect(await runOurScript(c.srp, script)).toEqual(expected);
        const block = Buffer.alloc(20000, 0x5a);
        await c.srp.write(0x40000, block);
        expect(Buffer.from(await c.srp.read(0x40000, 20000)).equals(block)).toBe(true);
        const many = await Promise.all(
          Array.from({ length: 64 }, (_, i) => c.srp.write(0x50000 + 4 * i, Uint8Array.of(i, 1, 2, 3)).then(() => c.srp.read(0x50000 + 4 * i, 4))),
        );
        expect(many.map((b) => b[0])).toEqual(Array.from({ length: 64 }, (_, i) => i));
        expect(c.link.rssi.curMaxSegment).toBe(jumbo ? 8964 : 1464);
        expect(warnings).toEqual([]);
        ok = true;
        detail = `${script.length + 1 + 128} transactions, curMaxSegment ${c.link.rssi.curMaxSegment}, rssi drops ${c.link.rssi.dropCount}, retransmits ${c.link.rssi.retranCount}`;
      } finally {
        await c.link.close();
      }
    } catch (e) {
      detail = (e as Error).message.split('\n')[0];
      throw e;
    } finally {
      matrix.push({ direction: 'pyrogue-ts client → rogue server', pack, mtu, ok, detail });
      await rogue.stop();
    }
  });

  realTest('real pyrogue Root (UdpRssiPack + SrpV3) → pyrogue-ts fpga-emu', async () => {
    // registers up to 0x1_0000_1000: the last read, past them, gets the emulator's status 0x3
    const emu = await startFpgaEmuCli(['--size', '0x100001000']);
    let ok = false;
    let detail = '';
    try {
      const standard = standardScript();
      const word = (i: number) => Buffer.from([i, 0x5a, 0xa5, 255 - i]).toString('hex');
      const script: Op[] = [
        ...standard.script,
        ...Array.from({ length: 64 }, (_, i): Op => ['write', 0x50000 + 4 * i, word(i)]),
        ...Array.from({ length: 64 }, (_, i): Op => ['read', 0x50000 + 4 * i, 4]),
        ['read', 0x100001000, 4, true],
      ];
      const expected = [
        ...standard.expected,
        ...Array.from({ length: 128 }, (_, i) => ['ok', word(i % 64)]),
        ['error', 'Non zero status message returned on fpga register bus in hardware: 0x3'],
      ];
      const r = await runRogueClient(emu.port, pack, jumbo, script, 32);
      expect(r.open).toBe(true);
      expect(r.results).toEqual(expected);
      expect(r.net).toMatchObject({ rssiOpen: true, curMaxSegment: jumbo ? 8964 : 1464, curMaxBuffers: 32, rssiDownCount: 0 });
      ok = true;
      detail = `${script.length} transactions (32 in flight; the last rejected with rogue's status text), Net: ${JSON.stringify(r.net)}`;
    } catch (e) {
      detail = (e as Error).message.split('\n')[0];
      throw e;
    } finally {
      matrix.push({ direction: 'real pyrogue client → pyrogue-ts fpga-emu', pack, mtu, ok, detail });
      await emu.stop();
    }
  });
});

realTest("pyrogue's UdpRssiPack node table and class bases equal ours", async () => {
  const r = await execa(PYTHON, [path.join(FIXTURES, 'rogue_rudp.py'), 'nodes'], { timeout: 60000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"nodes"'))!;
  const theirs = JSON.parse(line) as { nodes: [string, string, string, number, boolean, unknown][]; bases: string[] };
  const net = new UdpRssiPack({ name: 'Net', port: 8192, wait: false });
  new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 }).add(net);
  const ours = [...net.nodes.values()].map((n) => {
    const v = n as unknown as BaseVariable;
    const val = v.value();
    return [n.name, v.mode, v.typeStr, Number(v.pollInterval), n.hidden, typeof val === 'bigint' ? { int: Number(val) } : val];
  });
  expect(ours).toEqual(theirs.nodes);
  expect(classInfo(UdpRssiPack).bases.slice(0, 3)).toEqual(theirs.bases);
});
