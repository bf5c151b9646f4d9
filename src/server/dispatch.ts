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
import { PyDict, PyGlobal, PyObject, PyValue, typeName } from '../py/values';
import { builtinTypeCall } from '../py/builtins';
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

/** What a request resolves to: a value to answer, or a call to make. */
export type Resolved =
  | { readonly fn: null; readonly value: PyValue }
  | {
      readonly fn: PyCallable;
      readonly args: PyValue[];
      readonly kwargs: PyDict;
      /** The attribute itself is the callable (a method), not a value made callable (a type, a command node's `__call__`). */
      readonly direct: boolean;
    };

/**
 * pyrogue's `_doOperation` up to the call: `__ROOT__`, `getNode(path)`,
 * `getattr(node, attr)`, and for a callable `f(*args, **kwargs)`'s checks.
 * Throws the (Py)Error Python would raise.
 */
export function resolveOperation(root: RootSurface, f: RequestFields): Resolved {
  if (f.path === '__ROOT__') return { fn: null, value: root as unknown as PyValue };
  const node = resolveNode(root, f.path);
  if (node === null) return { fn: null, value: null };
  const nAttr = getAttr(node, f.attr);
  if (nAttr === null || nAttr === undefined) return { fn: null, value: null };
  const fn = callableOf(nAttr);
  if (fn === null) return { fn: null, value: nAttr as PyValue }; // not callable: a plain value
  return { fn, args: starArgs(fn, f.args), kwargs: starKwargs(fn, f.kwargs), direct: fn === nAttr };
}

/** `_doOperation` on the request's fields: resolve, then call. */
function dispatchFields(root: RootSurface, f: RequestFields): MaybePromise<PyValue> {
  const r = resolveOperation(root, f);
  return r.fn === null ? r.value : r.fn.call(r.args, r.kwargs);
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

/** What a port's request handler does: the request is `frames[start, frames.length)` (normally one frame); never throws. */
export interface RequestPort {
  /** One request (the body frames of one message, normally exactly one) → the reply frame: at once when the operation is synchronous, else a promise of it that never rejects. */
  handle(body: readonly Uint8Array[]): MaybePromise<Uint8Array>;
  /** `handle(frames.slice(start))` without the copy: the receive loop's form (the envelope before `start`). */
  handleFrames(frames: readonly Uint8Array[], start: number): MaybePromise<Uint8Array>;
  /** One single-frame request → the reply frame (at once, or a promise that never rejects). */
  handleBytes(data: Uint8Array): MaybePromise<Uint8Array>;
}

/**
 * The base+1 port: request frames → reply bytes, as pyrogue's `_doRequest`:
 * decode, `_doOperation` (resolve, call), encode. Never throws, never
 * returns an empty reply. It keeps nothing from one request to the next
 * (src/server/fast keeps what can be kept, on top of it).
 */
export class BinaryPort implements RequestPort {
  private readonly codec: PickleCodec;
  private readonly replyProtocol: 'request' | number;

  constructor(
    private readonly root: RootSurface,
    options: BinaryPortOptions = {},
  ) {
    this.codec = options.codec ?? defaultCodec;
    this.replyProtocol = options.replyProtocol ?? 4;
  }

  handle(body: readonly Uint8Array[]): MaybePromise<Uint8Array> {
    return this.handleFrames(body, 0);
  }

  handleFrames(frames: readonly Uint8Array[], start: number): MaybePromise<Uint8Array> {
    const n = frames.length - start;
    if (n > 1) return this.exception(new PyError('builtins', 'ValueError', `a request must be a single frame, got ${n} frames`), 4);
    return this.handleBytes(n === 1 ? frames[start] : new Uint8Array(0));
  }

  handleBytes(data: Uint8Array): MaybePromise<Uint8Array> {
    let request: { value: PyValue; protocol: number };
    try {
      request = this.decode(data);
    } catch (e) {
      return this.exception(e, this.protocolFor(undefined));
    }
    return this.answer(request.value, request.protocol);
  }

  /** `pickle.loads(data)` and the protocol its reply is pickled with. Throws what pickle.loads raises. */
  decode(data: Uint8Array): { value: PyValue; protocol: number } {
    if (data.length === 0) throw new PyEOFError('Ran out of input');
    const decoded = this.codec.decode(data);
    return { value: decoded.value, protocol: this.protocolFor(decoded.protocol) };
  }

  /** A decoded request: `_doOperation`, then the reply. */
  answer(request: PyValue, protocol: number): MaybePromise<Uint8Array> {
    let result: MaybePromise<PyValue>;
    try {
      result = dispatchOperationNow(this.root, request);
    } catch (e) {
      return this.exception(e, protocol);
    }
    return isPromiseLike(result) ? this.settle(result, protocol) : this.reply(result, protocol);
  }

  /** The reply of an asynchronous result (never rejects). */
  settle(result: Promise<PyValue>, protocol: number): Promise<Uint8Array> {
    return result.then(
      (r) => this.reply(r, protocol),
      (e: unknown) => this.exception(e, protocol),
    );
  }

  /** `pickle.dumps(result)`, or the exception reply when it cannot be pickled. */
  reply(result: PyValue, protocol: number): Uint8Array {
    try {
      const out = this.codec.encode(result, protocol);
      if (out.length > 0) return out;
      throw new Error('the encoder produced no bytes');
    } catch (e) {
      return this.exception(e, protocol);
    }
  }

  /** The protocol of a reply to a request that declared `requestProtocol` (undefined: not decodable). */
  protocolFor(requestProtocol: number | undefined): number {
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
