/**
 * An RSSI endpoint (rogue `rssi::Controller`, client or server), sans-I/O: segments and
 * application payloads in, segments and payloads out, time read from `now()`.
 *
 *   receive(segment)   a datagram from the transport
 *   send(buffer)       an application payload; the buffer's first 8 bytes are room for the header
 *   poll()             runs the timers (SYN retry, NUL keep-alive, cumulative ACK, retransmission);
 *                      returns the time (ms, on `now()`'s scale) it wants to be polled again
 *
 * Out: `handlers.transmit(segment)` for the transport, `handlers.deliver(payload)` for the
 * application, in order (a returned promise holds the next delivery: back-pressure, BUSY),
 * `handlers.wake()` when something changed outside a call (an asynchronous delivery
 * finished) and the driver should poll.
 *
 * The rules are rogue v6.15.0's (sequence numbers from 100, 8-bit sequence/ack, parameters
 * adopted verbatim from the peer's SYN or SYN-ACK, go-back-N retransmission of every expired
 * segment, link reset after maxRetran transmissions of one segment, the counters pyrogue
 * shows). Differences, none visible on the wire to a rogue peer: received SYN/RST segments
 * are acted on at once instead of at the state machine's next 25 ms poll; a client sends its
 * first SYN at `start()`; timers are computed as deadlines instead of a 2 ms poll loop; a SYN
 * whose parameters are zero is dropped (counted) instead of adopted; at most `maxAppQueue`
 * segments wait for the application and `maxTxQueue` payloads for a free window slot (rogue
 * blocks the sender there) — beyond that a segment is dropped (counted) or `send` refuses;
 * a data or NUL segment received again (its acknowledgement was lost) is answered with an
 * ACK at once (rogue acknowledges only when it next transmits, so a lost last ACK on an idle
 * link makes the peer exhaust its retransmissions and reset the link); and an acknowledgement
 * number outside (last acknowledged, last sent] — a reordered or duplicated segment — is
 * ignored (rogue takes any other value as progress past a wrap and frees segments the peer
 * never received); the retransmission timeout grows above retranTout when the measured round
 * trip does (see `rto`).
 */
import { decodeHeader, FLAG_ACK, FLAG_BUSY, FLAG_NUL, FLAG_RST, FLAG_SYN, HEADER_SIZE, refreshHeader, SYN_SIZE, writeHeader, type SynParams } from './header';

export const enum RssiState {
  Closed = 0,
  WaitSyn = 1,
  SendSynAck = 2,
  SendSeqAck = 3,
  Open = 4,
  Error = 5,
}

export interface RssiHandlers {
  /** One segment for the transport (one datagram). The controller keeps its own copy for retransmission. */
  transmit(segment: Uint8Array): void;
  /** One in-order application payload (the RSSI header stripped). A promise holds the next delivery until it settles. */
  deliver(payload: Uint8Array): void | Promise<void>;
  /** The link opened (true) or closed (false). */
  state?(open: boolean): void;
  /** Something changed outside a call (a delivery finished): poll again. */
  wake?(): void;
  /** rogue's log lines (warnings: bad frames, retransmissions, resets). */
  log?(level: 'info' | 'warning', message: string): void;
}

export interface RssiOptions {
  /** Server (answers SYNs) or client (sends them). */
  server: boolean;
  /** Local maximum segment size including the 8-byte header (rogue: UDP maxPayload − 8). */
  segSize: number;
  /** Milliseconds. */
  now: () => number;
  /** Segments that may wait for the application before new ones are dropped. Default 256. */
  maxAppQueue?: number;
  /** Payloads that may wait for a free window slot before `send` refuses. Default 1024. */
  maxTxQueue?: number;
}

interface TxEntry {
  seg: Uint8Array;
  /** Time of the last (re)transmission. */
  time: number;
  /** Transmissions so far (the original counts as 1). */
  count: number;
}

interface Rx {
  seq: number;
  nul: boolean;
  payload: Uint8Array;
}

const LOC_DEFAULTS = { tryPeriod: 100, maxBuffers: 32, cumAckTout: 5, retranTout: 20, nullTout: 1000, maxRetran: 15, maxCumAck: 2 };

export class RssiController {
  readonly server: boolean;
  private readonly now: () => number;
  private readonly h: RssiHandlers;
  readonly maxAppQueue: number;
  readonly maxTxQueue: number;

  // Local parameters (rogue loc*), proposed in a client's SYN.
  private _locTryPeriod = LOC_DEFAULTS.tryPeriod;
  private _locMaxBuffers = LOC_DEFAULTS.maxBuffers;
  private _locMaxSegment: number;
  private _locCumAckTout = LOC_DEFAULTS.cumAckTout;
  private _locRetranTout = LOC_DEFAULTS.retranTout;
  private _locNullTout = LOC_DEFAULTS.nullTout;
  private _locMaxRetran = LOC_DEFAULTS.maxRetran;
  private _locMaxCumAck = LOC_DEFAULTS.maxCumAck;

  // Negotiated parameters (rogue cur*).
  private cur: SynParams;

  private _state: RssiState = RssiState.Closed;
  private running = false;

  private locSequence = 100;
  private lastAckRx = 0;
  private nextSeqRx = 0;
  private lastSeqRx = 0;
  private ackSeqRx = 0;
  private lastAckTx = 0;

  private readonly txList: (TxEntry | undefined)[] = new Array<TxEntry | undefined>(256);
  private txCount = 0;
  private txWait: Uint8Array[] = [];
  private readonly ooo = new Map<number, Rx>();
  private appQueue: Rx[] = [];
  private appHead = 0;
  private delivering = false;

  private stTime = -Infinity;
  private txTime = 0;

  /** Smoothed round trip and its variation (ms), -1 before the first sample of a connection. */
  private srtt = -1;
  private rttvar = 0;
  /** Doubles with each round of retransmissions (RFC 6298 §5.5), back to 1 on a fresh sample. */
  private backoff = 1;
  /** A segment already received came again: its ACK was probably lost; acknowledge at the next poll. */
  private reAck = false;
  private _locBusy = false;
  private _remBusy = false;

  // Counters (rogue getDownCount, getDropCount, getRetranCount, getLocBusyCnt, getRemBusyCnt).
  downCount = 0;
  dropCount = 0;
  retranCount = 0;
  locBusyCnt = 0;
  remBusyCnt = 0;

  constructor(opts: RssiOptions, handlers: RssiHandlers) {
    this.server = opts.server;
    this.now = opts.now;
    this.h = handlers;
    this._locMaxSegment = checkPositive(opts.segSize, 'segSize', 0xffff);
    this.maxAppQueue = opts.maxAppQueue ?? 256;
    this.maxTxQueue = opts.maxTxQueue ?? 1024;
    this.cur = this.locParams();
  }

  // ---------------------------------------------------------------- state and counters

  get state(): RssiState {
    return this._state;
  }

  /** rogue getOpen(). */
  get open(): boolean {
    return this._state === RssiState.Open;
  }

  /** Started and not stopped. */
  get started(): boolean {
    return this.running;
  }

  /** rogue getLocBusy(): at least two segments wait for the application; counts 0→1 transitions. */
  get locBusy(): boolean {
    const busy = this.appQueue.length - this.appHead >= 2;
    if (!this._locBusy && busy) this.locBusyCnt++;
    this._locBusy = busy;
    return busy;
  }

  /** rogue getRemBusy(): the BUSY bit of the last segment received. */
  get remBusy(): boolean {
    return this._remBusy;
  }

  /** rogue resetCounters(). */
  resetCounters(): void {
    this.downCount = this.dropCount = this.retranCount = this.locBusyCnt = this.remBusyCnt = 0;
  }

  /** Segments sent and not yet acknowledged. */
  get unacked(): number {
    return this.txCount;
  }

  /** Payloads waiting for a window slot. */
  get txQueued(): number {
    return this.txWait.length;
  }

  /** Segments received in order, waiting for the application. */
  get appQueued(): number {
    return this.appQueue.length - this.appHead;
  }

  /** Segments held out of order. */
  get oooQueued(): number {
    return this.ooo.size;
  }

  /** The largest application payload one segment carries: min(curMaxSegment, locMaxSegment) − 8. */
  get maxPayload(): number {
    let n = this._locMaxSegment;
    if (this.cur.maxSegment > 0 && this.cur.maxSegment < n) n = this.cur.maxSegment;
    return n - HEADER_SIZE;
  }

  // ---------------------------------------------------------------- parameters (pyrogue's loc*/cur* variables)

  get locTryPeriod(): number {
    return this._locTryPeriod;
  }
  set locTryPeriod(v: number) {
    this._locTryPeriod = checkPositive(v, 'LocTryPeriod', 0xffffffff);
  }
  get locMaxBuffers(): number {
    return this._locMaxBuffers;
  }
  set locMaxBuffers(v: number) {
    this._locMaxBuffers = checkPositive(v, 'LocMaxBuffers', 0xff);
  }
  get locMaxSegment(): number {
    return this._locMaxSegment;
  }
  set locMaxSegment(v: number) {
    this._locMaxSegment = checkPositive(v, 'LocMaxSegment', 0xffff);
  }
  get locCumAckTout(): number {
    return this._locCumAckTout;
  }
  set locCumAckTout(v: number) {
    this._locCumAckTout = checkPositive(v, 'LocCumAckTout', 0xffff);
  }
  get locRetranTout(): number {
    return this._locRetranTout;
  }
  set locRetranTout(v: number) {
    this._locRetranTout = checkPositive(v, 'LocRetranTout', 0xffff);
  }
  get locNullTout(): number {
    return this._locNullTout;
  }
  set locNullTout(v: number) {
    this._locNullTout = checkPositive(v, 'LocNullTout', 0xffff);
  }
  get locMaxRetran(): number {
    return this._locMaxRetran;
  }
  set locMaxRetran(v: number) {
    this._locMaxRetran = checkPositive(v, 'LocMaxRetran', 0xff);
  }
  get locMaxCumAck(): number {
    return this._locMaxCumAck;
  }
  set locMaxCumAck(v: number) {
    this._locMaxCumAck = checkPositive(v, 'LocMaxAck', 0xff);
  }

  get curMaxBuffers(): number {
    return this.cur.maxBuffers;
  }
  get curMaxSegment(): number {
    return this.cur.maxSegment;
  }
  get curCumAckTout(): number {
    return this.cur.cumAckTout;
  }
  get curRetranTout(): number {
    return this.cur.retranTout;
  }
  get curNullTout(): number {
    return this.cur.nullTout;
  }
  get curMaxRetran(): number {
    return this.cur.maxRetran;
  }
  get curMaxCumAck(): number {
    return this.cur.maxCumAck;
  }

  private locParams(): SynParams {
    return {
      maxBuffers: this._locMaxBuffers,
      maxSegment: this._locMaxSegment,
      retranTout: this._locRetranTout,
      cumAckTout: this._locCumAckTout,
      nullTout: this._locNullTout,
      maxRetran: this._locMaxRetran,
      maxCumAck: this._locMaxCumAck,
    };
  }

  // ---------------------------------------------------------------- start / stop

  /** rogue `_start()`: state Closed and the state machine running (a client sends its SYN at the next poll). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this._state = RssiState.Closed;
  }

  /** rogue `_stop()`: sends an RST, counts a down event, state Closed; the state machine stops. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.enterError();
  }

  // ---------------------------------------------------------------- transport side

  /** One segment from the transport (rogue `transportRx`). Never throws on bad input: bad segments are counted in dropCount. */
  receive(seg: Uint8Array): void {
    const head = decodeHeader(seg);
    if (head === null) {
      this.dropCount++;
      this.h.log?.('warning', `Dumping bad frame state=${this._state} server=${this.server ? 1 : 0}`);
      return;
    }
    // Acknowledge: free every entry up to the ack number. An ack outside (lastAckRx, last sent]
    // is stale (a reordered or duplicated segment) and ignored; rogue would take it as progress
    // past a wrap and free segments the peer never received.
    if (head.ack && head.acknowledge !== this.lastAckRx && ((head.acknowledge - this.lastAckRx) & 0xff) <= ((this.locSequence - 1 - this.lastAckRx) & 0xff)) {
      let newest: TxEntry | undefined;
      do {
        this.lastAckRx = (this.lastAckRx + 1) & 0xff;
        const e = this.txList[this.lastAckRx];
        if (e !== undefined) {
          newest = e;
          this.txList[this.lastAckRx] = undefined;
          this.txCount--;
        }
      } while (this.lastAckRx !== head.acknowledge);
      // Karn: only a segment sent once gives a round-trip sample.
      if (newest !== undefined && newest.count === 1 && this._state === RssiState.Open) this.rttSample(this.now() - newest.time);
    }
    if (!this._remBusy && head.busy) this.remBusyCnt++;
    this._remBusy = head.busy;

    if (head.rst) {
      if (this._state === RssiState.Open) this.enterError();
      else if (this._state === RssiState.WaitSyn) {
        this._state = RssiState.Closed;
        this.h.log?.('warning', `Closing link after reset request. Server=${this.server ? 1 : 0}`);
      }
    } else if (head.syn) {
      if (this._state === RssiState.Open || this._state === RssiState.WaitSyn) {
        this.lastSeqRx = head.sequence;
        this.nextSeqRx = (head.sequence + 1) & 0xff;
        this.onSyn(head.ack, head.acknowledge, head.params!);
      }
    } else if (this._state === RssiState.Open && (head.nul || seg.length > HEADER_SIZE)) {
      this.onData(head.sequence, head.nul, seg.subarray(HEADER_SIZE));
    }
    this.flushTxWait();
  }

  private onSyn(ack: boolean, acknowledge: number, p: SynParams): void {
    if (this._state === RssiState.Open) {
      if (!ack) this.enterError(); // a SYN without ACK while open: the peer restarted
      return; // a SYN-ACK while open is ignored
    }
    // WaitSyn
    if (!(ack || this.server)) {
      this.cur = this.locParams(); // a client that receives a plain SYN resets its negotiated values
      return;
    }
    if (p.maxBuffers === 0 || p.maxSegment < 32 || p.retranTout === 0 || p.cumAckTout === 0 || p.nullTout === 0 || p.maxRetran === 0 || p.maxCumAck === 0) {
      this.dropCount++;
      this.h.log?.('warning', `Dropping SYN with unusable parameters server=${this.server ? 1 : 0}`);
      return;
    }
    this.cur = {
      maxBuffers: p.maxBuffers,
      maxSegment: p.maxSegment,
      retranTout: p.retranTout,
      cumAckTout: p.cumAckTout,
      nullTout: p.nullTout,
      maxRetran: p.maxRetran,
      maxCumAck: p.maxCumAck,
    };
    this.lastAckRx = acknowledge;
    if (this.server) {
      // SYN-ACK echoing the adopted values; never retransmitted; open at once.
      const seg = new Uint8Array(SYN_SIZE);
      this.transportTx(seg, FLAG_SYN | FLAG_ACK, true, true, this.cur);
    } else {
      // Handshake ACK (does not consume a sequence number).
      this.ackSeqRx = this.lastSeqRx;
      this.transportTx(new Uint8Array(HEADER_SIZE), FLAG_ACK, false, true);
    }
    this._state = RssiState.Open;
    this.srtt = -1;
    this.backoff = 1;
    this.h.log?.('info', `Link state is open. Server=${this.server ? 1 : 0}`);
    this.h.state?.(true);
  }

  private onData(seq: number, nul: boolean, payload: Uint8Array): void {
    if (seq === this.nextSeqRx) {
      if (this.appQueue.length - this.appHead >= this.maxAppQueue) {
        this.dropCount++; // the application is not taking segments: the peer will retransmit
        return;
      }
      this.lastSeqRx = seq;
      this.nextSeqRx = (seq + 1) & 0xff;
      this.appQueue.push({ seq, nul, payload });
      if (this.ooo.size > 0) {
        if (this.ooo.delete(seq)) {
          this.dropCount++;
          this.h.log?.('warning', `Removed duplicate frame. server=${this.server ? 1 : 0}, head->sequence=${seq}`);
        }
        let next: Rx | undefined;
        while ((next = this.ooo.get(this.nextSeqRx)) !== undefined) {
          this.ooo.delete(this.nextSeqRx);
          this.lastSeqRx = this.nextSeqRx;
          this.nextSeqRx = (this.nextSeqRx + 1) & 0xff;
          this.appQueue.push(next);
        }
      }
      this.drain();
    } else if (this.ooo.has(seq)) {
      this.dropCount++;
      this.reAck = true;
      this.h.log?.('warning', `Dropped duplicate frame. server=${this.server ? 1 : 0}, head->sequence=${seq}, next sequence=${this.nextSeqRx}`);
    } else {
      const ahead = (seq - this.nextSeqRx) & 0xff;
      if (ahead >= 1 && ahead <= this.cur.maxBuffers) {
        this.ooo.set(seq, { seq, nul, payload });
      } else {
        this.dropCount++;
        this.reAck = true;
        this.h.log?.('warning', `Dropping out of window frame. server=${this.server ? 1 : 0}, head->sequence=${seq}, nextSeqRx_=${this.nextSeqRx}`);
      }
    }
  }

  /** Hands queued segments to the application in order (rogue `applicationTx`): the ack number follows what was handed over. */
  private drain(): void {
    while (!this.delivering && this.appHead < this.appQueue.length) {
      const rx = this.appQueue[this.appHead];
      this.appHead++;
      if (this.appHead > 64 && this.appHead * 2 > this.appQueue.length) {
        this.appQueue = this.appQueue.slice(this.appHead);
        this.appHead = 0;
      }
      this.ackSeqRx = rx.seq;
      if (rx.nul) continue;
      let r: void | Promise<void>;
      try {
        r = this.h.deliver(rx.payload);
      } catch (e) {
        this.h.log?.('warning', `Application rejected a frame: ${(e as Error).message}`);
        continue;
      }
      if (r !== undefined) {
        this.delivering = true;
        const done = () => {
          this.delivering = false;
          this.drain();
          this.h.wake?.();
        };
        r.then(done, (e: unknown) => {
          this.h.log?.('warning', `Application rejected a frame: ${(e as Error).message}`);
          done();
        });
      }
    }
    if (this.appHead === this.appQueue.length && this.appHead > 0) {
      this.appQueue = [];
      this.appHead = 0;
    }
  }

  // ---------------------------------------------------------------- application side

  /**
   * One application payload (rogue `applicationRx`): `buffer` holds 8 bytes of room for the
   * header followed by at most `maxPayload` bytes. Returns false when it is not sent: the
   * link is not open (rogue discards silently) or `maxTxQueue` payloads already wait for the
   * window. Throws on an empty or oversized payload.
   */
  send(buffer: Uint8Array): boolean {
    if (buffer.length <= HEADER_SIZE) throw new RangeError('RSSI: empty application frame');
    if (buffer.length - HEADER_SIZE > this.maxPayload) throw new RangeError(`RSSI: payload of ${buffer.length - HEADER_SIZE} bytes exceeds ${this.maxPayload}`);
    if (this._state !== RssiState.Open) return false;
    if (this.txWait.length > 0 || this.txCount >= this.cur.maxBuffers) {
      if (this.txWait.length >= this.maxTxQueue) return false;
      this.txWait.push(buffer);
      return true;
    }
    this.transportTx(buffer, FLAG_ACK, true, false);
    return true;
  }

  private flushTxWait(): void {
    while (this.txWait.length > 0 && this.txCount < this.cur.maxBuffers && this._state === RssiState.Open) {
      this.transportTx(this.txWait.shift()!, FLAG_ACK, true, false);
    }
  }

  // ---------------------------------------------------------------- transmit

  /**
   * The retransmission timeout in use: the negotiated retranTout, or more when the measured
   * round trip (smoothed as RFC 6298 does) says acknowledgements take longer — a loaded host
   * answers late, and resending every outstanding segment then only adds to its load — and
   * doubled after each round of retransmissions until a segment sent once is acknowledged.
   * At most ten times retranTout, so a dead peer is still found within 10 × maxRetran ×
   * retranTout.
   */
  get rto(): number {
    const base = this.cur.retranTout;
    const measured = this.srtt < 0 ? base : Math.max(base, this.srtt + 4 * this.rttvar);
    return Math.min(10 * base, measured * this.backoff);
  }

  private rttSample(r: number): void {
    this.backoff = 1;
    if (this.srtt < 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
  }

  /** rogue `transportTx`: sequence, optional window entry, ack/BUSY, checksum, send. */
  private transportTx(seg: Uint8Array, flags: number, seqUpdate: boolean, txReset: boolean, params?: SynParams): void {
    const sequence = this.locSequence;
    let entry: TxEntry | undefined;
    if (seqUpdate) {
      entry = { seg, time: 0, count: 0 };
      if (this.txList[sequence] === undefined) this.txCount++;
      this.txList[sequence] = entry;
      this.locSequence = (sequence + 1) & 0xff;
    }
    if (txReset) {
      this.txList.fill(undefined);
      this.txCount = 0;
    }
    let ack: number;
    if (this.locBusy) {
      ack = this.lastAckTx;
      flags |= FLAG_BUSY;
    } else {
      ack = this.ackSeqRx;
      this.lastAckTx = ack;
    }
    writeHeader(seg, { flags, sequence, acknowledge: ack, params });
    const now = this.now();
    this.txTime = now;
    if (entry) {
      entry.time = now;
      entry.count = 1;
    }
    this.h.transmit(seg);
  }

  /** rogue `retransmit`: 1 resent, 0 not due, -1 retransmission limit reached. */
  private retransmit(id: number, now: number, rto: number): number {
    const e = this.txList[id];
    if (e === undefined) return 0;
    if (now < e.time + rto) return 0;
    if (e.count >= this.cur.maxRetran) return -1;
    this.retranCount++;
    let ack: number;
    let busy: boolean;
    if (this.locBusy) {
      ack = this.lastAckTx;
      busy = true;
    } else {
      ack = this.ackSeqRx;
      this.lastAckTx = ack;
      busy = false;
    }
    // A fresh copy: the transport may still hold the previous one.
    e.seg = new Uint8Array(e.seg);
    refreshHeader(e.seg, ack, busy);
    e.time = now;
    e.count++;
    this.txTime = now;
    this.h.log?.(
      'warning',
      `Retran frame: server=${this.server ? 1 : 0} size=${e.seg.length} seq=${e.seg[2]} recount=${this.retranCount} lastAckRx=${this.lastAckRx} locSequence=${this.locSequence}`,
    );
    this.h.transmit(e.seg);
    return 1;
  }

  /** rogue `stateError`: RST (consumes a sequence number), window cleared, downCount++, Closed, receive queues flushed. */
  private enterError(): void {
    const wasOpen = this._state === RssiState.Open;
    this.h.log?.('warning', `Entering reset state. Server=${this.server ? 1 : 0}`);
    this.transportTx(new Uint8Array(HEADER_SIZE), FLAG_RST, true, true);
    this.downCount++;
    // A running server listens again at once (rogue's waits one try period first).
    this._state = this.server && this.running ? RssiState.WaitSyn : RssiState.Closed;
    this.appQueue = [];
    this.appHead = 0;
    this.ooo.clear();
    this.txWait = [];
    this.stTime = this.now();
    if (wasOpen) this.h.state?.(false);
  }

  // ---------------------------------------------------------------- timers

  /**
   * Runs whatever is due now (rogue's state machine iteration) and returns the time at which
   * it should run again (Infinity: only when something arrives).
   */
  poll(): number {
    if (!this.running) return Infinity;
    const now = this.now();
    switch (this._state) {
      case RssiState.Closed:
      case RssiState.WaitSyn:
        if (this.server) {
          this._state = RssiState.WaitSyn;
          return Infinity;
        }
        if (now >= this.stTime + this._locTryPeriod) {
          this.transportTx(new Uint8Array(SYN_SIZE), FLAG_SYN, true, false, this.locParams());
          this.stTime = now;
          this._state = RssiState.WaitSyn;
        }
        return this.stTime + this._locTryPeriod;
      case RssiState.Open:
        return this.pollOpen(now);
      default:
        return Infinity;
    }
  }

  private pollOpen(now: number): number {
    const c = this.cur;
    const nullD3 = Math.max(1, Math.floor(c.nullTout / 3));
    const doNull = now >= this.txTime + nullD3;
    const ackPend = (this.ackSeqRx - this.lastAckTx) & 0xff;
    const busy = this.locBusy;
    if (doNull || this.reAck || (!busy && ackPend >= c.maxCumAck) || ((ackPend > 0 || busy) && now >= this.txTime + c.cumAckTout)) {
      this.reAck = false;
      this.transportTx(new Uint8Array(HEADER_SIZE), doNull ? FLAG_ACK | FLAG_NUL : FLAG_ACK, doNull, false);
    }
    let next = this.txTime + nullD3;
    if ((this.ackSeqRx - this.lastAckTx) & 0xff || this.locBusy) next = Math.min(next, this.txTime + c.cumAckTout);
    if (this._remBusy) {
      // Retransmission waits while the peer is busy; look again every cumAckTout/2 as rogue does.
      next = Math.min(next, now + Math.max(1, Math.floor(c.cumAckTout / 2)));
    } else if (this.txCount > 0) {
      const rto = this.rto;
      let resent = false;
      for (let idx = this.lastAckRx; idx !== this.locSequence; idx = (idx + 1) & 0xff) {
        const r = this.retransmit(idx, now, rto);
        if (r > 0) resent = true;
        if (r < 0) {
          this.h.log?.('warning', `Retransmission limit reached. Server=${this.server ? 1 : 0}`);
          this.enterError();
          return this.server ? Infinity : this.stTime + this._locTryPeriod;
        }
        const e = this.txList[idx];
        if (e !== undefined) next = Math.min(next, e.time + rto);
      }
      if (resent) this.backoff = Math.min(this.backoff * 2, 16);
    }
    this.flushTxWait();
    return next;
  }
}

function checkPositive(v: number, name: string, max: number): number {
  if (!Number.isInteger(v) || v <= 0 || v > max) throw new RangeError(`Invalid ${name} Value = ${v}`);
  return v;
}

export { FLAG_ACK, FLAG_BUSY, FLAG_NUL, FLAG_RST, FLAG_SYN, HEADER_SIZE, SYN_SIZE };
