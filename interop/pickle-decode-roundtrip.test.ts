/**
 * Property-based round trip: fast-check generates thousands of typed values,
 * CPython pickles them with every protocol 0..5 (one python process per
 * protocol), and the decoder must give back exactly the typed input.
 */
import fc from 'fast-check';
import { decodeWithInfo } from '../src/pickle';
import { pyDump } from '../test/support/python';
import { canonical, typedArb } from '../test/support/typedArbitrary';
import { toTyped, Typed } from '../test/support/typed';

const SEED = 20261124;
const N = 1500;

describe('round trip through CPython pickle.dumps, protocols 0-5', () => {
  const values: Typed[] = fc.sample(typedArb, { numRuns: N, seed: SEED });
  // Plus one value that holds one of everything, nested.
  values.push(fc.sample(fc.array(typedArb, { minLength: 40, maxLength: 40 }), { numRuns: 1, seed: SEED + 1 })[0]);

  test('the sample covers every typed tag, nested', () => {
    const tags = new Map<string, number>();
    let maxDepth = 0;
    const walk = (t: unknown, depth: number): void => {
      maxDepth = Math.max(maxDepth, depth);
      if (Array.isArray(t)) {
        tags.set('list', (tags.get('list') ?? 0) + 1);
        t.forEach((x) => walk(x, depth + 1));
      } else if (t && typeof t === 'object') {
        const [[tag, v]] = Object.entries(t);
        tags.set(tag, (tags.get(tag) ?? 0) + 1);
        if (tag === 'tuple' || tag === 'set' || tag === 'frozenset') (v as unknown[]).forEach((x) => walk(x, depth + 1));
        if (tag === 'dict' || tag === 'odict') (v as unknown[][]).forEach(([a, b]) => (walk(a, depth + 1), walk(b, depth + 1)));
      } else tags.set(typeof t, (tags.get(typeof t) ?? 0) + 1);
    };
    values.forEach((v) => walk(v, 0));
    for (const tag of [
      'int',
      'float',
      'string',
      'boolean',
      'object',
      'bytes',
      'bytearray',
      'complex',
      'list',
      'tuple',
      'dict',
      'odict',
      'set',
      'frozenset',
      'ndarray',
      'npscalar',
      'exception',
    ]) {
      expect([tag, (tags.get(tag) ?? 0) > 20]).toEqual([tag, true]);
    }
    expect(maxDepth).toBeGreaterThanOrEqual(3);
  });

  test.each([0, 1, 2, 3, 4, 5])('protocol %i', (protocol) => {
    const pickles = pyDump(protocol, values);
    const failures: string[] = [];
    pickles.forEach((p, i) => {
      try {
        const { value, protocol: seen } = decodeWithInfo(p);
        const got = JSON.stringify(canonical(toTyped(value)));
        const want = JSON.stringify(canonical(values[i]));
        if (got !== want) failures.push(`#${i}: got ${got.slice(0, 400)}\n want ${want.slice(0, 400)}`);
        const expectedProto = protocol >= 2 ? protocol : seen; // 0/1 have no PROTO opcode
        if (seen !== expectedProto || (protocol < 2 && seen > 1)) failures.push(`#${i}: protocol ${seen} for ${protocol}`);
      } catch (e) {
        failures.push(`#${i}: ${(e as Error).message} for ${JSON.stringify(values[i]).slice(0, 300)}`);
      }
    });
    expect(failures.slice(0, 5)).toEqual([]);
  });

  test('protocol detection without PROTO: 0 for text-only pickles, 1 for binary ones', () => {
    const [p0] = pyDump(0, [[{ int: '1' }, 'x']]);
    const [p1] = pyDump(1, [[{ int: '1' }, 'x']]);
    expect(decodeWithInfo(p0).protocol).toBe(0);
    expect(decodeWithInfo(p1).protocol).toBe(1);
  });
});
