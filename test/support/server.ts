/**
 * Shared helpers for interop tests that run a ZmqServer and talk to it from
 * Python (Debian's /usr/bin/python3 + pyzmq).
 *
 *   const h = await startServer({ root: new FakeRoot() });   // free random ports
 *   const out = await python(`...`, { PORT: h.port });         // JSON printed on stdout
 *   await h.stop();
 */
import execa from 'execa';
import * as net from 'net';
import { pyJsonLoads, decodeUtf8Strict } from '../../src/py/json';
import type { RootSurface } from '../../src/tree/surface';
import { ZmqServer, type ZmqServerLogger, type ZmqServerOptions } from '../../src/server/zmqServer';
import { fakeDecodeUtf8, fakeJsonLoads } from './fakePy';

export const PYTHON = '/usr/bin/python3';
/** The repository's copy of the pyrogue recordings (golden/README.md). */
export const GOLDEN = `${__dirname}/../../golden`;
/** The project's Python helpers (pycanon.py, the canonical form of a pickle). */
export const FIXTURES = `${__dirname}/../../python-fixtures`;

/** True when a src/py helper is still the "not implemented" stub. */
function isStub(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch (e) {
    return e instanceof Error && /not implemented/.test(e.message);
  }
}

/**
 * The string-port helpers to use: src/py/json's when implemented, else the
 * rough stand-ins of fakePy (so server tests do not wait on other modules).
 */
export function stringHelpers(): Pick<ZmqServerOptions, 'jsonLoads' | 'decodeUtf8'> {
  return {
    jsonLoads: isStub(() => pyJsonLoads('{}')) ? fakeJsonLoads : undefined,
    decodeUtf8: isStub(() => decodeUtf8Strict(new Uint8Array([0x61]))) ? fakeDecodeUtf8 : undefined,
  };
}

/**
 * A random base port in 10000..31996, below Linux's ephemeral range
 * (32768+) so that client connections cannot be sitting on it.
 */
export function randomBasePort(): number {
  return 10000 + 4 * Math.floor(Math.random() * 5500);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A random base port whose base, base+1 and base+2 are free right now (`span` ports from base). */
export async function freeBasePort(span = 3): Promise<number> {
  for (;;) {
    const base = randomBasePort();
    let ok = true;
    for (let i = 0; i < span && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
}

export interface RunningServer {
  server: ZmqServer;
  port: number;
  logs: string[];
  stop(): Promise<void>;
}

export function captureLogger(logs: string[]): ZmqServerLogger {
  return { info: (m) => logs.push(m), warn: (m) => logs.push('WARN ' + m) };
}

/**
 * Starts a ZmqServer for `root` on a random free base port in 10000..31996
 * (retrying when taken), unless `port` is given. The root's `start` is not
 * called: only the server's.
 */
export async function startServer(options: Partial<ZmqServerOptions> & { root: RootSurface }): Promise<RunningServer> {
  const logs: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const port = options.port ?? randomBasePort();
    const server = new ZmqServer({ logger: captureLogger(logs), ...stringHelpers(), ...options, port });
    try {
      await server.start();
      return { server, port: server.port(), logs, stop: () => server.stop() };
    } catch (e) {
      if (options.port !== undefined || attempt >= 20 || !/Failed to bind/.test((e as Error).message)) throw e;
    }
  }
}

/**
 * Runs a Python script with pyzmq and the project's canonicaliser importable as `canon`
 * (python-fixtures/pycanon.py) and `GOLDEN_DIR` naming the recordings' folder;
 * `vars` become Python globals (JSON-encoded). Returns the JSON the script
 * prints as its last stdout line.
 */
export async function python(script: string, vars: Record<string, unknown> = {}, timeoutMs = 60000): Promise<any> {
  const prelude = [
    'import json, sys, os, time, pickle',
    `sys.path.insert(0, ${JSON.stringify(FIXTURES)})`,
    `GOLDEN_DIR = ${JSON.stringify(GOLDEN)}`,
    'import zmq',
    'import pycanon as canon',
    ...Object.entries(vars).map(([k, v]) => `${k} = json.loads(${JSON.stringify(JSON.stringify(v))})`),
    'ctx = zmq.Context()',
    'def req_socket(port, timeout=10000, **opts):',
    '    s = ctx.socket(zmq.REQ)',
    '    s.setsockopt(zmq.LINGER, 0)',
    '    s.setsockopt(zmq.RCVTIMEO, timeout)',
    '    for k, v in opts.items(): s.setsockopt(getattr(zmq, k), v)',
    "    s.connect(f'tcp://127.0.0.1:{port}')",
    '    return s',
    'def ask(sock, msg):',
    '    sock.send(pickle.dumps(msg))',
    '    return canon.canonical(sock.recv())',
    'def exc_text(c):',
    "    return c['args'][0] if isinstance(c, dict) and c.get('obj') == 'builtins.Exception' else None",
  ].join('\n');
  const { stdout } = await execa(PYTHON, ['-c', `${prelude}\n${script}`], { timeout: timeoutMs });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
