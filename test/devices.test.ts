/**
 * pyrogue's DAQ devices (src/devices) in process: their nodes as pyrogue v6.15 has them
 * (../shared/spec/RUDP-SRP-STREAMS.md §8.2–8.5), the StreamWriter with its config stream,
 * DataReceiver, RunControl timing driven by a clock the test controls, the PRBS devices,
 * ArrayDevice, Process, and the ExampleRoot built from them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArrayDevice, DataReceiver, PrbsPair, PrbsRx, PrbsTx, RunControl, StreamReader, StreamVariable, StreamWriter, type RunClock } from '../src/devices';
import { createPyrogueExampleRoot } from '../src/examples/pyrogueExample';
import { NdArray } from '../src/py/values';
import { FileReader, Frame, Prbs, connectStream } from '../src/stream';
import { BaseCommand, BaseVariable, Device, LocalVariable, Node, Process, Root, type DeviceOptions } from '../src/tree';
import { waitFor } from './support/wait';

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyrogue-ts-devices-'))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (name = 'd.dat') => path.join(dir, `${n++}-${name}`);

/** name → [kind, mode, typeStr, pollInterval, hidden] of a device's own nodes after the three Device built-ins. */
function table(d: Device): string[] {
  return [...d.nodes.values()].slice(3).map((x) => {
    if (x instanceof BaseCommand) return `${x.name} cmd ${x.typeStr}${x.arg ? ' arg' : ''}${x.hidden ? ' hidden' : ''}`;
    const v = x as BaseVariable;
    const p = v.pollInterval;
    return `${v.name} ${v.mode} ${v.typeStr} poll=${typeof p === 'bigint' ? `${p}` : p.toFixed(1)}${v.units ? ` ${v.units}` : ''}${v.disp !== '{}' ? ` ${v.disp}` : ''}${v.hidden ? ' hidden' : ''}`;
  });
}

/** What calling a command threw or rejected with. */
async function failureOf(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return 'no error';
}

async function started(...nodes: Node[]): Promise<Root> {
  const root = new Root({ name: 'R', pollEn: false, heartbeatMs: 0 });
  root.add(...nodes);
  await root.start();
  return root;
}

describe('node lists as pyrogue v6.15 has them', () => {
  test('StreamWriter (DataWriter): hidden, every node hidden', () => {
    const w = new StreamWriter();
    expect(w.pyClass.bases.slice(0, 3)).toEqual([
      "<class 'pyrogue.utilities.fileio._StreamWriter.StreamWriter'>",
      "<class 'pyrogue._DataWriter.DataWriter'>",
      "<class 'pyrogue._Device.Device'>",
    ]);
    expect([w.name, w.description, w.hidden]).toEqual(['StreamWriter', 'Class which stores received data to a file.', true]);
    expect(table(w)).toEqual([
      'DataFile RW str poll=0 hidden',
      'Open cmd int hidden',
      'Close cmd int hidden',
      'IsOpen RO bool poll=0 enum hidden',
      'BufferSize RW UInt32 poll=0 hidden',
      'MaxFileSize RW UInt64 poll=0 hidden',
      'CurrentSize RO UInt64 poll=1 hidden',
      'TotalSize RO UInt64 poll=1 hidden',
      'Bandwidth RO Float64 poll=1 Bytes/sec {:,.3f} hidden',
      'FrameCount RO UInt32 poll=1 hidden',
      'AutoName cmd int hidden',
    ]);
  });

  test('DataReceiver, RunControl, PrbsTx, PrbsRx', () => {
    const drx = new DataReceiver();
    expect(drx.pyClass.bases).toContain("<class 'rogue.interfaces.stream.Slave'>");
    expect(table(drx)).toEqual([
      'RxEnable RW bool poll=0 enum',
      'FrameCount RO int poll=1',
      'ErrorCount RO int poll=1',
      'ByteCount RO int poll=1',
      'Updated RW bool poll=0 enum',
      'Data RW uint8(1,) poll=0  hidden',
    ]);
    expect(drx.Data.groups).toEqual(['NoState', 'NoStream', 'NoConfig', 'Hidden']);
    const rc = new RunControl();
    expect(table(rc)).toEqual(['runState RW int poll=0 enum hidden', 'runRate RW int poll=0 enum hidden', 'runCount RO UInt32 poll=1 hidden']);
    expect(rc.runState.groups).toEqual(['NoConfig', 'Hidden']);
    expect([rc.runState.valueDisp(), rc.runRate.valueDisp()]).toEqual(['Stopped', '1 Hz']);
    const tx = new PrbsTx();
    expect([tx.description, tx.pyClass.str]).toEqual(['PRBS Software Transmitter', "<class 'pyrogue.utilities.prbs.PrbsTx'>"]);
    expect(table(tx)).toEqual([
      'txSize RW UInt32 poll=0 Bytes',
      'txPeriod RW UInt32 poll=0 uS',
      'txEnable RW bool poll=0 enum',
      'genFrame cmd int arg',
      'txErrors RO UInt32 poll=1',
      'txCount RO UInt32 poll=1',
      'txBytes RO UInt32 poll=1',
      'genPayload RW bool poll=0 enum',
      'txRate RO float poll=1 Frames/s {:.3e}',
      'txBw RO float poll=1 Bytes/s {:.3e}',
    ]);
    const rx = new PrbsRx();
    expect(table(rx)).toEqual([
      'rxEnable RW bool poll=0 enum',
      'rxErrors RO UInt32 poll=1',
      'rxCount RO UInt32 poll=1',
      'rxBytes RO UInt32 poll=1',
      'rxRate RO float poll=1 Frames/s {:.3e}',
      'rxBw RO float poll=1 Bytes/s {:.3e}',
      'checkPayload RW bool poll=0 enum',
    ]);
    expect([...new PrbsPair().nodes.keys()].slice(3)).toEqual(['PrbsTx', 'PrbsRx']);
    expect(table(new StreamReader())).toEqual(['DataFile RW str poll=0', 'Open cmd int', 'Close cmd int', 'isOpen RO bool poll=0 enum']);
  });

  test('ArrayDevice: Class[i] at i * stride, named ClassArray', () => {
    class Chan extends Device {
      static override pyModule = 'lab';
      constructor(o: DeviceOptions & { gain?: bigint }) {
        super(o);
        this.add(new LocalVariable({ name: 'Gain', value: o.gain ?? 1n }));
      }
    }
    const a = new ArrayDevice({ arrayClass: Chan, number: 3, stride: 0x100, arrayArgs: [{}, { gain: 5n }, { name: 'Last' }] });
    expect(a.name).toBe('ChanArray');
    expect(a.pyClass.str).toBe("<class 'pyrogue._Device.ArrayDevice'>");
    expect([...a.nodes.keys()].slice(3)).toEqual(['Chan[0]', 'Chan[1]', 'Last']);
    expect(a.nodeList('Chan').map((d) => (d as Device).offset)).toEqual([0n, 0x100n]);
    expect(((a.child('Chan[1]') as Device).child('Gain') as LocalVariable).value()).toBe(5n);
    expect(
      new ArrayDevice({ arrayClass: Chan, number: 2, arrayArgs: { gain: 7n } })
        .nodeList('Chan')
        .map((d) => ((d as Device).child('Gain') as LocalVariable).value()),
    ).toEqual([7n, 7n]);
  });
});

describe('StreamWriter device', () => {
  test('Open: the config stream dumps the full state, then updates while open; Close dumps again; counters', async () => {
    const root = new Root({ name: 'R', pollEn: false, heartbeatMs: 0 });
    const gain = new LocalVariable({ name: 'Gain', value: 2n });
    const secret = new LocalVariable({ name: 'Secret', value: 'x', groups: ['NoStream'] });
    const cfg = new StreamVariable({ root });
    const w = new StreamWriter({ configStream: { 255: cfg } });
    root.add(gain, secret, w);
    await root.start();
    const f = tmp();
    gain.set(3n); // before Open: not written
    await root.waitOnUpdate();
    w.DataFile.set(f);
    await root.waitOnUpdate();
    await w.Open.call();
    expect(w.IsOpen.value()).toBe(true);
    connectStream({ addSlave: (s) => void s.acceptFrame(Frame.fromText('data')) }, w.getChannel(0));
    gain.set(4n);
    secret.set('y');
    await root.waitOnUpdate();
    await w.Close.call();
    expect(w.IsOpen.value()).toBe(false);
    await root.waitOnUpdate();
    const r = new FileReader(f, { configChan: 255 });
    expect([...r.records()].map(([h, p]) => [h.channel, Buffer.from(p).toString()])).toEqual([[0, 'data']]);
    expect(r.configValue('R.Gain')).toBe(4n);
    expect(() => r.configValue('R.Secret')).toThrow();
    // the records: full dump, the updates (IsOpen, Gain…), full dump
    const texts = [...new FileReader(f).records()].filter(([h]) => h.channel === 255).map(([, p]) => Buffer.from(p).toString());
    expect(texts[0].startsWith('R:\n  enable: True\n')).toBe(true);
    expect(texts[texts.length - 1].startsWith('R:\n  enable: True\n')).toBe(true);
    expect(texts).toContain('R.Gain: 4\n');
    expect(texts.join('')).not.toContain('Secret');
    expect(w.FrameCount.get()).toBe(BigInt(texts.length + 1));
    expect(w.TotalSize.get()).toBe(BigInt(fs.statSync(f).size));
    await root.stop();
  });

  test('MaxFileSize splits, BufferSize buffers, raw mode, AutoName keeps the directory; a bad file is rogue.GeneralError', async () => {
    const w = new StreamWriter({ rawMode: true, maxFileSize: 100, bufferSize: 64 });
    const root = await started(w);
    const f = tmp('split.dat');
    w.DataFile.set(f);
    await w.Open.call();
    for (let i = 0; i < 5; i++) w.getChannel(0).acceptFrame(new Frame(new Uint8Array(40).fill(i)));
    expect(w.CurrentSize.get()).toBe(40n);
    await w.Close.call();
    expect([1, 2, 3].map((k) => fs.statSync(`${f}.${k}`).size)).toEqual([80, 80, 40]);
    w.MaxFileSize.set(0n);
    w.DataFile.set('/some/dir/x.dat');
    await w.AutoName.call();
    expect(w.DataFile.value()).toMatch(/^\/some\/dir\/data_\d{8}_\d{6}\.dat$/);
    w.DataFile.set(path.join(dir, 'missing', 'x.dat'));
    expect(await failureOf(() => w.Open.call())).toMatchObject({ pyModule: 'rogue', pyName: 'GeneralError' });
    await root.stop();
  });
});

describe('DataReceiver', () => {
  test('counts good frames and bytes, errors apart; only while running and RxEnable; process() may be overridden; CountReset', async () => {
    const seen: number[] = [];
    class Rx extends DataReceiver {
      protected override process(frame: Frame): void {
        seen.push(frame.size);
        void super.process(frame);
      }
    }
    const drx = new Rx({ enableOnStart: true });
    void drx.acceptFrame(Frame.fromText('before start'));
    expect(drx.FrameCount.value()).toBe(0n);
    const root = await started(drx);
    expect(drx.RxEnable.value()).toBe(true);
    void drx.acceptFrame(Frame.fromText('abc'));
    void drx.acceptFrame(Frame.fromText('bad', { error: 0x80 }));
    void drx.acceptFrame(Frame.fromText('defgh'));
    expect([drx.FrameCount.value(), drx.ErrorCount.value(), drx.ByteCount.value(), drx.Updated.value()]).toEqual([2n, 1n, 8n, true]);
    const data = drx.Data.value() as NdArray;
    expect([data.dtype.name, data.shape, Buffer.from(data.data).toString()]).toEqual(['uint8', [5], 'defgh']);
    expect(drx.Data.typeStr).toBe('uint8(1,)');
    drx.RxEnable.set(false);
    void drx.acceptFrame(Frame.fromText('x'));
    expect(seen).toEqual([3, 5]);
    await root.countReset();
    expect([drx.FrameCount.value(), drx.ErrorCount.value(), drx.ByteCount.value()]).toEqual([0n, 0n, 0n]);
    await root.stop();
    expect(drx.RxEnable.value()).toBe(false);
  });

  test('releases frames (its process copies the payload) unless a subclass overrides process; PRBS frames then share one payload', async () => {
    class Keeps extends DataReceiver {
      readonly kept: Frame[] = [];
      protected override process(frame: Frame): void {
        this.kept.push(frame);
      }
    }
    expect([new DataReceiver().releasesFrames, new Keeps().releasesFrames]).toEqual([true, false]);
    const tx = new PrbsTx();
    const drx = new DataReceiver();
    const payloads = new Set<ArrayBufferLike>();
    connectStream(tx, drx);
    connectStream(tx, { releasesFrames: true, acceptFrame: (f: Frame) => void payloads.add(f.payload.buffer) });
    const root = await started(tx, drx);
    const buffers = new Set<ArrayBufferLike>();
    tx.txSize.set(64n);
    for (let i = 0; i < 3; i++) {
      await tx.genFrame.call(1n);
      buffers.add((drx.Data.value() as NdArray).data.buffer);
    }
    // Data holds a copy of each frame (three buffers), the generator one payload
    expect([buffers.size, payloads.size]).toEqual([3, 1]);
    const ref = new Prbs();
    expect(Buffer.from((drx.Data.value() as NdArray).data).equals(Buffer.from(ref.makeFrame(64, 2).payload))).toBe(true);
    await root.stop();
  });

  test('back-pressure: a slow process() holds the generator; nothing queues beyond the frame in hand', async () => {
    const release: (() => void)[] = [];
    class Slow extends DataReceiver {
      protected override process(): Promise<void> {
        return new Promise((r) => release.push(r));
      }
    }
    const tx = new PrbsTx();
    const drx = new Slow();
    connectStream(tx, drx);
    const root = await started(tx, drx);
    tx.txSize.set(64n);
    tx.txEnable.set(true);
    for (let i = 0; i < 20; i++) {
      await waitFor(() => release.length === 1, 'a frame in process()');
      expect(tx.prbs.pending).toBe(0);
      release.shift()!();
    }
    tx.txEnable.set(false);
    await waitFor(() => release.length === 1 || !tx.prbs.enabled, 'the last frame');
    release.shift()?.();
    await waitFor(() => !tx.prbs.enabled, 'the generator to stop');
    expect(drx.FrameCount.value()).toBe(BigInt(tx.prbs.txCount));
    await root.stop();
  });
});

/** A clock whose sleeps end when the test says. */
function manualClock() {
  let t = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  const clock: RunClock = {
    now: () => t,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ until: t + ms, wake })),
  };
  return {
    clock,
    sleeping: () => sleepers.length,
    /** Moves time on by `ms`, waking every sleep that ends, each followed by the loop's next steps. */
    async advance(ms: number): Promise<void> {
      const end = t + ms;
      for (;;) {
        sleepers.sort((a, b) => a.until - b.until);
        const s = sleepers[0];
        if (!s || s.until > end) break;
        sleepers.shift();
        t = s.until;
        s.wake();
        await new Promise((r) => setImmediate(r));
      }
      t = end;
    },
  };
}

describe('RunControl (timing by a clock the test drives)', () => {
  test('10 Hz for 0.55 s then Stopped: the current iteration completes → runCount 6 (as pyrogue)', async () => {
    const m = manualClock();
    const rc = new RunControl({ clock: m.clock });
    const root = await started(rc);
    rc.runRate.setDisp('10 Hz');
    rc.runCount.set(99n);
    rc.runState.setDisp('Running');
    expect(rc.runCount.value()).toBe(0n);
    await m.advance(550);
    expect(rc.runCount.value()).toBe(5n);
    rc.runState.setDisp('Stopped');
    expect(rc.runLoopActive).toBe(true);
    await m.advance(50);
    await rc.waitStopped();
    expect([rc.runCount.value(), rc.runLoopActive, m.sleeping()]).toEqual([6n, false, 0]);
    await root.stop();
  });

  test('the rate is read each iteration; cmd runs each time (awaited); setting Running twice starts one loop', async () => {
    const m = manualClock();
    let calls = 0;
    let hold: (() => void) | null = null;
    const rc = new RunControl({
      clock: m.clock,
      cmd: () => {
        calls++;
        if (calls === 3) return new Promise<void>((r) => (hold = r));
      },
    });
    const root = await started(rc);
    rc.runState.setDisp('Running');
    rc.runState.setDisp('Running');
    await m.advance(2000);
    expect([calls, rc.runCount.value()]).toEqual([2, 2n]);
    rc.runRate.setDisp('10 Hz');
    await m.advance(1000); // the third sleep (1 s) ends, then cmd holds
    expect([calls, rc.runCount.value(), m.sleeping()]).toEqual([3, 2n, 0]);
    hold!();
    await new Promise((r) => setImmediate(r));
    expect(rc.runCount.value()).toBe(3n);
    await m.advance(300);
    expect(rc.runCount.value()).toBe(6n);
    rc.runState.setDisp('Stopped');
    await m.advance(100);
    await rc.waitStopped();
    expect(rc.runCount.value()).toBe(7n);
    await root.stop();
  });

  test('Stopped then Running while the last iteration runs: a new loop after it (runCount from 0); publishing at most once a second', async () => {
    const m = manualClock();
    const rc = new RunControl({ clock: m.clock });
    const root = await started(rc);
    const published: string[] = [];
    root.addVarListener((p, v) => {
      if (p === 'R.RunControl.runCount') published.push(String((v as { value: unknown }).value));
    });
    rc.runRate.setDisp('10 Hz');
    rc.runState.setDisp('Running');
    await m.advance(2500);
    await root.waitOnUpdate();
    // 0 at the start, then once more than a second had passed (at 1.1 s and 2.2 s)
    expect(published).toEqual(['0', '11', '22']);
    rc.runState.setDisp('Stopped');
    rc.runState.setDisp('Running');
    await m.advance(100); // the old loop's last iteration, then the new loop starts
    await root.waitOnUpdate();
    expect(published.slice(3)).toEqual(['26', '0']);
    await m.advance(300);
    expect(rc.runCount.value()).toBe(3n);
    await root.stop(); // asks the loop to end after its iteration
    await m.advance(100);
    await rc.waitStopped();
    expect(rc.runLoopActive).toBe(false);
  });
});

describe('PRBS devices', () => {
  test('genFrame command, txEnable loop, txSize restarts it, counters as variables, CountReset; PrbsRx checks', async () => {
    const tx = new PrbsTx();
    const rx = new PrbsRx();
    connectStream(tx, rx);
    const root = await started(tx, rx);
    tx.txSize.set(64n);
    await tx.genFrame.call(3n);
    const v = (d: Device, name: string) => (d.child(name) as LocalVariable).get();
    expect([v(tx, 'txCount'), v(rx, 'rxCount'), v(rx, 'rxErrors')]).toEqual([3n, 3n, 0n]);
    tx.txEnable.set(true);
    await waitFor(() => tx.prbs.txCount > 1000, 'frames from the generator loop');
    tx.txSize.set(128n);
    await waitFor(() => rx.prbs.rxBytes > 1000 * 64 + 200 * 128 && tx.prbs.txCount > 1300, 'frames of the new size');
    tx.txEnable.set(false);
    await waitFor(() => !tx.prbs.enabled, 'the loop to stop');
    expect(rx.prbs.rxErrors).toBe(0);
    expect(rx.prbs.rxCount).toBe(tx.prbs.txCount);
    tx.txPeriod.set(5000n);
    expect(tx.txPeriod.value()).toBe(5000n);
    (rx.child('checkPayload') as LocalVariable).set(false);
    await root.countReset();
    expect([tx.prbs.txCount, rx.prbs.rxCount]).toEqual([0, 0]);
    tx.txSize.set(10n);
    expect(await failureOf(() => tx.genFrame.call(1n))).toMatchObject({ pyName: 'GeneralError', message: 'Prbs::genFrame: General Error: Invalid frame size' });
    await root.stop();
  });
});

describe('Process (pyrogue default: 100 steps of a second)', () => {
  test('Start counts steps with messages; Stop waits for it; a function runs with {root, dev, arg}', async () => {
    const p = new Process({ name: 'P' });
    const ret = new LocalVariable({ name: 'Ret', value: 0n });
    const q = new Process({
      name: 'Q',
      function: ({ arg }) => (arg as bigint) * 2n,
      argVariable: new LocalVariable({ name: 'Arg', value: 21n }),
      returnVariable: ret,
    });
    const root = await started(p, q);
    expect(p.Progress.valueDisp()).toBe('1.00');
    await p.child('Start')!.pyCall('call');
    await waitFor(() => (p.Step.value() as bigint) >= 1n && p.Message.value() !== 'Started', 'the first step (one second)');
    expect(p.Message.value()).toMatch(/^Running for \d+ seconds\.$/);
    expect(p.TotalSteps.value()).toBe(100n);
    expect(p.Running.value()).toBe(true);
    await p.child('Stop')!.pyCall('call');
    expect([p.Running.value(), p.Message.value()]).toEqual([false, 'Done']);
    await q.child('Start')!.pyCall('call');
    await q.waitDone();
    expect([ret.value(), q.Message.value(), q.Progress.valueDisp()]).toEqual([42n, 'Done', '1.00']);
    await root.stop();
  });
});

test('ExampleRoot: PrbsTx → raw StreamWriter (config on channel 1) and → DataReceiver; the tree as pyrogue builds it', async () => {
  const root = createPyrogueExampleRoot({ pollEn: false, heartbeatMs: 0 });
  expect([...root.nodes.keys()].slice(-12)).toEqual([
    'SaveConfigProcess',
    'AxiVersion',
    'LargeDevice',
    'PrbsTx',
    'StreamWriter',
    'DataReceiver',
    'RunControl',
    'Process',
    'TestPlot',
    'TestXAxis',
    'TestArray',
    'OsMemMaster',
  ]);
  await root.start();
  const f = tmp('example.dat');
  root.fw.DataFile.set(f);
  await root.fw.Open.call();
  await root.prbsTx.genFrame.call(4n);
  const drx = root.getNode('ExampleRoot.DataReceiver', DataReceiver)!;
  expect(drx.FrameCount.value()).toBe(4n);
  await root.fw.Close.call();
  const bytes = fs.readFileSync(f);
  // raw mode: the YAML dump, the PRBS payloads (1024 B each), updates, the YAML dump
  expect(bytes.subarray(0, 13).toString()).toBe('ExampleRoot:\n');
  const frame0 = root.prbsTx.prbs.makeFrame(1024, 0).payload;
  expect(bytes.indexOf(Buffer.from(frame0))).toBeGreaterThan(0);
  // TestPlot's localGet adds a sample each time it is read (the two full dumps read it, as pyrogue's)
  const ta = root.getNode('ExampleRoot.TestArray', LocalVariable)!;
  expect(ta.typeStr).toBe('float64(102,)');
  const tp = root.getNode('ExampleRoot.TestPlot', LocalVariable)!;
  for (let i = 0; i < 3; i++) tp.get();
  expect((ta.get() as NdArray).shape).toEqual([105]);
  expect(root.getNode('ExampleRoot.TestXAxis', LocalVariable)!.get()).toBe(5);
  const up = root.getNode('ExampleRoot.OsMemMaster.Uptime', BaseVariable)!;
  expect(await up.get()).toBeGreaterThan(0);
  expect(root.getYaml({ readFirst: false, modes: ['RW', 'RO', 'WO'], excGroups: ['NoStream'] })).toContain(
    'RunControl:\n    enable: True\n    runState: Stopped\n    runRate: 1 Hz\n',
  );
  await root.stop();
});
