/** Helpers for the tree tests: canonical (pycanon.py-like) forms of PyValues and golden data access. */
import * as fs from 'fs';
import * as path from 'path';
import {
  NdArray,
  NpDtype,
  NpScalar,
  PY_REDUCE,
  PyDict,
  PyGlobal,
  PyObject,
  PyOrderedDict,
  PyTuple,
  PyUnpicklable,
  PyValue,
  isReducible,
} from '../../src/py/values';
import { wireText } from '../../src/py/errors';
import type { Node } from '../../src/tree/node';
import type { Root } from '../../src/tree/root';
import { isPyCallable } from '../../src/tree/surface';
import { floatRepr } from './typed';

/** The repository's copy of the pyrogue recordings (golden/README.md). */
export const GOLDEN = path.resolve(__dirname, '../../golden');

/** How numpy pickles a (simple) dtype: numpy.dtype(name, False, True) with its state, as pycanon.py records it. */
function dtypeCanon(d: NpDtype): unknown {
  return {
    obj: 'numpy.dtype',
    args: [d.pickleName, false, true],
    state: { tuple: [{ int: '3' }, d.byteorder, null, null, null, { int: '-1' }, { int: '-1' }, { int: '0' }] },
  };
}

/** pycanon.py's canonical form of a PyValue (as it would pickle). */
export function canon(v: PyValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'number') return { float: floatRepr(v) };
  if (Array.isArray(v)) return v.map(canon);
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('hex') };
  if (v instanceof PyTuple) return { tuple: v.items.map(canon) };
  if (v instanceof PyOrderedDict)
    return v.size
      ? { obj: 'collections.OrderedDict', args: [], dictitems: [...v].map(([k, x]) => [canon(k), canon(x)]) }
      : { obj: 'collections.OrderedDict', args: [] };
  if (v instanceof PyDict) return { dict: [...v].map(([k, x]) => [canon(k), canon(x)]) };
  if (v instanceof PyGlobal) return { global: v.qualified };
  if (v instanceof NdArray) {
    return {
      obj: 'numpy.core.multiarray._reconstruct',
      args: [{ global: 'numpy.ndarray' }, { tuple: [{ int: '0' }] }, { bytes: '62' }],
      state: {
        tuple: [
          { int: '1' },
          { tuple: v.shape.map((n) => ({ int: String(n) })) },
          dtypeCanon(v.dtype),
          v.fortran,
          { bytes: Buffer.from(v.data).toString('hex') },
        ],
      },
    };
  }
  if (v instanceof NpScalar) return { obj: 'numpy.core.multiarray.scalar', args: [dtypeCanon(v.dtype), { bytes: Buffer.from(v.data).toString('hex') }] };
  if (v instanceof PyObject) {
    const d: Record<string, unknown> = { obj: v.cls.qualified, args: v.args.map(canon) };
    if (v.state !== undefined) d.state = canon(v.state);
    return d;
  }
  if (isReducible(v)) return canon(v[PY_REDUCE]());
  // what the server's pickling of such a reply turns into
  if (v instanceof PyUnpicklable) return { obj: 'builtins.Exception', args: [`builtins.TypeError: cannot pickle '${v.pyTypeName}' object`] };
  return { unknown: String(v) };
}

export interface GoldenNode {
  path: string;
  name: string;
  class: string;
  description: string;
  groups: string[];
  expand: boolean;
  guiGroup: string | null;
  served: boolean;
  children: string[];
  [k: string]: unknown;
}
export interface GoldenTree {
  root: string;
  classes: Record<string, { bases: string[]; props: string[]; funcs: Record<string, { args: string[]; kwargs: string[] }> }>;
  nodes: GoldenNode[];
}
export function loadTree(): GoldenTree {
  return JSON.parse(fs.readFileSync(path.join(GOLDEN, 'tree.json'), 'utf8')) as GoldenTree;
}
export interface Exchange {
  id: string;
  request: unknown;
  reply: unknown;
  publish?: unknown[];
  volatile?: boolean;
}
/** A golden recording's exchanges (transcript.jsonl unless named; a caller may type them more precisely with `T`). */
export function loadTranscript<T extends Exchange = Exchange>(file = 'transcript.jsonl'): T[] {
  return fs
    .readFileSync(path.join(GOLDEN, file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** getattr(node, attr), called with Python arguments when it is callable: what the server does with a request. */
export async function pyCall(n: Node, attr: string, args: readonly PyValue[] = [], kwargs: PyDict | Record<string, PyValue> = {}): Promise<PyValue> {
  const a = n.pyGetAttr(attr);
  if (!isPyCallable(a)) return a;
  return await a.call(args, kwargs instanceof PyDict ? kwargs : PyDict.from(kwargs));
}

/** The canonical reply to a request on `root`: null for an unknown path, the node for no attribute, an exception as the server's builtins.Exception. */
export async function canonReply(root: Root, nodePath: string, attr: string | null, args: readonly PyValue[], kwargs: PyDict): Promise<unknown> {
  try {
    const node = root.getNode(nodePath);
    if (!node) return null;
    if (attr === null) return canon(node);
    return canon(await pyCall(node, attr, args, kwargs));
  } catch (err) {
    return { obj: 'builtins.Exception', args: [wireText(err)] };
  }
}
