/**
 * `MemoryTcpClient`: a MemoryBackend whose transactions travel to a rogue memory
 * TcpServer (rogue.interfaces.memory.TcpServer, or our MemoryTcpServer) — the
 * TypeScript counterpart of rogue.interfaces.memory.TcpClient. Use it as a
 * device's memBase; every RemoteVariable read/write then goes over the bridge.
 *
 *   const mem = new MemoryTcpClient({ addr: 'daq-host', port: 9000 });
 *   await mem.start();                       // probes the server when waitReady is set
 *   root.add(new AxiVersion({ memBase: mem, offset: 0 }));
 *   ...
 *   await mem.close();
 *
 * Requests go out on a PUSH socket connected to PORT (immediate, never blocking),
 * responses come back on a PULL socket connected to PORT+1 and are matched by id;
 * any number of transactions may be in flight. A failed transaction rejects with
 * rogue's transaction error text, which the block reports as pyrogue does
 * ("Transaction error for block … Error <text>").
 */
import * as zmq from 'zeromq';
import type { MemoryBackend } from '../tree/memory';
import { BridgeType, decodeHeader, encodeRequest, RESULT_MAX } from './wire';

export interface BridgeLogger {
  warn(message: string): void;
  debug?(message: string): void;
}

/** Warnings to stderr, as rogue's logger prints them. */
export const bridgeConsoleLogger: BridgeLogger = { warn: (m) => console.warn(m) };

export interface MemoryTcpClientOptions {
  /** Host of the TcpServer ('127.0.0.1', 'daq-host'). */
  addr: string;
  /** Base port: requests to PORT, responses from PORT+1. */
  port: number;
  /** When true, `start()` probes the server until it answers (at most 10 s), as rogue's `_start()`. Default false. */
  waitReady?: boolean;
  /** Seconds `start()` keeps probing when waitReady is set (rogue: 10). */
  readyTimeout?: number;
  /** Transaction timeout in seconds (pyrogue's device timeout). Default 1.0. */
  timeout?: number;
  /** Minimum access size advertised to blocks (rogue's TcpClient says 4). */
  minAccess?: number;
  /** Where warnings go (default: stderr; null: nowhere). */
  logger?: BridgeLogger | null;
}

interface Pending {
  id: number;
  address: bigint;
  size: number;
  type: number;
  timer: NodeJS.Timeout;
  resolve(data: Uint8Array): void;
  reject(e: Error): void;
}

/**
 * Transaction ids: one increasing counter per process, as rogue's Transaction ids — but
 * starting at a random point, so that two client processes sharing one server (whose
 * responses reach every client) rarely use the same ids at the same time.
 */
let nextId = 1 + Math.floor(Math.random() * 0x40000000);
function newId(): number {
  const id = nextId;
  nextId = nextId >= 0xfffffffd ? 1 : nextId + 1;
  return id;
}

/** Socket queue limits, in messages. */
export const QUEUE_HWM = 100000;

/** Ids remembered after they time out (so a late response is told apart from an unknown one). */
const EXPIRED_KEEP = 4096;

export class MemoryTcpClient implements MemoryBackend {
  readonly addr: string;
  readonly port: number;
  readonly minAccess: number;
  readonly maxAccess = 0xffffffff;
  /** Transaction timeout in seconds; may be changed at any time (applies to new transactions). */
  timeout: number;
  /** Counters, handy in tests and logs. */
  readonly stats = { sent: 0, completed: 0, failed: 0, timedOut: 0, dropped: 0, sendFailed: 0 };
  private readonly waitReadyOnStart: boolean;
  /** Seconds `start()` probes before giving up. */
  readonly readyTimeout: number;
  private readonly logger: BridgeLogger | null;
  private readonly req: zmq.Push;
  private readonly resp: zmq.Pull;
  private readonly pending = new Map<number, Pending>();
  private readonly expired = new Set<number>();
  /** Posts, and transactions already answered: a server that sends a response to every client (MemoryTcpServer's fanout) may send a second copy. */
  private readonly ignored = new Set<number>();
  private readonly probes = new Map<number, (result: string) => void>();
  private sendQueue: Buffer[][] = [];
  private sending = false;
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(opts: MemoryTcpClientOptions) {
    this.addr = opts.addr;
    this.port = opts.port;
    this.timeout = opts.timeout ?? 1.0;
    this.minAccess = opts.minAccess ?? 4;
    this.waitReadyOnStart = opts.waitReady ?? false;
    this.readyTimeout = opts.readyTimeout ?? 10;
    this.logger = opts.logger === undefined ? bridgeConsoleLogger : opts.logger;
    // sendTimeout 0 = ZMQ_DONTWAIT: with immediate set and no server, a send fails at once.
    // High-water marks well above libzmq's 1000 messages: thousands of transactions may be in flight.
    this.req = new zmq.Push({ immediate: true, linger: 0, sendTimeout: 0, sendHighWaterMark: QUEUE_HWM });
    this.resp = new zmq.Pull({ linger: 0, receiveHighWaterMark: QUEUE_HWM });
    this.req.connect(`tcp://${this.addr}:${this.port}`);
    this.resp.connect(`tcp://${this.addr}:${this.port + 1}`);
    this.loop = this.receiveLoop();
  }

  /** The request address, as rogue's messages name it. */
  get url(): string {
    return `tcp://${this.addr}:${this.port}`;
  }

  /** Transactions sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * rogue's `_start()`: with waitReady, probes until the server answers (every 0.1 s, at
   * most `readyTimeout` = 10 s) and throws rogue's readiness error otherwise.
   */
  async start(): Promise<void> {
    if (!this.waitReadyOnStart) return;
    if (!(await this.waitReady(this.readyTimeout, 0.1))) throw new Error(`Timed out waiting for remote TcpServer readiness on tcp://${this.addr}:${this.port}`);
  }

  /** Sends a readiness probe every `period` seconds (fresh id each) until one is answered 'OK', for at most `timeout` seconds. */
  async waitReady(timeout = 10, period = 0.1): Promise<boolean> {
    const end = Date.now() + timeout * 1000;
    while (!this.closed) {
      const id = newId();
      const answered = new Promise<string>((resolve) => this.probes.set(id, resolve));
      this.enqueue(encodeRequest({ id, address: 0n, size: 0, type: BridgeType.Probe }));
      const wait = Math.max(1, Math.min(period * 1000, end - Date.now()));
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([answered, new Promise<null>((r) => (timer = setTimeout(() => r(null), wait)))]);
      clearTimeout(timer);
      this.probes.delete(id);
      if (result === 'OK') return true;
      if (Date.now() >= end) break;
      if (result !== null) await new Promise((r) => setTimeout(r, Math.max(0, Math.min(wait, end - Date.now()))));
    }
    this.logger?.warn(`Timed out waiting for bridge readiness on port tcp://${this.addr}:${this.port}`);
    return false;
  }

  read(address: number, size: number): Promise<Uint8Array> {
    return this.transact(BridgeType.Read, address, size);
  }

  async write(address: number, data: Uint8Array): Promise<void> {
    await this.transact(BridgeType.Write, address, data.length, data);
  }

  /** A write whose completion nobody waits for: done as soon as it is sent. */
  async post(address: number, data: Uint8Array): Promise<void> {
    await this.transact(BridgeType.Post, address, data.length, data);
  }

  /** A read-back after a write (rogue's Verify type on the wire). */
  verify(address: number, size: number): Promise<Uint8Array> {
    return this.transact(BridgeType.Verify, address, size);
  }

  /**
   * One transaction of rogue type `type` (1 Read, 2 Write, 3 Post, 4 Verify). Resolves
   * with the bytes read (Read/Verify) or written (Write/Post); rejects with rogue's
   * transaction error text.
   */
  transact(type: number, address: number | bigint, size: number, data?: Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('MemoryTcpClient is closed'));
    const id = newId();
    const addr = BigInt(address);
    const frames = encodeRequest({ id, address: addr, size, type }, data);
    this.stats.sent++;
    if (type === BridgeType.Post) {
      // rogue completes a Post on send; its response is of no interest.
      this.remember(this.ignored, id);
      this.enqueue(frames);
      this.stats.completed++;
      return Promise.resolve(data ?? new Uint8Array(size));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.get(id) !== p) return;
        this.pending.delete(id);
        this.remember(this.expired, id);
        this.stats.timedOut++;
        this.stats.failed++;
        reject(new Error(`Timeout waiting for register transaction ${id} message response.`));
      }, this.timeout * 1000);
      const p: Pending = { id, address: addr, size, type, timer, resolve, reject };
      this.pending.set(id, p);
      this.enqueue(frames);
    });
  }

  /** Stops the sockets; transactions still in flight fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('MemoryTcpClient closed'));
    }
    this.pending.clear();
    this.sendQueue = [];
    this.req.close();
    this.resp.close();
    await this.loop.catch(() => undefined);
  }

  private remember(set: Set<number>, id: number): void {
    set.add(id);
    if (set.size > EXPIRED_KEEP) set.delete(set.values().next().value as number);
  }

  private enqueue(frames: Buffer[]): void {
    this.sendQueue.push(frames);
    if (!this.sending) void this.pump();
  }

  /** zeromq.js allows one send at a time: sends queue here, each without blocking (rogue's DONTWAIT). */
  private async pump(): Promise<void> {
    this.sending = true;
    try {
      while (this.sendQueue.length > 0 && !this.closed) {
        const frames = this.sendQueue.shift()!;
        try {
          await this.req.send(frames);
        } catch (e) {
          if (this.closed) return;
          // As rogue: the transaction stays and times out; a probe simply goes unanswered.
          this.stats.sendFailed++;
          const id = frames[0].readUInt32LE(0);
          const type = frames[3].readUInt32LE(0);
          if (type !== BridgeType.Probe) this.logger?.warn(`Failed to send transaction ${id} on tcp://${this.addr}:${this.port}: ${(e as Error).message}`);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async receiveLoop(): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await this.resp.receive();
      } catch (e) {
        if (this.closed) return;
        this.logger?.warn(`memory bridge receive failed: ${(e as Error).message}`);
        continue;
      }
      this.onResponse(frames);
    }
  }

  private onResponse(frames: Buffer[]): void {
    const header = frames.length === 6 ? decodeHeader(frames) : null;
    if (!header || frames[5].length > RESULT_MAX) {
      this.stats.dropped++;
      this.logger?.warn(`Bad message sizes: ${frames.map((f) => f.length).join('/')} (dropped)`);
      return;
    }
    const { id, address, size, type } = header;
    const nul = frames[5].indexOf(0);
    const result = (nul >= 0 ? frames[5].subarray(0, nul) : frames[5]).toString('latin1');
    if (type === BridgeType.Probe) {
      this.probes.get(id)?.(result);
      return;
    }
    const p = this.pending.get(id);
    if (!p) {
      this.stats.dropped++;
      if (this.expired.has(id)) this.logger?.warn(`Dropping late response for expired transaction. Id=${id}`);
      else if (!this.ignored.delete(id)) this.logger?.warn(`Failed to find transaction id=${id}`);
      return;
    }
    this.pending.delete(id);
    clearTimeout(p.timer);
    this.remember(this.ignored, id);
    const fail = (text: string) => {
      this.stats.failed++;
      p.reject(new Error(text));
    };
    if (address !== p.address || size !== p.size || type !== p.type) {
      this.logger?.warn(`Transaction data mismatch. Id=${id}`);
      return fail('Transaction data mismatch in TcpClient');
    }
    if (type !== BridgeType.Write && frames[4].length !== size) {
      this.logger?.warn(`Transaction size mismatch. Id=${id}`);
      return fail('Received transaction response did not match header size');
    }
    if (result !== 'OK') return fail(result);
    this.stats.completed++;
    p.resolve(new Uint8Array(frames[4]));
  }
}
