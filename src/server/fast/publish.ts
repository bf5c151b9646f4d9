/**
 * Publishing with less work per update, on top of the plain `UpdateBatcher`
 * (../publish.ts) and publishing the same frames, in the same order.
 *
 * - `FastUpdateBatcher`: a batch of one path (a get, a set, one polled
 *   variable: most batches) is held as its path and value, not as a dict,
 *   and the frame of a path's last one-update batch is kept: the same
 *   update again is published with the same bytes, not pickled again
 *   (`KeptFrame` states and checks when that holds).
 * - `PublishOutbox`: when the frames leave, in bursts.
 */
import { snapshotOf, type ValueSnapshot } from '../../py/snapshot';
import { isImmutableScalar, NdArray, PY_INSTANCE_FIELDS, type HasInstanceFields, type InstanceFields, type PyValue } from '../../py/values';
import type { Batcher, UpdateBatcher } from '../publish';

/** Paths whose last single-update frame is kept (beyond it the memory starts over). */
const FRAME_CACHE_PATHS = 1024;
/** Frames larger than this are not kept. */
const FRAME_CACHE_MAX_BYTES = 16384;

/**
 * The frame of a one-update batch `{path: value}`, kept for the same update
 * again. A frame is a function of the path (the key it is kept under) and
 * of what the encoder reads of the value: the class an instance-fields
 * object names (`PY_INSTANCE_FIELDS`, src/py/values.ts) and its fields. So
 * a frame is kept only for such an object that is frozen (its fields can
 * never be reassigned: a VariableValue freezes itself) and whose every field
 * is immutable (None, bool, int, a float other than NaN, str) or an NdArray;
 * it is reused for that very object, with the same class descriptor, while
 * each of its arrays still has the bytes it had (a copy is compared). A
 * value that does not qualify is pickled every time.
 */
class KeptFrame {
  private constructor(
    private readonly value: object,
    private readonly descr: InstanceFields,
    /** The NdArray fields and snapshots of their contents when the frame was made; null when there is none. */
    private readonly arrays: readonly { array: NdArray; snapshot: ValueSnapshot }[] | null,
    readonly frame: Uint8Array,
  ) {}

  /** The KeptFrame of `value`'s frame, or null when the frame cannot be kept (see the class comment). */
  static of(value: PyValue, frame: Uint8Array): KeptFrame | null {
    if (typeof value !== 'object' || value === null || !Object.isFrozen(value)) return null;
    const descr = (value as Partial<HasInstanceFields>)[PY_INSTANCE_FIELDS];
    if (descr === undefined) return null;
    let arrays: { array: NdArray; snapshot: ValueSnapshot }[] | null = null;
    for (const key of descr.keys) {
      const f = (value as unknown as Record<string, PyValue>)[key];
      if (f instanceof NdArray) (arrays ??= []).push({ array: f, snapshot: snapshotOf(f)! });
      else if (!isImmutableScalar(f) || Number.isNaN(f)) return null;
    }
    return new KeptFrame(value, descr, arrays, frame);
  }

  /** True when `value` is the object this frame was made of, its arrays unchanged. */
  matches(value: PyValue): boolean {
    if (value !== this.value || (value as HasInstanceFields)[PY_INSTANCE_FIELDS] !== this.descr) return false;
    const arrays = this.arrays;
    if (arrays !== null) for (const a of arrays) if (!a.snapshot.matches(a.array)) return false;
    return true;
  }
}

/** `UpdateBatcher`'s frames, with one-path batches held without a dict and their frames kept (see the module comment). */
export class FastUpdateBatcher implements Batcher {
  /** Paths in the batch so far: 0, 1 (held here), or 2 meaning two or more (held by the plain batcher). */
  private count = 0;
  /** The batch's path and last value while it has one path. */
  private firstPath = '';
  private firstValue: PyValue = null;
  private readonly frames = new Map<string, KeptFrame>();

  constructor(private readonly core: UpdateBatcher) {}

  update(path: string, value: PyValue): void {
    if (this.count === 0) {
      this.firstPath = path;
      this.firstValue = value;
      this.count = 1;
      return;
    }
    if (this.count === 1) {
      if (path === this.firstPath) {
        this.firstValue = value;
        return;
      }
      this.core.update(this.firstPath, this.firstValue);
      this.firstValue = null;
      this.count = 2;
    }
    this.core.update(path, value);
  }

  done(): Uint8Array | null {
    const count = this.count;
    if (count === 0) return null;
    this.count = 0;
    if (count > 1) return this.core.done();
    const path = this.firstPath;
    const value = this.firstValue;
    this.firstValue = null;
    const kept = this.frames.get(path);
    if (kept !== undefined && kept.matches(value)) return kept.frame;
    this.core.update(path, value);
    const frame = this.core.done();
    if (frame !== null && frame.length <= FRAME_CACHE_MAX_BYTES) {
      const k = KeptFrame.of(value, frame);
      if (k !== null) {
        if (this.frames.size >= FRAME_CACHE_PATHS && !this.frames.has(path)) this.frames.clear();
        this.frames.set(path, k);
      }
    }
    return frame;
  }

  /** Number of paths waiting for `done()`. */
  get size(): number {
    return this.count < 2 ? this.count : this.core.size;
  }
}

/** A timer the outbox can cancel. */
export interface OutboxTimer {
  cancel(): void;
}

export interface PublishOutboxOptions {
  /** Sends frames, one message each, in order (the PUB socket). */
  send: (frames: Uint8Array[]) => void;
  /**
   * How long a frame may wait for others while publishing is sustained, in ms
   * (default 1). 0: frames always leave at the end of the event-loop turn.
   */
  coalesceMs?: number;
  /** Frames waiting before they are sent at once (default 256). */
  max?: number;
  /** Clock in ms (default `performance.now`). */
  now?: () => number;
  /** Runs `fn` at the end of this event-loop turn (default `setImmediate`). */
  atTurnEnd?: (fn: () => void) => void;
  /** Runs `fn` after `ms` (default an unref'd `setTimeout`). */
  after?: (fn: () => void, ms: number) => OutboxTimer;
}

const defaultAfter = (fn: () => void, ms: number): OutboxTimer => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { cancel: () => clearTimeout(t) };
};

/**
 * When update frames leave, sans I/O. Frames leave in order, one message per
 * batch, in bursts: sent back to back they reach libzmq's I/O thread and each
 * subscriber with one wake-up and one write for several frames
 * (docs/decisions/0007, 0008).
 *
 * - A frame after a quiet spell (no burst in the last 2 × `coalesceMs`)
 *   leaves at the end of the event-loop turn that made it, with the other
 *   frames of that turn: an occasional update is not delayed.
 * - While publishing is sustained (a burst left within that window), a frame
 *   waits up to `coalesceMs` for the frames of the next turns, so that a
 *   burst holds more than the requests of one turn. No frame waits longer.
 * - `max` frames waiting are sent at once; `flush()` sends everything now.
 */
export class PublishOutbox {
  private frames: Uint8Array[] = [];
  private scheduled = false;
  private timer: OutboxTimer | null = null;
  private lastBurstAt = -Infinity;
  private readonly send: (frames: Uint8Array[]) => void;
  private readonly coalesceMs: number;
  private readonly max: number;
  private readonly now: () => number;
  private readonly atTurnEnd: (fn: () => void) => void;
  private readonly after: (fn: () => void, ms: number) => OutboxTimer;

  constructor(options: PublishOutboxOptions) {
    this.send = options.send;
    this.coalesceMs = options.coalesceMs ?? 1;
    if (!(this.coalesceMs >= 0)) throw new RangeError(`PublishOutbox: invalid coalesceMs ${String(options.coalesceMs)}`);
    this.max = options.max ?? 256;
    this.now = options.now ?? (() => performance.now());
    this.atTurnEnd = options.atTurnEnd ?? setImmediate;
    this.after = options.after ?? defaultAfter;
  }

  /** Frames waiting. */
  get size(): number {
    return this.frames.length;
  }

  /** Queues one frame. */
  push(frame: Uint8Array): void {
    this.frames.push(frame);
    if (this.frames.length >= this.max) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      if (this.coalesceMs > 0 && this.now() - this.lastBurstAt < 2 * this.coalesceMs) this.timer = this.after(this.fire, this.coalesceMs);
      else this.atTurnEnd(this.fire);
    }
  }

  /** Sends every waiting frame now (also before the server closes its socket). */
  flush(): void {
    if (this.timer !== null) {
      this.timer.cancel();
      this.timer = null;
    }
    this.scheduled = false;
    const frames = this.frames;
    if (frames.length === 0) return;
    this.frames = [];
    this.lastBurstAt = this.now();
    this.send(frames);
  }

  private readonly fire = (): void => {
    this.timer = null;
    if (this.scheduled) this.flush();
  };
}
