/**
 * The UDP layer under RSSI (rogue `udp.Client` / `udp.Server`) on node:dgram: one datagram
 * per segment, IPv4. A datagram larger than the MTU's payload (1472 standard, 8972 jumbo) is
 * dropped and counted, as rogue does; so are empty ones.
 *
 *   client: sends to host:port from an ephemeral port; accepts datagrams from that address only.
 *   server: binds port (0 = any free one); answers the source of the latest datagram.
 */
import * as dgram from 'dgram';
import * as dns from 'dns';

export const STD_MTU = 1500;
export const JUMBO_MTU = 9000;
/** IPv4 + UDP headers. */
const IP_UDP_HEADER = 28;

/** rogue `udp.Core.maxPayload()`: 1472 (standard) or 8972 (jumbo). */
export function udpMaxPayload(jumbo: boolean): number {
  return (jumbo ? JUMBO_MTU : STD_MTU) - IP_UDP_HEADER;
}

/** What the RSSI driver needs from a datagram transport (UDP here; the tests' lossy relay too). */
export interface DatagramTransport {
  /** Largest datagram payload. */
  readonly maxPayload: number;
  /** Sends one datagram (dropped and counted when there is no peer yet). */
  send(data: Uint8Array): void;
  /** Set by the user: called with every datagram accepted. */
  onMessage: ((data: Uint8Array) => void) | null;
  /** Binds / resolves; resolves when ready to send and receive. */
  open(): Promise<void>;
  close(): Promise<void>;
}

export interface UdpStats {
  txDatagrams: number;
  rxDatagrams: number;
  /** Datagrams not accepted: too large, empty, or from another address (client). */
  rxDropped: number;
  /** Datagrams not sent: no peer yet (server), or a send error. */
  txDropped: number;
}

abstract class UdpBase implements DatagramTransport {
  readonly maxPayload: number;
  readonly jumbo: boolean;
  onMessage: ((data: Uint8Array) => void) | null = null;
  readonly stats: UdpStats = { txDatagrams: 0, rxDatagrams: 0, rxDropped: 0, txDropped: 0 };
  protected readonly sock: dgram.Socket;
  private closed = false;
  /** Sends handed to the socket and not yet done (close waits for them: the last one is often an RST). */
  private outstanding = 0;
  private drained: (() => void) | null = null;
  private readonly sent = (err: Error | null) => {
    if (err) this.stats.txDropped++;
    if (--this.outstanding === 0 && this.drained) this.drained();
  };

  constructor(jumbo: boolean) {
    this.jumbo = jumbo;
    this.maxPayload = udpMaxPayload(jumbo);
    this.sock = dgram.createSocket({ type: 'udp4' });
    this.sock.on('error', () => {
      this.stats.txDropped++;
    });
    this.sock.on('message', (msg, rinfo) => {
      if (msg.length === 0 || msg.length > this.maxPayload || !this.accept(rinfo)) {
        this.stats.rxDropped++;
        return;
      }
      this.stats.rxDatagrams++;
      this.onMessage?.(msg);
    });
  }

  /**
   * rogue `setRxBufferCount`: asks the kernel for `count` × MTU of receive buffer (it may grant
   * less). Unlike rogue, never shrinks the buffer below what the socket already has.
   */
  setRxBufferCount(count: number): void {
    try {
      const want = count * (this.jumbo ? JUMBO_MTU : STD_MTU);
      if (want > this.sock.getRecvBufferSize()) this.sock.setRecvBufferSize(want);
    } catch {
      /* the kernel's limit (net.core.rmem_max) applies */
    }
  }

  protected abstract accept(rinfo: dgram.RemoteInfo): boolean;
  abstract send(data: Uint8Array): void;
  abstract open(): Promise<void>;

  protected connected = false;

  protected sendConnected(data: Uint8Array): void {
    if (this.closed) return;
    this.stats.txDatagrams++;
    this.outstanding++;
    this.sock.send(data, this.sent);
  }

  protected sendTo(data: Uint8Array, port: number, address: string): void {
    if (this.closed) return;
    this.stats.txDatagrams++;
    this.outstanding++;
    this.sock.send(data, port, address, this.sent);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.outstanding > 0) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        setTimeout(resolve, 500).unref();
      });
    }
    await new Promise<void>((resolve) => {
      try {
        this.sock.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

export class UdpClient extends UdpBase {
  private address: string | null = null;

  constructor(
    readonly host: string,
    readonly port: number,
    jumbo = false,
  ) {
    super(jumbo);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`UDP port must be 1..65535, got ${port}`);
  }

  /** Resolves the host (IPv4, first address, as rogue's getaddrinfo) and binds an ephemeral port. */
  async open(): Promise<void> {
    const { address } = await dns.promises.lookup(this.host, { family: 4 });
    this.address = address;
    await new Promise<void>((resolve, reject) => {
      this.sock.once('error', reject);
      this.sock.bind(0, () => {
        this.sock.off('error', reject);
        resolve();
      });
    });
    // A connected socket: the kernel keeps other sources out, and a send needs no address lookup.
    await new Promise<void>((resolve, reject) => {
      this.sock.once('error', reject);
      this.sock.connect(this.port, address, () => {
        this.sock.off('error', reject);
        resolve();
      });
    });
    this.connected = true;
    this.setRxBufferCount(32);
  }

  protected accept(rinfo: dgram.RemoteInfo): boolean {
    return rinfo.address === this.address && rinfo.port === this.port;
  }

  send(data: Uint8Array): void {
    if (!this.connected) {
      this.stats.txDropped++;
      return;
    }
    this.sendConnected(data);
  }
}

export class UdpServer extends UdpBase {
  private peer: { address: string; port: number } | null = null;
  private boundPort = 0;

  constructor(
    private readonly requestedPort: number,
    jumbo = false,
    private readonly bindAddress = '0.0.0.0',
  ) {
    super(jumbo);
  }

  /** The bound port (rogue `getPort()`). */
  get port(): number {
    return this.boundPort;
  }

  /** The peer answered: the source of the latest datagram. */
  get peerAddress(): string | null {
    return this.peer === null ? null : `${this.peer.address}:${this.peer.port}`;
  }

  async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.sock.once('error', reject);
      this.sock.bind(this.requestedPort, this.bindAddress, () => {
        this.sock.off('error', reject);
        resolve();
      });
    });
    this.boundPort = this.sock.address().port;
    this.setRxBufferCount(32);
  }

  protected accept(rinfo: dgram.RemoteInfo): boolean {
    if (this.peer === null || this.peer.address !== rinfo.address || this.peer.port !== rinfo.port) this.peer = { address: rinfo.address, port: rinfo.port };
    return true;
  }

  send(data: Uint8Array): void {
    if (this.peer === null) {
      this.stats.txDropped++;
      return;
    }
    this.sendTo(data, this.peer.port, this.peer.address);
  }
}
