/**
 * User hooks run as often as in pyrogue, in the same order. The table in
 * test/data/hook-calls.pyrogue.json was written by python-fixtures/hook_calls.py
 * from REAL pyrogue v6.15.0: for each operation on one small tree, the hook calls
 * (localGet, localSet, linkedGet, linkedSet, command and Process functions,
 * variable and root listeners) in the order they ran, per phase: 'call' (the
 * caller), 'update' (the Root's update worker) and 'poll' (the poller). This test
 * builds the same tree, runs the same operations and compares, operation by
 * operation. Polling runs on jest's fake clock: 5.5 s of it, no sleeping.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BaseCommand, Device, LinkVariable, LocalCommand, LocalVariable, Process, Root } from '../src';
import type { PyValue, VariableValue } from '../src';

interface Entry {
  op: string;
  call: string[];
  update: string[];
  poll: string[];
  times?: number[];
}
const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'hook-calls.pyrogue.json'), 'utf8')) as { ops: Entry[] };

type Phase = 'call' | 'update' | 'poll';
let phase: Phase = 'call';
const LOG: { phase: Phase; what: string; t: number }[] = [];
const rec = (what: string): void => {
  LOG.push({ phase, what, t: Date.now() });
};
/** str() of the Python values the hooks see. */
const s = (v: PyValue): string => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : String(v));

class Dev extends Device {
  store: PyValue = 0n;
  count = 20n;
  readonly Loc: LocalVariable;
  readonly Cnt: LocalVariable;
  readonly Link: LinkVariable;
  readonly Cmd: BaseCommand;
  constructor() {
    super({ name: 'Dev' });
    this.Loc = new LocalVariable({
      name: 'Loc',
      value: 0n,
      localSet: ({ value, changed }) => {
        rec(`localSet:Loc:${s(value)}:${s(changed)}`);
        this.store = value;
      },
      localGet: () => {
        rec('localGet:Loc');
        return this.store;
      },
    });
    this.Cnt = new LocalVariable({
      name: 'Cnt',
      mode: 'RO',
      localGet: () => {
        rec('localGet:Cnt');
        return this.count++;
      },
    });
    const loc = this.Loc;
    this.Link = new LinkVariable({
      name: 'Link',
      dependencies: [loc],
      linkedGet: ({ read }) => {
        rec(`linkedGet:Link:${s(read)}`);
        return (loc.get({ read }) as bigint) * 2n;
      },
      linkedSet: ({ value, write }) => {
        rec(`linkedSet:Link:${s(value)}:${s(write)}`);
        loc.set((value as bigint) / 2n, { write });
      },
    });
    this.Cmd = new LocalCommand({
      name: 'Cmd',
      value: 0n,
      arg: true,
      function: ({ arg }) => {
        rec(`function:Cmd:${s(arg)}`);
        return arg;
      },
    });
    this.add(this.Loc, this.Cnt, this.Link, this.Cmd);
  }
}

const WATCHED = new Set(['Root.Dev.Loc', 'Root.Dev.Cnt', 'Root.Dev.Link', 'Root.Dev.Cmd']);

function entry(op: string): Entry {
  const by = (p: Phase) => LOG.filter((l) => l.phase === p).map((l) => l.what);
  return { op, call: by('call'), update: by('update'), poll: by('poll') };
}

describe('hook calls: pyrogue-ts against the table recorded from real pyrogue', () => {
  let root: Root;
  let dev: Dev;
  let proc: Process;
  let dir: string;
  const ours = new Map<string, Entry>();

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hook-calls-'));
    const cfg = path.join(dir, 'cfg.yml');
    fs.writeFileSync(cfg, 'Root:\n  Dev:\n    Loc: 40\n    Link: 100\n    Cnt: 3\n');

    root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
    root.add(
      new LocalVariable({
        name: 'Top',
        value: 0n,
        localSet: ({ value, changed }) => rec(`localSet:Top:${s(value)}:${s(changed)}`),
      }),
    );
    dev = new Dev();
    proc = new Process({ name: 'Proc', function: ({ arg }) => rec(`function:Proc:${s(arg)}`) });
    root.add(dev, proc);
    root.addVarListener((p, v) => {
      if (WATCHED.has(p)) rec(`listener:${p.split('.').pop()!}:${String((v as VariableValue).valueDisp)}`);
    });
    dev.Loc.addListener((_p: string, v: VariableValue) => rec(`varListener:Loc:${String(v.valueDisp)}`));

    // Phases: the update worker delivers batches in Root._deliver, the poller runs in Root._pollTick.
    const inner = root as unknown as { _deliver: (b: unknown) => unknown; _pollTick: () => void };
    const deliver = inner._deliver.bind(root);
    inner._deliver = (b) => {
      phase = 'update';
      try {
        return deliver(b);
      } finally {
        phase = 'call';
      }
    };
    const tick = inner._pollTick.bind(root);
    inner._pollTick = () => {
      phase = 'poll';
      try {
        tick();
      } finally {
        phase = 'call';
      }
    };

    const cmd = (name: string) => root.getNode(`Root.${name}`, BaseCommand)!;
    const ops: [string, () => unknown][] = [
      ['start', () => root.start()],
      ['Loc.get()', () => dev.Loc.get()],
      ['Loc.value()', () => dev.Loc.value()],
      ['Loc.set(5)', () => dev.Loc.set(5n)],
      ['Loc.set(5) unchanged', () => dev.Loc.set(5n)],
      ['Loc.set(7, write=False)', () => dev.Loc.set(7n, { write: false })],
      ['Loc.post(8)', () => dev.Loc.post(8n)],
      ['Loc.getDisp()', () => dev.Loc.getDisp()],
      ['Loc.valueDisp()', () => dev.Loc.valueDisp()],
      ['Loc.getVariableValue()', () => dev.Loc.getVariableValue()],
      ['Loc.setDisp("9")', () => dev.Loc.setDisp('9')],
      ['Loc.alarmStatus', () => dev.Loc.alarmStatus],
      ['Cnt.get()', () => dev.Cnt.get()],
      ['Cnt.value()', () => dev.Cnt.value()],
      ['Link.get()', () => dev.Link.get()],
      ['Link.value()', () => dev.Link.value()],
      ['Link.set(30)', () => dev.Link.set(30n)],
      ['Cmd()', () => dev.Cmd.call()],
      ['Cmd(3)', () => dev.Cmd.call(3n)],
      ['Cmd.call("4")', () => dev.Cmd.call('4')],
      ['ReadAll', () => cmd('ReadAll').call()],
      ['WriteAll', () => cmd('WriteAll').call()],
      ['SetYamlConfig', () => cmd('SetYamlConfig').call('Root:\n  Dev:\n    Loc: 12\n    Link: 50\n    Cnt: 3\n')],
      ['LoadConfig', () => cmd('LoadConfig').call(cfg)],
      ['GetYamlConfig(True)', () => cmd('GetYamlConfig').call(true)],
      ['GetYamlState(False)', () => cmd('GetYamlState').call(false)],
      ['SaveConfig', () => cmd('SaveConfig').call(path.join(dir, 'saved.yml'))],
      ['Dev.enable.set(False)', () => dev.enable.set(false)],
      ['disabled Loc.get()', () => dev.Loc.get()],
      ['disabled Loc.set(11)', () => dev.Loc.set(11n)],
      ['disabled Cmd(5)', () => dev.Cmd.call(5n)],
      ['Dev.enable.set(True)', () => dev.enable.set(true)],
      [
        'Proc.Start()',
        async () => {
          await proc.Start.call();
          await proc.waitDone();
        },
      ],
    ];
    for (const [op, fn] of ops) {
      LOG.length = 0;
      await fn();
      await root.waitOnUpdate();
      ours.set(op, entry(op));
    }

    // Polling: Cnt every 1 s for 5.5 s of the fake clock.
    LOG.length = 0;
    dev.Cnt.setPollInterval(1);
    const t0 = Date.now();
    root.PollEn.set(true);
    await jest.advanceTimersByTimeAsync(5500);
    root.PollEn.set(false);
    await root.waitOnUpdate();
    const e = entry('poll Cnt every 1 s for 5.5 s');
    e.times = LOG.filter((l) => l.what === 'localGet:Cnt').map((l) => Math.round((l.t - t0) / 1000));
    ours.set(e.op, e);
    // HOOK_CALLS_OUT=file.json keeps this run's table (to show it beside pyrogue's)
    if (process.env.HOOK_CALLS_OUT) fs.writeFileSync(process.env.HOOK_CALLS_OUT, JSON.stringify({ ops: [...ours.values()] }, null, 1));
  });

  afterAll(async () => {
    await root.stop();
    jest.useRealTimers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the table covers every operation this test runs', () => {
    expect(TABLE.ops.map((e) => e.op)).toEqual([...ours.keys()]);
  });

  test.each(TABLE.ops.map((e) => [e.op, e] as const))('%s', (op, want) => {
    expect(ours.get(op)).toEqual(want);
  });
});
