/**
 * Snapshots of served pyrogue trees (docs/snapshot.md): capture any running
 * server's tree (`walkServer`), serve it again (`buildTree`), port it to
 * TypeScript (`portTree`) and compare two servers (`compareServers`).
 */
import * as fs from 'fs';
import * as zlib from 'zlib';
import { readSnapshot, type Snapshot } from './format';
import { buildTree, type SnapshotRoot } from './build';

export * from './format';
export { buildTree, kindOf, memorySpaces, modelOf, reportLines, SnapshotRoot } from './build';
export { compareServers, compareSnapshots, compareWrites, differenceLine, summary, testValue, VOLATILE_BUILTINS } from './compare';
export type { CompareOptions, CompareResult, CompareServersOptions, Difference } from './compare';
export { portTree, lit } from './port';
export type { PortResult } from './port';
export type { BuildReport, NodeKind, PropDifference } from './build';
export { walkServer, walkWith, WalkError } from './walk';
export type { Requester, WalkOptions, WalkProgress } from './walk';

/** Reads a snapshot file (gzip-compressed when its name ends in .gz). */
export function loadSnapshot(file: string): Snapshot {
  let data = fs.readFileSync(file);
  if (file.endsWith('.gz')) data = zlib.gunzipSync(data);
  return readSnapshot(data.toString('utf8'), file);
}

/** The tree a snapshot file records, ready to serve (not started). */
export function snapshotTree(file: string): SnapshotRoot {
  return buildTree(loadSnapshot(file));
}
