/** Types of fuzz.js (wire fuzzing of a live server). */
export const TRANSCRIPT: string;
export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(arr: T[]): T;
  bytes(n: number): Buffer;
}
export function prng(seed: number): Rng;
export function loadGolden(file?: string): { bin: Buffer[]; str: Buffer[] };
export function makeInput(rng: Rng, golden: { bin: Buffer[]; str: Buffer[] }): { kind: string; port: 'bin' | 'str'; frames: Buffer[] };
export function mutate(rng: Rng, b: Buffer, pool: Buffer[]): Buffer;
export interface FuzzStats {
  seed: number;
  sent: number;
  answered: number;
  emptyBin: number;
  emptyStr: number;
  timeouts: number;
  failures: { kind: string; why: string; hex: string }[];
  byKind: Record<string, { sent: number; answered: number }>;
  maxLatencyMs: number;
  seconds: number;
}
export function runFuzz(opts: {
  port: number;
  count: number;
  seed?: number;
  concurrency?: number;
  timeoutMs?: number;
  host?: string;
  golden?: { bin: Buffer[]; str: Buffer[] };
  onProgress?(stats: FuzzStats): void;
}): Promise<FuzzStats>;
