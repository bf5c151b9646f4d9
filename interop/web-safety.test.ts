/**
 * The browser gateway's safety, from a plain WebSocket and HTTP client (what
 * a hostile page or script could send): the Origin check, the token, the
 * Host check, read-only refusing crafted messages, and the CLI refusing a
 * non-loopback bind without a token.
 */
import * as http from 'http';
import * as path from 'path';
import WebSocket from 'ws';
import { SimpleClient } from '../src/client/simple';
import { serve, type ServeHandle } from '../src/server/serve';
import { WebGateway } from '../src/web/gateway';
import type { ServerMessage } from '../src/web/protocol';
import { ROOT_DIR, cli } from '../test/support/cliRun';
import { freeBasePort } from '../test/support/server';
import { ensureWebBuilt } from '../test/support/web';

jest.setTimeout(60000);

const STATIC = path.join(ROOT_DIR, 'dist', 'web', 'static');
let h: ServeHandle;
const gateways: WebGateway[] = [];

beforeAll(async () => {
  await ensureWebBuilt();
  h = await serve({ tree: 'example', addr: '127.0.0.1', port: await freeBasePort() });
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  await h.close();
});

async function gateway(opts: { token?: string; readOnly?: boolean } = {}): Promise<WebGateway> {
  const g = new WebGateway({ server: { addr: '127.0.0.1', port: h.port }, port: 0, staticDir: STATIC, ...opts });
  gateways.push(g);
  await g.start();
  return g;
}

function get(
  port: number,
  urlPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Opens a WebSocket; resolves with the socket and the first messages, or with the HTTP status that refused it. */
function connect(port: number, opts: { origin?: string; query?: string } = {}): Promise<{ ws: WebSocket | null; status: number; messages: ServerMessage[] }> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (opts.origin !== undefined) headers.Origin = opts.origin;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${opts.query ?? ''}`, { headers });
    const messages: ServerMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as ServerMessage));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ ws: null, status: res.statusCode ?? 0, messages });
      res.resume();
    });
    ws.on('open', () => resolve({ ws, status: 101, messages }));
    ws.on('error', () => resolve({ ws: null, status: -1, messages }));
  });
}

async function next<T extends ServerMessage['t']>(messages: ServerMessage[], t: T, from = 0): Promise<Extract<ServerMessage, { t: T }>> {
  for (let i = 0; i < 1000; i++) {
    const m = messages.slice(from).find((x) => x.t === t);
    if (m) return m as Extract<ServerMessage, { t: T }>;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no '${t}' message`);
}

test('the page has a Content-Security-Policy and no inline script', async () => {
  const g = await gateway();
  const r = await get(g.port, '/');
  expect(r.status).toBe(200);
  expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
  expect(r.headers['content-security-policy']).not.toMatch(/unsafe/);
  expect(r.body).toMatch(/<script src="app.js"><\/script>/);
  expect(r.body).not.toMatch(/<script>/);
  expect((await get(g.port, '/../package.json')).status).toBe(404);
});

test('a cross-origin WebSocket is refused; the page origin is accepted', async () => {
  const g = await gateway();
  expect((await connect(g.port, { origin: 'http://evil.example' })).status).toBe(403);
  expect((await connect(g.port, { origin: `http://127.0.0.1:${g.port + 1}` })).status).toBe(403);
  expect((await connect(g.port, {})).status).toBe(403);
  const ok = await connect(g.port, { origin: `http://127.0.0.1:${g.port}` });
  expect(ok.status).toBe(101);
  expect((await next(ok.messages, 'hello')).root.name).toBe('Example');
  ok.ws!.close();
});

test('a page served under another host name (DNS rebinding) is refused', async () => {
  const g = await gateway();
  expect((await get(g.port, '/', { Host: `evil.example:${g.port}` })).status).toBe(403);
  expect((await get(g.port, '/', { Host: `localhost:${g.port}` })).status).toBe(200);
});

test('with a token, the page and the WebSocket need it', async () => {
  const token = 'tok-' + Math.random().toString(36).slice(2);
  const g = await gateway({ token });
  expect(g.url).toContain(`?token=${token}`);
  expect((await get(g.port, '/')).status).toBe(401);
  expect((await get(g.port, '/?token=wrong-token')).status).toBe(401);
  expect((await get(g.port, `/?token=${token}`)).status).toBe(200);
  const origin = `http://127.0.0.1:${g.port}`;
  expect((await connect(g.port, { origin })).status).toBe(401);
  expect((await connect(g.port, { origin, query: '?token=wrong-token' })).status).toBe(401);
  const ok = await connect(g.port, { origin, query: `?token=${token}` });
  expect(ok.status).toBe(101);
  await next(ok.messages, 'hello');
  ok.ws!.close();
});

test('read-only refuses a crafted set and command; the value is unchanged', async () => {
  const g = await gateway({ readOnly: true });
  const c = await connect(g.port, { origin: `http://127.0.0.1:${g.port}` });
  expect((await next(c.messages, 'hello')).readOnly).toBe(true);
  const before = c.messages.length;
  c.ws!.send(JSON.stringify({ t: 'set', id: 1, path: 'Example.Example.Gain', value: '9' }));
  c.ws!.send(JSON.stringify({ t: 'exec', id: 2, path: 'Example.Example.Reset', arg: null }));
  const r1 = await next(c.messages, 'result', before);
  expect(r1).toEqual({ t: 'result', id: 1, ok: false, text: expect.stringMatching(/read-only/) });
  await new Promise((r) => setTimeout(r, 100));
  expect(c.messages.filter((m) => m.t === 'result').map((m) => (m as { ok: boolean }).ok)).toEqual([false, false]);
  const s = new SimpleClient({ addr: '127.0.0.1', port: h.port });
  try {
    expect(await s.valueDisp('root.Example.Gain')).toBe('2');
  } finally {
    s.close();
  }
  c.ws!.close();
});

test('a writable gateway sets; malformed messages are refused with a reason', async () => {
  const g = await gateway();
  const c = await connect(g.port, { origin: `http://127.0.0.1:${g.port}` });
  await next(c.messages, 'hello');
  let from = c.messages.length;
  c.ws!.send('{"t":"set","id":1,"path":"Example.Example.Gain"}');
  expect((await next(c.messages, 'error', from)).text).toMatch(/value/);
  from = c.messages.length;
  c.ws!.send('not json');
  expect((await next(c.messages, 'error', from)).text).toMatch(/JSON/);
  from = c.messages.length;
  c.ws!.send(JSON.stringify({ t: 'set', id: 7, path: 'Example.Example.Gain', value: '3' }));
  expect(await next(c.messages, 'result', from)).toEqual({ t: 'result', id: 7, ok: true, text: '' });
  const s = new SimpleClient({ addr: '127.0.0.1', port: h.port });
  try {
    expect(await s.valueDisp('root.Example.Gain')).toBe('3');
    await s.setDisp('root.Example.Gain', '2');
  } finally {
    s.close();
  }
  c.ws!.close();
});

test('the CLI refuses a non-loopback bind without a token', async () => {
  const r = await cli(['web', '--server', '127.0.0.1:9', '--http', '0.0.0.0:0']);
  expect(r.exitCode).toBe(1);
  expect(r.stderr).toMatch(/refusing to serve the page on 0\.0\.0\.0, which is not loopback, without a token/);
  const s = await cli(['serve', '--tree', 'example', '--port', '0', '--http', '0.0.0.0:0']);
  expect(s.exitCode).toBe(1);
  expect(s.stderr).toMatch(/without a token/);
});
