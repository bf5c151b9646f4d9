/** Types of lib.js (the wire benchmark / hardening plumbing). */
import type { ChildProcess } from 'child_process';

export const ROOT: string;
export const BUILD: string;
export const PYTHON: string;
export function tool(name: 'loadgen' | 'echo' | 'sub'): string;
export function ensureTools(): void;
export function portFree(port: number): Promise<boolean>;
export function freeBasePort(span?: number): Promise<number>;

export interface MemInfo {
  rss_mib: number;
  hwm_mib: number;
}
export interface ServerInfo {
  port: number;
  pid: number;
  build_s: number;
  start_s: number;
  rss_mib: number;
  heap_mib: number;
  hasRemote: boolean;
  spawn_to_serving_s: number;
}
export interface ServerOptions {
  tree?: 'bench' | 'big';
  devices?: number;
  vars?: number;
  port?: number;
  maxSeconds?: number;
  devicesOut?: string;
  autoPorts?: { first: number; step: number; end: number };
  publishHighWaterMark?: number;
  incGroups?: string[];
  /** Print the server's memory (rss, heap, external) to stderr every memLogMs. */
  memLogMs?: number;
  nodeArgs?: string[];
  startTimeoutMs?: number;
}
export interface ServerHandle {
  info: ServerInfo;
  child: ChildProcess;
  pid: number;
  port: number;
  alive(): boolean;
  exitStatus(): { code: number | null; signal: string | null } | null;
  rss(): MemInfo | null;
  stop(): Promise<void>;
}
/** Rejects with an Error whose message is the server's start error (e.g. no free auto port). */
export function startServer(opts?: ServerOptions): Promise<ServerHandle>;
export function procMem(pid: number): MemInfo | null;
export function startEcho(port: number, maxSeconds?: number): Promise<{ child: ChildProcess; stop(): Promise<void> }>;
/** The zeromq.js echo (bench/wire/jsecho.js): the binding's ceiling. */
export function startJsEcho(port: number, maxSeconds?: number): Promise<{ child: ChildProcess; stop(): Promise<void> }>;

export interface LoadgenArgs {
  port: number;
  file: string;
  clients?: number;
  warmup?: number;
  duration?: number;
  mode?: 'loop' | 'once';
  repeat?: number;
  timeoutMs?: number;
  max?: number;
  learn?: boolean;
  verbose?: boolean;
  extraMs?: number;
  /** Side by side with a second server (loadgen -E): the result's `a` (this port) and `b` (pair.port). */
  pair?: { port: number; file?: string; sliceMs?: number };
  onChild?(child: ChildProcess): void;
}
export interface LoopReport {
  mode: 'loop';
  clients: number;
  window_s: number;
  ok_total: number;
  ok_window: number;
  rps: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  mean_us: number;
  lost: number;
  empty: number;
  mismatch: number;
  send_fail: number;
  reply_bytes_avg: number;
  exitCode: number | string;
}
export interface OnceReport {
  mode: 'once';
  requests: number;
  passes: number;
  pass_first_s: number;
  pass_min_s: number;
  pass_median_s: number;
  ok: number;
  lost: number;
  empty: number;
  reply_bytes_per_pass: number;
  reply_bytes_max: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  latencies_us?: number[];
  exitCode: number | string;
}
export type SideReport = Omit<LoopReport, 'mode' | 'clients' | 'exitCode'>;
export interface PairReport {
  mode: 'pair';
  clients: number;
  slice_s: number;
  a: SideReport;
  b: SideReport;
  exitCode: number | string;
}
export function runLoadgen(a: LoadgenArgs & { pair: NonNullable<LoadgenArgs['pair']> }): Promise<PairReport>;
export function runLoadgen(a: LoadgenArgs): Promise<LoopReport & OnceReport>;

export interface SubReport {
  subscribers: { frames: number; other: number; bytes: number; span_s: number; fps: number; stalled: boolean }[];
}
export function startSub(a: {
  port: number;
  subs?: number;
  maxSeconds?: number;
  idleMs?: number;
  mark?: string;
  stalled?: number;
  hwm?: number;
}): Promise<{ child: ChildProcess; result: Promise<SubReport>; stop(): Promise<void> }>;
export function writeRequests(spec: Record<string, [string | null, string | null, unknown[], Record<string, unknown>][]>, dir?: string): Record<string, string>;
export function readRecords(file: string): Buffer[];
export function writeRecords(file: string, bufs: Uint8Array[]): void;
export function stopChild(child: ChildProcess, timeoutMs?: number): Promise<void>;
export function sleep(ms: number): Promise<void>;
