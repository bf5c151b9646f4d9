/**
 * rogue's SRP register protocols as memory backends: `SrpV3` (rogue.protocols.srp.SrpV3) and
 * `SrpV0` (rogue.protocols.srp.SrpV0). Each is a stream duplex: requests go to the stream
 * slaves it is connected to (normally a packetizer application on tdest 0), responses come
 * back through `acceptFrame`; and a `MemoryBackend` for a device's memBase:
 *
 *   const srp = new SrpV3();
 *   connectPair(srp, net.application(0));       // pyrogue: srp == net.application(0)
 *   root.add(new AxiVersion({ memBase: srp }));
 *
 * Transactions carry rogue's process-wide ids, any number may be in flight, and each fails
 * with rogue's error text: the alignment pre-checks, `Timeout waiting for register
 * transaction <id> message response.` after `timeout` seconds (a matched response restarts
 * the timers of the transactions sent at or after it, as rogue's Slave does), and the status
 * bits of the response. A transaction larger than the protocol's maximum (4096 / 2048
 * bytes) is split into consecutive ones of that size, as rogue's Hub does above a slave.
 */
import { Frame } from '../../stream/frame';
import { StreamMaster, type StreamSlave } from '../../stream/master';
import type { MemoryBackend } from '../../tree/memory';
import { realClock, type Clock } from '../clock';

/** rogue transaction types. */
export const TX_READ = 1;
export const TX_WRITE = 2;
export const TX_POST = 3;
export const TX_VERIFY = 4;

/** rogue's Transaction ids: one counter per process from 1, 0 skipped on wrap. */
let nextTransactionId = 1;
export function newTransactionId(): number {
  const id = nextTransactionId;
  nextTransactionId = nextTransactionId >= 0xffffffff ? 1 : nextTransactionId + 1;
  return id;
}

export interface SrpLogger {
  warn(message: string): void;
}

export interface SrpOptions {
  /** Transaction timeout in seconds (pyrogue's Root timeout). Default 1. */
  timeout?: number;
  /** Time and timers (tests use a fake clock). Default the process clock. */
  clock?: Clock;
  /** Where rogue's warnings go (unknown ids, bad frames). Default nowhere. */
  logger?: SrpLogger | null;
  /** Ids remembered after they time out, to tell a late response from an unknown one. Default 4096. */
  expiredKeep?: number;
}

interface Pending {
  id: number;
  /** Order of sending (this instance). */
  seq: number;
  type: number;
  address: number;
  size: number;
  /** The request as sent (its first bytes are compared with the response's). */
  request: Uint8Array;
  deadline: number;
  resolve(data: Uint8Array): void;
  reject(e: Error): void;
}

/** What a protocol decodes from a response frame. */
export type Parsed = { kind: 'ignore'; warning: string } | { kind: 'match'; id: number; check(p: Pending): Error | Uint8Array | null };

abstract class SrpBase extends StreamMaster implements MemoryBackend, StreamSlave {
  readonly minAccess = 4;
  abstract readonly maxAccess: number;
  /** Transaction timeout in seconds; applies to transactions started after a change. */
  timeout: number;
  readonly stats = { sent: 0, completed: 0, failed: 0, timedOut: 0, ignored: 0 };
  protected readonly clock: Clock;
  protected readonly logger: SrpLogger | null;
  private readonly waiting = new Map<number, Pending>();
  private readonly expired = new Set<number>();
  private readonly expiredKeep: number;
  private timer: unknown = null;
  private timerAt = Infinity;
  private seq = 0;

  constructor(opts: SrpOptions = {}) {
    super({ maxPending: 1 << 20 });
    this.timeout = opts.timeout ?? 1.0;
    this.clock = opts.clock ?? realClock;
    this.logger = opts.logger ?? null;
    this.expiredKeep = opts.expiredKeep ?? 4096;
  }

  /** Transactions sent and not yet answered. */
  get inFlight(): number {
    return this.waiting.size;
  }

  read(address: number, size: number): Promise<Uint8Array> {
    return this.transact(TX_READ, address, size);
  }

  async write(address: number, data: Uint8Array): Promise<void> {
    await this.transact(TX_WRITE, address, data.length, data);
  }

  /** A posted write: done once sent, no response expected. */
  async post(address: number, data: Uint8Array): Promise<void> {
    await this.transact(TX_POST, address, data.length, data);
  }

  /** A read-back of written registers (a read on the wire). */
  verify(address: number, size: number): Promise<Uint8Array> {
    return this.transact(TX_VERIFY, address, size);
  }

  /**
   * One transaction of rogue type `type` (1 Read, 2 Write, 3 Post, 4 Verify): resolves with
   * the bytes read (Read/Verify) or written (Write/Post), rejects with rogue's error text.
   */
  transact(type: number, address: number, size: number, data?: Uint8Array): Promise<Uint8Array> {
    if (type !== TX_READ && type !== TX_WRITE && type !== TX_POST && type !== TX_VERIFY) return Promise.reject(new Error(`Invalid transaction type ${type}`));
    const isWrite = type === TX_WRITE || type === TX_POST;
    if (isWrite && (data === undefined || data.length < size))
      return Promise.reject(new Error(`Transaction data of ${data?.length ?? 0} bytes is shorter than its size ${size}`));
    if (address % this.minAccess !== 0)
      return Promise.reject(new Error(`Transaction address 0x${address.toString(16)} is not aligned to min size ${this.minAccess}`));
    if (size % this.minAccess !== 0 || size < this.minAccess)
      return Promise.reject(new Error(`Transaction size 0x${size.toString(16)} is not aligned to min size ${this.minAccess}`));
    if (size <= this.maxAccess) return this.one(type, address, size, data);
    // rogue's Hub: consecutive sub-transactions of the maximum size, each with its own id.
    const parts: Promise<Uint8Array>[] = [];
    for (let off = 0; off < size; off += this.maxAccess) {
      const n = Math.min(this.maxAccess, size - off);
      parts.push(this.one(type, address + off, n, data?.subarray(off, off + n)));
    }
    return Promise.all(parts).then((chunks) => (isWrite ? data!.subarray(0, size) : Buffer.concat(chunks, size)));
  }

  private one(type: number, address: number, size: number, data?: Uint8Array): Promise<Uint8Array> {
    const err = this.checkAddress(address, size);
    if (err !== null) return Promise.reject(new Error(err));
    const id = newTransactionId();
    const request = this.encode(id, type, address, size, data);
    this.stats.sent++;
    if (type === TX_POST) {
      this.send(request);
      this.stats.completed++;
      return Promise.resolve(data!.subarray(0, size));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      const deadline = this.clock.now() + this.timeout * 1000;
      this.waiting.set(id, { id, seq: this.seq++, type, address, size, request, deadline, resolve, reject });
      if (deadline < this.timerAt) this.arm(deadline);
      this.send(request);
    });
  }

  private send(request: Uint8Array): void {
    const r = this.sendFrame(new Frame(request));
    if (r !== undefined) r.catch((e: unknown) => this.logger?.warn(`SRP request not sent: ${(e as Error).message}`));
  }

  private arm(at: number): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => this.sweep(), Math.max(0, at - this.clock.now()));
  }

  /** Fails every transaction past its deadline and re-arms the timer for the next one. */
  private sweep(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const now = this.clock.now();
    let next = Infinity;
    for (const p of this.waiting.values()) {
      if (p.deadline <= now) {
        this.waiting.delete(p.id);
        this.remember(p.id);
        this.stats.timedOut++;
        this.stats.failed++;
        p.reject(new Error(`Timeout waiting for register transaction ${p.id} message response.`));
      } else if (p.deadline < next) next = p.deadline;
    }
    if (next < Infinity) this.arm(next);
  }

  private remember(id: number): void {
    this.expired.add(id);
    if (this.expired.size > this.expiredKeep) this.expired.delete(this.expired.values().next().value as number);
  }

  /** A response frame (rogue `acceptFrame`). Never throws: unusable frames are logged and ignored. */
  acceptFrame(frame: Frame): void {
    const parsed = frame.error !== 0 ? ({ kind: 'ignore', warning: `Got errored frame = 0x${frame.error.toString(16)}` } as Parsed) : this.parse(frame.payload);
    if (parsed.kind === 'ignore') {
      this.stats.ignored++;
      this.logger?.warn(parsed.warning);
      return;
    }
    const p = this.waiting.get(parsed.id);
    if (p === undefined) {
      this.stats.ignored++;
      if (this.expired.has(parsed.id))
        this.logger?.warn(`Transaction expired: Id=${parsed.id} (increase root->timeout value if this ID matches a previous timeout message)`);
      else this.logger?.warn(`Failed to find transaction id=${parsed.id}`);
      return;
    }
    const result = parsed.check(p);
    if (result === null) {
      this.stats.ignored++;
      return; // rogue leaves the transaction waiting (SRPv0 bad length or header)
    }
    this.waiting.delete(p.id);
    // Transactions sent at or after this one get their timers restarted.
    const deadline = this.clock.now() + this.timeout * 1000;
    for (const q of this.waiting.values()) if (q.seq > p.seq && q.deadline < deadline) q.deadline = deadline;
    if (result instanceof Error) {
      this.stats.failed++;
      p.reject(result);
    } else {
      this.stats.completed++;
      p.resolve(result);
    }
  }

  /** Fails every transaction in flight with `message` (the link is being closed). */
  failAll(message: string): void {
    for (const p of this.waiting.values()) {
      this.stats.failed++;
      p.reject(new Error(message));
    }
    this.waiting.clear();
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  /** An error text when the protocol cannot address `address..+size`, else null. */
  protected checkAddress(_address: number, _size: number): string | null {
    return null;
  }
  protected abstract encode(id: number, type: number, address: number, size: number, data?: Uint8Array): Uint8Array;
  protected abstract parse(payload: Uint8Array): Parsed;
}

const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}
const hex8 = (v: number): string => v.toString(16).padStart(8, '0');

/** SRPv3 word 0 of a request of rogue type `type`. */
export function srpV3Word0(type: number, hwTimeout: number): number {
  const op = type === TX_WRITE ? 0x100 : type === TX_POST ? 0x200 : 0;
  return ((hwTimeout << 24) | op | 0x03) >>> 0;
}

/** rogue.protocols.srp.SrpV3: 20-byte header requests, responses = header echo + data + status. */
export class SrpV3 extends SrpBase {
  static readonly HEADER = 20;
  readonly maxAccess = 4096;
  /** Hardware timeout count in word 0 bits 31..24 (rogue `_setHardwareTimeout`). Default 0x0A. */
  hardwareTimeout = 0x0a;

  protected encode(id: number, type: number, address: number, size: number, data?: Uint8Array): Uint8Array {
    const isWrite = type === TX_WRITE || type === TX_POST;
    const b = new Uint8Array(20 + (isWrite ? size : 0));
    put32(b, 0, srpV3Word0(type, this.hardwareTimeout));
    put32(b, 4, id);
    put32(b, 8, address % 0x100000000);
    put32(b, 12, Math.floor(address / 0x100000000));
    put32(b, 16, size - 1);
    if (isWrite) b.set(data!.subarray(0, size), 20);
    return b;
  }

  protected parse(f: Uint8Array): Parsed {
    if (f.length < 24) return { kind: 'ignore', warning: `Got undersized frame size = ${f.length}` };
    const id = u32(f, 4);
    return {
      kind: 'match',
      id,
      check: (p) => {
        for (let i = 0; i < 20; i++) {
          // word 0 bits 13..10 are not compared
          const mask = i === 1 ? 0xc3 : 0xff;
          if ((f[i] & mask) !== (p.request[i] & mask))
            return new Error(`Received SRPV3 message did not match expected protocol. id=${id}, addr=0x${hex8(u32(f, 12))}${hex8(u32(f, 8))}`);
        }
        const tail = u32(f, f.length - 4);
        if (tail !== 0) {
          if (tail & 0x2000) return new Error('FPGA register bus lockup detected in hardware. Power cycle required.');
          if (tail & 0x0100) return new Error('FPGA register bus timeout detected in hardware');
          return new Error(`Non zero status message returned on fpga register bus in hardware: 0x${tail.toString(16)}`);
        }
        const expected = 24 + p.size;
        if (f.length !== expected)
          return new Error(
            `Received SRPV3 message had a header size mismatch. id=${id}, frameSize=${f.length}, expectedSize=${expected}, tranSize=${p.size}, headerSize=${u32(f, 16) + 1}`,
          );
        if (p.type === TX_WRITE) return p.request.subarray(20);
        return f.subarray(20, 20 + p.size);
      },
    };
  }
}

/** rogue.protocols.srp.SrpV0: 32-bit addresses, requests [id][address/4 | write bit 30][count−1 or data][0]. */
export class SrpV0 extends SrpBase {
  readonly maxAccess = 2048;

  protected override checkAddress(address: number, size: number): string | null {
    // rogue drops address bits above 31 silently; refusing them is safer than writing elsewhere.
    return address + size > 0x100000000 ? `Transaction address 0x${address.toString(16)} is beyond SRPv0's 32-bit address space` : null;
  }

  protected encode(id: number, type: number, address: number, size: number, data?: Uint8Array): Uint8Array {
    const isWrite = type === TX_WRITE || type === TX_POST;
    const b = new Uint8Array(isWrite ? size + 12 : 16);
    put32(b, 0, id);
    put32(b, 4, ((Math.floor(address / 4) & 0x3fffffff) | (isWrite ? 0x40000000 : 0)) >>> 0);
    if (isWrite) b.set(data!.subarray(0, size), 8);
    else put32(b, 8, size / 4 - 1);
    return b;
  }

  protected parse(f: Uint8Array): Parsed {
    if (f.length < 16) return { kind: 'ignore', warning: `Got undersized frame size = ${f.length}` };
    const id = u32(f, 0);
    return {
      kind: 'match',
      id,
      check: (p) => {
        if (f.length !== p.size + 12) {
          this.logger?.warn(`Bad receive length for ${id} exp=${p.size + 12}, got=${f.length}`);
          return null;
        }
        for (let i = 0; i < 8; i++)
          if (f[i] !== p.request[i]) {
            this.logger?.warn(`Bad header for ${id}`);
            return null;
          }
        const status = u32(f, f.length - 4);
        if (status !== 0) {
          if (status & 0x20000) return new Error('Axi bus timeout detected in hardware');
          if (status & 0x10000) return new Error('Axi bus returned fail status in hardware');
          // rogue prints the value in decimal after "0x"
          return new Error(`Non zero status message returned on axi bus in hardware: 0x${status}`);
        }
        if (p.type === TX_WRITE) return p.request.subarray(8, 8 + p.size);
        return f.subarray(8, 8 + p.size);
      },
    };
  }
}
