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
  private readonly pending = new PyDict();
  /** The path and value of the batch's first update (the whole batch when it has one). */
  private firstPath = '';
  private firstValue: PyValue = null;
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
    if (this.pending.size === 0) {
      this.firstPath = path;
      this.firstValue = value;
    }
    this.pending.set(path, value);
  }

  /** The var-listener `done`: the frame to publish, or null when there is nothing to publish. */
  done(): Uint8Array | null {
    const n = this.pending.size;
    if (n === 0) return null;
    // The dict is encoded here and emptied for the next batch: nothing keeps it.
    const batch = this.pending;
    const path = this.firstPath;
    const value = this.firstValue;
    this.firstValue = null;
    const single = n === 1 && typeof value === 'object' && value !== null && batch.get(path) === value;
    if (single) {
      const hit = this.frames.get(path);
      if (hit !== undefined && hit.value === value) {
        batch.clear();
        return hit.frame;
      }
    }
    try {
      const frame = this.codec.encode(batch, 4);
      if (frame.length === 0) return null;
      if (single && frame.length <= FRAME_CACHE_MAX_BYTES) {
        if (this.frames.size >= FRAME_CACHE_PATHS && !this.frames.has(path)) this.frames.clear();
        this.frames.set(path, { value, frame });
      }
      return frame;
    } catch (e) {
      this.onError(`ZmqServer: could not pickle an update batch: ${wireText(e)}`);
      return null;
    } finally {
      batch.clear();
    }
  }

  /** Number of paths waiting for `done()`. */
  get size(): number {
    return this.pending.size;
  }
}
