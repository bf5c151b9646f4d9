/**
 * `pyrogue-ts fpga-emu` (SRP registers behind RSSI + packetizer on UDP: an FPGA for pyrogue's
 * UdpRssiPack + SrpV3) and the `rudp://` form of `serve --memory` (a tree's RemoteVariables
 * on firmware over UDP, with a UdpRssiPack device in the tree).
 */
import type { Command } from 'commander';
import { parseSize, rebaseMemory } from '../bridge/attach';
import { UdpRssiPack } from '../protocols/device';
import { FpgaEmulator } from '../protocols/emulator';
import { SrpV0, SrpV3 } from '../protocols/srp/srp';
import { resolveTree, type ServeOptions } from '../server/serve';
import { connectPair } from '../stream/master';
import { Root } from '../tree/root';
import { CliError, Teardown, note, orCliError, out, portOption, runUntilSignal } from './common';

/** rudp://host:port → host and port. */
export function parseRudpUrl(url: string): { host: string; port: number } {
  const m = /^rudp:\/\/([^:/]+):(\d+)\/?$/.exec(url.trim());
  if (!m) throw new CliError(`not a firmware address (rudp://host:port): ${url}`);
  const port = Number(m[2]);
  if (!(port > 0 && port < 65536)) throw new CliError(`bad port in ${url}`);
  return { host: m[1], port };
}

export interface RudpMemoryOpts {
  packVer?: string;
  jumbo?: boolean;
  srpVersion?: string;
}

function choice(text: string | undefined, name: string, allowed: string[], dflt: string): string {
  const v = text ?? dflt;
  if (!allowed.includes(v)) throw new CliError(`bad ${name} '${v}' (${allowed.join(', ')})`);
  return v;
}

/**
 * --memory rudp://host:port: the tree's devices with a memBase (all, or those --memory-devices
 * names) moved onto SRP over a UdpRssiPack link, which joins the tree as `Net` (its rssiOpen
 * and counters are served).
 * The tree starts once the link is open.
 */
export function onRudpMemory(
  tree: ServeOptions['tree'],
  name: string,
  url: string,
  opts: RudpMemoryOpts,
  only: string[] | null,
  teardown: Teardown,
): ServeOptions['tree'] {
  const { host, port } = parseRudpUrl(url);
  const packVer = Number(choice(opts.packVer, '--pack-ver', ['1', '2'], '1'));
  const srpVersion = choice(opts.srpVersion, '--srp-version', ['3', '0'], '3');
  return async () => {
    const root = (await resolveTree(tree)) as unknown as Root;
    const srp = srpVersion === '0' ? new SrpV0() : new SrpV3();
    const rt = (root as unknown as { timeout?: number }).timeout;
    if (typeof rt === 'number' && rt > 0) srp.timeout = rt; // pyrogue: the root's timeout applies to its devices
    const moved = orCliError(() => rebaseMemory(root, srp, only));
    if (moved.length === 0)
      throw new CliError(
        `--memory ${url}: tree '${name}' has no device with a memBase, so nothing would use the firmware link ` +
          `(give a Device its memory with \`new MyDevice({ memBase, offset })\`; --memory replaces that memBase)`,
      );
    const netName = root.nodes.has('Net') ? 'UdpRssiPack' : 'Net';
    const net = new UdpRssiPack({ name: netName, host, port, packVer, jumbo: opts.jumbo ?? false });
    connectPair(srp, net.application(0));
    root.add(net);
    // pyrogue prints these on the console; the tree's own log goes to its SystemLog.
    net.link.onStateChange((open) => note(open ? `link to ${url} open` : `link to ${url} closed (reconnecting)`));
    const waiting = setInterval(() => {
      if (!net.link.isOpen) note(`host=${host}, port=${port} -> Establishing link ...`);
    }, 1000);
    waiting.unref();
    teardown.add(() => clearInterval(waiting));
    teardown.add(() => net.link.close());
    out(
      `pyrogue-ts: ${moved.join(', ')} on SRPv${srpVersion} over ${url} (packetizer v${packVer}, ${opts.jumbo ? 'jumbo' : 'standard'} MTU; link status in ${root.name}.${netName}); waiting for the link`,
    );
    return root;
  };
}

interface FpgaOpts {
  addr: string;
  port: string;
  size?: string;
  maxMemory: string;
  packVer: string;
  jumbo: boolean;
  srpVersion: string;
}

async function cmdFpgaEmu(opts: FpgaOpts): Promise<void> {
  const port = portOption(opts.port, '--port', 0, 65535, ' (0 picks a free one)');
  const packVer = choice(opts.packVer, '--pack-ver', ['auto', '1', '2'], 'auto');
  const srpVersion = choice(opts.srpVersion, '--srp-version', ['3', '0'], '3');
  const size = opts.size === undefined ? undefined : orCliError(() => parseSize(opts.size as string));
  const maxMemory = orCliError(() => parseSize(opts.maxMemory));
  const emu = new FpgaEmulator({
    port,
    bindAddress: opts.addr,
    jumbo: opts.jumbo,
    packVer: packVer === 'auto' ? 'auto' : (Number(packVer) as 1 | 2),
    srpVersion: srpVersion === '0' ? 0 : 3,
    size,
    maxMemory,
    log: (level, m) => {
      if (level === 'warning' && /reset|Retransmission limit/.test(m)) note(m);
    },
  });
  emu.link.onStateChange((open) => note(open ? 'link open' : 'link closed'));
  try {
    await emu.start();
  } catch (e) {
    throw new CliError(`cannot bind UDP ${opts.addr}:${port}: ${(e as Error).message}`);
  }
  const host = opts.addr === '0.0.0.0' || opts.addr === '*' ? '127.0.0.1' : opts.addr;
  const p = emu.port;
  out(
    `pyrogue-ts: emulated FPGA on UDP ${opts.addr}:${p}: RSSI server, packetizer ${packVer === 'auto' ? 'v1 or v2 (as the client sends)' : `v${packVer}`}, ` +
      `SRPv${srpVersion} registers on tdest 0 (${size === undefined ? 'sparse' : `0x${size.toString(16)} bytes`}, zeroed; writes may allocate up to ${opts.maxMemory}), datagrams up to ${emu.link.transport.maxPayload} bytes`,
  );
  out('Connect with:');
  out(
    `  pyrogue:     net = pyrogue.protocols.UdpRssiPack(host='${host}', port=${p}, packVer=2); srp = rogue.protocols.srp.SrpV${srpVersion}(); net.application(0) == srp`,
  );
  out(`  pyrogue-ts:  pyrogue-ts serve --tree reference --memory rudp://${host}:${p} --pack-ver 2`);
  const teardown = new Teardown();
  teardown.add(() => emu.close());
  await runUntilSignal(teardown);
}

export function registerFpga(program: Command): void {
  program
    .command('fpga-emu')
    .description('serve emulated FPGA registers (SRPv3 behind RSSI and the packetizer on UDP) for pyrogue UdpRssiPack clients, until Ctrl-C')
    .option('--addr <addr>', "interface to bind ('0.0.0.0' for all)", '127.0.0.1')
    .option('--port <port>', 'UDP port (0 = any free one)', '8192')
    .option('--size <bytes>', 'register space (4096, 0x1000, 64k, 16M); default sparse, bounded by --max-memory')
    .option('--max-memory <bytes>', 'memory writes may allocate (4 KiB pages); a write needing more gets an error status', '256M')
    .option('--pack-ver <v>', 'packetizer version: 1, 2, or auto (answer in the version the client sends)', 'auto')
    .option('--no-jumbo', 'accept datagrams up to 1472 bytes only (default: up to 8972, any client)')
    .option('--srp-version <v>', 'SRP version of the registers: 3 or 0', '3')
    .action(async (opts: FpgaOpts) => cmdFpgaEmu(opts));
}
