/**
 * Memory backends: what a RemoteVariable's block reads and writes.
 *
 * pyrogue maps devices onto a `rogue.interfaces.memory` slave (hardware, a TCP
 * bridge, or the in-process `Emulate` slave). Here a backend is any object with
 * async `read(address, size)` / `write(address, bytes)`; slow backends are
 * fine (the server keeps serving while a transaction is in flight).
 *
 * `minAccess` is rogue's `doMinAccess()`: the transaction granularity that
 * variables are aligned to (varBytes, block offsets and transaction ranges are
 * rounded to it). `rogue.interfaces.memory.Emulate(4, 0x1000)` answers 4.
 */

export interface MemoryBackend {
  /** Reads `size` bytes starting at `address`. Rejects (Error message = rogue's transaction error text) on failure. */
  read(address: number, size: number): Promise<Uint8Array>;
  /** Writes `data` at `address`. */
  write(address: number, data: Uint8Array): Promise<void>;
  /** Minimum transaction size in bytes (rogue `doMinAccess`); default 4. */
  readonly minAccess?: number;
  /** Maximum transaction size in bytes (rogue `doMaxAccess`); default 0xFFFFFFFF. */
  readonly maxAccess?: number;
  /**
   * Optional: one transaction of rogue type `type` (1 Read, 2 Write, 3 Post, 4 Verify).
   * When present, blocks call it instead of read/write, so a backend that forwards
   * transactions (the memory TCP bridge) keeps Post and Verify apart. Resolves with the
   * bytes read for Read/Verify.
   */
  transact?(type: number, address: number, size: number, data?: Uint8Array): Promise<Uint8Array | void>;
  /**
   * Optional, with `answersNow`: one transaction of rogue type `type` done at
   * once (no promise). Returns the bytes read for Read/Verify (anything for
   * Write/Post); throws (Error message = rogue's transaction error text) on
   * failure. Blocks call it only while `answersNow()` is true, instead of
   * read/write/transact, and then run the whole transaction without a promise.
   */
  transactNow?(type: number, address: number, size: number, data?: Uint8Array): Uint8Array;
  /** Optional: true when `transactNow` may be used for the next transaction (in-process memory without a delay). */
  answersNow?(): boolean;
}

/** rogue.interfaces.memory transaction types (`MemoryBackend.transact`'s `type`). */
export const TxType = { Read: 1, Write: 2, Post: 3, Verify: 4 } as const;
export type TxType = (typeof TxType)[keyof typeof TxType];

export interface EmulatedMemoryOptions {
  /** Minimum access size in bytes (rogue Emulate's first argument). Default 4. */
  minAccess?: number;
  /** Maximum access size in bytes (rogue Emulate's second argument). Default 0x1000. */
  maxAccess?: number;
  /** Page size of the sparse store. Default 0x1000. */
  pageSize?: number;
  /** Milliseconds every transaction waits before completing (tests of slow hardware). Default 0. */
  delayMs?: number;
  /** How many of the latest transactions `log` keeps (a long-running server must not grow). Default 1000. */
  maxLog?: number;
}

/**
 * An in-process memory space (rogue's `Emulate` slave) whose bytes all start
 * at zero, stored as sparse pages allocated on first write.
 */
export class EmulatedMemory implements MemoryBackend {
  readonly minAccess: number;
  readonly maxAccess: number;
  readonly pageSize: number;
  /** Milliseconds each transaction takes; may be changed at any time. */
  delayMs: number;
  private readonly pages = new Map<number, Uint8Array>();
  /** Transaction counters (handy in tests: block grouping shows in these). */
  readonly stats = { reads: 0, writes: 0, bytesRead: 0, bytesWritten: 0 };
  /** The latest transactions in order (at most `maxLog`): [kind, address, size]. Cleared by `clearLog()`. */
  readonly log: ['read' | 'write', number, number][] = [];
  readonly maxLog: number;

  constructor(options: EmulatedMemoryOptions = {}) {
    this.minAccess = options.minAccess ?? 4;
    this.maxAccess = options.maxAccess ?? 0x1000;
    this.pageSize = options.pageSize ?? 0x1000;
    this.delayMs = options.delayMs ?? 0;
    this.maxLog = options.maxLog ?? 1000;
  }

  private record(kind: 'read' | 'write', address: number, size: number): void {
    this.log.push([kind, address, size]);
    // Trim in batches so recording stays O(1) amortised.
    if (this.log.length >= 2 * this.maxLog) this.log.splice(0, this.log.length - this.maxLog);
  }

  async read(address: number, size: number): Promise<Uint8Array> {
    this.stats.reads++;
    this.stats.bytesRead += size;
    this.record('read', address, size);
    await this.delay();
    return this.peek(address, size);
  }

  async write(address: number, data: Uint8Array): Promise<void> {
    this.stats.writes++;
    this.stats.bytesWritten += data.length;
    this.record('write', address, data.length);
    // Copy now: the caller may reuse its buffer while we wait.
    const copy = Uint8Array.from(data);
    await this.delay();
    this.poke(address, copy);
  }

  /**
   * True when transactions complete at once: no `delayMs`, and `read`/`write`
   * are this class's own and there is no `transact` (a subclass or an
   * instance that replaces them, to inject faults or log, keeps the
   * asynchronous path through them).
   */
  answersNow(): boolean {
    return (
      this.delayMs <= 0 &&
      this.read === EmulatedMemory.prototype.read &&
      this.write === EmulatedMemory.prototype.write &&
      (this as MemoryBackend).transact === undefined
    );
  }

  /** One transaction at once, counted and logged as `read`/`write` do (see MemoryBackend.transactNow). */
  transactNow(type: number, address: number, size: number, data?: Uint8Array): Uint8Array {
    if (type === TxType.Write || type === TxType.Post) {
      const bytes = data ?? new Uint8Array(size);
      this.stats.writes++;
      this.stats.bytesWritten += bytes.length;
      this.record('write', address, bytes.length);
      this.poke(address, bytes);
      return bytes;
    }
    this.stats.reads++;
    this.stats.bytesRead += size;
    this.record('read', address, size);
    return this.peek(address, size);
  }

  /** Synchronous read of the current contents (no delay, not counted). */
  peek(address: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const a = address + done;
      const pageNo = Math.floor(a / this.pageSize);
      const inPage = a - pageNo * this.pageSize;
      const n = Math.min(this.pageSize - inPage, size - done);
      const page = this.pages.get(pageNo);
      if (page) out.set(page.subarray(inPage, inPage + n), done);
      done += n;
    }
    return out;
  }

  /** Synchronous write (no delay, not counted). */
  poke(address: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const a = address + done;
      const pageNo = Math.floor(a / this.pageSize);
      const inPage = a - pageNo * this.pageSize;
      const n = Math.min(this.pageSize - inPage, data.length - done);
      let page = this.pages.get(pageNo);
      if (!page) {
        page = new Uint8Array(this.pageSize);
        this.pages.set(pageNo, page);
      }
      page.set(data.subarray(done, done + n), inPage);
      done += n;
    }
  }

  /** Number of allocated pages (sparse store). */
  get allocatedPages(): number {
    return this.pages.size;
  }

  clearLog(): void {
    this.log.length = 0;
  }

  private delay(): Promise<void> {
    return this.delayMs > 0 ? new Promise((r) => setTimeout(r, this.delayMs)) : Promise.resolve();
  }
}
