/**
 * SRP hardware in software: the register side of an SRP link, answering requests from a
 * memory. `SrpV3Emulation` behaves as rogue's `srp.SrpV3Emulation` (requests it cannot
 * serve are ignored without a response; posted writes get none; reads and writes are
 * answered with the request header echoed, the data, and a zero status word), except that
 * memory starts zeroed (rogue's pages hold whatever malloc returned) and, with a `size`, an
 * access beyond it is answered with status 0x3 (the AXI DECERR response code in the status
 * word's low byte; a choice: rogue's emulation has no bound). Writes allocate the sparse
 * memory's 4 KiB pages: a write that would take more than `maxMemory` bytes of them is
 * answered with the same status and changes nothing (rogue's grows without bound).
 * `SrpV0Emulation` answers SRPv0 requests the same way (status bit 16, "fail").
 */
import { Frame } from '../../stream/frame';
import { StreamMaster, type StreamSlave } from '../../stream/master';
import { EmulatedMemory } from '../../tree/memory';

/** What the emulations read and write: EmulatedMemory's synchronous peek/poke. */
export interface RegisterMemory {
  peek(address: number, size: number): Uint8Array;
  poke(address: number, data: Uint8Array): void;
}

export interface SrpEmulationOptions {
  /** The registers. Default a fresh EmulatedMemory (zeroed, sparse). */
  memory?: RegisterMemory;
  /** Bytes of address space; an access reaching beyond gets an error status. Default unbounded. */
  size?: number;
  /** Bytes of distinct 4 KiB pages writes may touch (what a sparse memory allocates); a write needing more gets an error status. Default 256 MiB. */
  maxMemory?: number;
}

/** The page size writes are counted in (EmulatedMemory's default page). */
const PAGE = 0x1000;
/** Default `maxMemory`: 256 MiB. */
export const DEFAULT_MAX_MEMORY = 256 * 1024 * 1024;

/** Status word for an access beyond `size` (SRPv3: AXI DECERR code 3). */
export const SRPV3_OUT_OF_RANGE = 0x3;
/** Status word for an access beyond `size` (SRPv0: bit 16, "Axi bus returned fail status"). */
export const SRPV0_OUT_OF_RANGE = 0x10000;

const u32 = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

abstract class Emulation extends StreamMaster implements StreamSlave {
  readonly memory: RegisterMemory;
  readonly size: number;
  readonly maxMemory: number;
  /** Accesses answered with the error status: beyond `size` (outOfRange), or writes beyond `maxMemory` (memoryFull). */
  readonly stats = { reads: 0, writes: 0, posts: 0, ignored: 0, outOfRange: 0, memoryFull: 0 };
  private readonly pagesWritten = new Set<number>();

  constructor(opts: SrpEmulationOptions = {}) {
    super({ maxPending: 1 << 16 });
    this.memory = opts.memory ?? new EmulatedMemory();
    this.size = opts.size ?? Infinity;
    this.maxMemory = opts.maxMemory ?? DEFAULT_MAX_MEMORY;
  }

  acceptFrame(frame: Frame): void | Promise<void> {
    if (frame.error !== 0) {
      this.stats.ignored++;
      return;
    }
    const rsp = this.process(frame.payload);
    if (rsp === null) return;
    return this.sendFrame(new Frame(rsp));
  }

  /** Whether an access is served: within `size`, and for a write, within `maxMemory` (its new pages then counted). */
  protected allowed(address: number, size: number, write: boolean): boolean {
    if (address + size > this.size) {
      this.stats.outOfRange++;
      return false;
    }
    if (!write) return true;
    const first = Math.floor(address / PAGE);
    const last = Math.floor((address + size - 1) / PAGE);
    let fresh = 0;
    for (let p = first; p <= last; p++) if (!this.pagesWritten.has(p)) fresh++;
    if (fresh === 0) return true;
    if ((this.pagesWritten.size + fresh) * PAGE > this.maxMemory) {
      this.stats.memoryFull++;
      return false;
    }
    for (let p = first; p <= last; p++) this.pagesWritten.add(p);
    return true;
  }

  /** The response to one request, or null (ignored, or a posted write). */
  protected abstract process(req: Uint8Array): Uint8Array | null;
}

export class SrpV3Emulation extends Emulation {
  protected process(r: Uint8Array): Uint8Array | null {
    if (r.length < 20 || r[0] !== 0x03) {
      this.stats.ignored++;
      return null;
    }
    const op = (r[1] & 0x03) as 0 | 1 | 2 | 3;
    const size = u32(r, 16) + 1;
    if (op === 3 || size < 4 || size > 4096 || size % 4 !== 0 || (op !== 0 && r.length < 20 + size)) {
      this.stats.ignored++;
      return null;
    }
    const address = u32(r, 8) + u32(r, 12) * 0x100000000;
    const ok = this.allowed(address, size, op === 1 || op === 2);
    if (op === 1 || op === 2) {
      if (ok) this.memory.poke(address, r.slice(20, 20 + size));
      if (op === 2) {
        this.stats.posts++;
        return null;
      }
      this.stats.writes++;
    } else this.stats.reads++;
    const rsp = new Uint8Array(24 + size);
    rsp.set(r.subarray(0, 20), 0);
    if (ok) rsp.set(this.memory.peek(address, size), 20);
    else rsp[20 + size] = SRPV3_OUT_OF_RANGE;
    return rsp;
  }
}

export class SrpV0Emulation extends Emulation {
  protected process(r: Uint8Array): Uint8Array | null {
    if (r.length < 16 || r.length % 4 !== 0) {
      this.stats.ignored++;
      return null;
    }
    const word1 = u32(r, 4);
    const write = (word1 & 0x40000000) !== 0;
    const address = (word1 & 0x3fffffff) * 4;
    const size = write ? r.length - 12 : (u32(r, 8) + 1) * 4;
    if (size > 2048 || (!write && r.length !== 16)) {
      this.stats.ignored++;
      return null;
    }
    const ok = this.allowed(address, size, write);
    if (write) {
      this.stats.writes++;
      if (ok) this.memory.poke(address, r.slice(8, 8 + size));
    } else this.stats.reads++;
    const rsp = new Uint8Array(size + 12);
    rsp.set(r.subarray(0, 8), 0);
    if (ok) rsp.set(this.memory.peek(address, size), 8);
    else {
      rsp[size + 8 + 2] = 0x01; // bit 16
    }
    return rsp;
  }
}
