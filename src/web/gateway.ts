/**
 * The browser gateway: an HTTP server for one page (dist/web/static, built by
 * esbuild from src/web/page) and a WebSocket speaking src/web/protocol.ts,
 * mirroring any pyrogue server (this package's or Python's) through the Node
 * VirtualClient. `pyrogue-ts web --server HOST:PORT` and `pyrogue-ts serve
 * --http PORT` run it.
 *
 *     const gw = new WebGateway({ server: { addr: '127.0.0.1', port: 9099 }, port: 8099 });
 *     await gw.start();            // gw.url: http://127.0.0.1:8099/
 *     await gw.close();
 *
 * Safe by default: binds 127.0.0.1; a non-loopback bind needs a token, which
 * every page load and WebSocket must then carry (`?token=`); the WebSocket's
 * Origin must be the page's own; `readOnly` refuses every set and command.
 */
import { timingSafeEqual } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { WebSocket, WebSocketServer } from 'ws';
import { pyStr } from '../py/repr';
import { VirtualClient, type VirtualNode } from '../client/virtual';
import type { RemoteVariableValue } from '../client/values';
import {
  MAX_MESSAGE,
  MAX_PLOTS,
  PROTOCOL_VERSION,
  WS_PATH,
  parentPath,
  parseClientMessage,
  type ClientMessage,
  type Row,
  type Sample,
  type ServerMessage,
  type Update,
} from './protocol';
import { orderRows } from './layout';
import { errorText, kindOf, loadDetails, logEntries, plotValue, rowOf, type StaticPropsCache } from './rows';

export interface WebGatewayOptions {
  /** The pyrogue server to show. */
  server: { addr: string; port: number };
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** HTTP port (default 8099; 0 picks a free one). */
  port?: number;
  /** Required on every page load and WebSocket (`?token=`) when set; needed for a non-loopback bind. */
  token?: string | null;
  /** Hide and refuse every set and command. */
  readOnly?: boolean;
  /** The page's files (default: dist/web/static next to this module). */
  staticDir?: string;
  /** Log lines (default: none). */
  log?: (line: string) => void;
}

/** A configuration the gateway refuses (a non-loopback bind without a token...). */
export class WebConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebConfigError';
  }
}

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

/** Whether a bind address or host name is the loopback interface only. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(h)) return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}

/** Throws WebConfigError unless binding `host` is safe: loopback, or any interface with a token. */
export function checkBind(host: string, token: string | null | undefined): void {
  if (token && token.length < 8) throw new WebConfigError('--token must be at least 8 characters');
  if (!isLoopback(host) && !token)
    throw new WebConfigError(
      `refusing to serve the page on ${host}, which is not loopback, without a token: anyone who can reach it could set variables ` +
        `and run commands. Give --token <secret> (or PYROGUE_WEB_TOKEN), or bind 127.0.0.1 and use an SSH tunnel.`,
    );
}

/** The host name of a Host header ('[::1]:8099' → '::1', 'a.b:80' → 'a.b'). */
export function hostName(hostHeader: string): string {
  const m = /^\[([^\]]*)\](?::\d+)?$/.exec(hostHeader) ?? /^([^:]*)(?::\d+)?$/.exec(hostHeader);
  return (m ? m[1] : hostHeader).toLowerCase();
}

/**
 * Whether a request's Host header may be served. Without a token only a
 * loopback name or an IP address: a page of another site whose name was
 * made to resolve to 127.0.0.1 (DNS rebinding) is refused.
 */
export function hostAllowed(hostHeader: string | undefined, hasToken: boolean): boolean {
  if (hostHeader === undefined || hostHeader === '') return false;
  if (hasToken) return true;
  const h = hostName(hostHeader);
  return isLoopback(h) || net.isIP(h) !== 0;
}

/** Whether a WebSocket's Origin is the page's own origin (same scheme-less host and port as the Host header). */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined || hostHeader === undefined) return false;
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  return (u.protocol === 'http:' || u.protocol === 'https:') && u.host.toLowerCase() === hostHeader.toLowerCase();
}

/** Constant-time token comparison. */
export function tokenMatches(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const STATIC: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/** Updates are sent once the socket's buffer is below this (latest value per path kept meanwhile). */
const HIGH_WATER = 1 << 20;
/** Shortest time between two update messages to one page. */
const MIN_GAP_MS = 8;
/** Variables and commands whose details are loaded in one go. */
const DETAIL_CHUNK = 64;
/** Log entries sent to a page. */
const LOG_KEEP = 200;
/** Samples of plotted variables waiting for a page (its socket backed up): the oldest go first beyond this. */
const MAX_PENDING_SAMPLES = 20000;

class Conn {
  readonly expanded = new Set<string>();
  readonly pending = new Map<string, Update>();
  /** Variables this page plots: every published value of theirs is sent (as samples), whether their device is expanded or not. */
  readonly plotted = new Set<string>();
  private samples: Sample[] = [];
  private scheduled = false;
  private lastFlush = 0;
  constructor(readonly ws: WebSocket) {}

  send(m: ServerMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  queue(u: Update): void {
    this.pending.set(u[0], u);
    // At most one update message per MIN_GAP_MS: a sparse update goes at once, a stream is
    // batched (a browser handles a few large messages far sooner than a thousand small ones).
    this.schedule(Math.max(0, this.lastFlush + MIN_GAP_MS - Date.now()));
  }

  /** Unlike updates, samples are not coalesced: a time plot wants every value (a bounded queue of them). */
  queueSample(x: Sample): void {
    this.samples.push(x);
    if (this.samples.length > MAX_PENDING_SAMPLES) this.samples = this.samples.slice(-MAX_PENDING_SAMPLES / 2);
    this.schedule(Math.max(0, this.lastFlush + MIN_GAP_MS - Date.now()));
  }

  private schedule(ms: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.flush();
    };
    if (ms === 0) setImmediate(run);
    else setTimeout(run, ms);
  }

  private flush(): void {
    if ((this.pending.size === 0 && this.samples.length === 0) || this.ws.readyState !== WebSocket.OPEN) return;
    // A slow page: keep coalescing (one value per path; samples up to their bound) until its socket drains.
    if (this.ws.bufferedAmount > HIGH_WATER) {
      this.schedule(20);
      return;
    }
    this.lastFlush = Date.now();
    if (this.pending.size > 0) {
      const u = [...this.pending.values()];
      this.pending.clear();
      this.send({ t: 'updates', u });
    }
    if (this.samples.length > 0) {
      const s = this.samples;
      this.samples = [];
      this.send({ t: 'samples', s });
    }
  }
}

export class WebGateway {
  private readonly opts: Required<Omit<WebGatewayOptions, 'token' | 'log'>> & { token: string | null; log: (line: string) => void };
  private http: http.Server | null = null;
  private wss: WebSocketServer | null = null;
  private client: VirtualClient | null = null;
  private readonly conns = new Set<Conn>();
  private closed = false;
  private boundPort = 0;
  private lastLog: string | null = null;
  private connecting: Promise<void> | null = null;
  /** mode, typeStr, units, arg by path: asked once, whatever the pages and expansions. */
  private readonly staticProps: StaticPropsCache = new Map();

  constructor(options: WebGatewayOptions) {
    this.opts = {
      server: options.server,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8099,
      token: options.token ? options.token : null,
      readOnly: options.readOnly ?? false,
      staticDir: options.staticDir ?? path.join(__dirname, 'static'),
      log: options.log ?? (() => undefined),
    };
    checkBind(this.opts.host, this.opts.token);
  }

  /** The bound HTTP port. */
  get port(): number {
    return this.boundPort;
  }
  /** The page's address (with the token when one is set). */
  get url(): string {
    const h = this.opts.host === '0.0.0.0' || this.opts.host === '::' ? '127.0.0.1' : this.opts.host;
    const host = net.isIPv6(h) ? `[${h}]` : h;
    return `http://${host}:${this.boundPort}/${this.opts.token ? `?token=${encodeURIComponent(this.opts.token)}` : ''}`;
  }
  /** Whether the pyrogue server is connected and heard from. */
  get linked(): boolean {
    return this.client?.linked ?? false;
  }

  /** Binds the HTTP server and starts connecting to the pyrogue server (pages wait for it). */
  async start(): Promise<void> {
    if (!fs.existsSync(path.join(this.opts.staticDir, 'app.js')))
      throw new WebConfigError(`the page is not built: no ${path.join(this.opts.staticDir, 'app.js')} (run make build)`);
    const server = http.createServer((req, res) => this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
    server.on('upgrade', (req: http.IncomingMessage, socket: import('stream').Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.http = server;
    const a = server.address();
    this.boundPort = typeof a === 'object' && a !== null ? a.port : this.opts.port;
    this.connecting = this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    const { addr, port } = this.opts.server;
    while (!this.closed && !this.client) {
      try {
        const c = await VirtualClient.connect({ addr, port, connectTimeout: 3000, timeout: 10000 });
        if (this.closed) {
          c.close();
          return;
        }
        this.attach(c);
      } catch (e) {
        this.opts.log(`web: waiting for pyrogue server ${addr}:${port}: ${errorText(e)}`);
        this.broadcast({ t: 'link', up: false, text: `waiting for pyrogue server ${addr}:${port}` });
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private attach(c: VirtualClient): void {
    this.client = c;
    this.opts.log(`web: connected to ${c.root.name} at ${c.address}`);
    c.addLinkMonitor((up) => this.broadcast({ t: 'link', up, text: up ? 'connected' : `no news from ${c.address} for a while` }));
    const logPath = `${c.root.path}.SystemLog`;
    c.addVarListener((p, v) => this.onPublish(p, v, logPath));
    for (const conn of this.conns) void this.hello(conn);
  }

  private onPublish(p: string, v: RemoteVariableValue, logPath: string): void {
    if (p === logPath && v.valueDisp !== this.lastLog) {
      this.lastLog = v.valueDisp;
      const entries = logEntries(v.valueDisp).slice(-LOG_KEEP);
      this.broadcast({ t: 'log', entries, replace: true });
    }
    const parent = parentPath(p);
    let u: Update | null = null;
    let sample: Sample | null = null;
    for (const conn of this.conns) {
      if (conn.plotted.has(p)) {
        sample ??= [p, Date.now() / 1000, plotValue(v.value)];
        conn.queueSample(sample);
      }
      if (!conn.expanded.has(parent)) continue;
      u ??= [p, v.valueDisp, v.severity];
      conn.queue(u);
    }
  }

  private broadcast(m: ServerMessage): void {
    for (const conn of this.conns) conn.send(m);
  }

  // --- HTTP -----------------------------------------------------------------------

  private reject(res: http.ServerResponse, code: number, text: string): void {
    res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
    res.end(text + '\n');
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.reject(res, 405, 'method not allowed');
    if (!hostAllowed(req.headers.host, this.opts.token !== null)) return this.reject(res, 403, 'forbidden host');
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
      return;
    }
    const file = STATIC[url.pathname];
    if (!file) return this.reject(res, 404, 'not found');
    if (file[0] === 'index.html' && this.opts.token !== null && !tokenMatches(url.searchParams.get('token'), this.opts.token))
      return this.reject(res, 401, 'this gateway needs its token: open the address it printed (…/?token=…)');
    fs.readFile(path.join(this.opts.staticDir, file[0]), (err, body) => {
      if (err) return this.reject(res, 500, 'page file missing (run make build)');
      res.writeHead(200, { 'Content-Type': file[1], 'Content-Length': body.length, ...SECURITY_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  }

  private onUpgrade(req: http.IncomingMessage, socket: import('stream').Duplex, head: Buffer): void {
    const refuse = (code: number, why: string) => {
      this.opts.log(`web: refused a WebSocket from ${req.socket.remoteAddress ?? '?'} (origin ${req.headers.origin ?? 'none'}): ${why}`);
      socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
    };
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname !== WS_PATH) return refuse(404, 'not found');
    if (!hostAllowed(req.headers.host, this.opts.token !== null)) return refuse(403, 'forbidden host');
    if (!originAllowed(req.headers.origin, req.headers.host)) return refuse(403, 'cross-origin WebSocket refused');
    if (this.opts.token !== null && !tokenMatches(url.searchParams.get('token'), this.opts.token)) return refuse(401, 'token required');
    this.wss!.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
  }

  // --- WebSocket ------------------------------------------------------------------

  private onConnection(ws: WebSocket): void {
    const conn = new Conn(ws);
    this.conns.add(conn);
    ws.on('close', () => this.conns.delete(conn));
    ws.on('error', () => this.conns.delete(conn));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return conn.send({ t: 'error', text: 'binary messages are not understood' });
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const r = parseClientMessage(text);
      if (!r.ok) return conn.send({ t: 'error', text: `refused message: ${r.error}` });
      void this.onMessage(conn, r.msg);
    });
    if (this.client) void this.hello(conn);
    else conn.send({ t: 'link', up: false, text: `waiting for pyrogue server ${this.opts.server.addr}:${this.opts.server.port}` });
  }

  private async hello(conn: Conn): Promise<void> {
    const c = this.client!;
    conn.send({ t: 'hello', version: PROTOCOL_VERSION, root: rowOf(c.root), server: c.address, readOnly: this.opts.readOnly, linked: c.linked });
    const log = await c.getNode(`${c.root.path}.SystemLog`).catch(() => null);
    if (log && 'valueDisp' in log.funcs) {
      try {
        const text = await log.valueDisp();
        this.lastLog ??= text;
        conn.send({ t: 'log', entries: logEntries(text).slice(-LOG_KEEP), replace: true });
      } catch {
        /* no log: the panel stays empty */
      }
    }
  }

  private async node(path: string): Promise<VirtualNode | null> {
    if (!this.client) return null;
    try {
      return await this.client.getNode(path);
    } catch {
      return null;
    }
  }

  private async onMessage(conn: Conn, m: ClientMessage): Promise<void> {
    switch (m.t) {
      case 'expand':
        return this.expand(conn, m.path);
      case 'collapse':
        for (const p of [...conn.expanded]) if (p === m.path || p.startsWith(m.path + '.')) conn.expanded.delete(p);
        return;
      case 'plot':
        return this.plot(conn, m.path, m.on);
      case 'set':
      case 'exec': {
        const result = (ok: boolean, text: string) => conn.send({ t: 'result', id: m.id, ok, text });
        if (this.opts.readOnly) return result(false, 'read-only gateway: sets and commands are refused');
        const n = await this.node(m.path);
        if (!n) return result(false, `no node ${m.path}`);
        try {
          if (m.t === 'set') {
            if (kindOf(n) !== 'variable') return result(false, `${m.path} is not a variable`);
            await n.setDisp(m.value);
            return result(true, '');
          }
          if (!n.isCallable) return result(false, `${m.path} is not a command`);
          const ret = m.arg === null ? await n.exec() : await n.exec(m.arg);
          return result(true, ret === null ? '' : pyStr(ret));
        } catch (e) {
          return result(false, errorText(e));
        }
      }
    }
  }

  private async expand(conn: Conn, path: string): Promise<void> {
    const n = await this.node(path);
    if (!n) return conn.send({ t: 'error', text: `cannot expand ${path}: no such node` });
    let kids: VirtualNode[];
    try {
      kids = [...(await n.nodes()).values()];
    } catch (e) {
      return conn.send({ t: 'error', text: `cannot expand ${path}: ${errorText(e)}` });
    }
    conn.expanded.add(path);
    const rows: Row[] = orderRows(kids.map(rowOf));
    conn.send({ t: 'children', path, rows });
    const byPath = new Map(kids.map((k) => [k.path, k]));
    const leaves = rows.filter((r) => r.kind !== 'device');
    for (let i = 0; i < leaves.length && conn.expanded.has(path); i += DETAIL_CHUNK) {
      const chunk = leaves.slice(i, i + DETAIL_CHUNK);
      const details = await Promise.all(chunk.map((r) => loadDetails(byPath.get(r.path)!, r.kind, this.staticProps)));
      conn.send({ t: 'details', details });
    }
  }

  /** Starts (with the current value, not read from the hardware) or stops sending a variable's samples to a page. */
  private async plot(conn: Conn, path: string, on: boolean): Promise<void> {
    if (!on) {
      conn.plotted.delete(path);
      return;
    }
    if (!conn.plotted.has(path) && conn.plotted.size >= MAX_PLOTS)
      return conn.send({ t: 'error', text: `cannot plot ${path}: at most ${MAX_PLOTS} variables at once` });
    const n = await this.node(path);
    if (!n || kindOf(n) !== 'variable' || !('getVariableValue' in n.funcs)) return conn.send({ t: 'error', text: `cannot plot ${path}: not a variable` });
    conn.plotted.add(path);
    try {
      const v = await n.getVariableValue({ read: false });
      if (conn.plotted.has(path)) conn.queueSample([path, Date.now() / 1000, plotValue(v.value)]);
    } catch (e) {
      conn.send({ t: 'error', text: `cannot plot ${path}: ${errorText(e)}` });
    }
  }

  /** Closes pages, the HTTP server and the client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of this.conns) conn.ws.terminate();
    this.conns.clear();
    this.wss?.close();
    const srv = this.http;
    if (srv) {
      srv.closeAllConnections();
      await new Promise<void>((r) => srv.close(() => r()));
    }
    this.client?.close();
    await this.connecting?.catch(() => undefined);
  }
}
