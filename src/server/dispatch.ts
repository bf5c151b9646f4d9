/**
 * The binary request/reply port (base+1), sans I/O: request bytes in, reply
 * bytes out. Semantics of pyrogue v6.15.0 `ZmqServer._doRequest` /
 * `_doOperation` (docs/protocol.md "Requests on base+1"):
 *
 *     d = pickle.loads(data)
 *     path/attr/args/kwargs = d[k] if k in d else None/None/()/{}
 *     if path == "__ROOT__": return root
 *     node = root.getNode(path);  None -> None
 *     nAttr = getattr(node, attr); None -> None; callable -> nAttr(*args, **kwargs); else nAttr
 *     reply pickle.dumps(result)
 *   on any exception: pickle.dumps(Exception(f"{module}.{qualname}: {e}"))
 *
 * Differences from pyrogue, all in the direction of "a client always gets an
 * answer": empty and multipart requests, which wedge pyrogue's REP socket,
 * get an exception reply; a reply that cannot be pickled gets an exception
 * reply (never an empty frame); the codec failing on the exception itself
 * falls back to a hand-built pickle.
 */
import { PyError, PyTypeError, wireText } from '../py/errors';
import { isImmutableScalar, PyDict, PyGlobal, PyObject, PyTuple, PyValue, typeName } from '../py/values';
import { builtinTypeCall } from '../py/builtins';
import { snapshotOf, type ValueSnapshot } from '../py/snapshot';
import { isPromiseLike, isPyCallable, type MaybePromise, type PyAttrSurface, type PyCallable, type RootSurface } from '../tree/surface';
import { defaultCodec, fallbackExceptionPickle, type PickleCodec } from './codec';
import { pyContains, requestFields, starArgs, starKwargs, type RequestFields } from './pyops';

/** Python's EOFError (what `pickle.loads(b'')` raises). */
class PyEOFError extends PyError {
  constructor(message: string) {
    super('builtins', 'EOFError', message);
  }
}

/**
 * `root.getNode(path)` for any request value. pyrogue's getNode starts with
 * `'.' in path`, so a path that is not a str fails (None, numbers) or is
 * simply not found (containers), as in Python.
 */
export function resolveNode(root: RootSurface, path: PyValue): PyAttrSurface | null {
  if (typeof path === 'string') return root.getNode(path);
  if (pyContains(path, '.')) return null; // a container holding '.': pyrogue would then fail on path.split
  return null;
}

/** `getattr(node, attr)`: attr must be a str. */
export function getAttr(node: PyAttrSurface, attr: PyValue): ReturnType<PyAttrSurface['pyGetAttr']> {
  if (typeof attr !== 'string') throw new PyTypeError(`attribute name must be string, not '${typeName(attr)}'`);
  return node.pyGetAttr(attr);
}

/**
 * pyrogue's `_doOperation` on an already decoded request, without waiting
 * where nothing has to be waited for: returns the result, or a promise of it
 * when the operation is asynchronous (an async command, a slow memory
 * transaction); throws (or rejects with) the (Py)Error Python would raise.
 */
export function dispatchOperationNow(root: RootSurface, d: PyValue): MaybePromise<PyValue> {
  return dispatchFields(root, requestFields(d));
}

/**
 * `dispatchOperationNow` on the request's fields. `resolved`, when given, is
 * told the callable and positional arguments, just before the call, when the
 * attribute is itself a callable (a method of the node's class): not for
 * plain values, which can change, nor for what a value makes callable (a type,
 * a command node returned by a property).
 */
function dispatchFields(root: RootSurface, f: RequestFields, resolved?: (fn: PyCallable, positional: PyValue[]) => void): MaybePromise<PyValue> {
  if (f.path === '__ROOT__') return root as unknown as PyValue;
  const node = resolveNode(root, f.path);
  if (node === null) return null;
  const nAttr = getAttr(node, f.attr);
  if (nAttr === null || nAttr === undefined) return null;
  const fn = callableOf(nAttr);
  if (fn) {
    const positional = starArgs(fn, f.args);
    const keywords = starKwargs(fn, f.kwargs);
    if (fn === nAttr) resolved?.(fn, positional);
    return fn.call(positional, keywords);
  }
  return nAttr as PyValue; // not callable: a plain value
}

/**
 * pyrogue's `_doOperation` on an already decoded request. Resolves to the
 * result; rejects with the (Py)Error Python would raise.
 */
export async function dispatchOperation(root: RootSurface, d: PyValue): Promise<PyValue> {
  return await dispatchOperationNow(root, d);
}

/**
 * Python's `callable(x)` and what calling x runs: a PyCallable itself, or an
 * object (a tree node, e.g. a child command reached as `getattr(device,
 * 'MyCommand')`) whose class has `__call__`. pyrogue then executes the
 * command (docs/protocol.md "Requests on base+1" note); other nodes are returned as they are.
 */
export function callableOf(v: unknown): PyCallable | null {
  if (isPyCallable(v)) return v;
  // a type is callable too: pyrogue answers `nativeType` with int() = 0, str() = ''
  if (v instanceof PyGlobal) {
    const call = builtinTypeCall(v);
    return call ? { kind: 'callable', qualname: v.name, call } : null;
  }
  if (typeof v !== 'object' || v === null || typeof (v as PyAttrSurface).pyGetAttr !== 'function') return null;
  let c: unknown;
  try {
    c = (v as PyAttrSurface).pyGetAttr('__call__');
  } catch (e) {
    if (e instanceof PyError && e.pyName === 'AttributeError') return null;
    throw e;
  }
  return isPyCallable(c) ? c : null;
}

export interface BinaryPortOptions {
  codec?: PickleCodec;
  /**
   * Protocol of success and exception replies. Default 4: what pyrogue
   * v6.15.0 does (`pickle.dumps(resp)`, Python's default protocol, whatever
   * the request used: golden transcript err:proto0/proto2/proto5 replies all
   * start 80 04). 'request': the request's own protocol clamped to 2..5 (4
   * when undecodable) — note protocol 2 then writes Python-2 names
   * (`exceptions.Exception`), which differs from pyrogue in canonical form.
   */
  replyProtocol?: 'request' | 2 | 3 | 4 | 5;
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

/** Reply bytes kept per PlainRequest up to this size (a 64-element float64 array's reply is about 600). */
const REPLY_MEMO_MAX_BYTES = 2048;
/** Requests up to this size are remembered by their bytes (PlainRequest). */
const PLAIN_MAX_BYTES = 512;
/** Remembered requests; beyond it the cache starts over. */
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

/**
 * A request in the form every client sends, `{'path': str, 'attr': str|None,
 * 'args': (scalars...), 'kwargs': {}}`, decoded once. Only immutable parts
 * are kept (the tuple of None/bool/int/float/str is never changed; a fresh
 * kwargs dict is made for each call), so running it again is running a fresh
 * decode of the same bytes.
 */
interface PlainRequest {
  /** The request's bytes (its own copy). */
  bytes: Buffer;
  path: string;
  attr: string | null;
  args: PyTuple;
  protocol: number;
  /**
   * A snapshot of the last result of this request (a scalar or an NdArray,
   * src/py/snapshot.ts) and its reply bytes. A pickle depends only on the
   * value and the protocol, which is fixed per request, so a result that
   * matches the snapshot (same type and contents: 1 is not 1.0 is not True,
   * -0.0 is not 0.0, an array compared by dtype, shape, order and bytes; NaN
   * never) is answered with the same bytes: a value polled again without
   * change is not pickled again.
   */
  lastResult?: ValueSnapshot;
  lastReply?: Uint8Array;
  /**
   * The callable and positional arguments the request resolved to, and the
   * root's structureEpoch then: while the epoch is unchanged the path and the
   * attribute resolve to the same callable (a node's members are per class,
   * its children change only when nodes are added), so the call is made
   * without walking the path again. Only an attribute that is itself a
   * callable (a method of the node's class) is kept; errors, values and what
   * a value makes callable are resolved every time. `run`: the call with its
   * arguments already bound (PyCallable.prepare), when the binding can be
   * reused.
   */
  target?: { fn: PyCallable; positional: readonly PyValue[]; epoch: number; run: (() => MaybePromise<PyValue>) | null };
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
  return { bytes, path, attr, args, protocol };
}

/** The base+1 port: request frames → reply bytes. Never throws, never returns an empty reply. */
export class BinaryPort {
  private readonly codec: PickleCodec;
  private readonly replyProtocol: 'request' | number;
  /** Plain requests by the hash of their bytes (requestHash): a request sent again is not decoded again. */
  private readonly plain = new Map<number, PlainRequest[]>();
  private plainCount = 0;

  constructor(
    private readonly root: RootSurface,
    options: BinaryPortOptions = {},
  ) {
    this.codec = options.codec ?? defaultCodec;
    this.replyProtocol = options.replyProtocol ?? 4;
  }

  /**
   * One request (the body frames of one message, normally exactly one) → the
   * reply frame: at once when the operation is synchronous (the common case),
   * else a promise of it. The promise never rejects.
   */
  handle(body: readonly Uint8Array[]): MaybePromise<Uint8Array> {
    return this.handleFrames(body, 0);
  }

  /** `handle(frames.slice(start))` without the copy: the receive loop's form (the envelope before `start`). */
  handleFrames(frames: readonly Uint8Array[], start: number): MaybePromise<Uint8Array> {
    const n = frames.length - start;
    if (n > 1) return this.exception(new PyError('builtins', 'ValueError', `a request must be a single frame, got ${n} frames`), 4);
    return this.handleBytes(n === 1 ? frames[start] : new Uint8Array(0));
  }

  /** One single-frame request → the reply frame (at once, or a promise that never rejects). */
  handleBytes(data: Uint8Array): MaybePromise<Uint8Array> {
    const hash = data.length > 0 && data.length <= PLAIN_MAX_BYTES ? requestHash(data) : null;
    let known = hash === null ? undefined : this.findPlain(hash, data);
    if (known === undefined) {
      let request: PyValue;
      let protocol: number;
      try {
        if (data.length === 0) throw new PyEOFError('Ran out of input');
        const decoded = this.codec.decode(data);
        request = decoded.value;
        protocol = this.protocolFor(decoded.protocol);
      } catch (e) {
        return this.exception(e, this.protocolFor(undefined));
      }
      const plain = hash === null ? null : plainRequest(request, protocol, data);
      if (plain === null || hash === null) return this.handleGeneral(request, protocol);
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

  /** A decoded request of any form: `_doOperation`, then the reply. */
  private handleGeneral(request: PyValue, protocol: number): MaybePromise<Uint8Array> {
    let result: MaybePromise<PyValue>;
    try {
      result = dispatchFields(this.root, requestFields(request));
    } catch (e) {
      return this.exception(e, protocol);
    }
    return isPromiseLike(result) ? this.settle(result, protocol) : this.reply(result, protocol);
  }

  /** A PlainRequest: run, then the reply, the same bytes again when the result matches the last one's snapshot. */
  private handlePlain(known: PlainRequest): MaybePromise<Uint8Array> {
    const protocol = known.protocol;
    let result: MaybePromise<PyValue>;
    try {
      result = this.runPlain(known);
    } catch (e) {
      return this.exception(e, protocol);
    }
    if (isPromiseLike(result)) return this.settle(result, protocol);
    if (known.lastReply !== undefined && known.lastResult !== undefined && known.lastResult.matches(result)) return known.lastReply;
    const out = this.reply(result, protocol);
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

  /** The reply of an asynchronous result (never rejects). */
  private settle(result: Promise<PyValue>, protocol: number): Promise<Uint8Array> {
    return result.then(
      (r) => this.reply(r, protocol),
      (e: unknown) => this.exception(e, protocol),
    );
  }

  /** Runs a PlainRequest: through its kept target when the tree has not changed since, else resolved afresh (and kept). */
  private runPlain(known: PlainRequest): MaybePromise<PyValue> {
    const epoch = this.root.structureEpoch?.();
    const target = known.target;
    if (target !== undefined && target.epoch === epoch) {
      if (target.run !== null) return target.run();
      // a fresh argument list and kwargs dict per call, as a fresh decode would give
      return target.fn.call(target.positional.slice(), new PyDict());
    }
    const fields: RequestFields = { path: known.path, attr: known.attr, args: known.args, kwargs: new PyDict() };
    if (epoch === undefined) return dispatchFields(this.root, fields);
    return dispatchFields(this.root, fields, (fn, positional) => {
      known.target = { fn, positional: positional.slice(), epoch, run: prepared(fn, positional) };
    });
  }

  /** `pickle.dumps(result)`, or the exception reply when it cannot be pickled. */
  private reply(result: PyValue, protocol: number): Uint8Array {
    try {
      const out = this.codec.encode(result, protocol);
      if (out.length > 0) return out;
      throw new Error('the encoder produced no bytes');
    } catch (e) {
      return this.exception(e, protocol);
    }
  }

  private protocolFor(requestProtocol: number | undefined): number {
    if (this.replyProtocol !== 'request') return this.replyProtocol;
    if (requestProtocol === undefined) return 4;
    return Math.min(5, Math.max(2, requestProtocol));
  }

  /** `pickle.dumps(Exception("<module>.<qualname>: <message>"))`. */
  exception(e: unknown, protocol: number): Uint8Array {
    const text = wireText(e);
    try {
      const out = this.codec.encode(PyObject.exception(text), protocol);
      if (out.length > 0) return out;
    } catch {
      /* fall through */
    }
    return fallbackExceptionPickle(text);
  }
}
