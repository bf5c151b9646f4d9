/**
 * The `pyrogue-ts` program: global options and one module per group of verbs.
 *
 *   serve, memserve          src/cli/serve.ts
 *   fpga-emu                 src/cli/fpga.ts
 *   web                      src/cli/web.ts
 *   get, value, set, exec,   src/cli/client.ts  (pyrogue's client verbs, against any server)
 *   monitor, syslog, path,
 *   tree
 *   datafile                 src/cli/datafile.ts
 *   snapshot, compare, port  src/cli/snapshot.ts (docs/snapshot.md)
 */
import { Command, CommanderError } from 'commander';
import { explain } from './common';
import { registerClientVerbs } from './client';
import { registerDatafile } from './datafile';
import { registerFpga } from './fpga';
import { registerServe } from './serve';
import { registerSnapshot } from './snapshot';
import { registerWeb } from './web';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('pyrogue-ts')
    .description("Serve a pyrogue tree from Node.js, or talk to any pyrogue server (pyrogue's client verbs).")
    .option('--server <host:port>', "server address: 'host:port' (pyrogue's --server)", 'localhost:9099')
    .option('--timeout <seconds>', 'seconds to wait for each reply (0 = forever)', '5')
    .option('-q, --quiet', 'print only results (no "Connecting to" / "Ret =")')
    .option('--details', "syslog: each entry's logger, level, exception and traceback (pyrogue's --details)")
    .showHelpAfterError('(run pyrogue-ts --help for usage)')
    .exitOverride(); // inherited by the subcommands created below
  registerServe(program);
  registerFpga(program);
  registerWeb(program);
  registerClientVerbs(program);
  registerDatafile(program);
  registerSnapshot(program);
  return program;
}

/** Runs the program on `argv`; resolves with the exit code (0 ok, 1 an error, 2 a usage error). */
export async function main(argv: string[] = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    console.error(`Error: ${explain(e)}`);
    return 1;
  }
}
