/**
 * The pickle codec (also the package subpath 'pyrogue-ts/pickle'): Python
 * pickle bytes <-> the Python value model of src/py/values, with no tree and
 * no sockets.
 *
 *   import { decode, encode, PyTuple } from 'pyrogue-ts/pickle';
 *   const v = decode(bytes);                       // globals resolve through an allow-list
 *   const b = encode(new PyTuple([1n, 2.5]), 4);   // protocol 0-5
 */
export * from './decode';
export * from './encode';
export * from '../py/exported';
export type { PyValue, Reducible, HasPyRepr, DtypeKind } from '../py/values';
export { UnpicklingError, PicklingError } from '../py/errors';
