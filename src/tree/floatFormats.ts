/**
 * The narrow float formats of rogue's C++ Block (Block.cpp's conversion
 * helpers), bit for bit: a float32, given as its 32 bits, to and from
 * half precision (Float16), E4M3 (Float8), BFloat16, TensorFloat32,
 * E3M2 (Float6) and E2M1 (Float4).
 *
 * rogue narrows by truncation, not rounding: the bits below the format's
 * precision are dropped. Float16 overflows to infinity; Float8 saturates to
 * ±448 (0x7E) and turns NaN into 0x7F; Float6 and Float4 have no infinity or
 * NaN and saturate to their largest value (a NaN to the positive one);
 * BFloat16 and TensorFloat32 keep the float32's exponent and drop low
 * mantissa bits (a NaN whose kept bits are all zero gets one set). Values
 * below a format's smallest subnormal flush to a signed zero.
 *
 * pyrogue's Python models (`Float8.toBytes`...) compute the same bits, except
 * Float16, whose Python side is struct's `'e'` (rounding; src/py/float16.ts).
 */

const SCRATCH = new DataView(new ArrayBuffer(4));

/** The bits of `x` as a float32 (C's `(float)x`: rounded to nearest, NaN's sign kept). */
export function f32Bits(x: number): number {
  SCRATCH.setFloat32(0, x);
  return SCRATCH.getUint32(0);
}

/** The float32 of these bits, as a double (C's float → double). */
export function f32FromBits(bits: number): number {
  SCRATCH.setUint32(0, bits >>> 0);
  return SCRATCH.getFloat32(0);
}

/** rogue `floatToHalf`. */
export function floatToHalf(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const exponent = ((f >>> 23) & 0xff) - 127 + 15;
  let mantissa = f & 0x7fffff;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    return sign | (mantissa >>> (14 - exponent));
  }
  if (exponent === 0xff - 127 + 15) {
    if (mantissa !== 0) return sign | 0x7c00 | (mantissa >>> 13 || 1);
    return sign | 0x7c00;
  }
  if (exponent > 30) return sign | 0x7c00;
  return sign | (exponent << 10) | (mantissa >>> 13);
}

/** rogue `halfToFloat`. */
export function halfToFloat(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >> 10) & 0x1f;
  let mantissa = h & 0x3ff;
  if (exponent === 0) {
    if (mantissa === 0) return sign >>> 0;
    let e = 1;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      e--;
    }
    mantissa &= 0x3ff;
    return (sign | ((e + 127 - 15) << 23) | (mantissa << 13)) >>> 0;
  }
  if (exponent === 31) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  return (sign | ((exponent + 127 - 15) << 23) | (mantissa << 13)) >>> 0;
}

/** rogue `floatToFloat8` (E4M3, bias 7). */
export function floatToFloat8(f: number): number {
  const sign = (f >>> 24) & 0x80;
  const e32 = (f >>> 23) & 0xff;
  const exponent = e32 - 127 + 7;
  let mantissa = f & 0x7fffff;
  if (e32 === 0xff && mantissa !== 0) return 0x7f;
  if (e32 === 0xff || exponent > 15) return sign | 0x7e;
  if (exponent <= 0) {
    if (exponent < -3) return sign;
    mantissa |= 0x800000;
    mantissa >>>= 1 - exponent;
    return sign | ((mantissa >>> 20) & 0x07);
  }
  return sign | (exponent << 3) | ((mantissa >>> 20) & 0x07);
}

/** rogue `float8ToFloat`: 0x7F and 0xFF are NaN (0x7FC00000). */
export function float8ToFloat(b: number): number {
  if ((b & 0x7f) === 0x7f) return 0x7fc00000;
  const sign = (b & 0x80) << 24;
  const exponent = (b >> 3) & 0x0f;
  let mantissa = b & 0x07;
  if (exponent === 0) {
    if (mantissa === 0) return sign >>> 0;
    let e = 1;
    while (!(mantissa & 0x08)) {
      mantissa <<= 1;
      e--;
    }
    mantissa &= 0x07;
    return (sign | ((e + 127 - 7) << 23) | (mantissa << 20)) >>> 0;
  }
  return (sign | ((exponent + 127 - 7) << 23) | (mantissa << 20)) >>> 0;
}

/** rogue `floatToBFloat16`: the upper 16 bits. */
export function floatToBFloat16(f: number): number {
  let bf16 = f >>> 16;
  if (((f >>> 23) & 0xff) === 0xff && (f & 0x7fffff) !== 0 && (bf16 & 0x007f) === 0) bf16 |= 0x0001;
  return bf16;
}

/** rogue `bfloat16ToFloat`. */
export function bfloat16ToFloat(b: number): number {
  return (b << 16) >>> 0;
}

/** rogue `floatToTensorFloat32`: the lower 13 mantissa bits cleared. */
export function floatToTensorFloat32(f: number): number {
  let tf32 = (f & 0xffffe000) >>> 0;
  if ((f & 0x7f800000) === 0x7f800000 && (f & 0x007fffff) !== 0 && (tf32 & 0x007fffff) === 0) tf32 = (tf32 | 0x00002000) >>> 0;
  return tf32;
}

/** rogue `tensorFloat32ToFloat`: the bits as they are. */
export function tensorFloat32ToFloat(t: number): number {
  return t >>> 0;
}

/** rogue `floatToFloat6` (E3M2, bias 3, in the low 6 bits). */
export function floatToFloat6(f: number): number {
  const sign = (f >>> 26) & 0x20;
  const e32 = (f >>> 23) & 0xff;
  const exponent = e32 - 127 + 3;
  let mantissa = f & 0x7fffff;
  if (e32 === 0xff) return ((f & 0x7fffff) !== 0 ? 0 : sign) | 0x1f;
  if (exponent > 7) return sign | 0x1f;
  if (exponent <= 0) {
    if (exponent < -2) return sign;
    mantissa |= 0x800000;
    mantissa >>>= 1 - exponent;
    return sign | ((mantissa >>> 21) & 0x03);
  }
  return sign | (exponent << 2) | ((mantissa >>> 21) & 0x03);
}

/** rogue `float6ToFloat` (the upper 2 bits ignored), as a double: every value is exact. */
export function float6ToNumber(b: number): number {
  const f6 = b & 0x3f;
  const sign = f6 & 0x20 ? -1 : 1;
  const exponent = (f6 >> 2) & 0x07;
  const mantissa = f6 & 0x03;
  if (exponent === 0) return mantissa === 0 ? sign * 0 : sign * mantissa * 0.0625;
  return sign * (1 + mantissa / 4) * 2 ** (exponent - 3);
}

/** rogue `floatToFloat4` (E2M1, bias 1, in the low 4 bits). */
export function floatToFloat4(f: number): number {
  const sign = (f >>> 28) & 0x08;
  const e32 = (f >>> 23) & 0xff;
  const exponent = e32 - 127 + 1;
  let mantissa = f & 0x7fffff;
  if (e32 === 0xff) return ((f & 0x7fffff) !== 0 ? 0 : sign) | 0x07;
  if (exponent > 3) return sign | 0x07;
  if (exponent <= 0) {
    if (exponent < -1) return sign;
    mantissa |= 0x800000;
    mantissa >>>= 1 - exponent;
    return sign | ((mantissa >>> 22) & 0x01);
  }
  return sign | (exponent << 1) | ((mantissa >>> 22) & 0x01);
}

/** rogue `float4ToFloat` (the upper 4 bits ignored), as a double: every value is exact. */
export function float4ToNumber(b: number): number {
  const f4 = b & 0x0f;
  const sign = f4 & 0x08 ? -1 : 1;
  const exponent = (f4 >> 1) & 0x03;
  const mantissa = f4 & 0x01;
  if (exponent === 0) return mantissa === 0 ? sign * 0 : sign * mantissa * 0.5;
  return sign * (1 + mantissa / 2) * 2 ** (exponent - 1);
}
