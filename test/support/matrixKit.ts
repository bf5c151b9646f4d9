/**
 * Helpers for the cross-language interop matrix (interop/matrix.test.ts):
 * tier detection, fresh `pyrogue-ts serve` processes on free random ports,
 * running the Python scenario scripts and comparing their observations with
 * python-fixtures/scenarios/expected/*.jsonl through compare.py (the one
 * source of truth for what "matches" means), and the closing summary table.
 *
 * Everything runs the Python side with /usr/bin/python3 and the inherited
 * environment, so PYROGUE_PYTHONPATH / PYROGUE_LD_LIBRARY_PATH /
 * INTEROP_REQUIRE_REAL reach python-fixtures/tier.py unchanged.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const ROOT_DIR = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT_DIR, 'dist', 'cli.js');
export const PYTHON = '/usr/bin/python3';
export const FIXTURES = path.join(ROOT_DIR, 'python-fixtures');
export const SCENARIOS = path.join(FIXTURES, 'scenarios');
export const EXPECTED = path.join(SCENARIOS, 'expected');
/** The repository's copy of the pyrogue recordings (golden/README.md). */
export const GOLDEN = path.join(ROOT_DIR, 'golden');

// ---------------------------------------------------------------- tier

export interface TierInfo {
  /** tier.py exited 0 and printed its JSON line. */
  ok: boolean;
  tier: 'real' | 'compat' | 'unknown';
  pyrogueVersion: string | null;
  python: string;
  exitCode: number;
  /** tier.py's stderr (the reason when ok is false). */
  error: string;
}

/**
 * Runs python-fixtures/tier.py once (synchronously: the result names the
 * tests). Exit 3 = INTEROP_REQUIRE_REAL=1 without a real pyrogue, or a
 * PYROGUE_PYTHONPATH that does not import.
 */
export function detectTier(): TierInfo {
  const r = execa.sync(PYTHON, [path.join(FIXTURES, 'tier.py')], { cwd: ROOT_DIR, reject: false, timeout: 120000 });
  const line = (r.stdout || '').split('\n').find((l) => l.startsWith('{"tier"'));
  let parsed: { tier?: string; pyrogue_version?: string | null; python?: string } = {};
  try {
    if (line) parsed = JSON.parse(line);
  } catch {
    parsed = {};
  }
  const ok = r.exitCode === 0 && (parsed.tier === 'real' || parsed.tier === 'compat');
  return {
    ok,
    tier: parsed.tier === 'real' || parsed.tier === 'compat' ? parsed.tier : 'unknown',
    pyrogueVersion: parsed.pyrogue_version ?? null,
    python: parsed.python ?? PYTHON,
    exitCode: r.exitCode ?? -1,
    error: ok ? '' : `${r.stderr || ''}${r.stdout ? `\n(stdout: ${r.stdout})` : ''}`.trim() || `tier.py exit ${r.exitCode}`,
  };
}

/** pickle.DEFAULT_PROTOCOL of the scenario Python: what SimpleClient / VirtualClient / the CLI send with. */
export function clientPickleProtocol(): number {
  const r = execa.sync(PYTHON, ['-c', 'import pickle; print(pickle.DEFAULT_PROTOCOL)'], { reject: false, timeout: 30000 });
  const n = Number((r.stdout || '').trim());
  return Number.isInteger(n) ? n : -1;
}

// ---------------------------------------------------------------- servers

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A random base port whose base..base+3 are free now: 10000..31996, below
 * Linux's ephemeral range (client sockets cannot be sitting on it). Each jest
 * worker draws from its own slice so parallel workers rarely even collide
 * (a collision is caught anyway: the bind fails and the caller retries).
 */
export async function freeBasePort(): Promise<number> {
  const worker = Math.max(1, Number(process.env.JEST_WORKER_ID) || 1);
  const slices = 8;
  const perSlice = Math.floor(5500 / slices);
  const slice = (worker - 1) % slices;
  for (;;) {
    const base = 10000 + 4 * (slice * perSlice + Math.floor(Math.random() * perSlice));
    let ok = true;
    for (let i = 0; i < 4 && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
}

export interface TsServer {
  tree: string;
  port: number;
  proc: execa.ExecaChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** SIGINT (the CLI's clean stop), SIGKILL after 8 s; resolves with the exit code (null if killed). */
  stop(): Promise<number | null>;
}

/** A FRESH `node dist/cli.js serve --tree TREE --addr 127.0.0.1 --port P` on a free port. */
export async function startTsServer(tree: 'reference' | 'example'): Promise<TsServer> {
  let lastOut = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    const port = await freeBasePort();
    const proc = execa('node', [CLI, 'serve', '--tree', tree, '--addr', '127.0.0.1', '--port', String(port)], {
      cwd: ROOT_DIR,
      reject: false,
      all: true,
    });
    let out = '';
    let exited = false;
    proc.all!.on('data', (d: Buffer) => (out += d.toString()));
    const done = proc.then((r) => {
      exited = true;
      return r;
    });
    const ready = await new Promise<boolean>((resolve) => {
      const t0 = Date.now();
      const timer = setInterval(() => {
        if (out.includes('Press Ctrl-C')) {
          clearInterval(timer);
          resolve(true);
        } else if (exited || Date.now() - t0 > 30000) {
          clearInterval(timer);
          resolve(false);
        }
      }, 20);
    });
    if (ready) {
      return {
        tree,
        port,
        proc,
        output: () => out,
        alive: () => !exited,
        async stop() {
          if (exited) return (await done).exitCode ?? null;
          proc.kill('SIGINT');
          const guard = setTimeout(() => proc.kill('SIGKILL'), 8000);
          const r = await done;
          clearTimeout(guard);
          return r.exitCode ?? null;
        },
      };
    }
    lastOut = out;
    if (!exited) {
      proc.kill('SIGKILL');
      await done;
      throw new Error(`pyrogue-ts serve --tree ${tree} did not print 'Press Ctrl-C' within 30 s:\n${tail(out, 20)}`);
    }
    // exited before ready: most likely the port was taken meanwhile; try another one
  }
  throw new Error(`pyrogue-ts serve --tree ${tree} would not start:\n${tail(lastOut, 20)}`);
}

// ---------------------------------------------------------------- scenarios

export interface ScenarioRun {
  name: string;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  ms: number;
  /** The tier JSON line the scenario printed (null: none). */
  tierLine: string | null;
}

/** `python3 python-fixtures/scenarios/NAME.py 127.0.0.1 PORT` (a fresh server is the caller's job). */
export async function runScenario(name: string, port: number, timeoutMs = 180000): Promise<ScenarioRun> {
  const t0 = Date.now();
  const r = await execa(PYTHON, [path.join(SCENARIOS, `${name}.py`), '127.0.0.1', String(port)], {
    cwd: ROOT_DIR,
    reject: false,
    timeout: timeoutMs,
  });
  const stdout = r.stdout ?? '';
  return {
    name,
    stdout,
    stderr: r.stderr ?? '',
    exitCode: r.exitCode ?? null,
    timedOut: r.timedOut === true,
    ms: Date.now() - t0,
    tierLine: stdout.split('\n').find((l) => l.startsWith('{"tier"')) ?? null,
  };
}

/** The expected observation lines of a scenario (python-fixtures/scenarios/expected/NAME.jsonl). */
export function expectedLines(name: string): string[] {
  return fs
    .readFileSync(path.join(EXPECTED, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

/** The "step" of an observation line ('' if the line is not one). */
export function stepOf(line: string): string {
  try {
    const o = JSON.parse(line);
    return o && typeof o === 'object' && typeof o.step === 'string' ? o.step : '';
  } catch {
    return '';
  }
}

export interface Comparison {
  passed: number;
  failed: number;
  unchecked: number;
  /** compare.py's whole output (the FAIL lines with want/got). */
  text: string;
  exitCode: number | null;
}

let workDir: string | null = null;
function scratch(): string {
  if (!workDir) workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-interop-'));
  return workDir;
}

/** The folder where scenario outputs are kept (created on first use). */
export function scratchDir(): string {
  return scratch();
}

/**
 * Compares OUTPUT with EXPECTED lines through python-fixtures/scenarios/compare.py
 * (expected steps must be present and identical; extra steps are 'unchecked').
 */
export async function compareObservations(label: string, expected: string[], output: string): Promise<Comparison> {
  const dir = scratch();
  const safe = label.replace(/[^A-Za-z0-9_.-]+/g, '_');
  const expFile = path.join(dir, `${safe}.expected.jsonl`);
  const outFile = path.join(dir, `${safe}.out`);
  fs.writeFileSync(expFile, expected.join('\n') + '\n');
  fs.writeFileSync(outFile, output);
  const r = await execa(PYTHON, [path.join(SCENARIOS, 'compare.py'), expFile, outFile], { cwd: ROOT_DIR, reject: false, timeout: 60000 });
  const text = r.stdout ?? '';
  const last = text.trim().split('\n').pop() ?? '';
  const m = /^(\d+) passed, (\d+) failed$/.exec(last);
  const u = /unchecked steps: (\d+)/.exec(text);
  return {
    passed: m ? Number(m[1]) : 0,
    failed: m ? Number(m[2]) : -1,
    unchecked: u ? Number(u[1]) : 0,
    text: text + (r.stderr ? `\n${r.stderr}` : ''),
    exitCode: r.exitCode ?? null,
  };
}

/** Replaces the observation of some steps (expected lines for another tree). */
export function overrideSteps(lines: string[], overrides: Record<string, Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  const out = lines.map((l) => {
    const s = stepOf(l);
    if (s in overrides) {
      seen.add(s);
      return JSON.stringify({ step: s, ...overrides[s] });
    }
    return l;
  });
  for (const s of Object.keys(overrides)) if (!seen.has(s)) throw new Error(`override for unknown step '${s}'`);
  return out;
}

export function tail(text: string, n: number): string {
  const lines = text.trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

// ---------------------------------------------------------------- summary

export interface CellResult {
  cell: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export const summary: CellResult[] = [];

/** Records one matrix cell in the summary table. */
export function record(cell: string, ok: boolean, detail: string, ms: number): void {
  summary.push({ cell, ok, detail, ms });
}

export function summaryTable(title: string): string {
  const w = Math.max(4, ...summary.map((r) => r.cell.length));
  const lines = [title, `${'cell'.padEnd(w)}  result  time     detail`, `${'-'.repeat(w)}  ------  -------  ------`];
  for (const r of summary) {
    lines.push(`${r.cell.padEnd(w)}  ${(r.ok ? 'PASS' : 'FAIL').padEnd(6)}  ${(r.ms / 1000).toFixed(1).padStart(6)}s  ${r.detail}`);
  }
  const bad = summary.filter((r) => !r.ok).length;
  lines.push(`${summary.length - bad} cells passed, ${bad} failed`);
  return lines.join('\n');
}
