/**
 * `pyrogue-ts snapshot`, `compare` and `port`: capture a served tree, compare
 * two servers, turn a snapshot into TypeScript (src/snapshot; docs/snapshot.md).
 * Serving a snapshot is `pyrogue-ts serve --tree tree.json` (src/cli/serve.ts).
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import type { Command } from 'commander';
import { loadSnapshot, walkServer, writeSnapshot, type WalkProgress } from '../snapshot';
import { compareServers, differenceLine, summary } from '../snapshot/compare';
import { portTree } from '../snapshot/port';
import { CliError, globalOpts, groupList, note, out, serverOf, timeoutMs } from './common';

/** A progress line on stderr when it is a terminal (rewritten in place); nothing otherwise. */
function progressLine(label: string): { update: (text: string) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    update(text: string) {
      if (!tty) return;
      process.stderr.write(`\r${label}${text}\x1b[K`);
      shown = true;
    },
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[K');
    },
  };
}

function bar(p: WalkProgress, started: number): string {
  const width = 24;
  const frac = p.found > 0 ? p.done / p.found : 0;
  const full = Math.round(frac * width);
  const secs = (Date.now() - started) / 1000;
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${p.done}/${p.found} nodes, ${p.requests} requests, ${secs.toFixed(1)} s`;
}

interface SnapshotOpts {
  output?: string;
  read?: boolean;
  allProps?: boolean;
  window: string;
}

async function cmdSnapshot(cmd: Command, o: SnapshotOpts): Promise<void> {
  const g = globalOpts(cmd);
  const { addr, port } = serverOf(g);
  const window = Number(o.window);
  if (!Number.isInteger(window) || window < 1) throw new CliError(`bad --window '${o.window}' (requests in flight, 1 or more)`);
  const started = Date.now();
  const line = progressLine(`snapshot ${addr}:${port} `);
  let file;
  try {
    file = await walkServer({
      addr,
      port,
      read: o.read === true,
      allProps: o.allProps === true,
      timeout: timeoutMs(g),
      window,
      tool: `pyrogue-ts ${version()}`,
      onProgress: (p) => line.update(bar(p, started)),
    });
  } finally {
    line.done();
  }
  const text = writeSnapshot(file);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const what = `snapshot of ${file.nodes.length} nodes (${Object.keys(file.classes).length} classes) of ${addr}:${port}${o.read ? ', values read from the hardware' : ''}`;
  if (o.output === undefined || o.output === '-') {
    process.stdout.write(text);
    if (!g.quiet) note(`${what} in ${secs} s`);
    return;
  }
  fs.writeFileSync(o.output, o.output.endsWith('.gz') ? zlib.gzipSync(text) : text);
  if (!g.quiet) out(`${what} written to ${o.output} in ${secs} s`);
}

interface CompareOpts {
  writes?: boolean;
  json?: boolean;
  volatile?: string[];
}

async function cmdCompare(cmd: Command, a: string, b: string, o: CompareOpts): Promise<void> {
  const g = globalOpts(cmd);
  const sa = serverOf(a);
  const sb = serverOf(b);
  const started = Date.now();
  const line = progressLine('compare ');
  const seen = { a: '', b: '' };
  let r;
  try {
    r = await compareServers(sa, sb, {
      writes: o.writes === true,
      timeout: timeoutMs(g),
      volatile: o.volatile,
      onProgress: (side, p) => {
        seen[side] = `${p.done}/${p.found}`;
        line.update(`A ${seen.a || '-'}, B ${seen.b || '-'} nodes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    });
  } finally {
    line.done();
  }
  if (o.json) out(JSON.stringify(r, null, 1));
  else {
    out(summary(r));
    for (const d of r.differences) out(`  ${differenceLine(d)}`);
    if (r.skippedWrites.length > 0) out(`  (not written, no test value for their model: ${r.skippedWrites.join(', ')})`);
  }
  if (!r.identical) throw new CliError(`the servers differ (${r.differences.length} difference${r.differences.length === 1 ? '' : 's'})`);
}

interface PortOpts {
  output?: string;
}

async function cmdPort(cmd: Command, file: string, o: PortOpts): Promise<void> {
  const g = globalOpts(cmd);
  let snap;
  try {
    snap = loadSnapshot(file);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const { text, classes, stubs } = await portTree(snap, file);
  if (o.output === undefined || o.output === '-') {
    process.stdout.write(text);
    return;
  }
  fs.writeFileSync(o.output, text);
  if (!g.quiet)
    out(
      `${o.output}: ${snap.file.nodes.length} nodes, ${classes} classes${stubs > 0 ? `; ${stubs} places marked TODO where Python logic must be written` : ''}`,
    );
}

function version(): string {
  try {
    return (JSON.parse(fs.readFileSync(`${__dirname}/../../package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .description('write the whole tree of the server (--server) as a snapshot file: nodes, classes, props, values (docs/snapshot.md); never writes')
    .option('-o, --output <file>', 'the snapshot file (.json, or .json.gz compressed); default stdout')
    .option('--read', 'read variables from the hardware (get) instead of recording their shadow values (value)')
    .option('--all-props', 'also record the props pyrogue derives from others (precision, hasAlarm, revEnum, lock)')
    .option('--window <n>', 'requests in flight at once', '128')
    .action(async (o: SnapshotOpts, cmd: Command) => cmdSnapshot(cmd, o));

  program
    .command('compare')
    .description('compare two servers node by node (structure, classes, props, values); exit code 0 only when identical')
    .argument('<a>', 'first server, host:port')
    .argument('<b>', 'second server, host:port')
    .option('--writes', 'also write the same test values to every RW RemoteVariable of both, compare the read-backs, then write the values back')
    .option('--json', 'print the result as JSON')
    .option('--volatile <paths...>', 'compare these variables by value type only (as the Root clock and logs)', groupList)
    .action(async (a: string, b: string, o: CompareOpts, cmd: Command) => cmdCompare(cmd, a, b, o));

  program
    .command('port')
    .description('generate a TypeScript tree from a snapshot: one Device class per Python device class, stubs where Python logic must be written')
    .argument('<snapshot>', 'a snapshot file (pyrogue-ts snapshot -o tree.json)')
    .option('-o, --output <file>', 'the TypeScript file to write (default stdout)')
    .action(async (file: string, o: PortOpts, cmd: Command) => cmdPort(cmd, file, o));
}
