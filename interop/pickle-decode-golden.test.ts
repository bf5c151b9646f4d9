/**
 * The golden transcript: every request pickle decodes to what CPython's
 * pickle.loads reports for the same bytes; every reply decodes with
 * `allowObjects`; the err: family's decode failures have pyrogue's exact text.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decode, decodeWithInfo, npDtypeOf } from '../src/pickle';
import { NdArray, PyDict, PyObject, PyOrderedDict, PyValue } from '../src/py/values';
import { PyError, UnpicklingError } from '../src/py/errors';
import { pyLoad } from '../test/support/python';
import { toTyped } from '../test/support/typed';

const TRANSCRIPT = path.join(__dirname, '..', 'golden', 'transcript.jsonl');

interface Entry {
  id: string;
  request?: unknown;
  request_pickle?: string;
  reply?: unknown;
  reply_pickle?: string;
}

const entries: Entry[] = fs
  .readFileSync(TRANSCRIPT, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));

/** Every distinct request byte string: request_pickle and request.raw. */
function requests(): { id: string; bytes: Uint8Array }[] {
  const seen = new Set<string>();
  const out: { id: string; bytes: Uint8Array }[] = [];
  const add = (id: string, b: Buffer) => {
    const k = b.toString('base64');
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ id, bytes: new Uint8Array(b) });
  };
  for (const e of entries) {
    if (e.request_pickle) add(e.id, Buffer.from(e.request_pickle, 'base64'));
    const raw = (e.request as { raw?: string } | undefined)?.raw;
    if (typeof raw === 'string') add(e.id + ' (raw)', Buffer.from(raw, 'hex'));
  }
  return out;
}

const reqs = requests();

function tryDecode(b: Uint8Array): { value: PyValue } | { error: PyError } {
  try {
    return { value: decode(b) };
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return { error: e };
  }
}

describe('golden transcript requests', () => {
  test('there are thousands of distinct requests', () => {
    expect(reqs.length).toBeGreaterThan(1000);
  });

  test('each decodes exactly as CPython pickle.loads decodes it', () => {
    const py = pyLoad(reqs.map((r) => r.bytes));
    let compared = 0;
    const mismatches: string[] = [];
    reqs.forEach((r, i) => {
      const mine = tryDecode(r.bytes);
      const theirs = py[i] as { error?: string };
      if (theirs && typeof theirs === 'object' && 'error' in theirs && typeof theirs.error === 'string') {
        // Python failed: so must we, with the same exception type and text.
        const got = 'error' in mine ? `${mine.error.pyName}: ${mine.error.message}` : 'decoded';
        if (got !== theirs.error) mismatches.push(`${r.id}: python ${theirs.error}, ours ${got}`);
      } else if ('error' in mine) {
        mismatches.push(`${r.id}: python decoded it, ours threw ${mine.error.wireText}`);
      } else {
        const a = JSON.stringify(toTyped(mine.value));
        const b = JSON.stringify(theirs);
        if (a !== b) mismatches.push(`${r.id}: ${a} != ${b}`);
      }
      compared++;
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBe(reqs.length);
  });

  test('request protocols: PROTO 4 for the bulk, 2/5 and the protocol-0 request', () => {
    const counts: Record<number, number> = {};
    for (const r of reqs) {
      try {
        const p = decodeWithInfo(r.bytes).protocol;
        counts[p] = (counts[p] ?? 0) + 1;
      } catch {
        /* err: entries */
      }
    }
    expect(counts[4]).toBeGreaterThan(1000);
    expect(counts[2]).toBeGreaterThanOrEqual(1);
    expect(counts[5]).toBeGreaterThanOrEqual(1);
    expect(counts[0]).toBeGreaterThanOrEqual(1);
  });

  test.each([
    ['err:garbage', '_pickle.UnpicklingError: could not find MARK'],
    ['err:truncated', '_pickle.UnpicklingError: pickle data was truncated'],
  ])('%s fails with the exact text pyrogue replied', (id, text) => {
    const e = entries.find((x) => x.id === id)!;
    const raw = Buffer.from((e.request as { raw: string }).raw, 'hex');
    let err: unknown;
    try {
      decode(raw);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(UnpicklingError);
    expect((err as UnpicklingError).wireText).toBe(text);
    // ... which is also the reply's Exception text in the transcript
    expect(JSON.stringify(e.reply)).toContain(text);
  });
});

describe('golden transcript replies', () => {
  const replies = entries
    .filter((e) => e.reply_pickle)
    .map((e) => ({ id: e.id, obj: (e.reply as { obj?: string } | null)?.obj, bytes: new Uint8Array(Buffer.from(e.reply_pickle!, 'base64')) }));

  test('every reply decodes with allowObjects', () => {
    const failures: string[] = [];
    for (const r of replies) {
      try {
        decode(r.bytes, { allowObjects: true });
      } catch (e) {
        failures.push(`${r.id}: ${(e as Error).message}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(replies.length).toBeGreaterThan(6000);
  });

  test('the safe default refuses reply-only globals, naming them', () => {
    const vv = replies.find((r) => r.obj === 'pyrogue._Variable.VariableValue')!;
    expect(() => decode(vv.bytes)).toThrow("global 'pyrogue._Variable.VariableValue' is forbidden");
    const vf = replies.find((r) => r.obj === 'pyrogue.interfaces._Virtual.VirtualFactory')!;
    expect(() => decode(vf.bytes)).toThrow("global 'pyrogue.interfaces._Virtual.VirtualFactory' is forbidden");
  });

  test('replies made of allow-listed types decode in safe mode, matching CPython', () => {
    const safe = replies.filter((r) => {
      const b = Buffer.from(r.bytes);
      return !b.includes(Buffer.from('pyrogue')) && !b.includes(Buffer.from('VirtualFactory'));
    });
    expect(safe.length).toBeGreaterThan(1000);
    const py = pyLoad(safe.map((r) => r.bytes));
    const mismatches: string[] = [];
    safe.forEach((r, i) => {
      const a = JSON.stringify(toTyped(decode(r.bytes)));
      const b = JSON.stringify(py[i]);
      if (a !== b) mismatches.push(`${r.id}: ${a} != ${b}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  test('VariableValue (NEWOBJ+BUILD), VirtualFactory (REDUCE), OrderedDict and numpy records', () => {
    const kinds = new Set<string>();
    const visit = (v: PyValue, depth = 0): void => {
      if (depth > 50) return;
      if (v instanceof NdArray) kinds.add('ndarray');
      else if (v instanceof PyOrderedDict) {
        kinds.add('odict');
        for (const [, x] of v) visit(x, depth + 1);
      } else if (v instanceof PyDict) for (const [, x] of v) visit(x, depth + 1);
      else if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
      else if (v instanceof PyObject) {
        kinds.add(`${v.cls.qualified}/${v.how}`);
        if (npDtypeOf(v)) kinds.add('dtype');
        v.args.forEach((x) => visit(x, depth + 1));
        if (v.state !== undefined) visit(v.state, depth + 1);
      }
    };
    for (const r of replies) visit(decode(r.bytes, { allowObjects: true }));
    for (const k of [
      'ndarray',
      'odict',
      'pyrogue._Variable.VariableValue/newobj',
      'pyrogue.interfaces._Virtual.VirtualFactory/reduce',
      'builtins.Exception/reduce',
    ]) {
      expect([...kinds]).toContain(k);
    }
    const vv = replies.find((r) => r.obj === 'pyrogue._Variable.VariableValue')!;
    const obj = decode(vv.bytes, { allowObjects: true }) as PyObject;
    expect(obj).toBeInstanceOf(PyObject);
    expect(obj.cls.qualified).toBe('pyrogue._Variable.VariableValue');
    expect(obj.state).toBeInstanceOf(PyDict);
    expect((obj.state as PyDict).has('value')).toBe(true);
  });
});
