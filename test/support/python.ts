/**
 * Runs python-fixtures/pyvalues.py with /usr/bin/python3, one process per
 * batch: `pyLoad` (pickles -> typed JSON as Python sees them) and `pyDump`
 * (typed JSON -> pickles written by CPython with a given protocol); and
 * python-fixtures/pysem.py (`pysem`: CPython's repr, format, literal_eval, json, call binding).
 */
import execa from 'execa';
import * as path from 'path';
import type { Typed } from './typed';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', '..', 'python-fixtures', 'pyvalues.py');

function run(args: string[], lines: string[]): string[] {
  if (lines.length === 0) return [];
  const r = execa.sync(PYTHON, [SCRIPT, ...args], { input: lines.join('\n') + '\n', maxBuffer: 1 << 30 });
  const out = r.stdout.split('\n').filter((l) => l.length > 0);
  if (out.length !== lines.length) throw new Error(`pyvalues.py ${args.join(' ')}: ${lines.length} inputs, ${out.length} outputs\n${r.stderr}`);
  return out;
}

/** What Python's pickle.loads makes of each pickle, as typed JSON ({error: "Type: msg"} on failure). */
export function pyLoad(pickles: Uint8Array[]): (Typed | { error: string })[] {
  return run(
    ['load'],
    pickles.map((p) => Buffer.from(p).toString('base64')),
  ).map((l) => JSON.parse(l));
}

/** CPython's pickle.dumps(value, protocol) of each typed JSON value. */
export function pyDump(protocol: number, values: Typed[]): Uint8Array[] {
  return run(
    ['dump', String(protocol)],
    values.map((v) => JSON.stringify(v)),
  ).map((l) => new Uint8Array(Buffer.from(l, 'base64')));
}

const PYSEM = path.join(__dirname, '..', '..', 'python-fixtures', 'pysem.py');

/** CPython's answer for each request of a python-fixtures/pysem.py mode, one JSON value per request. */
export function pysem(mode: string, reqs: unknown[]): any[] {
  const r = execa.sync(PYTHON, [PYSEM, mode], { input: reqs.map((q) => JSON.stringify(q)).join('\n') + '\n', maxBuffer: 1 << 28 });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
