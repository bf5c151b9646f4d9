/**
 * ROUTER plumbing, sans I/O: splitting a received message into the envelope
 * to echo and the request body, and running each peer's requests in order
 * while different peers run concurrently.
 */

/**
 * A message as a ROUTER socket receives it:
 *  - pyzmq REQ (SimpleClient, replay tools):        [identity][empty][body]
 *  - rogue C++ ZmqClient (ZMQ_REQ_CORRELATE=1):     [identity][4-byte request id][empty][body]
 * The envelope is everything up to and including the first empty frame after
 * the identity; it is echoed verbatim in front of the reply so the peer's REQ
 * socket (and its request-id check) accepts it.
 *
 * A message without an empty delimiter (a DEALER that sends bare frames) has
 * the envelope [identity] and is answered the same bare way.
 */
export interface SplitMessage {
  /** Routing key of the peer (the identity frame's bytes, one char each): `peerKey(envelope[0])`. */
  peer: string;
  /** Frames to send back before the reply body; the first is the identity. */
  envelope: Uint8Array[];
  /** The request body frames (normally exactly one). */
  body: Uint8Array[];
}

/**
 * Where a received message's body starts: the envelope is `frames[0, start)`,
 * the body `frames[start, …)` (SplitMessage). -1 for a message without frames.
 */
export function bodyStart(frames: readonly Uint8Array[]): number {
  if (frames.length === 0) return -1;
  // the shape of every REQ peer's request
  if (frames.length === 3 && frames[1].length === 0) return 2;
  for (let i = 1; i < frames.length; i++) if (frames[i].length === 0) return i + 1;
  return 1;
}

/** A peer's routing key: its identity frame's bytes, one char each (latin1: faithful, and cheaper than hex). */
export function peerKey(identity: Uint8Array): string {
  return Buffer.from(identity.buffer, identity.byteOffset, identity.byteLength).toString('latin1');
}

export function splitEnvelope(frames: readonly Uint8Array[]): SplitMessage | null {
  const start = bodyStart(frames);
  if (start < 0) return null;
  return { peer: peerKey(frames[0]), envelope: frames.slice(0, start), body: frames.slice(start) };
}

/**
 * Runs tasks one at a time per key, in submission order; tasks of different
 * keys run concurrently. A failing task does not stop the ones after it.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private running = 0;
  private waiters: (() => void)[] = [];

  /** Keys with queued or running work. */
  get activeKeys(): number {
    return this.tails.size;
  }
  /** True while `key` has queued or running work (a new task for it would wait). */
  busy(key: string): boolean {
    return this.tails.has(key);
  }
  /** Tasks submitted and not yet finished. */
  get pending(): number {
    return this.running;
  }

  run(key: string, task: () => Promise<void>): Promise<void> {
    this.running++;
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task).then(
      () => undefined,
      () => undefined,
    );
    const tail = next.then(() => {
      this.running--;
      if (this.tails.get(key) === tail) this.tails.delete(key);
      const w = this.waiters;
      this.waiters = [];
      for (const f of w) f();
    });
    this.tails.set(key, tail);
    return tail;
  }

  /** Resolves when some task finishes (or at once when none is pending). */
  anySettled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves when everything submitted so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
