/**
 * Minimal stand-ins for the Python helpers the server uses (pickle codec,
 * json.loads, strict UTF-8, str()), for testing the server's own logic
 * without depending on their full implementations. Not Python-exact.
 */
import { PyError, PyTypeError } from '../../src/py/errors';
import { PY_REDUCE, PY_REPR, PyDict, PyObject, PyTuple, PyUnpicklable, isReducible, type HasPyRepr, type PyValue } from '../../src/py/values';
import type { PickleCodec } from '../../src/server/codec';
import { fromTyped, toTyped, type Typed } from './typed';

/** Replaces what typed JSON cannot carry (reducibles, plain objects) and refuses unpicklables like pickle does. */
function prepare(v: PyValue): PyValue {
  if (v instanceof PyUnpicklable) throw new PyTypeError(`cannot pickle '${v.pyTypeName}' object`);
  if (isReducible(v)) return prepare(v[PY_REDUCE]());
  if (Array.isArray(v)) return v.map(prepare);
  if (v instanceof PyTuple) return new PyTuple(v.items.map(prepare));
  if (v instanceof PyDict) return new PyDict([...v].map(([k, x]) => [prepare(k), prepare(x)] as const));
  if (v instanceof PyObject && !(v.cls.module === 'builtins' && v.how === 'reduce')) {
    return new PyTuple(['obj', v.cls.qualified, v.state === undefined ? null : prepare(v.state)]);
  }
  return v;
}

/**
 * A fake "pickle": one protocol byte then typed JSON. Data not starting with
 * a byte 0..5 followed by valid typed JSON fails with an UnpicklingError.
 */
export const fakeCodec: PickleCodec = {
  decode(data) {
    if (data.length === 0) throw new PyError('builtins', 'EOFError', 'Ran out of input');
    const protocol = data[0];
    if (protocol > 5) throw new PyError('_pickle', 'UnpicklingError', `invalid load key, '${String.fromCharCode(protocol)}'.`);
    let t: Typed;
    try {
      t = JSON.parse(Buffer.from(data.subarray(1)).toString('utf8')) as Typed;
    } catch {
      throw new PyError('_pickle', 'UnpicklingError', 'pickle data was truncated');
    }
    return { value: fromTyped(t), protocol };
  },
  encode(value, protocol) {
    const body = Buffer.from(JSON.stringify(toTyped(prepare(value))), 'utf8');
    return new Uint8Array(Buffer.concat([Buffer.from([protocol]), body]));
  },
};

export function fakeEncodeRequest(value: PyValue, protocol = 4): Uint8Array {
  return fakeCodec.encode(value, protocol);
}

/** json.loads, roughly: integral numbers become int. */
export function fakeJsonLoads(text: string): PyValue {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new PyError('json.decoder', 'JSONDecodeError', (e as Error).message);
  }
  const conv = (x: unknown): PyValue => {
    if (x === null || typeof x === 'boolean' || typeof x === 'string') return x;
    if (typeof x === 'number') return Number.isInteger(x) ? BigInt(x) : x;
    if (Array.isArray(x)) return x.map(conv);
    const d = new PyDict();
    for (const [k, v] of Object.entries(x as object)) d.set(k, conv(v));
    return d;
  };
  return conv(raw);
}

export function fakeDecodeUtf8(data: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new PyError('builtins', 'UnicodeDecodeError', "'utf-8' codec can't decode bytes");
  }
}

/** str(), roughly. */
export function fakeStr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : fakeStr(x))).join(', ')}]`;
  if (typeof v === 'object' && typeof (v as unknown as HasPyRepr)[PY_REPR] === 'function') return (v as unknown as HasPyRepr)[PY_REPR]();
  return String(v);
}

export const fakePy = { codec: fakeCodec, jsonLoads: fakeJsonLoads, decodeUtf8: fakeDecodeUtf8, str: fakeStr };
