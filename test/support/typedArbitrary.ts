/**
 * fast-check arbitraries of typed JSON values (see test/support/typed.ts),
 * chosen so that Python rebuilds exactly the value described: dict keys and
 * set members are unique under Python equality (no 1 next to True), numpy
 * arrays marked Fortran really are (both dims >= 2), scalars are native-order.
 */
import fc from 'fast-check';
import { floatRepr, Typed } from './typed';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const INT_EDGES: bigint[] = [];
for (const b of [7n, 8n, 15n, 16n, 31n, 32n, 63n, 64n, 127n, 128n, 255n, 256n, 1000n]) {
  const p = 1n << b;
  INT_EDGES.push(p, p - 1n, p + 1n, -p, -p - 1n, -p + 1n);
}
INT_EDGES.push(0n, 1n, -1n, 10n ** 100n, -(10n ** 100n));

export const intArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.integer({ min: -300, max: 300 }).map((n) => BigInt(n)),
  fc.constantFrom(...INT_EDGES),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
  fc.bigInt({ min: -(1n << 2100n), max: 1n << 2100n }),
);

export const floatArb: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1e300, -5e-324, 2 ** 53, 0.1),
  fc.integer().map((n) => n * 1.0),
);

export const strArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom('', 'a\\b', 'line\nbreak', '\\u0041', 'caf\u00e9', '\u{1F600}x', 'x'.repeat(300)),
);

const bytesArb = fc.uint8Array({ maxLength: 40 });

/** Python-equality key of a hashable typed value (1 == True == 1.0). */
export function pyKey(t: Typed): string {
  if (t === null) return 'N';
  if (typeof t === 'boolean') return t ? 'n1' : 'n0';
  if (typeof t === 'string') return 's' + t;
  if (Array.isArray(t)) return 'L' + t.map(pyKey).join(',');
  const [[tag, v]] = Object.entries(t) as [string, any][];
  // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- the tagged value is a number or bigint: its JS text is wanted
  if (tag === 'int') return 'n' + v;
  if (tag === 'tuple') return 't(' + (v as Typed[]).map(pyKey).join('\u0000') + ')';
  return tag + JSON.stringify(v);
}

export const hashableArb: fc.Arbitrary<Typed> = fc.letrec<{ h: Typed }>((tie) => ({
  h: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    intArb.map((i) => ({ int: i.toString() })),
    strArb,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('h'), { maxLength: 3 }).map((items) => ({ tuple: items })),
  ),
})).h;

const uniq = (arb: fc.Arbitrary<Typed>, maxLength: number) => fc.uniqueArray(arb, { selector: pyKey, maxLength });

const DTYPES = ['<f8', '<f4', '>f8', '<i4', '>i4', '<i8', '<i2', '|i1', '|u1', '<u2', '<u4', '<u8', '|b1', '<c16', '<c8', '<U3', '|S4'];
const itemsize = (dt: string): number => (dt[1] === 'U' ? 4 : 1) * Number(dt.slice(2));

function elementBytes(dt: string, count: number): fc.Arbitrary<Uint8Array> {
  const n = count * itemsize(dt);
  if (dt === '|b1') return fc.array(fc.integer({ min: 0, max: 1 }), { minLength: count, maxLength: count }).map((a) => Uint8Array.from(a));
  if (dt[1] === 'U') {
    const le = dt[0] === '<';
    return fc
      .array(
        fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff),
        { minLength: count * 3, maxLength: count * 3 },
      )
      .map((cps) => {
        const b = Buffer.alloc(cps.length * 4);
        cps.forEach((c, i) => (le ? b.writeUInt32LE(c, i * 4) : b.writeUInt32BE(c, i * 4)));
        return new Uint8Array(b);
      });
  }
  return fc.uint8Array({ minLength: n, maxLength: n });
}

export const ndarrayArb: fc.Arbitrary<Typed> = fc
  .record({
    dtype: fc.constantFrom(...DTYPES),
    shape: fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 6 })).map((s) => ({ shape: [...s], fortran: false })),
      fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })).map((s) => ({ shape: [...s], fortran: false })),
      fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 })).map((s) => ({ shape: [...s], fortran: true })),
      fc.constant({ shape: [] as number[], fortran: false }),
    ),
  })
  .chain(({ dtype, shape }) =>
    elementBytes(
      dtype,
      shape.shape.reduce((a, b) => a * b, 1),
    ).map((data) => ({
      ndarray: { dtype, shape: shape.shape, fortran: shape.fortran, data: hexOf(data) },
    })),
  );

export const npscalarArb: fc.Arbitrary<Typed> = fc
  .constantFrom('<f8', '<f4', '<i4', '<i8', '<i2', '|i1', '|u1', '<u2', '<u8', '|b1', '<c16')
  .chain((dtype) => elementBytes(dtype, 1).map((data) => ({ npscalar: { dtype, data: hexOf(data) } })));

export const typedArb: fc.Arbitrary<Typed> = fc.letrec<{ v: Typed }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    intArb.map((i) => ({ int: i.toString() })),
    floatArb.map((x) => ({ float: floatRepr(x) })),
    strArb,
    bytesArb.map((b) => ({ bytes: hexOf(b) })),
    bytesArb.map((b) => ({ bytearray: hexOf(b) })),
    fc.tuple(floatArb, floatArb).map(([a, b]) => ({ complex: [floatRepr(a), floatRepr(b)] })),
    ndarrayArb,
    npscalarArb,
    fc.tuple(fc.constantFrom('builtins.ValueError', 'builtins.Exception', 'builtins.KeyError'), fc.array(strArb, { maxLength: 2 })).map(([c, args]) => ({
      exception: [c, args],
    })),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.array(tie('v'), { maxLength: 4 }).map((items) => ({ tuple: items })),
    fc.tuple(uniq(hashableArb, 5), fc.array(tie('v'), { minLength: 5, maxLength: 5 })).map(([ks, vs]) => ({ dict: ks.map((k, i) => [k, vs[i]]) })),
    fc.tuple(uniq(hashableArb, 4), fc.array(tie('v'), { minLength: 4, maxLength: 4 })).map(([ks, vs]) => ({ odict: ks.map((k, i) => [k, vs[i]]) })),
    uniq(hashableArb, 5).map((xs) => ({ set: xs })),
    uniq(hashableArb, 5).map((xs) => ({ frozenset: xs })),
  ),
})).v;

/** Typed form with set/frozenset members in one canonical order (JS JSON text), for comparisons. */
export function canonical(t: unknown): unknown {
  if (Array.isArray(t)) return t.map(canonical);
  if (t && typeof t === 'object') {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- states the entry shape the test expects
    const [[tag, v]] = Object.entries(t) as [string, any][];
    if (tag === 'set' || tag === 'frozenset') {
      const items = (v as unknown[]).map(canonical);
      items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      return { [tag]: items };
    }
    if (tag === 'tuple') return { tuple: (v as unknown[]).map(canonical) };
    if (tag === 'dict' || tag === 'odict') return { [tag]: (v as [unknown, unknown][]).map(([a, b]) => [canonical(a), canonical(b)]) };
    if (tag === 'exception') return { exception: [v[0], (v[1] as unknown[]).map(canonical)] };
    return t;
  }
  return t;
}
