/**
 * The reference tree's AxiVersion over the firmware link (SrpV3 ⇄ RudpLink over UDP ⇄ an
 * FPGA) passes the same golden exchanges (golden/transcript.jsonl: read, write and cmd
 * families under Root.AxiVersion, replayed at the tree level) as on EmulatedMemory: against
 * our FpgaEmulator in process, `pyrogue-ts fpga-emu`, the clean-room Python FPGA, and (real
 * tier only) rogue's own server stack with SrpV3Emulation.
 */
import { FpgaEmulator } from '../src/protocols/emulator';
import type { SrpV3 } from '../src/protocols/srp/srp';
import { ensureBuilt } from '../test/support/cliRun';
import { detectTier } from '../test/support/matrixKit';
import { EmulatedMemory, replayAxi, axiExchanges } from '../test/support/memBridge';
import { ourClient, startFpgaEmuCli, startPyFpga, startRogueFpga, type Peer } from '../test/support/rudpPeers';

jest.setTimeout(180000);

/** Replays over our client to 127.0.0.1:port; `zero` first writes zeros over AxiVersion's range (rogue's emulation starts with junk). */
async function overLink(port: number, pack: 1 | 2, jumbo: boolean, zero = false): Promise<{ passed: string[]; warnings: string[]; srp: SrpV3 }> {
  const warnings: string[] = [];
  const c = await ourClient(port, pack, jumbo, warnings);
  try {
    if (zero) await c.srp.write(0, new Uint8Array(0x9000));
    const passed = await replayAxi(c.srp);
    return { passed, warnings: [...warnings], srp: c.srp }; // before close (which logs its own reset)
  } finally {
    await c.link.close();
  }
}

let baseline: string[];
beforeAll(async () => {
  await ensureBuilt();
  baseline = await replayAxi(new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 }));
});

test('baseline on EmulatedMemory', () => {
  console.log(`AxiVersion golden read/write/cmd exchanges: ${baseline.length}/${axiExchanges.length} pass on EmulatedMemory`);
  expect(axiExchanges.length).toBeGreaterThan(600);
  expect(baseline.length).toBeGreaterThan(600);
});

test('the same exchanges pass over SrpV3 → RudpLink → UDP → FpgaEmulator (packetizer v2)', async () => {
  const emu = new FpgaEmulator({ port: 0, bindAddress: '127.0.0.1' });
  await emu.start();
  try {
    const r = await overLink(emu.port, 2, false);
    expect(r.passed).toEqual(baseline);
    expect(r.warnings).toEqual([]);
  } finally {
    await emu.close();
  }
});

test('the same exchanges pass over SrpV3 → RudpLink → UDP → pyrogue-ts fpga-emu (packetizer v1, jumbo)', async () => {
  const emu = await startFpgaEmuCli();
  try {
    const r = await overLink(emu.port, 1, true);
    expect(r.passed).toEqual(baseline);
    expect(r.warnings).toEqual([]);
  } finally {
    await emu.stop();
  }
});

test('the same exchanges pass over SrpV3 → RudpLink → UDP → the Python stand-in FPGA', async () => {
  const py = await startPyFpga(2, false);
  try {
    const r = await overLink(py.port, 2, false);
    expect(r.passed).toEqual(baseline);
    expect(r.warnings).toEqual([]);
  } finally {
    await py.stop();
  }
});

const tier = detectTier();
(tier.ok && tier.tier === 'real' ? test : test.skip)(
  'real tier: the same exchanges pass over SrpV3 → RudpLink → UDP → rogue udp.Server + rssi.Server + CoreV2 + SrpV3Emulation',
  async () => {
    let rogue: Peer | null = null;
    try {
      rogue = await startRogueFpga(2, false);
      const r = await overLink(rogue.port, 2, false, true);
      expect(r.passed).toEqual(baseline);
      expect(r.warnings).toEqual([]);
    } finally {
      await rogue?.stop();
    }
  },
);
