/**
 * The W = 32 PRBS LFSR fill (src/stream/lfsr.ts): the WebAssembly SIMD module and the
 * JavaScript path give the words of the step-by-step LFSR, for any taps, seed, length and
 * start; the module's bytes are what tools/wasm/lfsr32.wat assembles to.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import fc from 'fast-check';
import { Lfsr32, lfsrSimd, parity } from '../src/stream/lfsr';

/** The LFSR one step at a time: out[from..to) = the states after 1, 2, … steps. */
function model(taps: number[], out: Uint32Array, from: number, to: number, seed: number): number {
  let mask = 0;
  for (const t of taps) mask ^= 1 << t;
  let s = seed >>> 0;
  for (let i = from; i < to; i++) {
    s = ((s << 1) | parity(s & mask)) >>> 0;
    out[i] = s;
  }
  return s;
}

test('the WebAssembly SIMD module runs on this machine (Node ≥ 16.4 on a little-endian host)', () => {
  expect(lfsrSimd()).toBe(true);
});

test('fill and fillPortable give the step-by-step words, for any taps, seed, length and start (property)', () => {
  const tapsArb = fc.uniqueArray(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 6 });
  // lengths around the 32-word block and the 4,096-word piece copied out at a time
  const lenArb = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 4000, max: 8300 }), fc.constantFrom(31, 32, 33, 4095, 4096, 4097, 8192, 8224));
  fc.assert(
    fc.property(tapsArb, fc.integer({ min: 0, max: 0xffffffff }), lenArb, fc.integer({ min: 0, max: 5 }), (taps, seed, len, from) => {
      const l = Lfsr32.of(taps);
      const want = new Uint32Array(from + len + 3).fill(0xa5a5a5a5);
      const last = model(taps, want, from, from + len, seed);
      for (const path of ['fill', 'fillPortable'] as const) {
        const got = new Uint32Array(from + len + 3).fill(0xa5a5a5a5);
        expect(l[path](got, from, from + len, seed)).toBe(last);
        expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      }
    }),
    { numRuns: 150 },
  );
});

test('two tap sets used in turn each get their own words (the module holds one set of tables at a time)', () => {
  const a = Lfsr32.of([1, 2, 6, 31]);
  const b = Lfsr32.of([0, 5, 17, 30]);
  for (let k = 0; k < 3; k++) {
    for (const [l, taps] of [
      [a, [1, 2, 6, 31]],
      [b, [0, 5, 17, 30]],
    ] as const) {
      const got = new Uint32Array(100);
      const want = new Uint32Array(100);
      l.fill(got, 0, 100, 12345 + k);
      model([...taps], want, 0, 100, 12345 + k);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  }
});

test('src/stream/lfsr32Wasm.ts holds what tools/wasm/lfsr32.wat assembles to', () => {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'tools', 'wasm', 'build.js'), '--check'], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});
