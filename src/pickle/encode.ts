/**
 * Pickle encoder: PyValue -> the exact bytes CPython 3.11's C pickler
 * (`pickle.dumps(obj, protocol)`) produces for the equivalent object graph,
 * with numpy 1.x's reductions for ndarray / dtype / numpy scalars.
 *
 * What is reproduced, and how:
 *  - Op.PROTO, then (protocol >= 4) FRAMEs: a frame is closed at the start of any
 *    object save once it holds >= 64 KiB; a frame holding < 4 bytes loses its
 *    header; a str/bytes/bytearray payload >= 64 KiB is written outside any
 *    frame (the open frame is closed first and a new one opened after it).
 *  - The memo: Op.MEMOIZE (protocol 4+) or Op.BINPUT/Op.LONG_BINPUT (2-3) on exactly
 *    what CPython memoizes (str, bytes, non-empty tuples, lists, dicts, sets,
 *    globals, reduce results), Op.BINGET/Op.LONG_BINGET on a repeat.
 *    Identity: JS object identity stands for Python object identity
 *    (containers, PyObject, Reducible, NdArray...). A JS string has no
 *    identity, so every str occurrence is a new memo entry, except where
 *    CPython shares one object in every case: the empty string and 1-char
 *    latin-1 strings (interpreter singletons), b'' and 1-byte bytes
 *    (singletons), module/qualified names of globals (interned), numpy's
 *    built-in native-order dtypes and numpy.bool_ scalars (singletons).
 *    Where the real server shared other strings (e.g. a node name used as a
 *    key and as a value), the bytes differ but load to the same value.
 *  - Protocol 2 bytes as `_codecs.encode(str, 'latin1')`, protocol < 3
 *    global names through Python 2's import mapping (fix_imports), sets and
 *    frozensets as Op.REDUCE below protocol 4, bytearray as Op.BYTEARRAY8 in 5.
 *  - numpy arrays as numpy 1.x pickles them: `_reconstruct` + Op.BUILD state
 *    (protocols 2-4), `numpy.core.numeric._frombuffer` with an in-band
 *    buffer (protocol 5); always under the `numpy.core` names that numpy 1.x
 *    and 2.x both load.
 *
 * The encoder reuses one growable buffer and memo between calls (it is
 * re-entrant: a nested call, e.g. from a Reducible, gets its own state).
 * Object identity is tracked by stamping each memoized object with two
 * non-enumerable symbol properties (call epoch, memo index) instead of a Map
 * keyed by object; they are invisible to Object.keys/JSON/jest equality.
 * `EncodeOptions.shareStrings` makes equal strings one shared object, as
 * CPython's interned strings are (6201 of the 6207 golden replies are then
 * byte-identical, against 6060 without).
 */
import {
  NdArray,
  NpDtype,
  NpScalar,
  PY_INSTANCE_FIELDS,
  PY_REDUCE,
  HasInstanceFields,
  InstanceFields,
  PyByteArray,
  PyComplex,
  PyDict,
  PyFrozenSet,
  PyGlobal,
  PyObject,
  PyOrderedDict,
  PySet,
  PyTuple,
  PyUnpicklable,
  PyValue,
  Reducible,
} from '../py/values';
import { PicklingError, PyError, PyTypeError, PyValueError } from '../py/errors';
import { Op } from './opcodes';

/** TUPLE1, TUPLE2, TUPLE3 by the tuple's length. */
const TUPLE_N = [Op.EMPTY_TUPLE, Op.TUPLE1, Op.TUPLE2, Op.TUPLE3] as const;

const FRAME_TARGET = 64 * 1024;
const FRAME_HEADER = 9;
const FRAME_MIN = 4;
const BATCH = 1000;
const INITIAL_CAPACITY = 64 * 1024;
/** A buffer grown past this is not kept for the next call. */
const KEEP_CAPACITY = 4 * 1024 * 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ---------------------------------------------------------------------------
// Python 2 names of Python 3 globals, applied below protocol 3 (the pickler's
// default fix_imports=True). Data: the reverse mappings of the standard
// library's _compat_pickle module.

const NAME_3TO2 = new Map<string, string>();
const IMPORT_3TO2 = new Map<string, string>();
(function buildCompatTables(): void {
  const sameName: [string, string, string][] = [
    ['functools', '__builtin__', 'reduce'],
    ['_functools', '__builtin__', 'reduce'],
    ['sys', '__builtin__', 'intern'],
    ['collections', 'UserList', 'UserList'],
    ['collections', 'UserString', 'UserString'],
    ['dbm', 'whichdb', 'whichdb'],
    ['socket', '_socket', 'fromfd'],
    ['multiprocessing.connection', '_multiprocessing', 'Connection'],
    ['multiprocessing.context', 'multiprocessing.process', 'Process'],
    ['multiprocessing.popen_fork', 'multiprocessing.forking', 'Popen'],
    ['urllib.error', 'urllib', 'ContentTooShortError'],
    ['urllib.request', 'urllib', 'getproxies pathname2url url2pathname urlcleanup urlopen urlretrieve'],
    ['urllib.parse', 'urllib', 'quote quote_plus unquote unquote_plus urlencode'],
    ['urllib.error', 'urllib2', 'HTTPError URLError'],
    [
      'builtins',
      'exceptions',
      'ArithmeticError AssertionError AttributeError BaseException BufferError BytesWarning DeprecationWarning ' +
        'EOFError EnvironmentError Exception FloatingPointError FutureWarning GeneratorExit IOError ImportError ' +
        'ImportWarning IndentationError IndexError KeyError KeyboardInterrupt LookupError MemoryError NameError ' +
        'NotImplementedError OSError OverflowError PendingDeprecationWarning ReferenceError RuntimeError ' +
        'RuntimeWarning StopIteration SyntaxError SyntaxWarning SystemError SystemExit TabError TypeError ' +
        'UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError UnicodeTranslateError ' +
        'UnicodeWarning UserWarning ValueError Warning ZeroDivisionError',
    ],
    ['multiprocessing.context', 'multiprocessing', 'AuthenticationError BufferTooShort ProcessError TimeoutError'],
    ['tkinter.filedialog', 'FileDialog', 'FileDialog LoadFileDialog SaveFileDialog'],
    ['tkinter.simpledialog', 'SimpleDialog', 'SimpleDialog'],
    ['xmlrpc.server', 'DocXMLRPCServer', 'DocCGIXMLRPCRequestHandler DocXMLRPCRequestHandler DocXMLRPCServer ServerHTMLDoc XMLRPCDocGenerator'],
    ['http.server', 'SimpleHTTPServer', 'SimpleHTTPRequestHandler'],
    ['http.server', 'CGIHTTPServer', 'CGIHTTPRequestHandler'],
  ];
  for (const [m3, m2, names] of sameName) for (const n of names.split(' ')) NAME_3TO2.set(`${m3}\n${n}`, `${m2}\n${n}`);
  const renamed =
    'builtins.range __builtin__.xrange|builtins.chr __builtin__.unichr|builtins.str __builtin__.unicode|' +
    'builtins.int __builtin__.long|builtins.zip itertools.izip|builtins.map itertools.imap|' +
    'builtins.filter itertools.ifilter|itertools.filterfalse itertools.ifilterfalse|' +
    'itertools.zip_longest itertools.izip_longest|collections.UserDict UserDict.IterableUserDict|' +
    '_socket.socket socket._socketobject|builtins.ModuleNotFoundError exceptions.ImportError';
  const split = (q: string): string => {
    const i = q.lastIndexOf('.');
    return `${q.slice(0, i)}\n${q.slice(i + 1)}`;
  };
  for (const pair of renamed.split('|')) {
    const [a, b] = pair.split(' ');
    NAME_3TO2.set(split(a), split(b));
  }
  for (const n of (
    'BrokenPipeError ChildProcessError ConnectionAbortedError ConnectionError ConnectionRefusedError ' +
    'ConnectionResetError FileExistsError FileNotFoundError InterruptedError IsADirectoryError ' +
    'NotADirectoryError PermissionError ProcessLookupError TimeoutError'
  ).split(' '))
    NAME_3TO2.set(`builtins\n${n}`, 'exceptions\nOSError');
  const imports =
    '_bz2 bz2|_dbm dbm|_dummy_thread dummy_thread|_functools functools|_gdbm gdbm|_markupbase markupbase|' +
    '_pickle pickle|_thread thread|builtins __builtin__|collections.abc _abcoll|configparser ConfigParser|' +
    'copyreg copy_reg|dbm anydbm|dbm.bsd dbhash|dbm.dumb dumbdbm|dbm.gnu gdbm|dbm.ndbm dbm|' +
    'html.entities htmlentitydefs|html.parser HTMLParser|http.client httplib|http.cookiejar cookielib|' +
    'http.cookies Cookie|http.server BaseHTTPServer|queue Queue|reprlib repr|socketserver SocketServer|' +
    'subprocess commands|test.support test.test_support|tkinter Tkinter|tkinter.colorchooser tkColorChooser|' +
    'tkinter.commondialog tkCommonDialog|tkinter.constants Tkconstants|tkinter.dialog Dialog|tkinter.dnd Tkdnd|' +
    'tkinter.filedialog tkFileDialog|tkinter.font tkFont|tkinter.messagebox tkMessageBox|' +
    'tkinter.scrolledtext ScrolledText|tkinter.simpledialog tkSimpleDialog|tkinter.tix Tix|tkinter.ttk ttk|' +
    'urllib.parse urlparse|urllib.request urllib2|urllib.robotparser robotparser|winreg _winreg|' +
    'xmlrpc.client xmlrpclib|xmlrpc.server SimpleXMLRPCServer';
  for (const pair of imports.split('|')) {
    const [a, b] = pair.split(' ');
    IMPORT_3TO2.set(a, b);
  }
})();

// ---------------------------------------------------------------------------
// numpy: how numpy 1.x reduces dtypes.

interface DtypeInfo {
  /** First argument of numpy.dtype(...): 'f8', 'i4', 'U5'... */
  name: string;
  /** Byte order in the state tuple: '<', '>' or '|'. */
  order: string;
  elsize: number;
  alignment: number;
  flags: number;
  /** Memo key when numpy uses one shared descriptor object for it (built-in, native order). */
  sharedKey: string | null;
}
const dtypeInfoCache = new Map<string, DtypeInfo>();
function dtypeInfo(d: NpDtype): DtypeInfo {
  const k = d.kind;
  const str = `${d.byteorder}${k}${d.itemsize}`;
  let info = dtypeInfoCache.get(str);
  if (info !== undefined) return info;
  let order: string;
  if (k === 'b' || k === 'S' || k === 'V' || (d.itemsize === 1 && (k === 'i' || k === 'u'))) order = '|';
  else order = d.byteorder === '>' ? '>' : '<';
  let elsize = -1;
  let alignment = -1;
  let flags = 0;
  switch (k) {
    case 'b':
    case 'i':
    case 'u':
    case 'f':
    case 'c':
      break;
    case 'S':
    case 'V':
      elsize = d.itemsize;
      alignment = 1;
      break;
    case 'U':
      elsize = d.itemsize;
      alignment = 4;
      flags = 8;
      break;
    default:
      throw new PicklingError(`cannot pickle numpy dtype '${d.str}' (kind '${k}' is not supported)`);
  }
  const name = `${k}${k === 'U' ? d.itemsize / 4 : d.itemsize}`;
  const shared = 'biufc'.includes(k) && order !== '>';
  info = { name, order, elsize, alignment, flags, sharedKey: shared ? `d${order}${name}` : null };
  dtypeInfoCache.set(str, info);
  return info;
}

/** numpy's `ndarray.flags.fnc`: Fortran-contiguous and not also C-contiguous. */
function isFortranOnly(a: NdArray): boolean {
  if (!a.fortran) return false;
  let big = 0;
  for (const n of a.shape) {
    if (n === 0) return false;
    if (n !== 1) big++;
  }
  return big > 1;
}

// ---------------------------------------------------------------------------

type MemoKey = object | string;

const EPOCH: unique symbol = Symbol('pyrogue-ts.pickle.memoEpoch');
const INDEX: unique symbol = Symbol('pyrogue-ts.pickle.memoIndex');
interface Stamped {
  [EPOCH]?: number;
  [INDEX]?: number;
}
/** Objects a call memoizes in a small array before it starts stamping them (see Pickler.small). */
const SMALL_CALL_OBJECTS = 32;
/** Value-keyed memo entries kept from call to call (beyond this, the tables are emptied after the call). */
const VALUE_MEMO_KEEP = 4096;
/** Incremented by every encode call (never reused, so stale stamps never match). */
let epochCounter = 0;

/** Memo keys of globals ('g' + module + '\n' + name), cached: no string building per pickled object. */
const globalKeys = new Map<string, Map<string, string>>();
function globalKey(module: string, name: string): string {
  let byName = globalKeys.get(module);
  if (byName === undefined) {
    if (globalKeys.size > 10000) globalKeys.clear();
    byName = new Map();
    globalKeys.set(module, byName);
  }
  let key = byName.get(name);
  if (key === undefined) {
    key = 'g' + module + '\n' + name;
    if (byName.size < 10000) byName.set(name, key);
  }
  return key;
}

class Pickler {
  buf: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  pos = 0;
  proto = 4;
  framing = false;
  frameStart = -1;
  /**
   * The value-keyed tables below (`memo`, `strMemo`) hold `base + index`, and
   * an entry counts only when it is at least this call's `base`. Each call's
   * base is past every position of the calls before it, so the tables need
   * no emptying between calls (emptying a Map allocates a new table, which
   * cost as much as the rest of a small pickle) and are emptied only once
   * they hold more than VALUE_MEMO_KEEP entries.
   */
  base = 0;
  /** Value keys (globals, singleton bytes, shared dtypes, numpy bools); objects too when not stamping. */
  readonly memo = new Map<MemoKey, number>();
  /** str objects shared by value (singletons, interned names, EncodeOptions.shareStrings). */
  readonly strMemo = new Map<string, number>();
  /**
   * The first SMALL_CALL_OBJECTS objects a call memoizes, found by a scan
   * rather than by stamp: a small pickle, such as an update batch or a
   * reply, then adds no properties to fresh objects (defining two on each
   * cost more than the rest of its encoding). Emptied after each call.
   */
  readonly small: (object | null)[] = new Array<object | null>(SMALL_CALL_OBJECTS).fill(null);
  readonly smallIndex: number[] = new Array<number>(SMALL_CALL_OBJECTS).fill(0);
  smallCount = 0;
  /** Objects that cannot carry a stamp (frozen, sealed), past the small ones. */
  readonly unstampable = new Map<object, number>();
  /** This call's stamp: objects memoized in this call carry it (see memoSet). */
  epoch = 0;
  /**
   * Stamps are used by the one shared pickler only: a nested call (from a
   * Reducible) keeps its memo in the Map, so it cannot overwrite the stamps
   * of the call it runs inside.
   */
  constructor(readonly stamps: boolean) {}
  memoSize = 0;
  busy = false;
  /** EncodeOptions.shareStrings: false, true (all) or a predicate. */
  share: boolean | ((s: string) => boolean) = false;

  encode(value: PyValue, protocol: number, share: boolean | ((s: string) => boolean)): Buffer {
    this.busy = true;
    this.epoch = ++epochCounter;
    try {
      this.share = share;
      this.proto = protocol;
      this.pos = 0;
      this.memoSize = 0;
      this.framing = false;
      this.frameStart = -1;
      const b = this.buf;
      b[0] = Op.PROTO;
      b[1] = protocol;
      this.pos = 2;
      if (protocol >= 4) {
        this.framing = true;
        this.openFrame();
      }
      this.save(value);
      this.w1(Op.STOP);
      if (this.framing) this.commitFrame();
      this.framing = false;
      const out = Buffer.allocUnsafe(this.pos);
      this.buf.copy(out, 0, 0, this.pos);
      return out;
    } catch (e) {
      // (checked by name: a stack overflow's RangeError may come from another realm, e.g. under jest)
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- e.message may be anything a native error carried
      if (typeof e === 'object' && e !== null && (e as Error).name === 'RangeError' && /call stack/i.test(String((e as Error).message)))
        throw new PyError('builtins', 'RecursionError', 'maximum recursion depth exceeded while pickling an object');
      throw e;
    } finally {
      this.base += this.memoSize + 1;
      if (this.memo.size > VALUE_MEMO_KEEP) this.memo.clear();
      if (this.strMemo.size > VALUE_MEMO_KEEP) this.strMemo.clear();
      for (let i = 0; i < this.smallCount; i++) this.small[i] = null;
      this.smallCount = 0;
      if (this.unstampable.size > 0) this.unstampable.clear();
      if (this.buf.length > KEEP_CAPACITY) this.buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
      this.busy = false;
    }
  }

  // -- output --------------------------------------------------------------

  grow(n: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, 0, this.pos);
    this.buf = nb;
  }
  w1(op: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = op;
  }
  w2(op: number, a: number): void {
    if (this.pos + 2 > this.buf.length) this.grow(2);
    const b = this.buf;
    b[this.pos] = op;
    b[this.pos + 1] = a;
    this.pos += 2;
  }
  /** op + 4-byte little-endian unsigned/signed value. */
  w5(op: number, v: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    const b = this.buf;
    const p = this.pos;
    b[p] = op;
    b[p + 1] = v & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = (v >>> 16) & 0xff;
    b[p + 4] = (v >>> 24) & 0xff;
    this.pos = p + 5;
  }
  /** op + 8-byte little-endian length. */
  w9(op: number, v: number): void {
    if (this.pos + 9 > this.buf.length) this.grow(9);
    const b = this.buf;
    b[this.pos] = op;
    b.writeUInt32LE(v % 0x100000000, this.pos + 1);
    b.writeUInt32LE(Math.floor(v / 0x100000000), this.pos + 5);
    this.pos += 9;
  }
  wBytes(data: Uint8Array): void {
    const n = data.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    this.buf.set(data, this.pos);
    this.pos += n;
  }

  // -- framing ---------------------------------------------------------------

  openFrame(): void {
    if (this.pos + FRAME_HEADER > this.buf.length) this.grow(FRAME_HEADER);
    this.frameStart = this.pos;
    this.pos += FRAME_HEADER;
  }
  commitFrame(): void {
    const start = this.frameStart;
    const len = this.pos - start - FRAME_HEADER;
    const b = this.buf;
    if (len >= FRAME_MIN) {
      b[start] = Op.FRAME;
      b.writeUInt32LE(len % 0x100000000, start + 1);
      b.writeUInt32LE(Math.floor(len / 0x100000000), start + 5);
    } else {
      b.copyWithin(start, start + FRAME_HEADER, this.pos);
      this.pos -= FRAME_HEADER;
    }
    this.frameStart = -1;
  }
  /** Called where CPython's save() starts: close a frame that reached the target size. */
  boundary(): void {
    if (this.framing && this.pos - this.frameStart - FRAME_HEADER >= FRAME_TARGET) {
      this.commitFrame();
      this.openFrame();
    }
  }
  /** A str/bytes payload: one of >= 64 KiB goes outside the frames. */
  payloadStart(size: number): boolean {
    if (size >= FRAME_TARGET && this.framing) {
      this.commitFrame();
      return true;
    }
    return false;
  }
  payloadEnd(bypassed: boolean): void {
    if (bypassed) this.openFrame();
  }

  // -- memo ----------------------------------------------------------------

  memoOp(idx: number): void {
    if (this.proto >= 4) this.w1(Op.MEMOIZE);
    else if (idx < 256) this.w2(Op.BINPUT, idx);
    else this.w5(Op.LONG_BINPUT, idx);
  }
  /** Memoize an object that can be met again (key) or a fresh one (null). */
  memoPut(key: MemoKey | null): void {
    const idx = this.memoSize++;
    if (key !== null) this.memoSet(key, idx);
    this.memoOp(idx);
  }
  /** This call's memo index of a value-keyed entry (see `base`). */
  valueGet<K>(table: Map<K, number>, key: K): number | undefined {
    const v = table.get(key);
    return v !== undefined && v >= this.base ? v - this.base : undefined;
  }
  /**
   * Object identity memo. Rather than a Map keyed by object (hashing and
   * regrowing a table of every container on every call), a memoized object
   * carries two non-enumerable symbol properties: the epoch of the call that
   * memoized it and its memo index. A stamp from another call never matches.
   */
  memoLookup(key: MemoKey): number | undefined {
    if (typeof key === 'string' || !this.stamps) return this.valueGet(this.memo, key);
    const k = key as Stamped;
    if (k[EPOCH] === this.epoch) return k[INDEX];
    const small = this.small;
    for (let i = 0; i < this.smallCount; i++) if (small[i] === key) return this.smallIndex[i];
    return this.unstampable.size === 0 ? undefined : this.unstampable.get(key);
  }
  memoSet(key: MemoKey, idx: number): void {
    if (typeof key === 'string' || !this.stamps) {
      this.memo.set(key, this.base + idx);
      return;
    }
    if (this.smallCount < SMALL_CALL_OBJECTS) {
      this.small[this.smallCount] = key;
      this.smallIndex[this.smallCount++] = idx;
      return;
    }
    const k = key as Stamped;
    try {
      if (k[EPOCH] !== undefined) {
        k[EPOCH] = this.epoch;
        k[INDEX] = idx;
        return;
      }
      if (Object.isExtensible(k)) {
        Object.defineProperty(k, EPOCH, { value: this.epoch, writable: true, enumerable: false, configurable: true });
        Object.defineProperty(k, INDEX, { value: idx, writable: true, enumerable: false, configurable: true });
        return;
      }
    } catch {
      // frozen after an earlier call stamped it: fall through
    }
    this.unstampable.set(key, idx);
  }
  /**
   * Memoizes the object just built (key), as CPython's save_reduce does; or,
   * when building it already memoized it (an argument that refers back to
   * it), drops what was built and fetches that instead, returning false: the
   * object is then complete.
   */
  memoBuilt(key: MemoKey): boolean {
    const idx = this.memoLookup(key);
    if (idx !== undefined) {
      this.w1(Op.POP);
      this.memoGet(idx);
      return false;
    }
    this.memoPut(key);
    return true;
  }
  memoGet(idx: number): void {
    if (idx < 256) this.w2(Op.BINGET, idx);
    else this.w5(Op.LONG_BINGET, idx);
  }
  /** If key is memoized, write the get and return true. */
  tryGet(key: MemoKey): boolean {
    const idx = this.memoLookup(key);
    if (idx === undefined) return false;
    this.memoGet(idx);
    return true;
  }

  // -- dispatch ------------------------------------------------------------

  save(v: PyValue): void {
    this.boundary();
    if (v === null) {
      this.w1(Op.NONE);
      return;
    }
    switch (typeof v) {
      case 'boolean':
        this.w1(v ? Op.NEWTRUE : Op.NEWFALSE);
        return;
      case 'bigint':
        this.saveBigInt(v);
        return;
      case 'number':
        this.saveFloat(v);
        return;
      case 'string':
        this.saveStr(v, false);
        return;
      case 'object':
        break;
      default:
        throw new PyTypeError(`cannot pickle '${typeof v}' object`);
    }
    const idx = this.memoLookup(v);
    if (idx !== undefined) {
      this.memoGet(idx);
      return;
    }
    if (v instanceof PyDict) {
      if (v instanceof PyOrderedDict) this.saveOrderedDict(v);
      else this.saveDict(v);
    } else if (Array.isArray(v)) this.saveList(v);
    else if (v instanceof PyObject) this.saveObject(v, v);
    else if (v instanceof PyTuple) this.saveTuple(v.items, v);
    else if (v instanceof Uint8Array) this.saveBytes(v, v);
    else if (v instanceof NdArray) this.saveNdArray(v);
    else if (v instanceof NpScalar) this.saveNpScalar(v);
    else if (v instanceof PyGlobal) this.saveGlobal(v.module, v.name);
    else if (v instanceof PySet) this.saveSet(v);
    else if (v instanceof PyFrozenSet) this.saveFrozenSet(v);
    else if (v instanceof PyByteArray) this.saveByteArray(v);
    else if (v instanceof PyComplex) this.saveComplex(v);
    else if (v instanceof PyUnpicklable) throw new PyTypeError(`cannot pickle '${v.pyTypeName}' object`);
    else if (typeof v[PY_REDUCE] === 'function') {
      const fields = (v as Partial<HasInstanceFields>)[PY_INSTANCE_FIELDS];
      if (fields !== undefined && fields.keys.length < BATCH) this.saveInstanceFields(v as HasInstanceFields, fields);
      else this.saveReducible(v);
    } else throw new PyTypeError(`cannot pickle '${(v as object).constructor?.name ?? 'object'}' object`);
  }

  // -- atoms ---------------------------------------------------------------

  saveSmallInt(n: number): void {
    this.boundary();
    if (n >= 0) {
      if (n <= 0xff) {
        this.w2(Op.BININT1, n);
        return;
      }
      if (n <= 0xffff) {
        if (this.pos + 3 > this.buf.length) this.grow(3);
        const b = this.buf;
        b[this.pos] = Op.BININT2;
        b[this.pos + 1] = n & 0xff;
        b[this.pos + 2] = n >>> 8;
        this.pos += 3;
        return;
      }
    }
    this.w5(Op.BININT, n | 0);
  }

  saveBigInt(v: bigint): void {
    const n = Number(v);
    if (n >= -2147483648 && n <= 2147483647) {
      this.saveSmallInt(n);
      return;
    }
    // Op.LONG1 / Op.LONG4: minimal little-endian two's complement (CPython's sizing rule).
    const neg = v < 0n;
    const mag = neg ? -v : v;
    const hex = mag.toString(16);
    const nbits = (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
    let nbytes = (nbits >> 3) + 1;
    const twos = neg ? (1n << BigInt(nbytes * 8)) + v : v;
    const be = Buffer.from(twos.toString(16).padStart(nbytes * 2, '0'), 'hex');
    be.reverse();
    if (neg && nbytes > 1 && be[nbytes - 1] === 0xff && (be[nbytes - 2] & 0x80) !== 0) nbytes--;
    if (nbytes < 256) this.w2(Op.LONG1, nbytes);
    else this.w5(Op.LONG4, nbytes);
    this.wBytes(nbytes === be.length ? be : be.subarray(0, nbytes));
  }

  saveFloat(v: number): void {
    if (this.pos + 9 > this.buf.length) this.grow(9);
    this.buf[this.pos] = Op.BINFLOAT;
    this.buf.writeDoubleBE(v, this.pos + 1);
    this.pos += 9;
  }

  /**
   * A str. `interned`: the same object every time it occurs (global names,
   * identifiers); otherwise only the CPython singletons ('' and 1-char latin-1)
   * are shared and any other str is a fresh memo entry.
   */
  saveStr(s: string, interned: boolean): void {
    this.boundary();
    const n = s.length;
    const share = this.share;
    if (interned || n === 0 || (n === 1 && s.charCodeAt(0) < 256) || (share !== false && (share === true || share(s)))) {
      const idx = this.valueGet(this.strMemo, s);
      if (idx !== undefined) {
        this.memoGet(idx);
        return;
      }
      this.writeStr(s);
      const i = this.memoSize++;
      this.strMemo.set(s, this.base + i);
      this.memoOp(i);
      return;
    }
    this.writeStr(s);
    if (this.proto >= 4) {
      // memoPut(null), inlined for the commonest case
      this.memoSize++;
      if (this.pos + 1 > this.buf.length) this.grow(1);
      this.buf[this.pos++] = Op.MEMOIZE;
    } else this.memoOp(this.memoSize++);
  }

  writeStr(s: string): void {
    const n = s.length;
    if (this.proto >= 4 && n <= 85) {
      // Op.SHORT_BINUNICODE: at most 255 UTF-8 bytes guaranteed.
      if (this.pos + 2 + n * 3 > this.buf.length) this.grow(2 + n * 3);
      const b = this.buf;
      const start = this.pos + 2;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      let len = n;
      if (i < n) {
        len = b.write(s, start, 'utf8');
        if (LONE_SURROGATE.test(s)) encodeSurrogatePass(s, b, start);
      }
      b[this.pos] = Op.SHORT_BINUNICODE;
      b[this.pos + 1] = len;
      this.pos = start + len;
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    if (this.proto >= 4 && len < 256) this.w2(Op.SHORT_BINUNICODE, len);
    else if (len <= 0xffffffff) {
      const bypass = this.payloadStart(len);
      this.w5(Op.BINUNICODE, len);
      this.writeUtf8(s, len);
      this.payloadEnd(bypass);
      return;
    } else if (this.proto >= 4) {
      const bypass = this.payloadStart(len);
      this.w9(Op.BINUNICODE8, len);
      this.writeUtf8(s, len);
      this.payloadEnd(bypass);
      return;
    } else throw new PicklingError('cannot serialize a string larger than 4GiB');
    this.writeUtf8(s, len);
  }

  writeUtf8(s: string, len: number): void {
    if (this.pos + len > this.buf.length) this.grow(len);
    const start = this.pos;
    this.buf.write(s, start, len, 'utf8');
    if (len !== s.length && LONE_SURROGATE.test(s)) encodeSurrogatePass(s, this.buf, start);
    this.pos = start + len;
  }

  /** bytes; `key` is the object's identity, null for a fresh bytes object. */
  saveBytes(data: Uint8Array, key: MemoKey | null): void {
    this.boundary();
    const n = data.length;
    if (n <= 1) {
      // b'' and 1-byte bytes are singletons.
      // eslint-disable-next-line @typescript-eslint/restrict-plus-operands -- the key text 'y' + the first byte's number is the point
      key = n === 0 ? 'y' : 'y' + data[0];
      if (this.tryGet(key)) return;
    }
    if (this.proto < 3) {
      if (n === 0) {
        this.saveGlobal('builtins', 'bytes');
        this.w1(Op.EMPTY_TUPLE);
      } else {
        this.saveGlobal('_codecs', 'encode');
        this.saveStr(Buffer.from(data.buffer, data.byteOffset, n).toString('latin1'), false);
        this.saveStr('latin1', true);
        this.w1(Op.TUPLE2);
        this.memoPut(null);
      }
      this.w1(Op.REDUCE);
      this.memoPut(key);
      return;
    }
    const bypass = this.payloadStart(n);
    if (n < 256) this.w2(Op.SHORT_BINBYTES, n);
    else if (n <= 0xffffffff) this.w5(Op.BINBYTES, n);
    else if (this.proto >= 4) this.w9(Op.BINBYTES8, n);
    else throw new PicklingError('cannot serialize a bytes object larger than 4 GiB');
    this.wBytes(data);
    this.payloadEnd(bypass);
    this.memoPut(key);
  }

  saveByteArray(v: PyByteArray): void {
    const data = v.data;
    if (this.proto >= 5) {
      this.writeByteArray8(data);
      this.memoPut(v);
      return;
    }
    // bytearray.__reduce_ex__: (bytearray, (bytes(self),)) or (bytearray, ()).
    this.saveGlobal('builtins', 'bytearray');
    if (data.length === 0) this.w1(Op.EMPTY_TUPLE);
    else {
      this.saveFreshBytes(data);
      this.w1(Op.TUPLE1);
      this.memoPut(null);
    }
    this.w1(Op.REDUCE);
    this.memoPut(v);
  }

  writeByteArray8(data: Uint8Array): void {
    const bypass = this.payloadStart(data.length);
    this.w9(Op.BYTEARRAY8, data.length);
    this.wBytes(data);
    this.payloadEnd(bypass);
  }

  /** A bytes object made on the fly that is not a singleton even when short. */
  saveFreshBytes(data: Uint8Array): void {
    if (this.proto < 3) {
      this.boundary();
      this.saveGlobal('_codecs', 'encode');
      this.saveStr(Buffer.from(data.buffer, data.byteOffset, data.length).toString('latin1'), false);
      this.saveStr('latin1', true);
      this.w1(Op.TUPLE2);
      this.memoPut(null);
      this.w1(Op.REDUCE);
      this.memoPut(null);
      return;
    }
    this.boundary();
    const n = data.length;
    const bypass = this.payloadStart(n);
    if (n < 256) this.w2(Op.SHORT_BINBYTES, n);
    else if (n <= 0xffffffff) this.w5(Op.BINBYTES, n);
    else this.w9(Op.BINBYTES8, n);
    this.wBytes(data);
    this.payloadEnd(bypass);
    this.memoPut(null);
  }

  // -- globals -------------------------------------------------------------

  saveGlobal(module: string, name: string): void {
    this.boundary();
    const key = globalKey(module, name);
    if (this.tryGet(key)) return;
    if (this.proto >= 4) {
      this.saveStr(module, true);
      this.saveStr(name, true);
      this.w1(Op.STACK_GLOBAL);
      this.memoPut(key);
      return;
    }
    const dot = name.lastIndexOf('.');
    if (dot >= 0) {
      // A nested qualified name below protocol 4: getattr(parent, last), not memoized.
      this.saveGlobal('builtins', 'getattr');
      this.saveGlobal(module, name.slice(0, dot));
      this.saveStr(name.slice(dot + 1), true);
      this.w1(Op.TUPLE2);
      this.memoPut(null);
      this.w1(Op.REDUCE);
      return;
    }
    let m = module;
    let n = name;
    if (this.proto < 3) {
      const mapped = NAME_3TO2.get(m + '\n' + n);
      if (mapped !== undefined) {
        const i = mapped.indexOf('\n');
        m = mapped.slice(0, i);
        n = mapped.slice(i + 1);
      } else {
        const mm = IMPORT_3TO2.get(m);
        if (mm !== undefined) m = mm;
      }
      // eslint-disable-next-line no-control-regex -- the ASCII range, from NUL, as Python checks it
      if (!/^[\x00-\x7f]*$/.test(m + n)) throw new PicklingError(`can't pickle module identifier '${m}' using pickle protocol ${this.proto}`);
    }
    const text = Buffer.from(`${m}\n${n}\n`, 'utf8');
    this.w1(Op.GLOBAL);
    this.wBytes(text);
    this.memoPut(key);
  }

  // -- containers ----------------------------------------------------------

  /** A tuple; `key` is its identity, null for a tuple made on the fly. */
  saveTuple(items: readonly PyValue[], key: MemoKey | null): void {
    this.boundary();
    const n = items.length;
    if (n === 0) {
      this.w1(Op.EMPTY_TUPLE);
      return;
    }
    if (n <= 3) {
      for (let i = 0; i < n; i++) this.save(items[i]);
      if (key !== null) {
        const idx = this.memoLookup(key);
        if (idx !== undefined) {
          // Recursive tuple: drop what was built, fetch it from the memo.
          for (let i = 0; i < n; i++) this.w1(Op.POP);
          this.memoGet(idx);
          return;
        }
      }
      this.w1(TUPLE_N[n]);
    } else {
      this.w1(Op.MARK);
      for (let i = 0; i < n; i++) this.save(items[i]);
      if (key !== null) {
        const idx = this.memoLookup(key);
        if (idx !== undefined) {
          this.w1(Op.POP_MARK);
          this.memoGet(idx);
          return;
        }
      }
      this.w1(Op.TUPLE);
    }
    this.memoPut(key);
  }

  saveList(v: PyValue[]): void {
    this.w1(Op.EMPTY_LIST);
    this.memoPut(v);
    const n = v.length;
    if (n === 0) return;
    if (n === 1) {
      this.save(v[0]);
      this.w1(Op.APPEND);
      return;
    }
    let i = 0;
    while (i < n) {
      this.w1(Op.MARK);
      const end = Math.min(n, i + BATCH);
      for (; i < end; i++) this.save(v[i]);
      this.w1(Op.APPENDS);
    }
  }

  saveDict(v: PyDict): void {
    this.w1(Op.EMPTY_DICT);
    this.memoPut(v);
    const size = v.size;
    if (size === 0) return;
    if (size === 1) {
      for (const e of v.entries()) {
        this.save(e[0]);
        this.save(e[1]);
      }
      this.w1(Op.SETITEM);
      return;
    }
    // Batches of 1000; like CPython, a size that is a multiple of 1000 ends with an empty batch.
    this.w1(Op.MARK);
    let i = 0;
    for (const e of v.entries()) {
      if (i === BATCH) {
        this.w1(Op.SETITEMS);
        this.w1(Op.MARK);
        i = 0;
      }
      this.save(e[0]);
      this.save(e[1]);
      i++;
    }
    this.w1(Op.SETITEMS);
    if (i === BATCH) {
      this.w1(Op.MARK);
      this.w1(Op.SETITEMS);
    }
  }

  /** Items of a reduce result (an iterator in CPython): a batch of one is Op.APPEND / Op.SETITEM. */
  batchListItems(items: readonly PyValue[]): void {
    const n = items.length;
    for (let i = 0; i < n;) {
      const end = Math.min(n, i + BATCH);
      if (end - i === 1) {
        this.save(items[i++]);
        this.w1(Op.APPEND);
        break;
      }
      this.w1(Op.MARK);
      for (; i < end; i++) this.save(items[i]);
      this.w1(Op.APPENDS);
    }
  }
  batchDictItems(items: Iterable<readonly [PyValue, PyValue]>, n: number): void {
    if (n === 0) return;
    let left = n;
    let inBatch = 0;
    let batchSize = 0;
    for (const e of items) {
      if (inBatch === 0) {
        batchSize = Math.min(left, BATCH);
        if (batchSize > 1) this.w1(Op.MARK);
      }
      this.save(e[0]);
      this.save(e[1]);
      inBatch++;
      left--;
      if (inBatch === batchSize) {
        this.w1(batchSize === 1 ? Op.SETITEM : Op.SETITEMS);
        inBatch = 0;
      }
    }
  }

  saveOrderedDict(v: PyOrderedDict): void {
    // OrderedDict.__reduce__: (OrderedDict, (), None, None, iter(items)).
    this.saveGlobal('collections', 'OrderedDict');
    this.w1(Op.EMPTY_TUPLE);
    this.w1(Op.REDUCE);
    this.memoPut(v);
    this.batchDictItems(v.entries(), v.size);
  }

  /** Below protocol 4 a set or frozenset pickles as its type called with a list: `builtins.set([...])`. */
  private saveSetAsCall(type: 'set' | 'frozenset', v: PySet | PyFrozenSet): void {
    this.saveGlobal('builtins', type);
    this.saveFreshList(v);
    this.w1(Op.TUPLE1);
    this.memoPut(null);
    this.w1(Op.REDUCE);
    this.memoPut(v);
  }

  saveSet(v: PySet): void {
    if (this.proto < 4) {
      this.saveSetAsCall('set', v);
      return;
    }
    this.w1(Op.EMPTY_SET);
    this.memoPut(v);
    if (v.size === 0) return;
    this.w1(Op.MARK);
    let i = 0;
    for (const x of v) {
      if (i === BATCH) {
        this.w1(Op.ADDITEMS);
        this.w1(Op.MARK);
        i = 0;
      }
      this.save(x);
      i++;
    }
    this.w1(Op.ADDITEMS);
    if (i === BATCH) {
      this.w1(Op.MARK);
      this.w1(Op.ADDITEMS);
    }
  }

  saveFrozenSet(v: PyFrozenSet): void {
    if (this.proto < 4) {
      this.saveSetAsCall('frozenset', v);
      return;
    }
    this.w1(Op.MARK);
    for (const x of v) this.save(x);
    const idx = this.memoLookup(v);
    if (idx !== undefined) {
      this.w1(Op.POP_MARK);
      this.memoGet(idx);
      return;
    }
    this.w1(Op.FROZENSET);
    this.memoPut(v);
  }

  /** A list made on the fly (the members of a set below protocol 4). */
  saveFreshList(items: Iterable<PyValue>): void {
    const arr = Array.isArray(items) ? items : [...items];
    this.boundary();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- items is PyValue[] when it is an array; Array.isArray widens it to any[]
    this.saveList(arr);
  }

  saveComplex(v: PyComplex): void {
    this.saveGlobal('builtins', 'complex');
    this.boundary();
    this.saveFloat(v.re);
    this.boundary();
    this.saveFloat(v.im);
    this.w1(Op.TUPLE2);
    this.memoPut(null);
    this.w1(Op.REDUCE);
    this.memoPut(v);
  }

  // -- objects -------------------------------------------------------------

  saveObject(o: PyObject, key: MemoKey): void {
    this.saveGlobal(o.cls.module, o.cls.name);
    if (o.how === 'reduce') {
      this.saveTuple(o.args, null);
      this.w1(Op.REDUCE);
    } else if (o.how === 'newobj') {
      this.saveTuple(o.args, null);
      this.w1(Op.NEWOBJ);
    } else if (this.proto >= 4) {
      this.saveTuple(o.args, null);
      this.save(o.kwargs ?? new PyDict());
      this.w1(Op.NEWOBJ_EX);
    } else if (o.kwargs === undefined || o.kwargs.size === 0) {
      // Below protocol 4 Python falls back to cls.__new__(cls, *args) when there are no kwargs...
      this.saveTuple(o.args, null);
      this.w1(Op.NEWOBJ);
    } else {
      // ...and refuses otherwise.
      throw new PyValueError('must use protocol 4 or greater to copy this object; since __getnewargs_ex__ returned keyword arguments.');
    }
    if (!this.memoBuilt(key)) return;
    if (o.listItems.length > 0) this.batchListItems(o.listItems);
    if (o.dictItems.length > 0) this.batchDictItems(o.dictItems, o.dictItems.length);
    if (o.state !== undefined && o.state !== null) {
      this.save(o.state);
      this.w1(Op.BUILD);
    }
  }

  saveReducible(r: Reducible): void {
    const v = r[PY_REDUCE]();
    if (v instanceof PyObject) {
      // Like CPython's save_reduce: the reduced object itself is what is memoized.
      this.saveObject(v, r);
      return;
    }
    this.save(v);
    if (typeof v === 'object' && v !== null) {
      const idx = this.memoLookup(v);
      if (idx !== undefined) this.memoSet(r, idx);
    }
  }

  /**
   * The bytes of saveReducible for a reduction `PyObject.instance(module,
   * name, PyDict.from(fields))` (saveObject with how 'newobj', no args, then
   * the state dict through save/saveDict), read from the object's own fields.
   * The state dict is fresh in the reduction, so it is memoized as a fresh
   * object; the object itself is the memo key, as in saveReducible.
   */
  saveInstanceFields(r: HasInstanceFields, f: InstanceFields): void {
    this.saveGlobal(f.module, f.name);
    this.boundary();
    this.w1(Op.EMPTY_TUPLE);
    this.w1(Op.NEWOBJ);
    if (!this.memoBuilt(r)) return;
    const keys = f.keys;
    const fields = r as unknown as Record<string, PyValue>;
    this.boundary();
    this.w1(Op.EMPTY_DICT);
    this.memoPut(null);
    const size = keys.length;
    if (size === 1) {
      this.save(keys[0]);
      this.save(fields[keys[0]]);
      this.w1(Op.SETITEM);
    } else if (size > 1) {
      // one batch (the caller sends more than BATCH fields through saveReducible)
      this.w1(Op.MARK);
      for (const k of keys) {
        this.save(k);
        this.save(fields[k]);
      }
      this.w1(Op.SETITEMS);
    }
    this.w1(Op.BUILD);
  }

  // -- numpy ---------------------------------------------------------------

  saveDtype(d: NpDtype): void {
    this.boundary();
    const info = dtypeInfo(d);
    const key: MemoKey = info.sharedKey ?? d;
    if (this.tryGet(key)) return;
    // numpy.dtype.__reduce__: (numpy.dtype, (name, False, True), state)
    this.saveGlobal('numpy', 'dtype');
    this.boundary();
    this.saveStr(info.name, false);
    this.boundary();
    this.w1(Op.NEWFALSE);
    this.boundary();
    this.w1(Op.NEWTRUE);
    this.w1(Op.TUPLE3);
    this.memoPut(null);
    this.w1(Op.REDUCE);
    this.memoPut(key);
    // state: (3, order, None, None, None, elsize, alignment, flags)
    this.boundary();
    this.w1(Op.MARK);
    this.saveSmallInt(3);
    this.saveStr(info.order, false);
    this.boundary();
    this.w1(Op.NONE);
    this.boundary();
    this.w1(Op.NONE);
    this.boundary();
    this.w1(Op.NONE);
    this.saveSmallInt(info.elsize);
    this.saveSmallInt(info.alignment);
    this.saveSmallInt(info.flags);
    this.w1(Op.TUPLE);
    this.memoPut(null);
    this.w1(Op.BUILD);
  }

  saveShape(shape: readonly number[]): void {
    this.boundary();
    const n = shape.length;
    if (n === 0) {
      this.w1(Op.EMPTY_TUPLE);
      return;
    }
    if (n > 3) this.w1(Op.MARK);
    for (let i = 0; i < n; i++) this.saveSmallIntOrBig(shape[i]);
    this.w1(n > 3 ? Op.TUPLE : TUPLE_N[n]);
    this.memoPut(null);
  }
  saveSmallIntOrBig(n: number): void {
    if (n <= 2147483647) this.saveSmallInt(n);
    else {
      this.boundary();
      this.saveBigInt(BigInt(n));
    }
  }

  saveNdArray(a: NdArray): void {
    const fortran = isFortranOnly(a);
    if (this.proto >= 5 && a.dtype.itemsize > 0) {
      // numpy.core.numeric._frombuffer(PickleBuffer(a), dtype, shape, order)
      this.saveGlobal('numpy.core.numeric', '_frombuffer');
      this.boundary();
      this.w1(Op.MARK);
      this.boundary();
      this.writeByteArray8(a.data);
      this.memoPut(null);
      this.saveDtype(a.dtype);
      this.saveShape(a.shape);
      this.saveStr(fortran ? 'F' : 'C', false);
      this.w1(Op.TUPLE);
      this.memoPut(null);
      this.w1(Op.REDUCE);
      this.memoPut(a);
      return;
    }
    // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b') + Op.BUILD state
    this.saveGlobal('numpy.core.multiarray', '_reconstruct');
    this.boundary();
    this.saveGlobal('numpy', 'ndarray');
    this.saveSmallInt(0);
    this.w1(Op.TUPLE1);
    this.memoPut(null);
    this.saveBytes(B_LOWER, null);
    this.w1(Op.TUPLE3);
    this.memoPut(null);
    this.w1(Op.REDUCE);
    this.memoPut(a);
    // state: (1, shape, dtype, is_fortran, raw bytes)
    this.boundary();
    this.w1(Op.MARK);
    this.saveSmallInt(1);
    this.saveShape(a.shape);
    this.saveDtype(a.dtype);
    this.boundary();
    this.w1(fortran ? Op.NEWTRUE : Op.NEWFALSE);
    this.saveBytes(a.data, null);
    this.w1(Op.TUPLE);
    this.memoPut(null);
    this.w1(Op.BUILD);
  }

  saveNpScalar(s: NpScalar): void {
    // numpy.bool_ values are the two singletons numpy.True_ / numpy.False_.
    const key: MemoKey = s.dtype.kind === 'b' ? (s.data[0] ? 'npTrue' : 'npFalse') : s;
    if (key !== s && this.tryGet(key)) return;
    // numpy.core.multiarray.scalar(dtype, raw bytes)
    this.saveGlobal('numpy.core.multiarray', 'scalar');
    this.boundary();
    this.saveDtype(s.dtype);
    this.saveBytes(s.data, null);
    this.w1(Op.TUPLE2);
    this.memoPut(null);
    this.w1(Op.REDUCE);
    this.memoPut(key);
  }
}

const B_LOWER = new Uint8Array([0x62]);

/** Re-encodes `s` at `off` as UTF-8 with lone surrogates as 3 bytes each (Python's 'surrogatepass'). */
function encodeSurrogatePass(s: string, b: Buffer, off: number): void {
  let p = off;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) b[p++] = c;
    else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      b[p++] = 0xf0 | (c >> 18);
      b[p++] = 0x80 | ((c >> 12) & 0x3f);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    }
  }
}

const shared = new Pickler(true);

export interface EncodeOptions {
  /**
   * Strings to treat as one shared Python object per distinct value (a repeat
   * is a Op.BINGET instead of a new copy): `true` for all of them, or a
   * predicate. Default: none beyond CPython's own singletons ('' and 1-char
   * latin-1) and global names. CPython shares a str wherever the program
   * handed the same object twice (e.g. pyrogue's VariableValue: status and
   * severity are both the one 'None' string, valueDisp is the enum's own
   * value string); a caller that knows its reply was built that way can say
   * so here to get the same bytes. Either way the pickle loads to the same value.
   */
  shareStrings?: boolean | ((s: string) => boolean);
}

/**
 * Pickles `value` exactly as CPython 3.11's `pickle.dumps(obj, protocol)` does
 * (protocols 2 to 5). Throws `builtins.TypeError` for a PyUnpicklable
 * ("cannot pickle '_thread.RLock' object"), like Python.
 */
export function encode(value: PyValue, protocol = 4, options?: EncodeOptions): Buffer {
  if (!Number.isInteger(protocol) || protocol < 2 || protocol > 5) throw new PyValueError(`pickle protocol must be 2 to 5 here, not ${protocol}`);
  const p = shared.busy ? new Pickler(false) : shared;
  return p.encode(value, protocol, options?.shareStrings ?? false);
}

/** The protocol to answer a request in: the request's own, clamped to 2..5 (4 when unknown). */
export function replyProtocol(requestProtocol: number | undefined): number {
  if (requestProtocol === undefined || !Number.isFinite(requestProtocol)) return 4;
  return Math.min(5, Math.max(2, Math.trunc(requestProtocol)));
}
