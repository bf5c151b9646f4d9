/**
 * The encoder's memo is per call: what one `encode` memoized (strings shared
 * by value, globals, objects) never turns into a BINGET in a later call, also
 * across the encoder's reused tables (see Pickler.base) and once they are
 * emptied for size.
 */
import { encode } from '../src/pickle/encode';
import { PyDict, PyGlobal, PyObject, PyTuple, PyValue } from '../src/py/values';

const BINGET = 0x68;
const LONG_BINGET = 0x6a;

/** Whether a pickle holds a BINGET or LONG_BINGET byte (no str below contains "h" or "j", their codes). */
function hasGet(b: Uint8Array): boolean {
  return b.includes(BINGET) || b.includes(LONG_BINGET);
}

function vv(value: PyValue): PyObject {
  return PyObject.instance(
    'pyrogue._Variable',
    'VariableValue',
    PyDict.from({ value, valueDisp: String(value), disp: '{}', enum: null, updated: false, status: 'None', severity: 'None' }),
  );
}

describe('encode: the memo is per call', () => {
  test('the same value encodes to the same bytes whatever was encoded before', () => {
    const batch = (v: bigint) => new PyDict([['Root.Dev.Counter', vv(v)]]);
    const first = encode(batch(5n), 4, { shareStrings: (s) => s === 'None' });
    // a fresh call: 'None' is shared within it (one MEMOIZE, then a BINGET), nothing from before
    expect(first.filter((x) => x === BINGET)).toHaveLength(1);
    for (let i = 0; i < 50; i++) {
      encode(batch(BigInt(i)), 4, { shareStrings: true });
      encode(new PyTuple([new PyGlobal('pyrogue._Variable', 'VariableValue'), 'Root.Dev.Counter', 'None']), 2);
    }
    expect(encode(batch(5n), 4, { shareStrings: (s) => s === 'None' })).toEqual(first);
  });

  test('after a call that shared more strings than the encoder keeps', () => {
    const many = new PyDict(Array.from({ length: 10000 }, (_, i) => [`key${i}`, `value${i % 7}`] as [PyValue, PyValue]));
    const small = new PyTuple(['key1', 'value1', new PyGlobal('builtins', 'print')]);
    const before = encode(small, 4, { shareStrings: true });
    expect(hasGet(before)).toBe(false);
    const big = encode(many, 4, { shareStrings: true });
    expect(hasGet(big)).toBe(true); // 'value0'..'value6' shared within that call
    expect(encode(small, 4, { shareStrings: true })).toEqual(before);
    expect(encode(small, 2, { shareStrings: true })).toEqual(encode(small, 2));
  });

  test('objects memoized in one call are new objects to the next', () => {
    const shared = new PyDict([['a', 1n]]);
    const twice = new PyTuple([shared, shared]);
    const once = encode(new PyTuple([shared]), 4);
    expect(hasGet(once)).toBe(false);
    expect(hasGet(encode(twice, 4))).toBe(true);
    expect(encode(new PyTuple([shared]), 4)).toEqual(once);
    // past the small-call objects (stamped objects)
    const list = Array.from({ length: 100 }, () => new PyDict([['k', 2n]]));
    const withMany = encode(new PyTuple([...list, ...list]), 4);
    expect(withMany.filter((x) => x === BINGET).length).toBeGreaterThanOrEqual(100);
    expect(encode(new PyTuple(list.slice(0, 1)), 4)).toEqual(encode(new PyTuple([new PyDict([['k', 2n]])]), 4));
  });
});
