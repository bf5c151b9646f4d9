/**
 * Python call binding (CPython 3.11): positional and keyword arguments onto
 * a signature, with CPython's TypeError texts.
 */
import { PyTypeError } from './errors';
import { PyDict, PyTuple, PyValue } from './values';

export interface PyParam {
  name: string;
  /** A default value, or a thunk producing a fresh one per call. Absent = required. */
  default?: PyValue | (() => PyValue);
  /**
   * In `params`: 'positional' makes it positional-only (before `/`);
   * 'keyword' makes it keyword-only (as if listed in `kwonly`, after `*`).
   */
  kind?: 'positional' | 'keyword';
}

export interface PySignature {
  /** e.g. 'BaseVariable.value' */
  qualname: string;
  /** positional-or-keyword parameters (excluding self), in order */
  params: PyParam[];
  /** name of `*args` (bound as a PyTuple) */
  varargs?: string;
  /** keyword-only parameters */
  kwonly?: PyParam[];
  /** name of `**kwargs` (bound as a PyDict) */
  varkw?: string;
  /** default true: counts self in "takes N positional arguments" like a bound method */
  hasSelf?: boolean;
}

const hasDefault = (p: PyParam): boolean => p.default !== undefined;
const defaultOf = (p: PyParam): PyValue => (typeof p.default === 'function' ? p.default() : (p.default as PyValue));

function nameList(names: string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length === 1) return q[0];
  if (q.length === 2) return `${q[0]} and ${q[1]}`;
  return `${q.slice(0, -1).join(', ')}, and ${q[q.length - 1]}`;
}

/** What binding needs of a signature, derived once per signature object (signatures are static: built with their class). */
interface Prepared {
  self: number;
  positional: PyParam[];
  kwonly: PyParam[];
  fn: string;
  posIndex: Map<string, number>;
  kwonlyNames: Set<string>;
  /** Positional arguments a call without keywords needs at least: one past the last positional parameter without a default. */
  needPositional: number;
  /** Every keyword-only parameter has a default. */
  kwonlyDefaults: boolean;
}
const preparedOf = new WeakMap<PySignature, Prepared>();
function prepared(sig: PySignature): Prepared {
  let p = preparedOf.get(sig);
  if (!p) {
    const positional = sig.params.filter((x) => x.kind !== 'keyword');
    const kwonly = [...sig.params.filter((x) => x.kind === 'keyword'), ...(sig.kwonly ?? [])];
    p = {
      self: sig.hasSelf === false ? 0 : 1,
      positional,
      kwonly,
      fn: `${sig.qualname}()`,
      posIndex: new Map(positional.map((x, i) => [x.name, i])),
      kwonlyNames: new Set(kwonly.map((x) => x.name)),
      needPositional: positional.reduce((n, x, i) => (hasDefault(x) ? n : i + 1), 0),
      kwonlyDefaults: kwonly.every(hasDefault),
    };
    preparedOf.set(sig, p);
  }
  return p;
}

/**
 * Binds like a CPython 3.11 call of a function with this signature. Returns
 * parameter name → value in declaration order (self excluded); `*args` as a
 * PyTuple, `**kwargs` as a PyDict. Raises PyTypeError with CPython's texts.
 */
export function bindArgs(sig: PySignature, args: readonly PyValue[], kwargs?: PyDict): Map<string, PyValue> {
  const prep = prepared(sig);
  const { self, positional, kwonly, fn, posIndex, kwonlyNames } = prep;
  if ((kwargs === undefined || kwargs.size === 0) && args.length <= positional.length && args.length >= prep.needPositional && prep.kwonlyDefaults) {
    // No keywords, no surplus and nothing missing (most calls, e.g. value()): what the general path below binds.
    const out = new Map<string, PyValue>();
    for (let i = 0; i < positional.length; i++) out.set(positional[i].name, i < args.length ? args[i] : defaultOf(positional[i]));
    if (sig.varargs !== undefined) out.set(sig.varargs, new PyTuple([]));
    for (const p of kwonly) out.set(p.name, defaultOf(p));
    if (sig.varkw !== undefined) out.set(sig.varkw, new PyDict());
    return out;
  }
  const posVals: (PyValue | undefined)[] = new Array<PyValue | undefined>(positional.length).fill(undefined);
  const kwVals = new Map<string, PyValue>();
  const extraKw = new PyDict();

  const n = Math.min(args.length, positional.length);
  for (let i = 0; i < n; i++) posVals[i] = args[i];
  const extraPos = args.slice(n);

  if (kwargs)
    for (const [k, v] of kwargs) {
      if (typeof k !== 'string') throw new PyTypeError(`${fn} keywords must be strings`);
      const i = posIndex.get(k);
      if (i !== undefined && positional[i].kind !== 'positional') {
        if (posVals[i] !== undefined) throw new PyTypeError(`${fn} got multiple values for argument '${k}'`);
        posVals[i] = v;
        continue;
      }
      if (kwonlyNames.has(k)) {
        kwVals.set(k, v);
        continue;
      }
      if (sig.varkw === undefined) {
        const posOnly = positional.filter((p) => p.kind === 'positional' && kwargs.has(p.name)).map((p) => p.name);
        if (posOnly.length) throw new PyTypeError(`${fn} got some positional-only arguments passed as keyword arguments: '${posOnly.join(', ')}'`);
        throw new PyTypeError(`${fn} got an unexpected keyword argument '${k}'`);
      }
      extraKw.set(k, v);
    }

  if (extraPos.length && sig.varargs === undefined) {
    const co = positional.length + self;
    const given = args.length + self;
    const defcount = positional.filter(hasDefault).length;
    let sigText: string;
    let plural: boolean;
    if (defcount) {
      sigText = `from ${co - defcount} to ${co}`;
      plural = true;
    } else {
      sigText = String(co);
      plural = co !== 1;
    }
    const kwGiven = kwVals.size;
    const kwText = kwGiven ? ` positional argument${given !== 1 ? 's' : ''} (and ${kwGiven} keyword-only argument${kwGiven !== 1 ? 's' : ''})` : '';
    throw new PyTypeError(
      `${fn} takes ${sigText} positional argument${plural ? 's' : ''} but ${given}${kwText} ${given === 1 && !kwGiven ? 'was' : 'were'} given`,
    );
  }

  const missingPos = positional.filter((p, i) => posVals[i] === undefined && !hasDefault(p)).map((p) => p.name);
  if (missingPos.length)
    throw new PyTypeError(`${fn} missing ${missingPos.length} required positional argument${missingPos.length !== 1 ? 's' : ''}: ${nameList(missingPos)}`);
  const missingKw = kwonly.filter((p) => !kwVals.has(p.name) && !hasDefault(p)).map((p) => p.name);
  if (missingKw.length)
    throw new PyTypeError(`${fn} missing ${missingKw.length} required keyword-only argument${missingKw.length !== 1 ? 's' : ''}: ${nameList(missingKw)}`);

  const out = new Map<string, PyValue>();
  positional.forEach((p, i) => out.set(p.name, posVals[i] !== undefined ? posVals[i] : defaultOf(p)));
  if (sig.varargs !== undefined) out.set(sig.varargs, new PyTuple(extraPos));
  for (const p of kwonly) out.set(p.name, kwVals.has(p.name) ? kwVals.get(p.name)! : defaultOf(p));
  if (sig.varkw !== undefined) out.set(sig.varkw, extraKw);
  return out;
}
