import fc from 'fast-check';
import { floatRepr, pyRepr, pyStr } from '../src/py/repr';
import { NdArray, NpDtype, NpScalar, PyByteArray, PyComplex, PyDict, PyFrozenSet, PyObject, PyOrderedDict, PySet, PyTuple, PyValue } from '../src/py/values';
import { pysem } from '../test/support/python';
import { toTyped } from '../test/support/typed';

/** One python process for a whole batch of requests. */
const SEED = 20261124 + Number(process.env.PY_STRESS ?? 1);
const STRESS = Number(process.env.PY_STRESS ?? 1);

function randomFloats(n: number): number[] {
  const out = fc.sample(fc.double(), { numRuns: n, seed: SEED });
  out.push(0, -0, NaN, Infinity, -Infinity, 1e16, 1e15, 9999999999999998, 1e-4, 1e-5, 0.1, 1 / 3, 5e-324, 1.7976931348623157e308, 123456789.0, 100, 1e22);
  for (let e = -30; e <= 30; e++) out.push(10 ** e, 1.5 * 10 ** e, -(2 ** e));
  // floatRepr takes a shortcut for 1e-4 <= |x| < 1e16: cover that range densely, and its edges to the ulp
  out.push(...fc.sample(fc.double({ min: -1e16, max: 1e16, noNaN: true }), { numRuns: n, seed: SEED + 1 }));
  out.push(...fc.sample(fc.double({ min: 1e-6, max: 1e-2, noNaN: true }), { numRuns: n / 4, seed: SEED + 2 }));
  const ulp = (x: number, d: number) => {
    const b = new Float64Array([x]);
    const i = new BigInt64Array(b.buffer);
    i[0] += BigInt(d);
    return b[0];
  };
  for (const edge of [1e-4, 1e16, 1e15, 1e-3]) for (let d = -3; d <= 3; d++) out.push(ulp(edge, d), -ulp(edge, d));
  return out;
}

function npArray(dtype: NpDtype, values: PyValue[], shape?: number[]): NdArray {
  return NdArray.from(dtype, values, shape ?? [values.length]);
}

function npCases(): NdArray[] {
  const cases: NdArray[] = [];
  const rnd = fc.sample(
    fc.record({
      len: fc.integer({ min: 0, max: 40 }),
      kind: fc.constantFrom('f8', 'f8s', 'f8big', 'f8int', 'f8special', 'f4', 'i4', 'i8', 'u1', 'b1', 'c16'),
      seed: fc.integer(),
    }),
    { numRuns: 400 * STRESS, seed: SEED },
  );
  for (const { len, kind, seed } of rnd) {
    const g = fc
      .sample<unknown>(
        kind === 'f8'
          ? fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
          : kind === 'f8s'
            ? fc.constantFrom(0.5, 1.5, 2.5, 0.1, 0.25, 1, 3, 4.5, -1, -0.0, 0, 100, 0.001)
            : kind === 'f8big'
              ? fc.double({ noNaN: true, noDefaultInfinity: true })
              : kind === 'f8int'
                ? fc.integer({ min: -1000, max: 1000 }).map((x) => x / 8)
                : kind === 'f8special'
                  ? fc.constantFrom(NaN, Infinity, -Infinity, 1.5, -2, 0, 1e-7, 12345.678)
                  : kind === 'f4'
                    ? fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e5, max: 1e5 }).map(Math.fround)
                    : kind === 'c16'
                      ? fc.tuple(fc.constantFrom(0, 1.5, -2, 0.25, 1e-6, NaN), fc.constantFrom(0, 1, -3.5, 1e9))
                      : kind === 'b1'
                        ? fc.boolean()
                        : kind === 'u1'
                          ? fc.integer({ min: 0, max: 255 })
                          : kind === 'i4'
                            ? fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })
                            : fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        { numRuns: Math.max(len, 1), seed },
      )
      .slice(0, len);
    const dtype = kind.startsWith('f8')
      ? NpDtype.float64
      : kind === 'f4'
        ? NpDtype.float32
        : kind === 'c16'
          ? new NpDtype('c', 16)
          : kind === 'b1'
            ? NpDtype.bool
            : kind === 'u1'
              ? NpDtype.uint8
              : kind === 'i4'
                ? NpDtype.int32
                : NpDtype.int64;
    const vals: PyValue[] = g.map((x) =>
      kind === 'c16' ? new PyComplex(...(x as [number, number])) : typeof x === 'number' && 'iu'.includes(dtype.kind) ? BigInt(x) : (x as PyValue),
    );
    cases.push(npArray(dtype, vals));
  }
  // 2-d and 3-d, 0-d, empty
  cases.push(npArray(NpDtype.float64, [1, 2, 3, 4.5, 5, 6], [2, 3]));
  cases.push(npArray(NpDtype.int32, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n], [2, 2, 2]));
  cases.push(
    npArray(
      NpDtype.float64,
      Array.from({ length: 60 }, (_, i) => i * 1.25),
      [3, 20],
    ),
  );
  cases.push(
    npArray(
      NpDtype.float64,
      Array.from({ length: 2000 }, (_, i) => i * 0.5),
    ),
  );
  cases.push(
    npArray(
      NpDtype.int64,
      Array.from({ length: 1200 }, (_, i) => BigInt(i)),
      [40, 30],
    ),
  );
  cases.push(npArray(NpDtype.float64, [1.5], []));
  cases.push(npArray(NpDtype.int32, [7n], []));
  cases.push(npArray(NpDtype.float64, [], [2, 0]));
  cases.push(npArray(NpDtype.int32, [], [0]));
  cases.push(new NdArray(NpDtype.float64, [2, 3], new Uint8Array(new Float64Array([1, 2, 3, 4, 5, 6]).buffer), true));
  cases.push(npArray(new NpDtype('f', 8, '>'), [1.5, 2]));
  cases.push(npArray(new NpDtype('i', 4, '>'), [1n, 2n]));
  cases.push(npArray(new NpDtype('U', 12), ['a', "b'c", 'xyz']));
  cases.push(npArray(new NpDtype('S', 3), [new Uint8Array([97]), new Uint8Array([98, 99])]));
  return cases;
}

describe('pyRepr / pyStr against CPython 3.11 + numpy 1.24', () => {
  const floats = randomFloats(2000);
  const strs = fc.sample(fc.string({ unit: 'binary', maxLength: 12 }), { numRuns: 600, seed: SEED });
  strs.push('', "'", '"', '\'"', 'a\nb\tc\r\\', '\x00\x7f\x80\xa0\xad', '\u2028\u00e9\u{1f600}\ud800', '\u0378', 'ÿ');
  const bytes = fc.sample(fc.uint8Array({ maxLength: 12 }), { numRuns: 200, seed: SEED });
  bytes.push(new Uint8Array([39]), new Uint8Array([39, 34]), new Uint8Array([34]));
  const misc: PyValue[] = [
    null,
    true,
    false,
    0n,
    -12n,
    2n ** 100n,
    new PyTuple([]),
    new PyTuple([1n]),
    new PyTuple([1n, 'a', 2.5]),
    [1n, [2.0, null], new PyTuple([true])],
    new PyDict([
      ['a', 1n],
      [2n, [0.1]],
    ]),
    new PyDict(),
    new PyOrderedDict([
      ['a', 1n],
      ['b', 2.5],
    ]),
    new PyOrderedDict(),
    new PySet([1n]),
    new PySet(),
    new PyFrozenSet([]),
    new PyFrozenSet(['x']),
    new PyByteArray(new Uint8Array([0, 65, 39])),
    new PyByteArray(),
    new PyComplex(1, 2),
    new PyComplex(0, 1),
    new PyComplex(-0, -0),
    new PyComplex(0, -0),
    new PyComplex(1.5, -0),
    new PyComplex(NaN, Infinity),
    new PyComplex(1e16, 1e-5),
    PyObject.exception('msg'),
    PyObject.exception('bad', 'builtins', 'ValueError'),
    new PyObject(new PyObject(PyObject.exception('x').cls).cls, [1n, 'b'], 'reduce'),
    new PyObject(PyObject.exception('x', 'builtins', 'KeyError').cls, ['k'], 'reduce'),
    new PyObject(PyObject.exception('x').cls, [], 'reduce'),
    NpScalar.of(NpDtype.float64, 4.5),
    NpScalar.of(NpDtype.float64, 1e16),
    NpScalar.of(NpDtype.float64, 1e-5),
    NpScalar.of(NpDtype.float64, 3),
    NpScalar.of(NpDtype.float32, 0.1),
    NpScalar.of(NpDtype.float32, 1e-5),
    NpScalar.of(NpDtype.float32, 3e10),
    NpScalar.of(NpDtype.float32, 123456.79),
    NpScalar.of(NpDtype.int32, -5n),
    NpScalar.of(NpDtype.uint8, 255n),
    NpScalar.of(NpDtype.bool, true),
    NpScalar.of(new NpDtype('c', 16), new PyComplex(1, 2)),
  ];
  const values: PyValue[] = [...floats, ...strs, ...bytes, ...misc, ...npCases()];
  const expected = pysem(
    'repr',
    values.map((v) => ({ v: toTyped(v) })),
  );

  test('batch size', () => expect(expected).toHaveLength(values.length));

  test('float repr (2,000+ random doubles)', () => {
    const bad: string[] = [];
    floats.forEach((f, i) => {
      if (floatRepr(f) !== expected[i].repr || pyRepr(f) !== expected[i].repr || pyStr(f) !== expected[i].str)
        bad.push(`${f}: ${floatRepr(f)} vs ${expected[i].repr}`);
    });
    expect(bad).toEqual([]);
  });

  test('every value: repr and str', () => {
    const bad: string[] = [];
    values.forEach((v, i) => {
      const want = expected[i];
      let got: { repr: string; str: string };
      try {
        got = { repr: pyRepr(v), str: pyStr(v) };
      } catch (e) {
        got = { repr: String(e), str: '' };
      }
      if (got.repr !== want.repr) bad.push(`repr #${i}:\n${got.repr}\n--- python:\n${want.repr}`);
      if (got.str !== want.str) bad.push(`str #${i}:\n${got.str}\n--- python:\n${want.str}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });

  test('tree-style objects use PY_REPR', () => {
    const node = { [Symbol.for('pyrogue-ts.repr')]: () => "<class 'pyrogue.LocalVariable'> - root.x" } as unknown as PyValue;
    expect(pyRepr([node])).toBe("[<class 'pyrogue.LocalVariable'> - root.x]");
    expect(pyStr(node)).toBe("<class 'pyrogue.LocalVariable'> - root.x");
  });

  test('numpy str and repr of fixed arrays', () => {
    expect(pyStr(npArray(NpDtype.float64, [0.5, 1.5, 2.5]))).toBe('[0.5 1.5 2.5]');
    expect(pyStr(npArray(NpDtype.float64, [1, 4.5, 3]))).toBe('[1.  4.5 3. ]');
    expect(pyRepr(npArray(NpDtype.int32, [1n, 2n, 3n, 4n]))).toBe('array([1, 2, 3, 4], dtype=int32)');
    expect(pyRepr(npArray(NpDtype.float64, [0.5, 1.5, 2.5]))).toBe('array([0.5, 1.5, 2.5])');
  });
});
