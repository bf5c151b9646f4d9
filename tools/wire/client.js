'use strict';
/**
 * A throw-away client process for the fault tests (killed with SIGKILL mid-request).
 *
 *   node tools/wire/client.js '{"port": BASE+1, "mode": "req"|"flood", "clients": 4, "file": "requests.bin", "maxSeconds": 60}'
 *
 * req:   `clients` REQ sockets, each in a closed loop over the request file.
 * flood: `clients` DEALER sockets sending requests without ever reading a reply.
 * Prints "running" once the first replies came back (req) / first batch sent (flood).
 */
const zmq = require('zeromq');
require('../require-ts');
const { readRecords } = require('./lib');

async function main() {
  const o = JSON.parse(process.argv[2]);
  const reqs = readRecords(o.file);
  setTimeout(() => process.exit(0), (o.maxSeconds ?? 60) * 1000).unref();
  let announced = false;
  const announce = () => {
    if (!announced) {
      announced = true;
      process.stdout.write('running\n');
    }
  };
  const loops = [];
  for (let c = 0; c < (o.clients ?? 4); c++) {
    loops.push(
      (async () => {
        if (o.mode === 'flood') {
          const s = new zmq.Dealer({ linger: 0, sendHighWaterMark: 100000 });
          s.connect(`tcp://127.0.0.1:${o.port}`);
          for (let i = 0; ; i++) {
            await s.send([Buffer.alloc(0), reqs[i % reqs.length]]);
            if (i === 1000) announce();
            if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
          }
        }
        const s = new zmq.Request({ linger: 0 });
        s.connect(`tcp://127.0.0.1:${o.port}`);
        for (let i = 0; ; i++) {
          await s.send(reqs[i % reqs.length]);
          await s.receive();
          if (i === 10) announce();
        }
      })(),
    );
  }
  await Promise.all(loops);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
