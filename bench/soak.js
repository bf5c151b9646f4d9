'use strict';
/**
 * `make soak`: the long hardening run (after `npx tsc -p tsconfig.json`).
 *
 *   node bench/run.js soak [--minutes 10] [--fuzz 100000] [--seed N] [--skip-fuzz] [--skip-load]
 *   (or SOAK_MINUTES / SOAK_FUZZ in the environment)
 *
 * 1. Fuzz: >= 100,000 mutated/random requests over the wire to a live server:
 *    all answered (binary port: non-empty), no crash, no hang, memory bounded.
 * 2. Load: N minutes of 8 closed-loop C clients (6 on a mix of reads, nodes and
 *    command calls, replies compared with the first one; 2 on set, each set
 *    published) + 4 C subscribers at full load: 0 lost or mismatched replies,
 *    0 lost updates for every subscriber, server RSS growth < 5 % after warm-up.
 * Exit code 0 only when every check passes. Loopback only, bounded in time.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const lib = require('../tools/wire/lib');
const { runFuzz } = require('../tools/wire/fuzz');

function parseArgs(argv) {
  const o = {
    minutes: Number(process.env.SOAK_MINUTES ?? 10),
    fuzz: Number(process.env.SOAK_FUZZ ?? 100000),
    seed: Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31)),
    skipFuzz: false,
    skipLoad: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--minutes') o.minutes = Number(argv[++i]);
    else if (a === '--fuzz') o.fuzz = Number(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--skip-fuzz') o.skipFuzz = true;
    else if (a === '--skip-load') o.skipLoad = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

function sampler(srv, everyMs) {
  const samples = [];
  const t0 = Date.now();
  const timer = setInterval(() => {
    const m = srv.rss();
    if (m) samples.push({ t: (Date.now() - t0) / 1000, rss: m.rss_mib });
  }, everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

async function fuzzPhase(o, checks) {
  const srv = await lib.startServer({ tree: 'bench', port: await lib.freeBasePort(), maxSeconds: 3600 });
  const mem = sampler(srv, 1000);
  try {
    console.log(`[soak] fuzz: ${o.fuzz} inputs, seed ${o.seed}`);
    const stats = await runFuzz({
      port: srv.port,
      count: o.fuzz,
      seed: o.seed,
      timeoutMs: 10000,
      onProgress: (s) => {
        if ((s.answered + s.timeouts) % 20000 === 0)
          console.log(`[soak] fuzz: ${s.answered + s.timeouts} done, server RSS ${srv.rss()?.rss_mib.toFixed(0)} MiB`);
      },
    });
    mem.stop();
    const rss = mem.samples.map((s) => s.rss);
    const q = Math.floor(rss.length / 4);
    const res = {
      inputs: stats.sent,
      answered: stats.answered,
      emptyBinary: stats.emptyBin,
      emptyString: stats.emptyStr,
      timeouts: stats.timeouts,
      seconds: stats.seconds,
      maxLatencyMs: stats.maxLatencyMs,
      byKind: stats.byKind,
      failures: stats.failures.slice(0, 5),
      rssMiB: { first: rss[0], afterQuarter: rss[q], last: rss[rss.length - 1], max: Math.max(...rss) },
      alive: srv.alive(),
      seed: o.seed,
    };
    checks.push(['fuzz: server alive', res.alive]);
    checks.push([`fuzz: >= 100,000 inputs (${res.inputs})`, res.inputs >= 100000 || o.fuzz < 100000]);
    checks.push([`fuzz: all ${res.inputs} answered (timeouts ${res.timeouts})`, res.answered === res.inputs && res.timeouts === 0]);
    checks.push([`fuzz: no empty binary reply (${res.emptyBinary})`, res.emptyBinary === 0]);
    checks.push([`fuzz: RSS bounded (max ${res.rssMiB.max?.toFixed(0)} MiB < 512)`, res.rssMiB.max < 512]);
    return res;
  } finally {
    mem.stop();
    await srv.stop();
  }
}

async function loadPhase(o, checks) {
  lib.ensureTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-'));
  const files = lib.writeRequests(
    {
      reads: [
        ['Root.Demo.ReadOnly', 'value', [], {}],
        ['Root.Demo.Int', 'get', [], {}],
        ['Root.Bench.Array64', 'get', [], {}],
        ['Root.Demo.Multiply', '__call__', [7], {}],
        ['Root.Demo.Text', 'valueDisp', [], {}],
        ['Root.Demo.Missing', 'get', [], {}],
        ['Root.Demo.Int', 'noSuchAttr', [], {}],
        ['Root.Demo', 'nodes', [], {}],
        // A RemoteVariable memory read (AxiVersion's EmulatedMemory). SOAK_NO_REMOTE=1 leaves it out.
        ...(process.env.SOAK_NO_REMOTE ? [] : [['Root.AxiVersion.ScratchPad', 'get', [], {}]]),
      ],
      sets: [['Root.Bench.Counter', 'set', [5], {}]],
    },
    dir,
  );
  const seconds = o.minutes * 60;
  const srv = await lib.startServer({
    tree: 'bench',
    port: await lib.freeBasePort(),
    maxSeconds: seconds + 600,
    memLogMs: Math.max(10000, (seconds * 1000) / 20),
  });
  const mem = sampler(srv, Math.max(1000, Math.min(5000, (seconds * 1000) / 120)));
  try {
    const sub = await lib.startSub({ port: srv.port, subs: 4, mark: 'Bench.Counter', maxSeconds: seconds + 120, idleMs: 5000 });
    console.log(`[soak] load: ${o.minutes} min, 6 read clients + 2 set clients + 4 subscribers, server pid ${srv.pid}`);
    const common = { port: srv.port + 1, warmup: 0, duration: seconds, learn: true, timeoutMs: 10000, extraMs: 120000 };
    const [reads, sets] = await Promise.all([
      lib.runLoadgen({ ...common, file: files.reads, clients: 6 }),
      lib.runLoadgen({ ...common, file: files.sets, clients: 2 }),
    ]);
    const subs = await sub.result;
    mem.stop();
    const s = mem.samples;
    const warmEnd = Math.max(30, seconds * 0.2);
    const afterWarm = s.filter((x) => x.t >= warmEnd);
    const n = Math.max(1, Math.floor(afterWarm.length / 10));
    const base = median(afterWarm.slice(0, n).map((x) => x.rss));
    const end = median(afterWarm.slice(-n).map((x) => x.rss));
    const growth = end / base - 1;
    const frames = subs.subscribers.map((x) => x.frames);
    const res = {
      minutes: o.minutes,
      reads: {
        rps: reads.ok_window / reads.window_s,
        ok: reads.ok_total,
        lost: reads.lost,
        empty: reads.empty,
        mismatch: reads.mismatch,
        p50_us: reads.p50_us,
        p99_us: reads.p99_us,
        max_us: reads.max_us,
      },
      sets: { rps: sets.ok_window / sets.window_s, ok: sets.ok_total, lost: sets.lost, empty: sets.empty, mismatch: sets.mismatch, p99_us: sets.p99_us },
      subscribers: { frames, lostUpdates: frames.map((f) => sets.ok_total - f) },
      rssMiB: { start: s[0]?.rss, warmEnd_s: warmEnd, afterWarmup: base, end, growthPct: 100 * growth, max: Math.max(...s.map((x) => x.rss)) },
      alive: srv.alive(),
    };
    checks.push(['load: server alive', res.alive]);
    checks.push([
      `load: 0 lost replies (reads ${reads.lost}+${reads.empty} empty, sets ${sets.lost}+${sets.empty} empty)`,
      reads.lost + reads.empty + sets.lost + sets.empty === 0,
    ]);
    checks.push([`load: 0 mismatched replies (${reads.mismatch + sets.mismatch})`, reads.mismatch + sets.mismatch === 0]);
    checks.push([`load: 0 lost updates at every subscriber (${res.subscribers.lostUpdates.join(', ')})`, res.subscribers.lostUpdates.every((x) => x === 0)]);
    checks.push([`load: RSS growth after warm-up ${res.rssMiB.growthPct.toFixed(1)} % < 5 %`, growth < 0.05]);
    return res;
  } finally {
    mem.stop();
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv) {
  const o = parseArgs(argv);
  const checks = [];
  const report = { options: o };
  if (!o.skipFuzz) report.fuzz = await fuzzPhase(o, checks);
  if (!o.skipLoad) report.load = await loadPhase(o, checks);
  console.log(JSON.stringify(report, null, 2));
  const out = path.join(lib.BUILD, 'soak-results.json');
  fs.mkdirSync(lib.BUILD, { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ ...report, checks }, null, 2));
  console.log('\nsoak checks:');
  for (const [name, ok] of checks) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}`);
  console.log(`(report: ${out})`);
  process.exit(checks.every(([, ok]) => ok) ? 0 : 1);
}

module.exports = { main, usage: 'soak [--minutes 10] [--fuzz 100000] [--seed N] [--skip-fuzz] [--skip-load]' };
