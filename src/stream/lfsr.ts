/**
 * The W = 32 PRBS LFSR of rogue's `Prbs` (src/stream/prbs.ts): the states emitted after
 * 1, 2, … steps from a seed, written into 32-bit words.
 *
 * A step shifts the state left one bit and the feedback (XOR of the tap bits) enters at
 * bit 0. A step is linear over GF(2), so the bits that enter in n steps are the XOR of
 * four table entries, one per byte of the state (each entry is what that byte alone would
 * feed in). Two ways to fill with that:
 * - `fillPortable`: JavaScript, eight steps per lookup (the eight words emitted meanwhile
 *   are the state shifted left by 1…8 with the top 1…8 of those bits below);
 * - `fill`: 32 steps per lookup and four words per instruction, in a WebAssembly SIMD
 *   module (tools/wasm/lfsr32.wat) that fills a 16 KiB scratch area of its own memory,
 *   copied into `out` a piece at a time; the portable path where WebAssembly SIMD is
 *   missing (or the host is big-endian), and for fewer than 32 words.
 * Both give the same words (test/stream-lfsr.test.ts).
 */
import { LFSR32_WASM } from './lfsr32Wasm';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Where the module's tables start (four of 256 u32 entries) and its scratch words. */
const TABLES_ADDR = 0;
const SCRATCH_ADDR = 4096;
/** Words filled per call into the module (16 KiB: stays in the CPU's first caches). */
const CHUNK_WORDS = 4096;

interface Kernel {
  fill(out: number, blocks: number, seed: number): number;
  /** The module's tables, as u32 words. */
  tables: Uint32Array;
  /** The scratch words. */
  scratch: Uint32Array;
  /** The tap set whose tables are loaded. */
  loaded: Lfsr32 | null;
  /** The last view of the first words of `scratch` made (a frame size repeats). */
  view: Uint32Array | null;
}

/** The first `n` scratch words. */
function scratchView(k: Kernel, n: number): Uint32Array {
  if (k.view === null || k.view.length !== n) k.view = k.scratch.subarray(0, n);
  return k.view;
}

/** What is used here of the WebAssembly JavaScript API (lib ES2022 and @types/node 20 do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: object,
  ) => { exports: { memory: { buffer: ArrayBuffer }; fill: (out: number, blocks: number, seed: number) => number } };
}

/** The module, instantiated once on first use (one memory of one page, shared by every tap set). */
let kernel: Kernel | null | undefined;

function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (!LITTLE_ENDIAN || wasm === undefined || !wasm.validate(LFSR32_WASM)) return null;
    const { memory: mem, fill } = new wasm.Instance(new wasm.Module(LFSR32_WASM), {}).exports;
    kernel = {
      fill,
      tables: new Uint32Array(mem.buffer, TABLES_ADDR, 1024),
      scratch: new Uint32Array(mem.buffer, SCRATCH_ADDR, CHUNK_WORDS),
      loaded: null,
      view: null,
    };
  } catch {
    kernel = null;
  }
  return kernel;
}

/** Whether `Lfsr32.fill` runs the WebAssembly SIMD module here. */
export function lfsrSimd(): boolean {
  return loadKernel() !== null;
}

export class Lfsr32 {
  private static readonly cache = new Map<string, Lfsr32>();
  private readonly t0 = new Uint8Array(256);
  private readonly t1 = new Uint8Array(256);
  private readonly t2 = new Uint8Array(256);
  private readonly t3 = new Uint8Array(256);
  /** The 32-step tables of the module (made on first use). */
  private t32: Uint32Array | null = null;

  /** The generator of a tap set (made once per tap set, up to 64 of them kept). */
  static of(taps: ArrayLike<number>): Lfsr32 {
    const key = Array.from(taps).join(',');
    let l = Lfsr32.cache.get(key);
    if (!l) {
      l = new Lfsr32(taps);
      if (Lfsr32.cache.size < 64) Lfsr32.cache.set(key, l);
    }
    return l;
  }

  /** One step: the feedback (XOR of the state bits under this mask) enters at bit 0. */
  readonly mask: number;
  private constructor(taps: ArrayLike<number>) {
    let m = 0;
    for (let i = 0; i < taps.length; i++) if (taps[i] < 32) m ^= 1 << taps[i];
    this.mask = m;
    const tables = [this.t0, this.t1, this.t2, this.t3];
    for (let k = 0; k < 4; k++) {
      for (let v = 0; v < 256; v++) {
        let s = (v << (8 * k)) >>> 0;
        let bits = 0;
        for (let j = 0; j < 8; j++) {
          const fb = parity(s & m);
          s = ((s << 1) | fb) >>> 0;
          bits = (bits << 1) | fb;
        }
        tables[k][v] = bits;
      }
    }
  }

  /** out[from..to) = the states after 1, 2, … steps from `seed`; returns the last one (`seed` when none). */
  fill(out: Uint32Array, from: number, to: number, seed: number): number {
    let s = seed >>> 0;
    let i = from;
    if (to - i >= 32) {
      const k = loadKernel();
      if (k !== null) {
        if (k.loaded !== this) {
          k.tables.set(this.tables32());
          k.loaded = this;
        }
        // whole blocks of 32 words into the scratch words; as many as wanted copied out
        while (i < to) {
          const m = Math.min(CHUNK_WORDS, to - i);
          k.fill(SCRATCH_ADDR, (m + 31) >>> 5, s);
          out.set(m === CHUNK_WORDS ? k.scratch : scratchView(k, m), i);
          s = k.scratch[m - 1];
          i += m;
        }
        return s;
      }
    }
    return this.fillPortable(out, i, to, s);
  }

  /** As `fill`, in JavaScript only. */
  fillPortable(out: Uint32Array, from: number, to: number, seed: number): number {
    const { t0, t1, t2, t3, mask } = this;
    let s = seed >>> 0;
    let i = from;
    for (; i + 8 <= to; i += 8) {
      const b = t0[s & 255] ^ t1[(s >>> 8) & 255] ^ t2[(s >>> 16) & 255] ^ t3[s >>> 24];
      out[i] = (s << 1) | (b >>> 7);
      out[i + 1] = (s << 2) | (b >>> 6);
      out[i + 2] = (s << 3) | (b >>> 5);
      out[i + 3] = (s << 4) | (b >>> 4);
      out[i + 4] = (s << 5) | (b >>> 3);
      out[i + 5] = (s << 6) | (b >>> 2);
      out[i + 6] = (s << 7) | (b >>> 1);
      s = ((s << 8) | b) >>> 0;
      out[i + 7] = s;
    }
    for (; i < to; i++) {
      s = ((s << 1) | parity(s & mask)) >>> 0;
      out[i] = s;
    }
    return s;
  }

  /** Table j entry v: the state 32 steps after the state whose byte j is v (the others 0): the 32 bits that entered. */
  private tables32(): Uint32Array {
    if (this.t32 === null) {
      const t = new Uint32Array(1024);
      for (let j = 0; j < 4; j++) {
        for (let v = 0; v < 256; v++) {
          let s = (v << (8 * j)) >>> 0;
          for (let step = 0; step < 32; step++) s = ((s << 1) | parity(s & this.mask)) >>> 0;
          t[256 * j + v] = s;
        }
      }
      this.t32 = t;
    }
    return this.t32;
  }
}

/** Parity of a 32-bit value (0 or 1). */
export function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  return (0x6996 >>> (x & 15)) & 1;
}
