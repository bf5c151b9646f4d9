/**
 * Value conversions of rogue's C++ Block (`Block::set*Py` / `get*Py` and the
 * typed `set*` / `get*` they call): a Python value in, the bits of one
 * variable staged in its block; the staged bits out, a Python value.
 *
 * The Python side is boost.python's: which Python types each conversion
 * extracts (a list, a 1-d ndarray of the accepted dtype, a numpy scalar, a
 * Python scalar), the `OverflowError`s of its int conversions, and rogue's
 * `GeneralError` texts ("Failed to extract value for NAME.", the range error
 * with C's `%f`, the ndarray checks). Each ModelId has one codec
 * (`codecOf`); a MemVariable keeps its own.
 *
 * The bits go through the block's staged bytes (`Block.setBytes`,
 * `getBytes`, `low64`, `valueBytes`), which apply the variable's bit layout
 * and byte order.
 */
import { PyError } from '../py/errors';
import { NdArray, NpDtype, NpScalar, PyValue } from '../py/values';
import type { Block } from './block';
import { GeneralError } from './generalError';
import type { MemVariable } from './memVariable';
import {
  bfloat16ToFloat,
  f32Bits,
  f32FromBits,
  float4ToNumber,
  float6ToNumber,
  float8ToFloat,
  floatToBFloat16,
  floatToFloat4,
  floatToFloat6,
  floatToFloat8,
  floatToHalf,
  floatToTensorFloat32,
  halfToFloat,
  tensorFloat32ToFloat,
} from './floatFormats';
import { Model, bigIntToBytes } from './model';

/** How one variable's value is staged in and read from its block. */
export interface ValueCodec {
  /** rogue `set*Py`: stages `value` (element `index`, or from `index` on for a list or array). */
  set(b: Block, value: PyValue, v: MemVariable, index: number): void;
  /** rogue `get*Py`: the staged value (the whole array for a list variable and a negative index). */
  get(b: Block, v: MemVariable, index: number): PyValue;
}

/** C's printf("%f"). */
export function cFormatF(x: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (Math.abs(x) < 1e21) {
    const s = x.toFixed(6);
    return Object.is(x, -0) ? '-' + s : s;
  }
  return BigInt(x).toString() + '.000000';
}

/** rogue's range check (`minValue_`/`maxValue_` both 0: none). */
function outOfRange(x: number, v: MemVariable): boolean {
  return (v.minValue !== 0 || v.maxValue !== 0) && (x > v.maxValue || x < v.minValue);
}

function rangeError(src: string, v: MemVariable, value: string): GeneralError {
  return new GeneralError(src, `Value range error for ${v.name}. Value=${value}, Min=${cFormatF(v.minValue)}, Max=${cFormatF(v.maxValue)}`);
}

/** Sets each element of a list / 1-d ndarray starting at `index` (rogue's list/array branches). */
function setMany(src: string, value: PyValue, v: MemVariable, index: number, one: (x: PyValue, i: number) => void, arrayKinds: string): boolean {
  if (value instanceof NdArray) {
    if (value.ndim !== 1) throw new GeneralError(src, `Invalid number of dimensions (${value.ndim}) for passed ndarray for ${v.name}`);
    if (index + value.shape[0] > v.numValues)
      throw new GeneralError(
        src,
        `Overflow error for passed array with length ${value.shape[0]} at index ${index}. Variable length = ${v.numValues} for ${v.name}`,
      );
    if (!arrayKinds.includes(value.dtype.kind)) return false;
    for (let i = 0; i < value.shape[0]; i++) one(value.item(i), index + i);
    return true;
  }
  if (Array.isArray(value)) {
    if (index + value.length > v.numValues)
      throw new GeneralError(
        src,
        `Overflow error for passed list with length ${value.length} at index ${index}. Variable length = ${v.numValues} for ${v.name}`,
      );
    value.forEach((x, i) => one(x, index + i));
    return true;
  }
  return false;
}

/** The numpy array of a list variable: element x is `item(x)`. */
function arrayOf(dt: NpDtype, v: MemVariable, item: (x: number) => PyValue): NdArray {
  return NdArray.from(
    dt,
    Array.from({ length: v.numValues }, (_, x) => item(x)),
  );
}

// ---------------------------------------------------------------------------
// UInt, Int

function setUIntPy(b: Block, value: PyValue, v: MemVariable, index: number): void {
  if (index === -1) index = 0;
  const src = 'Block::setUIntPy';
  const extract = (x: PyValue): bigint => {
    const n = typeof x === 'boolean' ? (x ? 1n : 0n) : typeof x === 'bigint' ? x : x instanceof NpScalar && x.dtype.kind === 'u' ? (x.value as bigint) : null;
    if (n === null) throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
    // boost.python's unsigned long conversion (PyLong_AsUnsignedLong) after the type check
    if (n < 0n) throw new PyError('builtins', 'OverflowError', "can't convert negative value to unsigned int");
    if (n >= 1n << 64n) throw new PyError('builtins', 'OverflowError', 'Python int too large to convert to C unsigned long');
    return n;
  };
  if (value instanceof NdArray && value.dtype.kind !== 'u' && value.ndim === 1 && index + value.shape[0] <= v.numValues)
    throw new GeneralError(src, `Passed nparray is not of an accepted unsigned int type (uint64, uint32, uint16, uint8) for ${v.name}`);
  if (setMany(src, value, v, index, (x, i) => setUInt(b, extract(x), v, i), 'u')) return;
  if (value instanceof NpScalar && value.dtype.kind !== 'u') throw new GeneralError(src, `Failed to extract scalar unsigned int value for ${v.name}.`);
  setUInt(b, extract(value), v, index);
}

function setUInt(b: Block, val: bigint, v: MemVariable, index: number): void {
  if (outOfRange(Number(val), v)) throw rangeError('Block::setUInt', v, `${val}`);
  b.setBytes(bigIntToBytes(val, Math.max(8, v.valueBytes)), v, index);
}

function getUIntPy(b: Block, v: MemVariable, index: number): PyValue {
  if (index < 0 && v.numValues > 0) {
    const dt = v.valueBits <= 8 ? NpDtype.uint8 : v.valueBits <= 16 ? NpDtype.uint16 : v.valueBits <= 32 ? NpDtype.uint32 : NpDtype.uint64;
    return arrayOf(dt, v, (x) => b.low64(v, x));
  }
  return b.low64(v, index);
}

function setIntPy(b: Block, value: PyValue, v: MemVariable, index: number): void {
  if (index === -1) index = 0;
  const src = 'Block::setIntPy';
  const extract = (x: PyValue): bigint => {
    const n = typeof x === 'boolean' ? (x ? 1n : 0n) : typeof x === 'bigint' ? x : x instanceof NpScalar && x.dtype.kind === 'i' ? (x.value as bigint) : null;
    if (n === null) throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
    // boost.python's long conversion (PyLong_AsLong) after the type check
    if (n < -(1n << 63n) || n >= 1n << 63n) throw new PyError('builtins', 'OverflowError', 'Python int too large to convert to C long');
    return n;
  };
  if (value instanceof NdArray && value.dtype.kind !== 'i' && value.ndim === 1 && index + value.shape[0] <= v.numValues)
    throw new GeneralError(src, `Passed nparray is not of an accepted signed int type (int64, int32, int16, int8) for ${v.name}`);
  if (setMany(src, value, v, index, (x, i) => setInt(b, extract(x), v, i), 'i')) return;
  if (value instanceof NpScalar && value.dtype.kind !== 'i') throw new GeneralError(src, `Failed to extract scalar signed int value for ${v.name}.`);
  setInt(b, extract(value), v, index);
}

function setInt(b: Block, val: bigint, v: MemVariable, index: number): void {
  if (outOfRange(Number(val), v)) throw rangeError('Block::setInt', v, `${val}`);
  b.setBytes(bigIntToBytes(val, Math.max(8, v.valueBytes)), v, index);
}

function getInt(b: Block, v: MemVariable, index: number): bigint {
  const raw = b.low64(v, index);
  return v.valueBits >= 64 ? BigInt.asIntN(64, raw) : BigInt.asIntN(v.valueBits, raw);
}

function getIntPy(b: Block, v: MemVariable, index: number): PyValue {
  if (index < 0 && v.numValues > 0) {
    const dt = v.valueBits <= 8 ? NpDtype.int8 : v.valueBits <= 16 ? NpDtype.int16 : v.valueBits <= 32 ? NpDtype.int32 : NpDtype.int64;
    return arrayOf(dt, v, (x) => getInt(b, v, x));
  }
  return getInt(b, v, index);
}

// ---------------------------------------------------------------------------
// Bool, String

function setBoolPy(b: Block, value: PyValue, v: MemVariable, index: number): void {
  if (index === -1) index = 0;
  const src = 'Block::setBoolPy';
  const extract = (x: PyValue): boolean => {
    if (typeof x === 'boolean') return x;
    if (typeof x === 'bigint') return x !== 0n;
    if (x === null) return false; // boost.python's bool conversion takes None as False
    if (x instanceof NpScalar && x.dtype.kind === 'b') return x.value as boolean;
    throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
  };
  if (setMany(src, value, v, index, (x, i) => b.setBytes(new Uint8Array([extract(x) ? 1 : 0]), v, i), 'b')) return;
  b.setBytes(new Uint8Array([extract(value) ? 1 : 0]), v, index);
}

function getBoolPy(b: Block, v: MemVariable, index: number): PyValue {
  if (index < 0 && v.numValues > 0) return arrayOf(NpDtype.bool, v, (x) => b.valueBytes(v, x, 1).some((y) => y !== 0));
  return b.valueBytes(v, index, 1).some((y) => y !== 0);
}

function setStringPy(b: Block, value: PyValue, v: MemVariable, index: number): void {
  if (index < 0 && v.numValues > 0) throw new GeneralError('Block::setStringPy', `Using nparray not supported for ${v.name}`);
  if (typeof value !== 'string') throw new GeneralError('Block::setStringPy', `Failed to extract value for ${v.name}.`);
  const buf = new Uint8Array(v.valueBytes);
  const enc = Buffer.from(value, 'utf8');
  const n = Math.min(enc.length, Math.max(0, v.valueBytes - 1));
  // strncpy stops at a NUL in the source
  let end = enc.indexOf(0);
  if (end < 0 || end > n) end = n;
  buf.set(enc.subarray(0, end));
  b.setBytes(buf, v, index);
}

function getStringPy(b: Block, v: MemVariable, index: number): PyValue {
  if (index < 0 && v.numValues > 0) throw new GeneralError('Block::getStringPy', `Using ndarry not supported for ${v.name}`);
  const bytes = b.valueBytes(v, index, v.valueBytes);
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  return Buffer.from(bytes.subarray(0, end)).toString('utf8');
}

// ---------------------------------------------------------------------------
// Float, Double

function setFloatPy(b: Block, value: PyValue, v: MemVariable, index: number, double: boolean): void {
  if (index === -1) index = 0;
  const src = double ? 'Block::setDoublePy' : 'Block::setFloatPy';
  const extract = (x: PyValue): number => {
    if (typeof x === 'number') return x;
    if (typeof x === 'bigint') return Number(x);
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (x instanceof NpScalar && x.dtype.kind === 'f' && x.dtype.itemsize === (double ? 8 : 4)) return x.value as number;
    throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
  };
  if (
    value instanceof NdArray &&
    value.ndim === 1 &&
    !(value.dtype.kind === 'f' && value.dtype.itemsize === (double ? 8 : 4)) &&
    index + value.shape[0] <= v.numValues
  )
    throw new GeneralError(
      double ? 'Block::setDoublePy' : 'Block::setFLoatPy',
      `Passed nparray is not of type (${double ? 'float64' : 'float32'}) for ${v.name}`,
    );
  const set = (x: number, i: number) => setFloat(b, x, v, i, double);
  if (setMany(src, value, v, index, (x, i) => set(extract(x), i), 'f')) return;
  set(extract(value), index);
}

function setFloat(b: Block, val: number, v: MemVariable, index: number, double: boolean): void {
  const x = double ? val : Math.fround(val);
  if (outOfRange(x, v)) throw rangeError(double ? 'Block::setDouble' : 'Block::setFloat', v, cFormatF(x));
  const buf = new Uint8Array(double ? 8 : 4);
  const dv = new DataView(buf.buffer);
  if (double) dv.setFloat64(0, x, true);
  else dv.setFloat32(0, x, true);
  b.setBytes(buf, v, index);
}

function getFloat(b: Block, v: MemVariable, index: number, double: boolean): number {
  const bytes = b.valueBytes(v, index, double ? 8 : 4);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return double ? dv.getFloat64(0, true) : dv.getFloat32(0, true);
}

function getFloatPy(b: Block, v: MemVariable, index: number, double: boolean): PyValue {
  if (index < 0 && v.numValues > 0) return arrayOf(double ? NpDtype.float64 : NpDtype.float32, v, (x) => getFloat(b, v, x, double));
  return getFloat(b, v, index, double);
}

// ---------------------------------------------------------------------------
// Fixed, UFixed

function setFixedPy(b: Block, value: PyValue, v: MemVariable, index: number): void {
  if (index === -1) index = 0;
  const src = 'Block::setFixedPy';
  const extract = (x: PyValue): number => {
    if (typeof x === 'number') return x;
    if (typeof x === 'bigint') return Number(x);
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (x instanceof NpScalar && x.dtype.kind === 'f') return x.value as number;
    throw new GeneralError(src, `Failed to extract value for ${v.name}.`);
  };
  if (setMany(src, value, v, index, (x, i) => setFixed(b, extract(x), v, i), 'f')) return;
  setFixed(b, extract(value), v, index);
}

function setFixed(b: Block, val: number, v: MemVariable, index: number): void {
  if (outOfRange(val, v)) throw rangeError('Block::setFixed', v, cFormatF(val));
  const raw = BigInt(Math.round(val * 2 ** v.model.binPoint));
  b.setBytes(bigIntToBytes(raw, Math.max(8, v.valueBytes)), v, index);
}

function getFixed(b: Block, v: MemVariable, index: number): number {
  let raw = b.low64(v, index);
  raw = v.model.signed ? BigInt.asIntN(Math.min(64, v.valueBits), raw) : BigInt.asUintN(Math.min(64, v.valueBits), raw);
  return Number(raw) / 2 ** v.model.binPoint;
}

function getFixedPy(b: Block, v: MemVariable, index: number): PyValue {
  if (index < 0 && v.numValues > 0) return arrayOf(NpDtype.float64, v, (x) => getFixed(b, v, x));
  return getFixed(b, v, index);
}

// ---------------------------------------------------------------------------
// Float16, Float8, BFloat16, TensorFloat32, Float6, Float4 (and BE: the block's byte order)
//
// rogue's `set<F>Py`: a 1-d ndarray of float32 (Float16: float16), a list, a Python
// number (boost.python's float extraction: a float, an int, a bool or a numpy float64,
// which is a float), and for Float16 a numpy float16 scalar; each goes through C's
// `(float)` and the range check on that float, then the format's conversion
// (src/tree/floatFormats.ts). `get<F>Py` gives the float as a Python float, or a
// float32 array (Float16: a float16 array).

interface NarrowFormat {
  /** rogue's name in its function names and texts ('Float16' → Block::setFloat16Py). */
  readonly name: string;
  /** Bytes the format is staged as. */
  readonly bytes: 1 | 2 | 4;
  /** Float16: arrays and numpy scalars are float16, not float32. */
  readonly half: boolean;
  /** A float32 (its bits) → the staged bits. */
  encode(f32: number): number;
  /** The staged bits → a float32 (its bits). */
  decode(stored: number): number;
}

const narrow = (name: string, bytes: 1 | 2 | 4, encode: (f32: number) => number, decode: (stored: number) => number, half = false): NarrowFormat => ({
  name,
  bytes,
  half,
  encode,
  decode,
});

const FLOAT16 = narrow('Float16', 2, floatToHalf, halfToFloat, true);
const FLOAT8 = narrow('Float8', 1, floatToFloat8, float8ToFloat);
const BFLOAT16 = narrow('BFloat16', 2, floatToBFloat16, bfloat16ToFloat);
const TENSORFLOAT32 = narrow('TensorFloat32', 4, floatToTensorFloat32, tensorFloat32ToFloat);
const FLOAT6 = narrow('Float6', 1, floatToFloat6, (b) => f32Bits(float6ToNumber(b)));
const FLOAT4 = narrow('Float4', 1, floatToFloat4, (b) => f32Bits(float4ToNumber(b)));

/** boost.python's `extract<float>`: the float32 bits of a Python float, int or bool (or a numpy float64); null when it does not apply. */
function extractFloat(x: PyValue): number | null {
  let d: number;
  if (typeof x === 'number') d = x;
  else if (typeof x === 'boolean') d = x ? 1 : 0;
  else if (typeof x === 'bigint') {
    d = Number(x);
    // int.__float__ raises, after the check passed
    if (!Number.isFinite(d)) throw new PyError('builtins', 'OverflowError', 'int too large to convert to float');
  } else if (x instanceof NpScalar && x.dtype.kind === 'f' && x.dtype.itemsize === 8) d = x.value as number;
  else return null;
  return f32Bits(d);
}

/** rogue `set<F>`: range check on the float, then its bits staged. */
function setNarrow(f: NarrowFormat, b: Block, bits: number, v: MemVariable, index: number): void {
  const val = f32FromBits(bits);
  if (outOfRange(val, v)) throw rangeError(`Block::set${f.name}`, v, cFormatF(val));
  const stored = f.encode(bits);
  const buf = new Uint8Array(f.bytes);
  for (let i = 0; i < f.bytes; i++) buf[i] = (stored >>> (8 * i)) & 0xff;
  b.setBytes(buf, v, index);
}

/** rogue `set<F>Py`. */
function setNarrowPy(f: NarrowFormat, b: Block, value: PyValue, v: MemVariable, index: number): void {
  if (index === -1) index = 0;
  const src = `Block::set${f.name}Py`;
  const failed = () => new GeneralError(src, `Failed to extract value for ${v.name}.`);
  if (value instanceof NdArray) {
    const n = value.shape[0];
    if (value.ndim !== 1) throw new GeneralError(src, `Invalid number of dimensions (${value.ndim}) for passed ndarray for ${v.name}`);
    if (index + n > v.numValues)
      throw new GeneralError(src, `Overflow error for passed array with length ${n} at index ${index}. Variable length = ${v.numValues} for ${v.name}`);
    if (value.dtype.kind !== 'f' || value.dtype.itemsize !== (f.half ? 2 : 4))
      throw new GeneralError(src, `Passed nparray is not of type (${f.half ? 'float16' : 'float32'}) for ${v.name}`);
    // rogue reads the elements in the machine's (little-endian) order, whatever the dtype's byte order
    const dv = new DataView(value.data.buffer, value.data.byteOffset, value.data.byteLength);
    for (let i = 0; i < n; i++) setNarrow(f, b, f.half ? halfToFloat(dv.getUint16(2 * i, true)) : dv.getUint32(4 * i, true), v, index + i);
    return;
  }
  if (Array.isArray(value)) {
    if (index + value.length > v.numValues)
      throw new GeneralError(
        src,
        `Overflow error for passed array with length ${value.length} at index ${index}. Variable length = ${v.numValues} for ${v.name}`,
      );
    for (let i = 0; i < value.length; i++) {
      const bits = extractFloat(value[i]);
      if (bits === null) throw failed();
      setNarrow(f, b, bits, v, index + i);
    }
    return;
  }
  if (f.half && value instanceof NpScalar) {
    if (value.dtype.kind !== 'f' || value.dtype.itemsize !== 2) throw failed();
    setNarrow(f, b, halfToFloat(new DataView(value.data.buffer, value.data.byteOffset, 2).getUint16(0, true)), v, index);
    return;
  }
  const bits = extractFloat(value);
  if (bits === null) throw failed();
  setNarrow(f, b, bits, v, index);
}

/** rogue `get<F>Py`. */
function getNarrowPy(f: NarrowFormat, b: Block, v: MemVariable, index: number): PyValue {
  if (index < 0 && v.numValues > 0) {
    // Float16: rogue fills its float16 array with floatToHalf(halfToFloat(h)), which is h
    const data = new Uint8Array(v.numValues * (f.half ? 2 : 4));
    const dv = new DataView(data.buffer);
    for (let x = 0; x < v.numValues; x++) {
      const stored = b.low32(v, x);
      if (f.half) dv.setUint16(2 * x, stored, true);
      else dv.setUint32(4 * x, f.decode(stored), true);
    }
    return new NdArray(f.half ? NpDtype.float16 : NpDtype.float32, [v.numValues], data);
  }
  return f32FromBits(f.decode(b.low32(v, index)));
}

const narrowCodec = (f: NarrowFormat): ValueCodec => ({
  set: (b, value, v, index) => setNarrowPy(f, b, value, v, index),
  get: (b, v, index) => getNarrowPy(f, b, v, index),
});

// ---------------------------------------------------------------------------
// PyFunc: the model's own Python conversion (wide ints, custom models)

function padTo(bytes: Uint8Array, n: number): Uint8Array {
  if (bytes.length >= n) return bytes;
  const out = new Uint8Array(n);
  out.set(bytes);
  return out;
}

/** rogue `setPyFunc`: the model's Python `toBytes`. */
function setPyFunc(b: Block, value: PyValue, v: MemVariable, index: number): void {
  if (index === -1) index = 0;
  if (value instanceof NdArray) throw new GeneralError('Block::setPyFunc', `Passing ndarray not supported for ${v.name}`);
  if (Array.isArray(value)) {
    if (index + value.length > v.numValues)
      throw new GeneralError(
        'Block::setPyFunc',
        `Overflow error for passed array with length ${value.length} at index ${index}. Variable length = ${v.numValues} for ${v.name}`,
      );
    value.forEach((x, i) => b.setBytes(padTo(v.model.toBytes(x), v.valueBytes), v, index + i));
    return;
  }
  b.setBytes(padTo(v.model.toBytes(value), v.valueBytes), v, index);
}

/** rogue `getPyFunc`: the model's Python `fromBytes`. */
function getPyFunc(b: Block, v: MemVariable, index: number): PyValue {
  if (index < 0 && v.numValues > 0) throw new GeneralError('Block::getPyFunc', `Accessing unindexed value not support for ${v.name}`);
  const bytes = new Uint8Array(v.valueBytes);
  b.getBytes(bytes, v, index);
  return v.model.fromBytes(bytes);
}

// ---------------------------------------------------------------------------

const CODECS = {
  UInt: { set: setUIntPy, get: getUIntPy },
  Int: { set: setIntPy, get: getIntPy },
  Bool: { set: setBoolPy, get: getBoolPy },
  String: { set: setStringPy, get: getStringPy },
  Float: {
    set: (b: Block, value: PyValue, v: MemVariable, index: number) => setFloatPy(b, value, v, index, false),
    get: (b: Block, v: MemVariable, index: number) => getFloatPy(b, v, index, false),
  },
  Double: {
    set: (b: Block, value: PyValue, v: MemVariable, index: number) => setFloatPy(b, value, v, index, true),
    get: (b: Block, v: MemVariable, index: number) => getFloatPy(b, v, index, true),
  },
  Fixed: { set: setFixedPy, get: getFixedPy },
  Float16: narrowCodec(FLOAT16),
  Float8: narrowCodec(FLOAT8),
  BFloat16: narrowCodec(BFLOAT16),
  TensorFloat32: narrowCodec(TENSORFLOAT32),
  Float6: narrowCodec(FLOAT6),
  Float4: narrowCodec(FLOAT4),
  PyFunc: { set: setPyFunc, get: getPyFunc },
} satisfies Partial<Record<string, ValueCodec>>;

/** The conversion rogue's C++ Variable picks for a model (its `modelId`; UInt and Int wider than 64 bits go through the model's Python functions). */
export function codecOf(model: Model, valueBits: number): ValueCodec {
  const id = model.modelId;
  if ((id === 'UInt' || id === 'Int') && valueBits > 64) return CODECS.PyFunc;
  return id in CODECS ? CODECS[id as keyof typeof CODECS] : CODECS.PyFunc;
}
