/**
 * What every verb of the command line shares: its error type, output, the
 * global options (--server, --timeout, -q), one client per verb, and the one
 * place that listens for SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { pyStr } from '../py/repr';
import type { PyValue } from '../py/values';
import { parseServer } from '../client/channel';
import { ClientError, RemoteError } from '../client/errors';
import { SimpleClient } from '../client/simple';

/** An error whose message is all the user needs (printed as `Error: <message>`, exit code 1). */
export class CliError extends Error {}

export interface GlobalOpts {
  server: string;
  timeout: string;
  quiet?: boolean;
  details?: boolean;
}

/** The global options as a subcommand sees them. */
export const globalOpts = (cmd: Command): GlobalOpts => cmd.optsWithGlobals<GlobalOpts>();

export function out(line = ''): void {
  process.stdout.write(line + '\n');
}

/** Diagnostics (progress, warnings) go to stderr, prefixed with the program's name. */
export function note(line: string): void {
  process.stderr.write(`pyrogue-ts: ${line}\n`);
}

export function timeoutMs(o: GlobalOpts): number {
  const s = Number(o.timeout);
  if (!Number.isFinite(s) || s < 0) throw new CliError(`bad --timeout '${o.timeout}' (seconds, 0 = wait forever)`);
  return Math.round(s * 1000);
}

/** Runs `f`, turning whatever it throws into a CliError with the same message. */
export function orCliError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** 'host:port' of --server (or any such text). */
export function serverOf(o: GlobalOpts | string): { addr: string; port: number } {
  return orCliError(() => parseServer(typeof o === 'string' ? o : o.server));
}

/** A port option: an integer in [min, max]. */
export function portOption(text: string, name: string, min: number, max: number, hint = ''): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < min || port > max) throw new CliError(`bad ${name} '${text}'${hint}`);
  return port;
}

/** Text of an error for the user. */
export function explain(e: unknown): string {
  if (e instanceof RemoteError) return `server raised ${e.wireText}`;
  if (e instanceof ClientError || e instanceof CliError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** A SimpleClient on --server for the time `f` runs ("Connecting to …" first unless -q). */
export async function withClient<T>(o: GlobalOpts, f: (c: SimpleClient, where: string) => Promise<T>): Promise<T> {
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
export async function requireNode(c: SimpleClient, path: string, where: string): Promise<void> {
  const name = await c.remoteAttr(path, 'name');
  if (name === null) throw new CliError(`no node '${path}' on server ${where} (paths start with the root name or 'root', e.g. root.RogueVersion)`);
}

/** pyrogue's `Ret = <str(ret)>` (the bare value with -q); nothing for None. */
export function printRet(o: GlobalOpts, ret: PyValue): void {
  if (ret === null) return;
  const text = pyStr(ret);
  if (o.quiet) out(text);
  else {
    out();
    out(`Ret = ${text}`);
  }
}

/** A repeatable list option: `--x A,B --x C` → ['A', 'B', 'C']. */
export function groupList(v: string, prev: string[] | undefined): string[] {
  return [
    ...(prev ?? []),
    ...v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
}

// ---- Signals: one SIGINT/SIGTERM listener for the whole program.

type SignalWaiter = (sig: NodeJS.Signals) => void;
const signalWaiters = new Set<SignalWaiter>();

function onSignal(sig: NodeJS.Signals): void {
  const waiters = [...signalWaiters];
  signalWaiters.clear();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  for (const w of waiters) w(sig);
}

/**
 * Resolves with the name of the next SIGINT/SIGTERM. While anything waits, the
 * program has one listener for each (so Ctrl-C no longer kills it outright); once
 * a signal has come, the listeners are gone and a second Ctrl-C ends the process.
 * `cancel` (optional) stops waiting.
 */
export function untilSignal(cancel?: Promise<unknown>): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    if (signalWaiters.size === 0) {
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }
    const waiter: SignalWaiter = (sig) => resolve(sig);
    signalWaiters.add(waiter);
    void cancel?.then(() => {
      if (!signalWaiters.delete(waiter)) return;
      if (signalWaiters.size === 0) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      resolve(null);
    });
  });
}

/**
 * Things to stop, stopped in the reverse order they were started (`close()`);
 * an error in one is reported and the rest still run.
 */
export class Teardown {
  private readonly steps: (() => Promise<void> | void)[] = [];

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  async close(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop() as () => Promise<void> | void;
      try {
        await step();
      } catch (e) {
        note(`error while stopping: ${(e as Error).message}`);
      }
    }
  }
}

/**
 * Prints "Press Ctrl-C to stop.", waits for SIGINT/SIGTERM, then closes `teardown`
 * (giving up after `graceMs`: the process exits anyway) and prints "stopped".
 */
export async function runUntilSignal(teardown: Teardown, graceMs = 5000): Promise<void> {
  out('Press Ctrl-C to stop.');
  const sig = await untilSignal();
  out(`pyrogue-ts: ${sig ?? 'SIGTERM'}, stopping`);
  const guard = setTimeout(() => process.exit(0), graceMs);
  guard.unref();
  await teardown.close();
  clearTimeout(guard);
  out('pyrogue-ts: stopped');
}
