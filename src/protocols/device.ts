/**
 * pyrogue's `pyrogue.protocols.UdpRssiPack` Device: a firmware link (UDP ⇄ RSSI ⇄
 * packetizer, `RudpLink`) in a tree, with pyrogue's variables and commands (rssiOpen, the
 * counters, the loc and cur RSSI parameters, stop/start) and its class name, so clients see
 * what they see on a real pyrogue server.
 *
 *   const net = new UdpRssiPack({ name: 'Net', host: '10.0.0.5', port: 8192, packVer: 2 });
 *   const srp = new SrpV3();
 *   connectPair(srp, net.application(0));    // pyrogue: srp == net.application(0)
 *   root.add(net);
 *   root.add(new AxiVersion({ memBase: srp, offset: 0 }));
 *   await root.start();                      // waits for the link, as pyrogue's wait=True
 *
 * At Root start the link starts (with `wait`, the start waits until RSSI is open, logging
 * "Establishing link ..." once a second as pyrogue does); at Root stop it is closed.
 */
import { Device, type DeviceOptions } from '../tree/device';
import { BaseCommand } from '../tree/command';
import type { Node } from '../tree/node';
import type { Root } from '../tree/root';
import { LocalVariable } from '../tree/variable';
import type { Clock } from './clock';
import type { PacketizerApplication } from './packetizer/packetizer';
import type { RssiController } from './rssi/controller';
import { RudpLink } from './rudp';
import type { DatagramTransport } from './udp/udp';

/** RSSI parameters pyrogue applies from `defaults` at construction. */
export interface RssiDefaults {
  locMaxBuffers?: number;
  locCumAckTout?: number;
  locRetranTout?: number;
  locNullTout?: number;
  locMaxRetran?: number;
  locMaxCumAck?: number;
  locTryPeriod?: number;
  locMaxSegment?: number;
}

export interface UdpRssiPackOptions extends DeviceOptions {
  /** UDP port: remote (client) or local (server). */
  port: number;
  /** Remote host (client). Default '127.0.0.1'. */
  host?: string;
  /** 9000-byte MTU sizes. Default false. */
  jumbo?: boolean;
  /** Root start waits for the link (client). Default true. */
  wait?: boolean;
  /** 2 → packetizer v2, anything else → v1. Default 1 (pyrogue's). */
  packVer?: number;
  /** Poll interval (s) of the status variables. Default 1. */
  pollInterval?: number;
  /** SSI in the packetizer. Default true. */
  enSsi?: boolean;
  /** RSSI server instead of client. Default false. */
  server?: boolean;
  /** RSSI parameters (pyrogue's `defaults` for the loc* variables). */
  defaults?: RssiDefaults;
  /** Packetizer v2 inbound CRC check (RudpLinkOptions.enIbCrc). Default 'flag'. */
  enIbCrc?: boolean | 'flag';
  /** Tests: a datagram transport instead of UDP, and a clock. */
  transport?: DatagramTransport;
  clock?: Clock;
  /** RSSI/packetizer warnings. Default nowhere. */
  linkLog?: (level: 'info' | 'warning', message: string) => void;
}

export class UdpRssiPack extends Device {
  static override pyModule = 'pyrogue.protocols._Network';
  static override pyName = 'UdpRssiPack';

  readonly link: RudpLink;
  readonly host: string;
  readonly port: number;
  private readonly wait: boolean;
  private attached = false;

  constructor(opts: UdpRssiPackOptions) {
    super({ ...opts, name: opts.name ?? 'UdpRssiPack', description: opts.description ?? '' });
    this.wait = opts.wait ?? true;
    this.host = opts.host ?? '127.0.0.1';
    this.port = opts.port;
    this.link = new RudpLink({
      server: opts.server ?? false,
      host: opts.host ?? '127.0.0.1',
      port: opts.port,
      jumbo: opts.jumbo ?? false,
      packVer: opts.packVer ?? 1,
      enSsi: opts.enSsi ?? true,
      enIbCrc: opts.enIbCrc,
      transport: opts.transport,
      clock: opts.clock,
      log: opts.linkLog,
    });
    const rssi = this.link.rssi;
    const d = opts.defaults ?? {};
    for (const k of [
      'locMaxBuffers',
      'locCumAckTout',
      'locRetranTout',
      'locNullTout',
      'locMaxRetran',
      'locMaxCumAck',
      'locTryPeriod',
      'locMaxSegment',
    ] as const) {
      const v = d[k];
      if (v !== undefined) rssi[k] = v;
    }
    const P = opts.pollInterval ?? 1;
    const ro = (name: string, value: boolean | bigint, get: (r: RssiController) => boolean | number, typeStr?: string, hidden = false) =>
      new LocalVariable({
        name,
        mode: 'RO',
        value,
        typeStr,
        hidden,
        pollInterval: P,
        localGet: () => {
          const v = get(rssi);
          return typeof v === 'boolean' ? v : BigInt(v);
        },
      });
    const rw = (name: keyof RssiDefaults & keyof RssiController, typeStr: string) =>
      new LocalVariable({
        name,
        mode: 'RW',
        value: BigInt(rssi[name]),
        typeStr,
        localGet: () => BigInt(rssi[name]),
        localSet: ({ value }) => {
          rssi[name] = Number(value);
        },
      });
    const cur = (name: string, typeStr: string, get: (r: RssiController) => number) =>
      new LocalVariable({ name, mode: 'RO', value: 0n, typeStr, pollInterval: P, localGet: () => BigInt(get(rssi)) });

    this.add(ro('rssiOpen', false, (r) => r.open));
    this.add(ro('rssiDownCount', 0n, (r) => r.downCount, 'UInt32'));
    this.add(ro('rssiDropCount', 0n, (r) => r.dropCount, 'UInt32'));
    this.add(ro('rssiRetranCount', 0n, (r) => r.retranCount, 'UInt32'));
    this.add(ro('locBusy', true, (r) => r.locBusy, undefined, true));
    this.add(ro('locBusyCnt', 0n, (r) => r.locBusyCnt, 'UInt32'));
    this.add(ro('remBusy', true, (r) => r.remBusy, undefined, true));
    this.add(ro('remBusyCnt', 0n, (r) => r.remBusyCnt, 'UInt32'));
    this.add(rw('locTryPeriod', 'UInt32'));
    this.add(rw('locMaxBuffers', 'UInt8'));
    this.add(rw('locMaxSegment', 'UInt16'));
    this.add(rw('locCumAckTout', 'UInt16'));
    this.add(rw('locRetranTout', 'UInt16'));
    this.add(rw('locNullTout', 'UInt16'));
    this.add(rw('locMaxRetran', 'UInt8'));
    this.add(rw('locMaxCumAck', 'UInt8'));
    this.add(cur('curMaxBuffers', 'UInt8', (r) => r.curMaxBuffers));
    this.add(cur('curMaxSegment', 'UInt16', (r) => r.curMaxSegment));
    this.add(cur('curCumAckTout', 'UInt16', (r) => r.curCumAckTout));
    this.add(cur('curRetranTout', 'UInt16', (r) => r.curRetranTout));
    this.add(cur('curNullTout', 'UInt16', (r) => r.curNullTout));
    this.add(cur('curMaxRetran', 'UInt8', (r) => r.curMaxRetran));
    this.add(cur('curMaxCumAck', 'UInt8', (r) => r.curMaxCumAck));
    this.add(
      new BaseCommand({
        name: 'stop',
        value: 0n,
        function: () => {
          this.link.stopRssi();
        },
      }),
    );
    this.add(
      new BaseCommand({
        name: 'start',
        value: 0n,
        function: () => {
          this.link.start(false).catch((e: unknown) => this._log.error(`start: ${(e as Error).message}`));
        },
      }),
    );
  }

  /** pyrogue `application(dest)`: the stream endpoint of one tdest. */
  application(dest: number): PacketizerApplication {
    return this.link.application(dest);
  }

  /** pyrogue `countReset()`: RSSI's counters to zero. */
  override countReset(): void {
    this.link.rssi.resetCounters();
  }

  /** The link starts with the Root and closes with it (pyrogue Device._start / _stop). */
  override _rootAttached(parent: Node, root: Root): void {
    super._rootAttached(parent, root);
    if (this.attached) return;
    this.attached = true;
    root.addInterface({ start: () => this.startLink(), stop: () => this.link.close() });
  }

  /** pyrogue `_start`: starts RSSI; a client with `wait` waits for the link, warning once a second. */
  async startLink(): Promise<void> {
    await this.link.start(false);
    if (!this.wait || this.link.server) return;
    const where = `host=${this.host}, port=${this.port}`;
    let seconds = 0;
    while (!(await this.link.waitOpen(1000))) {
      if (this.link.jumbo) seconds++;
      this._log.warning(
        seconds < 10 ? `${where} -> Establishing link ...` : `${where} -> Failing to connect using jumbo frames. Check interface MTU settings with ifconfig -a`,
      );
    }
    this._log.info(`${where} -> Link established. jumbo=${this.link.jumbo ? 'True' : 'False'}, maxPayload=${this.link.transport.maxPayload}`);
  }
}
