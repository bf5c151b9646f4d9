/** rogue's C++ exception as Python sees it (`rogue.GeneralError`): the memory layer's errors. */
import { PyError } from '../py/errors';

/** `rogue.GeneralError`: text "SOURCE: General Error: MESSAGE". */
export class GeneralError extends PyError {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super('rogue', 'GeneralError', `${source}: General Error: ${detail}`);
  }
}
