/**
 * Test-only: the canonical JSON form of a pickle (python-fixtures/pycanon.py)
 * back to the PyValue that pickles to it, and a batch runner for
 * python-fixtures/canon_batch.py (canonical forms of many pickles in one
 * Python process).
 *
 * The canonical form does not say whether an object was built by REDUCE or
 * NEWOBJ; the rule used here matches how pyrogue's replies are built: an
 * object with no args and a state is a plain instance (NEWOBJ + BUILD, e.g.
 * VariableValue, UInt), anything else a call (REDUCE, e.g. Exception(msg),
 * VirtualFactory(attrs)).
 */
import execa from 'execa';
import * as path from 'path';
import {
  NdArray,
  NpDtype,
  NpScalar,
  PyByteArray,
  PyComplex,
  PyDict,
  PyFrozenSet,
  PyGlobal,
  PyObject,
  PyOrderedDict,
  PySet,
  PyTuple,
  PyValue,
} from '../../src/py/values';
import { PYTHON } from './python';

export type Canon = null | boolean | string | Canon[] | { [k: string]: any };

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));

function parseFloatRepr(s: string): number {
  if (s === 'nan') return NaN;
  if (s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
  return Number(s);
}

function splitQual(q: string): PyGlobal {
  const dot = q.lastIndexOf('.');
  return new PyGlobal(q.slice(0, dot), q.slice(dot + 1));
}

/** numpy.dtype(name, False, True) + BUILD (3, order, ...) -> NpDtype. */
function dtypeFrom(o: { args: Canon[]; state?: Canon }): NpDtype {
  const name = o.args[0] as string;
  const order = ((o.state as any)?.tuple?.[1] ?? '<') as '<' | '>' | '|';
  const kind = name[0] as NpDtype['kind'];
  const n = Number(name.slice(1));
  return new NpDtype(kind, kind === 'U' ? n * 4 : n, order);
}

export function fromCanon(c: Canon): PyValue {
  if (c === null || typeof c === 'boolean' || typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map(fromCanon);
  if ('int' in c) return BigInt(c.int);
  if ('float' in c) return parseFloatRepr(c.float);
  if ('bytes' in c) return unhex(c.bytes);
  if ('bytearray' in c) return new PyByteArray(unhex(c.bytearray));
  if ('tuple' in c) return new PyTuple((c.tuple as Canon[]).map(fromCanon));
  if ('dict' in c) return new PyDict((c.dict as [Canon, Canon][]).map(([k, v]) => [fromCanon(k), fromCanon(v)] as const));
  if ('set' in c) return new PySet((c.set as Canon[]).map(fromCanon));
  if ('frozenset' in c) return new PyFrozenSet((c.frozenset as Canon[]).map(fromCanon));
  if ('global' in c) return splitQual(c.global);
  if ('obj' in c) {
    const qual = c.obj as string;
    const args = (c.args ?? []) as Canon[];
    if (qual === 'collections.OrderedDict' && args.length === 0 && !('state' in c)) {
      return new PyOrderedDict(((c.dictitems ?? []) as [Canon, Canon][]).map(([k, v]) => [fromCanon(k), fromCanon(v)] as const));
    }
    if (qual === 'numpy.core.multiarray._reconstruct' && 'state' in c) {
      const st = c.state.tuple as Canon[];
      const shape = ((st[1] as any).tuple as Canon[]).map((x: any) => Number(x.int));
      return new NdArray(dtypeFrom(st[2] as any), shape, unhex((st[4] as any).bytes), st[3] as boolean);
    }
    if (qual === 'numpy.core.multiarray.scalar') return new NpScalar(dtypeFrom(args[0] as any), unhex((args[1] as any).bytes));
    if (qual === 'builtins.complex' && args.length === 2) return new PyComplex(fromCanon(args[0]) as number, fromCanon(args[1]) as number);
    const how = 'kwargs' in c ? 'newobj_ex' : args.length === 0 && 'state' in c ? 'newobj' : 'reduce';
    const kwargs = 'kwargs' in c ? new PyDict(Object.entries(c.kwargs as Record<string, Canon>).map(([k, v]) => [k, fromCanon(v)] as const)) : undefined;
    const o = new PyObject(splitQual(qual), args.map(fromCanon), how, kwargs);
    if ('state' in c) o.state = fromCanon(c.state);
    if ('items' in c) o.listItems = (c.items as Canon[]).map(fromCanon);
    if ('dictitems' in c) o.dictItems = (c.dictitems as [Canon, Canon][]).map(([k, v]) => [fromCanon(k), fromCanon(v)]);
    return o;
  }
  throw new TypeError(`unknown canonical form ${JSON.stringify(c).slice(0, 80)}`);
}

export interface CanonResult {
  canon?: Canon;
  /** Memo fetches of objects CPython shared by identity (beyond what the encoder reproduces). */
  shared?: string[];
  error?: string;
}

const SCRIPT = path.join(__dirname, '..', '..', 'python-fixtures', 'canon_batch.py');

/** Canonical forms of many pickles, through one /usr/bin/python3 process. */
export function canonBatch(pickles: Uint8Array[]): CanonResult[] {
  if (pickles.length === 0) return [];
  const input = pickles.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64')).join('\n') + '\n';
  const r = execa.sync(PYTHON, [SCRIPT], { input, maxBuffer: 1 << 30 });
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  if (lines.length !== pickles.length) throw new Error(`canon_batch.py: ${pickles.length} inputs, ${lines.length} outputs\n${r.stderr}`);
  return lines.map((l) => JSON.parse(l) as CanonResult);
}

/** Structural equality of two canonical forms (JSON values). */
export function canonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
