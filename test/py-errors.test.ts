/**
 * Python exceptions raised from TypeScript are named classes: a message, a stack
 * or a .d.ts names PyValueError (not an anonymous class), and the wire text stays
 * pyrogue's "builtins.ValueError: …". The duplicate-name error of the tree is one.
 */
import { PyAttributeError, PyError, PyException, PyIndexError, PyKeyError, PyRuntimeError, PyTypeError, PyValueError } from '../src/py/errors';
import { Device, LocalVariable } from '../src/tree';

test.each([
  [PyTypeError, 'PyTypeError', 'builtins.TypeError'],
  [PyValueError, 'PyValueError', 'builtins.ValueError'],
  [PyAttributeError, 'PyAttributeError', 'builtins.AttributeError'],
  [PyKeyError, 'PyKeyError', 'builtins.KeyError'],
  [PyIndexError, 'PyIndexError', 'builtins.IndexError'],
  [PyRuntimeError, 'PyRuntimeError', 'builtins.RuntimeError'],
  [PyException, 'PyException', 'builtins.Exception'],
])('%p is a named PyError class', (cls, jsName, pyType) => {
  const e = new cls('boom');
  expect(cls.name).toBe(jsName);
  expect(e).toBeInstanceOf(PyError);
  expect(e.pyType).toBe(pyType);
  expect(e.wireText).toBe(`${pyType}: boom`);
});

test('the duplicate-name error names its class', () => {
  const d = new Device({ name: 'D' });
  d.add(new LocalVariable({ name: 'X', value: 1n }));
  let err: unknown;
  try {
    d.add(new LocalVariable({ name: 'X', value: 2n }));
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(PyValueError);
  expect((err as Error).constructor.name).toBe('PyValueError');
  expect((err as PyValueError).wireText).toBe('builtins.ValueError: Error adding node with name X to D. Name collision.');
});
