/**
 * The encoder's object model against CPython, case by case: identity
 * (shared JS objects -> BINGET), Reducible, plain instances (NEWOBJ + BUILD),
 * reduce calls, NEWOBJ_EX, the PyUnpicklable error text, and the API edges.
 *
 * Python-side objects are built by small inline scripts that register fake
 * `pyrogue.*` modules holding plain classes of the same names, so CPython's
 * pickler emits the same globals the real server does.
 */
import execa from 'execa';
import { encode, EncodeOptions, replyProtocol } from '../src/pickle/encode';
import { PyError } from '../src/py/errors';
import { NdArray, NpDtype, PY_REDUCE, PyDict, PyGlobal, PyObject, PyOrderedDict, PyTuple, PyUnpicklable, PyValue, Reducible } from '../src/py/values';
import { PYTHON } from '../test/support/python';

/** Runs a Python snippet that defines `obj`; returns pickle.dumps(obj, proto) for each protocol. */
function pyPickles(setup: string, protos: number[] = [2, 3, 4, 5]): Map<number, Buffer> {
  const script = `
import base64, pickle, sys, types, collections
import numpy as np
def fake(modname, *classes):
    m = types.ModuleType(modname); sys.modules[modname] = m
    out = []
    for c in classes:
        cls = type(c, (object,), {'__module__': modname}); setattr(m, c, cls); out.append(cls)
    return out
fake('pyrogue')
VariableValue, = fake('pyrogue._Variable', 'VariableValue')
fake('pyrogue.interfaces', )
VirtualFactory, = fake('pyrogue.interfaces._Virtual', 'VirtualFactory')
class Node:
    def __init__(self, attrs): self.attrs = attrs
    def __reduce__(self): return (VirtualFactory, (self.attrs,))
def vv(value, disp, enum=None):
    o = VariableValue.__new__(VariableValue)
    o.__dict__.update(value=value, valueDisp=disp, disp='{}', enum=enum, updated=False, status='None', severity='None')
    return o
${setup}
for p in ${JSON.stringify(protos)}:
    print(p, base64.b64encode(pickle.dumps(obj, protocol=p)).decode())
`;
  const r = execa.sync(PYTHON, ['-c', script]);
  const m = new Map<number, Buffer>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [p, b] = line.split(' ');
    m.set(Number(p), Buffer.from(b, 'base64'));
  }
  return m;
}

function expectSameAsPython(value: PyValue, setup: string, protos: number[] = [2, 3, 4, 5], opts?: EncodeOptions): void {
  const theirs = pyPickles(setup, protos);
  for (const p of protos) expect([p, encode(value, p, opts).toString('hex')]).toEqual([p, theirs.get(p)!.toString('hex')]);
}

const vv = (value: PyValue, disp: string, enumDict: PyValue = null): PyObject =>
  PyObject.instance(
    'pyrogue._Variable',
    'VariableValue',
    PyDict.from({ value, valueDisp: disp, disp: '{}', enum: enumDict, updated: false, status: 'None', severity: 'None' }),
  );

class Node implements Reducible {
  constructor(readonly attrs: PyDict) {}
  [PY_REDUCE](): PyValue {
    return new PyObject(new PyGlobal('pyrogue.interfaces._Virtual', 'VirtualFactory'), [this.attrs], 'reduce');
  }
}

describe('pickle encode: object model vs CPython', () => {
  test('VariableValue: NEWOBJ with (), then BUILD with its __dict__ (shared "None" via shareStrings)', () => {
    // CPython's instance holds the one interned 'None' twice: shareStrings reproduces that.
    expectSameAsPython(vv(5n, '5'), 'obj = vv(5, str(5))', [2, 3, 4, 5], { shareStrings: (s) => s === 'None' });
  });

  test('the same JS object twice is one Python object (BINGET)', () => {
    const inner = [1n, 'x'];
    const t = new PyTuple([inner, 2.5]);
    const d = PyDict.from({ a: inner, b: t });
    expectSameAsPython([inner, t, d, t, inner], "inner=[1,'x'+''.join([])]; t=(inner,2.5); d={'a':inner,'b':t}; obj=[inner,t,d,t,inner]");
  });

  test('a self-containing list and dict', () => {
    const l: PyValue[] = [1n];
    l.push(l);
    const d = new PyDict();
    d.set('me', d);
    expectSameAsPython([l, d], "l=[1]; l.append(l); d={}; d['me']=d; obj=[l,d]");
  });

  test('a tuple reached again while it is being saved (POP, then BINGET)', () => {
    const l: PyValue[] = [];
    const t = new PyTuple([l, 'x']);
    l.push(t);
    const big = new PyTuple([l, 1n, 2n, 3n]);
    const l2: PyValue[] = [big];
    (big.items as PyValue[])[0] = l2;
    expectSameAsPython([t, big], "l=[]; t=(l,'x'); l.append(t); l2=[]; big=(l2,1,2,3); l2.append(big); obj=[t,big]");
  });

  test('Reducible: reduced in place, and the same node twice is a BINGET', () => {
    const a = new Node(PyDict.from({ name: 'Root', nodes: new PyOrderedDict([['x', null]]) }));
    const b = new Node(PyDict.from({ name: 'Other' }));
    const od = new PyOrderedDict([
      ['Root', a],
      ['Other', b],
      ['again', a],
    ]);
    expectSameAsPython(
      od,
      // fresh(): a new str object each call, as a JS string is (no accidental sharing of literals).
      `fresh=lambda x: ''.join(list(x))
a=Node({fresh('name'):fresh('Root'),fresh('nodes'):collections.OrderedDict([('x',None)])}); b=Node({fresh('name'):fresh('Other')})
obj=collections.OrderedDict([(fresh('Root'),a),(fresh('Other'),b),(fresh('again'),a)])`,
      [4, 5],
    );
  });

  test('builtins.Exception(msg) as REDUCE; protocol 2 names it exceptions.Exception', () => {
    expectSameAsPython(PyObject.exception('boom'), "obj = Exception('boom')");
    expectSameAsPython(PyObject.exception('k', 'builtins', 'KeyError'), "obj = KeyError('k')");
  });

  test('reduce with state and items (BUILD after SETITEMS)', () => {
    const o = new PyObject(new PyGlobal('collections', 'OrderedDict'), [], 'reduce');
    o.dictItems = [['a', 1n]];
    o.state = PyDict.from({ extra: true });
    expectSameAsPython(o, 'obj = collections.OrderedDict(a=1); obj.extra = True', [2, 3, 4, 5]);
  });

  test('numpy arrays of one shared dtype, a byte-swapped one, and a scalar', () => {
    const f8 = NdArray.from(NpDtype.float64, [1.5, 2.5]);
    const g8 = NdArray.from(NpDtype.float64, [3.5]);
    const be = NdArray.from(new NpDtype('i', 4, '>'), [7n, 8n]);
    expectSameAsPython([f8, g8, be, f8], "f=np.array([1.5,2.5]); g=np.array([3.5]); obj=[f,g,np.array([7,8],dtype='>i4'),f]");
  });

  test('NEWOBJ_EX in protocol 4+, ValueError below with kwargs', () => {
    const o = new PyObject(new PyGlobal('pyrogue._Variable', 'VariableValue'), [1n], 'newobj_ex', PyDict.from({ k: 2n }));
    const bytes = encode(o, 4);
    expect(bytes.includes(0x92)).toBe(true);
    expect(() => encode(o, 3)).toThrow(/must use protocol 4 or greater/);
  });
});

describe('pickle encode: errors and API', () => {
  test('PyUnpicklable raises builtins.TypeError worded as CPython does', () => {
    const r = execa.sync(PYTHON, ['-c', "import pickle,threading\ntry: pickle.dumps({'lock':[threading.RLock()]})\nexcept TypeError as e: print(e)"]);
    const lock = new PyUnpicklable('_thread.RLock', '<unlocked _thread.RLock object owner=0 count=0 at 0x7f>');
    let err: unknown;
    try {
      encode(PyDict.from({ lock: [lock] }), 4);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PyError);
    expect((err as PyError).pyType).toBe('builtins.TypeError');
    expect((err as PyError).message).toBe(r.stdout.trim());
    expect((err as PyError).wireText).toBe("builtins.TypeError: cannot pickle '_thread.RLock' object");
  });

  test('an encode after an error starts clean', () => {
    expect(() => encode([1n, new PyUnpicklable('_thread.lock', 'x')], 4)).toThrow("cannot pickle '_thread.lock' object");
    expect(Buffer.from(encode([1n], 4))).toEqual(pyPickles('obj=[1]', [4]).get(4));
  });

  test('protocol bounds and replyProtocol clamping', () => {
    expect(() => encode(null, 1)).toThrow();
    expect(() => encode(null, 6)).toThrow();
    expect(replyProtocol(undefined)).toBe(4);
    expect(replyProtocol(0)).toBe(2);
    expect(replyProtocol(3)).toBe(3);
    expect(replyProtocol(9)).toBe(5);
  });

  test('re-entrant: a Reducible that itself encodes', () => {
    const nested: Reducible = {
      [PY_REDUCE]: () => encode('inner', 4),
    };
    expect(Buffer.from(encode([nested, 'x'], 4))).toEqual(pyPickles("import pickle as P\nobj=[P.dumps('inner',4),'x']", [4]).get(4));
  });

  test('Buffer views are pickled by their own bytes', () => {
    const big = Buffer.from('0123456789');
    expect(Buffer.from(encode(big.subarray(3, 6), 4))).toEqual(pyPickles("obj=b'345'", [4]).get(4));
  });

  test('nesting too deep for the JS stack is a Python RecursionError', () => {
    let deep: PyValue = null;
    for (let i = 0; i < 200000; i++) deep = [deep];
    expect(() => encode(deep, 4)).toThrow('maximum recursion depth exceeded while pickling an object');
    expect(Buffer.from(encode([1n], 4))).toEqual(pyPickles('obj=[1]', [4]).get(4));
  });

  test('non-Python values are refused', () => {
    expect(() => encode(undefined as unknown as PyValue)).toThrow(PyError);
    expect(() => encode({} as unknown as PyValue)).toThrow("cannot pickle 'Object' object");
  });
});
