/**
 * The fast stack (src/server/fast) answers and publishes byte for byte as
 * the plain stack (src/server/stack.ts), pyrogue's ZmqServer as it reads.
 * Two reference trees, one behind each stack, get the same requests: the
 * golden recordings' exact request bytes (golden/transcript.jsonl,
 * golden/semantics.jsonl), then generated streams in which the same
 * requests come back many times between others that change what they
 * answer. After each request both replies and every frame each stack
 * published must be the same bytes.
 *
 * Each side loads its own copy of the sources (jest.isolateModulesAsync), as
 * two servers would run in two processes: what a module keeps for the whole
 * process (the made-up CPython addresses of reprs, the tree's structure
 * epoch, the encoder's tables) is then each side's own, and the same
 * requests take both through the same states. The clock (Date, performance)
 * is frozen so that both trees stamp the same times (Root.Time, log entries).
 */
import fc from 'fast-check';
import { encode } from '../src/pickle/encode';
import { NdArray, NpDtype, PyDict, PyTuple, type PyValue } from '../src/py/values';
import type { ServerStack } from '../src/server/stack';
import type { Root } from '../src/tree';
import { loadTranscript, loadTree, type Exchange } from './support/tree';

interface Side {
  root: Root;
  stack: ServerStack;
  frames: Uint8Array[];
  encodeStringReply: (text: string) => Uint8Array;
}

/** One copy of the modules a side is made of. */
interface Sources {
  reference: typeof import('../src/examples/reference');
  stack: typeof import('../src/server/stack');
  fast: typeof import('../src/server/fast');
  strport: typeof import('../src/server/strport');
}

async function load(): Promise<Sources> {
  let sources: Sources | undefined;
  await jest.isolateModulesAsync(async () => {
    sources = {
      reference: await import('../src/examples/reference'),
      stack: await import('../src/server/stack'),
      fast: await import('../src/server/fast'),
      strport: await import('../src/server/strport'),
    };
  });
  return sources!;
}

/** The two sides' sources, loaded once: each side's process-wide state goes through the same requests. */
let plainSources: Sources;
let fastSources: Sources;

async function side(src: Sources, kind: 'plain' | 'fast'): Promise<Side> {
  const root = src.reference.createReferenceRoot({ heartbeatMs: 0 });
  const frames: Uint8Array[] = [];
  const options = { root, send: (fs: Uint8Array[]) => frames.push(...fs) };
  const stack = kind === 'plain' ? src.stack.plainStack(options) : src.fast.fastStack(options);
  src.stack.listen(root, stack, { incGroups: null, excGroups: ['NoServe'] });
  await root.start();
  await root.waitOnUpdate();
  stack.outbox.flush();
  return { root, stack, frames, encodeStringReply: src.strport.encodeStringReply };
}

const sides = async (): Promise<[Side, Side]> => [await side(plainSources, 'plain'), await side(fastSources, 'fast')];

/** A request as the wire carries it: the binary port's body frames, or the string port's text. */
type Request = { port: 'bin'; frames: Uint8Array[] } | { port: 'str'; text: string };

/**
 * One side's answer to a request: the reply frame and the frames published because of it.
 * An error logged to SystemLog carries the JavaScript frames of its stack (`traceBack`), and
 * the fast stack reaches the same method through other functions: while a request is
 * handled, errors are made without frames.
 */
async function ask(s: Side, r: Request): Promise<{ reply: Buffer; published: Buffer[] }> {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const reply = r.port === 'bin' ? await s.stack.binary.handle(r.frames) : s.encodeStringReply(await s.stack.string.handleBytes(Buffer.from(r.text)));
    await s.root.waitOnUpdate();
    s.stack.outbox.flush();
    const published = s.frames.splice(0).map((f) => Buffer.from(f));
    return { reply: Buffer.from(reply), published };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Counts of requests that gave the same bytes on both stacks, and the first differences. */
class Tally {
  same = 0;
  frames = 0;
  readonly differences: string[] = [];
  async both(plain: Side, fast: Side, r: Request, label: string): Promise<boolean> {
    const a = await ask(plain, r);
    const b = await ask(fast, r);
    const ok = a.reply.equals(b.reply) && a.published.length === b.published.length && a.published.every((f, i) => f.equals(b.published[i]));
    if (ok) {
      this.same++;
      this.frames += a.published.length;
    } else if (this.differences.length < 10) {
      const frame = a.published.findIndex((f, i) => b.published[i] === undefined || !f.equals(b.published[i]));
      this.differences.push(
        !a.reply.equals(b.reply)
          ? `${label}: reply ${firstDifference(a.reply, b.reply)}`
          : `${label}: frames ${a.published.length}/${b.published.length}` +
              (frame >= 0 ? `, frame ${frame} ${firstDifference(a.published[frame], b.published[frame] ?? Buffer.alloc(0))}` : ''),
      );
    }
    return ok;
  }
}

interface Recorded extends Exchange {
  port: 'bin' | 'str';
  /** The request's bytes, base64; null for a request that is not a pickle, recorded as `{raw: hex}`. */
  request_pickle?: string | null;
}

function recorded(file: string): Request[] {
  return loadTranscript<Recorded>(file).map((e): Request => {
    if (e.port === 'str') return { port: 'str', text: e.request as string };
    if (e.request_pickle) return { port: 'bin', frames: [new Uint8Array(Buffer.from(e.request_pickle, 'base64'))] };
    const request = e.request as { raw?: string };
    // not a pickle (`raw`), or a pickle the recorder redacted (an install path): made from its canonical form
    return { port: 'bin', frames: [request.raw !== undefined ? new Uint8Array(Buffer.from(request.raw, 'hex')) : encode(fromCanon(e.request), 4)] };
  });
}

/** The PyValue of a golden canonical form (the kinds a recorded request holds). */
function fromCanon(c: unknown): PyValue {
  if (c === null || typeof c === 'boolean' || typeof c === 'string') return c;
  const o = c as { int?: string; tuple?: unknown[]; dict?: [unknown, unknown][] };
  if (o.int !== undefined) return BigInt(o.int);
  if (o.tuple !== undefined) return new PyTuple(o.tuple.map(fromCanon));
  if (o.dict !== undefined) return new PyDict(o.dict.map(([k, v]) => [fromCanon(k), fromCanon(v)]));
  throw new Error(`no PyValue for ${JSON.stringify(c)}`);
}

/** Where two byte strings first differ, with a few bytes around it. */
function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const around = (x: Buffer) => JSON.stringify(x.subarray(Math.max(0, i - 40), i + 40).toString('latin1'));
  return `at byte ${i} of ${a.length}/${b.length}: ${around(a)} / ${around(b)}`;
}

beforeAll(async () => {
  plainSources = await load();
  fastSources = await load();
  jest.useFakeTimers({
    now: new Date('2026-12-07T12:00:00Z'),
    doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'hrtime'],
  });
});
afterAll(() => {
  jest.useRealTimers();
});

const counts: string[] = [];
afterAll(() => {
  console.log(`plain and fast stack, the same bytes:\n  ${counts.join('\n  ')}`);
});

describe.each(['transcript.jsonl', 'semantics.jsonl'])('golden %s', (file) => {
  test('every request gives the same reply and frames on both stacks', async () => {
    const requests = recorded(file);
    const [plain, fast] = await sides();
    const t = new Tally();
    try {
      for (let i = 0; i < requests.length; i++) await t.both(plain, fast, requests[i], `${file} #${i}`);
      // the whole recording once more: every request now sent again
      for (let i = 0; i < requests.length; i++) await t.both(plain, fast, requests[i], `${file} again #${i}`);
    } finally {
      await plain.root.stop();
      await fast.root.stop();
    }
    counts.push(`${file}: ${t.same} of ${2 * requests.length} requests (the recording twice), ${t.frames} frames`);
    expect(t.differences).toEqual([]);
    expect(t.same).toBe(2 * requests.length);
  }, 120_000);
});

// ---------------------------------------------------------------------------
// Generated request streams

const tree = loadTree();
/** Nodes a generated request may name: every variable and device, the commands that touch neither files nor polling. */
const SAFE_COMMANDS = /^Root\.(Demo\.(NoArg|Multiply|Fail|Echo)|(ReadAll|WriteAll|CountReset|ClearLog|Initialize|HardReset)|AxiVersion\.\w+)$/;
const PATHS = tree.nodes
  .filter((n) => n.path !== 'Root.PollEn' && (/Variable$/.test(n.class) ? true : /Command$/.test(n.class) ? SAFE_COMMANDS.test(n.path) : true))
  .map((n) => n.path);
const ATTRS = [
  'value',
  'get',
  'set',
  'getDisp',
  'valueDisp',
  'setDisp',
  'getVariableValue',
  'post',
  'typeStr',
  'disp',
  'mode',
  'nodes',
  '__call__',
  'call',
  'callDisp',
  'nativeType',
  'name',
];

const scalar: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constantFrom<PyValue>(null, true, false, 0n, 1n, 2n, -1n, 255n, 2n ** 64n - 1n, 0, -0, 1, 1.5, 10.5, NaN, Infinity, '', 'x', 'Two', '0x10', '1.5', 'True'),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.integer({ min: -3, max: 300 }).map(BigInt),
  fc.double(),
  fc.string({ maxLength: 6 }),
);
const arg: fc.Arbitrary<PyValue> = fc.oneof(
  { weight: 12, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }).map((xs) => new PyTuple(xs)) },
  { weight: 1, arbitrary: fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 4 }).map((xs) => NdArray.from(NpDtype.float64, xs)) },
);

const binaryRequest: fc.Arbitrary<Request> = fc
  .record({
    path: fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom<PyValue>(...PATHS) },
      { weight: 1, arbitrary: fc.constantFrom<PyValue>(null, 1n, ['Root.Demo.Int'], 'Root.Nope', '__ROOT__', 'root.Demo.Int') },
    ),
    attr: fc.oneof({ weight: 20, arbitrary: fc.constantFrom<PyValue>(...ATTRS) }, { weight: 1, arbitrary: fc.constantFrom<PyValue>(null, 3n, 'nope') }),
    args: fc.array(arg, { maxLength: 3 }),
    kwargs: fc.oneof(
      { weight: 8, arbitrary: fc.constant<[string, PyValue][]>([]) },
      { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('index', 'read', 'write', 'value', 'arg', 'nope'), arg), { maxLength: 2 }) },
    ),
    protocol: fc.constantFrom(2, 3, 4, 4, 4, 5),
    form: fc.constantFrom('dict', 'dict', 'dict', 'dict', 'list args', 'no kwargs', 'extra key', 'a list'),
  })
  .map(({ path, attr, args, kwargs, protocol, form }) => {
    const d = PyDict.from({ path, attr, args: form === 'list args' ? args : new PyTuple(args), kwargs: new PyDict(kwargs) });
    if (form === 'no kwargs') d.delete('kwargs');
    if (form === 'extra key') d.set('extra', 1n);
    const value: PyValue = form === 'a list' ? [path, attr] : d;
    return { port: 'bin', frames: [encode(value, protocol)] };
  });

/** A request in the form clients send: `{'path', 'attr', 'args', 'kwargs': {}}`, protocol 4. */
const plainRequest = (path: string, attr: string, args: PyValue[]): Request => ({
  port: 'bin',
  frames: [encode(PyDict.from({ path, attr, args: new PyTuple(args), kwargs: new PyDict() }), 4)],
});

const VARIABLES = tree.nodes.filter((n) => /Variable$/.test(n.class) && n.path !== 'Root.PollEn').map((n) => n.path);

/**
 * Requests on a few variables: reads (the form a poll repeats, which the fast stack keeps
 * replies for) and writes of values of any type, so that what a read answers changes between
 * two sends of its bytes; with, now and then, any request of the generator above.
 */
const requestsOn = (variables: string[]): fc.Arbitrary<Request> =>
  fc.oneof(
    {
      weight: 12,
      arbitrary: fc
        .tuple(fc.constantFrom(...variables), fc.constantFrom('value', 'get', 'getDisp', 'valueDisp', 'getVariableValue'))
        .map(([path, attr]) => plainRequest(path, attr, [])),
    },
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.constantFrom(...variables), fc.constantFrom('set', 'setDisp', 'post'), scalar)
        .map(([path, attr, v]) => plainRequest(path, attr, [v])),
    },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...variables), scalar).map(([path, i]) => plainRequest(path, 'value', [i])) },
    { weight: 3, arbitrary: binaryRequest },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b): Request => ({ port: 'bin', frames: [b] })) },
    { weight: 1, arbitrary: fc.constant<Request>({ port: 'bin', frames: [] }) },
    { weight: 1, arbitrary: binaryRequest.map((r): Request => ({ port: 'bin', frames: r.port === 'bin' ? [...r.frames, ...r.frames] : [] })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          path: fc.constantFrom(...variables),
          attr: fc.constantFrom('get', 'set', 'value', 'getDisp'),
          args: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 1 }),
        })
        .map((o): Request => ({ port: 'str', text: JSON.stringify(o) })),
    },
  );

/** A pool of requests on up to four variables, and the order they are sent in (indices into the pool, many times each). */
const stream = fc
  .subarray(VARIABLES, { minLength: 1, maxLength: 4 })
  .chain((variables) => fc.tuple(fc.array(requestsOn(variables), { minLength: 3, maxLength: 16 }), fc.array(fc.nat(), { minLength: 20, maxLength: 150 })));

test('generated streams: requests sent again and again, between others, give the same bytes on both stacks', async () => {
  let requests = 0;
  let frames = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(stream, async ([pool, order]) => {
      const [plain, fast] = await sides();
      const t = new Tally();
      try {
        // each request of the pool once, then in the generated order: the same bytes come back many times
        for (const r of pool) if (!(await t.both(plain, fast, r, 'first'))) break;
        if (t.differences.length === 0) for (const i of order) if (!(await t.both(plain, fast, pool[i % pool.length], `#${i % pool.length}`))) break;
      } finally {
        await plain.root.stop();
        await fast.root.stop();
      }
      runs++;
      requests += t.same;
      frames += t.frames;
      expect(t.differences).toEqual([]);
    }),
    { numRuns: 100 },
  );
  counts.push(`generated: ${requests} requests in ${runs} runs, ${frames} frames`);
}, 300_000);
