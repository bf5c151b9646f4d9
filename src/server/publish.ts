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

/** What the server's var-listener feeds: the updates of a batch, then its frame. */
export interface Batcher {
  /** The var-listener `func`. */
  update(path: string, value: PyValue): void;
  /** The var-listener `done`: the frame to publish, or null when there is nothing to publish. */
  done(): Uint8Array | null;
}

/** pyrogue's `_varUpdate` / `_varDone`: a dict per batch, pickled when the batch is done. */
export class UpdateBatcher implements Batcher {
  /** The batch so far (null: empty). */
  private batch: PyDict | null = null;

  constructor(
    private readonly codec: PickleCodec = defaultCodec,
    /** Told when a batch cannot be pickled (the batch is then dropped, as pyrogue's listener would raise). */
    private readonly onError: (message: string) => void = () => undefined,
  ) {}

  update(path: string, value: PyValue): void {
    (this.batch ??= new PyDict()).set(path, value);
  }

  done(): Uint8Array | null {
    const batch = this.batch;
    if (batch === null) return null;
    // The batch is taken here and the batcher emptied for the next one: nothing keeps it.
    this.batch = null;
    try {
      const frame = this.codec.encode(batch, 4);
      return frame.length === 0 ? null : frame;
    } catch (e) {
      this.onError(`ZmqServer: could not pickle an update batch: ${wireText(e)}`);
      return null;
    }
  }

  /** Number of paths waiting for `done()`. */
  get size(): number {
    return this.batch?.size ?? 0;
  }
}
