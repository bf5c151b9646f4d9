#!/usr/bin/env node
/**
 * pyrogue-ts command line (the package's `bin`); the verbs live in src/cli/.
 *
 *   pyrogue-ts serve [--tree example|reference|./lab-tree.js] [--addr 127.0.0.1] [--port 9099]
 *                    [--inc-groups G...] [--exc-groups G...] [--memory tcp://host:port] [--http [HOST:]PORT]
 *       serves a tree until Ctrl-C / SIGTERM (root.stop()); a module file exports a
 *       Root or a function making one (server/serve.ts loadTreeModule).
 *       --memory tcp://host:port runs the tree's RemoteVariables over a rogue memory
 *       TcpServer (src/bridge; docs/memory-bridge.md).
 *
 *   pyrogue-ts memserve [--addr 127.0.0.1] [--port 9000] [--size 16M] [--min-access 4] [--max-access 4096]
 *       serves an emulated memory as rogue's memory TcpServer (PORT, PORT+1) until Ctrl-C.
 *
 *   pyrogue-ts web --server host:port [--http [HOST:]PORT] [--token T] [--read-only]
 *       serves a live tree of any pyrogue server to a browser (src/web; docs/web.md).
 *
 *   pyrogue-ts [--server host:port] get|value|set|exec|monitor|tree PATH [VALUE]
 *       pyrogue's client verbs (`python -m pyrogue`), against any pyrogue server:
 *         get PATH          getDisp (reads first)       prints "Ret = <display>"
 *         value PATH        valueDisp (no read)         prints "Ret = <display>"
 *         set PATH VALUE    setDisp(VALUE)
 *         exec PATH [ARG]   __call__(ARG or None)       prints "Ret = <str(ret)>" when not None
 *         monitor PATH      prints "<time>: PATH = <valueDisp>" on every update until interrupted
 *         tree [PATH]       the remote tree with each variable's valueDisp
 *       -q prints only the result. Errors (no server, unknown path, a rejected
 *       set) go to stderr with exit code 1.
 */
import { main } from './cli/program';

export { buildProgram, main } from './cli/program';
export { parseHttp } from './cli/web';

if (require.main === module) {
  // `pyrogue-ts tree | head`: a closed stdout ends the program quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main().then(
    (code) => {
      process.exitCode = code;
      // Sockets are closed; don't wait on anything a tree left running.
      setTimeout(() => process.exit(code), 100).unref();
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
