/** pyrogue's LocalBlock and LocalVariable: a value held in the tree, with optional localSet/localGet hooks. */
import { pyRepr, pyStr } from '../../py/repr';
import { isInstanceOfNamed, pyGreater, pyLess } from '../../py/compare';
import { NdArray, NpDtype, PyDict, PyValue, pyEquals, typeRepr } from '../../py/values';
import { TreeBlock, TransactionOptions, TransactionType } from '../txn';
import { Node } from '../node';
import { func, PyMembers } from '../pyclass';
import {
  VariableError,
  BaseVariableOptions,
  GetOptions,
  SetOptions,
  nativeTypeRepr,
  toIndex,
  truthy,
  listToNdArray,
  itemGet,
  itemSet,
  VariableValue,
} from './common';
import { BaseVariable, excStr, SET_KWONLY } from './base';

// ---------------------------------------------------------------------------
// LocalBlock & LocalVariable

export interface LocalSetArgs {
  dev: Node | null;
  var: BaseVariable;
  value: PyValue;
  changed: boolean;
}
export interface LocalGetArgs {
  dev: Node | null;
  var: BaseVariable;
}
/** Synchronous hooks (pyrogue localSet/localGet); they receive named arguments in one object. */
export type LocalSetFunc = (args: LocalSetArgs) => void;
export type LocalGetFunc = (args: LocalGetArgs) => PyValue;

/** pyrogue's LocalBlock: holds one local variable's value. */
export class LocalBlock implements TreeBlock {
  /** false while the owning device is disabled (Device._updateBlockEnable): no hooks run, no updates are queued. */
  enable = true;
  constructor(
    readonly variable: BaseVariable,
    private _value: PyValue,
    private readonly localSet: LocalSetFunc | null,
    private readonly localGet: LocalGetFunc | null,
  ) {}
  /** The one variable, as a list (made on demand: no block of a 100,000-variable tree keeps one). */
  get variables(): readonly BaseVariable[] {
    return [this.variable];
  }
  get bulkOpEn(): boolean {
    return this.variable.bulkOpEn;
  }
  get rawValue(): PyValue {
    return this._value;
  }
  /**
   * pyrogue LocalBlock.set, in its order: an indexed set reads the old item (IndexError/TypeError
   * as Python's subscript) and assigns without checks; a whole list/dict is taken as changed; a
   * scalar is range-checked with Python's `<`/`>` (TypeError for unorderable types) before the
   * type check (`typeCheck`, isinstance of the variable's nativeType). Nothing changes on failure.
   */
  set(value: PyValue, index: number): void {
    const v = this.variable;
    let changed: boolean;
    let newValue: PyValue;
    if (index < 0 && (Array.isArray(value) || value instanceof PyDict)) changed = true;
    else if (index >= 0) changed = !pyEquals(itemGet(this._value, index), value);
    // pyrogue computes np.array_equal(old, new) here (true when nothing changed); kept as it is.
    else if (value instanceof NdArray) changed = this._value instanceof NdArray && pyEquals(this._value, value);
    else {
      const min = v.minimum;
      const max = v.maximum;
      if ((min !== null && pyLess(value, min)) || (max !== null && pyGreater(value, max))) {
        throw new VariableError(`Value range error for ${v.name}. Value=${pyStr(value)}, Min=${pyStr(min)}, Max=${pyStr(max)}`);
      }
      changed = !pyEquals(this._value, value);
    }
    if (index >= 0) newValue = itemSet(this._value, index, value);
    else {
      const nt = v.nativeTypeName;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- reads a LocalVariable field through the base type
      if ((v as LocalVariable)._typeCheckEnabled && nt !== null && !isInstanceOfNamed(value, nt)) {
        throw new VariableError(
          `Type mismatch for ${v.path}: expected ${nativeTypeRepr(nt)}, got ${typeRepr(value)}. ` +
            'If this variable intentionally changes Python types, construct it with typeCheck=False.',
        );
      }
      newValue = value;
    }
    this._value = newValue;
    if (this.enable && this.localSet) this.localSet({ dev: v.parent, var: v, value: newValue, changed });
  }
  /** pyrogue LocalBlock.get: localGet (while the block is enabled) refreshes the value, which is returned. */
  get(index: number): PyValue {
    const v = this.variable;
    if (this.enable && this.localGet) this._value = this.localGet({ dev: v.parent, var: v });
    return index >= 0 ? itemGet(this._value, index) : this._value;
  }
  /**
   * pyrogue LocalBlock._startTransaction does nothing: a read, write or verify
   * of a local block (ReadAll, WriteAll, a poll) calls no hook. The value is
   * read (localGet) when someone asks for it: the update that checkTransaction
   * queues does, once.
   */
  startTransaction(type: TransactionType, opts: TransactionOptions): void {
    void type;
    void opts;
  }
  checkTransaction(): void {
    if (this.enable && this.variable.updateNotify) this.variable._queueUpdate();
  }
}

export interface LocalVariableOptions<V extends PyValue = PyValue> extends BaseVariableOptions<V> {
  localSet?: LocalSetFunc | null;
  localGet?: LocalGetFunc | null;
}

/**
 * A variable whose value lives in this process.
 *   new LocalVariable({ name: 'Int', value: 1n, mode: 'RW', description: 'plain int' })
 * `get()`/`set()` are synchronous for LocalVariable.
 * TypeScript convenience (not applied to Python callers): `set(3)` on an int variable stores 3n.
 */
// V only types the constructor's options (enum keys like the value); instances are alike whatever V.
export class LocalVariable<V extends PyValue = PyValue> extends BaseVariable {
  static override pyModule = 'pyrogue._Variable';
  static override pyName = 'LocalVariable';
  declare _block: LocalBlock;

  constructor(opts: LocalVariableOptions<V>) {
    if ((opts.value === undefined || opts.value === null) && !opts.localGet) {
      throw new VariableError(`LocalVariable ${opts.name} without localGet() must specify value= argument in constructor`);
    }
    super(opts);
    this._block = new LocalBlock(this, this._default, opts.localSet ?? null, opts.localGet ?? null);
  }
  get _typeCheckEnabled(): boolean {
    return this._typeCheck;
  }
  /** pyrogue `_finishInit` → `_setDefault`: the default is set again with setDisp (no write), so localSet runs once at start. */
  override _finishInit(): void {
    if (this._default !== null) this.setDisp(this._default, false);
    super._finishInit();
  }

  override set(value: PyValue, opts: SetOptions = {}): void {
    this._localSet(coerceTs(this, value), opts);
  }
  override _pySet(value: PyValue, opts: SetOptions): void {
    this._localSet(value, opts);
  }
  private _localSet(value: PyValue, opts: SetOptions): void {
    const index = opts.index ?? -1;
    try {
      this._block.set(value, index);
      if (opts.write ?? true) this._block.checkTransaction();
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error setting value ${pyRepr(value)} to variable ${this.path} with type ${this.typeStr}. Exception=${excStr(e)}`);
      throw e;
    }
  }
  override post(value: PyValue, opts: { index?: number } = {}): void {
    try {
      this._block.set(value, opts.index ?? -1);
      this._block.checkTransaction();
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error posting value ${pyRepr(value)} to variable ${this.path} with type ${this.typeStr}`);
      throw e;
    }
  }
  override get(opts: GetOptions = {}): PyValue {
    try {
      if ((opts.read ?? true) && (opts.check ?? true)) this._block.checkTransaction();
      return this._block.get(opts.index ?? -1);
    } catch (e) {
      this._log.exception(e);
      this._log.error(`Error reading value from variable ${this.path}`);
      throw e;
    }
  }
  override value(index = -1): PyValue {
    return this.get({ read: false, index });
  }
  override getVariableValue(read = true, index = -1): VariableValue {
    return this._makeVariableValue(this.get({ read, index }));
  }
  override getDisp(read = true, index = -1): string {
    return this.genDisp(this.get({ read, index }));
  }
  override valueDisp(index = -1): string {
    return this.getDisp(false, index);
  }
  override setDisp(sValue: PyValue, write = true, index = -1): void {
    // LocalVariable._pySet is synchronous: super's MaybePromise is never a promise here.
    void super.setDisp(sValue, write, index);
  }
  protected override _peek(): PyValue | undefined {
    if (!this._block) return this._default;
    try {
      return this._block.get(-1);
    } catch {
      return undefined;
    }
  }

  static override pyMembers: PyMembers = {
    set: func('LocalVariable.set', ['value'], [...SET_KWONLY], (s: LocalVariable, a) => {
      s._pySet(a.get('value')!, { index: toIndex(a.get('index')), write: truthy(a.get('write'), true) });
      return null;
    }),
    post: func('LocalVariable.post', ['value'], [['index', -1n]], (s: LocalVariable, a) => {
      s.post(a.get('value')!, { index: toIndex(a.get('index')) });
      return null;
    }),
    get: func(
      'LocalVariable.get',
      [],
      [
        ['index', -1n],
        ['read', true],
        ['wait', true],
        ['check', true],
      ],
      (s: LocalVariable, a) => s.get({ index: toIndex(a.get('index')), read: truthy(a.get('read'), true), check: truthy(a.get('check'), true) }),
    ),
  };
}

/**
 * TS-side conveniences (never applied to Python callers, who get pyrogue's type check): an
 * integral JS number for an int variable becomes a bigint; a JS array for a numpy array
 * variable becomes an array of the variable's dtype.
 */
export function coerceTs(v: BaseVariable, value: PyValue): PyValue {
  if (typeof value === 'number' && Number.isInteger(value) && v.nativeTypeName === 'int') return BigInt(value);
  if (Array.isArray(value) && v.nativeTypeName === 'ndarray') return listToNdArray(v.ndType ?? NpDtype.float64, value);
  return value;
}
