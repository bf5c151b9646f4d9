/**
 * The client side of pyrogue's binary port (base+1) and publish port (base).
 *
 * Requests: one zeromq REQ socket (pyrogue's C++ ZmqClient options: receive
 * timeout, REQ_CORRELATE and REQ_RELAXED, linger 0), so a dead server costs a
 * bounded wait and a later request still works after a timeout (a stale reply
 * is dropped by the correlation id). Requests are sent one at a time, in call
 * order: callers may fire many without waiting.
 *
 * Each request is `pickle.dumps({'path', 'attr', 'args', 'kwargs'}, 4)`; the
 * reply is unpickled with unknown classes kept as records (src/pickle
 * `allowObjects`), then VariableValue / VirtualFactory become client objects
 * (values.ts), and an exception reply is thrown as a RemoteError.
 */
import * as dns from 'dns';
import * as net from 'net';
import * as zmq from 'zeromq';
import { decode } from '../pickle/decode';
import { encode } from '../pickle/encode';
import { PyDict, PyTuple, PyValue } from '../py/values';
import { ClientClosedError, ClientConnectionError, ClientProtocolError, ClientTimeoutError, RemoteError, RequestContext, isRemoteException } from './errors';
import { fromWire } from './values';

/** How a client finds its server. */
export interface ServerAddress {
  /** Host name or address of the server (default 'localhost'). */
  addr?: string;
  /** Base port (publish); requests go to port+1 (default 9099). */
  port?: number;
}

/** Parses "host:port" (or ":port", "port", "host"): pyrogue's --server form. */
export function parseServer(text: string, defaultPort = 9099): { addr: string; port: number } {
  const first = text.split(',')[0].trim();
  const m = /^(?:\[([^\]]+)\]|([^:]*))(?::(\d+))?$/.exec(first);
  if (!m) throw new Error(`bad server address '${text}' (expected host:port)`);
  const host = (m[1] ?? m[2] ?? '').trim();
  if (/^\d+$/.test(host) && m[3] === undefined) return { addr: 'localhost', port: Number(host) };
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65533) throw new Error(`bad port in server address '${text}'`);
  return { addr: host === '' ? 'localhost' : host, port };
}

function hostForUrl(addr: string): string {
  return addr.includes(':') && !addr.startsWith('[') ? `[${addr}]` : addr;
}

export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** Encodes one request exactly as pyrogue's clients do (dict key order path, attr, args, kwargs). */
export function encodeRequest(path: string | null, attr: string | null, args: readonly PyValue[] = [], kwargs: PyDict = new PyDict(), protocol = 4): Buffer {
  const d = new PyDict();
  d.set('path', path);
  d.set('attr', attr);
  d.set('args', new PyTuple(args));
  d.set('kwargs', kwargs);
  return encode(d, protocol);
}

/**
 * Decodes a reply: the value (client objects substituted), or throws the
 * RemoteError of an exception reply, or a ClientProtocolError naming the
 * address for an empty or undecodable reply.
 */
export function decodeReply(bytes: Uint8Array, address: string, request: RequestContext | null = null): PyValue {
  if (bytes.length === 0) {
    throw new ClientProtocolError(`empty reply from ${address}${describe(request)} (the server failed to answer this request)`, address);
  }
  let v: PyValue;
  try {
    v = decode(bytes, { allowObjects: true });
  } catch (e) {
    throw new ClientProtocolError(`undecodable reply from ${address}${describe(request)}: ${(e as Error).message}`, address);
  }
  if (isRemoteException(v)) throw RemoteError.fromObject(v, request);
  return fromWire(v);
}

/** Decodes a publish frame into its {path: VariableValue} entries (empty for anything else). */
export function decodePublish(bytes: Uint8Array): [string, PyValue][] {
  if (bytes.length === 0) return [];
  let v: PyValue;
  try {
    v = decode(bytes, { allowObjects: true });
  } catch {
    return []; // e.g. pyrogue's "null\n" frame
  }
  if (!(v instanceof PyDict)) return [];
  const out: [string, PyValue][] = [];
  for (const [k, val] of v) if (typeof k === 'string') out.push([k, fromWire(val)]);
  return out;
}

function describe(r: RequestContext | null): string {
  if (!r) return '';
  return ` (${r.path === null ? 'None' : r.path}${r.attr === null ? '' : ' ' + r.attr})`;
}

export interface RequestChannelOptions {
  /** Milliseconds to wait for each reply (0: forever). */
  timeout: number;
  /** Pickle protocol of requests (default 4). */
  protocol?: number;
}

export interface RequestOptions {
  /** Overrides the channel's timeout for this request (ms, 0 = forever). */
  timeout?: number;
}

/**
 * libzmq resolves a host name in the background and keeps retrying when it cannot, so
 * an unknown host would look like a stopped server (a timeout). Look it up once: a name
 * that does not exist (ENOTFOUND) fails the requests at once, saying so.
 */
function checkHost(host: string, address: string): Promise<ClientConnectionError | null> {
  if (host === '*' || net.isIP(host.replace(/^\[|\]$/g, '')) !== 0) return Promise.resolve(null);
  return dns.promises.lookup(host).then(
    () => null,
    (e: NodeJS.ErrnoException) =>
      e.code === 'ENOTFOUND'
        ? new ClientConnectionError(`unknown host '${host}' (${e.code}): cannot reach a pyrogue server at ${address}`, address, 'ENOTFOUND')
        : null,
  );
}

/** A REQ socket to base+1 with a queue of requests. */
/** Closes a socket that may be gone or closed already. */
function closeQuietly(sock: { close(): void } | null): void {
  try {
    sock?.close();
  } catch {
    /* already closed */
  }
}

export class RequestChannel {
  readonly host: string;
  readonly port: number;
  /** "host:port" (the base port, as users give it). */
  readonly address: string;
  /** The request endpoint, "tcp://host:port+1". */
  readonly endpoint: string;
  timeout: number;
  readonly protocol: number;
  private sock: zmq.Request | null;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Requests sent or queued and not yet answered. */
  pending = 0;
  /** Date.now() of the start of the request in flight (0 when idle). */
  inFlightSince = 0;
  /** Called after every successful reply (link activity). */
  onReply: (() => void) | null = null;
  /** Resolves to an error when the host name does not resolve (checked once, before the first request). */
  private readonly hostCheck: Promise<ClientConnectionError | null>;

  constructor(host: string, port: number, options: RequestChannelOptions) {
    this.host = host;
    this.port = port;
    this.address = `${host}:${port}`;
    this.endpoint = `tcp://${hostForUrl(host)}:${port + 1}`;
    this.timeout = options.timeout;
    this.protocol = options.protocol ?? 4;
    this.sock = new zmq.Request({ linger: 0, correlate: true, relaxed: true });
    this.sock.connect(this.endpoint);
    this.hostCheck = checkHost(host, this.address);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** pyrogue's `_remoteAttr(path, attr, *args, **kwargs)`. */
  request(
    path: string | null,
    attr: string | null,
    args: readonly PyValue[] = [],
    kwargs: PyDict = new PyDict(),
    options: RequestOptions = {},
  ): Promise<PyValue> {
    if (this.closed) return Promise.reject(new ClientClosedError(this.address));
    const ctx: RequestContext = { path, attr };
    let body: Buffer;
    try {
      body = encodeRequest(path, attr, args, kwargs, this.protocol);
    } catch (e) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows what the caller threw, unchanged
      return Promise.reject(e);
    }
    this.pending++;
    const run = async (): Promise<PyValue> => {
      try {
        const bytes = await this.exchange(body, options.timeout ?? this.timeout, ctx);
        const v = decodeReply(bytes, this.address, ctx);
        this.onReply?.();
        return v;
      } catch (e) {
        if (e instanceof RemoteError) this.onReply?.(); // the server answered: the link is alive
        throw e;
      } finally {
        this.pending--;
      }
    };
    const p = this.tail.then(run, run);
    this.tail = p.catch(() => undefined);
    return p;
  }

  private async exchange(body: Buffer, timeout: number, ctx: RequestContext): Promise<Buffer> {
    const sock = this.sock;
    if (this.closed || !sock) throw new ClientClosedError(this.address);
    const unknownHost = await this.hostCheck;
    if (unknownHost) throw unknownHost;
    const ms = timeout > 0 ? Math.ceil(timeout) : -1;
    sock.receiveTimeout = ms;
    sock.sendTimeout = ms;
    this.inFlightSince = Date.now();
    try {
      await sock.send(body);
      const frames = await sock.receive();
      return frames[0] ?? Buffer.alloc(0);
    } catch (e) {
      if (this.closed) throw new ClientClosedError(this.address);
      if (errorCode(e) === 'EAGAIN') {
        const secs = ms / 1000;
        throw new ClientTimeoutError(
          `no reply from pyrogue server ${this.address} (request port ${this.endpoint}) within ${secs} s` + `${describe(ctx)}; is the server running?`,
          this.address,
          ctx,
        );
      }
      throw e;
    } finally {
      this.inFlightSince = 0;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeQuietly(this.sock);
    this.sock = null;
  }
}

/** A SUB socket on the base port delivering each publish's entries. */
export class UpdateChannel {
  private sock: zmq.Subscriber | null;
  private closed = false;
  readonly done: Promise<void>;

  constructor(host: string, port: number, onFrame: (bytes: Uint8Array) => void) {
    this.sock = new zmq.Subscriber({ linger: 0 });
    this.sock.connect(`tcp://${hostForUrl(host)}:${port}`);
    this.sock.subscribe();
    this.done = this.loop(this.sock, onFrame);
  }

  private async loop(sock: zmq.Subscriber, onFrame: (bytes: Uint8Array) => void): Promise<void> {
    try {
      for (;;) {
        if (this.closed) return;
        const frames = await sock.receive();
        if (this.closed) return;
        const f = frames[0];
        if (f && f.length > 0) {
          try {
            onFrame(f);
          } catch (e) {
            // A listener's exception must not stop the updates (pyrogue prints it and goes on).
            console.error(`pyrogue-ts client: update listener failed: ${(e as Error)?.stack ?? String(e)}`);
          }
        }
      }
    } catch {
      /* socket closed */
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeQuietly(this.sock);
    this.sock = null;
  }
}
