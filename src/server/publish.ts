/**
 * The publish channel (base), sans I/O. pyrogue v6.14+ `_varUpdate` /
 * `_varDone` (docs/protocol.md "Updates on base"): the root calls `update(path, value)` for each
 * variable of an update batch that passes the server's group filter, then
 * `done()` once; `done()` yields one frame, `pickle.dumps({path: value, ...})`
 * (protocol 4, dict order of first appearance, last value wins), or nothing
 * when the batch was empty (an empty dict is never published).
 */
import { wireText } from '../py/errors';
import { PyDict, PyValue } from '../py/values';
import { defaultCodec, type PickleCodec } from './codec';

/** Paths whose last single-update frame is kept (beyond it the cache starts over). */
const FRAME_CACHE_PATHS = 1024;
/** Frames larger than this are not kept. */
const FRAME_CACHE_MAX_BYTES = 16384;

export class UpdateBatcher {
  /** Paths in the batch so far. */
  private count = 0;
  /** The batch's first path and its last value (the whole batch while it has one path). */
  private firstPath = '';
  private firstValue: PyValue = null;
  /**
   * The batch as a dict once it has a second path (first path first); null
   * before. A batch of one path (a get, a set, one polled variable: most of
   * them) never builds one unless it has to be encoded.
   */
  private multi: PyDict | null = null;
  /**
   * Per path, the frame of its last one-update batch and the value object it
   * encoded. The tree hands out the same VariableValue object only while the
   * value is unchanged (and never changes one once made), so the same object
   * again means the same frame: a variable read or polled again without
   * change costs no encoding.
   */
  private readonly frames = new Map<string, { value: object; frame: Uint8Array }>();

  constructor(
    private readonly codec: PickleCodec = defaultCodec,
    /** Told when a batch cannot be pickled (the batch is then dropped, as pyrogue's listener would raise). */
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  /** The var-listener `func`. */
  update(path: string, value: PyValue): void {
    if (this.count === 0) {
      this.firstPath = path;
      this.firstValue = value;
      this.count = 1;
      return;
    }
    let multi = this.multi;
    if (multi === null) {
      if (path === this.firstPath) {
        this.firstValue = value;
        return;
      }
      multi = this.multi = new PyDict();
      multi.set(this.firstPath, this.firstValue);
    }
    multi.set(path, value);
    this.count = multi.size;
  }

  /** The var-listener `done`: the frame to publish, or null when there is nothing to publish. */
  done(): Uint8Array | null {
    if (this.count === 0) return null;
    // The batch is taken here and the batcher emptied for the next one: nothing keeps it.
    const path = this.firstPath;
    const value = this.firstValue;
    const multi = this.multi;
    this.count = 0;
    this.firstValue = null;
    this.multi = null;
    const single = multi === null && typeof value === 'object' && value !== null;
    if (single) {
      const hit = this.frames.get(path);
      if (hit !== undefined && hit.value === value) return hit.frame;
    }
    try {
      const frame = this.codec.encode(multi ?? new PyDict([[path, value]]), 4);
      if (frame.length === 0) return null;
      if (single && frame.length <= FRAME_CACHE_MAX_BYTES) {
        if (this.frames.size >= FRAME_CACHE_PATHS && !this.frames.has(path)) this.frames.clear();
        this.frames.set(path, { value, frame });
      }
      return frame;
    } catch (e) {
      this.onError(`ZmqServer: could not pickle an update batch: ${wireText(e)}`);
      return null;
    }
  }

  /** Number of paths waiting for `done()`. */
  get size(): number {
    return this.count;
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
 * subscriber with one wake-up and one write for several frames.
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
