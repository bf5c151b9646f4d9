'use strict';
/**
 * Plumbing shared by the wire benchmarks (bench/wire.js), the soak (bench/wire/soak.js)
 * and the hardening tests: the C tools, the server under test as a child
 * process, ports, request files, RSS. Loopback only; every child is bounded in time.
 */
const { spawn, execFileSync, execFile } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const HERE = __dirname;
const ROOT = path.join(HERE, '..', '..');
const BUILD = path.join(HERE, 'build');
const TOOLS = ['loadgen', 'echo', 'sub'];
const PYTHON = '/usr/bin/python3';

function tool(name) {
  return path.join(BUILD, name);
}

/** Compiles the C tools when missing or older than their sources (cc -O2 ... -lzmq). */
function ensureTools() {
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

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A random base port in 10000..31996 (below the ephemeral range) with `span` free ports. */
async function freeBasePort(span = 3) {
  for (let i = 0; i < 200; i++) {
    const base = 10000 + 4 * Math.floor(Math.random() * 5500);
    let ok = true;
    for (let j = 0; j < span && ok; j++) ok = await portFree(base + j);
    if (ok) return base;
  }
  throw new Error('no free port found');
}

/** Reads lines of a child's stdout; resolves with the first JSON line. */
function firstJsonLine(child, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no start line within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        try {
          resolve(JSON.parse(buf.slice(0, nl)));
        } catch (e) {
          reject(new Error(`${what}: bad start line ${buf.slice(0, nl)}`));
        }
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what}: exited (${code}) before starting: ${buf}`));
    });
  });
}

function waitExit(child, timeoutMs) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child, timeoutMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, timeoutMs))) {
    child.kill('SIGKILL');
    await waitExit(child, 2000);
  }
}

/**
 * Starts bench/wire/server.js in its own node process.
 * opts: {tree: 'bench'|'big', devices, vars, port, maxSeconds, devicesOut, autoPorts, nodeArgs: []}
 * Resolves {info, child, pid, port, stop(), rss(), alive()}.
 */
async function startServer(opts = {}) {
  const { nodeArgs = [], startTimeoutMs = 120000, ...serverOpts } = opts;
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, path.join(HERE, 'server.js'), JSON.stringify(serverOpts)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  child.stdin.on('error', () => undefined);
  const info = await firstJsonLine(child, startTimeoutMs, 'server');
  const spawnToServing = Number(process.hrtime.bigint() - t0) / 1e9;
  if (info.error) {
    await stopChild(child);
    const e = new Error(info.error);
    e.serverInfo = info;
    throw e;
  }
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  return {
    info: { ...info, spawn_to_serving_s: spawnToServing },
    child,
    pid: child.pid,
    port: info.port,
    alive: () => exited === null,
    exitStatus: () => exited,
    rss: () => procMem(child.pid),
    stop: () => stopChild(child),
  };
}

/** {rss_mib, hwm_mib} of a process from /proc (null when gone). */
function procMem(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm')) || [0, 0])[1]);
    return { rss_mib: kb('VmRSS') / 1024, hwm_mib: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** The C echo server (REP, same bytes back) on `port`. Resolves {child, stop()}. */
async function startEcho(port, maxSeconds = 600) {
  const child = spawn(tool('echo'), ['-e', `tcp://127.0.0.1:${port}`, '-d', String(maxSeconds)], { stdio: ['ignore', 'pipe', 'ignore'] });
  await firstJsonLine(child, 10000, 'echo');
  return { child, stop: () => stopChild(child) };
}

/** The zeromq.js echo (jsecho.js: bare ROUTER in node, same bytes back) on `port`. Resolves {child, stop()}. */
async function startJsEcho(port, maxSeconds = 600) {
  const child = spawn(process.execPath, [path.join(HERE, 'jsecho.js'), String(port), String(maxSeconds)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: ROOT,
  });
  child.stdin.on('error', () => undefined);
  await firstJsonLine(child, 10000, 'jsecho');
  return { child, stop: () => stopChild(child) };
}

/**
 * Runs the C load generator; resolves its JSON report.
 * a: {port, file, clients, warmup, duration, mode, repeat, timeoutMs, max, learn, verbose}
 */
function runLoadgen(a) {
  const args = ['-e', `tcp://127.0.0.1:${a.port}`, '-r', a.file, '-c', String(a.clients ?? 1), '-w', String(a.warmup ?? 1), '-d', String(a.duration ?? 3)];
  if (a.mode) args.push('-m', a.mode);
  if (a.repeat) args.push('-C', String(a.repeat));
  if (a.timeoutMs) args.push('-t', String(a.timeoutMs));
  if (a.max) args.push('-n', String(a.max));
  if (a.learn) args.push('-L');
  if (a.verbose) args.push('-v');
  // side by side with a second server (loadgen -E): a.pair = {port, file?, sliceMs}; the result is {mode: 'pair', a, b}
  if (a.pair) {
    args.push('-E', `tcp://127.0.0.1:${a.pair.port}`, '-s', String(a.pair.sliceMs ?? 250));
    if (a.pair.file) args.push('-R', a.pair.file);
  }
  const limit = ((a.warmup ?? 1) + (a.duration ?? 3)) * 1000 + (a.timeoutMs ?? 5000) * 2 + (a.extraMs ?? 60000);
  return new Promise((resolve, reject) => {
    const child = execFile(tool('loadgen'), args, { timeout: limit, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const lines = String(stdout).trim().split('\n');
      const last = lines[lines.length - 1];
      try {
        const r = JSON.parse(last);
        r.exitCode = err ? err.code : 0;
        resolve(r);
      } catch {
        reject(new Error(`loadgen failed: ${err ? err.message : ''} ${stderr} ${stdout}`));
      }
    });
    if (a.onChild) a.onChild(child);
  });
}

/**
 * Starts the C subscriber counter. a: {port, subs, maxSeconds, idleMs, mark, stalled, hwm}
 * Resolves (once connected) {child, result: Promise<report>, stop()}.
 */
async function startSub(a) {
  const args = ['-e', `tcp://127.0.0.1:${a.port}`, '-n', String(a.subs ?? 1), '-d', String(a.maxSeconds ?? 30), '-i', String(a.idleMs ?? 2000)];
  if (a.mark) args.push('-m', a.mark);
  if (a.stalled) args.push('-s', String(a.stalled));
  if (a.hwm) args.push('-H', String(a.hwm));
  const child = spawn(tool('sub'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d.toString()));
  const result = new Promise((resolve, reject) => {
    child.once('exit', () => {
      const lines = out.trim().split('\n');
      try {
        resolve(JSON.parse(lines[lines.length - 1]));
      } catch {
        reject(new Error(`sub: bad output ${out}`));
      }
    });
  });
  await new Promise((resolve, reject) => {
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
  await new Promise((r) => setTimeout(r, 300));
  return { child, result, stop: () => stopChild(child) };
}

/** Writes pickled request files (via /usr/bin/python3 pickle, protocol 4). spec: {name: [[path, attr, args, kwargs]...]}. Returns {name: file}. */
function writeRequests(spec, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wire-req-'))) {
  const specFile = path.join(dir, 'spec.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  execFileSync(PYTHON, [path.join(HERE, 'requests.py'), specFile, dir], { stdio: 'inherit' });
  const out = {};
  for (const k of Object.keys(spec)) out[k] = path.join(dir, `${k}.bin`);
  return out;
}

/** Reads a request file back into buffers. */
function readRecords(file) {
  const b = fs.readFileSync(file);
  const out = [];
  for (let o = 0; o + 4 <= b.length;) {
    const l = b.readUInt32LE(o);
    out.push(b.subarray(o + 4, o + 4 + l));
    o += 4 + l;
  }
  return out;
}

/** Writes buffers as a request file. */
function writeRecords(file, bufs) {
  const parts = [];
  for (const x of bufs) {
    const h = Buffer.alloc(4);
    h.writeUInt32LE(x.length);
    parts.push(h, Buffer.from(x));
  }
  fs.writeFileSync(file, Buffer.concat(parts));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = {
  ROOT,
  BUILD,
  PYTHON,
  tool,
  ensureTools,
  portFree,
  freeBasePort,
  startServer,
  startEcho,
  startSub,
  startJsEcho,
  runLoadgen,
  writeRequests,
  readRecords,
  writeRecords,
  procMem,
  stopChild,
  sleep,
};
