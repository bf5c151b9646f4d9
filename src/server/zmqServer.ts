/**
 * pyrogue's `ZmqServer` (v6.15.0 wire behaviour, docs/protocol.md "Ports", "Requests on base+1", "Strings on base+2",
 * §4): a thin socket layer over a sans-I/O stack (stack.ts): the plain
 * ports of dispatch.ts, strport.ts and publish.ts with the fast paths of
 * fast/ on top (or without them: `fastPaths: false`).
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
import type { RootInterface, RootSurface } from '../tree/surface';
import { type PickleCodec } from './codec';
import { type BinaryPortOptions } from './dispatch';
import { fastStack } from './fast';
import { errorCode, errorMessage, type FrameHandler } from './receive';
import { KeyedSerialQueue } from './router';
import { listen, plainStack, type ServerStack } from './stack';
import { encodeStringReply, type StringPortOptions } from './strport';

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
  /**
   * The fast paths of src/server/fast (default true). false: the plain stack
   * alone, every request decoded, resolved and pickled afresh and handled as
   * a task of its peer's queue, every update frame sent when its batch is
   * done. The bytes of replies and frames are the same either way.
   */
  fastPaths?: boolean;
}

/** pyrogue's auto-port search (v5.5.0+): bases 9099, 9103, … < 9199. */
export const AUTO_PORT_FIRST = 9099;
export const AUTO_PORT_STEP = 4;
export const AUTO_PORT_END = 9199;

interface Sockets {
  pub: zmq.Publisher;
  bin: zmq.Router;
  str: zmq.Router;
}

export class ZmqServer implements RootInterface {
  readonly root: RootSurface;
  readonly addr: string;
  private readonly requestedPort: number;
  private readonly logger: ZmqServerLogger;
  private readonly stack: ServerStack;
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
    const stackOptions = {
      root: this.root,
      codec: options.codec,
      replyProtocol: options.replyProtocol,
      str: options.str,
      jsonLoads: options.jsonLoads,
      decodeUtf8: options.decodeUtf8,
      send: (frames: Uint8Array[]) => this.sendFrames(frames),
      warn: (m: string) => this.logger.warn(m),
      publishCoalesceMs: options.publishCoalesceMs,
    };
    this.stack = options.fastPaths === false ? plainStack(stackOptions) : fastStack(stackOptions);
    // pyrogue registers its listener in __init__, before the root starts.
    listen(this.root, this.stack, {
      incGroups: options.incGroups ?? null,
      excGroups: options.excGroups === undefined ? ['NoServe'] : options.excGroups,
    });
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
    const binary = this.stack.binary;
    const string = this.stack.string;
    this.loops = [
      this.serve(sockets.bin, 'b', (frames, start) => binary.handleFrames(frames, start)),
      this.serve(sockets.str, 's', async (frames, start) => encodeStringReply(await string.handle(frames.slice(start)))),
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

  /** The receive loop of one ROUTER port (the stack's: receive.ts, fast/receive.ts). */
  private serve(sock: zmq.Router, tag: string, handle: FrameHandler): Promise<void> {
    return this.stack.loop({ sock, tag, handle, queue: this.queue, maxInflight: this.maxInflight, warn: (m) => this.logger.warn(m) }).run();
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
    this.stack.outbox.flush();
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
