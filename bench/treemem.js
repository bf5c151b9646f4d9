'use strict';
/**
 * Where a big tree's memory goes, in one process and without sockets (a diagnostic: the wire
 * bench's tree100k row measures the real server under the C load generator).
 *
 *   node bench/run.js treemem [--devices 100] [--vars 1000] [--passes 3] [--no-boot]      (run with --expose-gc)
 *
 * Builds tools/wire/trees.js's bigTree, starts the root (no server), prints the build and start
 * seconds and the heap after a full collection; then answers a VirtualClient-style bootstrap
 * (`__ROOT__`, then `nodes` of the root and of every device, `--passes` times) through the
 * server's BinaryPort (the request→reply bytes the REP socket would send) and prints the peak of
 * heapUsed seen between requests, the process's peak RSS (VmHWM), the reply bytes and a digest
 * of the first pass's replies (equal digests: byte-identical replies, e.g. across two builds
 * with WIRE_DIST). V8 flags given to node apply (--trace-gc, --no-allocation-site-pretenuring...).
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const dist = process.env.WIRE_DIST || path.join(__dirname, '..', 'dist');

function parseArgs(argv) {
  const o = { devices: 100, vars: 1000, passes: 3, boot: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--devices') o.devices = Number(argv[++i]);
    else if (a === '--vars') o.vars = Number(argv[++i]);
    else if (a === '--passes') o.passes = Number(argv[++i]);
    else if (a === '--no-boot') o.boot = false;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

const mib = (x) => (x / 1048576).toFixed(1);
const hwm = () => Number((fs.readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+)/m) || [0, 0])[1]) * 1024;
function heap(label) {
  if (global.gc) global.gc();
  const m = process.memoryUsage();
  console.log(`${label}: rss ${mib(m.rss)} MiB, heapUsed ${mib(m.heapUsed)} MiB, heapTotal ${mib(m.heapTotal)} MiB, external ${mib(m.external)} MiB`);
}

async function main(argv) {
  const o = parseArgs(argv);
  if (!global.gc) console.log('(run with node --expose-gc for heap figures after a full collection)');
  const t0 = process.hrtime.bigint();
  const trees = require('../tools/wire/trees');
  const { BinaryPort } = require(path.join(dist, 'server', 'dispatch'));
  const { encode } = require(path.join(dist, 'pickle', 'encode'));
  const { PyDict } = require(path.join(dist, 'py', 'values'));
  const t1 = process.hrtime.bigint();
  const root = trees.bigTree({ devices: o.devices, vars: o.vars });
  const t2 = process.hrtime.bigint();
  await root.start();
  const t3 = process.hrtime.bigint();
  await root.stop();
  const s = (a, b) => (Number(b - a) / 1e9).toFixed(3);
  console.log(`tree of ${o.devices} × ${o.vars} variables: require ${s(t0, t1)} s, build ${s(t1, t2)} s, start ${s(t2, t3)} s`);
  heap('built and started');
  if (!o.boot) return;
  const port = new BinaryPort(root);
  const req = (p, attr) => encode(PyDict.from({ path: p, attr, args: [], kwargs: new PyDict() }), 4);
  const paths = trees.devicePaths(root);
  const reqs = [req('__ROOT__', null), ...paths.map((p) => req(p, 'nodes'))];
  const digest = crypto.createHash('sha256');
  let bytes = 0;
  let peakHeap = 0;
  const tb = process.hrtime.bigint();
  for (let pass = 0; pass < o.passes; pass++) {
    for (const r of reqs) {
      const out = port.handleBytes(r);
      bytes += out.length;
      if (pass === 0) digest.update(out);
      const used = process.memoryUsage().heapUsed;
      if (used > peakHeap) peakHeap = used;
    }
  }
  const te = process.hrtime.bigint();
  console.log(
    `bootstrap (__ROOT__ + nodes × ${paths.length}) × ${o.passes}: ${s(tb, te)} s, ${mib(bytes / o.passes)} MiB per pass, ` +
      `peak heapUsed ${mib(peakHeap)} MiB, peak RSS (VmHWM) ${mib(hwm())} MiB, first pass sha256 ${digest.digest('hex').slice(0, 16)}`,
  );
  heap('after the bootstrap');
}

module.exports = { main, usage: 'treemem [--devices 100] [--vars 1000] [--passes 3] [--no-boot]' };
