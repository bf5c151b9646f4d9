/**
 * The small tree of the zip configuration tests, the same shape as the one
 * python-fixtures/zip_config.py builds with real pyrogue: Root 'Root', Device
 * 'Dev' with Int, Float, Text, Flag and an enum Mode.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BaseCommand, Device, LocalVariable, Root } from '../../src';

export const SAVED = { Int: 42n, Float: 2.5, Text: 'written by pyrogue-ts', Flag: true, Mode: 2n };

export function zipTree(): Root {
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  const dev = new Device({ name: 'Dev' });
  dev.add(
    new LocalVariable({ name: 'Int', value: 1n }),
    new LocalVariable({ name: 'Float', value: 0.5 }),
    new LocalVariable({ name: 'Text', value: 'default' }),
    new LocalVariable({ name: 'Flag', value: false }),
    new LocalVariable({
      name: 'Mode',
      value: 0n,
      enum: [
        [0n, 'Off'],
        [1n, 'Slow'],
        [2n, 'Fast'],
      ],
    }),
  );
  root.add(dev);
  return root;
}

/** path → valueDisp of the Dev variables, as zip_config.py prints them. */
export function zipValues(root: Root): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(SAVED)) out[`Root.Dev.${k}`] = root.getNode(`Root.Dev.${k}`, LocalVariable)!.valueDisp();
  return out;
}

export function setSaved(root: Root): void {
  for (const [k, v] of Object.entries(SAVED)) root.getNode(`Root.Dev.${k}`, LocalVariable)!.set(v);
}

/** Runs a Root command as a client would (its return value, or the error it raises). */
export async function rootCmd(root: Root, name: string, arg: string): Promise<unknown> {
  return root.getNode(`Root.${name}`, BaseCommand)!.call(arg);
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'zipcfg-'));
}
