/**
 * `pyrogue-ts serve` (a tree on the ZmqServer ports, optionally on a memory bridge and
 * with the browser view) and `pyrogue-ts memserve` (emulated memory as rogue's memory
 * TcpServer).
 */
import type { Command } from 'commander';
import { loadTreeModule, resolveTree, serve, treeNames, type ServeHandle, type ServeOptions } from '../server/serve';
import { BoundedMemory, parseSize, rebaseMemory } from '../bridge/attach';
import { MemoryTcpClient } from '../bridge/client';
import { MemoryTcpServer } from '../bridge/server';
import { parseBridgeUrl } from '../bridge/wire';
import { EmulatedMemory, type MemoryBackend } from '../tree/memory';
import { reportLines, SnapshotRoot } from '../snapshot';
import { CliError, Teardown, groupList, note, orCliError, out, portOption, runUntilSignal } from './common';
import { startWeb, webConfig, type WebOpts } from './web';
import { onRudpMemory, type RudpMemoryOpts } from './fpga';

interface ServeCliOpts extends WebOpts, RudpMemoryOpts {
  tree: string;
  addr: string;
  port: string;
  incGroups?: string[];
  excGroups?: string[];
  memory?: string;
  memoryDevices?: string[];
}

/** The client-side host of a bind address ('*' and 0.0.0.0 → 127.0.0.1). */
const clientHost = (addr: string): string => (addr === '*' || addr === '0.0.0.0' ? '127.0.0.1' : addr);

/** --tree: a registered name, or a module file (a path, or a name ending .js/.cjs/.mjs). */
async function treeOption(name: string): Promise<ServeOptions['tree']> {
  const isFile = /[\\/]/.test(name) || /\.([cm]?js|json|json\.gz)$/.test(name);
  if (!isFile && !treeNames().includes(name))
    throw new CliError(`unknown tree '${name}' (known: ${treeNames().join(', ')}, or a module file such as ./lab-tree.js)`);
  if (!isFile) return name;
  try {
    return await loadTreeModule(name);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/**
 * --memory tcp://host:port: the tree's devices with a memBase of their own (all, or those
 * --memory-devices names) moved onto a rogue memory TcpServer. Its errors are the user's to
 * fix in the tree or the bridge, not in the serving ports: CliErrors saying so.
 */
function onMemoryBridge(tree: ServeOptions['tree'], name: string, url: string, only: string[] | null, teardown: Teardown): ServeOptions['tree'] {
  const where = orCliError(() => parseBridgeUrl(url));
  const client = new MemoryTcpClient({ ...where, waitReady: true, logger: { warn: note } });
  teardown.add(() => client.close());
  return async () => {
    const root = await resolveTree(tree);
    const rt = (root as unknown as { timeout?: number }).timeout;
    if (typeof rt === 'number' && rt > 0) client.timeout = rt; // pyrogue: the root's timeout applies to its devices
    const moved = orCliError(() => rebaseMemory(root as never, client, only));
    if (moved.length === 0)
      throw new CliError(
        `--memory ${url}: tree '${name}' has no device with a memBase, so nothing would use the memory bridge ` +
          `(give a Device its memory with \`new MyDevice({ memBase, offset })\`; --memory replaces that memBase)`,
      );
    out(`pyrogue-ts: ${moved.join(', ')} on the memory bridge ${client.url} (waiting for it to answer)`);
    try {
      await client.start();
    } catch (e) {
      throw new CliError(
        `${(e as Error).message}: no rogue memory TcpServer answered at ${where.addr} (requests to port ${where.port}, responses from port ${where.port + 1}) ` +
          `within ${client.readyTimeout} s. Check that the process serving the memory (rogue.interfaces.memory.TcpServer, or pyrogue-ts memserve) ` +
          `is running, listens on that host and port, and that a firewall lets both ports through.`,
      );
    }
    return root;
  };
}

/**
 * The start banner, once: pyrogue's first line (`Start: Started zmqServer on ports …`, which
 * scripts wait for), then how to connect, every line with the same client-side host.
 * (The ZmqServer's own banner, pyrogue's three lines with 'localhost', is not printed.)
 */
function printConnectHelp(name: string, h: ServeHandle, addr: string): void {
  const host = clientHost(addr);
  const p = h.port;
  out(`Start: Started zmqServer on ports ${p}-${p + 2}`);
  out(`pyrogue-ts: serving tree '${name}' (root ${h.root.name}) on ${addr}:${p} (publish ${p}, requests ${p + 1}, strings ${p + 2})`);
  out('Connect with:');
  out(`  Python SimpleClient:   c = pyrogue.interfaces.SimpleClient(addr='${host}', port=${p}); c.getDisp('root.RogueVersion')`);
  out(`  Python VirtualClient:  client = pyrogue.interfaces.VirtualClient(addr='${host}', port=${p}); root = client.root`);
  out(`  Python GUI:            python -m pyrogue --server ${host}:${p} gui`);
  out(`  Node SimpleClient:     new SimpleClient({ addr: '${host}', port: ${p} })     (import { SimpleClient } from 'pyrogue-ts')`);
  out(`  Node VirtualClient:    await VirtualClient.connect({ addr: '${host}', port: ${p} })`);
  out(`  CLI:                   pyrogue-ts --server ${host}:${p} tree`);
}

async function cmdServe(opts: ServeCliOpts): Promise<void> {
  if (opts.http !== undefined) webConfig(opts); // a bad --http or a missing token fails before the tree starts
  const port = portOption(opts.port, '--port', 0, 65533, ' (0 picks a free one)');
  const teardown = new Teardown();
  let tree = await treeOption(opts.tree);
  if (opts.memoryDevices !== undefined && opts.memory === undefined)
    throw new CliError('--memory-devices chooses devices for --memory: give --memory tcp://host:port (or rudp://host:port) too');
  if (opts.memory?.startsWith('rudp://')) tree = onRudpMemory(tree, opts.tree, opts.memory, opts, opts.memoryDevices ?? null, teardown);
  else if (opts.memory !== undefined) tree = onMemoryBridge(tree, opts.tree, opts.memory, opts.memoryDevices ?? null, teardown);
  let h: ServeHandle;
  try {
    h = await serve({
      tree,
      addr: opts.addr,
      port,
      incGroups: opts.incGroups ?? null,
      excGroups: opts.excGroups ?? ['NoServe'],
      logger: { info: () => undefined, warn: (m) => console.warn(m) }, // the banner is printConnectHelp's
    });
  } catch (e) {
    await teardown.close();
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot serve tree '${opts.tree}' on ${opts.addr}:${opts.port}: ${(e as Error).message}`);
  }
  teardown.add(() => h.close());
  printConnectHelp(opts.tree, h, opts.addr);
  if (h.root instanceof SnapshotRoot) for (const line of reportLines(h.root.snapshotReport)) note(line);
  if (opts.http !== undefined) {
    try {
      const gw = await startWeb(opts, { addr: clientHost(opts.addr), port: h.port });
      teardown.add(() => gw.close());
    } catch (e) {
      await teardown.close();
      throw e;
    }
  }
  await runUntilSignal(teardown);
}

interface MemserveOpts {
  addr: string;
  port: string;
  size?: string;
  minAccess: string;
  maxAccess: string;
}

async function cmdMemserve(opts: MemserveOpts): Promise<void> {
  const port = portOption(opts.port, '--port', 1, 65533);
  const minAccess = Number(opts.minAccess);
  const maxAccess = Number(opts.maxAccess);
  if (!Number.isInteger(minAccess) || minAccess < 1 || !Number.isInteger(maxAccess) || maxAccess < minAccess)
    throw new CliError(`bad --min-access/--max-access '${opts.minAccess}'/'${opts.maxAccess}'`);
  const emulated = new EmulatedMemory({ minAccess, maxAccess });
  let memory: MemoryBackend = emulated;
  let size: number | null = null;
  if (opts.size !== undefined) {
    const bytes = orCliError(() => parseSize(opts.size as string));
    size = bytes;
    memory = new BoundedMemory(emulated, bytes);
  }
  const server = new MemoryTcpServer({ memory, addr: opts.addr, port, maxSize: maxAccess, logger: { warn: note } });
  try {
    await server.start();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const host = clientHost(opts.addr);
  out(
    `pyrogue-ts: serving emulated memory (${size === null ? 'sparse, unbounded' : `0x${size.toString(16)} bytes`}, access ${minAccess}..${maxAccess} bytes) ` +
      `as a rogue memory TcpServer on ${opts.addr}:${port} (requests ${port}, responses ${port + 1})`,
  );
  out('Connect with:');
  out(`  pyrogue:     mem = rogue.interfaces.memory.TcpClient('${host}', ${port}, True); MyDevice(memBase=mem)`);
  out(`  pyrogue-ts:  new MemoryTcpClient({ addr: '${host}', port: ${port}, waitReady: true })`);
  out(`  CLI:         pyrogue-ts serve --tree reference --memory tcp://${host}:${port}`);
  const teardown = new Teardown();
  teardown.add(() => server.stop());
  await runUntilSignal(teardown);
}

export function registerServe(program: Command): void {
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
    .option(
      '--memory <url>',
      'move every device with a memBase (or those of --memory-devices) onto a rogue memory TcpServer (tcp://host:port) or onto firmware over UDP + RSSI + packetizer + SRP (rudp://host:port)',
    )
    .option('--memory-devices <devices>', 'comma-separated devices (paths, or paths below the root: AxiVersion,Adc) to move with --memory', groupList)
    .option('--pack-ver <v>', 'rudp://: packetizer version 1 or 2 (pyrogue UdpRssiPack packVer)', '1')
    .option('--jumbo', 'rudp://: 9000-byte MTU sizes')
    .option('--srp-version <v>', 'rudp://: SRP version 3 or 0', '3')
    .option('--http <[host:]port>', 'also serve the browser view of the tree on this port (127.0.0.1 unless a host is given)')
    .option('--token <secret>', 'required by the browser view on every page load and connection (env PYROGUE_WEB_TOKEN); needed for a non-loopback --http')
    .option('--read-only', 'the browser view hides and refuses every set and command')
    .action(async (opts: ServeCliOpts) => cmdServe(opts));

  program
    .command('memserve')
    .description("serve an emulated memory as rogue's memory TcpServer (for pyrogue trees using TcpClient) until Ctrl-C")
    .option('--addr <addr>', "interface to bind ('*' for all)", '127.0.0.1')
    .option('--port <port>', 'base port: requests on PORT, responses on PORT+1', '9000')
    .option('--size <bytes>', 'memory size (4096, 0x1000, 64k, 16M); default sparse and unbounded')
    .option('--min-access <bytes>', "minimum access size (rogue Emulate's first argument)", '4')
    .option('--max-access <bytes>', 'largest transaction served', '4096')
    .action(async (opts: MemserveOpts) => cmdMemserve(opts));
}
