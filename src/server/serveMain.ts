/**
 * A minimal stand-alone entry until the CLI wires `serve`:
 *
 *     node dist/server/serveMain.js --tree reference --addr 127.0.0.1 --port 9099
 *
 * Serves until SIGINT/SIGTERM. The project CLI (`pyrogue-ts serve ...`)
 * should call `serveUntilSignal` itself rather than this file.
 */
import { serveUntilSignal } from './serve';

export interface ServeArgs {
  tree: string;
  addr: string;
  port: number;
}

/** Parses `--tree NAME --addr ADDR --port N` (also `--opt=value`). Defaults: reference, 127.0.0.1, 0 (auto). */
export function parseServeArgs(argv: readonly string[]): ServeArgs {
  const out: ServeArgs = { tree: 'reference', addr: '127.0.0.1', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    let [key, value] = argv[i].split(/=(.*)/s, 2) as [string, string | undefined];
    if (value === undefined) value = argv[++i];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    if (key === '--tree') out.tree = value;
    else if (key === '--addr') out.addr = value;
    else if (key === '--port') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0 || n > 65533) throw new Error(`invalid --port ${value}`);
      out.port = n;
    } else throw new Error(`unknown option ${key} (use --tree, --addr, --port)`);
  }
  return out;
}

export async function main(argv: readonly string[]): Promise<void> {
  await serveUntilSignal(parseServeArgs(argv));
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exit(1);
    },
  );
}
