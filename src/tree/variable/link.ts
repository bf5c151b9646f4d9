/** pyrogue's LinkVariable: a value computed from other variables (linkedGet/linkedSet). */
import { PyValue } from '../../py/values';
import { TreeBlock, MaybePromise } from '../txn';
import { Node } from '../node';
import { func, prop, PyMembers } from '../pyclass';
import { isPromiseLike } from '../surface';
import { BaseVariableOptions, GetOptions, SetOptions, toIndex, truthy } from './common';
import { BaseVariable, voidOf } from './base';

// ---------------------------------------------------------------------------
// LinkVariable

export interface LinkedGetArgs {
  dev: Node | null;
  var: LinkVariable;
  read: boolean;
  index: number;
  check: boolean;
}
export interface LinkedSetArgs {
  dev: Node | null;
  var: LinkVariable;
  value: PyValue;
  write: boolean;
  index: number;
  verify: boolean;
  check: boolean;
}
export interface LinkVariableOptions extends Omit<BaseVariableOptions, 'minimum' | 'maximum'> {
  /** Directly linked variable: its get/set are used unless linkedGet/linkedSet are given. */
  variable?: BaseVariable | null;
  dependencies?: BaseVariable[];
  linkedGet?: ((args: LinkedGetArgs) => MaybePromise<PyValue>) | null;
  linkedSet?: ((args: LinkedSetArgs) => MaybePromise<unknown>) | null;
}

/**
 * A variable computed from others.
 *   new LinkVariable({ name: 'IntTimesTwo', mode: 'RO', dependencies: [int],
 *                      linkedGet: ({ read }) => (int.get({ read }) as bigint) * 2n })
 */
export class LinkVariable extends BaseVariable {
  static override pyModule = 'pyrogue._Variable';
  static override pyName = 'LinkVariable';
  private readonly _linkedGet: ((args: LinkedGetArgs) => MaybePromise<PyValue>) | null;
  private readonly _linkedSet: ((args: LinkedSetArgs) => MaybePromise<unknown>) | null;

  constructor(opts: LinkVariableOptions) {
    const o: BaseVariableOptions = { ...opts };
    let lget = opts.linkedGet ?? null;
    let lset = opts.linkedSet ?? null;
    const target = opts.variable ?? null;
    if (target) {
      lget = lget ?? ((a: LinkedGetArgs) => target.get({ read: a.read, index: a.index, check: a.check }));
      lset = lset ?? ((a: LinkedSetArgs) => target.set(a.value, { write: a.write, index: a.index, verify: a.verify, check: a.check }));
      if (!('disp' in opts)) o.disp = target.enum ? target.enum : target.disp;
      if (!('enum' in opts) && target.enum) o.enum = target.enum;
      if (!('units' in opts)) o.units = target.units;
      // pyrogue takes the linked variable's limits too (a LinkVariable cannot be given limits of its own)
      o.minimum = target.minimum;
      o.maximum = target.maximum;
    }
    if (!lset) o.mode = 'RO';
    if (!lget) o.mode = 'WO';
    if (o.typeStr === undefined) o.typeStr = 'Unknown';
    super(o);
    this._linkedGet = lget;
    this._linkedSet = lset;
    if (target) this.addDependency(target);
    for (const d of opts.dependencies ?? []) this.addDependency(d);
  }

  override set(value: PyValue, opts: SetOptions = {}): MaybePromise<void> {
    if (!this._linkedSet) return;
    try {
      const r = this._linkedSet({
        dev: this.parent,
        var: this,
        value,
        write: opts.write ?? true,
        index: opts.index ?? -1,
        verify: opts.verify ?? true,
        check: opts.check ?? true,
      });
      if (isPromiseLike(r))
        return r.then(
          () => undefined,
          (e) => this._setFail(e),
        );
    } catch (e) {
      this._setFail(e);
    }
  }
  private _setFail(e: unknown): never {
    this._log.exception(e);
    this._log.error(`Error setting link variable ${this.path}`);
    throw e;
  }
  override get(opts: GetOptions = {}): MaybePromise<PyValue> {
    if (!this._linkedGet) return null;
    try {
      const r = this._linkedGet({ dev: this.parent, var: this, read: opts.read ?? true, index: opts.index ?? -1, check: opts.check ?? true });
      if (isPromiseLike(r)) return r.then(undefined, (e: unknown) => this._getFail(e));
      return r;
    } catch (e) {
      return this._getFail(e);
    }
  }
  private _getFail(e: unknown): never {
    this._log.exception(e);
    this._log.error(`Error getting link variable ${this.path}`);
    throw e;
  }
  /** pyrogue `_finishInit` → `_setDefault`: a LinkVariable with a value sets it with setDisp (no write): linkedSet runs once at start. */
  override _finishInit(): void {
    if (this._default !== null) {
      const r = this.setDisp(this._default, false);
      if (isPromiseLike(r)) r.then(undefined, () => undefined);
    }
    super._finishInit();
  }
  /** Minimum non-zero poll interval of the dependencies (0 when none). */
  override get pollInterval(): bigint | number {
    const ds = this.dependencies.map((d) => d.pollInterval).filter((p) => Number(p) > 0);
    if (ds.length === 0) return 0n;
    return ds.reduce((a, b) => (Number(b) < Number(a) ? b : a));
  }
  /** Blocks of the dependencies (recursively through LinkVariables). */
  get depBlocks(): TreeBlock[] {
    const out: TreeBlock[] = [];
    for (const d of this.dependencies) {
      if (d instanceof LinkVariable) out.push(...d.depBlocks);
      else if (d._block) out.push(d._block);
    }
    return out;
  }

  static override pyMembers: PyMembers = {
    set: func(
      'LinkVariable.set',
      ['value'],
      [
        ['write', true],
        ['index', -1n],
        ['verify', true],
        ['wait', true],
        ['check', true],
      ],
      (s: LinkVariable, a) =>
        voidOf(
          s.set(a.get('value')!, {
            write: truthy(a.get('write'), true),
            index: toIndex(a.get('index')),
            verify: truthy(a.get('verify'), true),
            check: truthy(a.get('check'), true),
          }),
        ),
    ),
    get: func(
      'LinkVariable.get',
      [
        ['read', true],
        ['index', -1n],
        ['check', true],
      ],
      [['wait', true]],
      (s: LinkVariable, a) => s.get({ read: truthy(a.get('read'), true), index: toIndex(a.get('index')), check: truthy(a.get('check'), true) }),
    ),
    pollInterval: prop((s: LinkVariable) => s.pollInterval),
  };
}
