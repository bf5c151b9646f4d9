/**
 * src/py/numtext.ts against /usr/bin/python3: `str.isspace()` and the decimal
 * digits of every code point, `str.strip()`, `int(s, base)` and `float(s)`
 * of generated texts (every Unicode space and separator, Unicode digits of
 * Unicode 14 and of later versions, underscores, prefixes, signs, literals
 * past the 4,300-digit limit), and pickle's INT, LONG and FLOAT text opcodes,
 * which parse with the same C functions.
 */
import execa from 'execa';
import fc from 'fast-check';
import { decode } from '../src/pickle/decode';
import { PyError } from '../src/py/errors';
import { decimalValue, isPySpace, pyFloatFromStr, pyIntFromStr, pyStrip } from '../src/py/numtext';
import { floatRepr } from '../src/py/repr';
import { PYTHON } from '../test/support/python';

jest.setTimeout(120_000);

/** Runs `body` in Python with `cases` (JSON) as `CASES`; returns the JSON it prints. */
function python(body: string, cases: unknown): unknown {
  const script = ['import json, sys, pickle, unicodedata', 'CASES = json.loads(sys.stdin.read())', body].join('\n');
  return JSON.parse(execa.sync(PYTHON, ['-c', script], { input: JSON.stringify(cases), maxBuffer: 1 << 28 }).stdout);
}

/** A value or an error as both sides write it: ints in hex (repr of a long int is limited), floats by repr. */
function show(f: () => unknown): string {
  try {
    const v = f();
    if (typeof v === 'bigint') return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
    if (typeof v === 'number') return floatRepr(v);
    return String(v === true ? 'True' : v === false ? 'False' : v);
  } catch (e) {
    if (e instanceof PyError) return `${e.pyName}: ${e.message}`;
    throw e;
  }
}
const PY_SHOW = `
def show(f):
    try:
        v = f()
        if isinstance(v, bool): return repr(v)
        if isinstance(v, int): return hex(v)
        return repr(v)
    except Exception as e:
        return f'{type(e).__name__}: {e}'
`;

test('str.isspace() and the decimal value of every code point', () => {
  const want = python(
    `print(json.dumps({'space': [c for c in range(0x110000) if chr(c).isspace()],
                  'digits': [[c, unicodedata.decimal(chr(c))] for c in range(0x110000) if unicodedata.decimal(chr(c), -1) >= 0]}))`,
    null,
  ) as { space: number[]; digits: [number, number][] };
  const space: number[] = [];
  const digits: [number, number][] = [];
  for (let c = 0; c < 0x110000; c++) {
    if (isPySpace(c)) space.push(c);
    const d = decimalValue(c);
    if (d >= 0) digits.push([c, d]);
  }
  expect(space).toEqual(want.space);
  expect(digits).toEqual(want.digits);
});

/** Every character Python counts as a space, the separators and format characters it does not, and a few others. */
const SPACES = [
  ...'\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000',
];
const NOT_SPACES = ['\u180e', '\u200b', '\u2060', '\ufeff', '\x00', '\x7f', '\x1b'];
/** ASCII digits and Unicode ones: Arabic-Indic, Devanagari, fullwidth, mathematical, and Nag Mundari (Unicode 15, unknown to Python 3.11). */
const DIGITS = [...'0123456789', '\u0660', '\u0663', '\u0969', '\uff10', '\uff19', '\u{1d7ce}', '\u{1d7ff}', '\u{1e4f0}', '\u{1e4f9}'];
const OTHERS = [...'abcdefABCDEFxXoObBiInNtTyYjJLlz_+-.()', 'é', 'ß', '\u0130'];

const digitRun = fc.array(fc.constantFrom(...DIGITS), { minLength: 1, maxLength: 4 }).map((d) => d.join(''));
const literal = fc
  .record({
    lead: fc.array(fc.constantFrom(...SPACES, ...NOT_SPACES), { maxLength: 2 }),
    sign: fc.constantFrom('', '', '+', '-', '+-'),
    prefix: fc.constantFrom('', '', '', '0x', '0X', '0o', '0b', '0', '0x_', '0_'),
    runs: fc.array(digitRun, { minLength: 0, maxLength: 3 }),
    sep: fc.constantFrom('_', '_', '__', ''),
    fraction: fc.constantFrom('', '', '.', '.5', '.0_1', '._1'),
    exponent: fc.constantFrom('', '', 'e5', 'E-3', 'e', 'e+', 'e_1', 'e400', 'e-400'),
    word: fc.constantFrom('', '', '', '', '', 'inf', 'Infinity', 'nan', 'NaN', 'infinit', 'infinityx'),
    trail: fc.array(fc.constantFrom(...SPACES, ...NOT_SPACES), { maxLength: 2 }),
  })
  .map((p) => p.lead.join('') + p.sign + (p.word || p.prefix + p.runs.join(p.sep) + p.fraction + p.exponent) + p.trail.join(''));
const anyText = fc.array(fc.constantFrom(...DIGITS, ...SPACES, ...NOT_SPACES, ...OTHERS), { maxLength: 10 }).map((a) => a.join(''));
const LONG_TEXTS = [
  'x' + '\u0661'.repeat(150),
  '1'.repeat(4300),
  '1'.repeat(4301),
  '1_'.repeat(4300) + '1',
  '\u0661'.repeat(4301),
  ' ' + '9'.repeat(4301) + 'x',
  '0x' + 'f'.repeat(5000),
  '7'.repeat(4301),
];

const BASES = [10, 0, 16, 8, 2, 36, 3];

test('int(s, base), float(s) and s.strip() of generated texts', () => {
  const texts = [...new Set([...fc.sample(literal, { numRuns: 3000, seed: 26 }), ...fc.sample(anyText, { numRuns: 1500, seed: 27 }), ...LONG_TEXTS, ''])];
  const want = python(
    `${PY_SHOW}
print(json.dumps({'parsed': [[show(lambda: int(s, b)) for b in ${JSON.stringify(BASES)}] + [show(lambda: float(s))] for s in CASES],
                  'stripped': [s.strip() for s in CASES]}))`,
    texts,
  ) as { parsed: string[][]; stripped: string[] };
  const mismatches: string[] = [];
  texts.forEach((s, i) => {
    const got = [...BASES.map((b) => show(() => pyIntFromStr(s, b))), show(() => pyFloatFromStr(s))];
    if (JSON.stringify(got) !== JSON.stringify(want.parsed[i]) || pyStrip(s) !== want.stripped[i])
      mismatches.push(
        `${JSON.stringify(s).slice(0, 60)}: ${JSON.stringify(got)} ${JSON.stringify(pyStrip(s))} / ${JSON.stringify(want.parsed[i])} ${JSON.stringify(want.stripped[i])}`,
      );
  });
  console.log(`py-numtext: ${texts.length} texts × (${BASES.length} bases, float, strip) compared with ${PYTHON}`);
  expect(mismatches.slice(0, 20)).toEqual([]);
});

test("pickle's INT, LONG and FLOAT text opcodes on generated lines", () => {
  const noNewline = (s: string) => !s.includes('\n') && !s.includes('\x00');
  const lines = [
    ...new Set([...fc.sample(literal, { numRuns: 1500, seed: 28 }), ...fc.sample(anyText, { numRuns: 500, seed: 29 }), ...LONG_TEXTS].filter(noNewline)),
  ];
  const want = python(
    `${PY_SHOW}
out = []
for s in CASES:
    b = s.encode('utf-8')
    out.append([show(lambda: pickle.loads(op + b + b'\\n.')) for op in (b'I', b'L', b'F')])
print(json.dumps(out))`,
    lines,
  ) as string[][];
  const mismatches: string[] = [];
  lines.forEach((s, i) => {
    const b = Buffer.from(s, 'utf8');
    const got = ['I', 'L', 'F'].map((op) => show(() => decode(Buffer.concat([Buffer.from(op), b, Buffer.from('\n.')]))));
    if (JSON.stringify(got) !== JSON.stringify(want[i]))
      mismatches.push(`${JSON.stringify(s).slice(0, 60)}: ${JSON.stringify(got)} / ${JSON.stringify(want[i])}`);
  });
  console.log(`py-numtext: ${lines.length} lines × (INT, LONG, FLOAT) compared with pickle.loads`);
  expect(mismatches.slice(0, 20)).toEqual([]);
});
