'use strict';
/**
 * The server side of bench/web.js, in its own process: serves a tree
 * (`big`: tools/wire/trees.js bigTree, 1,000 devices of 100 variables;
 * `example`: the example tree) and, when asked over IPC, sets variables at a
 * given aggregate rate, each to a fresh sequence number, recording when
 * (epoch milliseconds, sub-millisecond: performance.timeOrigin + now()).
 *
 *   node bench/webserver.js big|example PORT      prints READY
 *   → { drive: { paths: [...], rate: 1000, seconds: 5, first: 1000000 } }
 *   ← { sent: [[seq, time], ...] }
 */
const path = require('path');
const { performance } = require('perf_hooks');
const DIST = path.join(__dirname, '..', 'dist');
const { serve } = require(path.join(DIST, 'server', 'serve'));
const { bigTree } = require('../tools/wire/trees');

const [which, portText] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();

async function main() {
  const tree = which === 'big' ? bigTree({ devices: 1000, vars: 100 }) : 'example';
  const h = await serve({ tree, addr: '127.0.0.1', port: Number(portText) });
  const byPath = (p) => h.root.getNode(p);
  process.on('message', (m) => {
    if (!m.drive) return;
    const { paths, rate, seconds, first } = m.drive;
    const vars = paths.map(byPath);
    const sent = [];
    let seq = first;
    const t0 = now();
    const total = Math.round(rate * seconds);
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((now() - t0) * rate) / 1000));
      while (sent.length < due) {
        const v = vars[sent.length % vars.length];
        const s = seq++;
        sent.push([s, now()]);
        v.set(BigInt(s));
      }
      if (sent.length >= total) {
        clearInterval(timer);
        // Let the last publishes go out before answering.
        setTimeout(() => process.send({ sent }), 200);
      }
    }, 2);
  });
  process.on('SIGTERM', () => h.close().then(() => process.exit(0)));
  process.stdout.write(`READY ${h.port}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
