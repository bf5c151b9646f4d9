/**
 * The string port (base+2), sans I/O: UTF-8 JSON request in, Python `str()`
 * of the result out. pyrogue v6.15.0 `ZmqServer._doString` (docs/protocol.md "Strings on base+2"):
 *
 *     d = json.loads(data)
 *     if 'args' in d: d['args'] = tuple(d['args'])
 *     return str(self._doOperation(d))
 *   on any exception: "EXCEPTION: " + str(e)       (no type prefix)
 *
 * Deliberate differences from pyrogue:
 *  - `args` given as `{"py/tuple": [...]}` (what v5.5–v5.8 C++ clients send)
 *    is taken as the tuple it means; Python would make it ('py/tuple',).
 *  - Bytes that are not valid UTF-8 get "EXCEPTION: 'utf-8' codec can't
 *    decode ..." (pyrogue's Boost conversion fails before `_doString` runs and
 *    the C++ thread answers an empty frame).
 *
 * Empty results: a result whose `str()` is '' (e.g. getDisp of an empty
 * string variable) is answered with a 0-byte frame, exactly as pyrogue does.
 * A pyzmq client reads that as '' (the correct answer); rogue's C++
 * ZmqClient cannot tell it from a timeout (docs/protocol.md "Strings on base+2" quirk), but no
 * non-empty frame would mean the empty string either, so we keep pyrogue's
 * wire behaviour rather than invent an encoding that no client knows.
 */
import { PyError, wireText } from '../py/errors';
import { decodeUtf8Strict, pyJsonLoads } from '../py/json';
import { pyStr } from '../py/repr';
import { PyDict, PyTuple, PyValue } from '../py/values';
import type { RootSurface } from '../tree/surface';
import { dispatchOperation } from './dispatch';
import { pyContains, pyGetItem, pyTuple } from './pyops';

/** `str(e)` of a thrown value: the message without pyrogue's type prefix. */
export function exceptionStr(e: unknown): string {
  if (e instanceof PyError) return e.message;
  if (e instanceof Error) return e.message;
  const t = wireText(e);
  return t.slice(t.indexOf(': ') + 2);
}

/** `tuple(d['args'])`, also accepting the jsonpickle form `{"py/tuple": [...]}`. */
function argsTuple(args: PyValue): PyTuple {
  if (args instanceof PyDict && args.size === 1 && args.has('py/tuple')) {
    const inner = args.get('py/tuple')!;
    return new PyTuple(pyTuple(inner));
  }
  return new PyTuple(pyTuple(args));
}

export interface StringPortOptions {
  /** Python's str(); defaults to src/py/repr `pyStr`. */
  str?: (v: PyValue) => string;
  /** Python's json.loads (throws PyError with Python's messages); defaults to src/py/json `pyJsonLoads`. */
  jsonLoads?: (text: string) => PyValue;
  /** Strict UTF-8 decoding (throws Python's UnicodeDecodeError text); defaults to src/py/json `decodeUtf8Strict`. */
  decodeUtf8?: (data: Uint8Array) => string;
}

/** The base+2 port: request frame → reply text (UTF-8 encode it to send). Never throws. */
export class StringPort {
  private readonly str: (v: PyValue) => string;
  private readonly jsonLoads: (text: string) => PyValue;
  private readonly decodeUtf8: (data: Uint8Array) => string;

  constructor(
    private readonly root: RootSurface,
    options: StringPortOptions = {},
  ) {
    this.str = options.str ?? pyStr;
    this.jsonLoads = options.jsonLoads ?? pyJsonLoads;
    this.decodeUtf8 = options.decodeUtf8 ?? decodeUtf8Strict;
  }

  /** One request (normally exactly one body frame) → the reply text. */
  async handle(body: readonly Uint8Array[]): Promise<string> {
    if (body.length > 1) return `EXCEPTION: a request must be a single frame, got ${body.length} frames`;
    return this.handleBytes(body.length === 0 ? new Uint8Array(0) : body[0]);
  }

  async handleBytes(data: Uint8Array): Promise<string> {
    try {
      const text = this.decodeUtf8(data);
      let d = this.jsonLoads(text);
      if (pyContains(d, 'args')) {
        const args = argsTuple(pyGetItem(d, 'args'));
        if (d instanceof PyDict) {
          const copy = new PyDict(d.entries());
          copy.set('args', args);
          d = copy;
        }
      }
      const result = await dispatchOperation(this.root, d);
      return this.str(result);
    } catch (e) {
      return 'EXCEPTION: ' + exceptionStr(e);
    }
  }
}

/** Reply text → the frame to send (UTF-8; '' stays a 0-byte frame, see the module comment). */
export function encodeStringReply(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
