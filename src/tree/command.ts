/**
 * pyrogue commands: BaseCommand (LocalCommand is the same class, as in pyrogue).
 *
 *   new LocalCommand({ name: 'Multiply', value: 0n, retValue: 0n, function: ({ arg }) => (arg as bigint) * 3n })
 *
 * The function receives one object {root, dev, cmd, arg} (pyrogue passes the
 * subset of those names the function declares); it may be async. The option `arg: true`
 * declares that it takes an argument (default false).
 *
 * EXTENSION POINT (memory layer, RemoteCommand): extend BaseCommand, set
 * `static override pyExtraBases = [RemoteVariable]`, override `_block` handling
 * and `set/get` like RemoteVariable; the function is called through `_doFunc`.
 */
import { PyValue } from '../py/values';
import { MaybePromise, then } from './txn';
import { func, prop, PyMembers } from './pyclass';
import { BaseVariable, BaseVariableOptions, GetOptions, SetOptions, toIndex } from './variable';
import { typeName } from '../py/values';
import type { Node } from './node';
import type { Root } from './root';
import { isPromiseLike } from './surface';

export interface CommandArgs {
  root: Root | null;
  dev: Node | null;
  cmd: BaseCommand;
  arg: PyValue;
}
export type CommandFunction = (args: CommandArgs) => MaybePromise<PyValue | void>;

export interface BaseCommandOptions extends Omit<BaseVariableOptions, 'mode'> {
  function?: CommandFunction | null;
  /**
   * Whether the command takes an argument (pyrogue: the function declares a parameter `arg`).
   * Declared, never guessed: default false. A command with `arg: true` keeps the last argument as
   * its value and publishes it; without, the argument is still parsed and passed but not kept.
   */
  arg?: boolean;
  /** An example return value: sets retTypeStr (its Python type name). */
  retValue?: PyValue;
  /** Overrides retTypeStr directly. */
  retTypeStr?: string | null;
  background?: boolean;
}

export class BaseCommand extends BaseVariable {
  static override pyModule = 'pyrogue._Command';
  static override pyName = 'BaseCommand';
  protected _function: CommandFunction | null;
  protected _arg: boolean;
  protected _retTypeStr: string | null;
  protected _retDisp = '{}';

  /** pyrogue BaseCommand._getDict: commands have no configuration. */
  override _getDict(): null {
    return null;
  }

  constructor(opts: BaseCommandOptions) {
    super({ ...opts, mode: 'WO', value: opts.value === undefined ? 0n : opts.value, bulkOpEn: false });
    this._function = opts.function ?? null;
    this._arg = opts.arg ?? false;
    const rv = opts.retValue;
    if (opts.retTypeStr !== undefined) this._retTypeStr = opts.retTypeStr;
    else if (rv === undefined || rv === null) this._retTypeStr = null;
    else if (Array.isArray(rv)) this._retTypeStr = `${rv.length ? typeName(rv[0]) : 'NoneType'}[]`;
    else this._retTypeStr = typeName(rv);
  }

  override get isCommand(): boolean {
    return true;
  }
  protected override get _logKind(): string {
    return 'Command';
  }
  get arg(): boolean {
    return this._arg;
  }
  get retTypeStr(): string | null {
    return this._retTypeStr;
  }

  // A local command holds no value of its own: get() is its default (the last argument it ran
  // with, when it takes one), and set() does nothing (pyrogue BaseVariable.set).
  override get(opts: GetOptions = {}): MaybePromise<PyValue> {
    void opts;
    return this._default;
  }
  override set(value: PyValue, opts: SetOptions = {}): MaybePromise<void> {
    void value;
    void opts;
  }
  protected override _peek(): PyValue | undefined {
    return this._default;
  }

  /** Runs the command (pyrogue `cmd(arg)` / `cmd.call(arg)`); returns the function's return value. */
  call(arg: PyValue = null): MaybePromise<PyValue> {
    return this._doFunc(arg);
  }
  /** Runs the command and returns the display string of its return value. */
  callDisp(arg: PyValue = null): MaybePromise<string> {
    return then(this._doFunc(arg), (r) => this.genDisp(r, this._retDisp));
  }

  /** Whether a call keeps its argument as the command's value (pyrogue: a local command that takes one). */
  protected get _keepsArg(): boolean {
    return this._arg;
  }

  /** pyrogue BaseCommand._doFunc: the argument (or, without one, the default) is parsed and handed to the function. */
  protected _doFunc(argIn: PyValue): MaybePromise<PyValue> {
    const dev = this.parent;
    const en = dev?.child('enable');
    if (en instanceof BaseVariable) {
      const ev = en.value();
      if (ev !== true) return null;
    }
    const fail = (e: unknown): never => {
      this._log.exception(e);
      throw e;
    };
    try {
      // pyrogue: no argument runs with the default; an argument is parsed like setDisp's.
      const arg = argIn === null ? this._default : this.parseDisp(argIn);
      const f = this._function;
      const done = (r: PyValue | void): PyValue => {
        if (this._keepsArg) {
          this._default = arg;
          this._queueUpdate();
        }
        return r === undefined ? null : r;
      };
      if (!f) return done(null);
      const r = f({ root: this.root, dev: this.parent, cmd: this, arg });
      if (isPromiseLike(r)) return r.then(done, fail);
      return done(r);
    } catch (e) {
      return fail(e);
    }
  }

  static override pyMembers: PyMembers = {
    arg: prop((s: BaseCommand) => s.arg),
    // pyrogue commands have no block of their own: lock is None
    lock: prop(() => null),
    retTypeStr: prop((s: BaseCommand) => s.retTypeStr),
    call: func('BaseCommand.call', [['arg', null]], [], (s: BaseCommand, a) => s.call(a.get('arg') ?? null)),
    callDisp: func('BaseCommand.callDisp', [['arg', null]], [], (s: BaseCommand, a) => s.callDisp(a.get('arg') ?? null)),
    __call__: func('BaseCommand.__call__', [['arg', null]], [], (s: BaseCommand, a) => s.call(a.get('arg') ?? null), false),
    get: func(
      'BaseCommand.get',
      [
        ['read', true],
        ['index', -1n],
      ],
      [],
      (s: BaseCommand, a) => s.get({ index: toIndex(a.get('index')) }),
      false,
    ),
  };
}

/** pyrogue's LocalCommand is BaseCommand (same Python class). */
export const LocalCommand = BaseCommand;
export type LocalCommand = BaseCommand;
