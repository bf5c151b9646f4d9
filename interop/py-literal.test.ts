import fc from 'fast-check';
import { literalEval } from '../src/py/literal';
import { PyError } from '../src/py/errors';
import { pyRepr } from '../src/py/repr';
import { PyComplex, PyDict, PyTuple, PyValue } from '../src/py/values';
import { pysem } from '../test/support/python';
import { toTyped } from '../test/support/typed';

function ours(text: string): unknown {
  try {
    const v = literalEval(text);
    return { ok: v !== null && typeof v === 'object' && v.constructor.name === 'PyGlobal' ? 'Ellipsis' : toTyped(v) };
  } catch (e) {
    if (e instanceof PyError) return { error: `${e.pyName}: ${e.message}`.replace(/0x[0-9a-f]+/g, '0xADDR') };
    return { error: `JS ${String(e)}` };
  }
}

/** PY_STRESS=N multiplies the random case counts (and changes the seeds). */
const STRESS = Number(process.env.PY_STRESS ?? 1);

const FIXED = [
  'abc',
  'abc def',
  '1 2',
  "'abc",
  '"""abc',
  '',
  '   ',
  ' 1',
  '\t1',
  '\n1',
  '1\n',
  '1\n2',
  '[1, 2',
  '(1',
  '{1',
  ')',
  ']',
  '}',
  '1 +',
  '1.2.3',
  '0x',
  '0xg',
  '01',
  '00',
  '0_0',
  '1_',
  '1__0',
  '1e',
  '1e+',
  '1.e5',
  '.5',
  '5.',
  '1j',
  '1.5J',
  '0o8',
  '0b2',
  '0o',
  '0b',
  'a = 1',
  '€',
  '1 ++ 2',
  '--1',
  '-(1)',
  '+True',
  '-"a"',
  'not 1',
  '~1',
  '1+2',
  '1+2j',
  '-1-2j',
  '1-0j',
  '-0j',
  '0-0j',
  '-0.0-0j',
  'x+1j',
  '1+x',
  '2j+1',
  '1*2',
  'f(x)',
  'set()',
  'set(1)',
  'set(a=1)',
  'a.b',
  'a[1]',
  '1<2',
  'a and b',
  'a if b else c',
  'lambda: 0',
  'lambda x, y=1: x',
  '[x for x in y]',
  '{x for x in y}',
  '{k: v for k, v in y}',
  '(x for x in y)',
  '{**a}',
  '{1: x}',
  '{x: 1}',
  '{[1]: 2}',
  '{[1]}',
  '(1,)',
  '1,',
  '1,2,',
  '()',
  '[]',
  '{}',
  'f"x"',
  'b"\\xff"',
  'b"é"',
  '"a" b"b"',
  'r"\\n"',
  'u"x"',
  'rb"\\x"',
  'Rb"a"',
  'bu"x"',
  '"\\x1"',
  '"\\u12"',
  '"\\q"',
  '[1,\n x]',
  '(\n1\n,\n2)',
  '1 # c',
  '1 \\\n + 2j',
  'await x',
  'yield',
  '*a',
  '(*a,)',
  '[*a]',
  'a := 1',
  '(a := 1)',
  '1 if 2',
  '[1,,2]',
  '{1:}',
  '{:1}',
  '\x00',
  '1\x00',
  'True',
  'None',
  'False',
  '__debug__',
  '"a" "b"',
  'b"a" b"b"',
  '0777',
  '1__',
  '1e5j',
  '1_000.5',
  '0x_ff',
  '0xFF_FF',
  '10**3',
  '2**-1',
  '"abc"[0]',
  '"a" "b',
  '"\\',
  '1)',
  '[1)',
  '(1]',
  'a b c',
  'if',
  'def',
  'class',
  'import x',
  '1 = 2',
  'print 1',
  '@',
  '$',
  '?',
  '!',
  '1..2',
  'x.1',
  'True = 1',
  '"\n"',
  "'a\\\nb'",
  '1 2 3',
  '[1 2]',
  '{1 2}',
  '{1:2 3:4}',
  '(1 2)',
  'f(1 2)',
  '"a" 1',
  '1 "a"',
  'None None',
  '9'.repeat(4301),
  '9'.repeat(4300),
  '0x' + 'f'.repeat(300),
  '1e400',
  '-1e400',
  '1e-400',
  'inf',
  'nan',
  '-inf',
  "'\\N{DASH}'",
  '"\\U00110000"',
  '"\\u00e9\\x41\\101\\0\\n"',
  'b"\\101\\x41"',
  "'''a\nb'''",
  '"é🙂"',
  '[1, (2, 3), {"a": [None]}]',
  '{1: 2, 1: 3}',
  '{1, 1.0, True}',
  '(1)',
  '((1,),)',
  '[ ]',
  '{ }',
  ' [1] ',
  '[1]  ',
  '1 ;',
  'a.b.c',
  'a[1:2]',
  'a(1)(2)',
  '-a.b',
  '+-1',
  '-+1',
  '+(1+2j)',
  '1+(2j)',
  '(1)+2j',
  '1 + -2j',
  '1j+1j',
  '1.5-2.5j',
  '0x10 + 1j',
  'True + 1j',
  '"a" + 1j',
  '1 - "b"',
  'None',
  '...',
  '{"a": 1, **b}',
  'x if y',
  '[1, 2,]',
  '{1: 2,}',
  '(,)',
  '[,]',
  '1 not in 2',
  'a is not b',
  'a or b and c',
  '1 | 2',
  '1 & 2',
  '1 ^ 2',
  '1 << 2',
  '1 @ 2',
  '1 // 2',
  '1 % 2',
  '-1 ** 2',
  'f(*a, **k)',
  'f(a=1)',
  'f(x for x in y)',
  "'''unterminated",
  "'a\\'",
  '0b1_0',
  '0o_7',
  '1_2_3',
  '1e1_0',
  '1.5_5',
  '0.0e-0',
  '00.5',
  '007.5',
  '007j',
  '1if 1 else 2',
  '0x1for',
  '1abc',
  '1_a',
  '0xfg',
  '1.5e',
  '[1, 2',
  '[1, 2\n',
  '{"a": 1',
  '{"a": 1,',
  '(1, [2, {3',
  'lambda',
  'not',
  '['.repeat(200) + ']'.repeat(200),
  '['.repeat(201),
  '-'.repeat(300) + '1',
  '('.repeat(100) + '1' + ')'.repeat(100),
  '0_7',
  '0e5',
  '00e5',
  '1__2.5',
  '1_000j',
  '0X1F',
  '1E5',
  '0j',
  '00j',
  '09.5',
  '09',
  '1.5e-3_0',
  '1e1__0',
  '0b_',
  '0o_1',
  '1.__class__',
  '1 .real',
  '1or 2',
  '0x1or 2',
  '1and',
  '1in x',
  '1not in x',
  '1is x',
  '1else',
  '1for',
  '0b1and 2',
  '0o1if 1 else 0',
  '[a = 1]',
  '[1 = 2]',
  '(1+2 = 3)',
  '[a.b = 1]',
  '[f(x) = 1]',
  '[True = 1]',
  '[(1,2) = 1]',
  '[a = b = 1]',
  'f(1 = 2)',
  'f(a = 1 = 2)',
  '{1 = 2}',
  '{1: 2 = 3}',
  '[... = 1]',
  '[{1} = 2]',
  '[{} = 2]',
  '[1 < 2 = 3]',
  '[not a = 1]',
  '[1j = 2]',
  '[f"x" = 1]',
  '{a = 1}',
  '#x',
  '\n',
  '\n#c\n',
  '(yield 1)',
  '(yield from x)',
  '[yield]',
  'f"{"',
  'f"}"',
  'f"{}"',
  'f"{{}}"',
  'f"{x!r}"',
  '{1 {2}',
  '{1 {2}}',
  '[1 [2]',
  '[1 2',
  '[1 2, 3',
  '[1 {2}',
  '[{1 2}',
  '[1 "a"',
  '[0xd06b-034]',
  '0xa8bd071.fbe2',
  '0x1.5',
  '1.5.5',
  '0o7.x',
  '1 + 034',
  '0x1_',
  '0b12',
  '1e5.5',
  '[] []',
  '[[] []]',
  '{"a" := 1}',
  '{1: *a}',
  "{'': 1, -: 2}",
  "{'' +: 1}",
  '"\ud800"',
  'True{',
  'F{alse',
  "[ None'']",
  '[1 if 2]',
  '1 if 2 else',
  '[x for]',
  '(yield)',
  'f(1)(',
  'a.',
  'a[',
  '"\\xZZ"',
  'b"\\xZ"',
  'br"\\xZ"',
  'f"{x"',
  '[1, 2] [0]',
];

function pyLiteralText(v: PyValue, rnd: () => number): string {
  const ws = () => (rnd() < 0.2 ? ' ' : rnd() < 0.05 ? '\n' : '');
  if (typeof v === 'bigint') {
    const r = rnd();
    if (v >= 0n && r < 0.15) return '0x' + v.toString(16);
    if (v >= 0n && r < 0.25) return '0o' + v.toString(8);
    if (v >= 0n && r < 0.3) return '0b' + v.toString(2);
    if (v >= 1000n && r < 0.4) return v.toString().replace(/(\d)(?=(\d{3})+$)/g, '$1_');
    return v.toString();
  }
  if (Array.isArray(v)) return '[' + ws() + v.map((x) => pyLiteralText(x, rnd)).join(',' + ws()) + ws() + ']';
  if (v instanceof PyTuple) return '(' + v.items.map((x) => pyLiteralText(x, rnd)).join(', ') + (v.items.length === 1 ? ',' : '') + ')';
  if (v instanceof PyDict) return '{' + [...v].map(([k, x]) => pyLiteralText(k, rnd) + ws() + ':' + ws() + pyLiteralText(x, rnd)).join(', ') + '}';
  if (typeof v === 'string' && rnd() < 0.2) return '"' + v.replace(/[\\"\n\r]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' })[c]!) + '"';
  return pyRepr(v);
}

describe('literalEval against ast.literal_eval (CPython 3.11)', () => {
  const valueArb: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
      fc.double(),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.uint8Array({ maxLength: 6 }),
      fc.boolean(),
      fc.constant(null),
      fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true })).map(([a, b]) => new PyComplex(a, b)),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.array(tie('v'), { maxLength: 3 }).map((xs) => new PyTuple(xs)),
      fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 4 }), fc.bigInt({ min: -100n, max: 100n })), tie('v')), { maxLength: 3 }).map((es) => new PyDict(es)),
    ),
  })).v;
  const values = fc.sample(valueArb, { numRuns: 500 * STRESS, seed: 7 * STRESS });
  let seed = 12345 * STRESS;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const texts = values.map((v) => pyLiteralText(v, rnd));
  // mutations: delete, duplicate or insert a character
  const junk = ['(', ')', '[', ']', '{', '}', ',', ':', '"', "'", '\\', 'x', '1', '.', '+', '-', 'j', ' ', '\n', '_', 'e', '*', '#', '=', '0x'];
  const mutated = [...texts, ...texts].slice(0, 400 * STRESS * 2).map((t) => {
    const i = Math.floor(rnd() * (t.length + 1));
    const r = rnd();
    if (r < 0.3) return t.slice(0, i) + t.slice(i + 1);
    if (r < 0.6) return t.slice(0, i) + junk[Math.floor(rnd() * junk.length)] + t.slice(i);
    return t.slice(0, i) + t.slice(i, i + 3) + t.slice(i);
  });
  const all = [...FIXED, ...texts, ...mutated];
  const expected = pysem(
    'literal',
    all.map((text) => ({ text })),
  );

  test('fixed cases', () => {
    const bad: string[] = [];
    FIXED.forEach((t, i) => {
      const got = ours(t);
      if (JSON.stringify(got) !== JSON.stringify(expected[i]))
        bad.push(`${JSON.stringify(t).slice(0, 60)}: ${JSON.stringify(got).slice(0, 300)} vs python ${JSON.stringify(expected[i]).slice(0, 300)}`);
    });
    expect(bad).toEqual([]);
  });

  test(`${texts.length} random literal texts round-trip like Python`, () => {
    const bad: string[] = [];
    texts.forEach((t, i) => {
      const got = ours(t);
      const want = expected[FIXED.length + i];
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${JSON.stringify(t)}: ${JSON.stringify(got)} vs python ${JSON.stringify(want)}`);
    });
    expect(bad.slice(0, 10)).toEqual([]);
  });

  test(`${mutated.length} mutated texts: same value or same error`, () => {
    const bad: string[] = [];
    mutated.forEach((t, i) => {
      const got = ours(t);
      const want = expected[FIXED.length + texts.length + i];
      if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`${JSON.stringify(t)}: ${JSON.stringify(got)} vs python ${JSON.stringify(want)}`);
    });
    expect(bad.slice(0, 15)).toEqual([]);
  });

  test('the parseDisp example', () => {
    expect(() => literalEval('abc')).toThrow(/^malformed node or string on line 1: <ast\.Name object at 0x7f[0-9a-f]{10}>$/);
  });
});
