/**
 * Errors a client raises.
 *
 *  - RemoteError: the server answered with an exception. pyrogue v6.12+ sends
 *    `builtins.Exception("<module>.<qualname>: <message>")`; older servers
 *    pickle the original class (`pyrogue._Variable.VariableError("...")`).
 *    Both become a RemoteError with `pyType` ('builtins.ValueError') and the
 *    bare `message`.
 *  - ClientTimeoutError: no reply within the request timeout (dead or busy
 *    server); the message names the address.
 *  - ClientConnectionError: a VirtualClient handshake that never succeeded.
 *  - ClientClosedError: a request on (or pending at) a closed client.
 *  - ClientProtocolError: a reply that is not a pickle the client understands.
 */
import { PyError } from '../py/errors';
import { PyObject, PyValue } from '../py/values';
import { isExceptionObject, pyRepr, pyStr } from '../py/repr';

/** Where a request went: for error messages. */
export interface RequestContext {
  path: string | null;
  attr: string | null;
}

/** "module.Qual: message" at the start of an exception text (dotted identifiers, at least one dot). */
const TYPED_TEXT = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+): ([\s\S]*)$/;
/** The same, for a type with no message: "module.Qual:" or "module.Qual: ". */
const TYPED_EMPTY = /^([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+):\s*$/;

function splitType(pyType: string): [string, string] {
  const i = pyType.lastIndexOf('.');
  return i < 0 ? ['builtins', pyType] : [pyType.slice(0, i), pyType.slice(i + 1)];
}

/** An exception raised on the server, as the client sees it. */
export class RemoteError extends PyError {
  /** The exception object as received (class and args). */
  readonly remote: PyObject | null;
  /** The request that failed (path, attr), when known. */
  readonly request: RequestContext | null;

  constructor(pyType: string, message: string, remote: PyObject | null = null, request: RequestContext | null = null) {
    const [mod, name] = splitType(pyType);
    super(mod, name, message);
    this.name = 'RemoteError';
    this.remote = remote;
    this.request = request;
  }

  /** Python's text of the error: "builtins.ValueError: message". */
  override toString(): string {
    return `RemoteError: ${this.wireText}`;
  }

  /**
   * Parses "builtins.ValueError: command failed" (pyrogue v6.12+ wording) into
   * type and message; any other text stays a `builtins.Exception` whose message
   * is the whole text.
   */
  static fromText(text: string, remote: PyObject | null = null, request: RequestContext | null = null): RemoteError {
    const m = TYPED_TEXT.exec(text);
    if (m) return new RemoteError(m[1], m[2], remote, request);
    const e = TYPED_EMPTY.exec(text);
    if (e) return new RemoteError(e[1], '', remote, request);
    return new RemoteError('builtins.Exception', text, remote, request);
  }

  /** From a decoded exception instance (a PyObject record of the exception class and its args). */
  static fromObject(o: PyObject, request: RequestContext | null = null): RemoteError {
    const cls = o.cls.qualified;
    const args = o.args;
    const text = args.length === 0 ? '' : args.length === 1 ? (typeof args[0] === 'string' ? args[0] : pyStr(args[0])) : pyRepr(args);
    // v6.12+: builtins.Exception("mod.Qual: msg") — the real type is in the text.
    if (cls === 'builtins.Exception' && args.length === 1 && typeof args[0] === 'string') return RemoteError.fromText(args[0], o, request);
    return new RemoteError(cls, o.cls.name === 'KeyError' && args.length === 1 ? pyRepr(args[0]) : text, o, request);
  }
}

/** Whether a decoded reply is an exception instance (pickled with REDUCE of an exception-like class). */
export function isRemoteException(v: PyValue): v is PyObject {
  return v instanceof PyObject && isExceptionObject(v);
}

/** Base of transport-level failures; carries the server address ("host:port"). */
export class ClientError extends Error {
  constructor(
    message: string,
    public readonly address: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export class ClientTimeoutError extends ClientError {
  readonly code = 'ETIMEDOUT';
  constructor(
    message: string,
    address: string,
    public readonly request: RequestContext | null = null,
  ) {
    super(message, address);
    this.name = 'ClientTimeoutError';
  }
}

export class ClientConnectionError extends ClientError {
  /** 'ENOTFOUND' when the host name does not resolve; undefined when no server answered. */
  readonly code: string | undefined;
  constructor(message: string, address: string, code?: string) {
    super(message, address);
    this.code = code;
    this.name = 'ClientConnectionError';
  }
}

export class ClientClosedError extends ClientError {
  constructor(address: string) {
    super(`client for ${address} is closed`, address);
    this.name = 'ClientClosedError';
  }
}

export class ClientProtocolError extends ClientError {
  constructor(message: string, address: string) {
    super(message, address);
    this.name = 'ClientProtocolError';
  }
}
