/** `pyrogue-ts web` and the `--http` option of `serve`: the browser view (src/web; docs/web.md). */
import type { Command } from 'commander';
import { WebConfigError, WebGateway, checkBind } from '../web/gateway';
import { CliError, Teardown, globalOpts, note, orCliError, out, runUntilSignal, serverOf, type GlobalOpts } from './common';

export interface WebOpts {
  http?: string;
  token?: string;
  readOnly?: boolean;
}

/** `--http [HOST:]PORT`: '8099' → 127.0.0.1:8099, '0.0.0.0:8099', '[::1]:8099'. */
export function parseHttp(text: string): { host: string; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:]+)):)?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`bad --http '${text}' (expected [HOST:]PORT, e.g. 8099 or 127.0.0.1:8099)`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

/** --http, --token (or PYROGUE_WEB_TOKEN), checked: a non-loopback bind needs a token. */
export function webConfig(opts: WebOpts): { host: string; port: number; token: string | null } {
  const { host, port } = parseHttp(opts.http ?? '127.0.0.1:8099');
  const t = opts.token ?? process.env.PYROGUE_WEB_TOKEN ?? null;
  const token = t === '' ? null : t;
  orCliError(() => checkBind(host, token));
  return { host, port, token };
}

/** Starts the browser gateway for a pyrogue server at addr:port; prints where to open it. */
export async function startWeb(opts: WebOpts, server: { addr: string; port: number }): Promise<WebGateway> {
  const { host, port, token } = webConfig(opts);
  let gw: WebGateway;
  try {
    gw = new WebGateway({ server, host, port, token, readOnly: opts.readOnly === true, log: note });
    await gw.start();
  } catch (e) {
    if (e instanceof WebConfigError) throw new CliError(e.message);
    throw new CliError(`cannot serve the page on ${host}:${port}: ${(e as Error).message}`);
  }
  out(`pyrogue-ts: browser view of ${server.addr}:${server.port} at ${gw.url}${opts.readOnly ? ' (read-only)' : ''}`);
  return gw;
}

async function cmdWeb(o: GlobalOpts, opts: WebOpts): Promise<void> {
  const gw = await startWeb(opts, serverOf(o));
  const teardown = new Teardown();
  teardown.add(() => gw.close());
  await runUntilSignal(teardown);
}

export function registerWeb(program: Command): void {
  program
    .command('web')
    .description('serve a live tree of the --server pyrogue server (TypeScript or Python) to a browser, until Ctrl-C')
    .option('--http <[host:]port>', 'where to serve the page', '127.0.0.1:8099')
    .option('--token <secret>', 'required on every page load and connection (env PYROGUE_WEB_TOKEN); needed for a non-loopback --http')
    .option('--read-only', 'hide and refuse every set and command')
    .action(async (opts: WebOpts, cmd: Command) => cmdWeb(globalOpts(cmd), opts));
}
