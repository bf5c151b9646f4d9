/**
 * Many requests to a pyrogue server's binary port (base+1) in flight at once:
 * what walks a whole tree (`pyrogue-ts snapshot`, `compare`) uses instead of
 * RequestChannel's one-at-a-time REQ socket.
 *
 * One zeromq DEALER socket sends each request as [request id][empty][pickle],
 * the envelope a REQ socket with REQ_CORRELATE sends (rogue's C++ client
 * does). A REP socket (pyrogue) and this package's ROUTER both echo the
 * envelope before the reply, so each reply finds its request by its id
 * whatever the order. The server still works on one request at a time; what
 * the pipeline saves is the round trip per request.
 *
 *   const p = new PipelinedChannel('127.0.0.1', 9099, { window: 256, timeout: 10000 });
 *   const [a, b] = await Promise.all([p.request('Root.Demo.Int', 'value'), p.request('Root.Demo.Int', 'units')]);
 *   p.close();
 *
 * At most `window` requests are outstanding; the rest wait in order. A reply
 * that does not come within `timeout` fails its request (ClientTimeoutError)
 * and every later one (the server is taken as gone).
 */
import * as zmq from 'zeromq';
import { PyDict, PyValue } from '../py/values';
import { decodeReply, encodeRequest, errorCode } from './channel';
import { ClientClosedError, ClientTimeoutError, type RequestContext } from './errors';

export interface PipelinedChannelOptions {
  /** Requests outstanding at once (default 128). */
  window?: number;
  /** Milliseconds a reply may take (0: forever). Default 10000. */
  timeout?: number;
}

interface Pending {
  id: number;
  body: Buffer;
  ctx: RequestContext;
  sentAt: number;
  resolve: (v: PyValue) => void;
  reject: (e: unknown) => void;
}

const EMPTY = Buffer.alloc(0);

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const K_PATH = utf8('path');
const K_ATTR = utf8('attr');
const K_ARGS = utf8('args');
const K_KWARGS = utf8('kwargs');

/**
 * The bytes `pickle.dumps({'path': p, 'attr': a, 'args': args, 'kwargs': {}}, 4)`
 * gives for the requests a tree walk sends (str path and attr shorter than 256
 * bytes, no arguments or one bool, no keyword arguments), written directly:
 * the general encoder costs several times as much. Null for any other request.
 */
export function encodeSimpleRequest(path: string | null, attr: string | null, args: readonly PyValue[], kwargs: PyDict): Buffer | null {
  if (typeof path !== 'string' || kwargs.size !== 0 || args.length > 1 || (args.length === 1 && typeof args[0] !== 'boolean')) return null;
  const p = utf8(path);
  const a = attr === null ? null : utf8(attr);
  if (p.length > 255 || (a !== null && a.length > 255)) return null;
  // frame: } \x94 ( [path] [p] [attr] [a|N] [args] <tuple> [kwargs] } \x94 u .   — each str is \x8c len bytes \x94
  const str = (b: Buffer) => 3 + b.length;
  const tuple = args.length === 0 ? 1 : 3;
  const frame = 3 + str(K_PATH) + str(p) + str(K_ATTR) + (a === null ? 1 : str(a)) + str(K_ARGS) + tuple + str(K_KWARGS) + 4;
  const out = Buffer.allocUnsafe(11 + frame);
  let i = 0;
  out[i++] = 0x80;
  out[i++] = 4;
  out[i++] = 0x95;
  out.writeUInt32LE(frame, i);
  out.writeUInt32LE(0, i + 4);
  i += 8;
  const putStr = (b: Buffer) => {
    out[i++] = 0x8c;
    out[i++] = b.length;
    b.copy(out, i);
    i += b.length;
    out[i++] = 0x94;
  };
  out[i++] = 0x7d; // }
  out[i++] = 0x94;
  out[i++] = 0x28; // (
  putStr(K_PATH);
  putStr(p);
  putStr(K_ATTR);
  if (a === null)
    out[i++] = 0x4e; // N
  else putStr(a);
  putStr(K_ARGS);
  if (args.length === 0)
    out[i++] = 0x29; // )
  else {
    out[i++] = args[0] === true ? 0x88 : 0x89;
    out[i++] = 0x85; // TUPLE1
    out[i++] = 0x94;
  }
  putStr(K_KWARGS);
  out[i++] = 0x7d;
  out[i++] = 0x94;
  out[i++] = 0x75; // u
  out[i++] = 0x2e; // .
  return out;
}

export class PipelinedChannel {
  readonly address: string;
  readonly endpoint: string;
  readonly window: number;
  timeout: number;
  private readonly sock: zmq.Dealer;
  private readonly waiting: Pending[] = [];
  private waitHead = 0;
  private readonly inFlight = new Map<number, Pending>();
  private nextId = 1;
  private sending = false;
  private closed = false;
  private failure: Error | null = null;
  private readonly timer: NodeJS.Timeout;
  /** Requests answered so far. */
  answered = 0;

  constructor(host: string, port: number, options: PipelinedChannelOptions = {}) {
    this.address = `${host}:${port}`;
    const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
    this.endpoint = `tcp://${h}:${port + 1}`;
    this.window = Math.max(1, options.window ?? 128);
    this.timeout = options.timeout ?? 10000;
    // sendTimeout 0: zeromq.js sends at once (the window stays far below the high-water mark)
    this.sock = new zmq.Dealer({ linger: 0, sendTimeout: 0 });
    this.sock.connect(this.endpoint);
    void this.receiveLoop();
    this.timer = setInterval(() => this.checkTimeouts(), 250);
    this.timer.unref();
  }

  /** `_remoteAttr(path, attr, *args, **kwargs)`: the reply, or a RemoteError for an exception reply. */
  request(path: string | null, attr: string | null, args: readonly PyValue[] = [], kwargs: PyDict = new PyDict()): Promise<PyValue> {
    if (this.closed) return Promise.reject(new ClientClosedError(this.address));
    if (this.failure) return Promise.reject(this.failure);
    let body: Buffer;
    try {
      body = encodeSimpleRequest(path, attr, args, kwargs) ?? encodeRequest(path, attr, args, kwargs);
    } catch (e) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the encoder threw, unchanged
      return Promise.reject(e);
    }
    return new Promise<PyValue>((resolve, reject) => {
      this.waiting.push({ id: 0, body, ctx: { path, attr }, sentAt: 0, resolve, reject });
      this.pump();
    });
  }

  /** Requests queued or outstanding. */
  get pending(): number {
    return this.waiting.length - this.waitHead + this.inFlight.size;
  }

  private pump(): void {
    if (this.sending) return;
    this.sending = true;
    void this.sendLoop();
  }

  private async sendLoop(): Promise<void> {
    try {
      while (!this.closed && this.waitHead < this.waiting.length && this.inFlight.size < this.window) {
        const p = this.waiting[this.waitHead];
        this.waiting[this.waitHead++] = undefined as unknown as Pending;
        if (this.waitHead === this.waiting.length) {
          this.waiting.length = 0;
          this.waitHead = 0;
        } else if (this.waitHead > 4096 && this.waitHead * 2 > this.waiting.length) {
          this.waiting.splice(0, this.waitHead);
          this.waitHead = 0;
        }
        p.id = this.nextId;
        this.nextId = (this.nextId % 0xffffffff) + 1;
        const id = Buffer.allocUnsafe(4);
        id.writeUInt32BE(p.id, 0);
        p.sentAt = Date.now();
        this.inFlight.set(p.id, p);
        try {
          await this.sock.send([id, EMPTY, p.body]);
        } catch (e) {
          this.inFlight.delete(p.id);
          p.reject(this.closed ? new ClientClosedError(this.address) : e);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async receiveLoop(): Promise<void> {
    try {
      for (;;) {
        const frames = await this.sock.receive();
        if (this.closed) return;
        // [request id][empty][reply]
        if (frames.length < 3 || frames[0].length !== 4) continue;
        const p = this.inFlight.get(frames[0].readUInt32BE(0));
        if (!p) continue; // a late reply to a request that timed out
        this.inFlight.delete(p.id);
        this.answered++;
        try {
          p.resolve(decodeReply(frames[2], this.address, p.ctx));
        } catch (e) {
          p.reject(e);
        }
        this.pump();
      }
    } catch (e) {
      if (!this.closed && errorCode(e) !== 'EAGAIN') this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private checkTimeouts(): void {
    if (this.timeout <= 0 || this.inFlight.size === 0) return;
    const now = Date.now();
    for (const p of this.inFlight.values()) {
      if (now - p.sentAt <= this.timeout) return; // sent in order: the rest are younger
      const r = p.ctx;
      this.fail(
        new ClientTimeoutError(
          `no reply from pyrogue server ${this.address} (request port ${this.endpoint}) within ${this.timeout / 1000} s ` +
            `(${r.path === null ? 'None' : r.path}${r.attr === null ? '' : ' ' + r.attr}); is the server running?`,
          this.address,
          r,
        ),
      );
      return;
    }
  }

  /** Fails every outstanding and queued request, and all later ones. */
  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.inFlight.values()) p.reject(this.failure);
    this.inFlight.clear();
    for (let i = this.waitHead; i < this.waiting.length; i++) this.waiting[i].reject(this.failure);
    this.waiting.length = 0;
    this.waitHead = 0;
  }

  close(): void {
    if (this.closed) return;
    this.fail(new ClientClosedError(this.address));
    this.closed = true;
    clearInterval(this.timer);
    try {
      this.sock.close();
    } catch {
      /* already closed */
    }
  }
}
