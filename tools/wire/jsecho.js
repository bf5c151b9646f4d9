'use strict';
/**
 * The binding's ceiling: a bare zeromq.js ROUTER in node answering every
 * request with its own bytes (envelope echoed, no decoding, no tree), the way
 * the server's receive loop sends (sendTimeout 0, reply before the next
 * receive). Whatever the server does beyond this is its own cost; what this
 * loses against the C echo (echo.c) is the cost of crossing the zeromq.js
 * binding and node's event loop.
 *
 *   node tools/wire/jsecho.js PORT [MAX_SECONDS]
 *
 * Prints {"ready": true} once bound; exits on SIGTERM, stdin close or MAX_SECONDS.
 */
const zmq = require('zeromq');

async function main() {
  const port = Number(process.argv[2]);
  const maxSeconds = Number(process.argv[3] || 600);
  const sock = new zmq.Router({ linger: 0, sendTimeout: 0 });
  await sock.bind(`tcp://127.0.0.1:${port}`);
  const stop = () => {
    sock.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.stdin
    .on('end', stop)
    .on('error', () => undefined)
    .resume();
  setTimeout(stop, maxSeconds * 1000).unref();
  console.log(JSON.stringify({ ready: true }));
  while (!sock.closed) {
    let frames;
    try {
      frames = await sock.receive();
    } catch {
      continue;
    }
    try {
      await sock.send(frames);
    } catch {
      /* a peer gone: nothing to answer */
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
