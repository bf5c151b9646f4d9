'use strict';
/**
 * The server under test, as its own process (the load generators are C).
 *
 *   node tools/wire/server.js '{"tree":"bench"|"big","devices":100,"vars":1000,"port":0,
 *                               "maxSeconds":600,"devicesOut":"/tmp/x.json","autoPorts":...}'
 *
 * Prints one JSON line once serving: {port, build_s, start_s, rss_mib, heap_mib, pid}.
 * Exits on SIGTERM/SIGINT, when stdin closes (the harness died) or after maxSeconds.
 *
 * Diagnostics (not used by the benchmark figures):
 *   memLogMs: N             print rss/heap/external, publish counters, the root's queued
 *                           update batches every N ms on stderr (gcOnMemLog: gc() first,
 *                           needs nodeArgs ['--expose-gc'])
 *   incGroups: [...]        the server's publish filter (['Nothing'] = no publishing)
 *   experimentCountSends    count ROUTER send outcomes (EBUSY rejections) in the memLog line
 *   experimentRouterSendTimeout0, experimentYieldEvery: N
 *                           try the two proposed zmqServer fixes without editing src/
 *   experimentIoThreads: N  libzmq I/O threads of the server's context (default 1)
 *   WIRE_DIST=/path/to/dist serve another build (e.g. a patched copy of dist/)
 */
const path = require('path');
const fs = require('fs');
const dist = process.env.WIRE_DIST || path.join(__dirname, '..', '..', 'dist');

async function main() {
  const opts = JSON.parse(process.argv[2] || '{}');
  const t0 = process.hrtime.bigint();
  const trees = require('./trees');
  if (opts.experimentRouterSendTimeout0) {
    // Experiment only: the ROUTER sockets with sendTimeout 0 (zeromq.js then
    // always sends synchronously; a non-mandatory ROUTER never blocks anyway).
    const zmq = require('zeromq');
    const Orig = zmq.Router;
    zmq.Router = class extends Orig {
      constructor(o) {
        super({ ...o, sendTimeout: 0 });
      }
    };
  }
  if (opts.experimentIoThreads) require('zeromq').context.ioThreads = opts.experimentIoThreads;
  const { ZmqServer } = require(path.join(dist, 'server', 'zmqServer'));
  if (opts.experimentYieldEvery) {
    // Experiment only (not the shipped server): make every N-th ROUTER receive
    // go through the macrotask queue, so the event loop turns under saturation.
    const zmq = require('zeromq');
    const orig = zmq.Router.prototype.receive;
    let n = 0;
    Object.defineProperty(zmq.Router.prototype, 'receive', {
      configurable: true,
      writable: true,
      value: async function () {
        if (++n % opts.experimentYieldEvery === 0) await new Promise((r) => setImmediate(r));
        return orig.call(this);
      },
    });
  }
  const sendStats = { ok: 0, failed: 0, errors: {} };
  if (opts.experimentCountSends) {
    // Diagnostics only: count ROUTER send outcomes (reported by memLogMs).
    const zmq = require('zeromq');
    const orig = zmq.Router.prototype.send;
    Object.defineProperty(zmq.Router.prototype, 'send', {
      configurable: true,
      writable: true,
      value: function (msg) {
        let p;
        try {
          p = orig.call(this, msg);
        } catch (e) {
          sendStats.failed++;
          const k = 'sync ' + String(e && (e.code || e.message));
          sendStats.errors[k] = (sendStats.errors[k] || 0) + 1;
          throw e;
        }
        return p.then(
          (v) => {
            sendStats.ok++;
            return v;
          },
          (e) => {
            sendStats.failed++;
            const k = String(e && (e.code || e.message));
            sendStats.errors[k] = (sendStats.errors[k] || 0) + 1;
            throw e;
          },
        );
      },
    });
  }
  const root = opts.tree === 'big' ? trees.bigTree({ devices: opts.devices ?? 100, vars: opts.vars ?? 1000 }) : trees.benchTree();
  const t1 = process.hrtime.bigint();
  const server = new ZmqServer({
    root,
    addr: '127.0.0.1',
    port: opts.port ?? 0,
    logger: null,
    ...(opts.autoPorts ? { autoPorts: opts.autoPorts } : {}),
    ...(opts.publishHighWaterMark ? { publishHighWaterMark: opts.publishHighWaterMark } : {}),
    ...(opts.incGroups ? { incGroups: opts.incGroups } : {}),
  });
  root.addInterface(server);
  try {
    await root.start();
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.message ? e.message : e) }) + '\n');
    process.exit(3);
  }
  const t2 = process.hrtime.bigint();
  if (opts.devicesOut) fs.writeFileSync(opts.devicesOut, JSON.stringify(trees.devicePaths(root)));
  if (global.gc) global.gc();
  const mem = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      port: server.port(),
      pid: process.pid,
      build_s: Number(t1 - t0) / 1e9,
      start_s: Number(t2 - t1) / 1e9,
      rss_mib: mem.rss / 1048576,
      heap_mib: mem.heapUsed / 1048576,
      hasRemote: root.getNode('Root.AxiVersion.ScratchPad') !== null,
    }) + '\n',
  );
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    try {
      await root.stop();
    } finally {
      process.exit(code);
    }
  };
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
  process.stdin.on('end', () => stop(0));
  process.stdin.on('error', () => stop(0));
  process.stdin.resume();
  setTimeout(() => stop(0), (opts.maxSeconds ?? 600) * 1000).unref();
  if (opts.memLogMs) {
    setInterval(() => {
      if (opts.gcOnMemLog && global.gc) global.gc();
      const m = process.memoryUsage();
      const mib = (x) => Math.round(x / 1048576);
      process.stderr.write(
        `[server mem] rss ${mib(m.rss)} heapUsed ${mib(m.heapUsed)} heapTotal ${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)} MiB; published ${server.publishedFrames} dropped ${server.droppedPublishes}; root batches queued ${Array.isArray(root._batches) ? root._batches.length - (root._batchHead ?? 0) : '?'}${opts.experimentCountSends ? ' sends ' + JSON.stringify(sendStats) : ''}\n`,
      );
    }, opts.memLogMs).unref();
  }
  // keep alive while serving
  setInterval(() => undefined, 1 << 30);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ error: String(e && e.stack ? e.stack : e) }) + '\n');
  process.exit(2);
});
