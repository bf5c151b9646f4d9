/**
 * pyrogue's data models (`pyrogue._Model`): how a RemoteVariable's bits map to
 * a Python value. A model knows its pyrogue name/typeStr ('UInt32', 'Int16',
 * 'Bool', 'String(8)', 'Float32', 'Double64', 'Fixed_16_8'...), its Python
 * native type, default display format, numpy dtype, range, its conversions
 * (to/from little- or big-endian bytes, from a display string) and the form
 * it pickles to (the `base` property of a RemoteVariable).
 *
 * Models are memoized per (class, arguments) like pyrogue's ModelMeta, so
 * `UInt(32) === UInt(32)`.
 *
 * Also here: the bit-level helpers the memory blocks use (`copyBits`, bigint
 * <-> little-endian bytes) and Python's `int(s, 0)` / `float(s)` parsers.
 */
import { PyAttributeError, PyError, PyIndexError, PyTypeError } from '../py/errors';
import { halfToNumber, numberToHalf } from '../py/float16';
import { NpDtype, NpScalar, PY_REDUCE, PyDict, PyGlobal, PyObject, PyTuple, PyValue, Reducible, instanceTypeName } from '../py/values';
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
  floatToTensorFloat32,
  tensorFloat32ToFloat,
} from './floatFormats';
import { pyFloatFromStr, pyIntFromStr } from '../py/numtext';

// ---------------------------------------------------------------------------
// Bit and byte helpers

/** Bytes needed for `bits` bits (pyrogue `byteCount`: at least 1). */
export function byteCount(bits: number): number {
  return bits === 0 ? 1 : Math.ceil(bits / 8);
}

/** Copies `size` bits from `src` (starting at bit `srcBit`) to `dst` (at bit `dstBit`); bit i is bit i%8 of byte i/8. */
export function copyBits(dst: Uint8Array, dstBit: number, src: Uint8Array, srcBit: number, size: number): void {
  // Byte-aligned fast path.
  if (dstBit % 8 === 0 && srcBit % 8 === 0) {
    const whole = Math.floor(size / 8);
    const s0 = srcBit / 8;
    const d0 = dstBit / 8;
    // a few bytes (one value) by hand: a subarray per copy costs more than the copy
    if (whole <= 16 && dst !== src) for (let i = 0; i < whole; i++) dst[d0 + i] = src[s0 + i];
    else dst.set(src.subarray(s0, s0 + whole), d0);
    const rem = size % 8;
    if (rem) {
      const mask = (1 << rem) - 1;
      const di = d0 + whole;
      dst[di] = (dst[di] & ~mask) | (src[s0 + whole] & mask);
    }
    return;
  }
  for (let i = 0; i < size; i++) {
    const s = srcBit + i;
    const d = dstBit + i;
    const bit = (src[s >> 3] >> (s & 7)) & 1;
    if (bit) dst[d >> 3] |= 1 << (d & 7);
    else dst[d >> 3] &= ~(1 << (d & 7));
  }
}

/** Sets `size` bits of `dst` from bit `bit` to one. */
export function setBits(dst: Uint8Array, bit: number, size: number): void {
  for (let i = bit; i < bit + size; i++) dst[i >> 3] |= 1 << (i & 7);
}

/** True when any of `size` bits of `src` from bit `bit` is one. */
export function anyBits(src: Uint8Array, bit: number, size: number): boolean {
  for (let i = bit; i < bit + size; i++) if ((src[i >> 3] >> (i & 7)) & 1) return true;
  return false;
}

/** Unsigned bytes (little-endian unless told otherwise) → bigint. */
export function bytesToBigInt(b: Uint8Array, littleEndian = true): bigint {
  // Whole 32-bit words, most significant first, summed in a number while the
  // sum stays below 2**53 (exact); bigint arithmetic only for what is wider.
  // `k` counts bytes from the most significant; `at(k)` is its index in `b`.
  const n = b.length;
  const last = littleEndian ? n - 1 : 0;
  const step = littleEndian ? -1 : 1;
  let x = 0;
  let k = 0;
  for (const head = n % 4; k < head; k++) x = x * 256 + b[last + step * k];
  let v: bigint | null = null;
  for (; k < n; k += 4) {
    const j = last + step * k;
    const w = b[j] * 0x1000000 + ((b[j + step] << 16) | (b[j + 2 * step] << 8) | b[j + 3 * step]);
    if (v === null && x < 0x200000) x = x * 0x100000000 + w;
    else v = ((v ?? BigInt(x)) << 32n) | BigInt(w);
  }
  return v ?? BigInt(x);
}

/** bigint → `n` bytes (two's complement for negatives, truncated to n bytes). */
export function bigIntToBytes(v: bigint, n: number, littleEndian = true): Uint8Array {
  const out = new Uint8Array(n);
  let x = BigInt.asUintN(n * 8, v);
  let i = 0;
  // Bytes above the lowest 48 bits through bigint, the rest (exact in a number) through number.
  for (; x >= 0x1000000000000n; i++, x >>= 8n) out[littleEndian ? i : n - 1 - i] = Number(x & 0xffn);
  for (let y = Number(x); i < n; i++, y = Math.floor(y / 256)) out[littleEndian ? i : n - 1 - i] = y % 256;
  return out;
}

// ---------------------------------------------------------------------------
// Python parsers used by Model.fromString

/** Python's `int(s, 0)` (src/py/numtext.ts). */
export const pyIntBase0 = (s: string): bigint => pyIntFromStr(s, 0);
/** Python's `float(s)` (src/py/numtext.ts). */
export const parsePyFloat = pyFloatFromStr;

// ---------------------------------------------------------------------------
// Models

/** How rogue's C++ Block converts the value (rogue `ModelId`). */
export type ModelId =
  | 'PyFunc'
  | 'Bytes'
  | 'UInt'
  | 'Int'
  | 'Bool'
  | 'String'
  | 'Float'
  | 'Double'
  | 'Fixed'
  | 'Float16'
  | 'Float8'
  | 'BFloat16'
  | 'TensorFloat32'
  | 'Float6'
  | 'Float4';
export type NativeType = 'int' | 'float' | 'bool' | 'str';

/** numpy's pickled dtype: `numpy.dtype('u4', False, True)` then BUILD (3, '<', None, None, None, -1, -1, 0). */
export function pickledDtype(dt: NpDtype): PyObject {
  const o = new PyObject(new PyGlobal('numpy', 'dtype'), [dt.pickleName, false, true], 'reduce');
  o.state = new PyTuple([3n, dt.byteorder, null, null, null, -1n, -1n, 0n]);
  return o;
}

const BOOL_DISP = (): PyDict =>
  new PyDict([
    [false, 'False'],
    [true, 'True'],
  ]);

export abstract class Model implements Reducible {
  /** Python class name in `pyrogue._Model`, e.g. 'UInt'. */
  abstract readonly className: string;
  abstract readonly pytype: NativeType;
  abstract readonly modelId: ModelId;
  readonly signed: boolean = false;
  readonly endianness: 'little' | 'big' = 'little';
  readonly bitReverse: boolean = false;
  /** pyrogue `name` (what RemoteVariable.typeStr reports): set by each subclass. */
  name = '';
  ndType: NpDtype | null = null;

  constructor(
    readonly bitSize: number,
    readonly binPoint = 0,
  ) {}

  /** Default `disp`: a format string, or (Bool) an enum dict. */
  get defaultDisp(): string | PyDict {
    return '{}';
  }
  get isBigEndian(): boolean {
    return this.endianness === 'big';
  }
  minValue(): PyValue {
    return null;
  }
  maxValue(): PyValue {
    return null;
  }
  /** Python-level `toBytes` (pyrogue uses it for raw access and for ints wider than 64 bits). */
  abstract toBytes(value: PyValue): Uint8Array;
  /** Python-level `fromBytes`. */
  abstract fromBytes(b: Uint8Array): PyValue;
  /** Parses a display string (RemoteVariable.parseDisp without enum). */
  abstract fromString(s: string): PyValue;

  /** The object pickled for `var.base`: pyrogue._Model.<Class> with its `__dict__`. */
  toPyValue(): PyObject {
    return PyObject.instance(
      'pyrogue._Model',
      this.className,
      PyDict.from({
        binPoint: BigInt(this.binPoint),
        bitSize: BigInt(this.bitSize),
        name: this.name,
        ndType: this.ndType ? pickledDtype(this.ndType) : null,
      }),
    );
  }
  [PY_REDUCE](): PyValue {
    return this.toPyValue();
  }
  toString(): string {
    return this.name;
  }
}

/** The int a Python model converts with `value.to_bytes(...)` (AttributeError for anything but an int or bool). */
function asBigInt(value: PyValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  throw new PyAttributeError(`'${instanceTypeName(value)}' object has no attribute 'to_bytes'`);
}

export class UIntModel extends Model {
  readonly className: string = 'UInt';
  readonly pytype: NativeType = 'int';
  readonly modelId: ModelId = 'UInt';
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `UInt${bitSize}`;
    this.ndType = bitSize <= 32 ? NpDtype.uint32 : NpDtype.uint64;
  }
  override get defaultDisp(): string | PyDict {
    return '{:#x}';
  }
  override minValue(): PyValue {
    return 0n;
  }
  override maxValue(): PyValue {
    return (1n << BigInt(this.bitSize)) - 1n;
  }
  toBytes(value: PyValue): Uint8Array {
    const v = asBigInt(value);
    const n = byteCount(this.bitSize);
    if (this.signed) {
      if (v < -(1n << BigInt(n * 8 - 1)) || v >= 1n << BigInt(n * 8 - 1)) {
        if (!(v < 0n && this.bitSize < n * 8)) throw new PyError_Overflow('int too big to convert');
      }
    } else {
      if (v < 0n) throw new PyError_Overflow("can't convert negative int to unsigned");
      if (v >= 1n << BigInt(n * 8)) throw new PyError_Overflow('int too big to convert');
    }
    return bigIntToBytes(v, n, !this.isBigEndian);
  }
  fromBytes(b: Uint8Array): PyValue {
    const u = bytesToBigInt(b, !this.isBigEndian);
    return this.signed ? BigInt.asIntN(b.length * 8, u) : u;
  }
  fromString(s: string): PyValue {
    return pyIntBase0(s);
  }
}

/** builtins.OverflowError (int.to_bytes). */
class PyError_Overflow extends PyError {
  constructor(message: string) {
    super('builtins', 'OverflowError', message);
  }
}

export class UIntBEModel extends UIntModel {
  override readonly className: string = 'UIntBE';
  override readonly endianness = 'big' as const;
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `UIntBE${bitSize}`;
  }
}

export class UIntReversedModel extends UIntModel {
  override readonly className: string = 'UIntReversed';
  override readonly modelId: ModelId = 'PyFunc';
  override readonly bitReverse = true;
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `UIntReversed${bitSize}`;
    this.ndType = null;
  }
  private reverse(v: bigint): bigint {
    let r = 0n;
    for (let i = 0; i < this.bitSize; i++) {
      r = (r << 1n) | (v & 1n);
      v >>= 1n;
    }
    return r;
  }
  override toBytes(value: PyValue): Uint8Array {
    return super.toBytes(this.reverse(asBigInt(value)));
  }
  override fromBytes(b: Uint8Array): PyValue {
    return this.reverse(super.fromBytes(b) as bigint);
  }
}

export class IntModel extends UIntModel {
  override readonly className: string = 'Int';
  override readonly modelId: ModelId = 'Int';
  override readonly signed = true;
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `Int${bitSize}`;
    this.ndType = bitSize <= 32 ? NpDtype.int32 : NpDtype.int64;
  }
  override get defaultDisp(): string | PyDict {
    return '{:d}';
  }
  override minValue(): PyValue {
    return -(1n << BigInt(this.bitSize - 1));
  }
  override maxValue(): PyValue {
    return (1n << BigInt(this.bitSize - 1)) - 1n;
  }
  override toBytes(value: PyValue): Uint8Array {
    const v = asBigInt(value);
    const n = byteCount(this.bitSize);
    if (v < 0n && this.bitSize < n * 8) return bigIntToBytes(v & ((1n << BigInt(this.bitSize)) - 1n), n, !this.isBigEndian);
    if (v < -(1n << BigInt(n * 8 - 1)) || v >= 1n << BigInt(n * 8 - 1)) throw new PyError_Overflow('int too big to convert');
    return bigIntToBytes(v, n, !this.isBigEndian);
  }
  /** pyrogue's Int.fromBytes computes the value but returns None (a bug kept for fidelity: Int wider than 64 bits reads as None). */
  override fromBytes(_b: Uint8Array): PyValue {
    return null;
  }
  override fromString(s: string): PyValue {
    let i = pyIntBase0(s);
    if (i > 0n && ((i >> BigInt(this.bitSize)) & 1n) === 1n) i -= 1n << BigInt(this.bitSize);
    return i;
  }
}

export class IntBEModel extends IntModel {
  override readonly className: string = 'IntBE';
  override readonly endianness = 'big' as const;
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `IntBE${bitSize}`;
  }
}

export class BoolModel extends Model {
  readonly className = 'Bool';
  readonly pytype: NativeType = 'bool';
  readonly modelId: ModelId = 'Bool';
  constructor(bitSize: number) {
    if (bitSize !== 1) throw new PyAssertionError(`The bitSize param of Model Bool must be 1`);
    super(bitSize);
    this.name = 'Bool';
    this.ndType = NpDtype.bool;
  }
  override get defaultDisp(): string | PyDict {
    return BOOL_DISP();
  }
  override minValue(): PyValue {
    return 0n;
  }
  override maxValue(): PyValue {
    return 1n;
  }
  toBytes(value: PyValue): Uint8Array {
    return new Uint8Array([value ? 1 : 0]);
  }
  fromBytes(b: Uint8Array): PyValue {
    return b.some((x) => x !== 0);
  }
  fromString(s: string): PyValue {
    return s.toLowerCase() === 'true';
  }
}

export class StringModel extends Model {
  readonly className = 'String';
  readonly pytype: NativeType = 'str';
  readonly modelId: ModelId = 'String';
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `String(${Math.floor(bitSize / 8)})`;
  }
  toBytes(value: PyValue): Uint8Array {
    const b = Buffer.from(typeof value === 'string' ? value : globalThis.String(value), 'utf8');
    const out = new Uint8Array(b.length + 1);
    out.set(b);
    return out;
  }
  fromBytes(b: Uint8Array): PyValue {
    let end = b.length;
    while (end > 0 && b[end - 1] === 0) end--;
    return Buffer.from(b.subarray(0, end)).toString('utf8');
  }
  fromString(s: string): PyValue {
    return s;
  }
}

export class FloatModel extends Model {
  readonly className: string = 'Float';
  readonly pytype: NativeType = 'float';
  readonly modelId: ModelId = 'Float';
  constructor(bitSize: number, check = true) {
    if (check && bitSize !== 32) throw new PyAssertionError(`The bitSize param of Model Float must be 32`);
    super(bitSize);
    this.name = `Float${bitSize}`;
    this.ndType = NpDtype.float32;
  }
  override get defaultDisp(): string | PyDict {
    return '{:f}';
  }
  override minValue(): PyValue {
    return -3.4e38;
  }
  override maxValue(): PyValue {
    return 3.4e38;
  }
  toBytes(value: PyValue): Uint8Array {
    const out = new Uint8Array(this.bitSize / 8);
    const dv = new DataView(out.buffer);
    const x = typeof value === 'bigint' ? Number(value) : Number(value);
    if (this.bitSize === 64) dv.setFloat64(0, x, !this.isBigEndian);
    else dv.setFloat32(0, x, !this.isBigEndian);
    return out;
  }
  fromBytes(b: Uint8Array): PyValue {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return this.bitSize === 64 ? dv.getFloat64(0, !this.isBigEndian) : dv.getFloat32(0, !this.isBigEndian);
  }
  fromString(s: string): PyValue {
    return parsePyFloat(s);
  }
}

export class FloatBEModel extends FloatModel {
  override readonly className: string = 'FloatBE';
  override readonly endianness = 'big' as const;
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `FloatBE${bitSize}`;
  }
}

export class DoubleModel extends FloatModel {
  override readonly className: string = 'Double';
  override readonly modelId: ModelId = 'Double';
  constructor(bitSize: number) {
    if (bitSize !== 64) throw new PyAssertionError(`The bitSize param of Model Double must be 64`);
    super(bitSize, false);
    this.name = `Double${bitSize}`;
    this.ndType = NpDtype.float64;
  }
  override minValue(): PyValue {
    // eslint-disable-next-line no-loss-of-precision -- pyrogue's literal: it overflows to infinity in Python too
    return -1.8e308;
  }
  override maxValue(): PyValue {
    // eslint-disable-next-line no-loss-of-precision -- pyrogue's literal: it overflows to infinity in Python too
    return 1.8e308;
  }
}

export class DoubleBEModel extends DoubleModel {
  override readonly className: string = 'DoubleBE';
  override readonly endianness = 'big' as const;
  constructor(bitSize: number) {
    super(bitSize);
    this.name = `DoubleBE${bitSize}`;
  }
}

/** Signed fixed point: `bitSize` total bits, `binPoint` fractional bits. */
export class FixedModel extends Model {
  readonly className: string = 'Fixed';
  readonly pytype: NativeType = 'float';
  readonly modelId: ModelId = 'Fixed';
  override readonly signed: boolean = true;
  constructor(bitSize: number, binPoint: number) {
    super(bitSize, binPoint);
    this.name = `Fixed_${bitSize}_${binPoint}`;
    this.ndType = NpDtype.float64;
  }
  toBytes(value: PyValue): Uint8Array {
    const raw = BigInt(Math.round(Number(value) * 2 ** this.binPoint));
    return bigIntToBytes(raw, byteCount(this.bitSize));
  }
  fromBytes(b: Uint8Array): PyValue {
    let raw = bytesToBigInt(b) & ((1n << BigInt(this.bitSize)) - 1n);
    if (this.signed) raw = BigInt.asIntN(this.bitSize, raw);
    return Number(raw) / 2 ** this.binPoint;
  }
  fromString(s: string): PyValue {
    return parsePyFloat(s);
  }
}

export class UFixedModel extends FixedModel {
  override readonly className: string = 'UFixed';
  override readonly signed: boolean = false;
  constructor(bitSize: number, binPoint: number) {
    super(bitSize, binPoint);
    this.name = `UFixed_${bitSize}_${binPoint}`;
  }
}

// ---------------------------------------------------------------------------
// The narrow float models (pyrogue v6.15): Float16, Float8 (E4M3), BFloat16,
// TensorFloat32, Float6 (E3M2), Float4 (E2M1) and their BE forms. Their block
// conversions are rogue's C++ (src/tree/convert.ts, src/tree/floatFormats.ts);
// toBytes/fromBytes here are pyrogue's Python methods.

/** struct.error (struct.pack/unpack). */
function structError(message: string): PyError {
  return new PyError('struct', 'error', message);
}

/** CPython's `PyFloat_AsDouble`: a float, an int or a numpy number; null when it fails. */
function asDouble(value: PyValue): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') {
    const d = Number(value);
    return Number.isFinite(d) ? d : null;
  }
  if (value instanceof NpScalar && 'biuf'.includes(value.dtype.kind)) return Number(value.value);
  return null;
}

/** Python's `float(value)`. */
function pyFloat(value: PyValue): number {
  if (typeof value === 'string') return parsePyFloat(value);
  const d = asDouble(value);
  if (d !== null) return d;
  if (typeof value === 'bigint') throw new PyError_Overflow('int too large to convert to float');
  throw new PyTypeError(`float() argument must be a string or a real number, not '${instanceTypeName(value)}'`);
}

const F64 = new DataView(new ArrayBuffer(8));
/** True when the double's sign bit is set (also for a NaN). */
function signBit(x: number): boolean {
  F64.setFloat64(0, x);
  return F64.getUint8(0) >= 0x80;
}
/** Python's NaN of that sign (0x7ff8000000000000 or 0xfff8000000000000). */
function pyNaN(negative: boolean): number {
  F64.setUint32(0, negative ? 0xfff80000 : 0x7ff80000);
  F64.setUint32(4, 0);
  return F64.getFloat64(0);
}

/** The 2- or 4-byte word `n` in this byte order. */
function wordBytes(n: number, size: 2 | 4, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  if (size === 2) dv.setUint16(0, n, littleEndian);
  else dv.setUint32(0, n, littleEndian);
  return out;
}

/** The first 2 or 4 bytes as a word (struct.unpack of `ba[:size]`). */
function readWord(b: Uint8Array, size: 2 | 4, littleEndian: boolean): number {
  if (b.length < size) throw structError(`unpack requires a buffer of ${size} bytes`);
  const dv = new DataView(b.buffer, b.byteOffset, size);
  return size === 2 ? dv.getUint16(0, littleEndian) : dv.getUint32(0, littleEndian);
}

/** `ba[0]` of a bytes object. */
function firstByte(b: Uint8Array): number {
  if (b.length === 0) throw new PyIndexError('index out of range');
  return b[0];
}

/** A narrow float model: a fixed bitSize, pyrogue's fixed name (the BE forms keep it), a symmetric range, '{:f}'. */
abstract class NarrowFloatModel extends Model {
  readonly pytype: NativeType = 'float';
  override readonly endianness: 'little' | 'big';
  constructor(
    readonly className: string,
    name: string,
    bitSize: number,
    need: number,
    private readonly limit: number,
    ndType: NpDtype,
    big: boolean,
  ) {
    if (bitSize !== need) throw new PyAssertionError(`The bitSize param of Model ${className} must be ${need}`);
    super(bitSize);
    this.name = name;
    this.ndType = ndType;
    this.endianness = big ? 'big' : 'little';
  }
  override get defaultDisp(): string | PyDict {
    return '{:f}';
  }
  override minValue(): PyValue {
    return -this.limit;
  }
  override maxValue(): PyValue {
    return this.limit;
  }
  fromString(s: string): PyValue {
    return parsePyFloat(s);
  }
}

/** IEEE half precision. Python side: struct's 'e' (rounds to nearest; the C++ block truncates). */
export class Float16Model extends NarrowFloatModel {
  readonly modelId: ModelId = 'Float16';
  constructor(bitSize: number, big = false) {
    super(big ? 'Float16BE' : 'Float16', 'Float16', bitSize, 16, 65504, NpDtype.float16, big);
  }
  toBytes(value: PyValue): Uint8Array {
    const x = asDouble(value);
    if (x === null) throw structError('required argument is not a float');
    if (Number.isNaN(x)) return wordBytes(signBit(x) ? 0xfe00 : 0x7e00, 2, !this.isBigEndian);
    const h = numberToHalf(x);
    if ((h & 0x7fff) === 0x7c00 && Number.isFinite(x)) throw new PyError_Overflow('float too large to pack with e format');
    return wordBytes(h, 2, !this.isBigEndian);
  }
  fromBytes(b: Uint8Array): PyValue {
    if (b.length !== 2) throw structError('unpack requires a buffer of 2 bytes');
    const h = readWord(b, 2, !this.isBigEndian);
    if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) return pyNaN((h & 0x8000) !== 0);
    return halfToNumber(h);
  }
}

/** E4M3 (NVIDIA FP8): bias 7, no infinity, NaN 0x7F/0xFF, largest 448. */
export class Float8Model extends NarrowFloatModel {
  readonly modelId: ModelId = 'Float8';
  constructor(bitSize: number, big = false) {
    super(big ? 'Float8BE' : 'Float8', 'Float8', bitSize, 8, 448, NpDtype.float32, big);
  }
  toBytes(value: PyValue): Uint8Array {
    return new Uint8Array([floatToFloat8(f32Bits(pyFloat(value)))]);
  }
  fromBytes(b: Uint8Array): PyValue {
    const x = firstByte(b);
    return (x & 0x7f) === 0x7f ? pyNaN(false) : f32FromBits(float8ToFloat(x));
  }
}

/** BFloat16: the upper 16 bits of a float32. */
export class BFloat16Model extends NarrowFloatModel {
  readonly modelId: ModelId = 'BFloat16';
  constructor(bitSize: number, big = false) {
    super(big ? 'BFloat16BE' : 'BFloat16', 'BFloat16', bitSize, 16, 3.3895313892515355e38, NpDtype.float32, big);
  }
  toBytes(value: PyValue): Uint8Array {
    return wordBytes(floatToBFloat16(f32Bits(pyFloat(value))), 2, !this.isBigEndian);
  }
  fromBytes(b: Uint8Array): PyValue {
    return f32FromBits(bfloat16ToFloat(readWord(b, 2, !this.isBigEndian)));
  }
}

/** TensorFloat32 (NVIDIA TF32): a float32 with its lower 13 mantissa bits zero, in 4 bytes. */
export class TensorFloat32Model extends NarrowFloatModel {
  readonly modelId: ModelId = 'TensorFloat32';
  constructor(bitSize: number, big = false) {
    super(big ? 'TensorFloat32BE' : 'TensorFloat32', 'TensorFloat32', bitSize, 32, 3.4011621342146535e38, NpDtype.float32, big);
  }
  toBytes(value: PyValue): Uint8Array {
    return wordBytes(floatToTensorFloat32(f32Bits(pyFloat(value))), 4, !this.isBigEndian);
  }
  fromBytes(b: Uint8Array): PyValue {
    return f32FromBits(tensorFloat32ToFloat(readWord(b, 4, !this.isBigEndian)));
  }
}

/** E3M2 (FP6) in the low 6 bits of a byte: bias 3, no infinity or NaN, largest 28. */
export class Float6Model extends NarrowFloatModel {
  readonly modelId: ModelId = 'Float6';
  constructor(bitSize: number, big = false) {
    super(big ? 'Float6BE' : 'Float6', 'Float6', bitSize, 8, 28, NpDtype.float32, big);
  }
  toBytes(value: PyValue): Uint8Array {
    return new Uint8Array([floatToFloat6(f32Bits(pyFloat(value)))]);
  }
  fromBytes(b: Uint8Array): PyValue {
    return float6ToNumber(firstByte(b));
  }
}

/** E2M1 (FP4) in the low 4 bits of a byte: bias 1, no infinity or NaN, largest 6. */
export class Float4Model extends NarrowFloatModel {
  readonly modelId: ModelId = 'Float4';
  constructor(bitSize: number, big = false) {
    super(big ? 'Float4BE' : 'Float4', 'Float4', bitSize, 8, 6, NpDtype.float32, big);
  }
  toBytes(value: PyValue): Uint8Array {
    return new Uint8Array([floatToFloat4(f32Bits(pyFloat(value)))]);
  }
  fromBytes(b: Uint8Array): PyValue {
    return float4ToNumber(firstByte(b));
  }
}

/** Python AssertionError (model constructed with an invalid bitSize). */
class PyAssertionError extends PyError {
  constructor(message: string) {
    super('builtins', 'AssertionError', message);
  }
}

// ---------------------------------------------------------------------------
// Memoized factories: `base: UInt` reads like pyrogue's `base=pr.UInt`.

export type ModelFactory = ((bitSize: number) => Model) & { readonly modelName: string };

const cache = new Map<string, Model>();
function memo<M extends Model>(key: string, make: () => M): M {
  let m = cache.get(key);
  if (!m) {
    m = make();
    cache.set(key, m);
  }
  return m as M;
}
function factory(name: string, make: (bitSize: number) => Model): ModelFactory {
  const f = (bitSize: number) => memo(`${name}(${bitSize})`, () => make(bitSize));
  return Object.assign(f, { modelName: name });
}

export const UInt = factory('UInt', (n) => new UIntModel(n));
export const UIntBE = factory('UIntBE', (n) => new UIntBEModel(n));
export const UIntReversed = factory('UIntReversed', (n) => new UIntReversedModel(n));
export const Int = factory('Int', (n) => new IntModel(n));
export const IntBE = factory('IntBE', (n) => new IntBEModel(n));
export const Bool = factory('Bool', (n) => new BoolModel(n));
export const String = factory('String', (n) => new StringModel(n));
export const Float = factory('Float', (n) => new FloatModel(n));
export const FloatBE = factory('FloatBE', (n) => new FloatBEModel(n));
export const Double = factory('Double', (n) => new DoubleModel(n));
export const DoubleBE = factory('DoubleBE', (n) => new DoubleBEModel(n));
export const Float16 = factory('Float16', (n) => new Float16Model(n));
export const Float16BE = factory('Float16BE', (n) => new Float16Model(n, true));
export const Float8 = factory('Float8', (n) => new Float8Model(n));
export const Float8BE = factory('Float8BE', (n) => new Float8Model(n, true));
export const BFloat16 = factory('BFloat16', (n) => new BFloat16Model(n));
export const BFloat16BE = factory('BFloat16BE', (n) => new BFloat16Model(n, true));
export const TensorFloat32 = factory('TensorFloat32', (n) => new TensorFloat32Model(n));
export const TensorFloat32BE = factory('TensorFloat32BE', (n) => new TensorFloat32Model(n, true));
export const Float6 = factory('Float6', (n) => new Float6Model(n));
export const Float6BE = factory('Float6BE', (n) => new Float6Model(n, true));
export const Float4 = factory('Float4', (n) => new Float4Model(n));
export const Float4BE = factory('Float4BE', (n) => new Float4Model(n, true));
export function Fixed(bitSize: number, binPoint: number): FixedModel {
  return memo(`Fixed(${bitSize}, ${binPoint})`, () => new FixedModel(bitSize, binPoint));
}
export function UFixed(bitSize: number, binPoint: number): UFixedModel {
  return memo(`UFixed(${bitSize}, ${binPoint})`, () => new UFixedModel(bitSize, binPoint));
}

/** True for a model instance (vs a factory). */
export function isModel(x: unknown): x is Model {
  return x instanceof Model;
}
