/**
 * The firmware link of pyrogue's `UdpRssiPack` without the tree: UDP ⇄ RSSI ⇄ packetizer,
 * with one stream endpoint per tdest (`application(dest)`). This is the driver of the
 * sans-I/O RSSI and packetizer cores: it feeds them datagrams, runs their timers on a
 * `Clock`, and hands their output to the datagram transport.
 *
 *   const link = new RudpLink({ host: '10.0.0.5', port: 8192, packVer: 2 });
 *   const srp = new SrpV3();
 *   connectPair(srp, link.application(0));
 *   await link.start();                       // resolves once RSSI is open
 *
 * Sizes are pyrogue's: RSSI segment size = UDP max payload − 8 (1464 standard, 8964 jumbo).
 */
import { realClock, type Clock } from './clock';
import { Packetizer, type PacketizerApplication } from './packetizer/packetizer';
import { RssiController } from './rssi/controller';
import { UdpClient, UdpServer, udpMaxPayload, type DatagramTransport } from './udp/udp';

export interface RudpLinkOptions {
  /** RSSI server (answers SYNs; normally the firmware side) instead of client. Default false. */
  server?: boolean;
  /** Client: the remote host. Default 127.0.0.1. */
  host?: string;
  /** Client: the remote port; server: the local port (0 = any free one). */
  port?: number;
  /** Server: the address to bind. Default 0.0.0.0 (rogue binds every interface). */
  bindAddress?: string;
  /** 9000-byte MTU sizes instead of 1500. Default false. */
  jumbo?: boolean;
  /** Packetizer version: 2 → v2, 'auto' → both received, replies in the version last received (emulators), anything else → v1 (pyrogue's `packVer`, default 1). */
  packVer?: number | 'auto';
  /** SSI in the packetizer. Default true. */
  enSsi?: boolean;
  /**
   * Packetizer v2 inbound CRC check: 'flag' (default) checks segments whose CRC-present bit
   * is set (rogue and SURF senders set it with a valid CRC), true always, false never
   * (pyrogue's choice: a corrupted payload that passed the UDP checksum reaches the application).
   */
  enIbCrc?: boolean | 'flag';
  /** A datagram transport instead of UDP (tests: an in-memory relay). */
  transport?: DatagramTransport;
  clock?: Clock;
  /** RSSI and packetizer warnings (bad frames, retransmissions, resets). Default nowhere. */
  log?: (level: 'info' | 'warning', message: string) => void;
}

export class RudpLink {
  readonly rssi: RssiController;
  readonly pack: Packetizer;
  readonly transport: DatagramTransport;
  readonly server: boolean;
  readonly jumbo: boolean;
  readonly packVer: 1 | 2 | 'auto';
  private readonly clock: Clock;
  private timer: unknown = null;
  private timerAt = Infinity;
  private kickQueued = false;
  private opened = false;
  private closed = false;
  private readonly stateWaiters = new Set<(open: boolean) => void>();
  private readonly stateListeners = new Set<(open: boolean) => void>();
  /** Frames of the packetizer waiting for room in RSSI (at most one per endpoint fed by a master; the packetizer bounds them). */
  private readonly roomWaiters: { segments: number; run: (ok: boolean) => void }[] = [];

  constructor(opts: RudpLinkOptions = {}) {
    this.server = opts.server ?? false;
    this.jumbo = opts.jumbo ?? false;
    this.packVer = opts.packVer === 2 || opts.packVer === 'auto' ? opts.packVer : 1;
    this.clock = opts.clock ?? realClock;
    const port = opts.port ?? 0;
    this.transport =
      opts.transport ??
      (this.server ? new UdpServer(port, this.jumbo, opts.bindAddress ?? '0.0.0.0') : new UdpClient(opts.host ?? '127.0.0.1', port, this.jumbo));
    const segSize = (opts.transport ? opts.transport.maxPayload : udpMaxPayload(this.jumbo)) - 8;
    const log = opts.log;
    this.rssi = new RssiController(
      { server: this.server, segSize, now: () => this.clock.now() },
      {
        transmit: (seg) => this.transport.send(seg),
        deliver: (payload) => this.pack.receive(payload),
        state: (open) => this.onState(open),
        wake: () => this.kickSoon(),
        log,
      },
    );
    this.pack = new Packetizer(
      { version: this.packVer, enSsi: opts.enSsi ?? true, enIbCrc: opts.enIbCrc ?? 'flag', enObCrc: true },
      {
        transmit: (buf) => {
          this.rssi.send(buf);
          this.kickSoon();
        },
        // frames waiting for room go first: none is sent past them
        room: () => (this.roomWaiters.length > 0 ? 0 : this.room()),
        whenRoom: (segments, run) => {
          if (!this.rssi.open || segments > this.rssi.maxTxQueue + this.rssi.curMaxBuffers) run(false);
          else this.roomWaiters.push({ segments, run });
        },
        maxPayload: () => this.rssi.maxPayload,
        log,
      },
    );
    this.transport.onMessage = (data) => {
      this.rssi.receive(data);
      // acknowledgements free room for frames waiting for it
      if (this.roomWaiters.length > 0) this.runRoomWaiters();
      // Polled once the datagrams that arrived together and the promise jobs they started
      // have run: an application that answers (a new request, a response) carries the
      // acknowledgement, and the segments of one frame get one ACK, not one per two.
      this.kickAfterIo();
    };
  }

  /** pyrogue `application(dest)`: the stream endpoint of one tdest (connect it with connectPair / connectStream). */
  application(dest: number): PacketizerApplication {
    return this.pack.application(dest);
  }

  /** RSSI open. */
  get isOpen(): boolean {
    return this.rssi.open;
  }

  /** Opens the transport (once) and starts RSSI. With `wait`, resolves when the link is open. */
  async start(wait = false): Promise<void> {
    if (this.closed) throw new Error('RudpLink is closed');
    if (!this.opened) {
      await this.transport.open();
      this.opened = true;
    }
    this.rssi.start();
    this.kick();
    if (wait) await this.waitOpen();
  }

  /** Resolves true once RSSI is open (at once if it is), false after `timeoutMs` (default: no limit). */
  waitOpen(timeoutMs = Infinity): Promise<boolean> {
    if (this.rssi.open) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      let t: unknown = null;
      const done = (open: boolean) => {
        if (!open) return;
        this.stateWaiters.delete(done);
        if (t !== null) this.clock.clearTimer(t);
        resolve(true);
      };
      this.stateWaiters.add(done);
      if (timeoutMs < Infinity)
        t = this.clock.setTimer(() => {
          this.stateWaiters.delete(done);
          resolve(this.rssi.open);
        }, timeoutMs);
    });
  }

  /** Called with true/false whenever the link opens or closes. Returns a function that removes it. */
  onStateChange(fn: (open: boolean) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /** pyrogue's `stop` command: RSSI sends its RST and stops (the socket stays open; `start()` again reconnects). */
  stopRssi(): void {
    this.rssi.stop();
    this.kick();
  }

  /** Stops RSSI (RST) and closes the transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rssi.stop();
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    await this.transport.close();
  }

  /** Segments RSSI takes now: free queue places and free window slots (0 while closed). */
  private room(): number {
    return this.rssi.open ? this.rssi.maxTxQueue - this.rssi.txQueued + Math.max(0, this.rssi.curMaxBuffers - this.rssi.unacked) : 0;
  }

  /** Sends the frames waiting for room, in the order they came, while there is room for the first. */
  private runRoomWaiters(): void {
    const w = this.roomWaiters;
    while (w.length > 0) {
      if (!this.rssi.open) {
        w.shift()!.run(false);
        continue;
      }
      if (this.room() < w[0].segments) return;
      w.shift()!.run(true);
    }
  }

  private onState(open: boolean): void {
    if (!open && this.roomWaiters.length > 0) this.runRoomWaiters();
    if (open && this.transport instanceof UdpServer) this.transport.setRxBufferCount(this.rssi.curMaxBuffers);
    if (open && this.transport instanceof UdpClient) this.transport.setRxBufferCount(this.rssi.curMaxBuffers);
    for (const w of [...this.stateWaiters]) w(open);
    for (const l of [...this.stateListeners]) l(open);
  }

  /** Polls RSSI soon (after the current synchronous work: a frame's segments are polled for once). */
  private kickSoon(): void {
    if (this.kickQueued) return;
    this.kickQueued = true;
    queueMicrotask(() => {
      this.kickQueued = false;
      this.kick();
    });
  }

  private ioKickQueued = false;

  /** Polls RSSI in the check phase of this turn of the event loop (after its I/O). */
  private kickAfterIo(): void {
    if (this.ioKickQueued) return;
    this.ioKickQueued = true;
    setImmediate(() => {
      this.ioKickQueued = false;
      this.kick();
    });
  }

  /** Runs RSSI's due timers and arms the timer for its next deadline. */
  private kick(): void {
    if (this.closed) return;
    const at = this.rssi.poll();
    if (at === Infinity || at >= this.timerAt) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(
      () => {
        // One more turn of the event loop first: after a stall (a busy machine) the peer's
        // acknowledgements wait in the socket, and I/O runs after timers in a turn; without
        // this the retransmission timer would resend what has been acknowledged.
        this.timer = this.clock.setTimer(() => {
          this.timer = null;
          this.timerAt = Infinity;
          this.kick();
        }, 0);
      },
      Math.max(0, at - this.clock.now()),
    );
  }
}
