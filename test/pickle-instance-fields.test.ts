/**
 * PY_INSTANCE_FIELDS (docs/decisions/0007): the encoder pickles a
 * VariableValue straight from its fields. The bytes must be those of its
 * PY_REDUCE reduction, whatever the fields hold: shared one-character
 * strings, containers, the object met twice in one pickle, a big pickle
 * whose frames split inside it, and every protocol.
 */
import fc from 'fast-check';
import { encode } from '../src/pickle/encode';
import { InstanceFields, PY_INSTANCE_FIELDS, PY_REDUCE, PyDict, PyObject, PyTuple, PyValue, Reducible } from '../src/py/values';
import { VariableValue } from '../src/tree/variable/common';
import { strArb, typedArb } from './support/typedArbitrary';
import { fromTyped } from './support/typed';

/** The same object seen only through PY_REDUCE (the general path). */
class ReduceOnly implements Reducible {
  constructor(private readonly vv: VariableValue) {}
  [PY_REDUCE](): PyValue {
    return this.vv[PY_REDUCE]();
  }
}

/** Replaces every VariableValue in a value by its ReduceOnly twin (one twin per object, so sharing is kept). */
function twin(v: PyValue, seen = new Map<VariableValue, ReduceOnly>()): PyValue {
  if (v instanceof VariableValue) {
    let t = seen.get(v);
    if (t === undefined) seen.set(v, (t = new ReduceOnly(v)));
    return t;
  }
  if (Array.isArray(v)) return v.map((x) => twin(x, seen));
  if (v instanceof PyTuple) return new PyTuple(v.items.map((x) => twin(x, seen)));
  if (v instanceof PyDict) {
    const d = new PyDict();
    for (const [k, x] of v.entries()) d.set(k, twin(x, seen));
    return d;
  }
  return v;
}

const shortStr = fc.oneof(fc.constantFrom('', 'x', '5', 'None', 'AlarmLow', '{}', '{:#x}'), strArb);
const enumArb = fc.oneof(
  fc.constant(null),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), shortStr), { maxLength: 3 }).map((es) => new PyDict(es.map(([k, s]) => [BigInt(k), s] as const))),
);
const vvArb = fc
  .tuple(typedArb, shortStr, shortStr, enumArb, shortStr, shortStr)
  .map(([value, valueDisp, disp, en, status, severity]) => new VariableValue(fromTyped(value), valueDisp, disp, en, status, severity));

function same(value: PyValue, protocol: number): void {
  const fast = Buffer.from(encode(value, protocol));
  const general = Buffer.from(encode(twin(value), protocol));
  expect(fast.toString('hex')).toBe(general.toString('hex'));
}

describe('VariableValue pickled from its fields', () => {
  test('declares the fields its reduction has, in the same order', () => {
    const vv = new VariableValue(5n, '5', '{}', null, 'None', 'None');
    const f = vv[PY_INSTANCE_FIELDS];
    const reduced = vv[PY_REDUCE]() as unknown as { cls: { module: string; name: string }; state: PyDict };
    expect([f.module, f.name]).toEqual([reduced.cls.module, reduced.cls.name]);
    expect(f.keys).toEqual([...reduced.state.keys()]);
  });

  test('a one-update batch: the same bytes as the reduction, every protocol', () => {
    fc.assert(
      fc.property(vvArb, fc.string({ maxLength: 30 }), fc.integer({ min: 2, max: 5 }), (vv, path, protocol) => {
        same(new PyDict([[path, vv]]), protocol);
      }),
      { numRuns: 400 },
    );
  });

  test('the same object twice and several in one batch (memo references)', () => {
    fc.assert(
      fc.property(fc.array(vvArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 2, max: 5 }), (vvs, protocol) => {
        const d = new PyDict();
        vvs.forEach((vv, i) => d.set(`Root.V${i}`, vv));
        same([d, vvs[0], new PyTuple([vvs[vvs.length - 1]])], protocol);
      }),
      { numRuns: 200 },
    );
  });

  test('inside a pickle large enough to be split into frames', () => {
    const big = 'y'.repeat(70000);
    const vvs = Array.from({ length: 40 }, (_, i) => new VariableValue(BigInt(i), 'z'.repeat(3000 + i), '{}', null, 'None', 'None'));
    same([big, ...vvs, new VariableValue(big, big, '{}', null, 'None', 'None')], 4);
    same(vvs, 5);
  });

  test('any number of fields, also past one SETITEMS batch (1000)', () => {
    for (const n of [0, 1, 2, 999, 1000, 1001]) {
      const keys = Array.from({ length: n }, (_, i) => `f${i}`);
      const fields: InstanceFields = { module: 'm', name: 'C', keys };
      const obj = Object.fromEntries(keys.map((k, i) => [k, BigInt(i)])) as Record<string, PyValue>;
      const withFields = Object.assign(Object.create(null) as object, obj, {
        [PY_INSTANCE_FIELDS]: fields,
        [PY_REDUCE]: () => PyObject.instance('m', 'C', PyDict.from(obj)),
      }) as unknown as PyValue;
      const reduceOnly = { [PY_REDUCE]: () => PyObject.instance('m', 'C', PyDict.from(obj)) } as unknown as PyValue;
      expect(Buffer.from(encode([withFields, withFields], 4)).toString('hex')).toBe(Buffer.from(encode([reduceOnly, reduceOnly], 4)).toString('hex'));
    }
  });

  test('a one-update frame is what pyrogue publishes (fixed bytes)', () => {
    const frame = Buffer.from(encode(new PyDict([['Root.Bench.Counter', new VariableValue(5n, '5', '{}', null, 'None', 'None')]]), 4));
    expect(frame.toString('base64')).toBe(
      'gASVogAAAAAAAAB9lIwSUm9vdC5CZW5jaC5Db3VudGVylIwRcHlyb2d1ZS5fVmFyaWFibGWUjA1WYXJpYWJsZVZhbHVllJOUKYGUfZQojAV2YWx1ZZRLBYwJdmFsdWVEaXNwlIwBNZSMBGRpc3CUjAJ7fZSMBGVudW2UTowHdXBkYXRlZJSJjAZzdGF0dXOUjAROb25llIwIc2V2ZXJpdHmUjAROb25llHVicy4=',
    );
  });
});
