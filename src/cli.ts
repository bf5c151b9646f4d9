#!/usr/bin/env node
/**
 * pyrogue-ts command line.
 *
 *   pyrogue-ts serve [--tree example|reference|./lab-tree.js] [--addr 127.0.0.1] [--port 9099]
 *                    [--inc-groups G...] [--exc-groups G...]
 *       serves a tree until Ctrl-C / SIGTERM (root.stop()); a module file exports a
 *       Root or a function making one (server/serve.ts loadTreeModule).
 *
 *       --memory tcp://host:port runs the tree's RemoteVariables over a rogue memory
 *       TcpServer (src/bridge; docs/memory-bridge.md).
 *
 *   pyrogue-ts memserve [--addr 127.0.0.1] [--port 9000] [--size 16M] [--min-access 4] [--max-access 4096]
 *       serves an emulated memory as rogue's memory TcpServer (PORT, PORT+1) until Ctrl-C.
 *
 *   pyrogue-ts web --server host:port [--http [HOST:]PORT] [--token T] [--read-only]
 *       serves a live tree of any pyrogue server to a browser (src/web; docs/web.md);
 *       `serve ... --http [HOST:]PORT` serves the page from the server process itself.
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
import { Command, CommanderError } from 'commander';
import { pyStr } from './py/repr';
import { PyValue } from './py/values';
import { loadTreeModule, resolveTree, serve, treeNames, type ServeHandle, type ServeOptions } from './server/serve';
import { BoundedMemory, parseSize, rebaseMemory } from './bridge/attach';
import { MemoryTcpClient } from './bridge/client';
import { MemoryTcpServer } from './bridge/server';
import { parseBridgeUrl } from './bridge/wire';
import { EmulatedMemory, type MemoryBackend } from './tree/memory';
import { parseServer } from './client/channel';
import { ClientError, RemoteError } from './client/errors';
import { SimpleClient } from './client/simple';
import { VirtualClient, VirtualNode } from './client/virtual';
import { WebConfigError, WebGateway, checkBind } from './web/gateway';

class CliError extends Error {}

interface GlobalOpts {
  server: string;
  timeout: string;
  quiet?: boolean;
}

function out(line = ''): void {
  process.stdout.write(line + '\n');
}

function timeoutMs(o: GlobalOpts): number {
  const s = Number(o.timeout);
  if (!Number.isFinite(s) || s < 0) throw new CliError(`bad --timeout '${o.timeout}' (seconds, 0 = wait forever)`);
  return Math.round(s * 1000);
}

function serverOf(o: GlobalOpts): { addr: string; port: number } {
  try {
    return parseServer(o.server);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Text of an error for the user. */
function explain(e: unknown): string {
  if (e instanceof RemoteError) return `server raised ${e.wireText}`;
  if (e instanceof ClientError || e instanceof CliError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

async function withClient<T>(o: GlobalOpts, f: (c: SimpleClient, where: string) => Promise<T>): Promise<T> {
  const { addr, port } = serverOf(o);
  const where = `${addr}:${port}`;
  if (!o.quiet) out(`Connecting to ${where}`);
  const c = new SimpleClient({ addr, port, timeout: timeoutMs(o) });
  try {
    return await f(c, where);
  } finally {
    c.close();
  }
}

/** After a None reply: whether PATH names a node at all (any node has a `name`). */
async function requireNode(c: SimpleClient, path: string, where: string): Promise<void> {
  const name = await c.remoteAttr(path, 'name');
  if (name === null) throw new CliError(`no node '${path}' on server ${where} (paths start with the root name or 'root', e.g. root.RogueVersion)`);
}

function printRet(o: GlobalOpts, ret: PyValue): void {
  if (ret === null) return;
  const text = pyStr(ret);
  if (o.quiet) out(text);
  else {
    out();
    out(`Ret = ${text}`);
  }
}

async function cmdGetLike(o: GlobalOpts, path: string, attr: 'getDisp' | 'valueDisp'): Promise<void> {
  await withClient(o, async (c, where) => {
    const ret = await c.remoteAttr(path, attr);
    if (ret === null) await requireNode(c, path, where);
    printRet(o, ret);
  });
}

async function cmdSet(o: GlobalOpts, path: string, value: string): Promise<void> {
  await withClient(o, async (c, where) => {
    await requireNode(c, path, where);
    try {
      await c.setDisp(path, value);
    } catch (e) {
      if (e instanceof RemoteError) throw new CliError(`set ${path} ${JSON.stringify(value)} rejected: ${e.wireText}`);
      throw e;
    }
  });
}

async function cmdExec(o: GlobalOpts, path: string, arg: string | undefined): Promise<void> {
  await withClient(o, async (c, where) => {
    const ret = await c.exec(path, arg ?? null);
    if (ret === null) await requireNode(c, path, where);
    printRet(o, ret);
  });
}

function timestamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  let tz = '';
  try {
    tz = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '';
  } catch {
    tz = '';
  }
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${tz ? ' ' + tz : ''}`;
}

/** Whether a published key is PATH (the `root` alias matches the real root name). */
function samePath(key: string, path: string): boolean {
  if (key === path) return true;
  const a = key.split('.');
  const b = path.split('.');
  return b[0] === 'root' && a.length === b.length && a.slice(1).join('.') === b.slice(1).join('.');
}

async function cmdMonitor(o: GlobalOpts, path: string, count: number | undefined): Promise<void> {
  const { addr, port } = serverOf(o);
  const where = `${addr}:${port}`;
  if (!o.quiet) out(`Connecting to ${where}`);
  let seen = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const display = (v: string) => out(o.quiet ? v : `${timestamp()}: ${path} = ${v}`);
  const c = new SimpleClient({
    addr,
    port,
    timeout: timeoutMs(o),
    cb: (key, v) => {
      if (!samePath(key, path)) return;
      display(v.valueDisp);
      if (count !== undefined && ++seen >= count) finish();
    },
  });
  const onSignal = () => finish();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const first = await c.valueDisp(path);
    if (first === null) await requireNode(c, path, where);
    if (!o.quiet) out();
    display(first === null ? 'None' : first);
    // --count N prints N values in all: the current one, then N-1 updates.
    if (count !== undefined && ++seen >= count) finish();
    await finished;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    c.close();
  }
}

async function printTree(node: VirtualNode, depth: number, maxDepth: number, values: boolean, hidden: boolean): Promise<void> {
  const pad = '  '.repeat(depth);
  if (node.isCommand) {
    out(`${pad}${node.name}()${node.hidden ? '  (hidden)' : ''}`);
    return;
  }
  if (node.isVariable) {
    let text = '';
    if (values) {
      try {
        const v = await node.remoteAttr('valueDisp');
        text = ` = ${v === null ? 'None' : pyStr(v)}`;
      } catch (e) {
        text = ` = <${explain(e)}>`;
      }
    }
    // Units after the value (as pyrogue's GUI shows them); the mode when it is not RW.
    let units = '';
    let mode = '';
    const [u, m] = await Promise.all(['units', 'mode'].map((p) => node.prop(p).catch(() => null)));
    if (typeof u === 'string' && u !== '') units = ` ${u}`;
    if (typeof m === 'string' && m !== 'RW') mode = `  (${m})`;
    out(`${pad}${node.name}${text}${units}${mode}${node.hidden ? '  (hidden)' : ''}`);
    return;
  }
  out(`${pad}${node.name}  [${node.className}]${node.hidden ? '  (hidden)' : ''}`);
  if (depth >= maxDepth) return;
  const kids = [...(await node.nodes()).values()].filter((n) => hidden || !n.hidden);
  // pyrogue's GUI order: variables and commands first, then devices.
  const leaves = kids.filter((n) => !n.isDevice);
  const devices = kids.filter((n) => n.isDevice);
  for (const k of [...leaves, ...devices]) await printTree(k, depth + 1, maxDepth, values, hidden);
}

async function cmdTree(o: GlobalOpts, path: string | undefined, opts: { depth?: string; values: boolean; hidden?: boolean }): Promise<void> {
  const { addr, port } = serverOf(o);
  const where = `${addr}:${port}`;
  if (!o.quiet) out(`Connecting to ${where}`);
  const t = timeoutMs(o);
  const c = await VirtualClient.connect({ addr, port, timeout: t, connectTimeout: t === 0 ? 5000 : t });
  try {
    const node = path ? await c.getNode(path) : c.root;
    if (!node) throw new CliError(`no node '${path}' on server ${where}`);
    if (!o.quiet) out();
    const maxDepth = opts.depth === undefined ? Infinity : Number(opts.depth);
    if (!Number.isFinite(maxDepth) && opts.depth !== undefined) throw new CliError(`bad --depth '${opts.depth}'`);
    await printTree(node, 0, maxDepth, opts.values, opts.hidden === true);
  } finally {
    c.close();
  }
}

function groupList(v: string, prev: string[] | undefined): string[] {
  return [
    ...(prev ?? []),
    ...v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

/** Resolves on the first SIGINT/SIGTERM (its name). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(sig);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function cmdMemserve(opts: { addr: string; port: string; size?: string; minAccess: string; maxAccess: string }): Promise<void> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65533) throw new CliError(`bad --port '${opts.port}'`);
  const minAccess = Number(opts.minAccess);
  const maxAccess = Number(opts.maxAccess);
  if (!Number.isInteger(minAccess) || minAccess < 1 || !Number.isInteger(maxAccess) || maxAccess < minAccess)
    throw new CliError(`bad --min-access/--max-access '${opts.minAccess}'/'${opts.maxAccess}'`);
  const emulated = new EmulatedMemory({ minAccess, maxAccess });
  let memory: MemoryBackend = emulated;
  let size: number | null = null;
  if (opts.size !== undefined) {
    try {
      size = parseSize(opts.size);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    memory = new BoundedMemory(emulated, size);
  }
  const server = new MemoryTcpServer({ memory, addr: opts.addr, port, maxSize: maxAccess, logger: { warn: (m) => console.error(`pyrogue-ts: ${m}`) } });
  try {
    await server.start();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const host = opts.addr === '*' || opts.addr === '0.0.0.0' ? '127.0.0.1' : opts.addr;
  out(
    `pyrogue-ts: serving emulated memory (${size === null ? 'sparse, unbounded' : `0x${size.toString(16)} bytes`}, access ${minAccess}..${maxAccess} bytes) ` +
      `as a rogue memory TcpServer on ${opts.addr}:${port} (requests ${port}, responses ${port + 1})`,
  );
  out('Connect with:');
  out(`  pyrogue:     mem = rogue.interfaces.memory.TcpClient('${host}', ${port}, True); MyDevice(memBase=mem)`);
  out(`  pyrogue-ts:  new MemoryTcpClient({ addr: '${host}', port: ${port}, waitReady: true })`);
  out(`  CLI:         pyrogue-ts serve --tree reference --memory tcp://${host}:${port}`);
  out('Press Ctrl-C to stop.');
  const sig = await untilSignal();
  out(`pyrogue-ts: ${sig}, stopping`);
  await server.stop();
  out('pyrogue-ts: stopped');
}

interface WebOpts {
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
function webConfig(opts: WebOpts): { host: string; port: number; token: string | null } {
  const { host, port } = parseHttp(opts.http ?? '127.0.0.1:8099');
  const t = opts.token ?? process.env.PYROGUE_WEB_TOKEN ?? null;
  const token = t === '' ? null : t;
  try {
    checkBind(host, token);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  return { host, port, token };
}

/** Starts the browser gateway for a pyrogue server at addr:port; prints where to open it. */
async function startWeb(opts: WebOpts, server: { addr: string; port: number }): Promise<WebGateway> {
  const { host, port, token } = webConfig(opts);
  let gw: WebGateway;
  try {
    gw = new WebGateway({
      server,
      host,
      port,
      token,
      readOnly: opts.readOnly === true,
      log: (l) => console.error(`pyrogue-ts: ${l}`),
    });
    await gw.start();
  } catch (e) {
    if (e instanceof WebConfigError) throw new CliError(e.message);
    throw new CliError(`cannot serve the page on ${host}:${port}: ${(e as Error).message}`);
  }
  out(`pyrogue-ts: browser view of ${server.addr}:${server.port} at ${gw.url}${opts.readOnly ? ' (read-only)' : ''}`);
  return gw;
}

async function cmdWeb(o: GlobalOpts, opts: WebOpts): Promise<void> {
  const server = serverOf(o);
  const gw = await startWeb(opts, server);
  out('Press Ctrl-C to stop.');
  const sig = await untilSignal();
  out(`pyrogue-ts: ${sig}, stopping`);
  await gw.close();
  out('pyrogue-ts: stopped');
}

async function cmdServe(
  opts: { tree: string; addr: string; port: string; incGroups?: string[]; excGroups?: string[]; memory?: string } & WebOpts,
): Promise<void> {
  if (opts.http !== undefined) webConfig(opts); // a bad --http or a missing token fails before the tree starts
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65533) throw new CliError(`bad --port '${opts.port}' (0 picks a free one)`);
  const isFile = /[\\/]/.test(opts.tree) || /\.[cm]?js$/.test(opts.tree);
  if (!isFile && !treeNames().includes(opts.tree))
    throw new CliError(`unknown tree '${opts.tree}' (known: ${treeNames().join(', ')}, or a module file such as ./lab-tree.js)`);
  let tree: ServeOptions['tree'] = opts.tree;
  if (isFile) {
    try {
      tree = await loadTreeModule(opts.tree);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  let bridge: MemoryTcpClient | null = null;
  if (opts.memory !== undefined) {
    let where: { addr: string; port: number };
    try {
      where = parseBridgeUrl(opts.memory);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const client = new MemoryTcpClient({ ...where, waitReady: true, logger: { warn: (m) => console.error(`pyrogue-ts: ${m}`) } });
    bridge = client;
    const base = tree;
    tree = async () => {
      const root = await resolveTree(base);
      const rt = (root as unknown as { timeout?: number }).timeout;
      if (typeof rt === 'number' && rt > 0) client.timeout = rt; // pyrogue: the root's timeout applies to its devices
      const moved = rebaseMemory(root as never, client);
      if (moved.length === 0) throw new Error(`tree '${opts.tree}' has no device with a memBase to put on ${opts.memory}`);
      out(`pyrogue-ts: ${moved.join(', ')} on the memory bridge ${client.url} (waiting for it to answer)`);
      await client.start();
      return root;
    };
  }
  let h: ServeHandle;
  try {
    h = await serve({
      tree,
      addr: opts.addr,
      port,
      incGroups: opts.incGroups ?? null,
      excGroups: opts.excGroups ?? ['NoServe'],
    });
  } catch (e) {
    await bridge?.close();
    throw new CliError(`cannot serve tree '${opts.tree}' on ${opts.addr}:${opts.port}: ${(e as Error).message}`);
  }
  if (bridge) {
    const b = bridge;
    const close = h.close.bind(h);
    h.close = async () => {
      await close();
      await b.close();
    };
  }
  const host = opts.addr === '*' || opts.addr === '0.0.0.0' ? '127.0.0.1' : opts.addr;
  const p = h.port;
  out(`pyrogue-ts: serving tree '${opts.tree}' (root ${h.root.name}) on ${opts.addr}:${p} (publish ${p}, requests ${p + 1}, strings ${p + 2})`);
  out('Connect with:');
  out(`  Python SimpleClient:   c = pyrogue.interfaces.SimpleClient(addr='${host}', port=${p}); c.getDisp('root.RogueVersion')`);
  out(`  Python VirtualClient:  client = pyrogue.interfaces.VirtualClient(addr='${host}', port=${p}); root = client.root`);
  out(`  Python GUI:            python -m pyrogue --server ${host}:${p} gui`);
  out(`  Node SimpleClient:     new SimpleClient({ addr: '${host}', port: ${p} })     (import { SimpleClient } from 'pyrogue-ts')`);
  out(`  Node VirtualClient:    await VirtualClient.connect({ addr: '${host}', port: ${p} })`);
  out(`  CLI:                   pyrogue-ts --server ${host}:${p} tree`);
  if (opts.http !== undefined) {
    let gw: WebGateway;
    try {
      gw = await startWeb(opts, { addr: host, port: p });
    } catch (e) {
      await h.close();
      throw e;
    }
    const close = h.close.bind(h);
    h.close = async () => {
      await gw.close();
      await close();
    };
  }
  out('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      out(`pyrogue-ts: ${sig}, stopping`);
      const guard = setTimeout(() => process.exit(0), 5000);
      guard.unref();
      h.close().then(
        () => resolve(),
        (e) => {
          console.error(`pyrogue-ts: error while stopping: ${(e as Error).message}`);
          resolve();
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  out('pyrogue-ts: stopped');
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('pyrogue-ts')
    .description("Serve a pyrogue tree from Node.js, or talk to any pyrogue server (pyrogue's client verbs).")
    .option('--server <host:port>', "server address: 'host:port' (pyrogue's --server)", 'localhost:9099')
    .option('--timeout <seconds>', 'seconds to wait for each reply (0 = forever)', '5')
    .option('-q, --quiet', 'print only results (no "Connecting to" / "Ret =")')
    .showHelpAfterError('(run pyrogue-ts --help for usage)')
    .exitOverride(); // inherited by the subcommands created below

  program
    .command('serve')
    .description('serve a tree until Ctrl-C (SIGINT/SIGTERM stop it cleanly)')
    .option(
      '--tree <name|file>',
      `tree to serve: ${treeNames().join(', ')}, or a module file exporting a Root or a function making one (./lab-tree.js)`,
      'example',
    )
    .option('--addr <addr>', "interface to bind ('*' for all)", '127.0.0.1')
    .option('--port <port>', 'base port (0 = first free of 9099, 9103, ...)', '9099')
    .option('--inc-groups <groups...>', 'publish only variables in these groups', groupList)
    .option('--exc-groups <groups...>', "don't publish variables in these groups (default NoServe)", groupList)
    .option('--memory <tcp://host:port>', "put the tree's RemoteVariables on a rogue memory TcpServer (instead of emulated memory)")
    .option('--http <[host:]port>', 'also serve the browser view of the tree on this port (127.0.0.1 unless a host is given)')
    .option('--token <secret>', 'required by the browser view on every page load and connection (env PYROGUE_WEB_TOKEN); needed for a non-loopback --http')
    .option('--read-only', 'the browser view hides and refuses every set and command')
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- commander's parsed options are untyped; cmdServe's parameter states them
    .action(async (opts) => cmdServe(opts));

  program
    .command('memserve')
    .description("serve an emulated memory as rogue's memory TcpServer (for pyrogue trees using TcpClient) until Ctrl-C")
    .option('--addr <addr>', "interface to bind ('*' for all)", '127.0.0.1')
    .option('--port <port>', 'base port: requests on PORT, responses on PORT+1', '9000')
    .option('--size <bytes>', 'memory size (4096, 0x1000, 64k, 16M); default sparse and unbounded')
    .option('--min-access <bytes>', "minimum access size (rogue Emulate's first argument)", '4')
    .option('--max-access <bytes>', 'largest transaction served', '4096')
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- commander's parsed options are untyped; cmdMemserve's parameter states them
    .action(async (opts) => cmdMemserve(opts));

  const g = (cmd: Command): GlobalOpts => cmd.optsWithGlobals<GlobalOpts>();
  program
    .command('web')
    .description('serve a live tree of the --server pyrogue server (TypeScript or Python) to a browser, until Ctrl-C')
    .option('--http <[host:]port>', 'where to serve the page', '127.0.0.1:8099')
    .option('--token <secret>', 'required on every page load and connection (env PYROGUE_WEB_TOKEN); needed for a non-loopback --http')
    .option('--read-only', 'hide and refuse every set and command')
    .action(async (opts: WebOpts, cmd: Command) => cmdWeb(g(cmd), opts));
  program
    .command('get')
    .description("print a variable's display value, reading it first (getDisp)")
    .argument('<path>', 'node path, e.g. root.AxiVersion.ScratchPad')
    .action(async (path: string, _o, cmd: Command) => cmdGetLike(g(cmd), path, 'getDisp'));
  program
    .command('value')
    .description("print a variable's display value without a read (valueDisp)")
    .argument('<path>')
    .action(async (path: string, _o, cmd: Command) => cmdGetLike(g(cmd), path, 'valueDisp'));
  program
    .command('set')
    .description('set a variable from its display form (setDisp)')
    .argument('<path>')
    .argument('<value>')
    .action(async (path: string, value: string, _o, cmd: Command) => cmdSet(g(cmd), path, value));
  program
    .command('exec')
    .description('run a command with an optional argument and print its return value')
    .argument('<path>')
    .argument('[arg]')
    .action(async (path: string, arg: string | undefined, _o, cmd: Command) => cmdExec(g(cmd), path, arg));
  program
    .command('monitor')
    .description("print the variable's display value on every update until interrupted")
    .argument('<path>')
    .option('--count <n>', 'stop after printing n values (the current one, then n-1 updates)')
    .action(async (path: string, opts: { count?: string }, cmd: Command) => {
      const n = opts.count === undefined ? undefined : Number(opts.count);
      if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new CliError(`bad --count '${opts.count}'`);
      await cmdMonitor(g(cmd), path, n);
    });
  program
    .command('tree')
    .description("print the remote tree with each variable's display value")
    .argument('[path]', 'subtree to print (default: the root)')
    .option('--depth <n>', 'levels of devices to descend')
    .option('--no-values', 'names only (no value requests)')
    .option('--hidden', 'include nodes of the Hidden group')
    .action(async (path: string | undefined, opts: { depth?: string; values: boolean; hidden?: boolean }, cmd: Command) => cmdTree(g(cmd), path, opts));
  return program;
}

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
