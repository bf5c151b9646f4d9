/**
 * Opcodes and reconstructors the CPython round trip does not reach:
 * Python-2 style pickles (STRING/BINSTRING/SHORT_BINSTRING, INST/OBJ,
 * __builtin__/copy_reg names), numpy 2 module names, copyreg helpers,
 * NEWOBJ_EX, text numbers, and the protocol report.
 */
import execa from 'execa';
import { decode, decodeWithInfo, npDtypeOf } from '../src/pickle';
import { NdArray, NpDtype, NpScalar, PyByteArray, PyComplex, PyDict, PyGlobal, PyObject, PyOrderedDict, PySet, PyTuple, pyEquals } from '../src/py/values';
import { PYTHON } from '../test/support/python';
import { toTyped } from '../test/support/typed';

const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** Pickles made by CPython for cases pyvalues.py cannot describe. */
const made: Record<string, Uint8Array> = (() => {
  const script = String.raw`
import pickle, base64, json, numpy as np, struct
class C:
    def __init__(self): self.x = 1
class K:
    def __new__(cls, a, *, b=2): o = object.__new__(cls); return o
    def __getnewargs_ex__(self): return ((5,), {'b': 6})
out = {}
C.__module__ = '__main__'
out['inst_p0'] = pickle.dumps(C(), 0)
out['inst_p2'] = pickle.dumps(C(), 2)
out['newobj_ex'] = pickle.dumps(K(5), 4)
a = np.arange(6, dtype='>i2').reshape(2, 3)
for p in (0, 2):
    out[f'np2_p{p}'] = pickle.dumps(a, p).replace(b'numpy.core.multiarray', b'numpy._core.multiarray')
p4 = pickle.dumps(a, 4)
assert p4[2] == 0x95 and p4.count(b'\x95') >= 1
body = p4[11:].replace(b'\x8c\x15numpy.core.multiarray', b'\x8c\x16numpy._core.multiarray')
out['np2_p4'] = p4[:3] + struct.pack('<Q', struct.unpack('<Q', p4[3:11])[0] + 1) + body
out['np2_p5'] = pickle.dumps(np.asfortranarray(a), 5).replace(b'\x8c\x12numpy.core.numeric', b'\x8c\x13numpy._core.numeric')
out['np2_p5'] = out['np2_p5'][:3] + struct.pack('<Q', struct.unpack('<Q', out['np2_p5'][3:11])[0] + 1) + out['np2_p5'][11:]
out['scalar_p2'] = pickle.dumps(np.float32(1.5), 2)
out['dtype_p4'] = pickle.dumps(np.dtype('>u2'), 4)
e = ValueError('bad', 3); e.extra = 'x'
out['exc_state'] = pickle.dumps(e, 4)
for k in list(out):
    if not k.startswith('np2'):  # numpy 1.x here cannot load numpy 2 names
        assert pickle.loads(out[k]) is not None
print(json.dumps({k: base64.b64encode(v).decode() for k, v in out.items()}))
`;
  const r = execa.sync(PYTHON, ['-c', script]);
  const j = JSON.parse(r.stdout) as Record<string, string>;
  return Object.fromEntries(Object.entries(j).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
})();

describe('Python 2 style pickles', () => {
  test('STRING (quoted, escaped), BINSTRING, SHORT_BINSTRING decode to str (latin-1)', () => {
    const v = decode(b("(dp0\nS'key'\np1\nS'va\\'l\\x00\\n\\101\\\\'\np2\nsS\"dq\"\nT\x03\x00\x00\x00a\xe9cU\x02hi\x86s."));
    expect(v).toBeInstanceOf(PyDict);
    const d = v as PyDict;
    expect(d.get('key')).toBe("va'l\u0000\nA\\");
    expect(toTyped(d.get('dq')!)).toEqual({ tuple: ['a\u00e9c', 'hi'] });
  });

  test('__builtin__ and copy_reg names map to builtins/copyreg below protocol 3', () => {
    expect(decode(b('c__builtin__\nset\n((lI1\naI2\natR.'))).toBeInstanceOf(PySet);
    expect(decode(b('c__builtin__\ncomplex\n(F1.5\nF-2.0\ntR.'))).toEqual(new PyComplex(1.5, -2));
    expect(decode(b("cexceptions\nValueError\n(S'x'\ntR."))).toEqual(PyObject.exception('x', 'builtins', 'ValueError'));
    expect(() => decode(b('\x80\x03c__builtin__\nset\n)R.'))).toThrow("global '__builtin__.set' is forbidden");
  });

  test('INST and OBJ build records with allowObjects, and allow-listed types without', () => {
    const inst = decode(b("(S'a'\nimy.mod\nCls\n."), { allowObjects: true }) as PyObject;
    expect(inst.cls.qualified).toBe('my.mod.Cls');
    expect(inst.args).toEqual(['a']);
    const obj = decode(b('(cmy.mod\nCls\nK\x01o.'), { allowObjects: true }) as PyObject;
    expect(obj.cls.qualified).toBe('my.mod.Cls');
    expect(obj.args).toEqual([1n]);
    expect(decode(b('(ccollections\nOrderedDict\no.'))).toBeInstanceOf(PyOrderedDict);
    expect(() => decode(b("(S'a'\nimy.mod\nCls\n."))).toThrow("global 'my.mod.Cls' is forbidden");
  });

  test('text numbers: I01/I00 bools, base prefixes, L suffix, nan/inf', () => {
    expect(decode(b('I01\n.'))).toBe(true);
    expect(decode(b('I00\n.'))).toBe(false);
    expect(decode(b('I0x10\n.'))).toBe(16n);
    expect(decode(b('I 12 \n.'))).toBe(12n);
    expect(decode(b('I1_0\n.'))).toBe(10n);
    expect(decode(b('L-12L\n.'))).toBe(-12n);
    expect(decode(b('L123456789012345678901234567890\n.'))).toBe(123456789012345678901234567890n);
    expect(decode(b('Fnan\n.'))).toBeNaN();
    expect(decode(b('F-inf\n.'))).toBe(-Infinity);
    expect(Object.is(decode(b('F-0.0\n.')), -0)).toBe(true);
    expect(() => decode(b('F1e400\n.'))).toThrow('value too large to convert to float');
  });

  test('UNICODE: raw-unicode-escape with \\u and \\U escapes', () => {
    expect(decode(b('Va\\u005cb\\u000ac\\u1234\\U0001f600\\\\x\n.'))).toBe('a\\b\nc\u1234\u{1F600}\\\\x');
  });
});

describe('objects', () => {
  test('copyreg._reconstructor (protocol 0) and NEWOBJ (protocol 2) give the same record', () => {
    const p0 = decode(made.inst_p0, { allowObjects: true }) as PyObject;
    const p2 = decode(made.inst_p2, { allowObjects: true }) as PyObject;
    expect(p0.cls.qualified).toBe('__main__.C');
    expect(p0.how).toBe('newobj');
    expect((p0.state as PyDict).get('x')).toBe(1n);
    expect(pyEquals(p0, p2)).toBe(true);
    expect(() => decode(made.inst_p0)).toThrow("global '__main__.C' is forbidden");
  });

  test('NEWOBJ_EX keeps args and kwargs', () => {
    const o = decode(made.newobj_ex, { allowObjects: true }) as PyObject;
    expect(o.how).toBe('newobj_ex');
    expect(o.args).toEqual([5n]);
    expect(o.kwargs!.get('b')).toBe(6n);
  });

  test('exception with attributes: REDUCE then BUILD state', () => {
    const e = decode(made.exc_state) as PyObject;
    expect(e.cls).toEqual(new PyGlobal('builtins', 'ValueError'));
    expect(e.args).toEqual(['bad', 3n]);
    expect((e.state as PyDict).get('extra')).toBe('x');
  });

  test('bytes/bytearray constructors of protocols 0-2', () => {
    expect(decode(b('c_codecs\nencode\n(Vab\\u00ff\nVlatin1\ntR.'))).toEqual(new Uint8Array([0x61, 0x62, 0xff]));
    expect(decode(b('c__builtin__\nbytes\n(tR.'))).toEqual(new Uint8Array(0));
    expect(decode(b('c__builtin__\nbytearray\n(Vab\nVlatin-1\ntR.'))).toEqual(new PyByteArray(new Uint8Array([0x61, 0x62])));
    expect(() => decode(b('c_codecs\nencode\n(V\\u0100\nVlatin1\ntR.'))).toThrow("'latin-1' codec can't encode character");
  });
});

describe('numpy', () => {
  const expected = NdArray.from(NpDtype.parse('>i2'), [0n, 1n, 2n, 3n, 4n, 5n], [2, 3]);

  test.each(['np2_p0', 'np2_p2', 'np2_p4'])('numpy 2 module names (numpy._core.multiarray): %s', (k) => {
    expect(Buffer.from(made[k]).includes(Buffer.from('numpy._core.multiarray'))).toBe(true);
    const a = decode(made[k]) as NdArray;
    expect(a).toBeInstanceOf(NdArray);
    expect(pyEquals(a, expected)).toBe(true);
    expect(a.dtype.str).toBe('>i2');
  });

  test('protocol 5 _frombuffer (numpy._core.numeric) with Fortran order', () => {
    expect(Buffer.from(made.np2_p5).includes(Buffer.from('numpy._core.numeric'))).toBe(true);
    const a = decode(made.np2_p5) as NdArray;
    expect(a.fortran).toBe(true);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype.str).toBe('>i2');
    expect(a.items()).toEqual([0n, 3n, 1n, 4n, 2n, 5n]);
  });

  test('scalar (protocol 2, bytes through _codecs.encode)', () => {
    const s = decode(made.scalar_p2) as NpScalar;
    expect(s).toBeInstanceOf(NpScalar);
    expect(s.dtype.str).toBe('<f4');
    expect(s.value).toBe(1.5);
  });

  test('a bare dtype is a numpy.dtype record; npDtypeOf reads it (byte order from the BUILD state)', () => {
    const d = decode(made.dtype_p4);
    expect(d).toBeInstanceOf(PyObject);
    expect(npDtypeOf(d)!.str).toBe('>u2');
    expect(npDtypeOf('x')).toBeUndefined();
  });

  test('array data that does not match the shape is a ValueError, not a crash', () => {
    const bad = Buffer.from(made.np2_p2);
    const i = bad.indexOf(Buffer.from('K\x02K\x03\x86', 'latin1'));
    expect(i).toBeGreaterThan(0);
    bad[i + 1] = 7;
    expect(() => decode(new Uint8Array(bad))).toThrow('does not match array size');
  });
});

describe('protocol report', () => {
  test('PROTO when present, else 1 for binary opcodes, else 0', () => {
    expect(decodeWithInfo(b('\x80\x02N.')).protocol).toBe(2);
    expect(decodeWithInfo(b('\x80\x05N.')).protocol).toBe(5);
    expect(decodeWithInfo(b('N.')).protocol).toBe(0);
    expect(decodeWithInfo(b('K\x01.')).protocol).toBe(1);
    expect(decodeWithInfo(b(']N.')).protocol).toBe(1);
    expect(decodeWithInfo(made.inst_p0, { allowObjects: true }).protocol).toBe(0);
  });

  test('trailing bytes after STOP are ignored, as pickle.loads does', () => {
    expect(decode(b('N.garbage'))).toBeNull();
  });

  test('empty tuples share one instance; dicts from EMPTY_DICT+SETITEMS keep order', () => {
    const d = decode(b('\x80\x04}(K\x02N\x8c\x01aNK\x01Nu.')) as PyDict;
    expect([...d.keys()]).toEqual([2n, 'a', 1n]);
    expect(decode(b('\x80\x04).'))).toBe(PyTuple.EMPTY);
  });
});

describe('input buffers', () => {
  test('bytes decoded from a Buffer are plain Uint8Array copies, not views of the input', () => {
    const input = Buffer.from([0x80, 4, 0x43, 2, 0x61, 0x62, 0x2e]);
    const v = decode(input) as Uint8Array;
    expect(Buffer.isBuffer(v)).toBe(false);
    expect(Array.from(v)).toEqual([0x61, 0x62]);
    input[4] = 0x7a;
    expect(Array.from(v)).toEqual([0x61, 0x62]);
  });

  test('a subarray of a larger buffer decodes from its own offset', () => {
    const big = new Uint8Array([0xff, 0xff, 0x80, 4, 0x4b, 7, 0x2e, 0xff]);
    expect(decode(big.subarray(2, 7))).toBe(7n);
  });
});
