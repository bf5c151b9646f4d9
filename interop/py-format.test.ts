import fc from 'fast-check';
import { formatSpec, pyFormat } from '../src/py/format';
import { PyError } from '../src/py/errors';
import { NdArray, NpDtype, NpScalar, PyComplex, PyDict, PyTuple, PyValue } from '../src/py/values';
import { pysem } from '../test/support/python';
import { toTyped } from '../test/support/typed';

function run(f: () => string): { ok: string } | { error: string } {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof PyError) return { error: `${e.pyName}: ${e.message}` };
    return { error: `JS ${String(e)}` };
  }
}

const STRESS = Number(process.env.PY_STRESS ?? 1);
const SEED = 424242 + STRESS;

const SPECS = [
  '',
  '#x',
  '#08x',
  'x',
  'X',
  'd',
  'b',
  'o',
  '1.3f',
  '.2e',
  'g',
  '%',
  '>10',
  '<5',
  '^5',
  ',',
  '_',
  '+d',
  '08.3f',
  's',
  '#X',
  '#b',
  '#o',
  '#010b',
  '_x',
  '_b',
  ',d',
  '010,',
  '09,',
  '08,',
  '012,.2f',
  '=+10',
  '*^9',
  '0=5',
  'x<05',
  'z',
  'z.1f',
  ' d',
  ' ',
  '+',
  '-',
  'c',
  '>5c',
  'n',
  '.0f',
  '#.0f',
  '#g',
  '#',
  '#.3',
  '.3',
  '.1',
  '.17g',
  '.20f',
  'e',
  'E',
  'G',
  'F',
  '.3%',
  ',.1%',
  '.10',
  '10.4',
  '-^12.3e',
  'z+.2f',
  '+.0e',
  '015,.3f',
  ',g',
  '_f',
  '.0e',
  '#.0e',
  '.0%',
  '#.0%',
  '.1g',
  '.0g',
  '#.0g',
  '.',
  '1.2.3',
  'xx',
  '.2',
  '.2x',
  '+c',
  '#c',
  ',x',
  ',_',
  '_,',
  '__',
  ',,',
  ',n',
  '_n',
  '=',
  '05',
  '=5',
  'zd',
  'zx',
  '\u0001',
  '9999999999999999999',
  '.9999999999999999999',
  '€^7',
  '🙂>4',
  '.2s',
  '07.3s',
  'j',
  'r',
];

const INTS: PyValue[] = [0n, 1n, -1n, 5n, 65n, 255n, -255n, 1234n, -1234567n, 10n ** 7n, 2n ** 64n, -(2n ** 70n), 10n ** 30n, 2n ** 1100n, true, false];
const FLOATS: PyValue[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  2.5,
  0.125,
  1 / 3,
  -2 / 3,
  100,
  123,
  1234.5,
  12345.678,
  1e16,
  1e-5,
  1e-4,
  9.9999,
  99.95,
  0.0005,
  1e22,
  1e300,
  -1e-300,
  5e-324,
  NaN,
  Infinity,
  -Infinity,
  123456789.125,
  0.001,
  -0.0001,
];
const STRS: PyValue[] = ['', 'a', 'abc', 'héllo', '🙂x'];
const OTHERS: PyValue[] = [
  null,
  [1n],
  new PyTuple([1n]),
  new PyDict([['a', 1n]]),
  new Uint8Array([120]),
  new PyComplex(1, 2),
  new PyComplex(0, -1.5),
  new PyComplex(-0, 0),
  NpScalar.of(NpDtype.float64, 4.5),
  NpScalar.of(NpDtype.float32, 0.1),
  NpScalar.of(NpDtype.int32, -7n),
  NpScalar.of(NpDtype.uint8, 200n),
  NpScalar.of(NpDtype.bool, true),
  NdArray.from(NpDtype.float64, [1.5, 2]),
];
const COMPLEX_SPECS = ['', '5', '.2f', '>20', '+', '.3', 'e', '=5', '05', '%', '+.1e', 'g', ',.2f', '^30.4g', ' '];

describe('format(value, spec) against CPython 3.11', () => {
  const randomFloats = fc.sample(fc.double(), { numRuns: 300 * STRESS, seed: SEED });
  const randomInts = fc.sample(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), { numRuns: 100 * STRESS, seed: SEED });
  const randomSpecs = fc
    .sample(
      fc.record({
        fillAlign: fc.constantFrom('', '<', '>', '^', '=', '*<', '0>', 'x^', '0='),
        sign: fc.constantFrom('', '+', '-', ' '),
        z: fc.constantFrom('', '', 'z'),
        alt: fc.constantFrom('', '#'),
        zero: fc.constantFrom('', '0'),
        width: fc.constantFrom('', '1', '8', '15', '30'),
        grouping: fc.constantFrom('', '', ',', '_'),
        prec: fc.constantFrom('', '.0', '.1', '.3', '.8', '.15', '.25'),
        type: fc.constantFrom('', 'd', 'x', 'X', 'b', 'o', 'e', 'E', 'f', 'F', 'g', 'G', '%', 'n', 's', 'c'),
      }),
      { numRuns: 600 * STRESS, seed: SEED },
    )
    .map((r) => r.fillAlign + r.sign + r.z + r.alt + r.zero + r.width + r.grouping + r.prec + r.type);

  const cases: [PyValue, string][] = [];
  for (const v of [...INTS, ...FLOATS, ...STRS]) for (const s of SPECS) cases.push([v, s]);
  for (const v of OTHERS) for (const s of [...COMPLEX_SPECS, 'x', 'd', '.2f']) cases.push([v, s]);
  randomFloats.forEach((f, i) => cases.push([f, randomSpecs[i % randomSpecs.length]]));
  randomFloats.forEach((f, i) => cases.push([f, randomSpecs[(i * 7 + 3) % randomSpecs.length]]));
  randomInts.forEach((n, i) => cases.push([n, randomSpecs[(i * 5 + 1) % randomSpecs.length]]));
  randomSpecs.forEach((s, i) => cases.push([FLOATS[i % FLOATS.length], s], [INTS[i % INTS.length], s], ['ab', s]));
  const complexes = [
    new PyComplex(1, 2),
    new PyComplex(-1.5, -0),
    new PyComplex(0, 3),
    new PyComplex(-0, 3),
    new PyComplex(NaN, -Infinity),
    new PyComplex(1e20, 1e-7),
    new PyComplex(0, 0),
    new PyComplex(1234.5678, -9876.54321),
  ];
  randomSpecs.forEach((s, i) => cases.push([complexes[i % complexes.length], s]));
  for (const c of complexes)
    for (const s of ['', '.3', '#', '+', '.0', '#.0', 'g', '.2g', '>30', '<30,', '*^30.3e', 'z', 'z.0f', ' .1f', 'n', '_']) cases.push([c, s]);
  const expected = pysem(
    'format',
    cases.map(([v, spec]) => ({ v: toTyped(v), spec })),
  );

  test(`${cases.length} value × spec cases, results and error messages`, () => {
    expect(expected).toHaveLength(cases.length);
    const bad: string[] = [];
    cases.forEach(([v, spec], i) => {
      const got = run(() => formatSpec(v, spec));
      if (JSON.stringify(got) !== JSON.stringify(expected[i]))
        bad.push(`format(${JSON.stringify(toTyped(v))}, ${JSON.stringify(spec)}): ${JSON.stringify(got)} vs python ${JSON.stringify(expected[i])}`);
    });
    expect(bad.slice(0, 30)).toEqual([]);
  });
});

describe('str.format templates against CPython 3.11', () => {
  const templates: [string, PyValue[]][] = [
    ['{}', [1.5]],
    ['{:#x}', [255n]],
    ['{:#08x}', [255n]],
    ['value={} unit', [3n]],
    ['{{}} {}', ['x']],
    ['{{{}}}', ['x']],
    ['{0} {0} {1}', [1n, 2n]],
    ['{} {}', [1n]],
    ['{0} {}', [1n, 2n]],
    ['{} {0}', [1n, 2n]],
    ['{name}', [1n]],
    ['{', [1n]],
    ['}', [1n]],
    ['{0', [1n]],
    ['a}b', []],
    ['{!r}', ['x']],
    ['{!s}', ['x']],
    ['{!a}', ['é🙂']],
    ['{!x}', ['x']],
    ['{!}', ['x']],
    ['{!r:>6}', ['x']],
    ['{!rx}', ['x']],
    ['{:{}}', [1.5, '>8']],
    ['{:{}.{}f}', [1.5, 10n, 3n]],
    ['{0[0]}', [[7n, 8n]]],
    ['{0[1]}', [new PyTuple([7n, 8n])]],
    ['{0[5]}', [[7n]]],
    ['{0[a]}', [new PyDict([['a', 'b']])]],
    ['{0[x]}', [[1n]]],
    ['{0.real}', [new PyComplex(1, 2)]],
    ['{0.imag}', [3n]],
    ['{0.foo}', [3n]],
    ['{0.}', [3n]],
    ['{0[}', [3n]],
    ['{0[0]x}', [[3n]]],
    ['{a{}', [3n]],
    ['{:s}', [1n]],
    ['{:d}', [1.5]],
    ['{:x}', ['abc']],
    ['{:1.3f}', [2n]],
    ['{}', [null]],
    ['{:5}', [null]],
    ['{}', [[1n, 'a']]],
    ['{}', [NdArray.from(NpDtype.float64, [0.5, 1.5, 2.5])]],
    ['{:.2f}', [NpScalar.of(NpDtype.float64, 4.5)]],
    ['{:{:{}}}', [1n, 2n, 3n]],
    ['{:{:{:{}}}}', [1n, 2n, 3n, 4n]],
    ['', []],
    ['{:>{}}', ['ab', 'x']],
  ];
  const expected = pysem(
    'template',
    templates.map(([t, args]) => ({ t, args: args.map(toTyped) })),
  );
  test.each(templates.map((t, i) => [i, t[0]] as const))('#%d %j', (i) => {
    const [t, args] = templates[i];
    expect(run(() => pyFormat(t, ...args))).toEqual(expected[i]);
  });
});
