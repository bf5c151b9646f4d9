/**
 * The pickle codec the server speaks, behind a small interface so the
 * protocol core can be tested with a fake and the server can be handed
 * another implementation.
 */
import { decodeWithInfo } from '../pickle/decode';
import { encode } from '../pickle/encode';
import { Op } from '../pickle/opcodes';
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
    if (b.length < 256) parts.push(Buffer.from([Op.SHORT_BINUNICODE, b.length]), b);
    else {
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      parts.push(Buffer.from([Op.BINUNICODE]), len, b);
    }
    parts.push(Buffer.from([Op.MEMOIZE]));
  };
  str('builtins');
  str('Exception');
  parts.push(Buffer.from([Op.STACK_GLOBAL, Op.MEMOIZE]));
  str(message);
  parts.push(Buffer.from([Op.TUPLE1, Op.MEMOIZE, Op.REDUCE, Op.MEMOIZE, Op.STOP]));
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(11);
  head[0] = Op.PROTO;
  head[1] = 4;
  head[2] = Op.FRAME;
  head.writeBigUInt64LE(BigInt(body.length), 3);
  return new Uint8Array(Buffer.concat([head, body]));
}
