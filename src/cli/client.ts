/**
 * pyrogue's client verbs (`python -m pyrogue`) against any pyrogue server:
 * get, value, set, exec, monitor, and `tree`.
 */
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
