/**
 * Calling builtin types (what pyrogue's ZmqServer does with a callable attribute such as
 * `nativeType`): results and error texts checked against /usr/bin/python3.
 */
import execa from 'execa';
import { builtinTypeCall } from '../src/py/builtins';
import { PyError } from '../src/py/errors';
import { pyRepr } from '../src/py/repr';
import { PyDict, PyGlobal, PyTuple, PyValue } from '../src/py/values';
import { callableOf } from '../src/server/dispatch';
import { PYTHON } from '../test/support/python';

const CASES: [string, PyValue[]][] = [
  ['int', []],
  ['int', ['12']],
  ['int', [' -1_000 ']],
  ['int', [2.9]],
  ['int', [true]],
  ['int', ['x']],
  ['int', ['1.5']],
  ['int', [[1n]]],
  ['int', [null]],
  ['float', []],
  ['float', ['1_0.5']],
  ['float', [' -inf ']],
  ['float', ['nan']],
  ['float', ['1e3']],
  ['float', [3n]],
  ['float', ['q']],
  ['float', [[1n]]],
  ['float', [1n, 2n]],
  ['str', []],
  ['str', [1.5]],
  ['str', [[1n, 'a']]],
  ['str', [null]],
  ['bool', []],
  ['bool', [[]]],
  ['bool', ['x']],
  ['bool', [0.0]],
  ['list', []],
  ['list', ['ab']],
  ['list', [new PyTuple([1n, 2n])]],
  ['list', [5n]],
  ['tuple', []],
  ['tuple', [[1n]]],
  ['bytes', []],
  ['bytes', [3n]],
];

function mine(name: string, args: PyValue[]): string {
  try {
    return pyRepr(builtinTypeCall(new PyGlobal('builtins', name))!(args, new PyDict()));
  } catch (e) {
    if (e instanceof PyError) return `${e.pyName}: ${e.message}`;
    throw e;
  }
}

test('int/float/str/bool/list/tuple/bytes called as CPython calls them', () => {
  const lines = CASES.map(([name, args]) => `${name}(${args.map(pyRepr).join(', ')})`);
  const script = [
    'import sys',
    'for line in sys.stdin.read().splitlines():',
    '    try:',
    '        print(repr(eval(line)))',
    '    except Exception as e:',
    "        print(f'{type(e).__name__}: {e}')",
  ].join('\n');
  const want = execa.sync(PYTHON, ['-c', script], { input: lines.join('\n') + '\n' }).stdout.split('\n');
  const got = CASES.map(([name, args]) => mine(name, args));
  expect(got.map((g, i) => `${lines[i]} -> ${g}`)).toEqual(want.map((w, i) => `${lines[i]} -> ${w}`));
});

test('the dispatcher calls a type as pyrogue does; other globals stay values', async () => {
  const f = callableOf(new PyGlobal('builtins', 'int'))!;
  expect(await f.call([], new PyDict())).toBe(0n);
  expect(callableOf(new PyGlobal('os', 'system'))).toBeNull();
  expect(() => callableOf(new PyGlobal('numpy', 'ndarray'))!.call([], new PyDict())).toThrow("ndarray() missing required argument 'shape' (pos 1)");
});
