/**
 * Helpers for the CLI tests: make sure dist/ is built, run `node dist/cli.js`
 * and keep a `serve` running in the background.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT_DIR = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT_DIR, 'dist', 'cli.js');

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestMtime(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** Builds dist/ (tsc) when dist/cli.js is missing or older than a source file (`make test` builds first anyway). */
export async function ensureBuilt(): Promise<void> {
  const built = fs.existsSync(CLI) ? fs.statSync(CLI).mtimeMs : 0;
  if (built >= newestMtime(path.join(ROOT_DIR, 'src'))) return;
  // tsc emits even when some file has type errors (it then exits non-zero): go on if the CLI is there.
  const r = await execa('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT_DIR, timeout: 180000, reject: false });
  if (!fs.existsSync(CLI)) throw new Error(`build failed, no ${CLI}:\n${r.stdout}\n${r.stderr}`);
}

/** Runs the CLI to completion (never rejects: look at exitCode). */
export function cli(args: string[], timeoutMs = 30000): Promise<execa.ExecaReturnValue> {
  return execa('node', [CLI, ...args], { cwd: ROOT_DIR, reject: false, timeout: timeoutMs });
}

export interface Served {
  port: number;
  proc: execa.ExecaChildProcess;
  /** stdout so far. */
  output(): string;
  /** SIGINT, then the exit result. */
  stop(): Promise<execa.ExecaReturnValue>;
}

/** `pyrogue-ts serve --tree TREE --port P` on a free port; resolves once it prints "Press Ctrl-C". */
export async function startServe(tree: string, extra: string[] = []): Promise<Served> {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + 4 * Math.floor(Math.random() * 9500);
    const proc = execa('node', [CLI, 'serve', '--tree', tree, '--addr', '127.0.0.1', '--port', String(port), ...extra], {
      cwd: ROOT_DIR,
      reject: false,
    });
    let out = '';
    let err = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setInterval(() => {
        if (out.includes('Press Ctrl-C')) {
          clearInterval(timer);
          resolve(true);
        }
      }, 25);
      void proc.then(() => {
        clearInterval(timer);
        resolve(out.includes('Press Ctrl-C'));
      });
    });
    if (ready) {
      return {
        port,
        proc,
        output: () => out,
        async stop() {
          proc.kill('SIGINT');
          return proc;
        },
      };
    }
    if (attempt >= 10) throw new Error(`serve did not start: ${out}\n${err}`);
  }
}
