/**
 * Wire fuzzing of a live server: mutations of the golden requests
 * (golden/transcript.jsonl `request_pickle`, and the string-port
 * requests) plus random bytes and a few pickle "bombs", sent over ZeroMQ REQ
 * sockets. Every input must be answered (binary port: with a non-empty reply)
 * within the timeout. Deterministic for a given seed.
 *
 *   const stats = await runFuzz({ port, count: 3000, seed: 1 });
 *
 * Shared by the soak (bench/soak.js) and interop/fuzz-wire.test.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zmq from 'zeromq';

export const TRANSCRIPT = process.env.GOLDEN_TRANSCRIPT ?? path.join(__dirname, '..', '..', 'golden', 'transcript.jsonl');

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(arr: readonly T[]): T;
  bytes(n: number): Buffer;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(arr: readonly T[]): T => arr[int(arr.length)], bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))) };
}

/** The golden requests of each port. */
export interface Golden {
  bin: Buffer[];
  str: Buffer[];
}

export function loadGolden(file = TRANSCRIPT): Golden {
  const bin: Buffer[] = [];
  const str: Buffer[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const d = JSON.parse(line) as { port: string; request_pickle?: string | null; request?: unknown };
    if (d.port === 'bin' && d.request_pickle) bin.push(Buffer.from(d.request_pickle, 'base64'));
    else if (d.port === 'str' && typeof d.request === 'string') str.push(Buffer.from(d.request, 'utf8'));
  }
  return { bin, str };
}

const INTERESTING: readonly number[] = [0x00, 0x01, 0x02, 0x04, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x28, 0x29, 0x2e, 0x4e, 0x5d, 0x7d, 0x93, 0x94, 0x95];
// Pickle opcodes a decoder must handle or refuse (protocols 0..5), including the dangerous ones.
const OPCODES: readonly number[] = [
  ...Buffer.from(
    '()*.0123FGIJKLMNPQRSTUVXabcdeghijlopqrstu}~\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98',
    'latin1',
  ),
];
const LENGTH_OPS = new Set([0x95, 0x58, 0x42, 0x8d, 0x8e, 0x96, 0x54, 0x8a, 0x8b]);

/** Deeply nested or huge-but-short pickles (decoder resource limits). */
function bombs(rng: Rng): Buffer {
  const n = 1000 + rng.int(200000);
  const head = Buffer.from([0x80, 0x04]);
  switch (rng.int(7)) {
    case 0: // many MARKs
      return Buffer.concat([head, Buffer.alloc(n, 0x28), Buffer.from('.')]);
    case 1: // deep list nesting: ] ] ] ... a a a
      return Buffer.concat([head, Buffer.alloc(n, 0x5d), Buffer.alloc(n - 1, 0x61), Buffer.from('.')]);
    case 2: // many empty tuples on the stack
      return Buffer.concat([head, Buffer.alloc(n, 0x29), Buffer.from('.')]);
    case 3: {
      // a request whose args are a deeply nested list, to a command that echoes it back
      const req = Buffer.from(
        '80049500000000000000007d94288c0470617468948c0e526f6f742e44656d6f2e4563686f948c0461747472948c085f5f63616c6c5f5f948c046172677394',
        'hex',
      );
      const depth = 100 + rng.int(50000);
      const tail = Buffer.from('858c066b7761726773947d94752e', 'hex');
      return Buffer.concat([req, Buffer.alloc(depth, 0x5d), Buffer.alloc(depth - 1, 0x61), tail]);
    }
    case 4: // memo abuse: MEMOIZE many times then GET huge index
      return Buffer.concat([head, Buffer.from('N'), Buffer.alloc(n, 0x94), Buffer.from([0x6a, 0xff, 0xff, 0xff, 0x7f]), Buffer.from('.')]);
    case 5: // a length claiming gigabytes
      return Buffer.concat([head, Buffer.from([0x58, 0xff, 0xff, 0xff, 0x7f]), Buffer.from('abc.')]);
    default: // LONG4 with a huge length
      return Buffer.concat([head, Buffer.from([0x8b, 0xff, 0xff, 0xff, 0x0f]), Buffer.alloc(16, 1), Buffer.from('.')]);
  }
}

/** One fuzz input: which port it goes to and its frames. */
export interface FuzzInput {
  kind: string;
  port: 'bin' | 'str';
  frames: Buffer[];
}

/** One mutated input. */
export function makeInput(rng: Rng, golden: Golden): FuzzInput {
  const r = rng.next();
  if (r < 0.12) {
    // string port
    const src = rng.next() < 0.85 ? Buffer.from(rng.pick(golden.str)) : rng.bytes(rng.int(200));
    return { kind: 'str', port: 'str', frames: [mutate(rng, src, golden.str)] };
  }
  if (r < 0.16)
    return {
      kind: 'random',
      port: 'bin',
      frames: [rng.next() < 0.5 ? rng.bytes(rng.int(300)) : Buffer.concat([Buffer.from([0x80, rng.int(6)]), rng.bytes(rng.int(300))])],
    };
  if (r < 0.17) return { kind: 'bomb', port: 'bin', frames: [bombs(rng)] };
  if (r < 0.18) return { kind: 'multipart', port: 'bin', frames: [Buffer.from(rng.pick(golden.bin)), Buffer.from(rng.pick(golden.bin))] };
  if (r < 0.185) return { kind: 'empty', port: 'bin', frames: [Buffer.alloc(0)] };
  if (r < 0.2) return { kind: 'golden', port: 'bin', frames: [Buffer.from(rng.pick(golden.bin))] };
  return { kind: 'mutant', port: 'bin', frames: [mutate(rng, Buffer.from(rng.pick(golden.bin)), golden.bin)] };
}

export function mutate(rng: Rng, b: Buffer, pool: readonly Buffer[]): Buffer {
  const rounds = 1 + rng.int(3);
  for (let k = 0; k < rounds; k++) {
    const len = b.length;
    switch (rng.int(10)) {
      case 0: // bit flips
        for (let i = 0, n = 1 + rng.int(4); i < n && len; i++) b[rng.int(len)] ^= 1 << rng.int(8);
        break;
      case 1: // interesting bytes
        for (let i = 0, n = 1 + rng.int(4); i < n && len; i++) b[rng.int(len)] = rng.pick(INTERESTING);
        break;
      case 2: // truncate (may leave nothing)
        b = b.subarray(0, rng.int(len + 1));
        break;
      case 3: // insert random bytes
        {
          const at = rng.int(len + 1);
          b = Buffer.concat([b.subarray(0, at), rng.bytes(1 + rng.int(16)), b.subarray(at)]);
        }
        break;
      case 4: // insert an opcode
        {
          const at = rng.int(len + 1);
          b = Buffer.concat([b.subarray(0, at), Buffer.from([rng.pick(OPCODES)]), b.subarray(at)]);
        }
        break;
      case 5: // delete a slice
        if (len) {
          const at = rng.int(len);
          b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(len, at + 1 + rng.int(16)))]);
        }
        break;
      case 6: // splice with another request
        {
          const o = rng.pick(pool);
          b = Buffer.concat([b.subarray(0, rng.int(len + 1)), o.subarray(rng.int(o.length + 1))]);
        }
        break;
      case 7: // duplicate a slice
        if (len) {
          const at = rng.int(len);
          const sl = b.subarray(at, Math.min(len, at + 1 + rng.int(32)));
          b = Buffer.concat([b.subarray(0, at), sl, sl, b.subarray(at)]);
        }
        break;
      case 8: // corrupt a length field after a length-carrying opcode
        {
          const pos: number[] = [];
          for (let i = 0; i < len - 4; i++) if (LENGTH_OPS.has(b[i])) pos.push(i);
          if (pos.length) {
            const i = rng.pick(pos);
            const v = rng.pick([0, 1, 0x7fffffff, 0xffffffff, 0x10000, len * 2, rng.int(0xffffffff)]);
            b = Buffer.from(b);
            b.writeUInt32LE(v >>> 0, i + 1);
          }
        }
        break;
      default: // append random bytes
        b = Buffer.concat([b, rng.bytes(1 + rng.int(32))]);
    }
  }
  return Buffer.from(b);
}

export interface FuzzStats {
  seed: number;
  sent: number;
  answered: number;
  emptyBin: number;
  emptyStr: number;
  timeouts: number;
  failures: { kind: string; why: string; hex: string }[];
  byKind: Record<string, { sent: number; answered: number }>;
  maxLatencyMs: number;
  seconds: number;
}

export interface FuzzOptions {
  /** The server's base port. */
  port: number;
  count: number;
  seed?: number;
  /** REQ sockets per port. */
  concurrency?: number;
  timeoutMs?: number;
  host?: string;
  golden?: Golden;
  /** Told every 1,000 inputs. */
  onProgress?: (stats: FuzzStats) => void;
}

/** Sends `count` inputs with `concurrency` REQ sockets per port; every one must be answered in time. */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzStats> {
  const { port, count, seed = 1, concurrency = 8, timeoutMs = 10000, onProgress } = opts;
  const host = opts.host ?? '127.0.0.1';
  const golden = opts.golden ?? loadGolden();
  const rng = prng(seed);
  const stats: FuzzStats = { seed, sent: 0, answered: 0, emptyBin: 0, emptyStr: 0, timeouts: 0, failures: [], byKind: {}, maxLatencyMs: 0, seconds: 0 };
  const t0 = Date.now();
  let next = 0;
  const newSock = (p: number) => {
    const s = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    s.connect(`tcp://${host}:${p}`);
    return s;
  };
  const worker = async () => {
    const socks = { bin: newSock(port + 1), str: newSock(port + 2) };
    try {
      while (next < count) {
        next++;
        const input = makeInput(rng, golden);
        const k = (stats.byKind[input.kind] ??= { sent: 0, answered: 0 });
        k.sent++;
        stats.sent++;
        const s = socks[input.port];
        const t = Date.now();
        try {
          await s.send(input.frames.length === 1 ? input.frames[0] : input.frames);
          const reply = await s.receive();
          const ms = Date.now() - t;
          if (ms > stats.maxLatencyMs) stats.maxLatencyMs = ms;
          const body = reply[reply.length - 1] as Buffer | undefined;
          stats.answered++;
          k.answered++;
          if (!body || body.length === 0) {
            if (input.port === 'bin') {
              stats.emptyBin++;
              if (stats.failures.length < 20)
                stats.failures.push({ kind: input.kind, why: 'empty reply', hex: Buffer.concat(input.frames).subarray(0, 256).toString('hex') });
            } else stats.emptyStr++;
          }
        } catch (e) {
          stats.timeouts++;
          if (stats.failures.length < 20)
            stats.failures.push({
              kind: input.kind,
              why: e instanceof Error ? e.message : String(e),
              hex: Buffer.concat(input.frames).subarray(0, 256).toString('hex'),
            });
          s.close();
          socks[input.port] = newSock(input.port === 'bin' ? port + 1 : port + 2);
        }
        if (onProgress && stats.answered + stats.timeouts > 0 && (stats.answered + stats.timeouts) % 1000 === 0) onProgress(stats);
      }
    } finally {
      socks.bin.close();
      socks.str.close();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  stats.seconds = (Date.now() - t0) / 1000;
  return stats;
}
