'use strict';
/**
 * Reproductions of the server faults the hardening tests found (run after
 * `npx tsc -p tsconfig.json`; WIRE_DIST=/other/dist to try a patched build):
 *
 *   node bench/wire/repro.js flood       DEALERs flood requests they never read, then die:
 *                                        a fresh client must get an answer at once
 *   node bench/wire/repro.js failstorm   4 clients call a command that always throws:
 *                                        server RSS must stay bounded, the heartbeat must go on
 *   node bench/wire/repro.js memlog      RemoteVariable reads for 60 s: live heap must stay flat
 *
 * The server's memory (and ROUTER send outcomes) are printed to stderr every second.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const zmq = require('zeromq');
const lib = require('./lib');

const REQS = {
  ro: [['Root.Demo.ReadOnly', 'value', [], {}]],
  fail: [['Root.Demo.Fail', '__call__', [], {}]],
  remote: [['Root.AxiVersion.ScratchPad', 'get', [], {}]],
};

async function ask(port, body, timeoutMs) {
  const s = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs });
  s.connect(`tcp://127.0.0.1:${port}`);
  try {
    await s.send(body);
    await s.receive();
  } finally {
    s.close();
  }
}

async function main() {
  const what = process.argv[2];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'repro-'));
  const files = lib.writeRequests(REQS, dir);
  const body = (k) => lib.readRecords(files[k])[0];
  const srv = await lib.startServer({ tree: 'bench', port: await lib.freeBasePort(), maxSeconds: 300, memLogMs: 1000, experimentCountSends: true });
  const rep = srv.port + 1;
  try {
    if (what === 'flood') {
      const kids = [];
      for (let i = 0; i < 2; i++) {
        const c = spawn(
          process.execPath,
          [path.join(__dirname, 'client.js'), JSON.stringify({ port: rep, mode: 'flood', clients: 4, file: files.ro, maxSeconds: 30 })],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        await new Promise((r) => c.stdout.once('data', r));
        kids.push(c);
      }
      await lib.sleep(300);
      kids.forEach((k) => k.kill('SIGKILL'));
      const t0 = Date.now();
      try {
        await ask(rep, body('ro'), 15000);
        console.log(`OK: a fresh client was answered ${Date.now() - t0} ms after the flood`);
      } catch {
        console.log('FAULT: no answer within 15 s after the flood (the binary port is wedged)');
        process.exitCode = 1;
      }
    } else if (what === 'failstorm') {
      const before = srv.rss();
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          const s = new zmq.Request({ linger: 0, receiveTimeout: 30000 });
          s.connect(`tcp://127.0.0.1:${rep}`);
          for (let i = 0; i < 300; i++) {
            await s.send(body('fail'));
            await s.receive();
          }
          s.close();
        }),
      );
      const after = srv.rss();
      console.log(`RSS ${before.rss_mib.toFixed(0)} -> ${after.rss_mib.toFixed(0)} MiB after 1,200 failing calls`);
      if (after.rss_mib - before.rss_mib > 150) process.exitCode = 1;
    } else if (what === 'memlog') {
      await lib.runLoadgen({ port: rep, file: files.remote, clients: 4, warmup: 0, duration: 60 });
      console.log('watch heapUsed in the [server mem] lines: with EmulatedMemory.log unbounded it climbs steadily');
    } else {
      console.log('usage: node bench/wire/repro.js flood|failstorm|memlog');
      process.exitCode = 2;
    }
  } finally {
    await srv.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
