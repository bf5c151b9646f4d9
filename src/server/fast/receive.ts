/**
 * The receive loop that answers a synchronous request on the spot
 * (docs/decisions/0003, 0008, 0010), on top of the plain `RouterLoop`
 * (../receive.ts), whose per-peer order it keeps.
 *
 * A request whose peer has nothing queued and whose handling is synchronous
 * (most requests: a value, a get of a local or emulated variable, the tree)
 * is answered before the next receive: no task, no promise chain, and the
 * reply leaves before the socket is polled again, in the array the request
 * came in. Anything asynchronous goes through the per-peer FIFO, and that
 * peer's later requests queue behind it, so its replies stay in order: a
 * request is answered on the spot only when its peer has nothing queued.
 */
import { wireText } from '../../py/errors';
import { isPromiseLike, type MaybePromise } from '../../tree/surface';
import { putReply, queueKey, RouterLoop } from '../receive';
import { bodyStart } from '../router';

/** Longest stretch the loop runs without letting the event loop turn… */
const YIELD_EVERY_MS = 5;
/** …checked every this many requests (reading the clock costs a tenth of a `value` request). */
const CLOCK_EVERY = 4;
/** Microtask turns an asynchronous request gets to finish before the next receive (a RemoteVariable get on emulated memory takes ~20). */
const ASYNC_GRACE_TICKS = 64;

/** Resolves when `p` settles or after `ticks` microtask turns, whichever is first (never rejects). */
async function settledWithin(p: Promise<unknown>, ticks: number): Promise<void> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  // eslint-disable-next-line @typescript-eslint/await-thenable -- yields one microtask tick on purpose
  for (let i = 0; i < ticks && !settled; i++) await null;
}

export class FastRouterLoop extends RouterLoop {
  override async run(): Promise<void> {
    const sock = this.sock;
    const queue = this.queue;
    const tag = this.tag;
    const handle = this.handle;
    let lastTurn = Date.now();
    let sinceCheck = 0;
    while (!sock.closed) {
      // Under saturation `receive()` resolves at once, message after message,
      // and this loop would run on microtasks only: the event loop would never
      // turn, so timers (the heartbeat) and zeromq.js's own I/O callbacks
      // (which release sent publish frames) would starve and memory would
      // grow. Let it turn every few milliseconds.
      if (++sinceCheck >= CLOCK_EVERY) {
        sinceCheck = 0;
        if (Date.now() - lastTurn >= YIELD_EVERY_MS) {
          await new Promise((r) => setImmediate(r));
          lastTurn = Date.now();
        }
      }
      // The plain loop's receive, written out again: a method returning the
      // frames would cost this path a promise per request.
      let frames: Buffer[];
      try {
        frames = await sock.receive();
      } catch (e) {
        if (sock.closed) return;
        await this.receiveFailed(e);
        continue;
      }
      const start = bodyStart(frames);
      if (start < 0) continue;
      // The peer's key is needed only when some peer has work queued (then it may be this one) or this request must queue.
      const key = queue.activeKeys > 0 ? queueKey(tag, frames) : null;
      if (key !== null && queue.busy(key)) {
        this.queueRequest(key, frames, start);
        if (queue.pending >= this.maxInflight) await this.belowInflightLimit();
        continue;
      }
      let reply: MaybePromise<Uint8Array>;
      try {
        reply = handle(frames, start);
      } catch (e) {
        // The ports never throw; stay up anyway.
        this.warn(`ZmqServer: request handler failed: ${wireText(e)}`);
        continue;
      }
      if (!isPromiseLike(reply)) {
        putReply(frames, start, reply);
        try {
          // sendTimeout 0: zeromq.js sends synchronously, the promise is already settled.
          await sock.send(frames);
        } catch {
          void queue.run(key ?? queueKey(tag, frames), this.sendReply.bind(this, frames));
        }
        continue;
      }
      // Most asynchronous operations finish without real I/O (emulated
      // memory, a command that awaits nothing slow): give them a few
      // microtasks, so their reply too leaves before the socket is polled
      // again. Real I/O only costs the budget (a microsecond or two).
      await settledWithin(this.replyWhenSettled(key ?? queueKey(tag, frames), frames, start, reply), ASYNC_GRACE_TICKS);
      if (queue.pending >= this.maxInflight) await this.belowInflightLimit();
    }
  }

  /** An asynchronous reply, sent once it settles, in the peer's FIFO (`key`). */
  private replyWhenSettled(key: string, frames: Uint8Array[], start: number, pending: Promise<Uint8Array>): Promise<void> {
    return this.queue.run(key, async () => this.finish(frames, start, await pending));
  }
}
