/// <reference lib="dom" />
// Functions given to page.evaluate / $eval / waitForFunction run in the browser: DOM types.
/**
 * Helpers for the browser tests (interop/web-*.test.ts): the CLI's gateway
 * (`serve --http`, `web --server`) and the Python fake server as process
 * groups, a Python SimpleClient, and page helpers over puppeteer-core.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'puppeteer-core';
import { CLI, ROOT_DIR } from './cliRun';
import { PYTHON, freeBasePort } from './server';
import { waitFor } from './wait';

export { launch } from '../../scripts/browser';

function newest(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Runs `make build` when dist/ or the page bundle is missing or older than src/ (`make test` builds first anyway). */
export async function ensureWebBuilt(): Promise<void> {
  const app = path.join(ROOT_DIR, 'dist', 'web', 'static', 'app.js');
  const built = Math.min(...[CLI, app].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0)));
  if (built >= newest(path.join(ROOT_DIR, 'src'))) return;
  await execa('make', ['--no-print-directory', 'build'], { cwd: ROOT_DIR, timeout: 300000 });
}

export interface Proc {
  proc: execa.ExecaChildProcess;
  output(): string;
  /** SIGINT to the process group, SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts a command in its own process group, resolving once its output matches `ready` (rejects if it exits first or after 60 s). */
export async function startProc(cmd: string, args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<Proc> {
  const proc = execa(cmd, args, { cwd: ROOT_DIR, reject: false, detached: true, env: { ...process.env, ...env } });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let exited = false;
  void proc.then(() => (exited = true));
  const stop = async () => {
    if (exited) return;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-proc.pid!, sig);
      } catch {
        /* gone */
      }
    };
    kill('SIGINT');
    const t = setTimeout(() => kill('SIGKILL'), 5000);
    await proc;
    clearTimeout(t);
  };
  try {
    await waitFor(() => ready.test(out) || exited, `${cmd} ${args.join(' ')} to print ${ready}`, 60000);
  } catch (e) {
    await stop();
    throw e;
  }
  if (!ready.test(out)) throw new Error(`${cmd} ${args.join(' ')} exited: ${out}`);
  return { proc, output: () => out, stop };
}

export interface Gateway extends Proc {
  /** The page's address as the gateway printed it (with ?token= when set). */
  url: string;
}

const URL_LINE = /browser view of \S+ at (http:\/\/\S+)/;

/** `node dist/cli.js ARGS` printing the gateway's address; waits until the gateway is connected to its pyrogue server. */
export async function startGateway(args: string[], env: Record<string, string> = {}): Promise<Gateway> {
  const p = await startProc('node', [CLI, ...args], /web: connected to/, env);
  const m = URL_LINE.exec(p.output());
  if (!m) {
    await p.stop();
    throw new Error(`no page address in: ${p.output()}`);
  }
  return { ...p, url: m[1] };
}

/** `pyrogue-ts serve --tree TREE --http 127.0.0.1:0 EXTRA` on a free port. */
export async function serveWithHttp(tree: string, extra: string[] = []): Promise<Gateway & { port: number }> {
  const port = await freeBasePort();
  const g = await startGateway(['serve', '--tree', tree, '--addr', '127.0.0.1', '--port', String(port), '--http', '127.0.0.1:0', ...extra]);
  return { ...g, port };
}

/** python-fixtures/fake_server.py (a Python pyrogue server) on a free port. */
export async function startFakeServer(): Promise<Proc & { port: number }> {
  const port = await freeBasePort();
  const p = await startProc(PYTHON, ['-u', path.join(ROOT_DIR, 'python-fixtures', 'fake_server.py'), '127.0.0.1', String(port)], /READY/);
  return { ...p, port };
}

/**
 * Runs `code` with `c`, a Python SimpleClient on `port` (real pyrogue when
 * importable, else python-fixtures/compat: tier.py); returns the JSON the
 * code leaves in `out`.
 */
export async function pyClient(port: number, code: string): Promise<any> {
  const script = [
    'import sys, json, os',
    `sys.path.insert(0, ${JSON.stringify(path.join(ROOT_DIR, 'python-fixtures'))})`,
    'import tier',
    'from pyrogue.interfaces import SimpleClient',
    `c = SimpleClient(addr='127.0.0.1', port=${port})`,
    'out = None',
    code,
    'print(json.dumps(out), flush=True)',
    'os._exit(0)',
  ].join('\n');
  const r = await execa(PYTHON, ['-c', script], { cwd: ROOT_DIR, timeout: 60000 });
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const sel = (p: string) => `tr[data-path="${p}"]`;

export interface OpenedPage {
  page: Page;
  errors: string[];
}

/** A new page at `url`, waiting for the root row; page errors are collected. */
export async function openPage(browser: Browser, url: string): Promise<OpenedPage> {
  const page = await browser.newPage();
  page.setDefaultTimeout(30000);
  await page.setViewport({ width: 1280, height: 900 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('#rows tr');
  return { page, errors };
}

/** Expands a device (clicks its twisty) and waits for `child`'s row to have its details. */
export async function expand(page: Page, devicePath: string, child: string): Promise<void> {
  await page.waitForSelector(`${sel(devicePath)} .twisty`);
  // A device with pyrogue's expand=True opens by itself on the page's load.
  if ((await page.$eval(`${sel(devicePath)} .twisty`, (e) => e.textContent)) === '▸') await page.click(`${sel(devicePath)} .twisty`);
  await page.waitForFunction(
    (s: string) => {
      const e = document.querySelector(s);
      return e !== null && e.textContent !== '';
    },
    {},
    `${sel(child)} td.mode`,
  );
}

/** The value a row shows: its input's or select's value, else the cell's text. */
export function shown(page: Page, p: string): Promise<string> {
  return page.$eval(sel(p), (tr) => {
    const cell = (tr as HTMLTableRowElement).cells[3];
    const ctl = cell.querySelector('input[type=text], select');
    if (ctl) return (ctl as HTMLInputElement).value;
    return cell.querySelector('.disp')?.textContent?.trim() ?? '';
  });
}

/** Waits until a row shows `value`. */
export async function waitShown(page: Page, p: string, value: string): Promise<void> {
  await page.waitForFunction(
    (s: string, v: string) => {
      const tr = document.querySelector(s);
      if (!tr) return false;
      const cell = (tr as HTMLTableRowElement).cells[3];
      const ctl = cell.querySelector('input[type=text], select');
      const text = ctl ? (ctl as HTMLInputElement).value : (cell.querySelector('.disp')?.textContent?.trim() ?? '');
      return text === v;
    },
    {},
    sel(p),
    value,
  );
}

/** Types into a row's text field and presses Enter (a set). */
export async function typeSet(page: Page, p: string, text: string): Promise<void> {
  const input = `${sel(p)} td.value input[type=text]`;
  await page.click(input, { count: 3 });
  await page.$eval(input, (e) => ((e as HTMLInputElement).value = ''));
  await page.type(input, text);
  await page.keyboard.press('Enter');
}

/** Waits for a row's error text to match (or to be empty for ''). */
export async function waitError(page: Page, p: string, re: RegExp): Promise<string> {
  const h = await page.waitForFunction(
    (s: string, src: string, flags: string) => {
      const t = document.querySelector(s)?.textContent ?? '';
      return new RegExp(src, flags).test(t) ? t : false;
    },
    {},
    `${sel(p)} .err`,
    re.source,
    re.flags,
  );
  return (await h.jsonValue()) as string;
}

/** Runs a command row (argument typed first when given); resolves with the text shown beside it (return value or error). */
export async function runCommand(page: Page, p: string, arg: string | null): Promise<{ ret: string; err: string }> {
  if (arg !== null) {
    await page.click(`${sel(p)} input.arg`, { count: 3 });
    await page.type(`${sel(p)} input.arg`, arg);
  }
  await page.$eval(sel(p), (tr) => tr.querySelectorAll('.ret, .err').forEach((e) => (e.textContent = '')));
  await page.click(`${sel(p)} button`);
  const h = await page.waitForFunction(
    (s: string) => {
      const tr = document.querySelector(s);
      const ret = tr?.querySelector('.ret')?.textContent ?? '';
      const err = tr?.querySelector('.err')?.textContent ?? '';
      return ret !== '' || err !== '' ? { ret, err } : false;
    },
    {},
    sel(p),
  );
  return (await h.jsonValue()) as { ret: string; err: string };
}

export { sel };
