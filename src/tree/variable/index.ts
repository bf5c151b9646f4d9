/**
 * pyrogue variables, one file per kind: base.ts (BaseVariable), local.ts (LocalVariable, LocalBlock),
 * link.ts (LinkVariable), common.ts (VariableValue, VariableError, options, value helpers).
 *
 * Values are Python values (src/py/values): bigint = int, number = float,
 * NdArray = numpy array... `new LocalVariable({name: 'Int', value: 1n})`.
 *
 * EXTENSION POINTS (memory layer, RemoteVariable):
 *  - `_block: TreeBlock | null` holds the variable's block (LocalVariable creates a LocalBlock;
 *    a RemoteVariable gets its block when its Device builds blocks: `Device._buildBlocks()`).
 *  - Override `get(opts)` / `set(value, opts)` / `post` / `write` the way pyrogue's
 *    RemoteVariable does (`this.parentDevice.readBlocks({variable: this})`, `checkBlocks`...,
 *    then `_get(index)` / `_set(value, index)` on the block). All may return Promises.
 *  - Python surface: declare `static override pyMembers` with the overridden methods
 *    (helpers `func`/`prop` from pyclass.ts; reuse `BaseVariable.pyMembers.x.call` if useful)
 *    and `static override pyModule/pyExtraBases` (RemoteVariable: RIM_VARIABLE).
 *  - `typeStr`, `nativeTypeName`, `precision` are plain fields/getters you may set/override.
 *  - `_parseDispValue(s)` may be overridden (RemoteVariable uses its model's fromString).
 */
export {
  VariableError,
  toEnumDict,
  nativeTypeOf,
  nativeTypeRepr,
  toIndex,
  ndarrayDisp,
  listToNdArray,
  selectIndices,
  splitListText,
  VariableValue,
} from './common';
export type { Mode, EnumInput, BaseVariableOptions, GetOptions, SetOptions, VariableListenerFunc } from './common';
export { BaseVariable, excStr } from './base';
export { LocalBlock, LocalVariable, coerceTs } from './local';
export type { LocalSetArgs, LocalGetArgs, LocalSetFunc, LocalGetFunc, LocalVariableOptions } from './local';
export { LinkVariable } from './link';
export type { LinkedGetArgs, LinkedSetArgs, LinkVariableOptions } from './link';
