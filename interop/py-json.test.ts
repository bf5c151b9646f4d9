import fc from 'fast-check';
import { decodeUtf8Strict, pyJsonLoads } from '../src/py/json';
import { PyError } from '../src/py/errors';
import { pysem } from '../test/support/python';
import { toTyped } from '../test/support/typed';

function run<T>(f: () => T, conv: (v: T) => unknown): unknown {
  try {
    return { ok: conv(f()) };
  } catch (e) {
    if (e instanceof PyError) return { error: `${e.pyName}: ${e.message}` };
    return { error: `JS ${String(e)}` };
  }
}

const FIXED = [
  '{',
  '{"a"',
  '{"a":',
  '{"a":1',
  '{"a":1,',
  '{"a":1,}',
  '{a:1}',
  "{'a':1}",
  '[',
  '[1',
  '[1,',
  '[1,]',
  '[1 2]',
  '',
  ' ',
  '1 2',
  'true x',
  'nul',
  'tru',
  'NaN',
  '-Infinity',
  'Infinity',
  '-',
  '-x',
  '01',
  '1.',
  '1.e5',
  '1e',
  '1E+',
  '-0',
  '-0.0',
  '1e400',
  '123456789012345678901234567890',
  '"abc',
  '"a\\',
  '"a\\x"',
  '"\\u12"',
  '"\\u12',
  '"\\u123"',
  '"\\u1234"',
  '"\\uD83D\\uDE00"',
  '"\\uD83D"',
  '"\\uD83Dx"',
  '"\\uDE00"',
  '"\\uD83D\\u0041"',
  '"\\uD83D\\uDE0"',
  '"\\uZZZZ"',
  '"\\uD83D\\uZZZZ"',
  '"a\tb"',
  '"a\nb"',
  '"\x00"',
  '"\x1f"',
  '"\x7f"',
  '\ufeff1',
  '[1,\n2,\n3\n',
  '{\n"a"\n:\n}',
  '{"a": 1, "a": 2, "b": 3}',
  '"é🙂"',
  '["é🙂", x]',
  '{"🙂": 1 x}',
  '[1.5, -2.25e-3, 1E2, 0]',
  '"\\/"',
  '{"a" 1}',
  '[1}',
  '{"a":1]',
  '  [ ]  ',
  '{ }',
  '[[[[]]]]',
  '"\\"',
  '[1,,2]',
  '1' + '0'.repeat(4300),
  '[true,false,null]',
];

describe('pyJsonLoads against json.loads (CPython 3.11)', () => {
  const good = fc.sample(fc.json(), { numRuns: 400, seed: 5 });
  const unicodeGood = fc.sample(
    fc.jsonValue().map((v) => JSON.stringify(v, null, 1)),
    { numRuns: 100, seed: 6 },
  );
  let seed = 777;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const junk = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', 'x', '1', '-', '.', 'e', '\u0001', '\\u', 'é', '🙂'];
  const mutated = [...good, ...unicodeGood].map((t) => {
    const i = Math.floor(rnd() * (t.length + 1));
    const r = rnd();
    if (r < 0.35) return t.slice(0, i) + t.slice(i + 1);
    if (r < 0.7) return t.slice(0, i) + junk[Math.floor(rnd() * junk.length)] + t.slice(i);
    return t.slice(0, i);
  });
  const all = [...FIXED, ...good, ...unicodeGood, ...mutated];
  const expected = pysem(
    'json',
    all.map((text) => ({ text })),
  );

  test(`${all.length} texts: same value or same JSONDecodeError`, () => {
    const bad: string[] = [];
    all.forEach((t, i) => {
      const got = run(() => pyJsonLoads(t), toTyped);
      if (JSON.stringify(got) !== JSON.stringify(expected[i]))
        bad.push(`${JSON.stringify(t).slice(0, 80)}: ${JSON.stringify(got).slice(0, 200)} vs python ${JSON.stringify(expected[i]).slice(0, 200)}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });

  test('fixed examples: error texts as CPython words them', () => {
    expect(run(() => pyJsonLoads('{x'), toTyped)).toEqual({
      error: 'JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)',
    });
    expect(run(() => pyJsonLoads(''), toTyped)).toEqual({ error: 'JSONDecodeError: Expecting value: line 1 column 1 (char 0)' });
    expect(run(() => pyJsonLoads('1234 5'), toTyped)).toEqual({ error: 'JSONDecodeError: Extra data: line 1 column 6 (char 5)' });
  });
});

describe('decodeUtf8Strict against bytes.decode("utf-8")', () => {
  const fixed = [
    [0xff],
    [0xe2, 0x28, 0xa1],
    [0xe2, 0x82, 0x28],
    [0xe2, 0x82],
    [0xe2],
    [0xed, 0xa0, 0x80],
    [0xc0, 0x80],
    [0xe0, 0x80, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xf0, 0x90, 0x80],
    [0x41, 0xc3, 0xa9, 0xf0, 0x9f, 0x99, 0x82],
    [0x80],
    [0xc2],
    [0xf5, 0x80],
    [0x61, 0x62, 0xfe],
    [],
  ].map((a) => new Uint8Array(a));
  const random = fc.sample(fc.uint8Array({ maxLength: 8 }), { numRuns: 600, seed: 11 });
  const mostlyValid = fc.sample(fc.string({ unit: 'binary', maxLength: 6 }), { numRuns: 300, seed: 12 }).map((s) => {
    const b = Buffer.from(s, 'utf8');
    if (b.length) b[Math.floor((b.length * 7) % b.length)] ^= 0x40;
    return new Uint8Array(b);
  });
  const all = [...fixed, ...random, ...mostlyValid];
  const expected = pysem(
    'decode',
    all.map((b) => ({ hex: Buffer.from(b).toString('hex') })),
  );
  test(`${all.length} byte strings`, () => {
    const bad: string[] = [];
    all.forEach((b, i) => {
      const got = run(
        () => decodeUtf8Strict(b),
        (s) => s,
      );
      if (JSON.stringify(got) !== JSON.stringify(expected[i]))
        bad.push(`${Buffer.from(b).toString('hex')}: ${JSON.stringify(got)} vs python ${JSON.stringify(expected[i])}`);
    });
    expect(bad.slice(0, 20)).toEqual([]);
  });
});
