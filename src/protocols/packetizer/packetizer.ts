/**
 * rogue's packetizer (`packetizer.Core` = v1, `packetizer.CoreV2` = v2), sans-I/O: frames of
 * the application endpoints (one per 8-bit tdest) are split into segments for the transport
 * below (RSSI), and segments from it are reassembled into frames.
 *
 *   v1: 8-byte header (4-bit version 0, 12-bit frame index, 24-bit segment number, tdest,
 *       tid, tUserFirst) + payload + 1-byte tail (EOF, tUserLast & 0x7f); one frame in
 *       reassembly at a time.
 *   v2: 8-byte header (version 2, CRC flag, tUserFirst, tdest, tid, 16-bit segment number,
 *       SOF) + payload padded to 8 + 8-byte tail (tUserLast, EOF, valid bytes of the last
 *       word, CRC-32 big-endian, cumulative over the frame's segments); reassembly per tdest.
 *
 * With SSI (pyrogue's default) the SOF bit 0x02 is OR-ed into tUserFirst on transmit and a
 * received tUserLast bit 0 (EOFE) gives the frame error 0x80. Segment capacity follows
 * rogue's `Controller::reqFrame`: floor((A − tail)/8)·8 − 8 bytes, A the transport's payload
 * per segment (1440 on a standard MTU, 8944/8936 on jumbo for v1/v2).
 *
 * Bad segments are dropped and counted (`dropCount`), never thrown; frames being reassembled
 * hold at most `maxBuffered` bytes in all.
 */
import { Frame } from '../../stream/frame';
import { StreamMaster, type StreamSlave } from '../../stream/master';
import { crc32 } from './crc';

/** Room the transport below needs in front of every segment (the RSSI header). */
export const TRANSPORT_HEADROOM = 8;

export interface PacketizerOptions {
  /**
   * 1 (rogue `packetizer.Core`) or 2 (`packetizer.CoreV2`); 'auto' (emulators) receives both
   * and sends in the version last received (2 before anything arrives).
   */
  version: 1 | 2 | 'auto';
  /** SSI handling (pyrogue's `enSsi`). Default true. */
  enSsi?: boolean;
  /**
   * v2: check the CRC of received segments: true (always), false (never: pyrogue's
   * `CoreV2(False, True, enSsi)`), or 'flag' (when the segment's CRC-present bit 0x20 is set).
   * Default false.
   */
  enIbCrc?: boolean | 'flag';
  /** v2: compute the CRC of sent segments (else zero, and the CRC flag clear). Default true. */
  enObCrc?: boolean;
  /** Bytes all frames being reassembled may hold together; a segment beyond drops its frame. Default 32 MiB. */
  maxBuffered?: number;
}

/** Frames that may wait for room in the transport at once (one per endpoint fed by a stream master; more when one is called directly). */
const MAX_WAITING = 256;

export interface PacketizerHandlers {
  /** One segment for the transport, after `TRANSPORT_HEADROOM` free bytes. */
  transmit(buffer: Uint8Array): void;
  /** How many segments the transport accepts right now (a frame is sent whole or not at all). */
  room(): number;
  /**
   * Calls `run(true)` as soon as `room()` is at least `segments` (synchronously, so what
   * `run` sends counts before the next one is called), or `run(false)` when that cannot
   * happen (the link is closed or closes, or no room could ever hold that many). Without
   * it, a frame the transport cannot take at once is dropped.
   */
  whenRoom?: (segments: number, run: (ok: boolean) => void) => void;
  /** The transport's payload per segment (RSSI: min(curMaxSegment, locMaxSegment) − 8). */
  maxPayload(): number;
  log?(level: 'info' | 'warning', message: string): void;
}

interface RxContext {
  /** Expecting a SOF segment (no frame in progress). */
  sof: boolean;
  /** Expected segment number. */
  count: number;
  crc: number;
  parts: Uint8Array[];
  size: number;
  firstUser: number;
  /** v1 only: frame index and tdest of the frame in progress. */
  index: number;
  dest: number;
}

const newContext = (): RxContext => ({ sof: true, count: 0, crc: 0, parts: [], size: 0, firstUser: 0, index: 0, dest: 0 });

/** One tdest endpoint (rogue `packetizer.Application`): frames sent to it go out on its tdest; frames received on it go to its slaves. */
export class PacketizerApplication extends StreamMaster implements StreamSlave {
  constructor(
    private readonly core: Packetizer,
    readonly dest: number,
  ) {
    super({ maxPending: 8 });
  }

  /**
   * A frame from the application, sent on this endpoint's tdest. When the link has no room
   * for it yet, a promise that settles once it is sent (as rogue's RSSI blocks the sender
   * while its window is full), or dropped and counted when the link cannot take it.
   */
  acceptFrame(frame: Frame): void | Promise<void> {
    return this.core.offerFrame(this.dest, frame);
  }
}

export class Packetizer {
  readonly auto: boolean;
  /** The version frames are sent in (fixed, or in 'auto' mode the last one received). */
  version: 1 | 2;
  readonly enSsi: boolean;
  readonly enIbCrc: boolean | 'flag';
  readonly enObCrc: boolean;
  readonly maxBuffered: number;
  /** Segments dropped on receive (rogue getDropCount). */
  dropCount = 0;
  /** Frames not sent: the transport could not take all their segments, or they were empty or errored. */
  txDropCount = 0;
  /** Frames sent / delivered. */
  txFrames = 0;
  rxFrames = 0;
  private readonly h: PacketizerHandlers;
  private appIndex = 0;
  private readonly rx: (RxContext | undefined)[] = new Array<RxContext | undefined>(256);
  private readonly rxV1 = newContext();
  private buffered = 0;
  private readonly apps: (PacketizerApplication | undefined)[] = new Array<PacketizerApplication | undefined>(256);
  /** Frames waiting for room (`offerFrame`). */
  private waiting = 0;

  constructor(opts: PacketizerOptions, handlers: PacketizerHandlers) {
    if (opts.version !== 1 && opts.version !== 2 && opts.version !== 'auto')
      throw new RangeError(`packetizer version must be 1, 2 or 'auto', got ${String(opts.version)}`);
    this.auto = opts.version === 'auto';
    this.version = opts.version === 'auto' ? 2 : opts.version;
    this.enSsi = opts.enSsi ?? true;
    this.enIbCrc = opts.enIbCrc ?? false;
    this.enObCrc = opts.enObCrc ?? true;
    this.maxBuffered = opts.maxBuffered ?? 32 * 1024 * 1024;
    this.h = handlers;
  }

  /** rogue `application(dest)`: the endpoint for one tdest, created on first request. */
  application(dest: number): PacketizerApplication {
    if (!Number.isInteger(dest) || dest < 0 || dest > 255) throw new RangeError(`tdest must be 0..255, got ${dest}`);
    return (this.apps[dest] ??= new PacketizerApplication(this, dest));
  }

  /** Bytes held by the frames being reassembled (at most `maxBuffered`). */
  get rxBuffered(): number {
    return this.buffered;
  }

  /** Data bytes one full segment carries. */
  get capacity(): number {
    const tail = this.version === 1 ? 1 : 8;
    return Math.floor((this.h.maxPayload() - tail) / 8) * 8 - 8;
  }

  /** Segments an L-byte frame takes. */
  segmentsFor(length: number): number {
    return Math.max(1, Math.ceil(length / this.capacity));
  }

  // ---------------------------------------------------------------- transmit

  /**
   * As `sendFrame`, but a frame the transport has no room for yet waits for it (when the
   * handlers say when there is room): a promise that settles once the frame is sent or
   * dropped. At most `MAX_WAITING` frames wait; one more is dropped.
   */
  offerFrame(tdest: number, frame: Frame): void | Promise<void> {
    const data = frame.payload;
    const whenRoom = this.h.whenRoom;
    // what is dropped or refused at once, as sendFrame does it
    if (data.length === 0 || frame.error !== 0 || whenRoom === undefined || this.capacity < 8) {
      this.sendFrame(tdest, frame);
      return;
    }
    const n = this.segmentsFor(data.length);
    const room = this.h.room();
    if (room >= n) {
      this.send(tdest, frame, room);
      return;
    }
    if (this.waiting >= MAX_WAITING) {
      this.txDropCount++;
      return;
    }
    this.waiting++;
    return new Promise<void>((resolve) => {
      whenRoom(n, (ok) => {
        this.waiting--;
        // the room for n segments was there when ok (a frame that now takes more is dropped)
        if (ok) this.send(tdest, frame, n);
        else this.txDropCount++;
        resolve();
      });
    });
  }

  /** Splits `frame` into segments on `tdest`. Returns false (and counts txDropCount) when the frame was not sent. */
  sendFrame(tdest: number, frame: Frame): boolean {
    return this.send(tdest, frame, -1);
  }

  /** `sendFrame`; `room` ≥ 0: the room the transport said it has (else asked for). */
  private send(tdest: number, frame: Frame, room: number): boolean {
    const data = frame.payload;
    if (data.length === 0 || frame.error !== 0) {
      this.txDropCount++;
      return false;
    }
    const cap = this.capacity;
    if (cap < 8) throw new RangeError(`packetizer: transport payload ${this.h.maxPayload()} is too small for a segment`);
    const n = Math.ceil(data.length / cap);
    if ((room >= 0 ? room : this.h.room()) < n) {
      this.txDropCount++;
      return false;
    }
    const fUser = (frame.firstUser | (this.enSsi ? 0x02 : 0)) & 0xff;
    const lUser = frame.lastUser;
    if (this.version === 1) this.sendV1(tdest, data, cap, n, fUser, lUser);
    else this.sendV2(tdest, data, cap, n, fUser, lUser);
    this.appIndex = (this.appIndex + 1) & 0xfff;
    this.txFrames++;
    return true;
  }

  private sendV1(tdest: number, data: Uint8Array, cap: number, n: number, fUser: number, lUser: number): void {
    const idx = this.appIndex;
    for (let s = 0; s < n; s++) {
      const off = s * cap;
      const len = Math.min(cap, data.length - off);
      const buf = new Uint8Array(TRANSPORT_HEADROOM + 8 + len + 1);
      const h = TRANSPORT_HEADROOM;
      buf[h] = (idx & 0xf) << 4;
      buf[h + 1] = (idx >> 4) & 0xff;
      buf[h + 2] = s & 0xff;
      buf[h + 3] = (s >> 8) & 0xff;
      buf[h + 4] = (s >> 16) & 0xff;
      buf[h + 5] = tdest;
      buf[h + 6] = 0;
      buf[h + 7] = fUser;
      buf.set(data.subarray(off, off + len), h + 8);
      buf[buf.length - 1] = (lUser & 0x7f) | (s === n - 1 ? 0x80 : 0);
      this.h.transmit(buf);
    }
  }

  private sendV2(tdest: number, data: Uint8Array, cap: number, n: number, fUser: number, lUser: number): void {
    let crc = 0;
    for (let s = 0; s < n; s++) {
      const off = s * cap;
      const len = Math.min(cap, data.length - off);
      const padded = (len + 7) & ~7;
      const h = TRANSPORT_HEADROOM;
      const buf = new Uint8Array(h + 8 + padded + 8);
      buf[h] = this.enObCrc ? 0x22 : 0x02;
      buf[h + 1] = fUser;
      buf[h + 2] = tdest;
      buf[h + 3] = 0;
      buf[h + 4] = s & 0xff;
      buf[h + 5] = (s >> 8) & 0xff;
      buf[h + 6] = 0;
      buf[h + 7] = s === 0 ? 0x80 : 0;
      buf.set(data.subarray(off, off + len), h + 8);
      const t = h + 8 + padded;
      buf[t] = lUser;
      buf[t + 1] = s === n - 1 ? 1 : 0;
      buf[t + 2] = len % 8 || 8;
      buf[t + 3] = 0;
      if (this.enObCrc) {
        crc = crc32(buf.subarray(h, t + 4), s === 0 ? 0 : crc);
        buf[t + 4] = crc >>> 24;
        buf[t + 5] = (crc >>> 16) & 0xff;
        buf[t + 6] = (crc >>> 8) & 0xff;
        buf[t + 7] = crc & 0xff;
      }
      this.h.transmit(buf);
    }
  }

  // ---------------------------------------------------------------- receive

  /** One segment from the transport. Returns the delivery's promise when an application holds it (back-pressure). */
  receive(seg: Uint8Array): void | Promise<void> {
    if (this.auto && seg.length > 0) {
      const v = seg[0] & 0xf;
      if (v === 0 || v === 2) this.version = v === 0 ? 1 : 2;
    }
    return this.version === 1 ? this.receiveV1(seg) : this.receiveV2(seg);
  }

  private drop(why: string, ctx?: RxContext): void {
    this.dropCount++;
    if (ctx) this.reset(ctx);
    this.h.log?.('warning', `Dropping frame: ${why}`);
  }

  private reset(ctx: RxContext): void {
    this.buffered -= ctx.size;
    ctx.sof = true;
    ctx.count = 0;
    ctx.parts = [];
    ctx.size = 0;
  }

  private append(ctx: RxContext, part: Uint8Array): boolean {
    if (this.buffered + part.length > this.maxBuffered) return false;
    ctx.parts.push(part);
    ctx.size += part.length;
    this.buffered += part.length;
    return true;
  }

  private finish(ctx: RxContext, dest: number, lastUser: number): void | Promise<void> {
    const payload = ctx.parts.length === 1 ? ctx.parts[0] : Buffer.concat(ctx.parts, ctx.size);
    const frame = new Frame(payload, { flags: ctx.firstUser | (lastUser << 8), error: this.enSsi && (lastUser & 1) !== 0 ? 0x80 : 0 });
    this.reset(ctx);
    this.rxFrames++;
    const app = this.apps[dest];
    if (app === undefined) return; // no endpoint for this tdest: discarded, as rogue does
    return app.sendFrame(frame);
  }

  private receiveV1(d: Uint8Array): void | Promise<void> {
    const len = d.length;
    if (len < 10 || (d[0] & 0xf) !== 0) return this.drop(`size ${len}, version ${d.length > 0 ? d[0] & 0xf : -1}`);
    const idx = (d[0] >> 4) | (d[1] << 4);
    const count = d[2] | (d[3] << 8) | (d[4] << 16);
    const ctx = this.rxV1;
    if (count > 0 && (ctx.sof || idx !== ctx.index || count !== ctx.count))
      return this.drop(`index ${idx} segment ${count}, expected ${ctx.index}/${ctx.count}`, ctx);
    if (count === 0) {
      if (!ctx.sof) this.reset(ctx); // a new frame discards the one in progress
      ctx.sof = false;
      ctx.index = idx;
      ctx.dest = d[5];
      ctx.firstUser = d[7];
    }
    if (!this.append(ctx, d.subarray(8, len - 1))) return this.drop(`reassembly buffers full (${this.maxBuffered} bytes)`, ctx);
    const tail = d[len - 1];
    if (tail & 0x80) return this.finish(ctx, ctx.dest, tail & 0x7f);
    ctx.count++;
  }

  private receiveV2(d: Uint8Array): void | Promise<void> {
    const len = d.length;
    if (len < 24 || (len & 7) !== 0 || (d[0] & 0xf) !== 2) return this.drop(`size ${len}, version ${d.length > 0 ? d[0] & 0xf : -1}`);
    const dest = d[2];
    const ctx = (this.rx[dest] ??= newContext());
    const count = d[4] | (d[5] << 8);
    const sof = (d[7] & 0x80) !== 0;
    const last = d[len - 6];
    let crcErr = false;
    if (this.enIbCrc === true || (this.enIbCrc === 'flag' && (d[0] & 0x20) !== 0)) {
      ctx.crc = crc32(d.subarray(0, len - 4), sof ? 0 : ctx.crc);
      const got = ((d[len - 4] << 24) | (d[len - 3] << 16) | (d[len - 2] << 8) | d[len - 1]) >>> 0;
      crcErr = got !== ctx.crc;
    }
    if (last < 1 || last > 8) return this.drop(`dest ${dest}: last ${last}`, ctx);
    if (ctx.sof !== sof || crcErr || count !== ctx.count)
      return this.drop(`dest ${dest}: sof ${sof ? 1 : 0}, crcErr ${crcErr ? 1 : 0}, count ${count}, expected ${ctx.count}`, ctx);
    if (ctx.sof) {
      ctx.sof = false;
      ctx.firstUser = d[1];
    }
    if (!this.append(ctx, d.subarray(8, len - 16 + last))) return this.drop(`reassembly buffers full (${this.maxBuffered} bytes)`, ctx);
    if (d[len - 7] & 1) return this.finish(ctx, dest, d[len - 8]);
    ctx.count = (ctx.count + 1) & 0xffff;
  }
}
