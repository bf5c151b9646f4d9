/**
 * `f(*args)` / `f(**kwargs)` errors name the function as CPython does for a
 * bound method: module of the defining class, then its qualified name.
 */
import { starArgs, starKwargs } from '../src/server/pyops';
import { createReferenceRoot } from '../src/examples/reference';
import { PyCallable } from '../src/tree/surface';
import { PyError } from '../src/py/errors';

test('star-args errors carry the defining module', async () => {
  const root = await createReferenceRoot({ heartbeatMs: 0 });
  const value = root.getNode('Root.Demo.Int')!.pyGetAttr('value') as PyCallable;
  const set = root.getNode('Root.Demo.Int')!.pyGetAttr('set') as PyCallable;
  const msg = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as PyError).wireText;
    }
    return 'no error';
  };
  expect(msg(() => starArgs(value, 5n))).toBe('builtins.TypeError: pyrogue._Variable.BaseVariable.value() argument after * must be an iterable, not int');
  expect(msg(() => starKwargs(set, [1n]))).toBe('builtins.TypeError: pyrogue._Variable.LocalVariable.set() argument after ** must be a mapping, not list');
});
