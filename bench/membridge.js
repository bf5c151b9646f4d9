'use strict';
/**
 * `make bench`, the memory bridge: 4-byte read transactions per second through
 * MemoryTcpClient → MemoryTcpServer (`pyrogue-ts memserve`, another process), 1 and 32 in
 * flight, as a ratio to a raw C libzmq PUSH/PULL echo of the same frames (tools/wire/memecho.c)
 * measured in the same run; and RemoteVariable.get() over the bridge as a ratio to the same
 * get() on EmulatedMemory. Needs dist/ and the C tools (tools/wire, built on first use).
 *
 *   node bench/run.js membridge [--seconds 2]
 */
const path = require('path');
const { ensureTools, freeBasePort, tool } = require('../tools/wire/lib');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const MEMECHO = tool('memecho');
const { MemoryTcpClient } = require(path.join(DIST, 'bridge', 'client'));
const { EmulatedMemory } = require(path.join(DIST, 'tree', 'memory'));
const { AxiVersion } = require(path.join(DIST, 'examples', 'axiversion'));
const { Root } = require(path.join(DIST, 'tree', 'root'));
require(path.join(DIST, 'tree'));

/** Two free ports (the bridge server and the echo): the wire bench's helper. */
const freePair = () => freeBasePort(2);

/** Starts a child and resolves once its stdout contains `marker`. */
function startChild(cmd, args, marker) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      if (out.includes(marker)) resolve(proc);
    });
    proc.on('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
  });
}

function stopChild(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGINT');
  });
}

/** Transactions per second with `inflight` reads outstanding for `secs`. */
async function ourTps(client, inflight, secs) {
  let done = 0;
  const end = Date.now() + secs * 1000;
  const worker = async () => {
    while (Date.now() < end) {
      await client.read(4, 4);
      done++;
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inflight }, worker));
  return done / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function getsPerSecond(memory, secs) {
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  const dev = new AxiVersion({ memBase: memory, offset: 0 });
  root.add(dev);
  await root.start();
  const sp = dev.child('ScratchPad');
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + secs * 1000;
  while (Date.now() < end) {
    await sp.get();
    n++;
  }
  const rate = n / (Number(process.hrtime.bigint() - t0) / 1e9);
  await root.stop();
  return rate;
}

async function main(argv) {
  const i = argv.indexOf('--seconds');
  const secs = i >= 0 ? Number(argv[i + 1]) : 2;
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  ensureTools();
  console.log(`memory bridge bench (${secs} s per measurement)`);

  // Baseline: C load → C echo.
  const cPort = await freePair();
  const echo = await startChild(MEMECHO, ['-s', '-p', String(cPort), '-d', '120'], 'ready');
  const base = {};
  for (const n of [1, 32]) {
    const r = spawnSync(MEMECHO, ['-c', '-p', String(cPort), '-n', String(n), '-t', String(secs)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`memecho client failed: ${r.stderr}`);
    base[n] = JSON.parse(r.stdout).tps;
  }
  await stopChild(echo);

  // Ours: MemoryTcpClient (this process) → pyrogue-ts memserve (another process).
  const port = await freePair();
  const srv = await startChild(process.execPath, [path.join(DIST, 'cli.js'), 'memserve', '--port', String(port)], 'Press Ctrl-C');
  const client = new MemoryTcpClient({ addr: '127.0.0.1', port, waitReady: true, timeout: 10 });
  await client.start();
  const ours = {};
  for (const n of [1, 32]) ours[n] = await ourTps(client, n, secs);
  for (const n of [1, 32])
    console.log(
      `  4-byte reads, ${String(n).padStart(2)} in flight: ours ${fmt(ours[n]).padStart(8)}/s   raw C PUSH/PULL echo ${fmt(base[n]).padStart(8)}/s   ratio ${(ours[n] / base[n]).toFixed(3)}`,
    );

  const emu = await getsPerSecond(new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 }), secs);
  const bridged = await getsPerSecond(client, secs);
  console.log(`  RemoteVariable.get(): over the bridge ${fmt(bridged)}/s   on EmulatedMemory ${fmt(emu)}/s   ratio ${(bridged / emu).toFixed(3)}`);
  await client.close();
  await stopChild(srv);
}

module.exports = { main, usage: 'membridge [--seconds 2]' };
