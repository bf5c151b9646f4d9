/**
 * pyrogue v6.15's narrow float models (Float16, Float8, BFloat16, TensorFloat32,
 * Float6, Float4 and their BE forms) against real pyrogue: test/data/float-models.pyrogue.json
 * was recorded from real pyrogue by python-fixtures/float_models.py (see it for the
 * tree and the cases). The same tree is built here on EmulatedMemory and every case
 * replayed in order through the variables' Python surface (what the server calls):
 * typeStr, base and the other props; each set's outcome, value(), valueDisp() and
 * the bytes in memory; get() of bytes written to memory; and the models' Python
 * conversions. Then fast-check properties of the bit conversions.
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { PyError } from '../src/py/errors';
import { halfToNumber, numberToHalf } from '../src/py/float16';
import { NdArray, NpDtype, PyDict, PyObject, PyValue } from '../src/py/values';
import { Device, EmulatedMemory, RemoteVariable, Root } from '../src/tree';
import * as F from '../src/tree/floatFormats';
import * as M from '../src/tree/model';
import { isPyCallable } from '../src/tree/surface';
import { Typed, fromTyped, toTyped } from './support/typed';

interface Outcome {
  type: string;
  text: string;
}
interface VarMeta {
  typeStr: string;
  nativeType: string;
  disp: string;
  minimum: Typed;
  maximum: Typed;
  ndType: string | null;
  varBytes: number;
  address: number;
  bitSize: number[];
  base: { module: string; class: string; dict: Record<string, Typed> };
}
interface SetCase {
  var: string;
  input?: Typed;
  setDisp?: string;
  index: number;
  error: Outcome | null;
  value?: Typed;
  valueError?: Outcome;
  valueDisp?: string;
  memory: string;
  get2?: Typed;
}
interface PyCase {
  model: string;
  op: 'toBytes' | 'fromBytes' | 'fromString' | 'construct';
  input: Typed;
  result?: Typed;
  error?: Outcome;
}
interface Table {
  pyrogue: string;
  models: string[];
  stride: number;
  variables: Record<string, VarMeta>;
  sets: SetCase[];
  gets: { var: string; rows: [string, string, string][] }[];
  python: PyCase[];
}

const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'float-models.pyrogue.json'), 'utf8')) as Table;
const BITS: Record<string, number> = { Float16: 16, Float8: 8, BFloat16: 16, TensorFloat32: 32, Float6: 8, Float4: 8 };
const bitsOf = (model: string): number => BITS[model.replace(/BE$/, '')];
const factory = (name: string): M.ModelFactory => (M as unknown as Record<string, M.ModelFactory>)[name];

const F64 = new DataView(new ArrayBuffer(8));
function f64Hex(x: number): string {
  F64.setFloat64(0, x);
  return F64.getBigUint64(0).toString(16).padStart(16, '0');
}
function fromHex64(h: string): number {
  F64.setBigUint64(0, BigInt('0x' + h));
  return F64.getFloat64(0);
}

/** The table's value form: typed JSON, a float as {f64: bits}. */
function decodeValue(t: Typed): PyValue {
  if (Array.isArray(t)) return t.map(decodeValue);
  if (t !== null && typeof t === 'object' && 'f64' in t) return fromHex64(t.f64 as string);
  return fromTyped(t);
}
function encodeValue(v: PyValue): Typed {
  if (typeof v === 'number') return { f64: f64Hex(v) };
  if (Array.isArray(v)) return v.map(encodeValue);
  return toTyped(v);
}
/** An exception as the table has it; an object address in its text (`<ast.Name object at 0x…>`) as 0x0. */
function outcome(e: unknown): Outcome {
  if (e instanceof PyError) return { type: e.pyType, text: sansAddress(e.message) };
  throw e;
}
const sansAddress = (s: string): string => s.replace(/ at 0x[0-9a-f]+>/g, ' at 0x0>');
/** Runs a Python call on a node; its result or its Python exception. */
async function pyCall(node: unknown, name: string, args: PyValue[] = [], kwargs: [string, PyValue][] = []): Promise<{ ok: PyValue } | { error: Outcome }> {
  const f = (node as { pyGetAttr(n: string): unknown }).pyGetAttr(name);
  if (!isPyCallable(f)) throw new Error(`${name} is not callable`);
  try {
    return { ok: await f.call(args, new PyDict(kwargs)) };
  } catch (e) {
    return { error: outcome(e) };
  }
}

class Dev extends Device {
  constructor(memory: EmulatedMemory) {
    super({ name: 'Dev', memBase: memory, offset: 0 });
    TABLE.models.forEach((name, i) => {
      const base = factory(name);
      const bits = bitsOf(name);
      const off = i * TABLE.stride;
      this.add(new RemoteVariable({ name, offset: off, bitSize: bits, base }));
      this.add(new RemoteVariable({ name: `${name}_Open`, offset: off + 8, bitSize: bits, base, minimum: 0.0, maximum: 0.0 }));
      this.add(new RemoteVariable({ name: `${name}_Narrow`, offset: off + 0x10, bitSize: bits, base, minimum: -1.5, maximum: 2.5 }));
      this.add(new RemoteVariable({ name: `${name}_Array`, offset: off + 0x20, bitSize: bits * 4, base, numValues: 4, valueBits: bits, valueStride: bits }));
    });
  }
}

describe('narrow float models against real pyrogue (test/data/float-models.pyrogue.json)', () => {
  const memory = new EmulatedMemory({ minAccess: 4, maxAccess: 0x1000 });
  // a short SystemLog: every failed set logs, and each entry writes the whole log again
  const root = new Root({ name: 'Root', pollEn: false, maxLog: 10 });
  root.add(new Dev(memory));
  const node = (name: string) => root.getNode(`Root.Dev.${name}`) as RemoteVariable;

  beforeAll(async () => {
    await root.start();
    for (const name of Object.keys(TABLE.variables)) await node(name).get();
  });
  afterAll(async () => {
    await root.stop();
  });

  test('the table is real pyrogue v6.15 and covers every model', () => {
    expect(TABLE.pyrogue).toBe('6.15.0');
    expect(TABLE.models).toEqual([
      'Float16',
      'Float16BE',
      'Float8',
      'Float8BE',
      'BFloat16',
      'BFloat16BE',
      'TensorFloat32',
      'TensorFloat32BE',
      'Float6',
      'Float6BE',
      'Float4',
      'Float4BE',
    ]);
  });

  test('typeStr, nativeType, disp, range, ndType, layout and base of every variable', () => {
    const props = (n: string) => (k: string) => node(n).pyGetAttr(k) as PyValue;
    for (const [name, want] of Object.entries(TABLE.variables)) {
      const p = props(name);
      const v = node(name);
      const base = p('base') as PyObject;
      const got = {
        typeStr: p('typeStr'),
        nativeType: v.nativeTypeName,
        disp: p('disp'),
        minimum: toTyped(p('minimum')),
        maximum: toTyped(p('maximum')),
        ndType: v.ndType === null ? null : v.ndType.name,
        varBytes: Number(p('varBytes')),
        address: Number(p('address')),
        bitSize: (p('bitSize') as bigint[]).map(Number),
        base: {
          module: base.cls.module,
          class: base.cls.name,
          dict: Object.fromEntries(
            [...(base.state as PyDict)]
              .map(([k, x]) => [k, x instanceof PyObject ? NpDtype.parse(x.args[0] as string).name : toTyped(x)])
              .sort(([a], [b]) => (String(a) < String(b) ? -1 : 1)),
          ),
        },
      };
      expect({ name, ...got }).toEqual({ name, ...want });
    }
  });

  test('sets in order: outcome, value(), valueDisp() and the bytes in memory', async () => {
    let n = 0;
    for (const c of TABLE.sets) {
      const v = node(c.var);
      const r =
        c.setDisp !== undefined
          ? await pyCall(v, 'setDisp', [c.setDisp])
          : await pyCall(v, 'set', [decodeValue(c.input!)], c.index === -1 ? [] : [['index', BigInt(c.index)]]);
      const got: Partial<SetCase> = { error: 'error' in r ? r.error : null };
      const value = await pyCall(v, 'value');
      if ('ok' in value) {
        got.value = encodeValue(value.ok);
        const d = await pyCall(v, 'valueDisp');
        got.valueDisp = 'ok' in d ? (d.ok as string) : undefined;
      } else got.valueError = value.error;
      got.memory = Buffer.from(memory.peek(v.address, v.varBytes)).toString('hex');
      if (c.get2 !== undefined) {
        const g = await pyCall(v, 'get', [], [['index', 2n]]);
        got.get2 = 'ok' in g ? encodeValue(g.ok) : (g.error as unknown as Typed);
      }
      const { var: name, input, setDisp, index, ...want } = c;
      if (want.error) want.error = { ...want.error, text: sansAddress(want.error.text) };
      expect({ name, input, setDisp, index, ...got }).toEqual({ name, input, setDisp, index, ...want });
      n++;
    }
    expect(n).toBe(TABLE.sets.length);
  });

  test('get() and valueDisp() of bytes in memory', async () => {
    let n = 0;
    for (const g of TABLE.gets) {
      const v = node(g.var);
      for (const [mem, f64, disp] of g.rows) {
        const bytes = new Uint8Array(v.varBytes);
        bytes.set(Buffer.from(mem, 'hex'));
        memory.poke(v.address, bytes);
        const r = await pyCall(v, 'get');
        const d = await pyCall(v, 'valueDisp');
        expect({ var: g.var, mem, value: 'ok' in r ? f64Hex(r.ok as number) : r, disp: 'ok' in d ? d.ok : d }).toEqual({ var: g.var, mem, value: f64, disp });
        n++;
      }
    }
    expect(n).toBeGreaterThan(3000);
  });

  test("the models' Python conversions: toBytes, fromBytes, fromString, construction", () => {
    for (const c of TABLE.python) {
      const make = factory(c.model);
      let got: { result?: Typed; error?: Outcome };
      try {
        if (c.op === 'construct') {
          make(c.input as unknown as number);
          got = { result: null };
        } else {
          const m = make(bitsOf(c.model));
          if (c.op === 'toBytes') got = { result: Buffer.from(m.toBytes(decodeValue(c.input))).toString('hex') };
          else if (c.op === 'fromBytes') got = { result: encodeValue(m.fromBytes(new Uint8Array(Buffer.from(c.input as string, 'hex')))) };
          else got = { result: encodeValue(m.fromString(c.input as string)) };
        }
      } catch (e) {
        got = { error: outcome(e) };
      }
      const { model, op, input, ...want } = c;
      expect({ model, op, input, ...got }).toEqual({ model, op, input, ...want });
    }
  });
});

describe('narrow float models', () => {
  test('memoized per class and bitSize; BE forms keep the name, pickle as their class', () => {
    expect(M.Float16(16)).toBe(M.Float16(16));
    expect(M.Float16BE(16)).not.toBe(M.Float16(16));
    expect(M.Float16BE(16).name).toBe('Float16');
    expect(M.Float16BE(16).isBigEndian).toBe(true);
    expect(M.Float16BE(16).toPyValue().cls.name).toBe('Float16BE');
    expect(M.Float8BE(8).toPyValue().cls.qualified).toBe('pyrogue._Model.Float8BE');
    expect(() => M.TensorFloat32BE(16)).toThrow('The bitSize param of Model TensorFloat32BE must be 32');
  });
});

describe('the bit conversions (fast-check)', () => {
  const half = fc.integer({ min: 0, max: 0xffff });
  const byte = fc.integer({ min: 0, max: 0xff });
  const f32 = fc.integer({ min: 0, max: 0xffffffff });

  test('Float16: rogue keeps every half through float and back; numpy widening is exact and narrowing rounds to nearest, ties to even', () => {
    const wrong: number[] = [];
    for (let h = 0; h <= 0xffff; h++) {
      const x = halfToNumber(h);
      if (F.floatToHalf(F.halfToFloat(h)) !== h || numberToHalf(x) !== h || (!Number.isNaN(x) && F.f32FromBits(F.halfToFloat(h)) !== x)) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    // numpy's narrowing: the nearest half, ties to the even one
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -70000, max: 70000 }), (x) => {
        const h = numberToHalf(x);
        const y = halfToNumber(h);
        if (Math.abs(x) >= 65520) return !Number.isFinite(y) && Math.sign(y) === Math.sign(x);
        const up = halfToNumber(numberToHalf(y) + (y >= 0 && !Object.is(y, -0) ? 1 : -1) * (x >= y ? 1 : -1)); // the neighbour on x's side
        const d = Math.abs(x - y);
        const dn = Number.isFinite(up) ? Math.abs(x - up) : Infinity;
        return d < dn || (d === dn && (h & 1) === 0);
      }),
      { numRuns: 20000 },
    );
  });

  test('rogue truncates toward zero: the stored value never exceeds the float in magnitude (finite, in range)', () => {
    fc.assert(
      fc.property(f32, (bits) => {
        const x = F.f32FromBits(bits);
        if (!Number.isFinite(x)) return true;
        const back = [
          Math.abs(x) <= 65504 ? F.f32FromBits(F.halfToFloat(F.floatToHalf(bits))) : null,
          Math.abs(x) <= 448 ? F.f32FromBits(F.float8ToFloat(F.floatToFloat8(bits))) : null,
          F.f32FromBits(F.bfloat16ToFloat(F.floatToBFloat16(bits))),
          F.f32FromBits(F.tensorFloat32ToFloat(F.floatToTensorFloat32(bits))),
          Math.abs(x) <= 28 ? F.float6ToNumber(F.floatToFloat6(bits)) : null,
          Math.abs(x) <= 6 ? F.float4ToNumber(F.floatToFloat4(bits)) : null,
        ];
        return back.every((y) => y === null || (Math.abs(y) <= Math.abs(x) && (y === 0 || Math.sign(y) === Math.sign(x))));
      }),
      { numRuns: 20000 },
    );
  });

  test('every stored pattern decodes to a value that encodes back to it (8-bit formats, BFloat16, TensorFloat32)', () => {
    for (let b = 0; b <= 0xff; b++) {
      // Float8: 0x7F and 0xFF are the NaNs; both encode back as 0x7F
      expect(F.floatToFloat8(F.float8ToFloat(b))).toBe((b & 0x7f) === 0x7f ? 0x7f : b);
      // Float6 and Float4 use the low 6 and 4 bits
      expect(F.floatToFloat6(F.f32Bits(F.float6ToNumber(b)))).toBe(b & 0x3f);
      expect(F.floatToFloat4(F.f32Bits(F.float4ToNumber(b)))).toBe(b & 0x0f);
    }
    fc.assert(
      fc.property(half, (h) => F.floatToBFloat16(F.bfloat16ToFloat(h)) === h),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(f32, (t) => {
        const tf = F.floatToTensorFloat32(t);
        return F.floatToTensorFloat32(F.tensorFloat32ToFloat(tf)) === tf;
      }),
      { numRuns: 5000 },
    );
  });

  test('the 8-bit formats decode to their documented values', () => {
    const f4 = Array.from({ length: 8 }, (_, b) => F.float4ToNumber(b));
    expect(f4).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]);
    expect(F.float6ToNumber(0x1f)).toBe(28);
    expect(F.f32FromBits(F.float8ToFloat(0x7e))).toBe(448);
    expect(F.f32FromBits(F.float8ToFloat(0x01))).toBe(2 ** -9);
    fc.assert(fc.property(byte, (b) => Object.is(F.float4ToNumber(b | 0x08), -F.float4ToNumber(b & 0x07))));
  });

  test('an array of a narrow model is a numpy float32 array (Float16: float16)', () => {
    expect(M.Float8(8).ndType).toBe(NpDtype.float32);
    expect(M.Float16(16).ndType).toBe(NpDtype.float16);
    const a = NdArray.from(NpDtype.float16, [0.1, 65520, -0]);
    expect(a.items()).toEqual([0.0999755859375, Infinity, -0]);
  });
});
