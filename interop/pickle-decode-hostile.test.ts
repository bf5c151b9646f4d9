/**
 * Hostile input: every failure is a PyError (never a raw JS error), nothing
 * hangs, nothing allocates beyond what the input can justify, forbidden
 * globals are refused by name. Truncations of the golden requests must fail
 * exactly as CPython fails.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decode, decodeWithInfo } from '../src/pickle';
import { PyError, UnpicklingError } from '../src/py/errors';
import { PyObject, PyTuple, PyValue } from '../src/py/values';
import { pyLoad } from '../test/support/python';
import { toTyped } from '../test/support/typed';

const TRANSCRIPT = path.join(__dirname, '..', 'golden', 'transcript.jsonl');
const golden: Uint8Array[] = fs
  .readFileSync(TRANSCRIPT, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l))
  .filter((e) => e.request_pickle)
  .map((e) => new Uint8Array(Buffer.from(e.request_pickle, 'base64')));

type Part = string | number[] | Uint8Array;
const cat = (parts: Part[]): Uint8Array =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p as number[])))));
const b = (...parts: Part[]): Uint8Array => cat(parts);
const u32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
const u64 = (lo: number, hi: number): number[] => [...u32(lo), ...u32(hi)];

/** Decodes or throws a PyError (anything else fails the test). */
function survive(bytes: Uint8Array, opts?: Parameters<typeof decode>[1]): void {
  try {
    decode(bytes, opts);
  } catch (e) {
    if (!(e instanceof PyError)) throw new Error(`non-PyError escaped for ${Buffer.from(bytes).toString('hex').slice(0, 80)}: ${String(e)}`);
  }
}

/** The outcome of decoding: the typed value, or "Type: message" of the PyError (anything else fails the test). */
function outcome(bytes: Uint8Array, opts?: Parameters<typeof decode>[1]): string {
  try {
    return JSON.stringify(toTyped(decode(bytes, opts)));
  } catch (e) {
    if (!(e instanceof PyError)) throw new Error(`non-PyError escaped for ${Buffer.from(bytes).toString('hex').slice(0, 80)}: ${String(e)}`);
    return `${e.pyName}: ${e.message}`;
  }
}

function thrown(bytes: Uint8Array, opts?: Parameters<typeof decode>[1]): PyError {
  try {
    decode(bytes, opts);
  } catch (e) {
    if (e instanceof PyError) return e;
    throw new Error(`non-PyError escaped: ${String(e)}`);
  }
  throw new Error('decoded without error');
}

function timed<T>(f: () => T, ms: number): T {
  const t0 = Date.now();
  const r = f();
  expect(Date.now() - t0).toBeLessThan(ms);
  return r;
}

describe('truncations of the golden requests', () => {
  test('every prefix of every request fails exactly as CPython fails', () => {
    const seen = new Set<string>();
    const inputs: Uint8Array[] = [];
    for (const g of golden) {
      for (let i = 0; i < g.length; i++) {
        const p = g.subarray(0, i);
        const k = Buffer.from(p).toString('latin1');
        if (seen.has(k)) continue;
        seen.add(k);
        inputs.push(p);
      }
    }
    expect(inputs.length).toBeGreaterThan(100000);
    const py = pyLoad(inputs);
    const mismatches: string[] = [];
    inputs.forEach((p, i) => {
      const t = py[i] as { error?: string };
      const want = t && typeof t === 'object' && 'error' in t ? t.error! : JSON.stringify(t);
      const got = outcome(p);
      if (got !== want) mismatches.push(`${Buffer.from(p).toString('hex')}: ${got} != ${want}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

describe('random and mutated input', () => {
  let seed = 0x9e3779b9;
  const rnd = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };

  test('10,000 random byte strings: a value or a PyError, quickly', () => {
    const t0 = Date.now();
    for (let i = 0; i < 10000; i++) {
      const n = rnd() % 64;
      const x = new Uint8Array(n);
      for (let j = 0; j < n; j++) x[j] = rnd() >>> 24;
      survive(x);
      survive(x, { allowObjects: true });
    }
    expect(Date.now() - t0).toBeLessThan(10000);
  });

  test('20,000 golden requests with 1-3 bytes changed: a value or a PyError', () => {
    for (let i = 0; i < 20000; i++) {
      const x = Uint8Array.from(golden[rnd() % golden.length]);
      const k = 1 + (rnd() % 3);
      for (let j = 0; j < k; j++) x[rnd() % x.length] = rnd() >>> 24;
      survive(x);
      survive(x, { allowObjects: true });
    }
  });
});

describe('forbidden globals', () => {
  test.each([
    ['protocol 0 GLOBAL', b("cos\nsystem\n(S'echo pwned'\ntR."), 'os.system'],
    ['protocol 4 STACK_GLOBAL', b([0x80, 4, 0x8c, 2], 'os', [0x8c, 6], 'system', [0x93, 0x8c, 4], 'true', [0x85, 0x52, 0x2e]), 'os.system'],
    ['posix.system', b("cposix\nsystem\n(S'true'\ntR."), 'posix.system'],
    ['builtins.eval via __builtin__ (protocol 2)', b([0x80, 2], 'c__builtin__\neval\n', [0x58, ...u32(1)], '1', [0x85, 0x52, 0x2e]), 'builtins.eval'],
    ['builtins.getattr', b('cbuiltins\ngetattr\n.'), 'builtins.getattr'],
    ['subprocess.Popen via INST', b("(S'ls'\nisubprocess\nPopen\n."), 'subprocess.Popen'],
    ['NEWOBJ of an unknown class', b([0x80, 2], 'cpyrogue._Variable\nVariableValue\n)\x81.'), 'pyrogue._Variable.VariableValue'],
  ])('%s is refused by name', (_label, bytes, name) => {
    const e = thrown(bytes);
    expect(e).toBeInstanceOf(UnpicklingError);
    expect(e.message).toBe(`global '${name}' is forbidden`);
  });

  test('with allowObjects the same payload is only a record: nothing runs', () => {
    const v = decode(b("cos\nsystem\n(S'echo pwned'\ntR."), { allowObjects: true }) as PyObject;
    expect(v).toBeInstanceOf(PyObject);
    expect(v.cls.qualified).toBe('os.system');
    expect(v.args).toEqual(['echo pwned']);
    expect(v.how).toBe('reduce');
  });

  test('allowGlobals admits named globals only', () => {
    const p = b([0x80, 2], 'cmy.mod\nThing\nK\x01\x85R.');
    expect(thrown(p).message).toBe("global 'my.mod.Thing' is forbidden");
    const v = decode(p, { allowGlobals: ['my.mod.Thing'] }) as PyObject;
    expect(v.cls.qualified).toBe('my.mod.Thing');
    expect(v.args).toEqual([1n]);
  });

  test('allowed value-only globals cannot be called', () => {
    expect(thrown(b('cnumpy\nndarray\n)R.')).message).toBe("global 'numpy.ndarray' cannot be called");
    expect(thrown(b('cbuiltins\nobject\n)R.')).message).toBe("global 'builtins.object' cannot be called");
  });

  test('STACK_GLOBAL requires str', () => {
    expect(thrown(b([0x80, 4, 0x4b, 1, 0x4b, 2, 0x93, 0x2e])).message).toBe('STACK_GLOBAL requires str');
    expect(thrown(b([0x80, 4, 0x93, 0x2e])).message).toBe('STACK_GLOBAL requires str');
  });
});

describe('declared lengths beyond the input fail before allocating', () => {
  const pad = 'x'.repeat(40);
  test.each([
    ['BINUNICODE 2**31', b([0x80, 4, 0x58], u32(0x80000000), pad, '.')],
    ['BINUNICODE 2**32-1', b([0x80, 4, 0x58], u32(0xffffffff), pad, '.')],
    ['BINUNICODE8 2**40', b([0x80, 4, 0x8d], u64(0, 256), pad, '.')],
    ['BINBYTES 2**31', b([0x80, 4, 0x42], u32(0x80000000), pad, '.')],
    ['BINBYTES8 2**33', b([0x80, 4, 0x8e], u64(0, 2), pad, '.')],
    ['BYTEARRAY8 2**32', b([0x80, 5, 0x96], u64(0, 1), pad, '.')],
    ['LONG4 2**31-1 bytes', b([0x80, 4, 0x8b], u32(0x7fffffff), pad, '.')],
    ['BINSTRING 2**31', b([0x54], u32(0x80000000), pad, '.')],
    ['FRAME 2**40', b([0x80, 4, 0x95], u64(0, 256), pad, '.')],
    ['SHORT_BINUNICODE 255', b([0x80, 4, 0x8c, 255], pad, '.')],
  ])('%s', (_label, bytes) => {
    const before = process.memoryUsage().arrayBuffers;
    const e = timed(() => thrown(bytes), 50);
    expect(e).toBeInstanceOf(UnpicklingError);
    expect(e.message).toBe('pickle data was truncated');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });

  test('lengths past 2**63 are OverflowErrors, as in CPython', () => {
    expect(thrown(b([0x80, 4, 0x8e], u64(0, 0x80000000), '.')).wireText).toBe(
      "builtins.OverflowError: BINBYTES exceeds system's maximum size of 9223372036854775807 bytes",
    );
    expect(thrown(b([0x80, 4, 0x95], u64(0, 0xffffffff), '.')).wireText).toBe(
      "builtins.OverflowError: FRAME length exceeds system's maximum of 9223372036854775807 bytes",
    );
  });

  test('negative LONG4 length', () => {
    expect(thrown(b([0x8b], u32(0xffffffff), '.')).message).toBe('LONG pickle has negative byte count');
  });

  test('a big but honest LONG4 decodes exactly', () => {
    const n = 100000;
    const bytes = new Uint8Array(n).fill(0xff);
    bytes[n - 1] = 0x7f; // 2**(8n-1) - 1
    const v = decode(b([0x80, 4, 0x8b], u32(n), bytes, '.'));
    expect(v).toBe((1n << BigInt(8 * n - 1)) - 1n);
  });
});

describe('deep nesting: rejected without a JS stack overflow', () => {
  const N = 100000;
  const msg = 'pickle data nests containers deeper than 1000 levels';
  test('EMPTY_LIST x N, APPEND x N-1', () => {
    expect(timed(() => thrown(b(']'.repeat(N), 'a'.repeat(N - 1), '.')), 2000).message).toBe(msg);
  });
  test('MARK chains: ( x N, ) , t x N', () => {
    expect(timed(() => thrown(b('('.repeat(N), ')', 't'.repeat(N), '.')), 2000).message).toBe(msg);
  });
  test('TUPLE1 chain with a constant stack', () => {
    expect(timed(() => thrown(b(')', '\x85'.repeat(N), '.')), 2000).message).toBe(msg);
  });
  test('nesting through the memo with a constant stack', () => {
    const parts: (string | number[])[] = [']\x94'];
    for (let i = 0; i < N; i++) parts.push([0x6a, ...u32(i)], ']\x94a0');
    parts.push('.');
    expect(timed(() => thrown(cat(parts)), 3000).message).toBe(msg);
  });
  test('MARK x N alone ends in "Ran out of input"; with STOP, in a stack underflow', () => {
    expect(thrown(b('('.repeat(N))).wireText).toBe('builtins.EOFError: Ran out of input');
    expect(thrown(b('('.repeat(N), '.')).message).toBe('unexpected MARK found');
  });
  test('1000 levels are fine, 1001 are not; maxDepth is configurable', () => {
    expect(Array.isArray(decode(b(']'.repeat(1000), 'a'.repeat(999), '.')))).toBe(true);
    expect(thrown(b(']'.repeat(1001), 'a'.repeat(1000), '.')).message).toBe(msg);
    expect(Array.isArray(decode(b(']'.repeat(1001), 'a'.repeat(1000), '.'), { maxDepth: 2000 }))).toBe(true);
    expect(thrown(b(']]]a a.'.replace(/ /g, '')), { maxDepth: 2 }).message).toBe('pickle data nests containers deeper than 2 levels');
  });
  test('a shared-subtree bomb (2**60 paths) is checked in linear time', () => {
    const parts: (string | number[])[] = [')\x94'];
    for (let i = 0; i < 60; i++) parts.push([0x6a, ...u32(i), 0x6a, ...u32(i), 0x86, 0x94]);
    const v = timed(() => decode(b(...parts, '.')), 500);
    expect(v).toBeInstanceOf(PyTuple);
    const deep: (string | number[])[] = [')\x94'];
    for (let i = 0; i < 1500; i++) deep.push([0x6a, ...u32(i), 0x6a, ...u32(i), 0x86, 0x94]);
    expect(timed(() => thrown(b(...deep, '.')), 500).message).toBe(msg);
  });
  test('self-referencing structures are refused', () => {
    const r = 'recursive (self-referencing) structures are not supported';
    expect(thrown(b(']\x94h\x00a.')).message).toBe(r);
    expect(thrown(b('}\x94K\x01h\x00s.')).message).toBe(r);
    expect(thrown(b(']\x94h\x00\x85a.')).message).toBe(r);
    expect(thrown(b(']2a.')).message).toBe(r);
  });
});

describe('memo and stack abuse', () => {
  test.each<[string, Uint8Array, string]>([
    ['BINGET of a missing entry', b([0x80, 4, 0x4e, 0x94, 0x68, 5, 0x2e]), '_pickle.UnpicklingError: Memo value not found at index 5'],
    ['LONG_BINGET 2**32-1', b([0x6a], u32(0xffffffff), '.'), '_pickle.UnpicklingError: Memo value not found at index 4294967295'],
    ['GET text', b('g99\n.'), '_pickle.UnpicklingError: Memo value not found at index 99'],
    ['GET garbage', b('gxy\n.'), "builtins.ValueError: invalid literal for int() with base 10: 'xy\\n'"],
    ['PUT on an empty stack', b('p0\n.'), '_pickle.UnpicklingError: unpickling stack underflow'],
    ['MEMOIZE on an empty stack', b([0x94, 0x2e]), '_pickle.UnpicklingError: unpickling stack underflow'],
    ['POP on an empty stack', b('0.'), '_pickle.UnpicklingError: unpickling stack underflow'],
    ['POP_MARK without MARK', b('1.'), '_pickle.UnpicklingError: could not find MARK'],
    ['TUPLE without MARK', b('this is not a pickle'), '_pickle.UnpicklingError: could not find MARK'],
    ['APPEND on an empty stack', b('a.'), '_pickle.UnpicklingError: unpickling stack underflow'],
    ['TUPLE2 of one item after a MARK', b('(N\x86.'), '_pickle.UnpicklingError: unexpected MARK found'],
    ['STOP on an empty stack', b('.'), '_pickle.UnpicklingError: unpickling stack underflow'],
    ['empty input', b(''), 'builtins.EOFError: Ran out of input'],
    ['no STOP', b([0x80, 4, 0x4e]), 'builtins.EOFError: Ran out of input'],
    ['odd SETITEMS', b('}(NNNu.'), '_pickle.UnpicklingError: odd number of items for SETITEMS'],
    ['odd DICT', b('(NNNd.'), '_pickle.UnpicklingError: odd number of items for DICT'],
    ['unhashable key', b('}]K\x01s.'), "builtins.TypeError: unhashable type: 'list'"],
    ['APPEND to a dict', b('}Na.'), "builtins.AttributeError: 'dict' object has no attribute 'append'"],
    ['REDUCE of a str', b('X\x01\x00\x00\x00a)R.'), "builtins.TypeError: 'str' object is not callable"],
    ['REDUCE with a list', b('cbuiltins\nset\n]R.'), 'builtins.TypeError: argument list must be a tuple'],
    ['unknown opcode', b([0xff]), "_pickle.UnpicklingError: invalid load key, '\\xff'."],
    ['quote opcode', b("'"), "_pickle.UnpicklingError: invalid load key, '\\x27'."],
    ['protocol 6', b([0x80, 6, 0x4e, 0x2e]), 'builtins.ValueError: unsupported pickle protocol: 6'],
    ['PERSID', b('Pabc\n.'), '_pickle.UnpicklingError: A load persistent id instruction was encountered,\nbut no persistent_load function was specified.'],
    ['BINPERSID', b('N\x51.'), '_pickle.UnpicklingError: A load persistent id instruction was encountered,\nbut no persistent_load function was specified.'],
    ['EXT1', b([0x82, 1, 0x2e]), 'builtins.ValueError: unregistered extension code 1'],
    ['EXT2', b([0x83, 1, 0, 0x2e]), 'builtins.ValueError: unregistered extension code 1'],
    ['EXT4 0', b([0x84, 0, 0, 0, 0, 0x2e]), '_pickle.UnpicklingError: EXT specifies code <= 0'],
    ['NEXT_BUFFER', b([0x97, 0x2e]), '_pickle.UnpicklingError: pickle stream refers to out-of-band data but no *buffers* argument was given'],
    ['READONLY_BUFFER on empty stack', b([0x98, 0x2e]), '_pickle.UnpicklingError: unpickling stack underflow'],
    ['bad UTF-8', b('X\x02\x00\x00\x00\xc3(.'), "builtins.UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc3 in position 0: invalid continuation byte"],
    ['unquoted STRING', b('Sabc\n.'), '_pickle.UnpicklingError: the STRING opcode argument must be quoted'],
    ['bad \\x in STRING', b('S"\\x4"\n.'), 'builtins.ValueError: invalid \\x escape at position 0'],
    [
      'truncated \\u escape',
      b('Vab\\u00\n.'),
      "builtins.UnicodeDecodeError: 'rawunicodeescape' codec can't decode bytes in position 2-5: truncated \\uXXXX escape",
    ],
    ['bad FLOAT', b('F1.5x\n.'), 'builtins.ValueError: could not convert string to float'],
    ['NEWOBJ of a non-class', b('K\x01)\x81.'), '_pickle.UnpicklingError: NEWOBJ class argument must be a type, not int'],
  ])('%s', (_label, bytes, text) => {
    expect(thrown(bytes).wireText).toBe(text);
  });

  test('the same inputs fail the same way in CPython', () => {
    const cases: [Uint8Array, string][] = [
      [b([0x80, 4, 0x4e, 0x94, 0x68, 5, 0x2e]), 'UnpicklingError: Memo value not found at index 5'],
      [b('(N\x86.'), 'UnpicklingError: unexpected MARK found'],
      [b('}]K\x01s.'), "TypeError: unhashable type: 'list'"],
      [b(''), 'EOFError: Ran out of input'],
      [b('S"\\x4"\n.'), 'ValueError: invalid \\x escape at position 0'],
      [b('gxy\n.'), "ValueError: invalid literal for int() with base 10: 'xy\\n'"],
    ];
    const py = pyLoad(cases.map((c) => c[0]));
    cases.forEach(([bytes, text], i) => {
      expect((py[i] as { error: string }).error).toBe(text);
      expect(outcome(bytes)).toBe(text);
    });
  });

  test('far memo indices work without a huge allocation', () => {
    const v = decode(b('K\x07r', u32(0xfffffff0), '0j', u32(0xfffffff0), '.'));
    expect(v).toBe(7n);
    expect(decodeWithInfo(b('K\x07r', u32(0xfffffff0), '.')).protocol).toBe(1);
  });

  test('every value is a PyValue: no placeholders leak', () => {
    // _reconstruct without its BUILD state stays a generic record, never a half-built array.
    const v: PyValue = decode(b('cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R.'));
    expect(v).toBeInstanceOf(PyObject);
  });
});

describe('depth bound edge', () => {
  test('999 TUPLE1 around an EMPTY_TUPLE (1000 levels) pass; 1000 (1001 levels) are refused', () => {
    expect(decode(b(')', '\x85'.repeat(999), '.'))).toBeInstanceOf(PyTuple);
    expect(thrown(b(')', '\x85'.repeat(1000), '.')).message).toBe('pickle data nests containers deeper than 1000 levels');
  });
});
