/**
 * An FPGA in software: SRP registers behind an RSSI server and a packetizer on UDP, what
 * firmware with a SURF Ethernet core looks like to pyrogue's `UdpRssiPack` + `SrpV3` (and to
 * our `RudpLink` + `SrpV3`). The registers answer on tdest 0 (`SrpV3Emulation`, or
 * `SrpV0Emulation`); other tdests are free for streams (`link.application(dest)`).
 *
 *   const emu = new FpgaEmulator({ port: 8192 });
 *   await emu.start();
 *
 * By default it receives both packetizer versions (answering in the one last received) and
 * datagrams up to the jumbo size (its RSSI segments never exceed what the client proposed),
 * so any pyrogue `UdpRssiPack(packVer=1|2, jumbo=False|True)` client can use it.
 */
import type { Clock } from './clock';
import { RudpLink } from './rudp';
import { SrpV0Emulation, SrpV3Emulation, type RegisterMemory } from './srp/emulation';
import { connectPair } from '../stream/master';
import { EmulatedMemory } from '../tree/memory';
import type { DatagramTransport } from './udp/udp';

export interface FpgaEmulatorOptions {
  /** UDP port to bind (0 = any free one). Default 8192. */
  port?: number;
  /** Address to bind. Default 0.0.0.0. */
  bindAddress?: string;
  /** Datagrams up to 8972 bytes (true, default) or 1472. */
  jumbo?: boolean;
  /** Packetizer version: 1, 2, or 'auto' (default). */
  packVer?: 1 | 2 | 'auto';
  /** SRP version on tdest 0: 3 (default) or 0. */
  srpVersion?: 0 | 3;
  /** tdest of the registers. Default 0. */
  srpDest?: number;
  /** Bytes of register space; accesses beyond get an error status. Default unbounded (sparse). */
  size?: number;
  /** Bytes of sparse memory writes may allocate (4 KiB pages); a write needing more gets an error status. Default 256 MiB. */
  maxMemory?: number;
  /** The registers. Default a zeroed EmulatedMemory. */
  memory?: RegisterMemory;
  /** Packetizer v2: check the CRC of received segments (see RudpLinkOptions.enIbCrc). Default 'flag'. */
  enIbCrc?: boolean | 'flag';
  transport?: DatagramTransport;
  clock?: Clock;
  log?: (level: 'info' | 'warning', message: string) => void;
}

export class FpgaEmulator {
  readonly link: RudpLink;
  readonly srp: SrpV3Emulation | SrpV0Emulation;
  readonly memory: RegisterMemory;

  constructor(opts: FpgaEmulatorOptions = {}) {
    this.link = new RudpLink({
      server: true,
      port: opts.port ?? 8192,
      bindAddress: opts.bindAddress,
      jumbo: opts.jumbo ?? true,
      packVer: opts.packVer ?? 'auto',
      enIbCrc: opts.enIbCrc ?? 'flag',
      transport: opts.transport,
      clock: opts.clock,
      log: opts.log,
    });
    this.memory = opts.memory ?? new EmulatedMemory();
    const eo = { memory: this.memory, size: opts.size, maxMemory: opts.maxMemory };
    this.srp = opts.srpVersion === 0 ? new SrpV0Emulation(eo) : new SrpV3Emulation(eo);
    connectPair(this.srp, this.link.application(opts.srpDest ?? 0));
  }

  /** The bound UDP port (after `start`). */
  get port(): number {
    const t = this.link.transport as { port?: number };
    return t.port ?? 0;
  }

  async start(): Promise<void> {
    await this.link.start(false);
  }

  async close(): Promise<void> {
    await this.link.close();
  }
}
