/**
 * Tree-side transactions: the interface a variable's value holder exposes to
 * the Device transaction methods (readBlocks/writeBlocks/verifyBlocks/
 * checkBlocks) — pyrogue's Block/LocalBlock contract — plus small helpers to
 * run code that may or may not be async.
 *
 * EXTENSION POINT (memory layer): a RemoteVariable's block (src/tree/block.ts)
 * is wrapped/adapted to `TreeBlock`: `startTransaction` talks to memory;
 * `checkTransaction` waits for it (rejecting with rogue's error) and then
 * queues updates for its variables with `v._queueUpdate()`. A Device
 * registers blocks by overriding `Device._buildBlocks()` (call super to keep
 * the local blocks, then push yours onto `this._blocks`).
 */
import type { MaybePromise } from './surface';
import type { BaseVariable } from './variable';
import { isPromiseLike } from './surface';

export type { MaybePromise };
export type TransactionType = 'read' | 'write' | 'verify' | 'post';

export interface TransactionOptions {
  /** write even when not stale (pyrogue forceWr) */
  force?: boolean;
  checkEach?: boolean;
  /** restrict to one variable of the block */
  variable?: BaseVariable | null;
  index?: number;
}

export interface TreeBlock {
  /** variables whose values live in this block */
  readonly variables: readonly BaseVariable[];
  /** false when the owning device is disabled: transactions are skipped */
  enable: boolean;
  /** included in bulk operations (ReadAll/WriteAll/readBlocks without a variable) */
  readonly bulkOpEn: boolean;
  startTransaction(type: TransactionType, opts: TransactionOptions): MaybePromise<void>;
  /** Completes the last transaction (throws rogue's error) and queues updates for the block's variables. */
  checkTransaction(): MaybePromise<void>;
}

/** Runs `f` after `x` (sync when `x` is sync). */
export function then<T, U>(x: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  if (isPromiseLike(x)) return x.then(f);
  return f(x);
}

/** Runs the functions in order, staying sync while they are. */
export function seq(fs: (() => MaybePromise<unknown>)[]): MaybePromise<void> {
  for (let i = 0; i < fs.length; i++) {
    const r = fs[i]();
    if (isPromiseLike(r)) {
      return r.then(() => seq(fs.slice(i + 1)));
    }
  }
  return undefined;
}
