/**
 * The contract between the tree (pyrogue semantics) and the server (the wire).
 *
 * The server never reaches into tree internals: it resolves a path with
 * `root.getNode`, asks the node for a Python attribute with `pyGetAttr`, and
 * either calls it (Python argument binding is the callee's job, through
 * `bindArgs` in src/py/signature) or returns the value. Nodes are `Reducible`
 * (they pickle as pyrogue's VirtualFactory reduce) and have a `PY_REPR`.
 */
import type { PyDict, PyValue } from '../py/values';

/** A value now, or later: tree operations stay synchronous unless they need to wait (slow commands, memory). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Is this a value for later? True for a promise or any thenable (what `await` waits for): the one
 * test the tree and the server both use. Callers use only `.then(onValue, onError)` on it, which
 * every thenable has (not `.catch`).
 */
export function isPromiseLike<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** A Python callable as the dispatcher sees it. */
export interface PyCallable {
  readonly kind: 'callable';
  /** Python's `Class.method` name, used in binding errors ("BaseVariable.value() takes ..."). */
  readonly qualname: string;
  /** Python module of the defining class ('pyrogue._Variable'); CPython prefixes it in `f(*args)` errors. */
  readonly module?: string;
  /**
   * True for a method of the node's class: `getattr(node, name)` gives this
   * same call for as long as the root's `structureEpoch()` is unchanged, so a
   * server may keep it for a request sent again. Absent for anything else.
   */
  readonly method?: boolean;
  /** Calls with Python positional and keyword arguments; may be async (slow commands, slow memory). */
  call(args: readonly PyValue[], kwargs: PyDict): MaybePromise<PyValue>;
  /**
   * Binds these positional arguments (no keywords) once, for a request made
   * again and again: the returned function makes the same call as
   * `call(args, new PyDict())` each time, without binding again. Null (or no
   * `prepare`) when a binding cannot be reused: when one of its values is not
   * an immutable scalar (a `*args` tuple, a `**kwargs` dict, a mutable
   * default). Throws what `call` would throw for arguments that do not bind.
   */
  prepare?(args: readonly PyValue[]): (() => MaybePromise<PyValue>) | null;
}

export function isPyCallable(v: unknown): v is PyCallable {
  return typeof v === 'object' && v !== null && (v as PyCallable).kind === 'callable' && typeof (v as PyCallable).call === 'function';
}

/** What `getattr(node, name)` sees on the Python side. */
export interface PyAttrSurface {
  /** Throws PyAttributeError (pyrogue's message) when the attribute does not exist. */
  pyGetAttr(name: string): PyValue | PyCallable;
}

/**
 * One variable update as delivered to var-listeners (the server publishes these). `value` is a
 * VariableValue (Reducible), made once per value and never changed; the server's fast stack
 * publishes the same object again with the frame it made of it, after checking its fields
 * (src/server/fast/publish.ts).
 */
export type VarListener = (path: string, value: PyValue) => void;

export interface VarListenerOptions {
  incGroups?: string[] | null;
  excGroups?: string[] | null;
}

/** What the server needs from a Root. */
export interface RootSurface extends PyAttrSurface {
  readonly name: string;
  /** Accepts the root's own name or the alias `root` as first element; null when not found. */
  getNode(path: string): (PyAttrSurface & object) | null;
  /** `func` per variable of an update batch passing the group filter, then `done` once per batch. */
  addVarListener(func: VarListener, done: (() => void) | null, options?: VarListenerOptions): void;
  /** Interfaces (servers) registered on the root are started/stopped with it. */
  addInterface(iface: RootInterface): void;
  /**
   * Optional: a number that changes whenever `getNode` or `pyGetAttr` might
   * resolve a path or a callable attribute differently (nodes added). While it
   * stays the same a server may keep a request's resolved callable instead of
   * resolving it again. A root without it gets every request resolved afresh.
   */
  structureEpoch?(): number;
}

/** Something the root starts and stops with itself (pyrogue's `root.addInterface`). */
export interface RootInterface {
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}
