/**
 * The link comes back by itself: our client (RudpLink + SrpV3) against an FPGA that dies
 * without a word (SIGKILL: no RSSI reset) and is started again on the same port —
 * `pyrogue-ts fpga-emu`, and (real tier) rogue's own udp.Server + rssi.Server + packetizer +
 * SrpV3Emulation; and our emulator taking a new client after the old one vanished without a
 * reset (the new client's SYN while open resets it, the next one opens).
 */
import { FpgaEmulator } from '../src/protocols/emulator';
import { RudpLink } from '../src/protocols/rudp';
import { SrpV3 } from '../src/protocols/srp/srp';
import { connectPair } from '../src/stream/master';
import { ensureBuilt } from '../test/support/cliRun';
import { detectTier } from '../test/support/matrixKit';
import { ourClient, startFpgaEmuCli, startRogueFpga, type Peer } from '../test/support/rudpPeers';

jest.setTimeout(120000);

beforeAll(async () => {
  await ensureBuilt();
});

/** Resolves when `link` reports the state `open` (at once if it is in it). */
function linkState(link: RudpLink, open: boolean): Promise<void> {
  if (link.isOpen === open) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const off = link.onStateChange((o) => {
      if (o === open) {
        off();
        resolve();
      }
    });
  });
}

const TIMEOUT_TEXT = /^Timeout waiting for register transaction \d+ message response\.$/;

async function fpgaDiesAndReturns(start: (port: number) => Promise<Peer>): Promise<void> {
  const first = await start(0);
  const port = first.port;
  const c = await ourClient(port, 2, false);
  let second: Peer | null = null;
  try {
    c.srp.timeout = 1;
    await c.srp.write(0x10, Uint8Array.of(1, 2, 3, 4));
    const downs = c.link.rssi.downCount;
    await first.kill();
    const lost = c.srp.read(0x10, 4).then(
      () => 'ok',
      (e: Error) => e.message,
    );
    await linkState(c.link, false); // retransmissions exhausted: reset
    expect(c.link.rssi.downCount).toBe(downs + 1);
    expect(await lost).toMatch(TIMEOUT_TEXT);
    second = await start(port);
    await linkState(c.link, true); // the client's SYN retries reach the new FPGA
    await c.srp.write(0x20, Uint8Array.of(5, 6, 7, 8));
    expect([...(await c.srp.read(0x20, 4))]).toEqual([5, 6, 7, 8]);
  } finally {
    await c.link.close();
    await second?.stop();
    await first.stop();
  }
}

test('our client: fpga-emu killed (no reset) and started again on the same port: the link resets, reconnects and serves', async () => {
  await fpgaDiesAndReturns((port) => startFpgaEmuCli(['--port', String(port)]));
});

const tier = detectTier();
(tier.ok && tier.tier === 'real' ? test : test.skip)(
  "real tier: our client: rogue's server stack killed (no reset) and started again on the same port: the link resets, reconnects and serves",
  async () => {
    await fpgaDiesAndReturns((port) => startRogueFpga(2, false, port));
  },
);

test('our emulator: a client gone without a reset, then a new client from another port: the emulator resets and opens to it', async () => {
  const emu = new FpgaEmulator({ port: 0, bindAddress: '127.0.0.1' });
  await emu.start();
  const old = await ourClient(emu.port, 2, false);
  const link = new RudpLink({ port: emu.port, packVer: 2 });
  try {
    await old.srp.write(0x30, Uint8Array.of(9, 9, 9, 9));
    await old.link.transport.close(); // the old client's socket is gone; it never sends its reset
    const downs = emu.link.rssi.downCount;
    const srp = new SrpV3({ timeout: 2 });
    connectPair(srp, link.application(0));
    await link.start(false);
    expect(await link.waitOpen(10000)).toBe(true);
    expect(emu.link.rssi.downCount).toBe(downs + 1);
    expect([...(await srp.read(0x30, 4))]).toEqual([9, 9, 9, 9]); // the same registers
  } finally {
    await link.close();
    await old.link.close();
    await emu.close();
  }
});
