/**
 * Memory layer: models, bit packing, blocks and transactions over the
 * emulated memory (no tree needed).
 */
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { EmulatedMemory, MemoryBackend } from '../src/tree/memory';
import * as M from '../src/tree/model';
import { Block, MemVariable, MemVariableOptions, TxType, buildBlocks, cFormatF, GeneralError } from '../src/tree/block';
import { NdArray, PyDict, PyValue } from '../src/py/values';
import { canon, GOLDEN } from './support/tree';

function memVar(o: Partial<MemVariableOptions> & { name: string; model: M.Model }): MemVariable {
  const bitSize = o.bitSize ?? [o.model.bitSize];
  return new MemVariable({
    path: () => `Root.Dev.${o.name}`,
    mode: 'RW',
    minimum: o.model.minValue(),
    maximum: o.model.maxValue(),
    offset: 0,
    bitOffset: [0],
    overlapEn: false,
    verifyEn: true,
    bulkEn: true,
    updateNotify: true,
    numValues: 0,
    valueBits: 0,
    valueStride: 0,
    retryCount: 0,
    onUpdate: () => undefined,
    ...o,
    bitSize,
  });
}

describe('models', () => {
  test('names (typeStr), native types, ranges, default disp', () => {
    expect(M.UInt(32).name).toBe('UInt32');
    expect(M.UInt(1).name).toBe('UInt1');
    expect(M.UInt(160).name).toBe('UInt160');
    expect(M.Int(16).name).toBe('Int16');
    expect(M.Bool(1).name).toBe('Bool');
    expect(M.String(64).name).toBe('String(8)');
    expect(M.Float(32).name).toBe('Float32');
    expect(M.Double(64).name).toBe('Double64');
    expect(M.Fixed(16, 8).name).toBe('Fixed_16_8');
    expect(M.UIntBE(32).name).toBe('UIntBE32');
    expect(M.UInt(32)).toBe(M.UInt(32));
    expect(M.UInt(32).maxValue()).toBe(4294967295n);
    expect(M.UInt(160).maxValue()).toBe(1461501637330902918203684832716283019655932542975n);
    expect(M.Int(8).minValue()).toBe(-128n);
    expect(M.Int(8).maxValue()).toBe(127n);
    expect(M.UInt(3).defaultDisp).toBe('{:#x}');
    expect(M.Int(3).defaultDisp).toBe('{:d}');
    expect(M.Float(32).defaultDisp).toBe('{:f}');
    expect(M.Bool(1).defaultDisp).toBeInstanceOf(PyDict);
    expect(M.UInt(32).pytype).toBe('int');
    expect(M.Double(64).pytype).toBe('float');
    expect(M.String(8).pytype).toBe('str');
    expect(() => M.Bool(2)).toThrow(/must be 1/);
    expect(() => M.Float(64)).toThrow(/must be 32/);
  });

  test('pickled base equals the golden prop:...:base replies', () => {
    const lines = fs.readFileSync(path.join(GOLDEN, 'transcript.jsonl'), 'utf8').split('\n');
    let n = 0;
    for (const line of lines) {
      if (!line.includes(':base"')) continue;
      const e = JSON.parse(line);
      if (!/^prop:.*:base$/.test(e.id) || e.reply?.obj !== 'pyrogue._Model.UInt') continue;
      const st = new Map<string, any>(e.reply.state.dict);
      const m = M.UInt(Number(st.get('bitSize').int));
      expect(canon(m.toPyValue())).toEqual(e.reply);
      expect(canon(m as unknown as PyValue)).toEqual(e.reply);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(15);
    console.log(`models: ${n} golden base replies matched`);
  });

  test('Python int(s, 0) and float(s)', () => {
    expect(M.pyIntBase0('0xdeadbeef')).toBe(3735928559n);
    expect(M.pyIntBase0(' 12 ')).toBe(12n);
    expect(M.pyIntBase0('-0b101')).toBe(-5n);
    expect(M.pyIntBase0('0o17')).toBe(15n);
    expect(M.pyIntBase0('1_000')).toBe(1000n);
    expect(M.pyIntBase0('000')).toBe(0n);
    expect(() => M.pyIntBase0('012')).toThrow("invalid literal for int() with base 0: '012'");
    expect(() => M.pyIntBase0('abc')).toThrow("invalid literal for int() with base 0: 'abc'");
    expect(() => M.pyIntBase0('')).toThrow("invalid literal for int() with base 0: ''");
    expect(M.parsePyFloat('1.5')).toBe(1.5);
    expect(M.parsePyFloat('-inf')).toBe(-Infinity);
    expect(M.parsePyFloat('1e3')).toBe(1000);
    expect(() => M.parsePyFloat('x')).toThrow("could not convert string to float: 'x'");
    // pyrogue tests bit `bitSize` (not bitSize-1) for the two's complement: 0xff stays 255, 0x1ff becomes -1
    expect(M.Int(8).fromString('0xff')).toBe(255n);
    expect(M.Int(8).fromString('0x1ff')).toBe(255n);
    expect(M.Int(8).fromString('0x100')).toBe(0n);
    expect(M.UInt(8).fromString('0xff')).toBe(255n);
    expect(M.Bool(1).fromString('TRUE')).toBe(true);
  });

  test('toBytes/fromBytes round trip (UInt, UIntBE, big widths)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.bigInt({ min: 0n, max: (1n << 200n) - 1n }), (bits, raw) => {
        const v = raw & ((1n << BigInt(bits)) - 1n);
        for (const m of [M.UInt(bits), M.UIntBE(bits)]) {
          const b = m.toBytes(v);
          expect(b.length).toBe(Math.ceil(bits / 8));
          expect(m.fromBytes(b)).toBe(v);
        }
      }),
    );
    expect(() => M.UInt(8).toBytes(256n)).toThrow('int too big to convert');
    expect(() => M.UInt(8).toBytes(-1n)).toThrow("can't convert negative int to unsigned");
    expect(M.Int(12).toBytes(-1n)).toEqual(new Uint8Array([0xff, 0x0f]));
    expect(M.Float(32).fromBytes(M.Float(32).toBytes(1.5))).toBe(1.5);
    expect(M.String(64).fromBytes(M.String(64).toBytes('hi'))).toBe('hi');
  });

  test('cFormatF is printf %f', () => {
    expect(cFormatF(100)).toBe('100.000000');
    expect(cFormatF(4294967295)).toBe('4294967295.000000');
    // eslint-disable-next-line no-loss-of-precision -- the rounding is what the test shows
    expect(cFormatF(18446744073709551615)).toBe('18446744073709551616.000000');
    expect(cFormatF(-3.4e38)).toBe('-339999999999999996123846586046231871488.000000');
    expect(cFormatF(0.1)).toBe('0.100000');
  });
});

describe('bit packing', () => {
  test('copyBits matches a bit-by-bit reference', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 80 }),
        (dst0, src, db, sb, n) => {
          const dst = Uint8Array.from(dst0);
          const ref = Uint8Array.from(dst0);
          for (let i = 0; i < n; i++) {
            const bit = (src[(sb + i) >> 3] >> ((sb + i) & 7)) & 1;
            const d = db + i;
            ref[d >> 3] = (ref[d >> 3] & ~(1 << (d & 7))) | (bit << (d & 7));
          }
          M.copyBits(dst, db, src, sb, n);
          expect(dst).toEqual(ref);
        },
      ),
    );
  });

  test('bytesToBigInt / bigIntToBytes match a byte-by-byte reference, both byte orders (fast-check)', () => {
    const refFrom = (b: Uint8Array, le: boolean): bigint => {
      let v = 0n;
      for (let i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[le ? b.length - 1 - i : i]);
      return v;
    };
    const refTo = (v: bigint, n: number, le: boolean): Uint8Array => {
      const out = new Uint8Array(n);
      let x = BigInt.asUintN(n * 8, v);
      for (let i = 0; i < n; i++, x >>= 8n) out[le ? i : n - 1 - i] = Number(x & 0xffn);
      return out;
    };
    // bytes weighted towards the edges (0x00, 0xff) where word and 2**53 boundaries bite
    const byte = fc.oneof(fc.constant(0), fc.constant(0xff), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 40 }), fc.boolean(), (bytes, le) => {
        const b = Uint8Array.from(bytes);
        expect(M.bytesToBigInt(b, le)).toBe(refFrom(b, le));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 200n), max: 1n << 200n }), fc.integer({ min: 0, max: 30 }), fc.boolean(), (v, n, le) => {
        expect(M.bigIntToBytes(v, n, le)).toEqual(refTo(v, n, le));
      }),
      { numRuns: 2000 },
    );
    for (const v of [0n, 1n, (1n << 48n) - 1n, 1n << 48n, (1n << 53n) - 1n, 1n << 53n, (1n << 64n) - 1n, -1n]) {
      expect(M.bytesToBigInt(M.bigIntToBytes(v, 8))).toBe(BigInt.asUintN(64, v));
      expect(M.bytesToBigInt(M.bigIntToBytes(v, 8, false), false)).toBe(BigInt.asUintN(64, v));
    }
  });

  test('a field split over several bit ranges across byte boundaries', () => {
    const mem = new EmulatedMemory();
    const v = memVar({ name: 'Split', model: M.UInt(12), bitSize: [4, 8], bitOffset: [6, 20] });
    const [b] = buildBlocks([v], { memory: mem, baseAddress: 0 });
    expect(b.size).toBe(4);
    v.setValue(0xabcn);
    // low 4 bits (0xc) at bits 6..9, next 8 bits (0xab) at bits 20..27
    const expected = new Uint8Array(4);
    M.copyBits(expected, 6, new Uint8Array([0x0c]), 0, 4);
    M.copyBits(expected, 20, new Uint8Array([0xab]), 0, 8);
    expect(b.blockData).toEqual(expected);
    expect(v.getValue()).toBe(0xabcn);
  });

  test('UInt/Int round trip at random bit offsets (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 31 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (bits, off, raw) => {
        const mem = new EmulatedMemory();
        const u = memVar({ name: 'U', model: M.UInt(bits), bitOffset: [off] });
        buildBlocks([u], { memory: mem, baseAddress: 0 });
        const val = raw & ((1n << BigInt(bits)) - 1n);
        u.setValue(val);
        expect(u.getValue()).toBe(val);
        const i = memVar({ name: 'I', model: M.Int(bits), bitOffset: [off] });
        buildBlocks([i], { memory: mem, baseAddress: 0x100 });
        const sval = BigInt.asIntN(bits, val);
        i.setValue(sval);
        expect(i.getValue()).toBe(sval);
      }),
    );
  });

  test('wide UInt (160 bits) goes through the model bytes', () => {
    const mem = new EmulatedMemory();
    const v = memVar({ name: 'GitHash', model: M.UInt(160) });
    buildBlocks([v], { memory: mem, baseAddress: 0 });
    const x = (1n << 159n) | 12345n;
    v.setValue(x);
    expect(v.getValue()).toBe(x);
    expect(v.varBytes).toBe(20);
  });

  test('list variables (numValues/valueBits/valueStride)', () => {
    const mem = new EmulatedMemory();
    const v = memVar({ name: 'Arr', model: M.UInt(10), numValues: 4, valueBits: 10, valueStride: 16, bitSize: [40] });
    buildBlocks([v], { memory: mem, baseAddress: 0 });
    expect(v.varBytes).toBe(8);
    v.setValue([1n, 2n, 3n, 1023n]);
    const arr = v.getValue() as NdArray;
    expect(arr.dtype.str).toBe('<u2');
    expect(arr.items()).toEqual([1n, 2n, 3n, 1023n]);
    v.setValue(7n, 2);
    expect(v.getValue(2)).toBe(7n);
    expect(() => v.setValue(1n, 4)).toThrow('Block::setBytes: General Error: Index 4 is out of range for Arr');
    expect(() => v.setValue([1n, 2n, 3n, 4n, 5n])).toThrow('Overflow error for passed list with length 5 at index 0. Variable length = 4 for Arr');
  });

  test('other models round trip', () => {
    const mem = new EmulatedMemory();
    const vs = [
      memVar({ name: 'B', model: M.Bool(1), bitOffset: [3] }),
      memVar({ name: 'S', model: M.String(64), offset: 8 }),
      memVar({ name: 'F', model: M.Float(32), offset: 16 }),
      memVar({ name: 'D', model: M.Double(64), offset: 24 }),
      memVar({ name: 'X', model: M.Fixed(16, 8), offset: 32, minimum: null, maximum: null }),
      memVar({ name: 'BE', model: M.UIntBE(32), offset: 40 }),
    ];
    buildBlocks(vs, { memory: mem, baseAddress: 0 });
    vs[0].setValue(true);
    expect(vs[0].getValue()).toBe(true);
    vs[1].setValue('hello world, too long');
    expect(vs[1].getValue()).toBe('hello w');
    vs[2].setValue(1.1);
    expect(vs[2].getValue()).toBe(Math.fround(1.1));
    vs[3].setValue(1.1);
    expect(vs[3].getValue()).toBe(1.1);
    vs[4].setValue(-1.5);
    expect(vs[4].getValue()).toBe(-1.5);
    vs[5].setValue(0x01020304n);
    expect(vs[5].block!.blockData.subarray(0, 4)).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(vs[5].getValue()).toBe(0x01020304n);
    expect(() => vs[1].setValue(5n)).toThrow('Block::setStringPy: General Error: Failed to extract value for S.');
  });
});

describe('blocks', () => {
  test('grouping: same aligned word → one block, distinct words → distinct blocks, unaligned shift down', () => {
    const mem = new EmulatedMemory();
    const a = memVar({ name: 'A', model: M.UInt(8), offset: 0, bitOffset: [0] });
    const b = memVar({ name: 'B', model: M.UInt(8), offset: 0, bitOffset: [8] });
    const c = memVar({ name: 'C', model: M.UInt(8), offset: 2, bitOffset: [0] });
    const d = memVar({ name: 'D', model: M.UInt(32), offset: 4 });
    const e = memVar({ name: 'E', model: M.UInt(16), offset: 8 });
    const f = memVar({ name: 'F', model: M.UInt(8), offset: 10 });
    const g = memVar({ name: 'G', model: M.UInt(16), offset: 16, bitSize: [8, 8], bitOffset: [0, 56] });
    const h = memVar({ name: 'H', model: M.UInt(8), offset: 20, bitOffset: [8] });
    const blocks = buildBlocks([a, b, c, d, e, f, g, h], { memory: mem, baseAddress: 0x1000 });
    expect(blocks.map((x) => [x.offset, x.size, x.variables.map((v) => v.name)])).toEqual([
      [0, 4, ['A', 'B', 'C']],
      [4, 4, ['D']],
      [8, 4, ['E', 'F']],
      [16, 8, ['G', 'H']],
    ]);
    expect(c.offset).toBe(0);
    expect(c.bitOffset).toEqual([16]);
    expect(f.offset).toBe(8);
    expect(f.bitOffset).toEqual([16]);
    expect(h.offset).toBe(16);
    expect(h.bitOffset).toEqual([40]);
    expect(g.varBytes).toBe(8);
    expect(blocks[2].address).toBe(0x1008);
    expect(() =>
      buildBlocks([memVar({ name: 'X', model: M.UInt(8) }), memVar({ name: 'Y', model: M.UInt(8), bitOffset: [4] })], { memory: mem, baseAddress: 0 }),
    ).toThrow(
      'Variable bit overlap detected for block Root.Dev.X with address 0x00000000 and variable Y (its bits 4..11 overlap variable X; give both overlapEn: true to allow it)',
    );
  });

  test('block transactions: write + verify, read, stale reads skipped, updates for all block variables', async () => {
    const mem = new EmulatedMemory();
    const updates: string[] = [];
    const mk = (name: string, bitOffset: number, mode: 'RW' | 'RO' = 'RW') =>
      memVar({ name, model: M.UInt(8), bitOffset: [bitOffset], mode, onUpdate: () => updates.push(name) });
    const a = mk('A', 0);
    const b = mk('B', 8);
    const r = mk('R', 16, 'RO');
    const [blk] = buildBlocks([a, b, r], { memory: mem, baseAddress: 0x40 });
    a.setValue(0x12n);
    expect(blk.stale).toBe(true);
    // a read of a stale block does nothing
    await blk.startTransaction(TxType.Read, false, true, a);
    expect(mem.stats.reads).toBe(0);
    expect(updates).toEqual([]);
    await blk.startTransaction(TxType.Write, true, false, a);
    await blk.startTransaction(TxType.Verify, false, false, a);
    await blk.checkTransactionPy();
    expect(mem.peek(0x40, 4)).toEqual(new Uint8Array([0x12, 0, 0, 0]));
    expect(mem.log).toEqual([
      ['write', 0x40, 4],
      ['read', 0x40, 4],
    ]);
    expect(updates).toEqual(['A', 'B', 'R']);
    // hardware changes behind our back; a read picks it up
    mem.poke(0x42, new Uint8Array([0x77]));
    updates.length = 0;
    await blk.startTransaction(TxType.Read, false, true, r);
    expect(r.getValue()).toBe(0x77n);
    expect(updates).toEqual(['A', 'B', 'R']);
  });

  test('range errors are rogue GeneralErrors with printf text; stale default survives a failed set', async () => {
    const mem = new EmulatedMemory();
    const v = memVar({ name: 'AlarmTest', model: M.UInt(32), minimum: 100n, maximum: 1000n });
    const [blk] = buildBlocks([v], { memory: mem, baseAddress: 0x8000 });
    v.setValue(100n); // the default, staged without a write
    let err: unknown;
    try {
      v.setValue(55n);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GeneralError);
    expect((err as GeneralError).wireText).toBe(
      'rogue.GeneralError: Block::setUInt: General Error: Value range error for AlarmTest. Value=55, Min=100.000000, Max=1000.000000',
    );
    await blk.startTransaction(TxType.Read, false, true, v);
    expect(mem.stats.reads).toBe(0);
    expect(v.getValue()).toBe(100n);
    // boost.python: an int passes the type check, then PyLong_AsUnsignedLong refuses a negative one
    expect(() => v.setValue(-1n)).toThrow("can't convert negative value to unsigned int");
    expect(() => v.setValue(1n << 64n)).toThrow('Python int too large to convert to C unsigned long');
    expect(() => v.setValue(1.5)).toThrow('Failed to extract value for AlarmTest.');
  });

  test('verify mismatch and transaction errors', async () => {
    class Flaky implements MemoryBackend {
      readonly minAccess = 4;
      inner = new EmulatedMemory();
      failRead = false;
      corrupt = false;
      async read(a: number, n: number) {
        if (this.failRead) throw new Error('Timeout');
        const d = await this.inner.read(a, n);
        if (this.corrupt) d[0] ^= 0xff;
        return d;
      }
      write(a: number, d: Uint8Array) {
        return this.inner.write(a, d);
      }
    }
    const mem = new Flaky();
    const v = memVar({ name: 'ScratchPad', model: M.UInt(32), offset: 4 });
    const [blk] = buildBlocks([v], { memory: mem, baseAddress: 0 });
    v.setValue(0x55n);
    mem.corrupt = true;
    await blk.startTransaction(TxType.Write, true, false, v);
    await blk.startTransaction(TxType.Verify, false, false, v);
    await expect(blk.checkTransactionPy()).rejects.toThrow(
      'Block::checkTransaction: General Error: Verify error for block Root.Dev.ScratchPad with address 0x00000004. Byte: 0. Got: 0xaa, Exp: 0x55, Mask: 0xff',
    );
    mem.corrupt = false;
    mem.failRead = true;
    await expect(blk.startTransaction(TxType.Read, false, true, v)).rejects.toThrow(
      'Block::checkTransaction: General Error: Transaction error for block Root.Dev.ScratchPad with address 0x00000004. Error Timeout',
    );
  });

  test('a slow backend: concurrent transactions on one block serialize', async () => {
    const mem = new EmulatedMemory({ delayMs: 20 });
    const v = memVar({ name: 'V', model: M.UInt(32) });
    const [blk] = buildBlocks([v], { memory: mem, baseAddress: 0 });
    v.setValue(1n);
    await blk.startTransaction(TxType.Write, true, true, v);
    const t0 = Date.now();
    await Promise.all([blk.startTransaction(TxType.Read, false, true, v), blk.startTransaction(TxType.Read, false, true, v)]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35);
    // the write's verify read, then the two reads one after the other
    expect(mem.log.map((x) => x[0])).toEqual(['write', 'read', 'read']);
    expect(mem.peek(0, 4)).toEqual(new Uint8Array([1, 0, 0, 0]));
  });

  test('EmulatedMemory is sparse and zero-filled', async () => {
    const mem = new EmulatedMemory();
    expect(await mem.read(0x123456, 8)).toEqual(new Uint8Array(8));
    expect(mem.allocatedPages).toBe(0);
    await mem.write(0xffe, new Uint8Array([1, 2, 3, 4]));
    expect(mem.allocatedPages).toBe(2);
    expect(await mem.read(0xffc, 8)).toEqual(new Uint8Array([0, 0, 1, 2, 3, 4, 0, 0]));
  });
});

// Keep the type import used.
export type _B = Block;

test('EmulatedMemory keeps only the latest transactions in its log', async () => {
  const mem = new EmulatedMemory({ maxLog: 10 });
  for (let i = 0; i < 1000; i++) await mem.read(i * 4, 4);
  expect(mem.log.length).toBeLessThan(20);
  expect(mem.log[mem.log.length - 1]).toEqual(['read', 999 * 4, 4]);
  expect(mem.stats.reads).toBe(1000);
});
