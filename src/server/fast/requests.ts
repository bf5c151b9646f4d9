/**
 * The binary port for requests sent again and again, on top of the plain
 * `BinaryPort` (../dispatch.ts) and answering byte for byte as it does.
 *
 * A client polls: it sends the same bytes (`{'path': 'Root.X', 'attr':
 * 'value', 'args': (), 'kwargs': {}}`) many times. A request in that plain
 * form is remembered by its bytes, and three things are kept with it. Each
 * rests on one fact, stated here and checked where it is kept:
 *
 * 1. Its decoded fields. `pickle.loads` is a function of the bytes, and what
 *    is kept of its result cannot change: the path and attribute strings, a
 *    frozen array of immutable scalars for `args`; `kwargs` is empty and a
 *    fresh dict is made for each call (`plainRequest` accepts nothing else).
 *    The request's bytes are compared in full, not only their hash.
 * 2. The method it resolved to (`KeptTarget`). `getNode(path)` and a method
 *    of the node's class resolve to the same call for as long as the root's
 *    `structureEpoch()` is unchanged (RootSurface); only a callable that is
 *    the attribute itself and says it is a class method (`PyCallable.method`)
 *    is kept, and only from a root that has the epoch. With it, the call with
 *    its arguments bound (`PyCallable.prepare`, which binds only immutable
 *    scalars and hands methods the binding read-only).
 * 3. Its last reply. A pickle depends only on the value and the protocol,
 *    and the protocol is fixed per request: a result that matches the
 *    snapshot of the last one (src/py/snapshot.ts: same type, same contents;
 *    an array by dtype, shape, order and bytes; NaN never) is answered with
 *    the bytes that result was pickled to.
 *
 * Anything else (other forms, large requests, errors of decoding) goes to
 * the plain port as it is. docs/decisions/0005, 0007–0010 give the figures.
 */
import { snapshotOf, type ValueSnapshot } from '../../py/snapshot';
import { isImmutableScalar, PyDict, PyTuple, type PyValue } from '../../py/values';
import { isPromiseLike, type MaybePromise, type PyCallable, type RootSurface } from '../../tree/surface';
import { resolveOperation, type BinaryPort, type RequestPort } from '../dispatch';

/** Reply bytes kept per remembered request up to this size (a 64-element float64 array's reply is about 600). */
const REPLY_MEMO_MAX_BYTES = 2048;
/** Requests up to this size are remembered by their bytes. */
const PLAIN_MAX_BYTES = 512;
/** Remembered requests; beyond it the memory starts over. */
const PLAIN_MAX_ENTRIES = 4096;
/** Remembered requests with one hash, at most: more (a client crafting collisions) are decoded every time. */
const PLAIN_MAX_PER_HASH = 4;

/**
 * A 32-bit hash of a request's bytes, to find it among the remembered ones
 * (FNV-1a's prime, a 32-bit word at a time, with a shift to mix the high
 * bits down). Equal hashes are then told apart by the bytes themselves.
 * Hashing the bytes here costs a third of making a latin1 string of them
 * and hashing that.
 */
export function requestHash(d: Uint8Array): number {
  let h = 0x811c9dc5 | 0;
  const n = d.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    h ^= d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24);
    h = Math.imul(h, 0x01000193);
    h ^= h >>> 15;
  }
  for (; i < n; i++) {
    h ^= d[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The method a request resolved to (fact 2). */
interface KeptTarget {
  readonly fn: PyCallable;
  readonly positional: readonly PyValue[];
  /** The root's structureEpoch when it was resolved. */
  readonly epoch: number;
  /** The call with its arguments bound (PyCallable.prepare), when the binding can be reused. */
  readonly run: (() => MaybePromise<PyValue>) | null;
}

/** A request in the plain form, decoded once (fact 1), with what it resolved to (fact 2) and its last reply (fact 3). */
interface PlainRequest {
  /** The request's bytes (its own copy). */
  readonly bytes: Buffer;
  readonly path: string;
  readonly attr: string | null;
  readonly args: PyTuple;
  readonly protocol: number;
  target?: KeptTarget;
  lastResult?: ValueSnapshot;
  lastReply?: Uint8Array;
}

/** The PlainRequest of a decoded request, or null when it has another form. */
function plainRequest(d: PyValue, protocol: number, data: Uint8Array): PlainRequest | null {
  if (!(d instanceof PyDict) || d.size !== 4) return null;
  const path = d.get('path');
  const attr = d.get('attr');
  const args = d.get('args');
  const kwargs = d.get('kwargs');
  if (typeof path !== 'string' || (typeof attr !== 'string' && attr !== null)) return null;
  if (!(args instanceof PyTuple) || !args.items.every(isImmutableScalar)) return null;
  if (!(kwargs instanceof PyDict) || kwargs.size !== 0) return null;
  // its own small buffer: the frame may be a slice of a larger one
  const bytes = Buffer.allocUnsafeSlow(data.length);
  bytes.set(data);
  return { bytes, path, attr, args: new PyTuple(Object.freeze([...args.items])), protocol };
}

/** The call of `fn` with these arguments, bound once (PyCallable.prepare), or null: none, or they do not bind (the call itself then raises). */
function prepared(fn: PyCallable, positional: readonly PyValue[]): (() => MaybePromise<PyValue>) | null {
  if (fn.prepare === undefined) return null;
  try {
    return fn.prepare(positional);
  } catch {
    return null;
  }
}

/** The base+1 port with requests sent again answered from what they kept (see the module comment). */
export class FastBinaryPort implements RequestPort {
  /** Plain requests by the hash of their bytes (requestHash). */
  private readonly plain = new Map<number, PlainRequest[]>();
  private plainCount = 0;

  constructor(
    private readonly core: BinaryPort,
    private readonly root: RootSurface,
  ) {}

  handle(body: readonly Uint8Array[]): MaybePromise<Uint8Array> {
    return this.handleFrames(body, 0);
  }

  handleFrames(frames: readonly Uint8Array[], start: number): MaybePromise<Uint8Array> {
    return frames.length - start === 1 ? this.handleBytes(frames[start]) : this.core.handleFrames(frames, start);
  }

  handleBytes(data: Uint8Array): MaybePromise<Uint8Array> {
    if (data.length === 0 || data.length > PLAIN_MAX_BYTES) return this.core.handleBytes(data);
    const hash = requestHash(data);
    let known = this.findPlain(hash, data);
    if (known === undefined) {
      const core = this.core;
      let request: { value: PyValue; protocol: number };
      try {
        request = core.decode(data);
      } catch (e) {
        return core.exception(e, core.protocolFor(undefined));
      }
      const plain = plainRequest(request.value, request.protocol, data);
      if (plain === null) return core.answer(request.value, request.protocol);
      this.rememberPlain(hash, plain);
      known = plain;
    }
    return this.handlePlain(known);
  }

  private findPlain(hash: number, data: Uint8Array): PlainRequest | undefined {
    const same = this.plain.get(hash);
    if (same === undefined) return undefined;
    for (const p of same) if (p.bytes.equals(data)) return p;
    return undefined;
  }

  private rememberPlain(hash: number, plain: PlainRequest): void {
    if (this.plainCount >= PLAIN_MAX_ENTRIES) {
      this.plain.clear();
      this.plainCount = 0;
    }
    const same = this.plain.get(hash);
    if (same === undefined) this.plain.set(hash, [plain]);
    else if (same.length < PLAIN_MAX_PER_HASH) same.push(plain);
    else return;
    this.plainCount++;
  }

  /** A PlainRequest: run, then the reply, the same bytes again when the result matches the last one's snapshot (fact 3). */
  private handlePlain(known: PlainRequest): MaybePromise<Uint8Array> {
    const core = this.core;
    const protocol = known.protocol;
    let result: MaybePromise<PyValue>;
    try {
      result = this.run(known);
    } catch (e) {
      return core.exception(e, protocol);
    }
    if (isPromiseLike(result)) return core.settle(result, protocol);
    if (known.lastReply !== undefined && known.lastResult !== undefined && known.lastResult.matches(result)) return known.lastReply;
    const out = core.reply(result, protocol);
    const snapshot = out.length <= REPLY_MEMO_MAX_BYTES ? snapshotOf(result) : null;
    if (snapshot !== null) {
      // its own small buffer: a slice of Buffer's shared pool would keep the whole pool alive
      const kept = Buffer.allocUnsafeSlow(out.length);
      kept.set(out);
      known.lastResult = snapshot;
      known.lastReply = kept;
    }
    return out;
  }

  /** `_doOperation` of a PlainRequest: through its kept target while the epoch is unchanged, else resolved afresh (and kept, fact 2). */
  private run(known: PlainRequest): MaybePromise<PyValue> {
    const epoch = this.root.structureEpoch?.();
    const target = known.target;
    if (target !== undefined && target.epoch === epoch) {
      if (target.run !== null) return target.run();
      // a fresh argument list and kwargs dict per call, as a fresh decode would give
      return target.fn.call(target.positional.slice(), new PyDict());
    }
    const r = resolveOperation(this.root, { path: known.path, attr: known.attr, args: known.args, kwargs: new PyDict() });
    if (r.fn === null) return r.value;
    if (epoch !== undefined && r.direct && r.fn.method === true) {
      known.target = { fn: r.fn, positional: Object.freeze(r.args.slice()), epoch, run: prepared(r.fn, r.args) };
    }
    return r.fn.call(r.args, r.kwargs);
  }
}
