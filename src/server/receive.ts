/**
 * The receive loop of a ROUTER port (base+1, base+2): requests in, replies
 * out behind their envelope. Each peer's requests are answered one at a
 * time, in order (per-identity FIFO, `KeyedSerialQueue`); different peers'
 * requests run concurrently, so one client's slow command does not stall
 * the others. `RouterLoop.run` is the plain loop: every request is a task
 * in its peer's queue, and the event loop turns between two requests.
 * src/server/fast/receive.ts answers synchronous requests on the spot.
 */
import { wireText } from '../py/errors';
import type { MaybePromise } from '../tree/surface';
import { bodyStart, type KeyedSerialQueue, peerKey } from './router';

/** A port's request handler: the request is `frames[start, frames.length)` (normally one frame); never throws. */
export type FrameHandler = (frames: readonly Uint8Array[], start: number) => MaybePromise<Uint8Array>;

/** What the loop needs of a ROUTER socket (zeromq's `Router`). */
export interface RouterSocket {
  readonly closed: boolean;
  receive(): Promise<Buffer[]>;
  send(frames: Uint8Array[]): Promise<void>;
}

export interface RouterLoopOptions {
  sock: RouterSocket;
  /** Tells this port's peers from the other port's in the queue both share. */
  tag: string;
  handle: FrameHandler;
  queue: KeyedSerialQueue;
  /** Requests accepted but not yet answered, all clients together, before the loop stops reading. */
  maxInflight: number;
  warn: (message: string) => void;
}

/** Puts the reply in place of the request's body, `frames[start, …)`, behind the envelope `frames[0, start)`. */
export function putReply(frames: Uint8Array[], start: number, reply: Uint8Array): void {
  if (frames.length !== start + 1) frames.length = start + 1;
  frames[start] = reply;
}

/** A request's key in the per-peer queue: the port's tag and the peer's identity (the envelope's first frame). */
export function queueKey(tag: string, envelope: readonly Uint8Array[]): string {
  return tag + peerKey(envelope[0]);
}

export function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

export function errorMessage(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
}

const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class RouterLoop {
  protected readonly sock: RouterSocket;
  protected readonly tag: string;
  protected readonly handle: FrameHandler;
  protected readonly queue: KeyedSerialQueue;
  protected readonly maxInflight: number;
  protected readonly warn: (message: string) => void;

  constructor(options: RouterLoopOptions) {
    this.sock = options.sock;
    this.tag = options.tag;
    this.handle = options.handle;
    this.queue = options.queue;
    this.maxInflight = options.maxInflight;
    this.warn = options.warn;
  }

  /** Receives and answers requests until the socket closes. Never awaits a request's handling, only its own socket. */
  async run(): Promise<void> {
    const sock = this.sock;
    while (!sock.closed) {
      let frames: Buffer[];
      try {
        frames = await sock.receive();
      } catch (e) {
        if (sock.closed) return;
        await this.receiveFailed(e);
        continue;
      }
      const start = bodyStart(frames);
      if (start >= 0) this.queueRequest(queueKey(this.tag, frames), frames, start);
      if (this.queue.pending >= this.maxInflight) await this.belowInflightLimit();
      // a receive resolves at once while messages are waiting: let timers and I/O callbacks run
      await nextTurn();
    }
  }

  /** A receive that failed on an open socket: logged, and the loop goes on after a pause. */
  protected async receiveFailed(e: unknown): Promise<void> {
    this.warn(`ZmqServer: receive failed: ${errorMessage(e)}`);
    await new Promise((r) => setTimeout(r, 10));
  }

  /** Backpressure against a peer that floods requests without reading replies: resolves once fewer than maxInflight requests are pending. */
  protected async belowInflightLimit(): Promise<void> {
    while (this.queue.pending >= this.maxInflight && !this.sock.closed) await this.queue.anySettled();
  }

  /*
   * The loop's paths are methods of their own: a closure in the loop's body
   * would make every iteration allocate the variables it captures on the
   * heap (src/server/fast/receive.ts's hot path too).
   */

  /** A request: handled in the peer's FIFO (`key`), after what the peer has queued. */
  protected queueRequest(key: string, frames: Uint8Array[], start: number): void {
    void this.queue.run(key, async () => {
      let reply: Uint8Array;
      try {
        reply = await this.handle(frames, start);
      } catch (e) {
        // The ports never throw; stay up anyway.
        this.warn(`ZmqServer: request handler failed: ${wireText(e)}`);
        return;
      }
      await this.finish(frames, start, reply);
    });
  }

  /** Sends the reply behind the message's envelope, `frames[0, start)`, in the same array. */
  protected finish(frames: Uint8Array[], start: number, reply: Uint8Array): Promise<void> {
    putReply(frames, start, reply);
    return this.sendReply(frames);
  }

  /**
   * Sends one reply. A send the socket refuses for the moment (EBUSY/EAGAIN:
   * not expected with sendTimeout 0 on a non-mandatory ROUTER) is retried on
   * the next event-loop turns rather than dropped: a client must not be left
   * without its answer.
   */
  protected async sendReply(frames: Uint8Array[]): Promise<void> {
    const sock = this.sock;
    for (let attempt = 0; ; attempt++) {
      if (sock.closed) return;
      try {
        await sock.send(frames);
        return;
      } catch (e) {
        if (sock.closed) return;
        const code = errorCode(e);
        if ((code === 'EBUSY' || code === 'EAGAIN') && attempt < 100) {
          await new Promise((r) => setTimeout(r, attempt < 10 ? 0 : 10));
          continue;
        }
        this.warn(`ZmqServer: reply not sent: ${errorMessage(e)}`);
        return;
      }
    }
  }
}
