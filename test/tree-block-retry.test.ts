/**
 * rogue's transaction loop (Block.startTransaction): a failed check is
 * retried `retryCount` times with the write forced, the last failure is
 * raised, and the loop gives the same transactions, values and
 * notifications whether its steps run at once (memory that answers at once)
 * or through the block's lock (memory that answers later).
 */
import { Block, MemVariable, TxType } from '../src/tree/block';
import type { MemoryBackend } from '../src/tree/memory';
import * as M from '../src/tree/model';
import type { MaybePromise } from '../src/tree/surface';
import { isPromiseLike } from '../src/tree/surface';

type Op = 'read' | 'readNoCheck' | 'write' | 'writeNoCheck' | 'verify';

/** Memory of 64 bytes whose transactions numbered in `failures` (from 1) fail; `now`: it answers at once. */
function faultyMemory(now: boolean, failures: number[]): { memory: MemoryBackend; log: [number, number, number, number[] | null][] } {
  const log: [number, number, number, number[] | null][] = [];
  const data = new Uint8Array(64);
  let n = 0;
  const one = (type: number, address: number, size: number, bytes?: Uint8Array): Uint8Array => {
    n++;
    log.push([type, address, size, bytes ? [...bytes] : null]);
    if (failures.includes(n)) throw new Error(`fail ${n}`);
    if (bytes) {
      data.set(bytes, address);
      return new Uint8Array(0);
    }
    return data.slice(address, address + size);
  };
  const memory: MemoryBackend = {
    minAccess: 4,
    read: (a, s) => Promise.resolve().then(() => one(1, a, s)),
    write: (a, b) => Promise.resolve().then(() => void one(2, a, b.length, b)),
    transact: (t, a, s, d) => Promise.resolve().then(() => one(t, a, s, d)),
    ...(now ? { transactNow: one, answersNow: () => true } : {}),
  };
  return { memory, log };
}

async function run(now: boolean, failures: number[], retryCount: number, op: Op) {
  const { memory, log } = faultyMemory(now, failures);
  const updates: number[] = [];
  const v = new MemVariable({
    name: 'V',
    path: () => 'Root.V',
    mode: 'RW',
    minimum: 0n,
    maximum: 0xffffffffn,
    offset: 0,
    bitOffset: [0],
    bitSize: [32],
    overlapEn: false,
    verifyEn: true,
    bulkEn: true,
    updateNotify: true,
    model: M.UInt(32),
    numValues: 0,
    valueBits: 0,
    valueStride: 0,
    retryCount,
    onUpdate: () => updates.push(log.length),
  });
  const b = new Block({ offset: 0, size: 4, memory, baseAddress: 0 });
  b.addVariables([v]);
  let r: MaybePromise<void>;
  try {
    if (op === 'write' || op === 'writeNoCheck') {
      v.setValue(0x1234n);
      r = b.startTransactionMaybeSync(TxType.Write, op === 'write', op === 'write', v);
    } else if (op === 'verify') {
      v.setValue(0x55n);
      await b.startTransaction(TxType.Write, true, false, v);
      r = b.startTransactionMaybeSync(TxType.Verify, false, true, v);
    } else r = b.startTransactionMaybeSync(TxType.Read, false, op === 'read', v);
    const later = isPromiseLike(r);
    await r;
    return { later, log, updates, value: v.getValue() };
  } catch (e) {
    return { error: (e as Error).message, log, updates };
  }
}

describe('the transaction loop', () => {
  test('a failed check is retried with the write forced; the last failure is raised', async () => {
    // retryCount 2: three attempts; the first two fail
    const w = await run(true, [1, 2], 2, 'write');
    expect(w.later).toBe(false);
    expect(w.log).toEqual([
      [TxType.Write, 0, 4, [0x34, 0x12, 0, 0]],
      [TxType.Write, 0, 4, [0x34, 0x12, 0, 0]],
      [TxType.Write, 0, 4, [0x34, 0x12, 0, 0]],
    ]);
    expect(w.updates).toEqual([3]);
    // the retry forces the write: the block is no longer stale after the first attempt
    expect((await run(true, [1], 1, 'writeNoCheck')).log).toHaveLength(2);
    expect((await run(false, [1], 1, 'writeNoCheck')).log).toHaveLength(2);
    // retryCount 1: two attempts, both fail
    const r = await run(true, [1, 2], 1, 'read');
    expect(r.error).toBe('Block::checkTransaction: General Error: Transaction error for block Root.V with address 0x00000000. Error fail 2');
    expect(r.log).toHaveLength(2);
    expect(r.updates).toEqual([]);
    // no retries: the first failure is raised
    expect((await run(true, [1], 0, 'read')).error).toMatch(/Error fail 1$/);
    // retries check even an unchecked transaction, and notify
    const u = await run(true, [], 1, 'readNoCheck');
    expect(u.updates).toEqual([1]);
    expect((await run(true, [], 0, 'readNoCheck')).updates).toEqual([]);
  });

  test('at once and through the lock give the same transactions, values, errors and notifications', async () => {
    const ops: Op[] = ['read', 'readNoCheck', 'write', 'writeNoCheck', 'verify'];
    let cases = 0;
    for (const failures of [[], [1], [2], [1, 2], [1, 2, 3]])
      for (const retryCount of [0, 1, 2])
        for (const op of ops) {
          const now = await run(true, failures, retryCount, op);
          const later = await run(false, failures, retryCount, op);
          if (!('error' in now)) expect(now.later).toBe(false);
          if (!('error' in later)) expect(later.later).toBe(true);
          expect({ ...later, later: undefined }).toEqual({ ...now, later: undefined });
          cases++;
        }
    expect(cases).toBe(75);
  });
});
