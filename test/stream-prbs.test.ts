/**
 * rogue's PRBS generator and checker (src/stream/prbs.ts): the frames rogue v6.15 was seen
 * to send (../shared/spec/RUDP-SRP-STREAMS.md §7.2), the checker's rules (§7.3), and the
 * generator loop driven by a scheduler the test controls.
 */
import { Frame, Prbs, PrbsError, connectStream, type PrbsScheduler } from '../src/stream';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A scheduler whose clock and turns the test drives. */
function manualScheduler() {
  let t = 0;
  const turns: (() => void)[] = [];
  const sched: PrbsScheduler = {
    now: () => t,
    yieldTurn: () => new Promise<void>((r) => turns.push(r)),
    sleep: (us) => new Promise<void>((r) => turns.push(() => ((t += us / 1000), r()))),
  };
  return {
    sched,
    advance: (ms: number) => (t += ms),
    /** Lets the loop go on for one turn (resolves after the loop ran up to its next wait). */
    async turn(): Promise<boolean> {
      const f = turns.shift();
      if (!f) return false;
      f();
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return true;
    },
    pendingTurns: () => turns.length,
  };
}

describe('generator frames as rogue sends them', () => {
  test('W = 32, 24-byte frames: seq 1 and seq 2 (verified captures)', () => {
    const p = new Prbs();
    expect(hex(p.makeFrame(24, 1).payload)).toBe('01000000' + '05000000' + '02000000' + '05000000' + '0b000000' + '17000000');
    expect(hex(p.makeFrame(24, 2).payload.subarray(8))).toBe('05000000' + '0b000000' + '17000000' + '2e000000');
  });

  test('sequence 0 gives an all-zero payload; the size word is words − 1', () => {
    const p = new Prbs();
    const f = p.makeFrame(64, 0);
    expect(hex(f.payload.subarray(0, 8))).toBe('00000000' + '0f000000');
    expect(f.payload.subarray(8).every((b) => b === 0)).toBe(true);
  });

  test('W = 64, 32-byte frame, seq 1 (verified capture)', () => {
    const p = new Prbs({ width: 64 });
    expect(hex(p.makeFrame(32, 1).payload)).toBe('0100000000000000' + '0300000000000000' + '0200000000000000' + '0500000000000000');
  });

  test('sendCount: payload word k holds k', () => {
    const p = new Prbs();
    p.sendCount(true);
    expect(hex(p.makeFrame(20, 9).payload)).toBe('09000000' + '04000000' + '02000000' + '03000000' + '04000000');
  });

  test('the W = 32 path and the byte-wise path (any width) agree for W = 32 and other taps', () => {
    // the byte-wise LFSR of the spec, written out here on a 4-byte state
    const model = (seq: number, words: number, taps: number[]) => {
      const st = Uint8Array.from([seq & 0xff, (seq >>> 8) & 0xff, (seq >>> 16) & 0xff, seq >>> 24]);
      const out: number[] = [];
      for (let k = 0; k < words; k++) {
        let fb = 0;
        for (const t of taps) fb ^= (st[t >> 3] >> (t & 7)) & 1;
        for (let x = 0; x < 4; x++) {
          const msb = st[x] >> 7;
          st[x] = ((st[x] << 1) | fb) & 0xff;
          fb = msb;
        }
        out.push(...st);
      }
      return hex(Uint8Array.from(out));
    };
    for (const taps of [
      [1, 2, 6, 31],
      [0, 5, 17, 30, 31],
      [3, 3],
    ]) {
      const p = new Prbs({ taps });
      for (const seq of [0, 1, 0x12345678, 0xffffffff]) expect(hex(p.makeFrame(48, seq).payload.subarray(8))).toBe(model(seq, 10, taps));
    }
  });

  test('frame sizes and widths rogue refuses', () => {
    const p = new Prbs();
    expect(() => p.makeFrame(8, 0)).toThrow(PrbsError);
    expect(() => p.makeFrame(14, 0)).toThrow('Invalid frame size');
    expect(() => p.setWidth(48)).toThrow('Invalid width.');
    expect(() => p.setWidth(544)).toThrow('Invalid width.');
    expect(() => p.setTaps([40])).toThrow(PrbsError);
    p.setWidth(128);
    expect(() => p.makeFrame(32, 0)).toThrow('Invalid frame size');
    expect(p.makeFrame(48, 3).size).toBe(48);
  });

  test('genFrame numbers frames from 0 and counts them', () => {
    const tx = new Prbs();
    const got: number[] = [];
    connectStream(tx, { acceptFrame: (f: Frame) => void got.push(f.payload[0]) });
    for (let i = 0; i < 3; i++) void tx.genFrame(16);
    expect(got).toEqual([0, 1, 2]);
    expect([tx.txCount, tx.txBytes, tx.txErrors]).toEqual([3, 48, 0]);
    tx.resetCount();
    expect([tx.txCount, tx.txBytes]).toEqual([0, 0]);
    void tx.genFrame(16);
    expect(got[3]).toBe(3);
  });
});

describe('payload memory reused for slaves that release frames', () => {
  /** A slave that keeps every frame it is given (it does not say it releases them). */
  const keeper = () => {
    const frames: Frame[] = [];
    return { frames, acceptFrame: (f: Frame) => void frames.push(f) };
  };
  /** A slave that releases frames and records the payload memory and bytes it saw. */
  const releaser = () => {
    const seen: { buf: ArrayBufferLike; off: number; hex: string }[] = [];
    return {
      seen,
      releasesFrames: true as const,
      acceptFrame: (f: Frame) => void seen.push({ buf: f.payload.buffer, off: f.payload.byteOffset, hex: hex(f.payload) }),
    };
  };

  test('same-size frames to releasing slaves share one payload buffer, each frame as makeFrame makes it (W = 32 and 64)', () => {
    for (const width of [32, 64]) {
      const tx = new Prbs({ width });
      const rx = new Prbs({ width });
      const r = releaser();
      connectStream(tx, rx);
      connectStream(tx, r);
      const ref = new Prbs({ width });
      for (let i = 0; i < 6; i++) void tx.genFrame(64);
      expect(new Set(r.seen.map((x) => `${x.off}`)).size).toBe(1);
      expect(r.seen.every((x) => x.buf === r.seen[0].buf)).toBe(true);
      expect(r.seen.map((x) => x.hex)).toEqual([0, 1, 2, 3, 4, 5].map((k) => hex(ref.makeFrame(64, k).payload)));
      expect([rx.rxCount, rx.rxErrors]).toEqual([6, 0]);
      // a new size: a buffer of its own
      void tx.genFrame(128);
      expect(r.seen[6].hex).toBe(hex(ref.makeFrame(128, 6).payload));
      expect([rx.rxCount, rx.rxErrors]).toEqual([7, 0]);
    }
  });

  test('frames have 8 bytes of headroom; a frame sent again has its header fields back at 0', () => {
    const tx = new Prbs();
    const seen: { flags: number; error: number; channel: number; room: number; rec: number }[] = [];
    connectStream(tx, {
      releasesFrames: true,
      acceptFrame: (f: Frame) => {
        seen.push({ flags: f.flags, error: f.error, channel: f.channel, room: f.headroom, rec: f.withHeader(8)?.length ?? -1 });
        f.channel = 7;
        f.error = 1;
        f.flags = 0x101;
      },
    });
    void tx.genFrame(64);
    void tx.genFrame(64);
    expect(seen).toEqual([0, 1].map(() => ({ flags: 0, error: 0, channel: 0, room: 8, rec: 72 })));
    const f = tx.makeFrame(32, 5);
    expect([f.headroom, f.size, f.withHeader(9), f.withHeader(8)?.length, f.withHeader(4)?.length]).toEqual([8, 32, null, 40, 36]);
    expect(new Frame(new Uint8Array(4)).withHeader(0)).toBeNull();
  });

  test('a slave that does not release frames keeps frames whose bytes never change', () => {
    const tx = new Prbs();
    const k = keeper();
    connectStream(tx, releaser());
    connectStream(tx, k);
    for (let i = 0; i < 4; i++) void tx.genFrame(32);
    const ref = new Prbs();
    expect(k.frames.map((f) => hex(f.payload))).toEqual([0, 1, 2, 3].map((s) => hex(ref.makeFrame(32, s).payload)));
    expect(new Set(k.frames.map((f) => f.payload.buffer)).size + new Set(k.frames.map((f) => f.payload.byteOffset)).size).toBeGreaterThan(2);
  });

  test('the checker leaves the frame as it was (any width), before the slaves after it', () => {
    for (const width of [32, 64, 128]) {
      const tx = new Prbs({ width });
      const r = releaser();
      connectStream(tx, r);
      connectStream(tx, new Prbs({ width })); // connected last: checks first
      const ref = new Prbs({ width });
      for (let i = 0; i < 3; i++) void tx.genFrame(96);
      expect(r.seen.map((x) => x.hex)).toEqual([0, 1, 2].map((k) => hex(ref.makeFrame(96, k).payload)));
    }
  });

  test('a frame held by back-pressure, or given to a slave connected during delivery, is not reused', async () => {
    const tx = new Prbs();
    const rx = new Prbs();
    connectStream(tx, rx);
    const ref = new Prbs();
    // held: the checker is disabled, its promise settles later
    rx.setRxEnable(false);
    const held: Frame[] = [];
    const spy = { releasesFrames: true as const, acceptFrame: (f: Frame) => void held.push(f) };
    connectStream(tx, spy);
    const p = tx.genFrame(32);
    expect(p).toBeInstanceOf(Promise);
    rx.setRxEnable(true);
    await p;
    void tx.genFrame(32);
    expect(hex(held[0].payload)).toBe(hex(ref.makeFrame(32, 0).payload));
    // a keeper connected from inside acceptFrame gets no later frame's memory
    const k = keeper();
    let added = false;
    connectStream(tx, {
      releasesFrames: true,
      acceptFrame: () => {
        if (!added) connectStream(tx, k);
        added = true;
      },
    });
    void tx.genFrame(32);
    void tx.genFrame(32);
    void tx.genFrame(32);
    expect(k.frames.map((f) => hex(f.payload))).toEqual([3, 4].map((s) => hex(ref.makeFrame(32, s).payload)));
    expect(hex(held[2].payload)).toBe(hex(ref.makeFrame(32, 2).payload));
    expect([rx.rxCount, rx.rxErrors]).toEqual([5, 0]);
  });
});

describe('checker', () => {
  const pair = (width = 32) => {
    const tx = new Prbs({ width });
    const rx = new Prbs({ width });
    connectStream(tx, rx);
    return { tx, rx };
  };

  test('a generator and a checker agree, any width', () => {
    for (const w of [32, 64, 96, 512]) {
      const { tx, rx } = pair(w);
      for (let i = 0; i < 20; i++) void tx.genFrame((w / 8) * (3 + i));
      expect([rx.rxCount, rx.rxErrors]).toEqual([20, 0]);
      expect(rx.rxBytes).toBe(tx.txBytes);
    }
  });

  test('one flipped payload bit, a wrong size word, an error field, a short frame: each one error', () => {
    const warnings: string[] = [];
    const gen = new Prbs();
    const rx = new Prbs({ onWarning: (m) => warnings.push(m) });
    const f = (seq: number) => gen.makeFrame(40, seq);
    void rx.acceptFrame(f(1));
    const flipped = f(2);
    flipped.payload[33] ^= 0x10;
    void rx.acceptFrame(flipped);
    const badSize = f(3);
    badSize.payload[4] = 3;
    void rx.acceptFrame(badSize);
    const errored = f(4);
    errored.error = 0x80;
    void rx.acceptFrame(errored);
    void rx.acceptFrame(new Frame(new Uint8Array(8)));
    expect([rx.rxCount, rx.rxErrors]).toEqual([1, 4]);
    expect(warnings[0]).toBe('Bad value at index 6. count=1, size=9');
    expect(warnings[1]).toMatch(/^Bad header\. expSize=16 gotSize=40/);
    expect(warnings[2]).toBe('Frame error field is set: 0x80');
    expect(warnings[3]).toBe('Size violation size=8, count=1');
  });

  test('sequence: a gap is an error, seq 0 restarts, a fresh checker takes any seq', () => {
    const gen = new Prbs();
    const rx = new Prbs();
    void rx.acceptFrame(gen.makeFrame(16, 7));
    void rx.acceptFrame(gen.makeFrame(16, 8));
    void rx.acceptFrame(gen.makeFrame(16, 10));
    void rx.acceptFrame(gen.makeFrame(16, 0));
    void rx.acceptFrame(gen.makeFrame(16, 1));
    expect([rx.rxCount, rx.rxErrors]).toEqual([4, 1]);
  });

  test('checkPayload false checks the header only; sendCount frames fail the payload check', () => {
    const gen = new Prbs();
    gen.sendCount(true);
    const rx = new Prbs();
    void rx.acceptFrame(gen.makeFrame(32, 1));
    rx.checkPayload(false);
    void rx.acceptFrame(gen.makeFrame(32, 2));
    expect([rx.rxCount, rx.rxErrors]).toEqual([1, 1]);
  });

  test('a disabled checker holds frames (back-pressure) until enabled', async () => {
    const { tx, rx } = pair();
    rx.setRxEnable(false);
    const p = tx.genFrame(16);
    expect(p).toBeInstanceOf(Promise);
    void tx.genFrame(16);
    expect(tx.pending).toBe(1);
    expect(rx.rxCount).toBe(0);
    rx.setRxEnable(true);
    await p;
    await new Promise((r) => setImmediate(r));
    expect([rx.rxCount, rx.rxErrors, tx.pending]).toEqual([2, 0, 0]);
  });

  test('rates are computed once more than a second has passed', () => {
    const m = manualScheduler();
    const tx = new Prbs({ scheduler: m.sched });
    const rx = new Prbs({ scheduler: m.sched });
    connectStream(tx, rx);
    for (let i = 0; i < 9; i++) void tx.genFrame(100);
    expect(rx.rxRate).toBe(0);
    m.advance(2000);
    void tx.genFrame(100);
    expect([tx.txRate, tx.txBw, rx.rxRate, rx.rxBw]).toEqual([5, 500, 5, 500]);
  });
});

describe('generator loop', () => {
  test('goes at the pace of a slow slave: one frame per release, nothing queued; disable waits for the last frame', async () => {
    const m = manualScheduler();
    const tx = new Prbs({ scheduler: m.sched });
    const rx = new Prbs();
    const release: (() => void)[] = [];
    connectStream(tx, rx);
    connectStream(tx, { acceptFrame: () => new Promise<void>((r) => release.push(r)) });
    tx.enable(64);
    expect(tx.enabled).toBe(true);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      expect(release.length).toBe(1);
      expect(tx.pending).toBe(0);
      release.shift()!();
    }
    await new Promise((r) => setImmediate(r));
    expect(release.length).toBe(1);
    const stopping = tx.disable();
    release.shift()!();
    await stopping;
    expect(tx.enabled).toBe(false);
    expect(tx.txCount).toBe(6);
    expect([rx.rxCount, rx.rxErrors]).toEqual([6, 0]);
  });

  test('time slices: the loop yields a turn when its slice is over, and sleeps txPeriod between frames', async () => {
    const m = manualScheduler();
    let frames = 0;
    const tx = new Prbs({ scheduler: m.sched, sliceMs: 5 });
    // every frame advances the clock 1 ms: a 5 ms slice ends after the clock is read past it
    connectStream(tx, {
      acceptFrame: () => {
        frames++;
        m.advance(1);
      },
    });
    tx.enable(16);
    await Promise.resolve();
    expect(frames).toBe(16); // the clock is read every 16 frames
    expect(m.pendingTurns()).toBe(1);
    await m.turn();
    expect(frames).toBe(32);
    tx.setTxPeriod(1000);
    await m.turn();
    expect(frames).toBe(33); // one frame, then a sleep of 1000 µs
    await m.turn();
    expect(frames).toBe(34);
    const d = tx.disable();
    await m.turn();
    await d;
    expect(tx.enabled).toBe(false);
  });

  test('inside a burst the clock is read every 16 frames, and the TX rates use those readings', async () => {
    const m = manualScheduler();
    let reads = 0;
    const sched: PrbsScheduler = { ...m.sched, now: () => (reads++, m.sched.now()) };
    const tx = new Prbs({ scheduler: sched, sliceMs: 1000 });
    let frames = 0;
    connectStream(tx, {
      releasesFrames: true,
      acceptFrame: () => {
        // 0.1 ms a frame; the loop stops after 320, and after 336
        if (++frames === 320 || frames === 336) void tx.disable();
        m.advance(0.1);
      },
    });
    reads = 0;
    tx.enable(16);
    await tx.disable();
    expect(frames).toBe(320);
    expect(reads).toBeLessThanOrEqual(320 / 16 + 2);
    // no reading was more than a second after the first: no rate yet; then one a second later
    expect(tx.txRate).toBe(0);
    m.advance(1000);
    tx.enable(16);
    await tx.disable();
    expect(frames).toBe(336);
    // the burst's first reading is t = 1032: its first frame (the 321st) makes the rate, 321 frames in 1.032 s
    expect(tx.txRate).toBeCloseTo(321 / 1.032, 6);
  });

  test('enable refuses a bad size; a burst runs inside the burst wrapper', async () => {
    const m = manualScheduler();
    let bursts = 0;
    const tx = new Prbs({ scheduler: m.sched, burst: (run) => (bursts++, run()) });
    expect(() => tx.enable(10)).toThrow('Invalid frame size');
    let n = 0;
    connectStream(tx, { acceptFrame: () => void (++n >= 100 && void tx.disable()) });
    tx.enable(12);
    await tx.disable();
    expect(bursts).toBe(1);
    expect(n).toBe(100);
  });
});
