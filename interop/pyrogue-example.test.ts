/**
 * `pyrogue-ts serve --tree pyrogue-example` against real pyrogue's ExampleRoot (real tier:
 * skipped without rogue/pyrogue), both through real pyrogue's VirtualClient:
 *  - node by node (python-fixtures/example_nodes.py): every node, its class, bases, groups,
 *    description, props (and their values), funcs and valueDisp — the same, except what
 *    pyrogue-ts leaves out on purpose (TestPlotFigure, a matplotlib Figure);
 *  - the DAQ devices driven the same way on both (python-fixtures/example_scenario.py:
 *    RunControl, StreamWriter with PrbsTx, DataReceiver, Process, the polled plot variables).
 */
import execa from 'execa';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ROOT_DIR, ensureBuilt, startServe, type Served } from '../test/support/cliRun';
import { realTest } from '../test/support/realPyrogue';

jest.setTimeout(600000);

const PYTHON = '/usr/bin/python3';
const FIX = path.join(ROOT_DIR, 'python-fixtures');

interface RealServer {
  port: number;
  stop(): Promise<void>;
}

/** Real pyrogue's ExampleRoot on a free port (python-fixtures/real_example_root.py). */
async function startReal(env: NodeJS.ProcessEnv): Promise<RealServer> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const port = 20000 + 4 * Math.floor(Math.random() * 9500);
    const proc = execa(PYTHON, [path.join(FIX, 'real_example_root.py'), String(port)], { env, reject: false });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const ok = await new Promise<boolean>((resolve) => {
      const t = setInterval(() => {
        if (out.includes('READY')) {
          clearInterval(t);
          resolve(true);
        }
      }, 50);
      void proc.then(() => {
        clearInterval(t);
        resolve(false);
      });
    });
    if (ok)
      return {
        port,
        async stop() {
          proc.stdin!.end();
          const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
          await proc;
          clearTimeout(t);
        },
      };
  }
  throw new Error('real ExampleRoot did not start');
}

interface NodeRow {
  path: string;
  [k: string]: unknown;
}

async function dumpNodes(env: NodeJS.ProcessEnv, port: number): Promise<Map<string, NodeRow>> {
  const r = await execa(PYTHON, [path.join(FIX, 'example_nodes.py'), '127.0.0.1', String(port)], { env, maxBuffer: 1 << 28, timeout: 300000 });
  const rows = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as NodeRow);
  return new Map(rows.map((o) => [o.path, o]));
}

async function scenario(env: NodeJS.ProcessEnv, port: number, file: string): Promise<string[]> {
  const r = await execa(PYTHON, [path.join(FIX, 'example_scenario.py'), '127.0.0.1', String(port), file], { env, timeout: 300000 });
  return r.stdout.split('\n').filter((l) => l.startsWith('{'));
}

/** Every field of every node that differs, as 'path field: real … ours …'. */
function differences(real: Map<string, NodeRow>, ours: Map<string, NodeRow>): string[] {
  const out: string[] = [];
  for (const [p, a] of real) {
    const b = ours.get(p);
    if (!b) {
      out.push(`${p}: only in real pyrogue`);
      continue;
    }
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = a[k];
      const y = b[k];
      if (k === 'propValues' && x && y) {
        const px = x as Record<string, unknown>;
        const py = y as Record<string, unknown>;
        for (const q of new Set([...Object.keys(px), ...Object.keys(py)]))
          if (JSON.stringify(px[q]) !== JSON.stringify(py[q])) out.push(`${p} prop ${q}: real ${JSON.stringify(px[q])} ours ${JSON.stringify(py[q])}`);
      } else if (JSON.stringify(x) !== JSON.stringify(y))
        out.push(`${p} ${k}: real ${JSON.stringify(x)?.slice(0, 200)} ours ${JSON.stringify(y)?.slice(0, 200)}`);
    }
  }
  for (const p of ours.keys()) if (!real.has(p)) out.push(`${p}: only in pyrogue-ts`);
  return out;
}

let dir: string;
beforeAll(async () => {
  await ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-example-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

realTest('node by node through the VirtualClient: the same tree but TestPlotFigure', async (env) => {
  let ours: Served | null = null;
  let real: RealServer | null = null;
  try {
    [ours, real] = await Promise.all([startServe('pyrogue-example'), startReal(env)]);
    const [a, b] = await Promise.all([dumpNodes(env, real.port), dumpNodes(env, ours.port)]);
    expect(a.size).toBeGreaterThan(4300);
    const diff = differences(a, b);
    const rootNodes = `ExampleRoot nodes: real ${JSON.stringify(a.get('ExampleRoot')!.nodes)}`;
    expect(diff.filter((d) => !d.startsWith('ExampleRoot.TestPlotFigure:') && !d.startsWith(rootNodes.slice(0, 30)))).toEqual([]);
    // the root's children differ by TestPlotFigure only
    const rn = (m: Map<string, NodeRow>) => m.get('ExampleRoot')!.nodes as string[];
    expect(rn(a).filter((n) => n !== 'TestPlotFigure')).toEqual(rn(b));
  } finally {
    await Promise.all([ours?.stop(), real?.stop()]);
  }
});

realTest('the DAQ devices driven through the VirtualClient behave the same', async (env) => {
  let ours: Served | null = null;
  let real: RealServer | null = null;
  try {
    [ours, real] = await Promise.all([startServe('pyrogue-example'), startReal(env)]);
    const [a, b] = await Promise.all([scenario(env, real.port, path.join(dir, 'real.dat')), scenario(env, ours.port, path.join(dir, 'ours.dat'))]);
    expect(a.length).toBeGreaterThan(10);
    expect(b).toEqual(a);
  } finally {
    await Promise.all([ours?.stop(), real?.stop()]);
  }
});

/** PyDM and a display server for it (xvfb-run), with the real tier. */
function pydmAvailable(env: NodeJS.ProcessEnv): boolean {
  if (!fs.existsSync('/usr/bin/xvfb-run')) return false;
  return execa.sync(PYTHON, ['-c', 'import pydm, pyrogue.pydm'], { env, reject: false, timeout: 60000 }).exitCode === 0;
}

realTest("pyrogue's PyDM GUI against pyrogue-ts: Run Control runs, the Data Writer opens and closes, a Process panel runs", async (env) => {
  if (!pydmAvailable(env)) {
    console.warn('PyDM or xvfb-run not found: the GUI part is not run');
    return;
  }
  const ours = await startServe('pyrogue-example');
  try {
    const out = path.join(dir, 'pydm');
    const r = await execa('xvfb-run', ['-a', PYTHON, path.join(FIX, 'pydm_drive.py'), `127.0.0.1:${ours.port}`, out, path.join(dir, 'pydm.dat')], {
      env: { ...env, QT_QPA_PLATFORM: 'xcb' },
      timeout: 240000,
      reject: false,
    });
    const steps = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(steps).toEqual([
      { step: 'pydm:run control running', state: 'Running', rate: '10 Hz', counts_rise: true },
      { step: 'pydm:data writer open', isOpen: 'True', close_enabled: true, open_enabled: false, frames_rise: true, size_nonzero: true },
      { step: 'pydm:run control stopped', state: 'Stopped', count_still: true, count_nonzero: true },
      { step: 'pydm:data writer closed', isOpen: 'False', frames_still: true, file_size_shown: true },
      { step: 'pydm:process running', running: 'True', message: 'Running for ' },
      { step: 'pydm:process stopped', running: 'False', message: 'Done' },
    ]);
    expect(fs.existsSync(path.join(out, 'system-running.png'))).toBe(true);
  } finally {
    await ours.stop();
  }
});
