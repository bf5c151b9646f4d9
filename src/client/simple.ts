/**
 * pyrogue's `SimpleClient` for Node.js: path-based access to any pyrogue
 * server (the TypeScript one or a real Python one), on base+1, plus an
 * optional update callback on the publish port.
 *
 *     const c = new SimpleClient({ addr: '127.0.0.1', port: 9099 });
 *     await c.getDisp('root.RogueVersion');                // 'v6.15.0'
 *     await c.setDisp('root.AxiVersion.ScratchPad', '0x100');
 *     await c.valueDisp('root.AxiVersion.ScratchPad');     // '0x000100'
 *     await c.exec('root.Demo.Multiply', 4);               // 12n
 *     c.close();
 *
 * Values are Python-typed (src/py/values): an int comes back as a bigint.
 * Integral JS numbers are sent as Python ints (use `pyFloat(x)` for a float).
 * A path the server does not know gives `null` (as in pyrogue); a server-side
 * exception rejects with a RemoteError; no reply within `timeout` rejects with
 * a ClientTimeoutError naming the address.
 */
import { PyDict, PyValue } from '../py/values';
import { RequestChannel, ServerAddress, UpdateChannel, decodePublish } from './channel';
import { RemoteVariableValue, toPy } from './values';

/** Update callback: `cb(path, value)` for every entry of every publish. */
export type UpdateCallback = (path: string, value: RemoteVariableValue) => void;

export interface SimpleClientOptions extends ServerAddress {
  /** Update callback (subscribes to the publish port). */
  cb?: UpdateCallback | null;
  /** Milliseconds to wait for each reply; 0 waits forever. Default 10000. */
  timeout?: number;
}

export const DEFAULT_TIMEOUT_MS = 10000;

export class SimpleClient {
  readonly addr: string;
  readonly port: number;
  private readonly req: RequestChannel;
  private sub: UpdateChannel | null = null;
  private cb: UpdateCallback | null;

  constructor(options?: SimpleClientOptions);
  constructor(addr: string, port?: number, cb?: UpdateCallback | null);
  constructor(a: SimpleClientOptions | string = {}, port?: number, cb?: UpdateCallback | null) {
    const o: SimpleClientOptions = typeof a === 'string' ? { addr: a, port, cb } : a;
    this.addr = o.addr ?? 'localhost';
    this.port = o.port ?? 9099;
    this.req = new RequestChannel(this.addr, this.port, { timeout: o.timeout ?? DEFAULT_TIMEOUT_MS });
    this.cb = o.cb ?? null;
    if (this.cb) this.startUpdates();
  }

  /** "host:port" of the server. */
  get address(): string {
    return this.req.address;
  }

  /** Milliseconds to wait for each reply (0 = forever). */
  get timeout(): number {
    return this.req.timeout;
  }
  set timeout(ms: number) {
    this.req.timeout = ms;
  }

  /** Sets (or replaces) the update callback; subscribes on first use. */
  setCallback(cb: UpdateCallback | null): void {
    this.cb = cb;
    if (cb) this.startUpdates();
  }

  private startUpdates(): void {
    if (this.sub || this.req.isClosed) return;
    this.sub = new UpdateChannel(this.addr, this.port, (bytes) => {
      const cb = this.cb;
      if (!cb) return;
      for (const [path, v] of decodePublish(bytes)) if (v instanceof RemoteVariableValue) cb(path, v);
    });
  }

  /** Any attribute of any node: `getattr(node, attr)`, called with the arguments when callable. */
  remoteAttr(path: string, attr: string | null, args: readonly unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<PyValue> {
    const kw = new PyDict();
    for (const [k, v] of Object.entries(kwargs)) kw.set(k, toPy(v));
    return this.req.request(path, attr, args.map(toPy), kw);
  }

  /** Value, reading the hardware first. */
  get(path: string): Promise<PyValue> {
    return this.remoteAttr(path, 'get');
  }
  /** Display string, reading the hardware first. */
  getDisp(path: string): Promise<string | null> {
    return this.remoteAttr(path, 'getDisp') as Promise<string | null>;
  }
  /** Value, without a read. */
  value(path: string): Promise<PyValue> {
    return this.remoteAttr(path, 'value');
  }
  /** Display string, without a read. */
  valueDisp(path: string): Promise<string | null> {
    return this.remoteAttr(path, 'valueDisp') as Promise<string | null>;
  }
  /** Sets a value of the variable's native type. */
  set(path: string, value: unknown): Promise<PyValue> {
    return this.remoteAttr(path, 'set', [value]);
  }
  /** Sets from a display string ('0x100', 'Run', '1.5'). */
  setDisp(path: string, value: string): Promise<PyValue> {
    return this.remoteAttr(path, 'setDisp', [value]);
  }
  /** Runs a command (`__call__(arg)`; arg None when omitted) and returns its return value. */
  exec(path: string, arg: unknown = null): Promise<PyValue> {
    return this.remoteAttr(path, '__call__', [arg]);
  }

  /** Closes the sockets; pending requests reject with ClientClosedError. */
  close(): void {
    this.sub?.close();
    this.sub = null;
    this.req.close();
  }
  /** pyrogue's name for close(). */
  stop(): void {
    this.close();
  }
}
