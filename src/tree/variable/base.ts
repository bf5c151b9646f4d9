/** pyrogue's BaseVariable: the Python surface every variable shares (the extension points are in ./index.ts). */
import { PyAttributeError, PyError, PyTypeError } from '../../py/errors';
import { pyFormat } from '../../py/format';
import { literalEval } from '../../py/literal';
import { pyRepr, pyStr } from '../../py/repr';
import { pyStrip } from '../../py/numtext';
import { NdArray, NpDtype, PyDict, PyGlobal, PyOrderedDict, PyTuple, PyUnpicklable, PyValue, typeName } from '../../py/values';
import { pickledDtype } from '../model';
import { snapshotOf, type ValueSnapshot } from '../../py/snapshot';
import { TreeBlock, MaybePromise, seq, then } from '../txn';
import { Node } from '../node';
import { func, prop, type ParamSpec, PyMembers } from '../pyclass';
import { isPromiseLike } from '../surface';
import {
  VariableError,
  Mode,
  NONE,
  BaseVariableOptions,
  GetOptions,
  SetOptions,
  VariableListenerFunc,
  toEnumDict,
  nativeTypeOf,
  nativeTypeRepr,
  tupleRepr,
  toIndex,
  truthy,
  numLess,
  ndarrayDisp,
  listToNdArray,
  selectIndices,
  splitListText,
  VariableValue,
} from './common';

/** The keyword-only parameters of pyrogue's `BaseVariable.set`, which `LocalVariable.set` has too. */
export const SET_KWONLY: readonly ParamSpec[] = [
  ['index', -1n],
  ['write', true],
  ['verify', true],
  ['wait', true],
  ['check', true],
];

export class BaseVariable extends Node {
  static override pyModule = 'pyrogue._Variable';
  static override pyName = 'BaseVariable';
  /**
   * pyrogue's `BaseVariable.PROPS`: the attributes `properties()` reports, in
   * this order, after 'value', 'valueDisp' and 'class' (a subclass that has
   * more declares its own list, as RemoteVariable does).
   */
  static PROPS: readonly string[] = [
    'name',
    'path',
    'mode',
    'typeStr',
    'enum',
    'disp',
    'precision',
    'units',
    'minimum',
    'maximum',
    'nativeType',
    'ndType',
    'updateNotify',
    'hasAlarm',
    'lowWarning',
    'highWarning',
    'lowAlarm',
    'highAlarm',
    'alarmStatus',
    'alarmSeverity',
    'pollInterval',
  ];

  protected _mode: Mode;
  protected _units: string | null;
  protected _minimum: PyValue;
  protected _maximum: PyValue;
  protected _lowWarning: PyValue;
  protected _lowAlarm: PyValue;
  protected _highWarning: PyValue;
  protected _highAlarm: PyValue;
  protected _default: PyValue;
  protected _typeStr: string;
  protected _typeCheck: boolean;
  protected _bulkOpEn: boolean;
  protected _updateNotify: boolean;
  protected _pollInterval: bigint | number;
  protected _disp: string;
  protected _enum: PyDict | null;
  protected _revEnum: PyDict | null;
  /** Python type name of the value ('int', 'float', 'ndarray'...) or null until known. */
  protected _nativeType: string | null = null;
  protected _ndType: NpDtype | null = null;
  /** The block holding the value (LocalBlock for local variables; the memory layer's block for remote ones). */
  _block: TreeBlock | null = null;
  // The three lists below are replaced, never mutated, so every variable without any shares NONE.
  /** Variables to update when this one changes (pyrogue `_listeners`). */
  _listeners: readonly BaseVariable[] = NONE;
  private _functions: readonly VariableListenerFunc[] = NONE;
  private _dependencies: readonly BaseVariable[] = NONE;

  constructor(opts: BaseVariableOptions) {
    super(opts);
    this._mode = opts.mode ?? 'RW';
    this._units = opts.units ?? null;
    this._minimum = opts.minimum ?? null;
    this._maximum = opts.maximum ?? null;
    this._lowWarning = opts.lowWarning ?? null;
    this._lowAlarm = opts.lowAlarm ?? null;
    this._highWarning = opts.highWarning ?? null;
    this._highAlarm = opts.highAlarm ?? null;
    this._default = opts.value === undefined ? null : opts.value;
    this._typeStr = opts.typeStr ?? 'Unknown';
    this._typeCheck = opts.typeCheck ?? true;
    this._bulkOpEn = opts.bulkOpEn ?? true;
    this._updateNotify = opts.updateNotify ?? true;
    this._pollInterval = opts.pollInterval ?? 0n;

    const disp = opts.disp ?? '{}';
    let en: PyDict | null = opts.enum ? toEnumDict(opts.enum) : null;
    if (typeof disp !== 'string') en = toEnumDict(disp);
    else if (typeof this._default === 'boolean' && !opts.enum) en = PyDict.from({}).set(false, 'False').set(true, 'True');
    this._enum = en;
    this._disp = en ? 'enum' : (disp as string);
    this._revEnum = null;
    if (en) {
      this._revEnum = new PyDict();
      for (const [k, v] of en) this._revEnum.set(v, k);
    }
    const value = this._default;
    if (value !== null) {
      this._nativeType = nativeTypeOf(value);
      if (en && (this._nativeType === 'ndarray' || this._nativeType === 'list' || this._nativeType === 'dict')) {
        throw new VariableError(`Invalid use of enum with value of type ${nativeTypeRepr(this._nativeType)}`);
      }
      if (value instanceof NdArray) {
        this._ndType = value.dtype;
        this._typeStr = `${value.dtype.name}${tupleRepr(value.shape)}`;
      } else if (this._typeStr === 'Unknown') this._typeStr = typeName(value);
    }
    if (this._mode !== 'RW' && this._mode !== 'RO' && this._mode !== 'WO') {
      throw new VariableError(`Invalid variable mode ${String(this._mode)}. Supported: RW, RO, WO`);
    }
  }

  override get isVariable(): boolean {
    return true;
  }
  /** The Device this variable belongs to (its parent). */
  get parentDevice(): import('../device').Device | null {
    return (this.parent as unknown as import('../device').Device) ?? null;
  }

  protected override get _logKind(): string {
    return 'Variable';
  }

  // --- properties ----------------------------------------------------------
  get mode(): Mode {
    return this._mode;
  }
  get enum(): PyDict | null {
    return this._enum;
  }
  get revEnum(): PyDict | null {
    return this._revEnum;
  }
  get typeStr(): string {
    if (this._typeStr === 'Unknown') {
      const v = this._peek();
      if (v !== undefined && v !== null) {
        if (v instanceof NdArray) this._typeStr = `${v.dtype.name}${tupleRepr(v.shape)}`;
        else this._typeStr = typeName(v);
      }
    }
    return this._typeStr;
  }
  get disp(): string {
    return this._disp;
  }
  get units(): string | null {
    return this._units;
  }
  get minimum(): PyValue {
    return this._minimum;
  }
  get maximum(): PyValue {
    return this._maximum;
  }
  get lowWarning(): PyValue {
    return this._lowWarning;
  }
  get lowAlarm(): PyValue {
    return this._lowAlarm;
  }
  get highWarning(): PyValue {
    return this._highWarning;
  }
  get highAlarm(): PyValue {
    return this._highAlarm;
  }
  get hasAlarm(): boolean {
    return this._lowWarning !== null || this._lowAlarm !== null || this._highWarning !== null || this._highAlarm !== null;
  }
  get updateNotify(): boolean {
    return this._updateNotify;
  }
  get bulkOpEn(): boolean {
    return this._bulkOpEn;
  }
  /** Python type name of the value: 'int', 'float', 'bool', 'str', 'list', 'ndarray'... (null when unknown) */
  get nativeTypeName(): string | null {
    if (this._nativeType === null) {
      const v = this._peek();
      if (v !== undefined && v !== null) {
        this._nativeType = nativeTypeOf(v);
        if (v instanceof NdArray) this._ndType = v.dtype;
      }
    }
    return this._nativeType;
  }
  get ndType(): NpDtype | null {
    return this._ndType;
  }
  get precision(): bigint {
    const nt = this.nativeTypeName;
    if (nt === 'float' || nt === 'ndarray') {
      const m = /:([0-9])\.([0-9]*)f/.exec(this._disp);
      if (m && m[2] !== '') return BigInt(parseInt(m[2], 10));
      return 8n;
    }
    return 0n;
  }
  get pollInterval(): bigint | number {
    return this._pollInterval;
  }
  /** The interval this variable was given (a LinkVariable's `pollInterval` reports its dependencies'). */
  get _ownPollInterval(): bigint | number {
    return this._pollInterval;
  }
  setPollInterval(interval: bigint | number): void {
    this._pollInterval = interval;
    this.root?._updatePollInterval(this);
  }
  get alarmStatus(): MaybePromise<string> {
    return then(this.value(), (v) => this._alarmState(v)[0]);
  }
  get alarmSeverity(): MaybePromise<string> {
    return then(this.value(), (v) => this._alarmState(v)[1]);
  }
  get dependencies(): readonly BaseVariable[] {
    return this._dependencies;
  }

  /** The current value without any read, if it can be had synchronously (used for type inference). */
  protected _peek(): PyValue | undefined {
    try {
      const v = this.value();
      return isPromiseLike(v) ? undefined : v;
    } catch {
      return undefined;
    }
  }

  // --- listeners & dependencies --------------------------------------------
  addDependency(dep: BaseVariable): void {
    if (!this._dependencies.includes(dep)) {
      this._dependencies = [...this._dependencies, dep];
      dep.addListener(this);
    }
  }
  /** A variable (updated with this one, same batch) or a function func(path, VariableValue). */
  addListener(listener: BaseVariable | VariableListenerFunc): void {
    if (listener instanceof BaseVariable) {
      if (!this._listeners.includes(listener)) this._listeners = [...this._listeners, listener];
    } else if (!this._functions.includes(listener)) this._functions = [...this._functions, listener];
  }
  delListener(listener: BaseVariable | VariableListenerFunc): void {
    if (listener instanceof BaseVariable) this._listeners = this._listeners.filter((l) => l !== listener);
    else this._functions = this._functions.filter((f) => f !== listener);
  }

  // --- value access (pyrogue API); subclasses override get/set/post/write ----
  set(value: PyValue, opts: SetOptions = {}): MaybePromise<void> {
    void value;
    void opts;
  }
  post(value: PyValue, opts: { index?: number } = {}): MaybePromise<void> {
    void value;
    void opts;
  }
  get(opts: GetOptions = {}): MaybePromise<PyValue> {
    void opts;
    return null;
  }
  write(opts: { verify?: boolean; check?: boolean; wait?: boolean } = {}): MaybePromise<void> {
    void opts;
  }
  /** The current value without reading hardware (pyrogue `value(index=-1)`). */
  value(index = -1): MaybePromise<PyValue> {
    return this.get({ read: false, index });
  }
  getVariableValue(read = true, index = -1): MaybePromise<VariableValue> {
    return then(this.get({ read, index }), (v) => this._makeVariableValue(v));
  }
  protected _makeVariableValue(v: PyValue): VariableValue {
    const [status, severity] = this._alarmState(v);
    const disp = this.disp;
    const en = this.enum;
    const c = this._lastValue;
    if (c !== null && en === null && c.vv.disp === disp && c.snapshot.matches(v)) {
      // Unchanged since the last update: the same VariableValue when it is the very same value
      // (the same object, its contents as they were), else at least the same display string.
      if (Object.is(c.vv.value, v) && c.vv.status === status && c.vv.severity === severity) return c.vv;
      const vv = new VariableValue(v, c.vv.valueDisp, disp, en, status, severity);
      this._lastValue = { snapshot: c.snapshot, vv };
      return vv;
    }
    const vv = new VariableValue(v, this.genDisp(v), disp, en, status, severity);
    // Only plain values with a format string: an enum's dict may change in place.
    const snapshot = en === null && disp !== 'enum' ? snapshotOf(v) : null;
    this._lastValue = snapshot === null ? null : { snapshot, vv };
    return vv;
  }
  /**
   * The last VariableValue made, with a snapshot of its value: an update of
   * an unchanged value (a RemoteVariable read again, an array polled) skips
   * the formatting (a Python repr per element for a float array) and, when
   * it is the very same value, returns the same VariableValue object, which
   * lets the server reuse that update's encoded frame.
   */
  private _lastValue: { snapshot: ValueSnapshot; vv: VariableValue } | null = null;
  genDisp(value: PyValue, useDisp: string | null = null): string {
    const d = useDisp ?? this.disp;
    try {
      if (d === '') return '';
      if (value instanceof NdArray) return ndarrayDisp(value, (x) => pyFormat(d, x));
      if (d === 'enum') {
        const e = this.enum;
        const r = e?.get(value); // an unhashable value raises Python's TypeError
        if (r !== undefined) return r as string;
        this._log.warning(`Invalid enum value ${pyStr(value)} in variable '${this.path}'`);
        return `INVALID: ${pyStr(value)}`;
      }
      return pyFormat(d, value);
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error generating disp for value ${pyRepr(value)} with type ${typeReprOf(value)} in variable ${this.path}`);
      throw e;
    }
  }
  getDisp(read = true, index = -1): MaybePromise<string> {
    return then(this.get({ read, index }), (v) => this.genDisp(v));
  }
  valueDisp(index = -1): MaybePromise<string> {
    return this.getDisp(false, index);
  }
  /**
   * pyrogue's `properties()`: an OrderedDict of 'value' (`value()`),
   * 'valueDisp' (`valueDisp()`), 'class' (the Python class name), then
   * `getattr(self, p)` of each name of the class's PROPS, in order. Like
   * pyrogue, any attribute that fails makes the whole call fail.
   */
  properties(): MaybePromise<PyOrderedDict> {
    const d = new PyOrderedDict();
    const props = (this.constructor as typeof BaseVariable).PROPS;
    const members = this.pyClass.members;
    const steps: (() => MaybePromise<unknown>)[] = [
      () => then(this.value(), (v) => void d.set('value', v)),
      () => then(this.valueDisp(), (v) => void d.set('valueDisp', v)),
      () => void d.set('class', this.pyClass.name),
    ];
    for (const p of props) {
      steps.push(() => {
        const m = members.get(p);
        // (the alarm state of a value had asynchronously: awaited here, where the property alone cannot wait)
        if (m === BaseVariable.pyMembers.alarmStatus) return then(this.alarmStatus, (v) => void d.set(p, v));
        if (m === BaseVariable.pyMembers.alarmSeverity) return then(this.alarmSeverity, (v) => void d.set(p, v));
        const a = this.pyGetAttr(p);
        if (typeof a === 'object' && a !== null && (a as { kind?: unknown }).kind === 'callable') throw new PyTypeError("cannot pickle 'method' object");
        d.set(p, a as PyValue);
        return undefined;
      });
    }
    return then(seq(steps), () => d);
  }
  /** Display string → value (enum name lookup, str as is, numpy via literal, else ast.literal_eval). */
  parseDisp(sValue: PyValue): PyValue {
    if (typeof sValue !== 'string') return sValue;
    try {
      return this._parseDispValue(sValue);
    } catch (e) {
      const msg = `Invalid value ${sValue} for variable ${this.name} with type ${nativeTypeRepr(this.nativeTypeName)}: ${excStr(e)}`;
      this._log.error(msg);
      throw new VariableError(msg);
    }
  }
  protected _parseDispValue(sValue: string): PyValue {
    const nt = this.nativeTypeName;
    if (nt === 'ndarray') return listToNdArray(this._ndType ?? NpDtype.float64, literalEval(sValue));
    if (this.disp === 'enum') {
      const r = this.revEnum?.get(sValue);
      if (r === undefined) throw new PyError('builtins', 'KeyError', pyRepr(sValue));
      return r;
    }
    if (nt === 'str') return sValue;
    return literalEval(sValue);
  }
  setDisp(sValue: PyValue, write = true, index = -1): MaybePromise<void> {
    let value = this.parseDisp(sValue);
    if (index >= 0 && value instanceof NdArray && value.ndim === 0) value = value.item(0);
    // the parsed value is Python-typed: set as a Python caller would (no TS conveniences)
    return this._pySet(value, { write, index });
  }

  _alarmState(value: PyValue): [string, string] {
    if (Array.isArray(value) || value instanceof PyDict || value instanceof NdArray) return ['None', 'None'];
    if (!this.hasAlarm) return ['None', 'None'];
    if (this._lowAlarm !== null && numLess(value, this._lowAlarm)) return ['AlarmLoLo', 'AlarmMajor'];
    if (this._highAlarm !== null && numLess(this._highAlarm, value)) return ['AlarmHiHi', 'AlarmMajor'];
    if (this._lowWarning !== null && numLess(value, this._lowWarning)) return ['AlarmLow', 'AlarmMinor'];
    if (this._highWarning !== null && numLess(this._highWarning, value)) return ['AlarmHigh', 'AlarmMinor'];
    return ['Good', 'Good'];
  }

  // --- update plumbing -------------------------------------------------------
  /** Queues this variable for the current update batch (pyrogue `_queueUpdate`). */
  _queueUpdate(): void {
    this.root?._queueUpdate(this);
  }
  /** Builds the VariableValue and calls this variable's function listeners (pyrogue `_doUpdate`). */
  _doUpdate(): MaybePromise<VariableValue> {
    return then(this.getVariableValue(false), (val) => {
      for (const f of this._functions) {
        try {
          f(this.path, val);
        } catch (e) {
          this._log.exception(e);
        }
      }
      return val;
    });
  }
  /** Called by Root.start(): sets the default (no write) like pyrogue's `_finishInit`. Override and call super. */
  _finishInit(): void {
    // eslint-disable-next-line @typescript-eslint/no-unused-expressions -- reads the getter for its check (pyrogue's _finishInit does the same)
    this.nativeTypeName;
  }

  /** pyrogue BaseVariable._getDict: this variable's value (not read), when its mode and groups pass. */
  override _getDict(modes: readonly string[], incGroups: string[] | null, excGroups: string[] | null): MaybePromise<VariableValue | null> {
    if (!modes.includes(this.mode) || !this.filterByGroup(incGroups, excGroups)) return null;
    return this.getVariableValue(false);
  }
  /**
   * pyrogue BaseVariable._setDict: applies one YAML config entry through setDisp. `keys` are the
   * array keys of an entry named `Var[k]` (one key: '*', ':', an index or a slice, on list and
   * ndarray variables); a dict value sets the indices it names; other values are one setDisp.
   */
  _setDict(d: PyValue, writeEach: boolean, modes: readonly string[], keys: readonly string[] | null = null): MaybePromise<void> {
    const skip = (): void => this._log.warning(`Skipping set for Entry ${this.name} with mode ${this._mode}. Enabled Modes=${pyRepr([...modes])}.`);
    if (keys !== null) {
      const nt = this.nativeTypeName;
      if (keys.length !== 1 || (nt !== 'list' && nt !== 'ndarray')) {
        this._log.error(`Entry ${this.name} with key ${pyRepr([...keys])} not found`);
        return;
      }
      if (!modes.includes(this._mode)) return skip();
      const key = keys[0];
      const n = this._numValues();
      if (key === '*' || key === ':') return seq(Array.from({ length: n }, (_, i) => () => this.setDisp(d, writeEach, i)));
      const sel = selectIndices(n, key);
      if (!key.includes(':')) return this.setDisp(d, writeEach, Array.isArray(sel) ? sel[0] : sel);
      const idx = Array.isArray(sel) ? sel : [sel];
      let values: PyValue[];
      if (typeof d === 'string') values = splitListText(d);
      else if (Array.isArray(d)) values = [...d];
      else if (d instanceof PyTuple) values = [...d.items];
      else values = [d];
      if (values.length === 1 && idx.length > 1) values = idx.map(() => values[0]);
      const fs: (() => MaybePromise<void>)[] = [];
      for (let k = 0; k < Math.min(values.length, idx.length); k++) {
        const val = values[k];
        fs.push(() => this.setDisp(typeof val === 'string' ? pyStrip(val) : val, writeEach, idx[k]));
      }
      return seq(fs);
    }
    if (!modes.includes(this._mode)) return skip();
    if (d instanceof PyDict)
      return seq(
        [...d].map(
          ([k, v]) =>
            () =>
              this.setDisp(v, writeEach, toIndex(k)),
        ),
      );
    return this.setDisp(d, writeEach);
  }

  /** Number of values of an array variable (rogue's C++ `_numValues`; Python variables have none). */
  _numValues(): number {
    // pyrogue's Node.__getattr__ text: '<class ...> - path has no attribute name'
    throw new PyAttributeError(`${this.pyClass.str} - ${this.path} has no attribute _numValues`);
  }

  // --- Python surface --------------------------------------------------------
  static override pyMembers: PyMembers = {
    enum: prop((s: BaseVariable) => s.enum),
    revEnum: prop((s: BaseVariable) => s.revEnum),
    typeStr: prop((s: BaseVariable) => s.typeStr),
    disp: prop((s: BaseVariable) => s.disp),
    precision: prop((s: BaseVariable) => s.precision),
    mode: prop((s: BaseVariable) => s.mode),
    units: prop((s: BaseVariable) => s.units),
    minimum: prop((s: BaseVariable) => s.minimum),
    maximum: prop((s: BaseVariable) => s.maximum),
    hasAlarm: prop((s: BaseVariable) => s.hasAlarm),
    lowWarning: prop((s: BaseVariable) => s.lowWarning),
    lowAlarm: prop((s: BaseVariable) => s.lowAlarm),
    highWarning: prop((s: BaseVariable) => s.highWarning),
    highAlarm: prop((s: BaseVariable) => s.highAlarm),
    alarmStatus: prop((s: BaseVariable) => syncOrThrow(s.alarmStatus)),
    alarmSeverity: prop((s: BaseVariable) => syncOrThrow(s.alarmSeverity)),
    pollInterval: prop((s: BaseVariable) => s.pollInterval),
    lock: prop((s: BaseVariable) =>
      s._block ? new PyUnpicklable('_thread.RLock', `<unlocked _thread.RLock object owner=0 count=0 at 0x7f0000000000>`) : null,
    ),
    updateNotify: prop((s: BaseVariable) => s.updateNotify),
    nativeType: prop((s: BaseVariable) => {
      const n = s.nativeTypeName;
      return n === null ? null : n === 'ndarray' ? new PyGlobal('numpy', 'ndarray') : new PyGlobal('builtins', n);
    }, false),
    ndType: prop((s: BaseVariable) => {
      void s.nativeTypeName; // (a value's type, and so its dtype, is found on first use)
      const dt = s.ndType;
      return dt === null ? null : pickledDtype(dt);
    }, false),
    dependencies: prop((s: BaseVariable) => [...s.dependencies], false),
    properties: func('BaseVariable.properties', [], [], (s: BaseVariable) => s.properties(), false),
    setPollInterval: func('BaseVariable.setPollInterval', ['interval'], [], (s: BaseVariable, a) => {
      s.setPollInterval(a.get('interval') as number | bigint);
      return null;
    }),
    set: func('BaseVariable.set', ['value'], [...SET_KWONLY], (s: BaseVariable, a) =>
      voidOf(
        s._pySet(a.get('value')!, {
          index: toIndex(a.get('index')),
          write: truthy(a.get('write'), true),
          verify: truthy(a.get('verify'), true),
          check: truthy(a.get('check'), true),
          wait: truthy(a.get('wait'), true),
        }),
      ),
    ),
    post: func('BaseVariable.post', ['value'], [['index', -1n]], (s: BaseVariable, a) => voidOf(s.post(a.get('value')!, { index: toIndex(a.get('index')) }))),
    get: func(
      'BaseVariable.get',
      [],
      [
        ['index', -1n],
        ['read', true],
        ['wait', true],
        ['check', true],
      ],
      (s: BaseVariable, a) =>
        s.get({ index: toIndex(a.get('index')), read: truthy(a.get('read'), true), check: truthy(a.get('check'), true), wait: truthy(a.get('wait'), true) }),
    ),
    write: func(
      'BaseVariable.write',
      [],
      [
        ['verify', true],
        ['wait', true],
        ['check', true],
      ],
      (s: BaseVariable, a) =>
        voidOf(s.write({ verify: truthy(a.get('verify'), true), check: truthy(a.get('check'), true), wait: truthy(a.get('wait'), true) })),
    ),
    getVariableValue: func(
      'BaseVariable.getVariableValue',
      [
        ['read', true],
        ['index', -1n],
      ],
      [],
      (s: BaseVariable, a) => s.getVariableValue(truthy(a.get('read'), true), toIndex(a.get('index'))),
    ),
    value: func('BaseVariable.value', [['index', -1n]], [], (s: BaseVariable, a) => s.value(toIndex(a.get('index')))),
    genDisp: func('BaseVariable.genDisp', ['value'], [['useDisp', null]], (s: BaseVariable, a) =>
      s.genDisp(a.get('value')!, (a.get('useDisp') as string | null) ?? null),
    ),
    getDisp: func(
      'BaseVariable.getDisp',
      [
        ['read', true],
        ['index', -1n],
      ],
      [],
      (s: BaseVariable, a) => s.getDisp(truthy(a.get('read'), true), toIndex(a.get('index'))),
    ),
    valueDisp: func('BaseVariable.valueDisp', [['index', -1n]], [], (s: BaseVariable, a) => s.valueDisp(toIndex(a.get('index')))),
    parseDisp: func('BaseVariable.parseDisp', ['sValue'], [], (s: BaseVariable, a) => s.parseDisp(a.get('sValue')!)),
    setDisp: func('BaseVariable.setDisp', ['sValue', ['write', true], ['index', -1n]], [], (s: BaseVariable, a) =>
      voidOf(s.setDisp(a.get('sValue')!, truthy(a.get('write'), true), toIndex(a.get('index')))),
    ),
    addListener: func(
      'BaseVariable.addListener',
      ['listener'],
      [],
      () => {
        throw new PyTypeError('addListener is not available remotely');
      },
      false,
    ),
  };

  /** set() as Python calls it (no TS conveniences). Subclasses normally override `set` only. */
  _pySet(value: PyValue, opts: SetOptions): MaybePromise<void> {
    return this.set(value, opts);
  }
}

export function voidOf(x: MaybePromise<unknown>): MaybePromise<PyValue> {
  return then(x, () => null);
}
export function syncOrThrow<T extends PyValue>(x: MaybePromise<T>): T {
  if (isPromiseLike(x)) throw new PyTypeError('value not available synchronously');
  return x;
}
export function typeReprOf(v: PyValue): string {
  if (v instanceof NdArray) return "<class 'numpy.ndarray'>";
  return `<class '${typeName(v)}'>`;
}
/** str(e) of a Python exception. */
export function excStr(e: unknown): string {
  if (e instanceof PyError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
