/**
 * Differential test against pickleparser 0.2.1 (the library first chosen for
 * decoding; see docs/decisions/0001-pickle-decoding.md). Where pickleparser
 * is correct the two decoders must agree; its known defects are asserted
 * here so that a fixed release shows up as a failing test.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { Parser } from 'pickleparser';
import { decode } from '../src/pickle';
import { PyError, UnpicklingError } from '../src/py/errors';
import { PyDict, PyTuple, PyValue } from '../src/py/values';
import { pyDump } from '../test/support/python';
import { floatRepr, Typed } from '../test/support/typed';

/** pickleparser's picture of a value: dict -> object, tuple -> array, int -> number. */
function asPickleparser(v: PyValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(asPickleparser);
  if (v instanceof PyTuple) return v.items.map(asPickleparser);
  if (v instanceof PyDict) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) o[String(k)] = asPickleparser(x);
    return o;
  }
  if (v instanceof Uint8Array) return Array.from(v);
  return v;
}
/** Values inside pickleparser's competence: ints of 32 bits, no floats that are integral (it cannot tell them from ints). */
function ppSafe(v: PyValue): boolean {
  if (typeof v === 'bigint') return v >= -(2n ** 31n) && v < 2n ** 31n;
  if (typeof v === 'number') return !Number.isInteger(v);
  if (Array.isArray(v)) return v.every(ppSafe);
  if (v instanceof PyTuple) return v.items.every(ppSafe);
  if (v instanceof PyDict) return [...v].every(([k, x]) => typeof k === 'string' && k !== '__proto__' && ppSafe(x));
  return v === null || typeof v === 'boolean' || typeof v === 'string' || v instanceof Uint8Array;
}
const normalize = (x: unknown): unknown =>
  x instanceof Uint8Array
    ? Array.from(x)
    : Array.isArray(x)
      ? x.map(normalize)
      : x && typeof x === 'object'
        ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, normalize(y)]))
        : x;

function pp(bytes: Uint8Array): unknown {
  const warn = console.warn;
  console.warn = () => undefined; // pickleparser warns on ints past 2**53
  try {
    return new Parser().parse(bytes);
  } finally {
    console.warn = warn;
  }
}

const TRANSCRIPT = path.join(__dirname, '..', 'golden', 'transcript.jsonl');
const golden = fs
  .readFileSync(TRANSCRIPT, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l))
  .filter((e) => e.request_pickle)
  .map((e) => ({ id: e.id as string, bytes: new Uint8Array(Buffer.from(e.request_pickle, 'base64')) }));

describe('agreement where pickleparser is correct', () => {
  test('golden requests without numpy, floats or wide ints decode alike', () => {
    let compared = 0;
    for (const g of golden) {
      const buf = Buffer.from(g.bytes);
      if (g.id.startsWith('err:') || buf.includes(Buffer.from('numpy'))) continue;
      const ours = decode(g.bytes);
      if (!ppSafe(ours)) continue;
      expect([g.id, normalize(pp(g.bytes))]).toEqual([g.id, asPickleparser(ours)]);
      compared++;
    }
    expect(compared).toBeGreaterThan(5000);
  });

  test('generated values in pickleparser-safe territory decode alike (protocols 3, 4, 5)', () => {
    const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');
    const safe: fc.Arbitrary<Typed> = fc.letrec<{ v: Typed }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => ({ int: String(n) })),
        fc
          .double({ noNaN: true })
          .filter((x) => !Number.isInteger(x))
          .map((x) => ({ float: floatRepr(x) })),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.uint8Array({ maxLength: 20 }).map((x) => ({ bytes: Buffer.from(x).toString('hex') })),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.array(tie('v'), { maxLength: 4 }).map((items) => ({ tuple: items })),
        fc.uniqueArray(fc.tuple(key, tie('v')), { selector: (p) => p[0], maxLength: 4 }).map((ps) => ({ dict: ps })),
      ),
    })).v;
    const values = fc.sample(safe, { numRuns: 500, seed: 42 });
    for (const proto of [3, 4, 5]) {
      pyDump(proto, values).forEach((p, i) => {
        expect([proto, i, normalize(pp(p))]).toEqual([proto, i, asPickleparser(decode(p))]);
      });
    }
  });
});

describe("pickleparser's known defects (asserted; ours is right)", () => {
  const [neg31, neg40, big64, negBig64, max63, one, oneF, intStrKeys, tupleKey, protoKey, aSet, tupleList, tenTo30] = pyDump(4, [
    { int: String(-(2n ** 31n) - 1n) },
    { int: String(-(2n ** 40n)) },
    { int: String(2n ** 64n) },
    { int: String(-(2n ** 64n)) },
    { int: String(2n ** 63n - 1n) },
    { int: '1' },
    { float: '1.0' },
    {
      dict: [
        [{ int: '1' }, 'a'],
        ['1', 'b'],
      ],
    },
    { dict: [[{ tuple: [{ int: '1' }, { int: '2' }] }, 't']] },
    { dict: [['__proto__', { dict: [['x', { int: '1' }]] }]] },
    { set: [{ int: '1' }, { int: '2' }] },
    { tuple: [{ tuple: [{ int: '1' }] }, [{ int: '1' }]] },
    { int: String(10n ** 30n) },
  ]);

  test('LONG1 is read unsigned: -2**31-1 becomes 1097364144127, -2**40 becomes 280375465082880', () => {
    expect(pp(neg31)).toBe(1097364144127);
    expect(decode(neg31)).toBe(-(2n ** 31n) - 1n);
    expect(pp(neg40)).toBe(280375465082880);
    expect(decode(neg40)).toBe(-(2n ** 40n));
  });

  test('ints wider than 8 bytes throw; 8-byte ints lose precision', () => {
    expect(() => pp(big64)).toThrow('Value too large to unpickling');
    expect(() => pp(negBig64)).toThrow('Value too large to unpickling');
    expect(decode(big64)).toBe(2n ** 64n);
    expect(decode(negBig64)).toBe(-(2n ** 64n));
    // eslint-disable-next-line no-loss-of-precision -- the rounding is what the test shows
    expect(pp(max63)).toBe(9223372036854775807); // i.e. 2**63, not 2**63-1
    expect(BigInt(pp(max63) as number)).not.toBe(2n ** 63n - 1n);
    expect(decode(max63)).toBe(2n ** 63n - 1n);
    expect(decode(tenTo30)).toBe(10n ** 30n);
  });

  test('int 1 and float 1.0 are both the JS number 1', () => {
    expect(pp(one)).toBe(1);
    expect(pp(oneF)).toBe(1);
    expect(decode(one)).toBe(1n);
    expect(decode(oneF)).toBe(1);
    expect(typeof decode(oneF)).toBe('number');
  });

  test('dicts are plain objects: keys are stringified, collide, and __proto__ is swallowed', () => {
    expect(pp(intStrKeys)).toEqual({ 1: 'b' });
    expect((decode(intStrKeys) as PyDict).size).toBe(2);
    expect(pp(tupleKey)).toEqual({ '1,2': 't' });
    expect((decode(tupleKey) as PyDict).get(PyTuple.of(1n, 2n))).toBe('t');
    expect(Object.keys(pp(protoKey) as object)).toEqual([]);
    expect([...(decode(protoKey) as PyDict).keys()]).toEqual(['__proto__']);
  });

  test('sets are arrays and tuples are arrays', () => {
    expect(pp(aSet)).toEqual([1, 2]);
    expect(pp(tupleList)).toEqual([[1], [1]]);
    const t = decode(tupleList) as PyTuple;
    expect(t.items[0]).toBeInstanceOf(PyTuple);
    expect(Array.isArray(t.items[1])).toBe(true);
  });

  test('malformed input: raw JS errors or silent undefined instead of Python errors', () => {
    const garbage = new Uint8Array(Buffer.from('this is not a pickle'));
    expect(() => pp(garbage)).toThrow(TypeError);
    expect(() => decode(garbage)).toThrow(new UnpicklingError('could not find MARK'));
    const missingMemo = new Uint8Array([0x80, 4, 0x68, 5, 0x2e]);
    expect(pp(missingMemo)).toBeUndefined();
    expect(() => decode(missingMemo)).toThrow('Memo value not found at index 5');
    const popEmpty = new Uint8Array([0x30, 0x2e]);
    expect(pp(popEmpty)).toBeUndefined();
    expect(() => decode(popEmpty)).toThrow('unpickling stack underflow');
    const empty = new Uint8Array(0);
    expect(() => pp(empty)).toThrow('Unexpected end of file.');
    let e: unknown;
    try {
      decode(empty);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(PyError);
    expect((e as PyError).wireText).toBe('builtins.EOFError: Ran out of input');
  });

  test('globals are never refused: os.system becomes an object, not an error', () => {
    const payload = new Uint8Array(Buffer.from("cos\nsystem\n(S'true'\ntR.", 'latin1'));
    expect(() => pp(payload)).not.toThrow();
    expect(() => decode(payload)).toThrow("global 'os.system' is forbidden");
  });
});
