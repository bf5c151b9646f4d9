/**
 * An in-memory datagram link between two endpoints with faults: drop, duplicate, reorder,
 * delay, corrupt, and the link going down and coming back. Each direction applies the
 * current `faults` to every datagram, with a seeded random generator, and delivers through
 * the (fake) clock, so a run is reproducible.
 */
import type { Clock } from '../../src/protocols/clock';
import type { DatagramTransport } from '../../src/protocols/udp/udp';

export interface Faults {
  /** Probability a datagram is lost. */
  drop?: number;
  /** Probability a datagram is delivered twice. */
  dup?: number;
  /** Probability a datagram is held back by `reorderMs` (so later ones overtake it). */
  reorder?: number;
  reorderMs?: number;
  /** Extra one-way delay, uniform in [min, max] ms. */
  delay?: [number, number];
  /** Probability one random byte of a datagram is changed. */
  corrupt?: number;
  /** Every datagram is lost while true. */
  down?: boolean;
}

export interface RelayCounts {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  corrupted: number;
  downLost: number;
}

/** A small seeded generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class End implements DatagramTransport {
  onMessage: ((data: Uint8Array) => void) | null = null;
  peer!: End;
  constructor(
    readonly relay: LossyRelay,
    readonly maxPayload: number,
    readonly name: 'a' | 'b',
  ) {}
  send(data: Uint8Array): void {
    this.relay.carry(this, data);
  }
  async open(): Promise<void> {}
  async close(): Promise<void> {
    this.onMessage = null;
  }
}

export class LossyRelay {
  /** The client side's transport. */
  readonly a: DatagramTransport;
  /** The server side's transport. */
  readonly b: DatagramTransport;
  faults: Faults = {};
  readonly counts: RelayCounts = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, reordered: 0, corrupted: 0, downLost: 0 };
  /** Datagrams in flight now (bounded by what the endpoints send within the delays). */
  inFlight = 0;
  maxInFlight = 0;
  private readonly rand: () => number;

  constructor(
    private readonly clock: Clock,
    seed = 1,
    maxPayload = 1472,
    /** One-way latency in ms. */
    readonly latency = 0.05,
  ) {
    this.rand = seeded(seed);
    const a = new End(this, maxPayload, 'a');
    const b = new End(this, maxPayload, 'b');
    a.peer = b;
    b.peer = a;
    this.a = a;
    this.b = b;
  }

  /** Called by an endpoint's send. */
  carry(from: End, data: Uint8Array): void {
    const f = this.faults;
    this.counts.sent++;
    if (f.down) {
      this.counts.downLost++;
      return;
    }
    if (f.drop && this.rand() < f.drop) {
      this.counts.dropped++;
      return;
    }
    let bytes = data.slice(); // the sender may reuse its buffer
    if (f.corrupt && this.rand() < f.corrupt) {
      this.counts.corrupted++;
      const i = Math.floor(this.rand() * bytes.length);
      bytes[i] ^= 1 + Math.floor(this.rand() * 255);
    }
    let delay = this.latency;
    if (f.delay) delay += f.delay[0] + this.rand() * (f.delay[1] - f.delay[0]);
    if (f.reorder && this.rand() < f.reorder) {
      this.counts.reordered++;
      delay += f.reorderMs ?? 3;
    }
    this.deliver(from.peer, bytes, delay);
    if (f.dup && this.rand() < f.dup) {
      this.counts.duplicated++;
      bytes = bytes.slice();
      this.deliver(from.peer, bytes, delay + this.rand() * 2);
    }
  }

  private deliver(to: End, bytes: Uint8Array, delay: number): void {
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    this.clock.setTimer(() => {
      this.inFlight--;
      if (this.faults.down) {
        this.counts.downLost++;
        return;
      }
      this.counts.delivered++;
      to.onMessage?.(bytes);
    }, delay);
  }
}
