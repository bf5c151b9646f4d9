/**
 * rogue's stream masters and slaves (`rogue.interfaces.stream.Master` / `Slave`).
 *
 * A master sends each frame to every slave connected to it, in the reverse order
 * they were connected (rogue's `Master::sendFrame`: the first slave, rogue's
 * "primary", gets it last). `connectStream(master, slave)` is pyrogue's
 * `master >> slave`; `connectPair(a, b)` is `a == b` (each the other's master).
 *
 * Back-pressure: a slave's `acceptFrame` may return a promise; the master does not
 * hand the next frame to anyone before every slave has accepted the current one, so
 * frames arrive in order. Frames sent meanwhile wait in the master, at most
 * `maxPending` of them (default 64): beyond that `sendFrame` throws
 * `StreamOverflowError` and the frame is not kept. A producer that awaits
 * `sendFrame` runs at the pace of its slowest slave and never reaches the bound.
 */
import type { Frame } from './frame';

export interface StreamSlave {
  /** Takes one frame. A returned promise holds the master until it settles. */
  acceptFrame(frame: Frame): void | Promise<void>;
  /**
   * True when the slave is done with a frame once `acceptFrame` has returned (or its
   * promise settled): it keeps no reference to the frame or its payload and does not
   * change the payload. A master whose slaves all say so may reuse the payload's memory
   * for a later frame (the PRBS generator does). Default: not said (the payload is never
   * reused).
   */
  readonly releasesFrames?: boolean;
}

/** Thrown by `sendFrame` when `maxPending` frames already wait behind a slow slave. */
export class StreamOverflowError extends Error {
  constructor(readonly pending: number) {
    super(`stream master: ${pending} frames already wait for a slow slave; frame not sent`);
    this.name = 'StreamOverflowError';
  }
}

export interface StreamMasterOptions {
  /** How many frames may wait for a slow slave before `sendFrame` throws. Default 64. */
  maxPending?: number;
  /** Called with what a slave threw or rejected with (the frame still goes to the other slaves). Default: rethrown to the sender. */
  onSlaveError?: (e: unknown, slave: StreamSlave) => void;
}

interface Pending {
  frame: Frame;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class StreamMaster {
  private readonly slaves: StreamSlave[] = [];
  private readonly queue: Pending[] = [];
  private busy = false;
  readonly maxPending: number;
  private readonly onSlaveError: ((e: unknown, slave: StreamSlave) => void) | undefined;

  constructor(options: StreamMasterOptions = {}) {
    this.maxPending = options.maxPending ?? 64;
    this.onSlaveError = options.onSlaveError;
  }

  /** rogue `_addSlave`. */
  addSlave(slave: StreamSlave): void {
    this.slaves.push(slave);
  }

  /** rogue `_slaveCount`. */
  get slaveCount(): number {
    return this.slaves.length;
  }

  /** Frames waiting for a slow slave. */
  get pending(): number {
    return this.queue.length;
  }

  /** True when there are slaves and every one of them releases frames (`StreamSlave.releasesFrames`). */
  protected slavesReleaseFrames(): boolean {
    const s = this.slaves;
    if (s.length === 0) return false;
    for (let i = 0; i < s.length; i++) if (s[i].releasesFrames !== true) return false;
    return true;
  }

  /**
   * rogue `_sendFrame`. Resolves (or returns, when every slave took the frame at once)
   * once every slave has accepted the frame.
   */
  sendFrame(frame: Frame): void | Promise<void> {
    if (!this.busy) {
      const r = this.deliver(frame);
      if (r === undefined) return;
      this.busy = true;
      return r.finally(() => this.next());
    }
    if (this.queue.length >= this.maxPending) throw new StreamOverflowError(this.queue.length);
    return new Promise<void>((resolve, reject) => this.queue.push({ frame, resolve, reject }));
  }

  /** Hands `frame` to every slave, last connected first; a promise if any slave answered with one. */
  private deliver(frame: Frame): Promise<void> | undefined {
    for (let i = this.slaves.length - 1; i >= 0; i--) {
      const slave = this.slaves[i];
      let r: void | Promise<void>;
      try {
        r = slave.acceptFrame(frame);
      } catch (e) {
        if (!this.onSlaveError) throw e;
        this.onSlaveError(e, slave);
        continue;
      }
      if (r !== undefined) return this.deliverRest(frame, i, r);
    }
    return undefined;
  }

  private async deliverRest(frame: Frame, at: number, first: Promise<void>): Promise<void> {
    await this.settle(first, this.slaves[at]);
    for (let i = at - 1; i >= 0; i--) {
      const slave = this.slaves[i];
      try {
        await this.settle(slave.acceptFrame(frame), slave);
      } catch (e) {
        if (!this.onSlaveError) throw e;
        this.onSlaveError(e, slave);
      }
    }
  }

  private async settle(r: void | Promise<void>, slave: StreamSlave): Promise<void> {
    try {
      await r;
    } catch (e) {
      if (!this.onSlaveError) throw e;
      this.onSlaveError(e, slave);
    }
  }

  /** Delivers the queued frames, in order, one at a time. */
  private next(): void {
    const p = this.queue.shift();
    if (p === undefined) {
      this.busy = false;
      return;
    }
    let r: Promise<void> | undefined;
    try {
      r = this.deliver(p.frame);
    } catch (e) {
      p.reject(e);
      this.next();
      return;
    }
    if (r === undefined) {
      p.resolve();
      this.next();
      return;
    }
    r.then(p.resolve, p.reject).finally(() => this.next());
  }
}

/** Both ends of a bidirectional link (a pair connected with `connectPair`). */
export interface StreamDuplex extends StreamSlave {
  addSlave(slave: StreamSlave): void;
}

/** pyrogue `master >> slave`. Returns the slave (so `connectStream(connectStream(a, b), c)` chains when b is also a master). */
export function connectStream<S extends StreamSlave>(master: { addSlave(slave: StreamSlave): void }, slave: S): S {
  master.addSlave(slave);
  return slave;
}

/** pyrogue `a == b`: a's frames go to b and b's to a. */
export function connectPair(a: StreamDuplex, b: StreamDuplex): void {
  a.addSlave(b);
  b.addSlave(a);
}
