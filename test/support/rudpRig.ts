/**
 * Our RUDP client stack (RudpLink + SrpV3) and our FPGA emulator joined by a LossyRelay, in
 * fake time: no sockets, no real clock. `drive(p)` advances the clock until `p` settles.
 */
import { FpgaEmulator } from '../../src/protocols/emulator';
import { RudpLink } from '../../src/protocols/rudp';
import { SrpV3 } from '../../src/protocols/srp/srp';
import { connectPair } from '../../src/stream/master';
import { FakeClock } from './fakeClock';
import { LossyRelay } from './lossyRelay';

export interface RudpRig {
  clock: FakeClock;
  relay: LossyRelay;
  client: RudpLink;
  srp: SrpV3;
  emu: FpgaEmulator;
  /** Advances fake time in `step` ms slices until `p` settles (at most `limitMs`). */
  drive<T>(p: Promise<T>, limitMs?: number, step?: number): Promise<T>;
  close(): Promise<void>;
}

export async function rudpRig(opts: { packVer?: 1 | 2; jumbo?: boolean; seed?: number; timeout?: number; emuPackVer?: 1 | 2 | 'auto' } = {}): Promise<RudpRig> {
  const clock = new FakeClock();
  const jumbo = opts.jumbo ?? false;
  const relay = new LossyRelay(clock, opts.seed ?? 1, jumbo ? 8972 : 1472);
  const emu = new FpgaEmulator({ transport: relay.b, clock, packVer: opts.emuPackVer ?? 'auto' });
  const client = new RudpLink({ transport: relay.a, clock, packVer: opts.packVer ?? 2, jumbo });
  const srp = new SrpV3({ clock, timeout: opts.timeout ?? 1 });
  connectPair(srp, client.application(0));
  await emu.start();
  const drive = async <T>(p: Promise<T>, limitMs = 600000, step = 0.5): Promise<T> => {
    let done = false;
    p.then(
      () => (done = true),
      () => (done = true),
    );
    await clock.until(() => done, 'the promise', limitMs, step);
    return p;
  };
  await drive(client.start(true), 5000);
  return {
    clock,
    relay,
    client,
    srp,
    emu,
    drive,
    close: async () => {
      await client.close();
      await emu.close();
      await clock.advance(10);
    },
  };
}
