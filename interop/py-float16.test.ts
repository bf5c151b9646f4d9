/**
 * numpy's float16 against /usr/bin/python3's numpy: the conversion of doubles
 * (src/py/float16.ts: nearest, ties to even, overflow to infinity, NaN's sign
 * kept), widening every half, and the repr of float16 scalars and arrays
 * (src/py/repr.ts: the shortest digits that round-trip in half precision).
 */
import execa from 'execa';
import fc from 'fast-check';
import { halfToNumber, numberToHalf } from '../src/py/float16';
import { pyRepr } from '../src/py/repr';
import { NdArray, NpDtype, NpScalar } from '../src/py/values';
import { PYTHON } from '../test/support/python';

const SCRIPT = `
import sys, json, struct, numpy as np
req = json.loads(sys.stdin.read())
xs = np.array([struct.unpack('>d', bytes.fromhex(h))[0] for h in req['doubles']], dtype=np.float64)
with np.errstate(over='ignore', invalid='ignore'):
    halves = xs.astype(np.float16).view(np.uint16).tolist()
all16 = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
wide = [struct.pack('>d', float(x)).hex() for x in all16.astype(np.float64)]
reprs = [repr(all16[i]) for i in range(0, 65536, 13)]
arrays = [repr(np.array(a, dtype=np.uint16).view(np.float16)) for a in req['arrays']]
print(json.dumps({'halves': halves, 'wide': wide, 'reprs': reprs, 'arrays': arrays}))
`;

const hex64 = (x: number): string => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  return dv.getBigUint64(0).toString(16).padStart(16, '0');
};

test('float16 conversions and repr agree with numpy', () => {
  const doubles = fc.sample(fc.double(), { numRuns: 3000, seed: 16 });
  doubles.push(...fc.sample(fc.double({ min: -70000, max: 70000 }), { numRuns: 3000, seed: 17 }));
  doubles.push(...fc.sample(fc.double({ min: -1e-4, max: 1e-4 }), { numRuns: 2000, seed: 18 }));
  // every midpoint between neighbouring halves, and a hair either side of some
  for (let h = 0; h < 0x7c00; h += 7) {
    const a = halfToNumber(h);
    const m = (a + halfToNumber(h + 1)) / 2;
    doubles.push(m, -m, m * (1 + 2 ** -40), m * (1 - 2 ** -40), a);
  }
  doubles.push(65504, 65519.99, 65520, 65536, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 0, -0, Infinity, -Infinity, NaN, -NaN);
  const arrays = fc.sample(fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }), { numRuns: 300, seed: 19 });
  arrays.push([0x3c00, 0x7e00, 0x7c00, 0xfc00], [0x2e66, 0x3555], [0x0001], [0x7bff, 0x0400]);
  const r = execa.sync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify({ doubles: doubles.map(hex64), arrays }), maxBuffer: 1 << 28 });
  const py = JSON.parse(r.stdout) as { halves: number[]; wide: string[]; reprs: string[]; arrays: string[] };

  const narrowing = doubles.map((x, i) => [hex64(x), numberToHalf(x), py.halves[i]]).filter(([, a, b]) => a !== b);
  expect(narrowing).toEqual([]);
  const widening = py.wide.map((w, h) => [h, hex64(halfToNumber(h)), w]).filter(([, a, b]) => a !== b);
  expect(widening).toEqual([]);
  const reprs = py.reprs.map((p, i) => [i * 13, pyRepr(NpScalar.of(NpDtype.float16, halfToNumber(i * 13))), p]).filter(([, a, b]) => a !== b);
  expect(reprs).toEqual([]);
  const arrayReprs = arrays
    .map((a, i) => {
      const data = new Uint8Array(a.length * 2);
      a.forEach((h, k) => new DataView(data.buffer).setUint16(2 * k, h, true));
      return [a, pyRepr(new NdArray(NpDtype.float16, [a.length], data)), py.arrays[i]];
    })
    .filter(([, x, y]) => x !== y);
  expect(arrayReprs).toEqual([]);
});
