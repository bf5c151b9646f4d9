/**
 * Decoder + dispatcher fuzzing over the wire, against a live server in its
 * own process (dist/, tools/wire/server.js: the reference tree + Bench).
 *
 * Mutations of every golden request (transcript.jsonl `request_pickle`, and
 * the string-port requests), random bytes, empty and multipart requests and a
 * few pickle bombs: every input must be answered (the binary port always with
 * a non-empty reply), the server must not crash or hang, and its memory must
 * stay bounded. Sized for CI (FUZZ_INPUTS, default 5000, a few seconds);
 * `make soak` runs the same with >= 100,000 inputs and a random seed.
 *
 *   FUZZ_INPUTS=20000 FUZZ_SEED=7 npx jest test/fuzz-wire
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zmq from 'zeromq';
import * as lib from '../tools/wire/lib';
import { runFuzz, loadGolden, prng, makeInput } from '../tools/wire/fuzz';
import { decode } from '../src/pickle/decode';

jest.setTimeout(180000);

const INPUTS = Number(process.env.FUZZ_INPUTS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

async function ask(port: number, body: Buffer): Promise<Buffer> {
  const s = new zmq.Request({ linger: 0, receiveTimeout: 10000, sendTimeout: 10000 });
  s.connect(`tcp://127.0.0.1:${port}`);
  try {
    await s.send(body);
    const [r] = await s.receive();
    return r;
  } finally {
    s.close();
  }
}

describe('wire fuzzing of a live server', () => {
  let srv: lib.ServerHandle;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(lib.ROOT, 'dist', 'server', 'zmqServer.js'))) {
      throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (make test does)');
    }
    srv = await lib.startServer({ tree: 'bench', port: await lib.freeBasePort(), maxSeconds: 300 });
  });

  afterAll(async () => {
    if (srv) await srv.stop();
  });

  test('the input generator is deterministic and covers every kind', () => {
    const golden = loadGolden();
    expect(golden.bin.length).toBeGreaterThan(6000);
    expect(golden.str.length).toBeGreaterThan(100);
    const a = prng(3);
    const b = prng(3);
    const kinds = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const x = makeInput(a, golden);
      const y = makeInput(b, golden);
      expect(Buffer.concat(y.frames).equals(Buffer.concat(x.frames))).toBe(true);
      kinds.add(x.kind);
    }
    expect([...kinds].sort()).toEqual(['bomb', 'empty', 'golden', 'multipart', 'mutant', 'random', 'str']);
  });

  test(`${INPUTS} fuzzed inputs (seed ${SEED}): all answered, no crash, no hang, memory bounded`, async () => {
    const before = srv.rss()!;
    let warm: lib.MemInfo | null = null;
    const stats = await runFuzz({
      port: srv.port,
      count: INPUTS,
      seed: SEED,
      timeoutMs: 10000,
      onProgress: (s) => {
        if (!warm && s.answered >= INPUTS / 4) warm = srv.rss();
      },
    });
    const after = srv.rss();
    const report = { ...stats, failures: stats.failures.slice(0, 3), before, warm, after };
    // One line a reader of the CI log can use.
    console.log(`fuzz: ${JSON.stringify(report)}`);
    expect(srv.alive()).toBe(true);
    expect(stats.timeouts).toBe(0);
    expect(stats.failures).toEqual([]);
    expect(stats.answered).toBe(INPUTS);
    expect(stats.emptyBin).toBe(0);
    // Memory: bounded, not proportional to the number of inputs.
    expect(after).not.toBeNull();
    expect(after!.rss_mib).toBeLessThan(400);
    expect(after!.hwm_mib).toBeLessThan(1024);
  });

  test('after the fuzzing the server still answers correctly', async () => {
    const req = Buffer.from('gASVQgAAAAAAAAB9lCiMBHBhdGiUjBFSb290LlJvZ3VlVmVyc2lvbpSMBGF0dHKUjAV2YWx1ZZSMBGFyZ3OUKYwGa3dhcmdzlH2UdS4=', 'base64');
    expect(decode(req)).toBeDefined();
    const reply = await ask(srv.port + 1, req);
    expect(decode(reply)).toBe('v6.15.0');
    expect(srv.alive()).toBe(true);
  });
});
