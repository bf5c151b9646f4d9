/**
 * The sans-I/O server core (src/server/dispatch, strport, publish, router,
 * pyops) against a fake root and fake Python helpers: pyrogue v6.15.0's
 * request semantics and error texts (golden transcript err: / str: families).
 */
import { PyError } from '../src/py/errors';
import {
  NdArray,
  NpDtype,
  PY_INSTANCE_FIELDS,
  PY_REDUCE,
  PyDict,
  PyObject,
  PyTuple,
  type HasInstanceFields,
  type InstanceFields,
  type PyValue,
} from '../src/py/values';
import { BinaryPort, dispatchOperation, type BinaryPortOptions, type RequestPort } from '../src/server/dispatch';
import { defaultCodec, fallbackExceptionPickle, type PickleCodec } from '../src/server/codec';
import { FastBinaryPort, FastUpdateBatcher, PublishOutbox } from '../src/server/fast';
import { UpdateBatcher, type Batcher } from '../src/server/publish';
import type { RootSurface } from '../src/tree/surface';
import { bodyStart, KeyedSerialQueue, peerKey, splitEnvelope } from '../src/server/router';
import { StringPort } from '../src/server/strport';
import { requestFields } from '../src/server/pyops';
import { FakeRoot, variableValue } from './support/fakeRoot';
import { fakeCodec, fakeEncodeRequest, fakePy } from './support/fakePy';

const req = (o: Record<string, PyValue>) => PyDict.from(o);
const full = (path: PyValue, attr: PyValue, args: PyValue[] = [], kwargs = new PyDict()) => req({ path, attr, args: new PyTuple(args), kwargs });

async function rejectText(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof PyError ? e.wireText : String(e);
  }
  throw new Error('did not reject');
}

/** Decodes a reply of the fake codec; exceptions as their message text. */
function replyOf(bytes: Uint8Array): PyValue | { exception: string } {
  const { value } = fakeCodec.decode(bytes);
  if (value instanceof PyObject && value.cls.qualified === 'builtins.Exception') return { exception: value.args[0] as string };
  return value;
}

describe('dispatchOperation (pyrogue _doOperation)', () => {
  const root = new FakeRoot();

  test('__ROOT__ returns the root whatever the attr', async () => {
    expect(await dispatchOperation(root, full('__ROOT__', null))).toBe(root);
    expect(await dispatchOperation(root, full('__ROOT__', 'nonsense'))).toBe(root);
  });
  test('a path that is not found gives None, before attr is looked at', async () => {
    expect(await dispatchOperation(root, full('Root.Dev.Missing', 'get'))).toBeNull();
    expect(await dispatchOperation(root, full('Nope', null))).toBeNull();
  });
  test('the root alias, callables called, plain attributes returned', async () => {
    expect(await dispatchOperation(root, full('root.Dev.Int', 'value'))).toBe(12n);
    expect(await dispatchOperation(root, full('Root.Dev.Int', 'typeStr'))).toBe('int');
    expect(await dispatchOperation(root, full('Root.Dev.Multiply', '__call__', [7n]))).toBe(21n);
    expect(await dispatchOperation(root, full('Root.Dev.Int', 'enum'))).toBeNull();
  });
  test('err:none-path / err:not-a-dict: getNode(None)', async () => {
    expect(await rejectText(dispatchOperation(root, full(null, 'get')))).toBe("builtins.TypeError: argument of type 'NoneType' is not iterable");
    expect(await rejectText(dispatchOperation(root, ['Root.Dev.Int', 'get']))).toBe("builtins.TypeError: argument of type 'NoneType' is not iterable");
  });
  test('requests that are not containers fail on `in` as in Python', async () => {
    expect(await rejectText(dispatchOperation(root, 5n))).toBe("builtins.TypeError: argument of type 'int' is not iterable");
    expect(await rejectText(dispatchOperation(root, null))).toBe("builtins.TypeError: argument of type 'NoneType' is not iterable");
    expect(await rejectText(dispatchOperation(root, 'path'))).toBe("builtins.TypeError: string indices must be integers, not 'str'");
    expect(await rejectText(dispatchOperation(root, ['path']))).toBe('builtins.TypeError: list indices must be integers or slices, not str');
    expect(await rejectText(dispatchOperation(root, new Uint8Array([1])))).toBe("builtins.TypeError: a bytes-like object is required, not 'str'");
    expect(await rejectText(dispatchOperation(root, full(7n, 'get')))).toBe("builtins.TypeError: argument of type 'int' is not iterable");
  });
  test('err:missing-keys: getattr(node, None)', async () => {
    expect(await rejectText(dispatchOperation(root, req({ path: 'Root.Dev.Int' })))).toBe("builtins.TypeError: attribute name must be string, not 'NoneType'");
    expect(await rejectText(dispatchOperation(root, full('Root.Dev.Int', 3n)))).toBe("builtins.TypeError: attribute name must be string, not 'int'");
  });
  test('missing keys default to (), {}', async () => {
    expect(await dispatchOperation(root, req({ path: 'Root.Dev.Int', attr: 'value' }))).toBe(12n);
    expect(requestFields(req({}))).toEqual({ path: null, attr: null, args: PyTuple.EMPTY, kwargs: new PyDict() });
  });
  test('err:list-args: *args accepts any iterable', async () => {
    const r = new FakeRoot();
    await dispatchOperation(r, req({ path: 'Root.Dev.Int', attr: 'set', args: [5n], kwargs: new PyDict() }));
    expect(r.values.get('Root.Dev.Int')).toBe(5n);
    await dispatchOperation(r, req({ path: 'Root.Dev.Text', attr: 'set', args: new PyDict([['k', 1n]]) }));
    expect(r.values.get('Root.Dev.Text')).toBe('k');
  });
  test('*args / **kwargs of the wrong type: CPython texts', async () => {
    expect(await rejectText(dispatchOperation(root, req({ path: 'Root.Dev.Int', attr: 'value', args: null })))).toBe(
      'builtins.TypeError: BaseVariable.value() argument after * must be an iterable, not NoneType',
    );
    expect(await rejectText(dispatchOperation(root, req({ path: 'Root.Dev.Int', attr: 'value', kwargs: [1n] })))).toBe(
      'builtins.TypeError: BaseVariable.value() argument after ** must be a mapping, not list',
    );
    expect(await rejectText(dispatchOperation(root, req({ path: 'Root.Dev.Int', attr: 'value', kwargs: new PyDict([[1n, 2n]]) })))).toBe(
      'builtins.TypeError: keywords must be strings',
    );
  });
  test('a child reached as an attribute: a command (has __call__) is executed, other nodes are returned', async () => {
    expect(await dispatchOperation(root, full('Root.Dev', 'Multiply', [7n]))).toBe(21n);
    expect(await dispatchOperation(root, full('Root.Dev', 'Int'))).toBe(root.getNode('Root.Dev.Int'));
    expect(await dispatchOperation(root, full('Root', 'Dev'))).toBe(root.getNode('Root.Dev'));
  });
  test('errors of the tree pass through with their type', async () => {
    expect(await rejectText(dispatchOperation(root, full('Root.Dev.Int', 'noSuchAttr')))).toBe(
      "builtins.AttributeError: <class 'pyrogue._Variable.LocalVariable'> - Root.Dev.Int has no attribute noSuchAttr",
    );
    expect(await rejectText(dispatchOperation(root, full('Root.Dev.Fail', '__call__')))).toBe('builtins.Exception: command failed on purpose');
  });
});

/** The binary port of each stack: the plain port, and the fast paths on it. */
const ports: [string, (root: RootSurface, options?: BinaryPortOptions) => RequestPort][] = [
  ['plain', (root, options) => new BinaryPort(root, options)],
  ['fast', (root, options) => new FastBinaryPort(new BinaryPort(root, options), root)],
];

describe.each(ports)('BinaryPort (pyrogue _doRequest), %s', (_stack, makePort) => {
  const root = new FakeRoot();
  const port = makePort(root, { codec: fakeCodec });

  test('round trip; replies in protocol 4 whatever the request, like pyrogue (transcript err:proto0/2/5)', async () => {
    for (const p of [0, 2, 3, 4, 5]) {
      const out = await port.handle([fakeEncodeRequest(full('Root.Dev.Int', 'value'), p)]);
      expect(out[0]).toBe(4);
      expect(replyOf(out)).toBe(12n);
    }
  });
  test('a synchronous operation is answered at once (no promise); an asynchronous one with a promise that resolves to its reply', async () => {
    const now = port.handle([fakeEncodeRequest(full('Root.Dev.Int', 'value'), 4)]);
    expect(now).toBeInstanceOf(Uint8Array);
    expect(replyOf(now as Uint8Array)).toBe(12n);
    const bad = port.handle([fakeEncodeRequest(full('Root.Dev.Int', 3n), 4)]);
    expect(bad).toBeInstanceOf(Uint8Array);
    expect(replyOf(bad as Uint8Array)).toEqual({ exception: "builtins.TypeError: attribute name must be string, not 'int'" });
    const r = new FakeRoot();
    r.slowMs = 10;
    const later = makePort(r, { codec: fakeCodec }).handle([fakeEncodeRequest(full('Root.Dev.Slow', '__call__'), 4)]);
    expect(later).toBeInstanceOf(Promise);
    expect(replyOf(await later)).toBe('slow-done');
  });
  test("replyProtocol 'request': the request's protocol clamped to 2..5, 4 when undecodable", async () => {
    const pr = makePort(root, { codec: fakeCodec, replyProtocol: 'request' });
    for (const [p, want] of [
      [0, 2],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]) {
      const out = await pr.handle([fakeEncodeRequest(full('Root.Dev.Int', 'value'), p)]);
      expect(out[0]).toBe(want);
      expect(replyOf(out)).toBe(12n);
    }
    expect((await pr.handle([new Uint8Array([0x74])]))[0]).toBe(4);
  });
  test('not found → pickled None', async () => {
    expect(replyOf(await port.handle([fakeEncodeRequest(full('Root.Dev.Nope', 'get'))]))).toBeNull();
  });
  test('undecodable bytes → the decoder error, protocol 4', async () => {
    const out = await port.handle([new Uint8Array(Buffer.from('this is not a pickle'))]);
    expect(out[0]).toBe(4);
    expect(replyOf(out)).toEqual({ exception: "_pickle.UnpicklingError: invalid load key, 't'." });
  });
  test('empty request → EOFError like pickle.loads(b"")', async () => {
    expect(replyOf(await port.handle([new Uint8Array(0)]))).toEqual({ exception: 'builtins.EOFError: Ran out of input' });
    expect(replyOf(await port.handle([]))).toEqual({ exception: 'builtins.EOFError: Ran out of input' });
  });
  test('multipart request → an exception, not silence', async () => {
    const r = replyOf(await port.handle([fakeEncodeRequest(full('Root.Dev.Int', 'value')), new Uint8Array([1])]));
    expect(r).toEqual({ exception: 'builtins.ValueError: a request must be a single frame, got 2 frames' });
  });
  test('err:lock: a result that cannot be pickled → the encoder TypeError', async () => {
    expect(replyOf(await port.handle([fakeEncodeRequest(full('Root.Dev.Int', 'lock'))]))).toEqual({
      exception: "builtins.TypeError: cannot pickle '_thread.RLock' object",
    });
  });
  test('a codec that cannot even encode the exception: hand-built fallback pickle', async () => {
    const broken: PickleCodec = {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- the fake codec does not use this
      decode: fakeCodec.decode,
      encode: () => {
        throw new Error('boom');
      },
    };
    const out = await makePort(root, { codec: broken }).handle([fakeEncodeRequest(full('Root.Dev.Int', 'value'))]);
    expect(Buffer.from(out)).toEqual(Buffer.from(fallbackExceptionPickle('builtins.Exception: boom')));
  });
  test('async callables are awaited', async () => {
    const r = new FakeRoot();
    r.slowMs = 20;
    const out = await makePort(r, { codec: fakeCodec }).handle([fakeEncodeRequest(full('Root.Dev.Slow', '__call__'))]);
    expect(replyOf(out)).toBe('slow-done');
  });
});

describe('fallbackExceptionPickle', () => {
  test("is byte for byte CPython's pickle.dumps(Exception('x'), 4)", () => {
    const py = Buffer.from('80049522000000000000008c086275696c74696e73948c09457863657074696f6e9493948c01789485945294' + '2e', 'hex');
    expect(Buffer.from(fallbackExceptionPickle('x'))).toEqual(py);
  });
  test('long and non-ASCII messages use BINUNICODE and UTF-8', () => {
    const b = Buffer.from(fallbackExceptionPickle('é'.repeat(200)));
    expect(b.includes(Buffer.from('X', 'latin1'))).toBe(true);
    expect(b.readBigUInt64LE(3)).toBe(BigInt(b.length - 11));
  });
});

describe('StringPort (pyrogue _doString)', () => {
  const root = new FakeRoot();
  const port = new StringPort(root, fakePy);
  const ask = (s: string) => port.handleBytes(new Uint8Array(Buffer.from(s, 'utf8')));

  test('str() of the result', async () => {
    expect(await ask('{"attr": "getDisp", "path": "Root.Dev.Int"}')).toBe('12');
    expect(await ask('{"attr": "typeStr", "path": "Root.Dev.Int"}')).toBe('int');
    expect(await ask('{"attr": "enum", "path": "Root.Dev.Int"}')).toBe('None');
    expect(await ask('{"attr": "x", "path": "__ROOT__"}')).toBe("<class 'pyrogue._Root.Root'> - Root");
    expect(await ask('{"attr": "get", "path": "Root.Nope"}')).toBe('None');
  });
  test('args as a list or as {"py/tuple": [...]}; kwargs', async () => {
    expect(await ask('{"attr": "__call__", "path": "Root.Dev.Multiply", "args": ["7"]}')).toBe('21');
    expect(await ask('{"attr": "__call__", "path": "Root.Dev.Multiply", "args": {"py/tuple": ["7"]}}')).toBe('21');
    const r = new FakeRoot();
    const p = new StringPort(r, fakePy);
    expect(await p.handleBytes(Buffer.from('{"path": "Root.Dev.Int", "attr": "set", "args": [3], "kwargs": {"write": true}}'))).toBe('None');
    expect(r.values.get('Root.Dev.Int')).toBe(3n);
  });
  test('exceptions: "EXCEPTION: " + str(e), no type prefix', async () => {
    expect(await ask('{"attr": "__call__", "path": "Root.Dev.Fail"}')).toBe('EXCEPTION: command failed on purpose');
    expect(await ask('{"attr": "nope", "path": "Root.Dev.Int"}')).toBe(
      "EXCEPTION: <class 'pyrogue._Variable.LocalVariable'> - Root.Dev.Int has no attribute nope",
    );
    expect(await ask('[1, 2, 3]')).toBe("EXCEPTION: argument of type 'NoneType' is not iterable");
    expect(await ask('{"attr": "get", "path": "Root.Dev.Int", "args": 5}')).toBe("EXCEPTION: 'int' object is not iterable");
    expect(await ask('{"path": ')).toMatch(/^EXCEPTION: /);
  });
  test('invalid UTF-8 → EXCEPTION', async () => {
    expect(await port.handleBytes(new Uint8Array([0xff, 0xfe]))).toMatch(/^EXCEPTION: 'utf-8' codec can't decode/);
  });
  test('an empty result stays empty (pyrogue sends a 0-byte frame)', async () => {
    expect(await ask('{"attr": "getDisp", "path": "Root.Dev.Empty"}')).toBe('');
  });
  test('multipart → EXCEPTION', async () => {
    expect(await port.handle([Buffer.from('{}'), Buffer.from('{}')])).toMatch(/^EXCEPTION: /);
  });
});

/** The update batcher of each stack. */
const batchers: [string, (codec?: PickleCodec, onError?: (m: string) => void) => Batcher & { readonly size: number }][] = [
  ['plain', (codec, onError) => new UpdateBatcher(codec, onError)],
  ['fast', (codec, onError) => new FastUpdateBatcher(new UpdateBatcher(codec, onError))],
];

describe.each(batchers)('UpdateBatcher (pyrogue _varUpdate/_varDone), %s', (_stack, makeBatcher) => {
  test('one frame per batch, first-seen order, last value wins; nothing for an empty batch', () => {
    const b = makeBatcher(fakeCodec);
    expect(b.done()).toBeNull();
    b.update('Root.A', variableValue(1n));
    b.update('Root.B', variableValue(2n));
    b.update('Root.A', variableValue(3n));
    const frame = b.done()!;
    expect(frame[0]).toBe(4);
    const { value } = fakeCodec.decode(frame);
    expect(value).toBeInstanceOf(PyDict);
    const d = value as PyDict;
    expect([...d.keys()]).toEqual(['Root.A', 'Root.B']);
    expect(((d.get('Root.A') as PyTuple).items[2] as PyDict).get('value')).toBe(3n);
    expect(b.done()).toBeNull();
  });
  test('a batch that cannot be pickled is dropped and reported', () => {
    const errors: string[] = [];
    const b = makeBatcher(
      {
        ...fakeCodec,
        encode: () => {
          throw new PyError('builtins', 'TypeError', 'nope');
        },
      },
      (m) => errors.push(m),
    );
    b.update('Root.A', 1n);
    expect(b.done()).toBeNull();
    expect(errors[0]).toContain('builtins.TypeError: nope');
    expect(b.size).toBe(0);
  });
  test('the fake root delivers batches through the var-listener with the group filter', () => {
    const root = new FakeRoot();
    const b = makeBatcher(fakeCodec);
    const frames: Uint8Array[] = [];
    root.addVarListener(
      (p, v) => b.update(p, v),
      () => {
        const f = b.done();
        if (f) frames.push(f);
      },
      { incGroups: null, excGroups: ['NoServe'] },
    );
    root.batch(['Root.Dev.Int', 'Root.Dev.Hidden']);
    root.batch(['Root.Dev.Hidden']);
    expect(frames).toHaveLength(1);
    expect([...(fakeCodec.decode(frames[0]).value as PyDict).keys()]).toEqual(['Root.Dev.Int']);
  });
});

describe('FastUpdateBatcher: the frame of an unchanged update', () => {
  /** An instance-fields object (a VariableValue's shape), frozen unless `frozen` is false. */
  class Value implements HasInstanceFields {
    constructor(
      public value: PyValue,
      public enum_: PyValue = null,
      frozen = true,
    ) {
      if (frozen) Object.freeze(this);
    }
    get [PY_INSTANCE_FIELDS](): InstanceFields {
      return FIELDS;
    }
    [PY_REDUCE](): PyValue {
      return PyObject.instance('m', 'V', PyDict.from({ value: this.value, enum_: this.enum_ }));
    }
  }
  const FIELDS: InstanceFields = { module: 'm', name: 'V', keys: ['value', 'enum_'] };
  /** Like Value, but a new class descriptor each time it is asked for. */
  class Fickle extends Value {
    override get [PY_INSTANCE_FIELDS](): InstanceFields {
      return { module: 'm', name: 'V', keys: ['value', 'enum_'] };
    }
  }
  function rig() {
    let encodes = 0;
    const codec: PickleCodec = {
      decode: (d) => defaultCodec.decode(d),
      encode: (v, p) => {
        encodes++;
        return defaultCodec.encode(v, p);
      },
    };
    const fast = new FastUpdateBatcher(new UpdateBatcher(codec));
    const plain = new UpdateBatcher(defaultCodec);
    const publish = (b: Batcher, v: PyValue) => {
      b.update('Root.X', v);
      return Buffer.from(b.done()!);
    };
    return { encodes: () => encodes, frame: (v: PyValue) => publish(fast, v), expected: (v: PyValue) => publish(plain, v) };
  }

  test('the same frozen object: the kept frame; an array field changed in place: pickled again', () => {
    const r = rig();
    const v = new Value(5n);
    expect(r.frame(v).equals(r.expected(v))).toBe(true);
    expect(r.frame(v).equals(r.expected(v))).toBe(true);
    expect(r.encodes()).toBe(1);
    // another object with the same fields: pickled (the frame is kept for one object)
    expect(r.frame(new Value(5n)).equals(r.expected(v))).toBe(true);
    expect(r.encodes()).toBe(2);
    const a = new Value(NdArray.from(NpDtype.float64, [1, 2]));
    r.frame(a);
    r.frame(a);
    expect(r.encodes()).toBe(3);
    (a.value as NdArray).data[0] ^= 1;
    expect(r.frame(a).equals(r.expected(a))).toBe(true);
    expect(r.encodes()).toBe(4);
  });

  test('never kept: an object that is not frozen, a field that can change in place (a dict, a list), NaN, no instance fields, a descriptor made afresh', () => {
    const r = rig();
    const loose = new Value(1n, null, false);
    for (const v of [loose, new Value(1n, new PyDict()), new Value([1n]), new Value(NaN), variableValue(1n), new Fickle(1n)]) {
      const before = r.encodes();
      r.frame(v);
      r.frame(v);
      expect(r.encodes() - before).toBe(2);
    }
    // the object that is not frozen is changed: its frame follows
    loose.value = 2n;
    expect(r.frame(loose).equals(r.expected(loose))).toBe(true);
  });
});

describe('router helpers', () => {
  const B = (s: string | number[]) => new Uint8Array(typeof s === 'string' ? Buffer.from(s) : s);
  test('pyzmq REQ envelope [id][][body]', () => {
    const m = splitEnvelope([B('id1'), B(''), B('body')])!;
    expect(m.envelope.map((f) => Buffer.from(f).toString())).toEqual(['id1', '']);
    expect(m.body.map((f) => Buffer.from(f).toString())).toEqual(['body']);
    expect(m.peer).toBe(Buffer.from('id1').toString('latin1'));
  });
  test('rogue ZmqClient REQ_CORRELATE envelope [id][reqid][][body] is echoed whole', () => {
    const m = splitEnvelope([B('id1'), B([0, 0, 0, 7]), B(''), B('body')])!;
    expect(m.envelope).toHaveLength(3);
    expect(Array.from(m.envelope[1])).toEqual([0, 0, 0, 7]);
    expect(m.body).toHaveLength(1);
  });
  test('empty body, multipart body, no delimiter', () => {
    expect(splitEnvelope([B('i'), B(''), B('')])!.body.map((f) => f.length)).toEqual([0]);
    expect(splitEnvelope([B('i'), B(''), B('a'), B('b')])!.body).toHaveLength(2);
    const bare = splitEnvelope([B('i'), B('x')])!;
    expect(bare.envelope).toHaveLength(1);
    expect(bare.body).toHaveLength(1);
    expect(splitEnvelope([B('i'), B('')])!.body).toHaveLength(0);
    expect(splitEnvelope([])).toBeNull();
  });
  test('bodyStart: where the body starts, the [id][][body] shortcut as the general walk', () => {
    expect(bodyStart([B('id1'), B(''), B('body')])).toBe(2);
    expect(bodyStart([B('id1'), B([0, 0, 0, 7]), B(''), B('body')])).toBe(3);
    // three frames without the empty delimiter in the middle: no shortcut
    expect(bodyStart([B('i'), B('x'), B('y')])).toBe(1);
    expect(bodyStart([B('i'), B('x'), B('')])).toBe(3);
    expect(bodyStart([B('i'), B('')])).toBe(2);
    expect(bodyStart([B('i')])).toBe(1);
    expect(bodyStart([])).toBe(-1);
    expect(peerKey(B([0, 0xff, 7]))).toBe('\u0000\u00ff\u0007');
  });
  test('KeyedSerialQueue: FIFO per key, concurrent across keys, failures do not block', async () => {
    const q = new KeyedSerialQueue();
    const log: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    void q.run('A', async () => {
      log.push('A1 start');
      await sleep(50);
      log.push('A1 end');
    });
    void q.run('A', async () => {
      log.push('A2');
      throw new Error('x');
    });
    void q.run('A', async () => {
      log.push('A3');
    });
    void q.run('B', async () => {
      log.push('B1');
    });
    expect(q.busy('A')).toBe(true);
    expect(q.busy('C')).toBe(false);
    await q.idle();
    expect(q.busy('A')).toBe(false);
    expect(log.indexOf('B1')).toBeLessThan(log.indexOf('A1 end'));
    expect(log.filter((x) => x.startsWith('A'))).toEqual(['A1 start', 'A1 end', 'A2', 'A3']);
    expect(q.pending).toBe(0);
    expect(q.activeKeys).toBe(0);
  });
});

describe('PublishOutbox (when update frames leave)', () => {
  /** An outbox on a fake clock: turn ends and timers run only when the test says so. */
  function rig(coalesceMs?: number, max?: number) {
    let now = 1000;
    const sent: string[][] = [];
    let turnEnd: (() => void)[] = [];
    let timers: { fn: () => void; at: number; cancelled: boolean }[] = [];
    const outbox = new PublishOutbox({
      send: (frames) => sent.push(frames.map((f) => Buffer.from(f).toString())),
      coalesceMs,
      max,
      now: () => now,
      atTurnEnd: (fn) => turnEnd.push(fn),
      after: (fn, ms) => {
        const t = { fn, at: now + ms, cancelled: false };
        timers.push(t);
        return { cancel: () => (t.cancelled = true) };
      },
    });
    const frame = (s: string) => new Uint8Array(Buffer.from(s));
    return {
      outbox,
      sent,
      frame,
      pending: () => ({ turnEnd: turnEnd.length, timers: timers.filter((t) => !t.cancelled).length }),
      endTurn: () => {
        const fns = turnEnd;
        turnEnd = [];
        for (const f of fns) f();
      },
      advance: (ms: number) => {
        now += ms;
        const due = timers.filter((t) => !t.cancelled && t.at <= now);
        timers = timers.filter((t) => !due.includes(t));
        for (const t of due) t.fn();
      },
    };
  }

  test('after a quiet spell a frame leaves at the end of its turn, with the rest of that turn', () => {
    const r = rig(1);
    r.outbox.push(r.frame('a'));
    r.outbox.push(r.frame('b'));
    expect(r.sent).toEqual([]);
    expect(r.pending()).toEqual({ turnEnd: 1, timers: 0 });
    r.endTurn();
    expect(r.sent).toEqual([['a', 'b']]);
    // 2 × coalesceMs later publishing is no longer sustained: again at the turn's end
    r.advance(2);
    r.outbox.push(r.frame('c'));
    expect(r.pending()).toEqual({ turnEnd: 1, timers: 0 });
    r.endTurn();
    expect(r.sent).toEqual([['a', 'b'], ['c']]);
  });

  test('while publishing is sustained, frames of several turns wait up to coalesceMs and leave together, in order', () => {
    const r = rig(1);
    r.outbox.push(r.frame('a'));
    r.endTurn();
    r.advance(0.5);
    r.outbox.push(r.frame('b'));
    expect(r.pending()).toEqual({ turnEnd: 0, timers: 1 });
    r.endTurn();
    r.advance(0.4);
    r.outbox.push(r.frame('c'));
    r.endTurn();
    expect(r.sent).toEqual([['a']]);
    r.advance(0.6); // 1 ms after b: b waited exactly coalesceMs
    expect(r.sent).toEqual([['a'], ['b', 'c']]);
    expect(r.outbox.size).toBe(0);
  });

  test('coalesceMs 0: every turn sends its own frames, never a timer', () => {
    const r = rig(0);
    for (const f of ['a', 'b', 'c']) {
      r.outbox.push(r.frame(f));
      expect(r.pending().timers).toBe(0);
      r.endTurn();
    }
    expect(r.sent).toEqual([['a'], ['b'], ['c']]);
  });

  test('max frames waiting leave at once; flush sends the rest and cancels the timer', () => {
    const r = rig(1, 3);
    r.outbox.push(r.frame('a'));
    r.endTurn();
    r.outbox.push(r.frame('b'));
    r.outbox.push(r.frame('c'));
    r.outbox.push(r.frame('d'));
    expect(r.sent).toEqual([['a'], ['b', 'c', 'd']]);
    r.outbox.push(r.frame('e'));
    expect(r.pending().timers).toBe(1);
    r.outbox.flush();
    expect(r.sent).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    expect(r.pending().timers).toBe(0);
    r.outbox.flush();
    expect(r.sent).toHaveLength(3);
  });

  test('an invalid coalesceMs is refused', () => {
    expect(() => new PublishOutbox({ send: () => undefined, coalesceMs: -1 })).toThrow(RangeError);
    expect(() => new PublishOutbox({ send: () => undefined, coalesceMs: Number.NaN })).toThrow(RangeError);
  });
});
