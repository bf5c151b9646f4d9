/**
 * IEEE 754 half precision (numpy's `float16`, struct's `'e'`) from and to a
 * double, bit for bit as numpy converts (`npy_halfbits_to_doublebits`,
 * `npy_doublebits_to_halfbits`): exact widening; narrowing rounds to nearest,
 * ties to even, overflows to infinity and keeps a NaN's sign and the top of
 * its payload.
 */

const SCRATCH = new DataView(new ArrayBuffer(8));

/** The double of a half's 16 bits (exact; a NaN keeps its sign and payload). */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const sig = h & 0x3ff;
  if (exp === 0x1f) {
    if (sig === 0) return sign * Infinity;
    SCRATCH.setUint32(0, ((h & 0x8000) << 16) | 0x7ff00000 | (sig << 10));
    SCRATCH.setUint32(4, 0);
    return SCRATCH.getFloat64(0);
  }
  if (exp === 0) return sign * sig * 2 ** -24;
  return sign * (1024 + sig) * 2 ** (exp - 25);
}

/** x rounded to an integer, ties to even (for 0 <= x < 2**52). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** The 16 bits of the half nearest `x` (ties to even); beyond the largest half, infinity. */
export function numberToHalf(x: number): number {
  SCRATCH.setFloat64(0, x);
  const hi = SCRATCH.getUint32(0);
  const sign = (hi >>> 16) & 0x8000;
  if (Number.isNaN(x)) {
    const payload = ((hi & 0xfffff) << 12) | (SCRATCH.getUint32(4) >>> 20); // the top 32 of 52 significand bits
    const top = payload >>> 22;
    return sign | 0x7c00 | (top === 0 ? 1 : top);
  }
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65520 is halfway to 2**16: ties to even carry out of range
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 rounds up into the smallest normal)
  const exp = ((hi >>> 20) & 0x7ff) - 1023;
  const m = roundHalfEven(a * 2 ** (10 - exp)); // in [1024, 2048]
  return sign | (((exp + 15) << 10) + (m - 1024));
}

/** `x` rounded to the nearest half (ties to even), as a double. */
export function roundToHalf(x: number): number {
  return halfToNumber(numberToHalf(x));
}
