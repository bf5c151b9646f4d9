'use strict';
/**
 * `make bench`, the DAQ path: frames/s and MB/s of PrbsTx → StreamWriter to disk (rogue's
 * PRBS frames and file format, src/stream) for 64 B, 4 KiB and 1 MiB frames, as a ratio to
 * raw `fs.writeSync` of the same number of record bytes (one write per record: the disk's
 * ceiling) measured in the same run, alternating ours and the baselines; the median of the
 * rounds. Two baselines: records of distinct frames from a ring of up to 64 MiB (for 1 MiB
 * frames they come from memory, not from the CPU's cache), and one record written again and
 * again (from the cache, as ours reuses one payload buffer: the stricter ceiling).
 * Then 1 GiB of 1 MiB frames with RSS sampled (flat memory), and, when rogue is importable
 * (PYROGUE_PYTHONPATH, see docs/interop.md), rogue's C++ Prbs → StreamWriter side by side.
 * Needs dist/.
 *
 *   node bench/run.js daq [--rounds 3] [--gib 1] [--dir /tmp]
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');
const { Prbs, StreamWriter, connectStream } = require(path.join(ROOT, 'dist', 'stream'));
const { lfsrSimd } = require(path.join(ROOT, 'dist', 'stream', 'lfsr'));

// frames per case: about 64 MiB of 64 B records, 256 MiB of 4 KiB and 1 MiB ones
const CASES = [
  { size: 64, count: 400000 },
  { size: 4096, count: 60000 },
  { size: 1 << 20, count: 256 },
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes, s) => bytes / s / 1e6;

/**
 * Raw fs: record bytes made before the clock starts, one writeSync per record, from a ring
 * of `ring` distinct frames' records (0: up to 64 of them, at most 64 MiB).
 */
function baseline(file, size, count, ring = 0) {
  if (ring === 0) ring = Math.max(1, Math.min(64, Math.floor((64 << 20) / (size + 8))));
  const tx = new Prbs();
  const recs = [];
  for (let k = 0; k < ring; k++) {
    const rec = Buffer.alloc(size + 8);
    rec.writeUInt32LE(size + 4, 0);
    Buffer.from(tx.makeFrame(size, k).payload).copy(rec, 8);
    recs.push(rec);
  }
  const fd = fs.openSync(file, 'w');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) fs.writeSync(fd, recs[i % ring]);
  fs.closeSync(fd);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Ours: the generator loop (what PrbsTx.txEnable runs) into a StreamWriter channel. */
async function ours(file, size, count, onTick) {
  const tx = new Prbs();
  const w = new StreamWriter();
  connectStream(tx, w.getChannel(0));
  w.open(file);
  const t0 = process.hrtime.bigint();
  tx.enable(size);
  await new Promise((resolve) => {
    const check = () => {
      if (onTick) onTick();
      if (tx.txCount >= count) resolve();
      else setImmediate(check);
    };
    check();
  });
  await tx.disable();
  w.close();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { s, frames: tx.txCount, bytes: w.totalSize };
}

function rogueAnchor(file, size, count) {
  const env = { ...process.env };
  if (process.env.PYROGUE_PYTHONPATH) env.PYTHONPATH = [process.env.PYROGUE_PYTHONPATH, process.env.PYTHONPATH].filter(Boolean).join(':');
  if (process.env.PYROGUE_LD_LIBRARY_PATH) env.LD_LIBRARY_PATH = [process.env.PYROGUE_LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const r = spawnSync('/usr/bin/python3', [path.join(ROOT, 'python-fixtures', 'rogue_bench.py'), file, String(size), String(count)], {
    env,
    encoding: 'utf8',
    timeout: 600000,
  });
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('{'));
  return r.status === 0 && line ? JSON.parse(line) : null;
}

async function main(argv = []) {
  const arg = (name, def) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : def;
  };
  const dir = fs.mkdtempSync(path.join(arg('dir', os.tmpdir()), 'pyrogue-ts-daq-bench-'));
  try {
    await run(dir, Number(arg('rounds', '3')), Number(arg('gib', '1')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The cases, `rounds` rounds each, then `gib` GiB of 1 MiB frames, written in `dir`. */
async function run(dir, rounds, gib) {
  const file = path.join(dir, 'bench.dat');
  const hasRogue =
    spawnSync('/usr/bin/python3', ['-c', 'import rogue.utilities.fileio'], {
      env: {
        ...process.env,
        PYTHONPATH: [process.env.PYROGUE_PYTHONPATH, process.env.PYTHONPATH].filter(Boolean).join(':'),
        LD_LIBRARY_PATH: [process.env.PYROGUE_LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      },
    }).status === 0;
  console.log(
    `DAQ bench: PRBS → StreamWriter to ${dir} (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}), ${rounds} rounds, median; LFSR fill: ${lfsrSimd() ? 'WebAssembly SIMD' : 'JavaScript'}`,
  );
  console.log('frame      ours frames/s   ours MB/s   raw fs MB/s   ratio   raw, 1 record MB/s   ratio' + (hasRogue ? '   rogue C++ MB/s   ours/rogue' : ''));
  for (const c of CASES) {
    const ratios = [];
    const ratios1 = [];
    const our = [];
    const raw = [];
    const raw1 = [];
    for (let r = 0; r < rounds; r++) {
      const b = baseline(file, c.size, c.count);
      fs.unlinkSync(file);
      const o = await ours(file, c.size, c.count);
      fs.unlinkSync(file);
      const b1 = baseline(file, c.size, c.count, 1);
      fs.unlinkSync(file);
      const ob = mb(o.bytes, o.s);
      const bb = mb(c.count * (c.size + 8), b);
      const bb1 = mb(c.count * (c.size + 8), b1);
      our.push({ fps: o.frames / o.s, mbs: ob });
      raw.push(bb);
      raw1.push(bb1);
      ratios.push(ob / bb);
      ratios1.push(ob / bb1);
    }
    const om = median(our.map((x) => x.mbs));
    const fps = median(our.map((x) => x.fps));
    let rogue = '';
    if (hasRogue) {
      const rs = [];
      for (let r = 0; r < rounds; r++) {
        const a = rogueAnchor(file, c.size, c.count);
        if (fs.existsSync(file)) fs.unlinkSync(file);
        if (a) rs.push(mb(a.bytes, a.seconds));
      }
      if (rs.length) rogue = `   ${median(rs).toFixed(0).padStart(14)}   ${(om / median(rs)).toFixed(2).padStart(10)}`;
    }
    const label = c.size >= 1 << 20 ? `${c.size >> 20} MiB` : c.size >= 1024 ? `${c.size >> 10} KiB` : `${c.size} B`;
    console.log(
      `${label.padEnd(9)}  ${fps.toFixed(0).padStart(14)}  ${om.toFixed(0).padStart(10)}  ${median(raw).toFixed(0).padStart(12)}   ${(median(ratios) * 100).toFixed(0).padStart(4)}%  ${median(raw1).toFixed(0).padStart(19)}   ${(median(ratios1) * 100).toFixed(0).padStart(4)}%${rogue}`,
    );
  }
  // flat memory: gib GiB of 1 MiB frames, RSS sampled as it goes
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const count = Math.round(gib * 1024);
  const o = await ours(file, 1 << 20, count, () => (peak = Math.max(peak, process.memoryUsage().rss)));
  const size = fs.statSync(file).size;
  fs.unlinkSync(file);
  console.log(
    `${(size / 2 ** 30).toFixed(2)} GiB written in ${o.s.toFixed(1)} s (${mb(o.bytes, o.s).toFixed(0)} MB/s): RSS ${(rss0 / 2 ** 20).toFixed(0)} MiB before, peak ${(peak / 2 ** 20).toFixed(0)} MiB (+${((peak - rss0) / 2 ** 20).toFixed(0)} MiB)`,
  );
}

module.exports = { main, usage: 'daq [--rounds 3] [--gib 1] [--dir /tmp]' };
