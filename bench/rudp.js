'use strict';
/**
 * The firmware link (UDP + RSSI + packetizer + SRPv3): through our stack
 * (RudpLink + SrpV3, this process) against our emulator (`pyrogue-ts fpga-emu`, another
 * process), 4-byte register reads per second and their latency with 1 and 32 in flight, and
 * 4 KiB block reads in MB/s (8 in flight), each as a ratio to raw UDP round trips of the same
 * SRP frame sizes (request 20 bytes, response 28 / 4120 bytes) to a bare node:dgram echo in
 * another process, measured in the same run.
 *
 * With real pyrogue importable (python-fixtures/tier.py, e.g. after `source
 * /work/real-pyrogue/env.sh`), side by side against the same emulator: rogue's C++ SrpV3
 * client (batches issued then waited for, from Python; ours measured the same way next to
 * it), and end to end a RemoteVariable get (Root.AxiVersion.ScratchPad, 8 C clients of
 * tools/wire/build/loadgen, the two servers loaded in turn) through `pyrogue-ts serve
 * --memory rudp://` and through a real pyrogue Root (UdpRssiPack + SrpV3 + AxiVersion +
 * ZmqServer), each on its own emulator.
 *
 *   node bench/run.js rudp [--seconds 2] [--pack 2]      (one of `make bench`)
 *   node bench/rudp.js --echo      (the echo child it starts: prints its port, answers
 *                                  each datagram with as many bytes as its first word says)
 */
const dgram = require('dgram');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const PYTHON = '/usr/bin/python3';
const FIXTURES = path.join(ROOT, 'python-fixtures');

function echoMain() {
  const sock = dgram.createSocket('udp4');
  const replies = new Map();
  sock.on('message', (msg, rinfo) => {
    const n = msg.readUInt32LE(0);
    let r = replies.get(n);
    if (!r) replies.set(n, (r = Buffer.alloc(n)));
    sock.send(r, rinfo.port, rinfo.address);
  });
  sock.bind(0, '127.0.0.1', () => console.log(`ECHO ${sock.address().port}`));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

/** Starts a child and resolves {proc, match} once its output matches `re`. */
function startChild(cmd, args, re, what) {
  const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: ROOT });
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (d) => {
      out += d;
      const m = re.exec(out);
      if (m) resolve({ proc, match: m, output: () => out });
    };
    proc.stdout.on('data', on);
    proc.stderr.on('data', on);
    proc.on('exit', (code) => reject(new Error(`${what} exited ${code}: ${out}`)));
  });
}

function stopChild(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.stdin.end();
    proc.kill('SIGINT');
    setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
  });
}

/** Raw UDP: `inflight` workers each sending a `reqSize`-byte datagram and waiting for the `rspSize`-byte answer. */
async function rawUdp(port, reqSize, rspSize, inflight, secs) {
  const sock = dgram.createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  await new Promise((r) => sock.connect(port, '127.0.0.1', r)); // as our client's socket
  const req = Buffer.alloc(reqSize);
  req.writeUInt32LE(rspSize, 0);
  const waiters = [];
  sock.on('message', () => {
    const w = waiters.shift();
    if (w) w();
  });
  const lat = [];
  let n = 0;
  const end = Date.now() + secs * 1000;
  const worker = async () => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 200); // a lost datagram costs 200 ms, not the run
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        sock.send(req);
      });
      lat.push(Number(process.hrtime.bigint() - t) / 1e3);
      n++;
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inflight }, worker));
  const rate = n / (Number(process.hrtime.bigint() - t0) / 1e9);
  sock.close();
  return { rate, ...pct(lat) };
}

/** Our SrpV3: `inflight` workers each reading `size` bytes in a loop. */
async function ours(srp, size, inflight, secs) {
  const lat = [];
  let n = 0;
  const end = Date.now() + secs * 1000;
  const worker = async (k) => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      await srp.read(0x1000 + (k % 4) * 0x1000, size);
      lat.push(Number(process.hrtime.bigint() - t) / 1e3);
      n++;
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inflight }, (_, k) => worker(k)));
  return { rate: n / (Number(process.hrtime.bigint() - t0) / 1e9), ...pct(lat) };
}

/** Our SrpV3 the way the rogue bench drives rogue's client: `k` reads issued, all awaited, repeated. */
async function oursBatched(srp, size, k, secs) {
  const lat = [];
  let n = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + secs * 1000;
  while (Date.now() < end) {
    const t = process.hrtime.bigint();
    await Promise.all(Array.from({ length: k }, () => srp.read(0x1000, size)));
    lat.push(Number(process.hrtime.bigint() - t) / 1e9);
    n += k;
  }
  lat.sort((a, b) => a - b);
  return [n / (Number(process.hrtime.bigint() - t0) / 1e9), lat[lat.length >> 1]];
}

function pct(lat) {
  lat.sort((a, b) => a - b);
  return { p50: lat[Math.floor(lat.length * 0.5)] ?? NaN, p99: lat[Math.floor(lat.length * 0.99)] ?? NaN };
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const mbs = (r, size) => ((r * size) / 1e6).toFixed(1);

async function ourLink(port, pack) {
  const { RudpLink } = require(path.join(DIST, 'protocols', 'rudp'));
  const { SrpV3 } = require(path.join(DIST, 'protocols', 'srp', 'srp'));
  const { connectPair } = require(path.join(DIST, 'stream', 'master'));
  const link = new RudpLink({ port, packVer: pack });
  const srp = new SrpV3({ timeout: 10 });
  connectPair(srp, link.application(0));
  await link.start(true);
  await srp.write(0x1000, new Uint8Array(0x4000));
  return { link, srp };
}

function realPyrogue() {
  const r = spawnSync(PYTHON, [path.join(FIXTURES, 'tier.py')], { encoding: 'utf8', timeout: 120000 });
  return r.status === 0 && /"tier": "real"/.test(r.stdout);
}

async function fpgaEmu() {
  const c = await startChild(process.execPath, [path.join(DIST, 'cli.js'), 'fpga-emu', '--port', '0'], /on UDP [\d.]+:(\d+)/, 'fpga-emu');
  return { proc: c.proc, port: Number(c.match[1]) };
}

async function main(argv) {
  const arg = (name, d) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : d);
  const secs = Number(arg('--seconds', '2'));
  const pack = Number(arg('--pack', '2'));
  console.log(`firmware link bench: UDP + RSSI + packetizer v${pack} + SRPv3 (${secs} s per measurement)`);

  const echo = await startChild(process.execPath, [__filename, '--echo'], /ECHO (\d+)/, 'echo');
  const echoPort = Number(echo.match[1]);
  const emu = await fpgaEmu();
  const { link, srp } = await ourLink(emu.port, pack);
  // Warm-up (node's compilers, both processes): 2 s of the same mix, not measured.
  await ours(srp, 4, 32, 1);
  await ours(srp, 4096, 8, 1);
  await rawUdp(echoPort, 20, 4120, 8, 0.5);
  const rows = [
    ['4-byte reads,  1 in flight', 4, 28, 1],
    ['4-byte reads, 32 in flight', 4, 28, 32],
    ['4 KiB reads,   8 in flight', 4096, 4120, 8],
  ];
  const results = {};
  for (const [label, size, rsp, k] of rows) {
    // interleaved halves (raw, ours, raw, ours) so a load change on the machine hits both
    const a1 = await rawUdp(echoPort, 20, rsp, k, secs / 2);
    const b1 = await ours(srp, size, k, secs / 2);
    const a2 = await rawUdp(echoPort, 20, rsp, k, secs / 2);
    const b2 = await ours(srp, size, k, secs / 2);
    const raw = { rate: (a1.rate + a2.rate) / 2, p50: (a1.p50 + a2.p50) / 2, p99: Math.max(a1.p99, a2.p99) };
    const our = { rate: (b1.rate + b2.rate) / 2, p50: (b1.p50 + b2.p50) / 2, p99: Math.max(b1.p99, b2.p99) };
    results[label] = { raw, our };
    const unit = size === 4 ? `${fmt(our.rate)}/s` : `${mbs(our.rate, size)} MB/s`;
    const runit = size === 4 ? `${fmt(raw.rate)}/s` : `${mbs(raw.rate, size)} MB/s`;
    console.log(
      `  ${label}: ours ${unit.padStart(11)} (p50 ${our.p50.toFixed(0)} µs, p99 ${our.p99.toFixed(0)} µs)   raw UDP ${runit.padStart(11)} (p50 ${raw.p50.toFixed(0)} µs)   ratio ${(our.rate / raw.rate).toFixed(3)}`,
    );
  }
  console.log(`  (link counters: retransmits ${link.rssi.retranCount}, RSSI drops ${link.rssi.dropCount}, packetizer drops ${link.pack.dropCount})`);

  if (!realPyrogue()) {
    console.log('  real pyrogue not importable (python-fixtures/tier.py): the side-by-side rows against rogue are skipped');
  } else {
    // rogue's C++ SrpV3 client against the same emulator, ours measured the same way next to
    // it: three rounds (rogue, then ours), each figure the median round, each ratio the median
    // of the rounds' ratios (the machine's load drifts).
    await link.close();
    const ROUNDS = 3;
    const keys = ['reads1', 'reads32', 'block8'];
    const per = { ours: {}, rogue: {}, ratio: {} };
    for (const k of keys) for (const x of Object.values(per)) x[k] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = spawnSync(PYTHON, [path.join(FIXTURES, 'rogue_rudp.py'), 'bench', String(emu.port), '--pack', String(pack), '--seconds', String(secs)], {
        encoding: 'utf8',
        timeout: 120000 + secs * 10000,
      });
      const line = (r.stdout || '').split('\n').find((l) => l.startsWith('{"reads1"'));
      if (!line) {
        // rogue's client gives up on a transaction after its timeout (a stalled, loaded host): report, go on
        const why = `${r.stderr || ''}${r.stdout || ''}`.trim().split('\n').pop();
        console.log(`    round ${round + 1}: rogue's client failed (${why}); round not counted`);
        continue;
      }
      const theirs = JSON.parse(line);
      const again = await ourLink(emu.port, pack);
      const mine = {
        reads1: await oursBatched(again.srp, 4, 1, secs),
        reads32: await oursBatched(again.srp, 4, 32, secs),
        block8: await oursBatched(again.srp, 4096, 8, secs),
      };
      await again.link.close();
      for (const k of keys) {
        per.ours[k].push(mine[k][0]);
        per.rogue[k].push(theirs[k][0]);
        per.ratio[k].push(mine[k][0] / theirs[k][0]);
      }
    }
    const median = (a) => (a.length === 0 ? NaN : [...a].sort((x, y) => x - y)[a.length >> 1]);
    console.log(`  side by side with rogue's C++ SrpV3 client (batches issued then awaited), same emulator, median of ${ROUNDS} rounds:`);
    for (const [key, label, size] of [
      ['reads1', '4-byte reads, 1 at a time ', 4],
      ['reads32', '4-byte reads, 32 at a time', 4],
      ['block8', '4 KiB reads, 8 at a time  ', 4096],
    ]) {
      const show = (x) => (size === 4 ? `${fmt(x)}/s` : `${mbs(x, size)} MB/s`);
      console.log(
        `    ${label}: ours ${show(median(per.ours[key])).padStart(11)}   rogue C++ ${show(median(per.rogue[key])).padStart(11)}   ours/rogue ${median(per.ratio[key]).toFixed(2)} (rounds ${per.ratio[key].map((x) => x.toFixed(2)).join(', ')})${key === 'block8' ? '   (target ≥ 0.50)' : ''}`,
      );
    }

    // End to end: RemoteVariable get through each server, 8 clients, each server on its own emulator.
    const lib = require('../tools/wire/lib');
    lib.ensureTools();
    const emu2 = await fpgaEmu();
    const zOurs = await lib.freeBasePort(3);
    const oursSrv = await startChild(
      process.execPath,
      [
        path.join(DIST, 'cli.js'),
        'serve',
        '--tree',
        'reference',
        '--addr',
        '127.0.0.1',
        '--port',
        String(zOurs),
        '--memory',
        `rudp://127.0.0.1:${emu.port}`,
        '--pack-ver',
        String(pack),
      ],
      /Press Ctrl-C/,
      'pyrogue-ts serve',
    );
    const zTheirs = await lib.freeBasePort(3);
    const theirsSrv = await startChild(
      PYTHON,
      [path.join(FIXTURES, 'rogue_rudp.py'), 'serve', String(emu2.port), String(zTheirs), '--pack', String(pack)],
      /READY/,
      'pyrogue serve',
    );
    const files = lib.writeRequests({ remote: [['Root.AxiVersion.ScratchPad', 'get', [], {}]] });
    const res = await lib.runLoadgen({
      port: zOurs + 1,
      file: files.remote,
      clients: 8,
      warmup: 1,
      duration: secs * 2,
      pair: { port: zTheirs + 1, sliceMs: 250 },
    }); // requests go to base + 1
    const a = res.a ?? res;
    const b = res.b ?? {};
    console.log(
      `  end to end, RemoteVariable get ×8 clients: pyrogue-ts (serve --memory rudp://) ${fmt(a.rps)} req/s (p50 ${a.p50_us} µs)   real pyrogue (UdpRssiPack + SrpV3, rogue C++) ${fmt(b.rps)} req/s (p50 ${b.p50_us} µs)   ratio ${(a.rps / b.rps).toFixed(2)}   (target ≥ 1.5)`,
    );
    const bad = (x) => (x.lost ?? 0) + (x.empty ?? 0) + (x.mismatch ?? 0) + (x.send_fail ?? 0);
    if (bad(a) || bad(b)) console.log(`    loadgen: lost/empty/mismatched replies: ours ${bad(a)}, pyrogue ${bad(b)}`);
    await stopChild(oursSrv.proc);
    await stopChild(theirsSrv.proc);
    await stopChild(emu2.proc);
  }
  await link.close().catch(() => undefined);
  await stopChild(emu.proc);
  await stopChild(echo.proc);
}

if (require.main === module && process.argv.includes('--echo')) echoMain();
module.exports = { main, usage: 'rudp [--seconds 2] [--pack 2]' };
