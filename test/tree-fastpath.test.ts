/**
 * The synchronous memory path and the cheap publish path (docs/decisions/0005):
 * a RemoteVariable on memory that answers at once (EmulatedMemory without a
 * delay) is read and written without a promise, with the same transactions,
 * values and updates as the asynchronous path; a transaction never overtakes
 * one in flight on the same block; unchanged values reuse their
 * VariableValue and the server its encoded frame, changed ones never do; a
 * request sent again in the plain form is not decoded again.
 */
import { NdArray, NpDtype, PyDict, PyObject, PyTuple, PyValue } from '../src/py/values';
import { snapshotOf } from '../src/py/snapshot';
import { decode } from '../src/pickle/decode';
import { encode } from '../src/pickle/encode';
import { defaultCodec } from '../src/server/codec';
import { BinaryPort, type BinaryPortOptions } from '../src/server/dispatch';
import { FastBinaryPort, FastUpdateBatcher, requestHash } from '../src/server/fast';
import { UpdateBatcher } from '../src/server/publish';
import { Device, EmulatedMemory, LocalCommand, LocalVariable, RemoteVariable, Root, UInt } from '../src/tree';
import type { VariableValue } from '../src/tree/variable/common';
import { isPromiseLike, type PyCallable, type RootSurface } from '../src/tree/surface';
import type { PyMembers } from '../src/tree/pyclass';

class Regs extends Device {
  constructor(name: string, memBase: EmulatedMemory, offset: number) {
    super({ name, memBase, offset });
    this.add(new RemoteVariable({ name: 'A', offset: 0x0, bitSize: 32, base: UInt, mode: 'RW', disp: '{:#x}' }));
    this.add(new RemoteVariable({ name: 'B', offset: 0x4, bitSize: 32, base: UInt, mode: 'RW' }));
  }
}

interface Batch {
  paths: string[];
  values: PyValue[];
}

async function makeRoot(mem: EmulatedMemory): Promise<{ root: Root; batches: Batch[]; a: RemoteVariable; b: RemoteVariable }> {
  const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
  root.add(new Regs('Regs', mem, 0x100));
  const arr: number[] = [];
  for (let i = 0; i < 8; i++) arr.push(i + 0.25);
  root.add(new LocalVariable({ name: 'Arr', value: NdArray.from(NpDtype.float64, arr), mode: 'RW' }));
  root.add(new LocalVariable({ name: 'Cnt', value: 0n, mode: 'RW' }));
  const batches: Batch[] = [];
  let cur: Batch = { paths: [], values: [] };
  root.addVarListener(
    (p, v) => {
      cur.paths.push(p);
      cur.values.push(v);
    },
    () => {
      batches.push(cur);
      cur = { paths: [], values: [] };
    },
  );
  await root.start();
  await root.waitOnUpdate();
  batches.length = 0;
  return { root, batches, a: root.getNode('Root.Regs.A') as RemoteVariable, b: root.getNode('Root.Regs.B') as RemoteVariable };
}

/** The same script on a memory with and without a delay: log, values and published batches. */
async function script(delayMs: number) {
  const mem = new EmulatedMemory({ delayMs });
  const { root, batches, a, b } = await makeRoot(mem);
  try {
    mem.clearLog();
    const results: unknown[] = [];
    mem.poke(0x100, new Uint8Array([0x78, 0x56, 0x34, 0x12]));
    results.push(await a.get());
    await a.set(0xabcdn);
    results.push(await b.get());
    await b.set(7n, { verify: false });
    results.push(await a.get({ check: false }));
    results.push(await b.get());
    await root.waitOnUpdate();
    const published = batches.map((x) => [x.paths, x.values.map((v) => (v as VariableValue).valueDisp)]);
    return { log: [...mem.log], stats: { ...mem.stats }, results, published, memory: [...mem.peek(0x100, 8)] };
  } finally {
    await root.stop();
  }
}

describe('RemoteVariable on memory that answers at once', () => {
  test('get and set return no promise and read/write memory', async () => {
    const mem = new EmulatedMemory();
    const { root, a } = await makeRoot(mem);
    try {
      mem.poke(0x100, new Uint8Array([1, 2, 3, 4]));
      const v = a.get();
      expect(isPromiseLike(v)).toBe(false);
      expect(v).toBe(0x04030201n);
      const s = a.set(0x11223344n);
      expect(isPromiseLike(s)).toBe(false);
      expect([...mem.peek(0x100, 4)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    } finally {
      await root.stop();
    }
  });

  test('same transactions, values and published batches as the asynchronous path', async () => {
    const fast = await script(0);
    const slow = await script(1);
    expect(fast.results).toEqual([0x12345678n, 0n, 0xabcdn, 7n]);
    expect(fast).toEqual(slow);
    // every checked get and set published its own batch, in order (the unchecked get none)
    expect(fast.published.map((p) => p[0])).toEqual([['Root.Regs.A'], ['Root.Regs.A'], ['Root.Regs.B'], ['Root.Regs.B'], ['Root.Regs.B']]);
  });

  test('a transaction never overtakes one in flight on the same block', async () => {
    const mem = new EmulatedMemory({ delayMs: 30 });
    const { root, a } = await makeRoot(mem);
    try {
      mem.clearLog();
      const first = a.set(5n);
      expect(isPromiseLike(first)).toBe(true);
      mem.delayMs = 0; // memory now answers at once, but the block is busy
      const second = a.get();
      expect(isPromiseLike(second)).toBe(true);
      // the get queues behind the write on the block's lock: it reads what was written
      // (its read may come between the set's own write and verify steps, as before)
      const [, got] = await Promise.all([first, second]);
      expect(got).toBe(5n);
      // the same transactions as the asynchronous-only code gave (the get's read stands in for the verify)
      expect(mem.log).toEqual([
        ['write', 0x100, 4],
        ['read', 0x100, 4],
      ]);
      // idle again: synchronous
      expect(isPromiseLike(a.get())).toBe(false);
    } finally {
      await root.stop();
    }
  });

  test('a memory whose read is replaced (fault injection) keeps the asynchronous path through it', async () => {
    const mem = new EmulatedMemory();
    const { root, a } = await makeRoot(mem);
    try {
      let calls = 0;
      mem.read = (address: number, size: number) => {
        calls++;
        return Promise.reject(new Error(`injected at 0x${address.toString(16)} (${size})`));
      };
      const r = a.get();
      expect(isPromiseLike(r)).toBe(true);
      await expect(r).rejects.toThrow('injected at 0x100 (4)');
      expect(calls).toBe(1);
      expect(mem.answersNow()).toBe(false);
    } finally {
      await root.stop();
    }
  });

  test('a burst of 3,000 synchronous gets and sets publishes one batch each, in order, none lost', async () => {
    const mem = new EmulatedMemory();
    const { root, batches, a } = await makeRoot(mem);
    try {
      const cnt = root.getNode('Root.Cnt') as LocalVariable;
      for (let i = 0; i < 3000; i++) {
        if (i % 2) expect(isPromiseLike(a.get())).toBe(false);
        else cnt.set(BigInt(i));
      }
      await root.waitOnUpdate();
      // one batch per update, in order (each holds the value at delivery, as pyrogue's update worker does)
      expect(batches.length).toBe(3000);
      expect(batches.map((x) => x.paths.join())).toEqual(Array.from({ length: 3000 }, (_, i) => (i % 2 ? 'Root.Regs.A' : 'Root.Cnt')));
      expect((batches[2998].values[0] as VariableValue).value).toBe(2998n);
    } finally {
      await root.stop();
    }
  });
});

describe('unchanged values', () => {
  test('the same VariableValue while unchanged; a new one (new display) after a change, also in place', async () => {
    const mem = new EmulatedMemory();
    const { root } = await makeRoot(mem);
    try {
      const arr = root.getNode('Root.Arr') as LocalVariable;
      const v1 = arr.getVariableValue(false);
      const v2 = arr.getVariableValue(false);
      expect(v2).toBe(v1);
      const data = (v1.value as NdArray).data;
      new DataView(data.buffer, data.byteOffset).setFloat64(0, 42.5, true); // changed in place, same object
      const v3 = arr.getVariableValue(false);
      expect(v3).not.toBe(v1);
      expect(String(v3.valueDisp)).toMatch(/^\[42\.5, 1\.25/);
      expect(String(v1.valueDisp)).toMatch(/^\[0\.25, 1\.25/);
      const cnt = root.getNode('Root.Cnt') as LocalVariable;
      const c1 = cnt.getVariableValue(false);
      cnt.set(3n);
      const c2 = cnt.getVariableValue(false);
      expect(c2).not.toBe(c1);
      expect(c2.valueDisp).toBe('3');
      expect(cnt.getVariableValue(false)).toBe(c2);
    } finally {
      await root.stop();
    }
  });

  test('snapshots tell float from int, -0.0 from 0.0, and see in-place array changes', () => {
    expect(snapshotOf(1n)!.matches(1)).toBe(false);
    expect(snapshotOf(0)!.matches(-0)).toBe(false);
    expect(snapshotOf('a')!.matches('a')).toBe(true);
    expect(snapshotOf(NaN)).toBeNull();
    expect(snapshotOf([1n])).toBeNull();
    const a = NdArray.from(NpDtype.float64, [1, 2]);
    const s = snapshotOf(a)!;
    expect(s.matches(a)).toBe(true);
    expect(s.matches(NdArray.from(NpDtype.float32, [1, 2]))).toBe(false);
    a.data[0] ^= 1;
    expect(s.matches(a)).toBe(false);
  });

  test('the server reuses a frame only for the same VariableValue object', async () => {
    const mem = new EmulatedMemory();
    const { root } = await makeRoot(mem);
    try {
      const cnt = root.getNode('Root.Cnt') as LocalVariable;
      const batcher = new FastUpdateBatcher(new UpdateBatcher());
      const frameOf = (vv: PyValue, extra?: [string, PyValue]) => {
        batcher.update('Root.Cnt', vv);
        if (extra) batcher.update(...extra);
        return batcher.done()!;
      };
      const v1 = cnt.getVariableValue(false);
      const f1 = frameOf(v1);
      expect(frameOf(v1)).toBe(f1);
      cnt.set(9n);
      const v2 = cnt.getVariableValue(false);
      const f2 = frameOf(v2);
      expect(f2).not.toBe(f1);
      const d = decode(f2, { allowObjects: true }) as PyDict;
      expect([...d.keys()]).toEqual(['Root.Cnt']);
      // a two-update batch is always encoded, and holds both
      const f3 = frameOf(v2, ['Root.Arr', (root.getNode('Root.Arr') as LocalVariable).getVariableValue(false)]);
      expect([...(decode(f3, { allowObjects: true }) as PyDict).keys()]).toEqual(['Root.Cnt', 'Root.Arr']);
      expect(frameOf(v2)).toBe(f2);
    } finally {
      await root.stop();
    }
  });
});

/** The server's binary port: the fast paths on the plain port. */
const fastPort = (root: RootSurface, options?: BinaryPortOptions) => new FastBinaryPort(new BinaryPort(root, options), root);

describe('requests sent again', () => {
  const req = (path: string, attr: string | null, args: PyValue[], kwargs = new PyDict()) =>
    encode(PyDict.from({ path, attr, args: new PyTuple(args), kwargs }), 4);

  test('a plain request is decoded once and answered as a fresh decode would; other forms are decoded every time', async () => {
    const mem = new EmulatedMemory();
    const { root } = await makeRoot(mem);
    try {
      let decodes = 0;
      const counting = {
        decode: (d: Uint8Array) => {
          decodes++;
          return defaultCodec.decode(d);
        },
        encode: (v: PyValue, protocol: number) => defaultCodec.encode(v, protocol),
      };
      const port = fastPort(root, { codec: counting });
      const fresh = () => new BinaryPort(root); // a port that has seen nothing
      const setCnt = req('Root.Cnt', 'set', [41n]);
      const getCnt = req('Root.Cnt', 'get', []);
      const answers: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        answers.push(port.handleBytes(setCnt) as Uint8Array);
        answers.push(port.handleBytes(getCnt) as Uint8Array);
      }
      expect(decodes).toBe(2);
      expect(Buffer.from(answers[5]).equals(Buffer.from(fresh().handleBytes(getCnt) as Uint8Array))).toBe(true);
      expect(decode(answers[5])).toBe(41n);
      // the same bytes mean the same call: errors too
      const bad = req('Root.Cnt', 'nope', []);
      expect(Buffer.from(port.handleBytes(bad) as Uint8Array).equals(Buffer.from(port.handleBytes(bad) as Uint8Array))).toBe(true);
      expect(decodes).toBe(3);
      // a list argument, keyword arguments: not kept (the callee may keep or change them)
      const listArg = encode(PyDict.from({ path: 'Root.Cnt', attr: 'set', args: new PyTuple([[1n]]), kwargs: new PyDict() }), 4);
      const kw = req('Root.Cnt', 'set', [], PyDict.from({ value: 5n }));
      for (let i = 0; i < 2; i++) {
        expect(isPromiseLike(port.handleBytes(listArg))).toBe(false);
        expect(isPromiseLike(port.handleBytes(kw))).toBe(false);
      }
      expect(decodes).toBe(7);
      expect((root.getNode('Root.Cnt') as LocalVariable).value()).toBe(5n);
    } finally {
      await root.stop();
    }
  });

  test('two requests whose bytes hash alike are told apart by their bytes', async () => {
    const { root } = await makeRoot(new EmulatedMemory());
    try {
      // found by search: these two requests have the same requestHash
      const a = req('Root.Cnt', 'set', [153n]);
      const b = req('Root.Cnt', 'set', [43133n]);
      expect(requestHash(a)).toBe(requestHash(b));
      expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
      const port = fastPort(root);
      const cnt = root.getNode('Root.Cnt') as LocalVariable;
      for (let i = 0; i < 2; i++) {
        expect(isPromiseLike(port.handleBytes(a))).toBe(false);
        expect(cnt.value()).toBe(153n);
        expect(isPromiseLike(port.handleBytes(b))).toBe(false);
        expect(cnt.value()).toBe(43133n);
      }
    } finally {
      await root.stop();
    }
  });

  test('a scalar or array result is pickled once while it stays the same; 1, 1.0, True, -0.0 and 0.0 each get their own reply', async () => {
    const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
    let current: PyValue = 0n;
    root.add(new LocalVariable({ name: 'Any', mode: 'RO', localGet: () => current }));
    root.add(new LocalVariable({ name: 'Arr', value: NdArray.from(NpDtype.float64, [1, 2]), mode: 'RW' }));
    await root.start();
    try {
      let encodes = 0;
      const counting = {
        decode: (d: Uint8Array) => defaultCodec.decode(d),
        encode: (v: PyValue, protocol: number) => {
          encodes++;
          return defaultCodec.encode(v, protocol);
        },
      };
      const port = fastPort(root, { codec: counting });
      const cnt = root.getNode('Root.Any') as LocalVariable;
      const value = req('Root.Any', 'value', []);
      const ask = () => Buffer.from(port.handleBytes(value) as Uint8Array);
      const fresh = () => Buffer.from(new BinaryPort(root).handleBytes(value) as Uint8Array);
      ask();
      ask();
      expect(encodes).toBe(1);
      let prev: PyValue = 0n;
      for (const v of [1n, 1.0, true, 1n, -0.0, 0.0, 0n, false, null, 'a', 'a', 2n ** 70n, NaN, NaN]) {
        current = v;
        expect(Object.is(cnt.value(), v)).toBe(true);
        const before = encodes;
        const got = ask();
        expect(got.equals(fresh())).toBe(true);
        expect(decode(got)).toEqual(v);
        // the same scalar as the last answer is not encoded again (NaN always is)
        expect(ask().equals(got)).toBe(true);
        expect(encodes - before).toBe(Number.isNaN(v) ? 2 : Object.is(v, prev) ? 0 : 1);
        prev = v;
      }
      // an array: kept while dtype, shape, order and bytes are the same; a change in place is seen
      const arrVar = root.getNode('Root.Arr') as LocalVariable;
      const arr = req('Root.Arr', 'value', []);
      const askArr = () => Buffer.from(port.handleBytes(arr) as Uint8Array);
      const freshArr = () => Buffer.from(new BinaryPort(root).handleBytes(arr) as Uint8Array);
      const a0 = askArr();
      const e0 = encodes;
      expect(askArr().equals(a0)).toBe(true);
      expect(encodes).toBe(e0);
      (arrVar.value() as NdArray).data[0] ^= 0x40; // changed in place
      const a1 = askArr();
      expect(encodes).toBe(e0 + 1);
      expect(a1.equals(a0)).toBe(false);
      expect(a1.equals(freshArr())).toBe(true);
      arrVar.set(NdArray.from(NpDtype.float32, [1, 2])); // same numbers, another dtype
      const a2 = askArr();
      expect(encodes).toBe(e0 + 2);
      expect(a2.equals(freshArr())).toBe(true);
      // a list or dict result is encoded every time (no snapshot)
      current = [1n, 2n];
      const e1 = encodes;
      ask();
      ask();
      expect(encodes - e1).toBe(2);
    } finally {
      await root.stop();
    }
  });

  test('PyCallable.prepare: arguments bound once, the call made afresh each time; null where a binding cannot be reused', () => {
    const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
    const dev = new Device({ name: 'Dev' });
    const x = new LocalVariable({ name: 'X', value: 7n, mode: 'RW' });
    dev.add(x);
    root.add(dev);
    const value = x.pyGetAttr('value') as PyCallable;
    const run = value.prepare!([]);
    expect(run).not.toBeNull();
    expect(run!()).toBe(7n);
    x.set(8n);
    expect(run!()).toBe(8n);
    // the bound arguments are the call's own: an index binds to it
    const arr = new LocalVariable({ name: 'A', value: [1n, 2n, 3n], mode: 'RW' });
    dev.add(arr);
    expect((arr.pyGetAttr('value') as PyCallable).prepare!([1n])!()).toBe(2n);
    // arguments that do not bind: the call's own TypeError
    expect(() => value.prepare!([1n, 2n, 3n])).toThrow(/takes from 1 to 2 positional arguments but 4 were given/);
    // a bound value that is not an immutable scalar (a list given as an argument): not reused
    expect((x.pyGetAttr('set') as PyCallable).prepare!([[1n]])).toBeNull();
    // a default that a function makes afresh for each call: not reused
    let made = 0;
    class Fresh extends Device {
      static override pyMembers: PyMembers = {
        stamp: {
          kind: 'func',
          exposed: true,
          sig: { qualname: 'Fresh.stamp', params: [{ name: 'n', default: () => BigInt(++made) }] },
          call: (_s, a) => a.get('n')!,
        },
      };
    }
    const fresh = new Fresh({ name: 'Fresh' });
    root.add(fresh);
    const stamp = fresh.pyGetAttr('stamp') as PyCallable;
    expect(stamp.prepare!([])).toBeNull();
    expect([stamp.call([], new PyDict()), stamp.call([], new PyDict())]).toEqual([1n, 2n]);
    // through BinaryPort: a request that does not bind answers its error every time
    const port = fastPort(root);
    const bad = req('Root.Dev.X', 'value', [1n, 2n, 3n]);
    for (let i = 0; i < 2; i++) {
      const e = decode(port.handleBytes(bad) as Uint8Array) as PyObject;
      expect(e.cls.qualified).toBe('builtins.Exception');
      expect(e.args[0]).toMatch(/^builtins\.TypeError: BaseVariable\.value\(\) takes/);
    }
    const good = req('Root.Dev.X', 'value', []);
    expect(decode(port.handleBytes(good) as Uint8Array)).toBe(8n);
    x.set(9n);
    expect(decode(port.handleBytes(good) as Uint8Array)).toBe(9n);
  });

  test('a plain request keeps the method it resolved to until a node is added; paths not found, errors and commands reached as attributes are resolved every time', () => {
    const root = new Root({ name: 'Root', pollEn: false, heartbeatMs: 0 });
    const dev = new Device({ name: 'Dev' });
    dev.add(new LocalVariable({ name: 'X', value: 7n, mode: 'RW' }));
    root.add(dev);
    const lookups: string[] = [];
    const getNode = root.getNode.bind(root);
    root.getNode = (p: string) => {
      lookups.push(p);
      return getNode(p);
    };
    const port = fastPort(root);
    const ask = (b: Uint8Array) => decode(port.handleBytes(b) as Uint8Array);
    const x = req('Root.Dev.X', 'value', []);
    const y = req('Root.Dev.Y', 'value', []);
    const setX = req('Root.Dev.X', 'set', [9n]);
    expect([ask(x), ask(x), ask(x)]).toEqual([7n, 7n, 7n]);
    expect(lookups).toEqual(['Root.Dev.X']);
    expect([ask(y), ask(y)]).toEqual([null, null]);
    expect(lookups).toEqual(['Root.Dev.X', 'Root.Dev.Y', 'Root.Dev.Y']);
    ask(setX);
    ask(setX);
    expect(ask(x)).toBe(9n);
    expect(lookups.filter((p) => p === 'Root.Dev.X')).toHaveLength(2);
    // a node added: every request is resolved again, and the new node is found
    dev.add(new LocalVariable({ name: 'Y', value: 'y', mode: 'RW' }));
    lookups.length = 0;
    expect([ask(y), ask(x), ask(y), ask(x)]).toEqual(['y', 9n, 'y', 9n]);
    expect(lookups).toEqual(['Root.Dev.Y', 'Root.Dev.X']);
    // a command reached as its device's attribute is called through its __call__: resolved every time
    let runs = 0;
    dev.add(new LocalCommand({ name: 'Cmd', function: () => void runs++ }));
    const cmd = req('Root.Dev', 'Cmd', []);
    lookups.length = 0;
    ask(cmd);
    ask(cmd);
    expect(runs).toBe(2);
    expect(lookups).toEqual(['Root.Dev', 'Root.Dev']);
    // a root without structureEpoch: nothing is kept
    const plain = {
      name: root.name,
      getNode: (p: string) => root.getNode(p),
      pyGetAttr: (n: string) => root.pyGetAttr(n),
      addVarListener: () => undefined,
      addInterface: () => undefined,
    };
    const other = fastPort(plain);
    lookups.length = 0;
    for (let i = 0; i < 3; i++) expect(decode(other.handleBytes(x) as Uint8Array)).toBe(9n);
    expect(lookups).toEqual(['Root.Dev.X', 'Root.Dev.X', 'Root.Dev.X']);
  });
});
