/**
 * `MemoryTcpServer`: serves any MemoryBackend (EmulatedMemory, a user backend, a
 * MemoryTcpClient — Node as a bridge hop) to rogue's memory TcpClient and to ours,
 * as rogue.interfaces.memory.TcpServer does: requests on a PULL socket bound to
 * PORT, responses on a PUSH socket bound to PORT+1.
 *
 *   const server = new MemoryTcpServer({ memory: new EmulatedMemory(), addr: '127.0.0.1', port: 9000 });
 *   await server.start();
 *   ...
 *   await server.stop();
 *
 * Transactions run concurrently (a slow one does not hold up the others); the
 * readiness probe is answered without touching memory; a malformed request is
 * dropped with a warning and nothing else happens.
 *
 * Several clients: a PUSH socket cannot address one peer (rogue's own server deals
 * responses round-robin, so with two clients each gets half of the other's). With
 * `fanout` (default on) a response is sent once per connected client; each client
 * keeps the one whose id it is waiting for and drops the others as unknown ids.
 * Ids of different client processes may collide (rogue numbers from 1 in every
 * process): see docs/memory-bridge.md.
 */
import * as zmq from 'zeromq';
import type { MemoryBackend } from '../tree/memory';
import { QUEUE_HWM, type BridgeLogger } from './client';
import { BridgeType, encodeResponse, parseRequest, type BridgeHeader } from './wire';

export interface MemoryTcpServerOptions {
  memory: MemoryBackend;
  /** Interface to bind ('127.0.0.1' default, '*' or '0.0.0.0' for all). */
  addr?: string;
  /** Base port: requests on PORT, responses on PORT+1. */
  port: number;
  /** Send each response once per connected client (see above). Default true. */
  fanout?: boolean;
  /** Largest transaction served (bytes); larger ones fail with an error text. Default the backend's maxAccess, at most 16 MiB. */
  maxSize?: number;
  /** Where warnings go (default: stderr; null: nowhere). */
  logger?: BridgeLogger | null;
}

const DEFAULT_MAX_SIZE = 16 * 1024 * 1024;
/** How long a response may wait for room in a client's queue. */
const SEND_WAIT_MS = 1000;

export class MemoryTcpServer {
  readonly memory: MemoryBackend;
  readonly addr: string;
  readonly port: number;
  readonly fanout: boolean;
  readonly maxSize: number;
  readonly stats = { requests: 0, answered: 0, errors: 0, dropped: 0, probes: 0 };
  private readonly logger: BridgeLogger | null;
  private req: zmq.Pull | null = null;
  private resp: zmq.Push | null = null;
  private peers = 0;
  private loops: Promise<void>[] = [];
  private sendQueue: Buffer[][] = [];
  private sending = false;
  private running = false;

  constructor(opts: MemoryTcpServerOptions) {
    this.memory = opts.memory;
    this.addr = opts.addr ?? '127.0.0.1';
    this.port = opts.port;
    this.fanout = opts.fanout ?? true;
    this.maxSize = opts.maxSize ?? Math.min(opts.memory.maxAccess ?? DEFAULT_MAX_SIZE, DEFAULT_MAX_SIZE);
    this.logger = opts.logger === undefined ? { warn: (m) => console.warn(m) } : opts.logger;
  }

  /** Clients connected to the response port. */
  get clients(): number {
    return this.peers;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const host = this.addr === '0.0.0.0' ? '*' : this.addr;
    this.req = new zmq.Pull({ linger: 0, receiveHighWaterMark: QUEUE_HWM });
    // A response waits for a slow client (rogue's server blocks), but not forever.
    this.resp = new zmq.Push({ linger: 0, sendTimeout: SEND_WAIT_MS, sendHighWaterMark: QUEUE_HWM });
    try {
      await this.resp.bind(`tcp://${host}:${this.port + 1}`);
      await this.req.bind(`tcp://${host}:${this.port}`);
    } catch (e) {
      this.req.close();
      this.resp.close();
      this.req = this.resp = null;
      throw new Error(`Failed to bind memory TcpServer to port ${this.port} at address ${this.addr}: ${(e as Error).message}`);
    }
    this.running = true;
    this.peers = 0;
    this.loops = [this.receiveLoop(this.req), this.eventLoop(this.resp)];
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.sendQueue = [];
    this.req?.close();
    this.resp?.close();
    await Promise.all(this.loops.map((l) => l.catch(() => undefined)));
    this.req = this.resp = null;
  }

  private async eventLoop(sock: zmq.Push): Promise<void> {
    try {
      for await (const ev of sock.events) {
        if (ev.type === 'accept') this.peers++;
        else if (ev.type === 'disconnect') this.peers = Math.max(0, this.peers - 1);
      }
    } catch {
      /* socket closed */
    }
  }

  private async receiveLoop(sock: zmq.Pull): Promise<void> {
    for (;;) {
      let frames: Buffer[];
      try {
        frames = await sock.receive();
      } catch (e) {
        if (!this.running) return;
        this.logger?.warn(`memory TcpServer receive failed: ${(e as Error).message}`);
        continue;
      }
      this.onRequest(frames);
    }
  }

  private onRequest(frames: Buffer[]): void {
    this.stats.requests++;
    const req = parseRequest(frames);
    if (!req.ok) {
      this.stats.dropped++;
      this.logger?.warn(`memory TcpServer: dropping malformed request (${req.reason})`);
      return;
    }
    const { header, data } = req;
    if (header.type === BridgeType.Probe) {
      this.stats.probes++;
      this.respond(header, new Uint8Array(0), 'OK');
      return;
    }
    void this.run(header, data).then(
      ([out, result]) => this.respond(header, out, result),
      (e: unknown) => this.respond(header, new Uint8Array(header.size <= this.maxSize ? header.size : 0), errorText(e)),
    );
  }

  private async run(h: BridgeHeader, data: Uint8Array | null): Promise<[Uint8Array, string]> {
    const { type, size } = h;
    const isWrite = type === BridgeType.Write || type === BridgeType.Post;
    // A failed Read/Verify still carries `size` bytes: clients check the data size before the result text.
    const none = new Uint8Array(size <= this.maxSize ? size : 0);
    if (type !== BridgeType.Read && type !== BridgeType.Write && type !== BridgeType.Post && type !== BridgeType.Verify)
      return [none, `Unsupported transaction type ${type}`];
    if (size > this.maxSize) return [isWrite ? data! : none, `Transaction size ${size} exceeds the maximum ${this.maxSize}`];
    if (h.address + BigInt(size) > BigInt(Number.MAX_SAFE_INTEGER)) return [isWrite ? data! : none, 'Transaction address out of range'];
    const address = Number(h.address);
    const m = this.memory;
    try {
      if (isWrite) {
        if (m.transact) await m.transact(type, address, size, data!);
        else await m.write(address, data!);
        return [data!, 'OK'];
      }
      const got = m.transact ? ((await m.transact(type, address, size)) as Uint8Array) : await m.read(address, size);
      if (!got || got.length < size) return [none, `Short read: ${got ? got.length : 0} of ${size} bytes`];
      return [got.length === size ? got : got.subarray(0, size), 'OK'];
    } catch (e) {
      return [isWrite ? data! : none, errorText(e)];
    }
  }

  private respond(h: BridgeHeader, data: Uint8Array, result: string): void {
    if (!this.running) return;
    if (result === 'OK') this.stats.answered++;
    else this.stats.errors++;
    const frames = encodeResponse(h, data, result.slice(0, 999));
    const copies = this.fanout ? Math.max(1, this.peers) : 1;
    for (let i = 0; i < copies; i++) this.sendQueue.push(frames);
    if (!this.sending) void this.pump();
  }

  private async pump(): Promise<void> {
    this.sending = true;
    try {
      while (this.sendQueue.length > 0 && this.running && this.resp) {
        const frames = this.sendQueue.shift()!;
        // No client connected: nobody to answer (a probe from a client whose response socket is not up yet).
        if (this.peers === 0) {
          if (frames[3].readUInt32LE(0) !== BridgeType.Probe)
            this.logger?.warn(`memory TcpServer: response id=${frames[0].readUInt32LE(0)} dropped: no client connected`);
          continue;
        }
        try {
          await this.resp.send(frames);
        } catch (e) {
          if (!this.running) return;
          // A probe answered before the client's response socket connected: it probes again.
          if (frames[3].readUInt32LE(0) === BridgeType.Probe) continue;
          this.logger?.warn(`memory TcpServer: response id=${frames[0].readUInt32LE(0)} not sent: ${(e as Error).message}`);
        }
      }
    } finally {
      this.sending = false;
    }
  }
}

function errorText(e: unknown): string {
  const t = e instanceof Error ? e.message : String(e);
  return t === '' || t === 'OK' ? 'Unknown error' : t;
}
