/**
 * pyrogue's `ZmqServer` (v6.15.0 wire behaviour, docs/protocol.md "Ports", "Requests on base+1", "Strings on base+2",
 * §4): a thin socket layer over the sans-I/O cores in dispatch.ts,
 * strport.ts and publish.ts.
 *
 *   base     PUB     pickled {path: VariableValue} per update batch
 *   base+1   ROUTER  pickled request → pickled reply       (pyrogue: REP)
 *   base+2   ROUTER  JSON request → Python str() reply     (pyrogue: REP)
 *
 * ROUTER instead of REP: a REQ peer cannot tell the difference (the envelope
 * is echoed verbatim), but a slow request of one client (an async command, a
 * slow memory read) no longer stalls every other client. Each client's own
 * requests are still answered one at a time, in order (per-identity FIFO).
 *
 * Usage, as in pyrogue:
 *     const server = new ZmqServer({ root, addr: '127.0.0.1', port: 0 });
 *     root.addInterface(server);
 *     await root.start();              // binds, logs the start banner
 *     server.port(), server.address
 *     await root.stop();               // closes the sockets
 */
import * as net from 'net';
import * as zmq from 'zeromq';
import { wireText } from '../py/errors';
import type { MaybePromise, RootInterface, RootSurface } from '../tree/surface';
import { type PickleCodec } from './codec';
import { BinaryPort, type BinaryPortOptions } from './dispatch';
import { isPromiseLike } from '../tree/surface';
import { PublishOutbox, UpdateBatcher } from './publish';
import { bodyStart, KeyedSerialQueue, peerKey } from './router';
import { encodeStringReply, StringPort, type StringPortOptions } from './strport';

export interface ZmqServerLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: ZmqServerLogger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
};

export const silentLogger: ZmqServerLogger = { info: () => undefined, warn: () => undefined };

export interface ZmqServerOptions {
  root: RootSurface;
  /** Interface to bind: '*' (all), '127.0.0.1' (default), or an address of this host. */
  addr?: string;
  /** Base port; 0 (default) picks the first free base of 9099, 9103, … 9195 (pyrogue's auto-port). */
  port?: number;
  /** Only variables in one of these groups are published (null: all). */
  incGroups?: string[] | null;
  /** Variables in any of these groups are not published (default ['NoServe']). */
  excGroups?: string[] | null;
  /** Where the start banner and warnings go (default: console; null: nowhere). */
  logger?: ZmqServerLogger | null;
  /** Pickle implementation (default: src/pickle). */
  codec?: PickleCodec;
  /** Reply pickle protocol of the binary port (see BinaryPortOptions). */
  replyProtocol?: BinaryPortOptions['replyProtocol'];
  /** Python str() used by the string port (default: src/py/repr pyStr). */
  str?: StringPortOptions['str'];
  /** json.loads used by the string port (default: src/py/json pyJsonLoads). */
  jsonLoads?: StringPortOptions['jsonLoads'];
  /** Strict UTF-8 decoding used by the string port (default: src/py/json decodeUtf8Strict). */
  decodeUtf8?: StringPortOptions['decodeUtf8'];
  /** Requests accepted but not yet answered, all clients together, before the server stops reading (default 4096). */
  maxInflight?: number;
  /** Publish queue limit per subscriber, in messages; beyond it updates are dropped for that subscriber (default 1000). */
  publishHighWaterMark?: number;
  /**
   * While updates are published without pause, how long (ms) a frame may wait
   * to leave with the next ones in one burst (default 1; 0: frames leave at
   * the end of each event-loop turn). An update after a quiet spell is never
   * delayed. See PublishOutbox.
   */
  publishCoalesceMs?: number;
  /** The auto-port search when port is 0 (default pyrogue's: 9099, step 4, below 9199). */
  autoPorts?: { first: number; step: number; end: number };
}

/** pyrogue's auto-port search (v5.5.0+): bases 9099, 9103, … < 9199. */
export const AUTO_PORT_FIRST = 9099;
export const AUTO_PORT_STEP = 4;
export const AUTO_PORT_END = 9199;

/** Longest stretch the receive loops run without letting the event loop turn… */
const YIELD_EVERY_MS = 5;
/** …checked every this many requests. */
const CLOCK_EVERY = 4;

/** Microtask turns an asynchronous request gets to finish before the next receive (a RemoteVariable get on emulated memory takes ~20). */
const ASYNC_GRACE_TICKS = 64;

/** A port's request handler: the request is `frames[start, frames.length)` (normally one frame); never throws. */
type FrameHandler = (frames: readonly Uint8Array[], start: number) => MaybePromise<Uint8Array>;

/** Puts the reply in place of the request's body, `frames[start, …)`, behind the envelope `frames[0, start)`. */
function putReply(frames: Uint8Array[], start: number, reply: Uint8Array): void {
  if (frames.length !== start + 1) frames.length = start + 1;
  frames[start] = reply;
}

/** A request's key in the per-peer queue: the port's tag and the peer's identity (the envelope's first frame). */
function queueKey(tag: string, envelope: readonly Uint8Array[]): string {
  return tag + peerKey(envelope[0]);
}

/** Resolves when `p` settles or after `ticks` microtask turns, whichever is first (never rejects). */
async function settledWithin(p: Promise<unknown>, ticks: number): Promise<void> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  // eslint-disable-next-line @typescript-eslint/await-thenable -- yields one microtask tick on purpose
  for (let i = 0; i < ticks && !settled; i++) await null;
}

interface Sockets {
  pub: zmq.Publisher;
  bin: zmq.Router;
  str: zmq.Router;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

function errorMessage(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
}

export class ZmqServer implements RootInterface {
  readonly root: RootSurface;
  readonly addr: string;
  private readonly requestedPort: number;
  private readonly logger: ZmqServerLogger;
  private readonly binary: BinaryPort;
  private readonly string: StringPort;
  private readonly batcher: UpdateBatcher;
  private readonly queue = new KeyedSerialQueue();
  private readonly maxInflight: number;
  private readonly publishHwm: number;
  private readonly autoPorts: { first: number; step: number; end: number };
  private sockets: Sockets | null = null;
  private basePort = 0;
  private loops: Promise<void>[] = [];
  private starting: Promise<void> | null = null;
  /** Publish frames the socket refused at once (would have blocked). */
  droppedPublishes = 0;
  /** Publish frames sent. */
  publishedFrames = 0;
  /** Update frames waiting to leave in a burst. */
  private readonly outbox: PublishOutbox;

  constructor(options: ZmqServerOptions) {
    this.root = options.root;
    this.addr = options.addr ?? '127.0.0.1';
    this.requestedPort = options.port ?? 0;
    if (!Number.isInteger(this.requestedPort) || this.requestedPort < 0 || this.requestedPort > 65533) {
      throw new RangeError(`ZmqServer: invalid port ${String(options.port)} (need 0 for auto, or 1..65533 so that port+2 exists)`);
    }
    this.logger = options.logger === null ? silentLogger : (options.logger ?? consoleLogger);
    this.maxInflight = options.maxInflight ?? 4096;
    this.publishHwm = options.publishHighWaterMark ?? 1000;
    this.autoPorts = options.autoPorts ?? { first: AUTO_PORT_FIRST, step: AUTO_PORT_STEP, end: AUTO_PORT_END };
    this.binary = new BinaryPort(this.root, { codec: options.codec, replyProtocol: options.replyProtocol });
    this.string = new StringPort(this.root, { str: options.str, jsonLoads: options.jsonLoads, decodeUtf8: options.decodeUtf8 });
    this.batcher = new UpdateBatcher(options.codec, (m) => this.logger.warn(m));
    this.outbox = new PublishOutbox({ send: (frames) => this.sendFrames(frames), coalesceMs: options.publishCoalesceMs });
    // pyrogue registers its listener in __init__, before the root starts.
    this.root.addVarListener(
      (path, value) => this.batcher.update(path, value),
      () => this.flushUpdates(),
      { incGroups: options.incGroups ?? null, excGroups: options.excGroups === undefined ? ['NoServe'] : options.excGroups },
    );
  }

  /** The base port (PUB); base+1 is the binary port, base+2 the string port. 0 before start. */
  port(): number {
    return this.basePort;
  }

  /** "host:port" for clients: '127.0.0.1:P' when bound to '*'. */
  get address(): string {
    return `${this.addr === '*' ? '127.0.0.1' : this.addr}:${this.basePort}`;
  }

  get running(): boolean {
    return this.sockets !== null;
  }

  /** Binds the three sockets (pyrogue `_start`). Rejects with a message naming the address/port when it cannot. */
  start(): Promise<void> {
    if (this.sockets) return Promise.resolve();
    if (!this.starting) {
      this.starting = this.doStart().finally(() => {
        this.starting = null;
      });
    }
    return this.starting;
  }

  private async doStart(): Promise<void> {
    let sockets: Sockets;
    if (this.requestedPort === 0) {
      let found: Sockets | null = null;
      const { first, step, end } = this.autoPorts;
      for (let base = first; base < end; base += step) {
        try {
          found = await this.bindAll(base);
          this.basePort = base;
          break;
        } catch (e) {
          if (errorCode(e) !== 'EADDRINUSE') throw this.bindError(e, base);
        }
      }
      if (!found) {
        throw new Error(
          `Failed to auto bind server on interface ${this.addr}: no base port in ${first}..${end - 1} (step ${step}) has base, base+1 and base+2 free`,
        );
      }
      sockets = found;
    } else {
      try {
        sockets = await this.bindAll(this.requestedPort);
      } catch (e) {
        throw this.bindError(e, this.requestedPort);
      }
      this.basePort = this.requestedPort;
    }
    this.sockets = sockets;
    // pyrogue sends "null\n" on the PUB here (docs/protocol.md "Ports"). We never do.
    this.loops = [
      this.serve(sockets.bin, 'b', (frames, start) => this.binary.handleFrames(frames, start)),
      this.serve(sockets.str, 's', async (frames, start) => encodeStringReply(await this.string.handle(frames.slice(start)))),
    ];
    const p = this.basePort;
    const host = ['*', '127.0.0.1', '0.0.0.0', 'localhost'].includes(this.addr) ? 'localhost' : this.addr;
    this.logger.info(`Start: Started zmqServer on ports ${p}-${p + 2}`);
    this.logger.info(`    To start a gui: python -m pyrogue gui --server='${host}:${p}'`);
    this.logger.info(`    To use a virtual client: client = pyrogue.interfaces.VirtualClient(addr='${host}', port=${p})`);
  }

  private bindError(e: unknown, base: number): Error {
    const msg = errorMessage(e);
    if (errorCode(e) === 'EADDRINUSE') {
      return new Error(
        `Failed to bind server to port ${base} at address ${this.addr} (ports ${base}-${base + 2} must all be free; another process may be using them): ${msg}`,
      );
    }
    return new Error(`Failed to bind server on interface ${this.addr} port ${base}: ${msg}`);
  }

  /** Binds PUB base, ROUTER base+1, ROUTER base+2; on any failure closes all three and rethrows. */
  private async bindAll(base: number): Promise<Sockets> {
    const pub = new zmq.Publisher({ linger: 0, sendHighWaterMark: this.publishHwm, sendTimeout: 0, noDrop: false });
    // sendTimeout 0 on the ROUTERs: a non-mandatory ROUTER never blocks (it
    // drops for a peer that is gone or over its high-water mark), and with 0
    // zeromq.js always sends synchronously. Otherwise, past a number of
    // synchronous operations, zeromq.js defers a send to the next event-loop
    // turn, and a second reply sent meanwhile by another client's task fails
    // with EBUSY ("only one send operation may be in progress"): a lost reply.
    const bin = new zmq.Router({ linger: 0, mandatory: false, sendTimeout: 0 });
    const str = new zmq.Router({ linger: 0, mandatory: false, sendTimeout: 0 });
    const all = [pub, bin, str];
    const url = (port: number) => `tcp://${this.addr}:${port}`;
    try {
      // Which port failed is in the message (e.g. base+1 taken while base was free).
      for (const [sock, port] of [
        [pub, base],
        [bin, base + 1],
        [str, base + 2],
      ] as const) {
        try {
          await sock.bind(url(port));
        } catch (e) {
          // (zeromq's errors may come from another realm: no instanceof Error)
          throw Object.assign(new Error(`${url(port)}: ${errorMessage(e)}`), { code: errorCode(e) });
        }
      }
      return { pub, bin, str };
    } catch (e) {
      const bound = all.filter((s) => s.lastEndpoint !== null);
      for (const s of all) if (!s.closed) s.close();
      await this.waitReleased(bound.length > 0 ? [base, base + 1, base + 2].slice(0, bound.length) : []);
      throw e;
    }
  }

  /**
   * libzmq closes a socket's listening fd in its I/O thread, a little after
   * `close()` returns. Waits (up to `timeoutMs`) until the ports can be bound
   * again, so that stop() → start() on the same port works.
   */
  private async waitReleased(ports: number[], timeoutMs = 2000): Promise<void> {
    const host = this.addr === '*' ? '0.0.0.0' : this.addr;
    const free = (port: number) =>
      new Promise<boolean>((resolve) => {
        const srv = net.createServer();
        // only "in use" means wait; any other error (an interface name libzmq knows but Node does not) cannot be checked
        srv.once('error', (e: NodeJS.ErrnoException) => resolve(e.code !== 'EADDRINUSE'));
        srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
      });
    const deadline = Date.now() + timeoutMs;
    for (const port of ports) {
      while (!(await free(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * Receive loop of one ROUTER port: never awaits a request's handling, only
   * its own socket.
   *
   * Hot path: a request whose peer has nothing queued and whose handling is
   * synchronous (most requests: a value, a get of a local or emulated
   * variable, the tree) is answered right here, before the next receive: no
   * task, no promise chain, and the reply leaves before the socket is polled
   * again, in the array the request came in (the envelope stays, the reply
   * takes the body's place). Anything asynchronous goes through the per-peer
   * FIFO, and that peer's later requests queue behind it so its replies stay
   * in order.
   */
  private async serve(sock: zmq.Router, tag: string, handle: FrameHandler): Promise<void> {
    const queue = this.queue;
    let lastTurn = Date.now();
    let sinceCheck = 0;
    while (!sock.closed) {
      // Under saturation `receive()` resolves at once, message after message,
      // and this loop would run on microtasks only: the event loop would never
      // turn, so timers (the heartbeat) and zeromq.js's own I/O callbacks
      // (which release sent publish frames) would starve and memory would
      // grow. Let it turn every few milliseconds; the clock is read every
      // few requests (reading it costs a tenth of a `value` request).
      if (++sinceCheck >= CLOCK_EVERY) {
        sinceCheck = 0;
        if (Date.now() - lastTurn >= YIELD_EVERY_MS) {
          await new Promise((r) => setImmediate(r));
          lastTurn = Date.now();
        }
      }
      let frames: Buffer[];
      try {
        frames = await sock.receive();
      } catch (e) {
        if (sock.closed) return;
        this.logger.warn(`ZmqServer: receive failed: ${errorMessage(e)}`);
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      const start = bodyStart(frames);
      if (start < 0) continue;
      // The peer's key is needed only when some peer has work queued (then it may be this one) or this request must queue.
      const key = queue.activeKeys > 0 ? queueKey(tag, frames) : null;
      if (key !== null && queue.busy(key)) {
        this.queueRequest(sock, key, frames, start, handle);
        if (queue.pending >= this.maxInflight) await this.belowInflightLimit(sock);
        continue;
      }
      let reply: MaybePromise<Uint8Array>;
      try {
        reply = handle(frames, start);
      } catch (e) {
        // The cores never throw; stay up anyway.
        this.logger.warn(`ZmqServer: request handler failed: ${wireText(e)}`);
        continue;
      }
      if (!isPromiseLike(reply)) {
        putReply(frames, start, reply);
        try {
          // sendTimeout 0: zeromq.js sends synchronously, the promise is already settled.
          await sock.send(frames);
        } catch {
          void queue.run(key ?? queueKey(tag, frames), this.sendReply.bind(this, sock, frames));
        }
        continue;
      }
      // Most asynchronous operations finish without real I/O (emulated
      // memory, a command that awaits nothing slow): give them a few
      // microtasks, so their reply too leaves before the socket is polled
      // again. Real I/O only costs the budget (a microsecond or two).
      await settledWithin(this.replyWhenSettled(sock, key ?? queueKey(tag, frames), frames, start, reply), ASYNC_GRACE_TICKS);
      if (queue.pending >= this.maxInflight) await this.belowInflightLimit(sock);
    }
  }

  /** Backpressure against a peer that floods requests without reading replies: resolves once fewer than maxInflight requests are pending. */
  private async belowInflightLimit(sock: zmq.Router): Promise<void> {
    while (this.queue.pending >= this.maxInflight && !sock.closed) await this.queue.anySettled();
  }

  /*
   * The receive loop's other paths are methods of their own: a closure in
   * the loop's body would make every iteration allocate the variables it
   * captures on the heap, the hot path's too.
   */

  /** An asynchronous reply, sent once it settles, in the peer's FIFO (`key`). */
  private replyWhenSettled(sock: zmq.Router, key: string, frames: Uint8Array[], start: number, pending: Promise<Uint8Array>): Promise<void> {
    return this.queue.run(key, async () => this.finish(sock, frames, start, await pending));
  }

  /** A request of a peer with work queued: handled after that work, in the peer's FIFO (`key`). */
  private queueRequest(sock: zmq.Router, key: string, frames: Uint8Array[], start: number, handle: FrameHandler): void {
    void this.queue.run(key, async () => {
      let reply: Uint8Array;
      try {
        reply = await handle(frames, start);
      } catch (e) {
        this.logger.warn(`ZmqServer: request handler failed: ${wireText(e)}`);
        return;
      }
      await this.finish(sock, frames, start, reply);
    });
  }

  /** Sends the reply behind the message's envelope, `frames[0, start)`, in the same array. */
  private finish(sock: zmq.Router, frames: Uint8Array[], start: number, reply: Uint8Array): Promise<void> {
    putReply(frames, start, reply);
    return this.sendReply(sock, frames);
  }

  /**
   * Sends one reply. A send the socket refuses for the moment (EBUSY/EAGAIN:
   * not expected with sendTimeout 0 on a non-mandatory ROUTER) is retried on
   * the next event-loop turns rather than dropped: a client must not be left
   * without its answer.
   */
  private async sendReply(sock: zmq.Router, frames: Uint8Array[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (sock.closed) return;
      try {
        await sock.send(frames);
        return;
      } catch (e) {
        if (sock.closed) return;
        const code = errorCode(e);
        if ((code === 'EBUSY' || code === 'EAGAIN') && attempt < 100) {
          await new Promise((r) => setTimeout(r, attempt < 10 ? 0 : 10));
          continue;
        }
        this.logger.warn(`ZmqServer: reply not sent: ${errorMessage(e)}`);
        return;
      }
    }
  }

  /** The var-listener `done`: queue the batch's frame for the PUB socket (see PublishOutbox for when it leaves). */
  private flushUpdates(): void {
    const frame = this.batcher.done();
    if (frame) this.outbox.push(frame);
  }

  /**
   * Sends a burst of frames, one message per batch. Never blocks: a PUB
   * socket drops at a subscriber's high-water mark, and sendTimeout 0 makes
   * any other would-block case reject at once (counted as dropped).
   */
  private sendFrames(frames: Uint8Array[]): void {
    const pub = this.sockets?.pub;
    if (!pub || pub.closed) return;
    for (const frame of frames) pub.send(frame).then(this.onPublished, this.onDropped);
  }

  private readonly onPublished = (): void => {
    this.publishedFrames++;
  };

  private readonly onDropped = (): void => {
    this.droppedPublishes++;
  };

  /** Closes the sockets (pyrogue `_stop`). Requests still running finish but their replies are dropped. */
  async stop(): Promise<void> {
    if (this.starting) {
      try {
        await this.starting;
      } catch {
        /* not started */
      }
    }
    this.outbox.flush();
    const s = this.sockets;
    if (!s) return;
    this.sockets = null;
    for (const sock of [s.pub, s.bin, s.str]) if (!sock.closed) sock.close();
    await Promise.allSettled(this.loops);
    this.loops = [];
    await this.waitReleased([this.basePort, this.basePort + 1, this.basePort + 2]);
  }

  /** Resolves when no request is being handled (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }
}
