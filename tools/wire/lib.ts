/**
 * The wire load library, shared by the benchmarks (bench/) and the tests
 * (interop/): the C tools (load generator, echo servers, subscribers), the
 * server under test as a child process, ports, request files, RSS. Loopback
 * only; every child is bounded in time. TypeScript: the tests import it as
 * it is (ts-jest), bench/ through tools/require-ts.js.
 */
import { spawn, execFileSync, execFile, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const HERE = __dirname;
/** The repository's root. */
export const ROOT = path.join(HERE, '..', '..');
/** Where the C tools are built (scratch, not committed). */
export const BUILD = path.join(HERE, 'build');
export const PYTHON = '/usr/bin/python3';

/** The C tools (tools/wire/*.c). */
export type Tool = 'loadgen' | 'echo' | 'sub' | 'memecho';
const TOOLS: readonly Tool[] = ['loadgen', 'echo', 'sub', 'memecho'];

export function tool(name: Tool): string {
  return path.join(BUILD, name);
}

/** Compiles the C tools when missing or older than their sources (cc -O2 ... -lzmq). */
export function ensureTools(): void {
  if (!fs.existsSync('/usr/include/zmq.h')) {
    throw new Error('libzmq headers missing: install Debian libzmq3-dev (`make bench` / `make soak` do it)');
  }
  fs.mkdirSync(BUILD, { recursive: true });
  const hdr = fs.statSync(path.join(HERE, 'common.h')).mtimeMs;
  for (const t of TOOLS) {
    const src = path.join(HERE, `${t}.c`);
    const out = tool(t);
    const stale = !fs.existsSync(out) || fs.statSync(out).mtimeMs < Math.max(hdr, fs.statSync(src).mtimeMs);
    if (stale) execFileSync('cc', ['-O2', '-Wall', '-o', out, src, '-lzmq', '-lpthread'], { stdio: 'inherit' });
  }
}

export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A random base port in 10000..31996 (below the ephemeral range) with `span` free ports. */
export async function freeBasePort(span = 3): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const base = 10000 + 4 * Math.floor(Math.random() * 5500);
    let ok = true;
    for (let j = 0; j < span && ok; j++) ok = await portFree(base + j);
    if (ok) return base;
  }
  throw new Error('no free port found');
}

/** Reads lines of a child's stdout; resolves with the first JSON line. */
function firstJsonLine(child: ChildProcess, timeoutMs: number, what: string): Promise<unknown> {
  const stdout = child.stdout!;
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no start line within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        stdout.off('data', onData);
        try {
          resolve(JSON.parse(buf.slice(0, nl)));
        } catch {
          reject(new Error(`${what}: bad start line ${buf.slice(0, nl)}`));
        }
      }
    };
    stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: exited (${String(code)}) before starting: ${buf}`));
    });
  });
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve(true);
      return;
    }
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the child is gone. */
export async function stopChild(child: ChildProcess, timeoutMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, timeoutMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 2000);
  }
}

export interface MemInfo {
  rss_mib: number;
  hwm_mib: number;
}

/** What tools/wire/server.js prints once serving. */
export interface ServerInfo {
  port: number;
  pid: number;
  build_s: number;
  start_s: number;
  rss_mib: number;
  heap_mib: number;
  hasRemote: boolean;
  spawn_to_serving_s: number;
}

/** tools/wire/server.js's options (its JSON argument), and how to start it. */
export interface ServerOptions {
  tree?: 'bench' | 'big';
  devices?: number;
  vars?: number;
  port?: number;
  maxSeconds?: number;
  devicesOut?: string;
  autoPorts?: { first: number; step: number; end: number };
  publishHighWaterMark?: number;
  incGroups?: string[];
  /** Print the server's memory (rss, heap, external) to stderr every memLogMs. */
  memLogMs?: number;
  /** Node options of the child (--cpu-prof, --expose-gc). */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export interface ServerHandle {
  info: ServerInfo;
  child: ChildProcess;
  pid: number;
  port: number;
  alive(): boolean;
  exitStatus(): { code: number | null; signal: string | null } | null;
  rss(): MemInfo | null;
  stop(): Promise<void>;
}

/** An Error of a server that could not start, with what it printed. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly serverInfo: unknown,
  ) {
    super(message);
  }
}

/** Starts tools/wire/server.js in its own node process. Rejects with a ServerStartError whose message is the server's (e.g. no free auto port). */
export async function startServer(opts: ServerOptions = {}): Promise<ServerHandle> {
  const { nodeArgs = [], startTimeoutMs = 120000, ...serverOpts } = opts;
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, path.join(HERE, 'server.js'), JSON.stringify(serverOpts)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  child.stdin.on('error', () => undefined);
  const info = (await firstJsonLine(child, startTimeoutMs, 'server')) as ServerInfo & { error?: string };
  const spawnToServing = Number(process.hrtime.bigint() - t0) / 1e9;
  if (info.error !== undefined) {
    await stopChild(child);
    throw new ServerStartError(info.error, info);
  }
  let exited: { code: number | null; signal: string | null } | null = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const pid = child.pid!;
  return {
    info: { ...info, spawn_to_serving_s: spawnToServing },
    child,
    pid,
    port: info.port,
    alive: () => exited === null,
    exitStatus: () => exited,
    rss: () => procMem(pid),
    stop: () => stopChild(child),
  };
}

/** RSS and its high-water mark of a process, from /proc (null when gone). */
export function procMem(pid: number): MemInfo | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0);
    return { rss_mib: kb('VmRSS') / 1024, hwm_mib: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface ChildHandle {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** The C echo server (REP, the same bytes back) on `port`. */
export async function startEcho(port: number, maxSeconds = 600): Promise<ChildHandle> {
  const child = spawn(tool('echo'), ['-e', `tcp://127.0.0.1:${port}`, '-d', String(maxSeconds)], { stdio: ['ignore', 'pipe', 'ignore'] });
  await firstJsonLine(child, 10000, 'echo');
  return { child, stop: () => stopChild(child) };
}

/** The zeromq.js echo (jsecho.js: a bare ROUTER in node, the same bytes back) on `port`: the binding's ceiling. */
export async function startJsEcho(port: number, maxSeconds = 600): Promise<ChildHandle> {
  const child = spawn(process.execPath, [path.join(HERE, 'jsecho.js'), String(port), String(maxSeconds)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  child.stdin.on('error', () => undefined);
  await firstJsonLine(child, 10000, 'jsecho');
  return { child, stop: () => stopChild(child) };
}

export interface LoadgenArgs {
  port: number;
  /** A request file (writeRequests, writeRecords). */
  file: string;
  clients?: number;
  warmup?: number;
  duration?: number;
  mode?: 'loop' | 'once';
  repeat?: number;
  timeoutMs?: number;
  max?: number;
  /** Compare each reply with the first one for the same request (mismatch count). */
  learn?: boolean;
  verbose?: boolean;
  extraMs?: number;
  /** Side by side with a second server (loadgen -E): the result's `a` (this port) and `b` (pair.port). */
  pair?: { port: number; file?: string; sliceMs?: number };
  onChild?(child: ChildProcess): void;
}
export interface LoopReport {
  mode: 'loop';
  clients: number;
  window_s: number;
  ok_total: number;
  ok_window: number;
  rps: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  mean_us: number;
  lost: number;
  empty: number;
  mismatch: number;
  send_fail: number;
  reply_bytes_avg: number;
  exitCode: number | string;
}
export interface OnceReport {
  mode: 'once';
  requests: number;
  passes: number;
  pass_first_s: number;
  pass_min_s: number;
  pass_median_s: number;
  ok: number;
  lost: number;
  empty: number;
  reply_bytes_per_pass: number;
  reply_bytes_max: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  latencies_us?: number[];
  exitCode: number | string;
}
export type SideReport = Omit<LoopReport, 'mode' | 'clients' | 'exitCode'>;
export interface PairReport {
  mode: 'pair';
  clients: number;
  slice_s: number;
  a: SideReport;
  b: SideReport;
  exitCode: number | string;
}

/** Runs the C load generator (tools/wire/loadgen.c); resolves its JSON report. */
export function runLoadgen(a: LoadgenArgs & { pair: NonNullable<LoadgenArgs['pair']> }): Promise<PairReport>;
export function runLoadgen(a: LoadgenArgs): Promise<LoopReport & OnceReport>;
export function runLoadgen(a: LoadgenArgs): Promise<unknown> {
  const args = ['-e', `tcp://127.0.0.1:${a.port}`, '-r', a.file, '-c', String(a.clients ?? 1), '-w', String(a.warmup ?? 1), '-d', String(a.duration ?? 3)];
  if (a.mode) args.push('-m', a.mode);
  if (a.repeat) args.push('-C', String(a.repeat));
  if (a.timeoutMs) args.push('-t', String(a.timeoutMs));
  if (a.max) args.push('-n', String(a.max));
  if (a.learn) args.push('-L');
  if (a.verbose) args.push('-v');
  if (a.pair) {
    args.push('-E', `tcp://127.0.0.1:${a.pair.port}`, '-s', String(a.pair.sliceMs ?? 250));
    if (a.pair.file) args.push('-R', a.pair.file);
  }
  const limit = ((a.warmup ?? 1) + (a.duration ?? 3)) * 1000 + (a.timeoutMs ?? 5000) * 2 + (a.extraMs ?? 60000);
  return new Promise((resolve, reject) => {
    const child = execFile(tool('loadgen'), args, { timeout: limit, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const lines = stdout.trim().split('\n');
      try {
        const r = JSON.parse(lines[lines.length - 1]) as { exitCode: number | string };
        r.exitCode = err ? (err.code ?? 'error') : 0;
        resolve(r);
      } catch {
        reject(new Error(`loadgen failed: ${err ? err.message : ''} ${stderr} ${stdout}`));
      }
    });
    a.onChild?.(child);
  });
}

export interface SubReport {
  subscribers: { frames: number; other: number; bytes: number; span_s: number; fps: number; stalled: boolean }[];
}
export interface SubArgs {
  port: number;
  subs?: number;
  maxSeconds?: number;
  /** Exit after this long without a frame. */
  idleMs?: number;
  /** Count only the frames holding this text. */
  mark?: string;
  /** Subscribers that never read. */
  stalled?: number;
  hwm?: number;
}

/** Starts the C subscriber counter (tools/wire/sub.c); resolves once it is connected. */
export async function startSub(a: SubArgs): Promise<{ child: ChildProcess; result: Promise<SubReport>; stop(): Promise<void> }> {
  const args = ['-e', `tcp://127.0.0.1:${a.port}`, '-n', String(a.subs ?? 1), '-d', String(a.maxSeconds ?? 30), '-i', String(a.idleMs ?? 2000)];
  if (a.mark) args.push('-m', a.mark);
  if (a.stalled) args.push('-s', String(a.stalled));
  if (a.hwm) args.push('-H', String(a.hwm));
  const child = spawn(tool('sub'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const result = new Promise<SubReport>((resolve, reject) => {
    child.once('exit', () => {
      const lines = out.trim().split('\n');
      try {
        resolve(JSON.parse(lines[lines.length - 1]) as SubReport);
      } catch {
        reject(new Error(`sub: bad output ${out}`));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('"ready"')) {
        clearInterval(t);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(t);
        reject(new Error('sub exited'));
      }
    }, 10);
  });
  // Let the subscriptions reach the publisher (PUB drops frames for unknown subscribers).
  await sleep(300);
  return { child, result, stop: () => stopChild(child) };
}

/** A request as requests.py pickles it: path, attr, args, kwargs. */
export type RequestSpec = [string | null, string | null, unknown[], Record<string, unknown>];

/** Writes pickled request files (/usr/bin/python3's pickle, protocol 4), one per name; returns the file of each name. */
export function writeRequests(spec: Record<string, RequestSpec[]>, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wire-req-'))): Record<string, string> {
  const specFile = path.join(dir, 'spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  execFileSync(PYTHON, [path.join(HERE, 'requests.py'), specFile, dir], { stdio: 'inherit' });
  const out: Record<string, string> = {};
  for (const k of Object.keys(spec)) out[k] = path.join(dir, `${k}.bin`);
  return out;
}

/** Reads a request file back into buffers (each record: a 4-byte little-endian length, then the bytes). */
export function readRecords(file: string): Buffer[] {
  const b = fs.readFileSync(file);
  const out: Buffer[] = [];
  for (let o = 0; o + 4 <= b.length;) {
    const l = b.readUInt32LE(o);
    out.push(b.subarray(o + 4, o + 4 + l));
    o += 4 + l;
  }
  return out;
}

/** Writes buffers as a request file. */
export function writeRecords(file: string, bufs: readonly Uint8Array[]): void {
  const parts: Buffer[] = [];
  for (const x of bufs) {
    const h = Buffer.alloc(4);
    h.writeUInt32LE(x.length);
    parts.push(h, Buffer.from(x));
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
