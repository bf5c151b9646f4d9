/**
 * Time for the protocol layers: the current time in milliseconds and one-shot timers.
 * The sans-I/O cores read only `now()`; their drivers schedule with `setTimer`. Tests
 * drive a whole stack in fake time by handing every layer the same clock.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (fractions allowed). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds; returns a handle for `clearTimer`. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** The process clock (performance.now) and Node's timers, unref'ed so they never keep the process alive. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};
