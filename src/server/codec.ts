/**
 * The pickle codec the server speaks, behind a small interface so the
 * protocol core can be tested with a fake and the server can be handed
 * another implementation.
 */
import { decodeWithInfo } from '../pickle/decode';
import { encode } from '../pickle/encode';
import type { PyValue } from '../py/values';

export interface PickleCodec {
  /** Python's `pickle.loads`, plus the protocol the data declared (0 when it has no PROTO opcode). Throws PyError. */
  decode(data: Uint8Array): { value: PyValue; protocol: number };
  /** Python's `pickle.dumps(value, protocol)`. Throws PyError (e.g. TypeError for unpicklable values). */
  encode(value: PyValue, protocol: number): Uint8Array;
}

/** The project's own pickle implementation (src/pickle). */
export const defaultCodec: PickleCodec = {
  decode(data) {
    const info = decodeWithInfo(data);
    return { value: info.value, protocol: info.protocol };
  },
  encode(value, protocol) {
    return encode(value, protocol);
  },
};

/**
 * `pickle.dumps(Exception(message), 4)` built by hand, byte for byte what
 * CPython 3.11 writes. The last resort when the codec itself fails, so the
 * server can never be left without a reply.
 */
export function fallbackExceptionPickle(message: string): Uint8Array {
  const parts: Buffer[] = [];
  const str = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    if (b.length < 256) parts.push(Buffer.from([0x8c, b.length]), b);
    else {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(Buffer.from([0x58]), len, b); // BINUNICODE
    }
    parts.push(Buffer.from([0x94])); // MEMOIZE
  };
  str('builtins');
  str('Exception');
  parts.push(Buffer.from([0x93, 0x94])); // STACK_GLOBAL MEMOIZE
  str(message);
  parts.push(Buffer.from([0x85, 0x94, 0x52, 0x94, 0x2e])); // TUPLE1 MEMOIZE REDUCE MEMOIZE STOP
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(11);
  head[0] = 0x80;
  head[1] = 4;
  head[2] = 0x95; // FRAME
  head.writeBigUInt64LE(BigInt(body.length), 3);
  return new Uint8Array(Buffer.concat([head, body]));
}
