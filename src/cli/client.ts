/**
 * pyrogue's client verbs (`python -m pyrogue`) against any pyrogue server:
 * get, value, set, exec, monitor, syslog, path, and `tree`.
 */
import * as pathMod from 'path';
import type { Command } from 'commander';
import { pyStr } from '../py/repr';
import { RemoteError } from '../client/errors';
import { SimpleClient } from '../client/simple';
import { VirtualClient, type VirtualNode } from '../client/virtual';
import { CliError, explain, globalOpts, out, printRet, requireNode, serverOf, timeoutMs, untilSignal, withClient, type GlobalOpts } from './common';

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

/** `2026-12-07 07:13:05 UTC`: local time with the zone's short name. */
export function timestamp(d = new Date()): string {
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
  void untilSignal(finished).then(finish);
  try {
    const first = await c.valueDisp(path);
    if (first === null) await requireNode(c, path, where);
    if (!o.quiet) out();
    display(first === null ? 'None' : first);
    // --count N prints N values in all: the current one, then N-1 updates.
    if (count !== undefined && ++seen >= count) finish();
    await finished;
  } finally {
    finish();
    c.close();
  }
}

const INDENT = ' '.repeat(25);

/** One SystemLog entry as pyrogue's SystemLogMonitor prints it (with --details, its fields and traceback too). */
export function formatLogEntry(e: Record<string, unknown>, details: boolean): string[] {
  const tags: string[] = [];
  if (e.rogueCpp) tags.push('C++');
  if (e.rogueComponent !== undefined && e.rogueComponent !== null) tags.push(String(e.rogueComponent));
  const prefix = tags.length > 0 ? ` [${tags.join(' ')}]` : '';
  const created = typeof e.created === 'number' ? e.created : Number(e.created);
  const lines = [`${timestamp(new Date(created * 1000))}${prefix}: ${String(e.message).replaceAll('\n', '\n' + INDENT)}`];
  if (!details) return lines;
  lines.push(`                   Name: ${String(e.name)}`, `                  Level: ${String(e.levelName)} (${String(e.levelNumber)})`);
  if (e.rogueCpp) lines.push('                 Source: Rogue C++');
  const opt: [string, string][] = [
    ['rogueComponent', '              Component'],
    ['rogueLogger', '           Rogue Logger'],
    ['rogueTid', '             Rogue TID'],
    ['roguePid', '             Rogue PID'],
  ];
  for (const [k, label] of opt) if (e[k] !== undefined && e[k] !== null) lines.push(`${label}: ${String(e[k])}`);
  if (e.exception !== null && e.exception !== undefined) {
    lines.push(`              Exception: ${String(e.exception)}`);
    for (const t of Array.isArray(e.traceBack) ? (e.traceBack as unknown[]) : []) lines.push(`${INDENT}${String(t).replaceAll('\n', '\n' + INDENT)}`);
  }
  lines.push('');
  return lines;
}

/**
 * pyrogue's SystemLogMonitor: prints the entries of the SystemLog JSON list it
 * has not printed yet (the list as a whole is published on every new entry).
 * Returns how many it printed.
 */
export class SystemLogPrinter {
  private count = 0;
  constructor(
    private readonly details: boolean,
    private readonly print: (line: string) => void,
  ) {}
  process(text: string): number {
    let lst: unknown;
    try {
      lst = JSON.parse(text);
    } catch {
      return 0;
    }
    if (!Array.isArray(lst)) return 0;
    let n = 0;
    for (let i = this.count; i < lst.length; i++) {
      const e = lst[i] as unknown;
      if (e === null || typeof e !== 'object') continue;
      for (const l of formatLogEntry(e as Record<string, unknown>, this.details)) this.print(l);
      n++;
    }
    this.count = lst.length;
    return n;
  }
}

async function cmdSyslog(o: GlobalOpts, opts: { details?: boolean }, count: number | undefined): Promise<void> {
  const { addr, port } = serverOf(o);
  const where = `${addr}:${port}`;
  if (!o.quiet) out(`Connecting to ${where}`);
  let seen = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const log = new SystemLogPrinter(opts.details === true, (l) => out(l));
  const take = (text: unknown) => {
    if (typeof text !== 'string') return;
    seen += log.process(text);
    if (count !== undefined && seen >= count) finish();
  };
  let ready = false;
  const early: unknown[] = [];
  const c = new SimpleClient({
    addr,
    port,
    timeout: timeoutMs(o),
    cb: (key, v) => {
      // the SystemLog variable itself (pyrogue's monitor also tries SystemLogLast, a single entry)
      if (!key.endsWith('.SystemLog')) return;
      if (ready) take(v.value);
      else early.push(v.value);
    },
  });
  void untilSignal(finished).then(finish);
  try {
    const first = await c.value('root.SystemLog');
    if (first === null) await requireNode(c, 'root.SystemLog', where);
    out('Listening for system log message:');
    out();
    take(first);
    ready = true;
    for (const v of early) take(v);
    await finished;
  } finally {
    finish();
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

export function registerClientVerbs(program: Command): void {
  program
    .command('get')
    .description("print a variable's display value, reading it first (getDisp)")
    .argument('<path>', 'node path, e.g. root.AxiVersion.ScratchPad')
    .action(async (path: string, _o, cmd: Command) => cmdGetLike(globalOpts(cmd), path, 'getDisp'));
  program
    .command('value')
    .description("print a variable's display value without a read (valueDisp)")
    .argument('<path>')
    .action(async (path: string, _o, cmd: Command) => cmdGetLike(globalOpts(cmd), path, 'valueDisp'));
  program
    .command('set')
    .description('set a variable from its display form (setDisp)')
    .argument('<path>')
    .argument('<value>')
    .action(async (path: string, value: string, _o, cmd: Command) => cmdSet(globalOpts(cmd), path, value));
  program
    .command('exec')
    .description('run a command with an optional argument and print its return value')
    .argument('<path>')
    .argument('[arg]')
    .action(async (path: string, arg: string | undefined, _o, cmd: Command) => cmdExec(globalOpts(cmd), path, arg));
  program
    .command('monitor')
    .description("print the variable's display value on every update until interrupted")
    .argument('<path>')
    .option('--count <n>', 'stop after printing n values (the current one, then n-1 updates)')
    .action(async (path: string, opts: { count?: string }, cmd: Command) => {
      const n = opts.count === undefined ? undefined : Number(opts.count);
      if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new CliError(`bad --count '${opts.count}'`);
      await cmdMonitor(globalOpts(cmd), path, n);
    });
  program
    .command('syslog')
    .description("print the server's system log (Root.SystemLog), then each new entry until interrupted")
    .option('--count <n>', 'stop once n entries have been printed (those of the first publish all print)')
    .action(async (opts: { count?: string }, cmd: Command) => {
      const n = opts.count === undefined ? undefined : Number(opts.count);
      if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new CliError(`bad --count '${opts.count}'`);
      const g = globalOpts(cmd);
      await cmdSyslog(g, { details: g.details === true }, n);
    });
  program
    .command('path')
    .description("print the directory of the pyrogue-ts library (pyrogue's: its package directory)")
    .action(() => {
      // the directory Root.RogueDirectory names by default: the package's compiled library
      out(pathMod.resolve(__dirname, '..'));
    });
  program
    .command('tree')
    .description("print the remote tree with each variable's display value")
    .argument('[path]', 'subtree to print (default: the root)')
    .option('--depth <n>', 'levels of devices to descend')
    .option('--no-values', 'names only (no value requests)')
    .option('--hidden', 'include nodes of the Hidden group')
    .action(async (path: string | undefined, opts: { depth?: string; values: boolean; hidden?: boolean }, cmd: Command) =>
      cmdTree(globalOpts(cmd), path, opts),
    );
}
