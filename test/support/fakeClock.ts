/**
 * Fake time for the protocol stacks (src/protocols/clock.ts): timers run when the test
 * advances the clock, in deadline order, with the promise jobs they start run in between, so
 * a whole link (client, relay, emulator) runs deterministically and in no real time.
 */
import type { Clock } from '../../src/protocols/clock';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  live: boolean;
}

/** Lets pending promise jobs run (several rounds: a job may queue others). */
export async function flushJobs(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const timer: Timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true };
    this.timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    (handle as Timer).live = false;
  }

  /** Timers still armed. */
  get armed(): number {
    return this.timers.filter((t) => t.live).length;
  }

  private nextTimer(): Timer | undefined {
    this.timers = this.timers.filter((t) => t.live);
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  /** Runs every timer due within `ms` from now (and what they start), then sets the time to now + ms. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flushJobs();
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > end) break;
      this.t = Math.max(this.t, next.at);
      next.live = false;
      next.fn();
      await flushJobs();
    }
    this.t = end;
    await flushJobs();
  }

  /** Advances in `step` ms slices until `cond()` holds; throws after `limitMs` of fake time. */
  async until(cond: () => boolean, what: string, limitMs = 60000, step = 1): Promise<void> {
    const end = this.t + limitMs;
    await flushJobs();
    while (!cond()) {
      if (this.t >= end) throw new Error(`fake time: waited ${limitMs} ms for ${what}`);
      await this.advance(step);
    }
  }
}
