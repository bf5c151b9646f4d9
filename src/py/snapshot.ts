/**
 * Value snapshots: a copy of a Python value that later tells, cheaply,
 * whether another value is the same (same type, same contents). What caches
 * keyed on "this value, unchanged" use (a variable's display string, a
 * published frame): an NdArray may be changed in place, so its bytes are
 * copied, and a number stays a float, a bigint an int.
 *
 * Only immutable scalars (None, bool, int, float, str) and NdArrays have a
 * snapshot; any other value (lists, dicts, objects) has none and is never
 * treated as unchanged.
 */
import { NdArray, NpDtype, PyValue } from './values';

export interface ValueSnapshot {
  /** True when `v` has the same Python type and contents as the value the snapshot was taken of. */
  matches(v: PyValue): boolean;
}

class ScalarSnapshot implements ValueSnapshot {
  constructor(private readonly value: null | boolean | number | bigint | string) {}
  matches(v: PyValue): boolean {
    // Object.is: -0.0 is not 0.0 (repr and pickle tell them apart)
    return Object.is(v, this.value);
  }
}

class NdArraySnapshot implements ValueSnapshot {
  private readonly dtypeOf: NpDtype;
  private readonly dtype: string;
  private readonly shape: readonly number[];
  private readonly fortran: boolean;
  private readonly data: Uint8Array;
  constructor(a: NdArray) {
    this.dtypeOf = a.dtype;
    this.dtype = a.dtype.str;
    this.shape = [...a.shape];
    this.fortran = a.fortran;
    this.data = new Uint8Array(a.data); // a copy, also of a Buffer (whose slice() is a view)
  }
  matches(v: PyValue): boolean {
    if (!(v instanceof NdArray) || v.fortran !== this.fortran || v.data.length !== this.data.length) return false;
    // the same dtype object, or one that reads the same ('<f8')
    if (v.shape.length !== this.shape.length || (v.dtype !== this.dtypeOf && v.dtype.str !== this.dtype)) return false;
    for (let i = 0; i < this.shape.length; i++) if (v.shape[i] !== this.shape[i]) return false;
    return Buffer.compare(v.data, this.data) === 0;
  }
}

/**
 * A snapshot of `v`, or null when `v` has none (see the module comment).
 * NaN has none either: NaNs with different payloads are `Object.is`-equal
 * but pickle to different bytes.
 */
export function snapshotOf(v: PyValue): ValueSnapshot | null {
  if (v === null || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'string') return new ScalarSnapshot(v);
  if (typeof v === 'number') return Number.isNaN(v) ? null : new ScalarSnapshot(v);
  if (v instanceof NdArray) return new NdArraySnapshot(v);
  return null;
}
