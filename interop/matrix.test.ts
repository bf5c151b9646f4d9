/**
 * The cross-language INTEROP MATRIX: pyrogue's Python clients (the REAL
 * pyrogue when importable, else the clean-room compat package: see
 * python-fixtures/tier.py and docs/interop.md) against FRESH `pyrogue-ts serve`
 * processes, one per cell, on free random ports.
 *
 *   client (scenario)                 × tree                × pickle protocol
 *   SimpleClient (seed_simple, simple_types)   reference, example(seed)   client default
 *   SimpleClient+callback (simple_callback)    reference                  client default
 *   VirtualClient (seed_virtual, virtual_walk, virtual_ops, virtual_link)
 *                                              reference, example(seed)   client default
 *   CLI `python -m pyrogue` (cli)              reference                  client default
 *   string client ZmqClient(...,True) (string_client)  reference          none (strings)
 *   raw pyzmq REQ (raw_pickle)                 reference                  0,1,2,3,4,5 + garbage+other
 * plus the golden replays of the transcript and of the semantics recording
 * (each on its own fresh reference server, '0 failed') and
 * check_compat_vs_golden (the compat package against the golden transcript).
 *
 * Every cell is its own test ('cell: CLIENT[scenario] × TREE × PROTOCOL') and
 * a failing cell is a failing test; the summary table is printed at the end.
 * The golden replays (transcript ~5.3 min, mostly publish waits recorded in it;
 * semantics ~1 min) start in the background first so that they overlap the other cells.
 */
import execa from 'execa';
import * as fs from 'fs';
import * as path from 'path';
import { ensureBuilt } from '../test/support/cliRun';
import {
  FIXTURES,
  GOLDEN,
  PYTHON,
  ROOT_DIR,
  clientPickleProtocol,
  compareObservations,
  detectTier,
  expectedLines,
  overrideSteps,
  record,
  runScenario,
  scratchDir,
  startTsServer,
  stepOf,
  summary,
  summaryTable,
  tail,
  type ScenarioRun,
  type TsServer,
} from '../test/support/matrixKit';

jest.setTimeout(300000);

const TIER = detectTier();
const PROTO = clientPickleProtocol();
/** Exit code of a scenario whose watchdog fired (python-fixtures/scenarios/_common.py EXIT_WATCHDOG). */
const EXIT_WATCHDOG = 4;
/** Label of the cells whose client pickles with Python's default protocol. */
const P = `p${PROTO}`;
const TITLE = `interop tier: ${TIER.tier} (pyrogue ${TIER.pyrogueVersion ?? '?'}, python ${TIER.python}; client pickle protocol ${PROTO})`;

function requireTier(): void {
  if (!TIER.ok) throw new Error(`not run: tier selection failed (python-fixtures/tier.py exit ${TIER.exitCode}) — ${TIER.error}`);
}

// Printed at once (jest shows console.log only when the file is done; the replay makes that ~5 min).
process.stderr.write(`[interop matrix] ${TIER.ok ? TITLE : `tier selection FAILED (exit ${TIER.exitCode}): ${TIER.error}`}\n`);

// ------------------------------------------------------------ cells

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? s).slice(0, 160);
}

/** A matrix cell: its own test, recorded in the summary (PASS detail or the first line of the failure). */
function cell(name: string, fn: () => Promise<string>, timeoutMs = 300000): void {
  test(
    `cell: ${name}`,
    async () => {
      const t0 = Date.now();
      try {
        const detail = await fn();
        record(name, true, detail, Date.now() - t0);
      } catch (e) {
        record(name, false, firstLine((e as Error).message), Date.now() - t0);
        throw e;
      }
    },
    timeoutMs,
  );
}

interface Served {
  run: ScenarioRun;
  /** The server was still running when the scenario ended. */
  alive: boolean;
  serverOut: string;
  tree: string;
}

/** Runs SCENARIO against a fresh TS server of TREE; keeps the output under the scratch dir. */
async function serveAndRun(scenario: string, tree: 'reference' | 'example', timeoutMs?: number): Promise<Served> {
  requireTier();
  const srv: TsServer = await startTsServer(tree);
  let run: ScenarioRun;
  let alive: boolean;
  try {
    run = await runScenario(scenario, srv.port, timeoutMs);
    alive = srv.alive();
  } finally {
    await srv.stop();
  }
  fs.writeFileSync(path.join(scratchDir(), `${scenario}.${tree}.stdout`), run.stdout);
  fs.writeFileSync(path.join(scratchDir(), `${scenario}.${tree}.stderr`), run.stderr);
  return { run, alive, serverOut: srv.output(), tree };
}

/** Checks a run against EXPECTED lines; throws a detailed error, or returns the cell detail. */
async function verify(label: string, s: Served, expected: string[], partial = false): Promise<string> {
  const { run } = s;
  const cmp = await compareObservations(label, expected, run.stdout);
  const problems: string[] = [];
  if (cmp.failed !== 0) {
    const first = /^FAIL (.*)$/m.exec(cmp.text)?.[1];
    problems.push(`${cmp.failed} of ${expected.length} expected steps differ or are missing${first ? ` (first: ${first})` : ''}`);
  }
  if (cmp.failed === 0 && cmp.passed !== expected.length) problems.push(`compare.py checked ${cmp.passed} of ${expected.length} steps`);
  const watchdog = /^scenario watchdog: .*$/m.exec(run.stderr)?.[0];
  if (run.timedOut) problems.push(`scenario timed out after ${(run.ms / 1000).toFixed(0)} s (no watchdog fired: it hung outside the guarded steps)`);
  else if (run.exitCode === EXIT_WATCHDOG && watchdog) problems.push(watchdog.replace(/ Stacks of all threads follow\.$/, ''));
  else if (run.exitCode !== 0) problems.push(`scenario exit code ${run.exitCode}`);
  if (!run.tierLine) problems.push('scenario printed no tier line');
  else if (TIER.ok && !run.tierLine.includes(`"tier": "${TIER.tier}"`)) problems.push(`scenario ran in another tier: ${run.tierLine}`);
  if (!s.alive) problems.push('the TS server exited during the scenario');
  if (problems.length) {
    throw new Error(
      [
        `${label}: ${problems.join('; ')}`,
        '--- compare.py (expected vs got):',
        tail(cmp.text, 80),
        '--- scenario stderr (tail):',
        tail(run.stderr, watchdog ? 60 : 15) || '(empty)',
        `--- TS server (${s.tree}) output (tail):`,
        tail(s.serverOut, 15),
        `(scenario output kept in ${scratchDir()})`,
      ].join('\n'),
    );
  }
  // A partial cell checks a slice of one run: the other slices' steps are not 'unchecked'.
  const extra = !partial && cmp.unchecked ? `, ${cmp.unchecked} unchecked` : '';
  return `${cmp.passed}/${expected.length} steps${extra}, scenario ${(run.ms / 1000).toFixed(1)} s${partial ? ' (shared run)' : ''}`;
}

function scenarioCell(client: string, scenario: string, tree: 'reference' | 'example', proto: string, expected: () => string[], timeoutMs?: number): void {
  const name = `${client}[${scenario}] × ${tree} × ${proto}`;
  cell(name, async () => verify(name, await serveAndRun(scenario, tree, timeoutMs), expected()), (timeoutMs ?? 240000) + 60000);
}

/**
 * The example tree (`make run`) has RogueVersion and AxiVersion.ScratchPad
 * like the reference tree, but its root is `pyrogue.Root` named 'Example'
 * (src/examples/example.ts): VirtualClient's class for it is 'Virtual' + the
 * class name, as 'VirtualReferenceRoot' is for the reference tree's
 * ReferenceRoot. Everything else the seed scenarios observe is the same.
 */
const EXAMPLE_OVERRIDES: Record<string, Record<string, Record<string, unknown>>> = {
  seed_simple: {},
  seed_virtual: { 'virtual:root': { name: 'Example', path: 'Example', cls: 'VirtualRoot', linked: true } },
};

// ------------------------------------------------------------ golden replays (background)

/** The recordings replayed against fresh reference servers, in the background (replay.py --transcript). */
const RECORDINGS = {
  /** 6,359 exchanges on the happy path (~5.3 min, mostly recorded publish waits). */
  transcript: 'transcript.jsonl',
  /** 591 exchanges off the happy path: lset/rset/idx/cmdsem/yaml/log (~1 min). */
  semantics: 'semantics.jsonl',
} as const;
type Recording = keyof typeof RECORDINGS;

interface ReplayResult {
  r?: execa.ExecaReturnValue;
  error?: Error;
  serverOut: string;
  alive: boolean;
  ms: number;
}
const replayProcs = new Set<execa.ExecaChildProcess>();
const replayServers = new Set<TsServer>();
const replays: Partial<Record<Recording, Promise<ReplayResult>>> = {};
/** Set by afterAll: a replay still starting must not go on (e.g. when `-t` selected other cells only). */
let replayAborted = false;

async function goldenReplay(rec: Recording): Promise<ReplayResult> {
  const t0 = Date.now();
  let srv: TsServer | null = null;
  let proc: execa.ExecaChildProcess | null = null;
  try {
    srv = await startTsServer('reference');
    replayServers.add(srv);
    if (replayAborted) throw new Error('aborted: the suite ended before the replay started');
    proc = execa(PYTHON, [path.join(FIXTURES, 'replay.py'), '127.0.0.1', String(srv.port), '--transcript', path.join(GOLDEN, RECORDINGS[rec])], {
      cwd: ROOT_DIR,
      reject: false,
      timeout: 9 * 60 * 1000,
    });
    replayProcs.add(proc);
    const r = await proc;
    const alive = srv.alive();
    await srv.stop();
    return { r, serverOut: srv.output(), alive, ms: Date.now() - t0 };
  } catch (e) {
    if (srv) await srv.stop();
    return { error: e as Error, serverOut: srv?.output() ?? '', alive: false, ms: Date.now() - t0 };
  } finally {
    if (proc) replayProcs.delete(proc);
    if (srv) replayServers.delete(srv);
  }
}

/** The replay cell of REC: '0 failed' from a replay of the whole recording on a fresh reference server. */
function replayCell(rec: Recording): void {
  cell(
    `golden replay × reference × ${rec}`,
    async () => {
      requireTier();
      const replay = replays[rec];
      if (!replay) throw new Error(`golden replay of ${RECORDINGS[rec]} was not started`);
      const res = await replay;
      if (res.error) throw new Error(`golden replay (${rec}) could not run: ${res.error.message}\n${tail(res.serverOut, 15)}`);
      const r = res.r!;
      const out = r.stdout ?? '';
      const last = out.trim().split('\n').pop() ?? '';
      const m = /^(\d+) passed, (\d+) failed$/.exec(last);
      const problems: string[] = [];
      if (r.timedOut) problems.push('replay timed out');
      if (!m) problems.push(`no 'N passed, M failed' line (last: '${last}')`);
      else if (m[2] !== '0') {
        // replay.py's per-family lines ('  write: 10 passed, 2 failed'): name the failing families
        const fams = [...out.matchAll(/^ {2}([\w-]+): \d+ passed, (\d+) failed/gm)].filter((f) => f[2] !== '0').map((f) => `${f[1]} ${f[2]}`);
        problems.push(`${m[2]} of ${Number(m[1]) + Number(m[2])} exchanges failed${fams.length ? ` (${fams.join(', ')})` : ''}`);
      }
      if (r.exitCode !== 0) problems.push(`replay exit code ${r.exitCode}`);
      if (!res.alive) problems.push('the TS server exited during the replay');
      if (problems.length) {
        throw new Error(
          `golden replay (${rec}): ${problems.join('; ')}\n${tail(out, 120)}\n--- stderr:\n${tail(r.stderr ?? '', 15)}\n--- TS server output:\n${tail(res.serverOut, 15)}`,
        );
      }
      return `${last} (${(res.ms / 1000).toFixed(0)} s, run in the background)`;
    },
    600000,
  );
}

// ------------------------------------------------------------ the suite

beforeAll(async () => {
  console.log(TITLE);
  await ensureBuilt();
  // The replays do not need pyrogue; they are not started when the suite already failed its tier requirement.
  if (TIER.ok) for (const rec of Object.keys(RECORDINGS) as Recording[]) replays[rec] = goldenReplay(rec);
});

afterAll(async () => {
  replayAborted = true;
  for (const p of replayProcs) p.kill('SIGKILL');
  await Promise.all(Object.values(replays));
  await Promise.all([...replayServers].map((srv) => srv.stop()));
  const bad = summary.some((r) => !r.ok);
  console.log(summaryTable(`INTEROP MATRIX SUMMARY — ${TITLE}`) + (bad ? `\nscenario outputs kept in ${scratchDir()}` : ''));
  if (!bad) fs.rmSync(scratchDir(), { recursive: true, force: true });
}, 600000);

describe(`interop matrix [tier ${TIER.tier}, pyrogue ${TIER.pyrogueVersion ?? '?'}]`, () => {
  test(`tier: ${TIER.tier} (pyrogue ${TIER.pyrogueVersion ?? '?'})${['', '0'].includes(process.env.INTEROP_REQUIRE_REAL ?? '') ? '' : ' — real tier required'}`, () => {
    const t0 = Date.now();
    record(`tier selection (${TIER.tier})`, TIER.ok, TIER.ok ? `pyrogue ${TIER.pyrogueVersion}` : firstLine(TIER.error), Date.now() - t0);
    requireTier();
    expect(['real', 'compat']).toContain(TIER.tier);
  });

  describe('reference tree', () => {
    const exp = (name: string) => () => expectedLines(name);
    scenarioCell('SimpleClient', 'seed_simple', 'reference', P, exp('seed_simple'));
    scenarioCell('SimpleClient', 'simple_types', 'reference', P, exp('simple_types'));
    scenarioCell('SimpleClient+callback', 'simple_callback', 'reference', P, exp('simple_callback'));
    scenarioCell('VirtualClient', 'seed_virtual', 'reference', P, exp('seed_virtual'));
    scenarioCell('VirtualClient', 'virtual_walk', 'reference', P, exp('virtual_walk'));
    scenarioCell('VirtualClient', 'virtual_ops', 'reference', P, exp('virtual_ops'));
    scenarioCell('VirtualClient', 'virtual_link', 'reference', P, exp('virtual_link'), 120000);
    scenarioCell('CLI', 'cli', 'reference', P, exp('cli'));
    scenarioCell('string client', 'string_client', 'reference', 'str', exp('string_client'));

    // raw_pickle pickles each request itself: one run (one fresh server), one cell per protocol.
    let raw: Promise<Served> | null = null;
    const rawRun = () => (raw ??= serveAndRun('raw_pickle', 'reference'));
    const protoOf = (step: string) => /^raw:proto(\d+):/.exec(step)?.[1];
    const RAW_PROTOS = [0, 1, 2, 3, 4, 5];
    for (const p of RAW_PROTOS) {
      const name = `raw pyzmq[raw_pickle] × reference × p${p}`;
      cell(name, async () => {
        const want = expectedLines('raw_pickle').filter((l) => protoOf(stepOf(l)) === String(p));
        if (want.length === 0) throw new Error(`no expected raw_pickle steps for protocol ${p}`);
        return verify(name, await rawRun(), want, true);
      });
    }
    {
      const name = 'raw pyzmq[raw_pickle] × reference × garbage+other';
      cell(name, async () => {
        // everything outside the p0..p5 cells (garbage, after-garbage, any protocol added later)
        const want = expectedLines('raw_pickle').filter((l) => !RAW_PROTOS.map(String).includes(protoOf(stepOf(l)) ?? ''));
        if (want.length === 0) throw new Error('no expected raw_pickle steps outside the protocol slices');
        return verify(name, await rawRun(), want, true);
      });
    }
  });

  describe('example tree (make run)', () => {
    for (const [client, scenario] of [
      ['SimpleClient', 'seed_simple'],
      ['VirtualClient', 'seed_virtual'],
    ]) {
      scenarioCell(client, scenario, 'example', P, () => overrideSteps(expectedLines(scenario), EXAMPLE_OVERRIDES[scenario]));
    }
  });

  describe('golden transcript', () => {
    cell('check_compat_vs_golden × (no server)', async () => {
      const r = await execa(PYTHON, [path.join(FIXTURES, 'check_compat_vs_golden.py')], { cwd: ROOT_DIR, reject: false, timeout: 180000 });
      const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
      const m = /^(\d+) passed, (\d+) failed$/.exec(last);
      if (r.exitCode !== 0 || !m || m[2] !== '0' || Number(m[1]) === 0) {
        throw new Error(`check_compat_vs_golden: exit ${r.exitCode}, last line '${last}'\n${tail(r.stdout ?? '', 60)}\n${tail(r.stderr ?? '', 15)}`);
      }
      return last;
    });

    replayCell('transcript');
    replayCell('semantics');
  });
});
