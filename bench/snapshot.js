'use strict';
/**
 * `make bench`, snapshots (docs/snapshot.md): a generated tree of 100,000 nodes built in code
 * and served by `pyrogue-ts serve`; `pyrogue-ts snapshot` of it (time, requests, file size);
 * then that snapshot served by `pyrogue-ts serve --tree file.json` and snapshotted again.
 * For each serving process: seconds from launch to serving, RSS once serving, and peak RSS
 * (VmHWM) through its snapshot. Figures of the snapshot-served tree are printed as ratios to
 * the same tree built in code, measured in the same run. Needs dist/.
 *
 *   node bench/run.js snapshot [--nodes 100000]
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { freeBasePort } = require('../tools/wire/lib');

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
let NODES = 100000;

/** The tree module: devices of 100 nodes (96 variables, enable, ReadDevice, WriteDevice, the device), a third each UInt32 registers, 2-bit enum fields, local floats. */
function treeModule(file) {
  fs.writeFileSync(
    file,
    `const t = require(${JSON.stringify(path.join(ROOT, 'dist', 'index.js'))});
module.exports = function make() {
  const root = new t.Root({ name: 'Big', description: 'generated', pollEn: false });
  const mem = new t.EmulatedMemory();
  for (let d = 0, count = 0; count < ${NODES}; d++) {
    const dev = new t.Device({ name: 'Dev[' + d + ']', memBase: mem, offset: d * 0x1000 });
    for (let i = 0; i < 96; i++, count++) {
      if (i % 3 === 0) dev.add(new t.RemoteVariable({ name: 'Reg' + i, offset: i * 4, bitSize: 32, base: t.UInt, mode: 'RW' }));
      else if (i % 3 === 1) dev.add(new t.RemoteVariable({ name: 'Sel' + i, offset: i * 4, bitSize: 2, bitOffset: 4, base: t.UInt, enum: [[0n, 'A'], [1n, 'B'], [2n, 'C'], [3n, 'D']] }));
      else dev.add(new t.LocalVariable({ name: 'Var' + i, value: i / 2, mode: 'RW', units: 'V' }));
    }
    root.add(dev);
    count += 4;
  }
  return root;
};
`,
  );
}

/** kB of a /proc/<pid>/status field. */
function procKb(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function serve(tree) {
  const port = await freeBasePort(3);
  const t0 = Date.now();
  const proc = spawn(process.execPath, [CLI, 'serve', '--tree', tree, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes('Press Ctrl-C')) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
    proc.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`serve ${tree} exited ${code}: ${out}`));
    });
  });
  const startS = (Date.now() - t0) / 1000;
  return { proc, port, startS, rssKb: procKb(proc.pid, 'VmRSS') };
}

function stop(s) {
  return new Promise((resolve) => {
    s.proc.removeAllListeners('exit');
    s.proc.on('exit', resolve);
    s.proc.kill('SIGINT');
  });
}

function snapshot(port, file) {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, '--timeout', '60', '--server', `127.0.0.1:${port}`, 'snapshot', '-o', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) =>
      code === 0 ? resolve({ seconds: (Date.now() - t0) / 1000, out: out.trim() }) : reject(new Error(`snapshot exited ${code}: ${out}`)),
    );
  });
}

async function measure(label, tree, file) {
  const s = await serve(tree);
  const snap = await snapshot(s.port, file);
  const peakKb = procKb(s.proc.pid, 'VmHWM');
  await stop(s);
  const row = { label, startS: s.startS, rssMiB: s.rssKb / 1024, peakMiB: peakKb / 1024, snapshotS: snap.seconds };
  console.log(
    `${label.padEnd(26)} serving after ${row.startS.toFixed(2)} s, RSS ${row.rssMiB.toFixed(0)} MiB; snapshot ${row.snapshotS.toFixed(1)} s; ` +
      `peak RSS through it ${row.peakMiB.toFixed(0)} MiB`,
  );
  return row;
}

async function main(argv = []) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--nodes') NODES = Number(argv[++i]);
    else throw new Error(`snapshot: unknown option ${argv[i]} (${module.exports.usage})`);
  }
  if (!(NODES > 0)) throw new Error('snapshot: --nodes wants a positive number');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-bench-snapshot-'));
  try {
    const mod = path.join(dir, 'tree.js');
    treeModule(mod);
    console.log(`bench/snapshot: a generated tree of about ${NODES} nodes (load average ${os.loadavg()[0].toFixed(1)}, ${os.cpus().length} cores)`);
    const first = path.join(dir, 'first.json');
    const code = await measure('built in code', mod, first);
    const size = fs.statSync(first).size;
    const nodes = JSON.parse(fs.readFileSync(first, 'utf8')).nodes.length;
    console.log(`  snapshot file: ${nodes} nodes, ${(size / 1048576).toFixed(1)} MiB; ${(nodes / code.snapshotS).toFixed(0)} nodes/s`);
    const again = await measure('served from its snapshot', first, path.join(dir, 'second.json'));
    const r = (a, b) => (a / b).toFixed(2);
    console.log(
      `  ratios (snapshot-served / built in code): start ${r(again.startS, code.startS)}, RSS ${r(again.rssMiB, code.rssMiB)}, ` +
        `peak RSS ${r(again.peakMiB, code.peakMiB)}, snapshot time ${r(again.snapshotS, code.snapshotS)}`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { main, usage: 'snapshot [--nodes 100000]' };
