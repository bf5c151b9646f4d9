/**
 * The package's public surface is designed, not accumulated: the root exports
 * exactly this list (a change to it is a decision, made here), nothing named
 * `then` (which would make `await import('pyrogue-ts')` treat the module as a
 * promise), and package.json's `exports` map names the root, ./client and
 * ./pickle, each pointing at a built file with its types.
 * (interop/package.test.ts checks the same from a packed, installed tarball.)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as root from '../src';
import * as client from '../src/client';
import * as pickle from '../src/pickle';

const ROOT_NAMES = [
  'ArrayDevice',
  'BOOST_INSTANCE',
  'BaseCommand',
  'BaseVariable',
  'Bool',
  'ClientClosedError',
  'ClientConnectionError',
  'ClientError',
  'ClientProtocolError',
  'ClientTimeoutError',
  'DataReceiver',
  'DataWriter',
  'Device',
  'Double',
  'DoubleBE',
  'EmulatedMemory',
  'Fixed',
  'Float',
  'FloatBE',
  'GeneralError',
  'Int',
  'IntBE',
  'LinkVariable',
  'LocalCommand',
  'LocalVariable',
  'MemoryTcpClient',
  'MemoryTcpServer',
  'Model',
  'NdArray',
  'Node',
  'NpDtype',
  'NpScalar',
  'PY_REDUCE',
  'PY_REPR',
  'Process',
  'PyAttributeError',
  'PyByteArray',
  'PyClassRef',
  'PyComplex',
  'PyDict',
  'PyError',
  'PyException',
  'PyFrozenSet',
  'PyGlobal',
  'PyIndexError',
  'PyKeyError',
  'PyObject',
  'PyOrderedDict',
  'PyRuntimeError',
  'PySet',
  'PyTuple',
  'PyTypeError',
  'PyUnpicklable',
  'PyValueError',
  'RIM_HUB',
  'RIM_MASTER',
  'RIM_SLAVE',
  'RIM_VARIABLE',
  'RemoteCommand',
  'RemoteError',
  'RemoteVariable',
  'RemoteVariableValue',
  'Root',
  'RunControl',
  'SimpleClient',
  'UFixed',
  'UInt',
  'UIntBE',
  'UIntReversed',
  'VariableError',
  'VariableValue',
  'VirtualClient',
  'VirtualNode',
  'ZmqServer',
  'consoleLogger',
  'fileio',
  'func',
  'kw',
  'loadTreeModule',
  'models',
  'prbs',
  'prop',
  'py',
  'pyEquals',
  'pyFloat',
  'pyFormat',
  'pyRepr',
  'pyStr',
  'registerTree',
  'serve',
  'serveUntilSignal',
  'silentLogger',
  'stream',
];

test('the package root exports exactly the public list', () => {
  expect(Object.keys(root).sort()).toEqual(ROOT_NAMES);
  expect('then' in root).toBe(false);
});

test('the subpaths: /client has the clients, /pickle the codec and the value model', () => {
  expect(client.SimpleClient).toBe(root.SimpleClient);
  expect(client.VirtualClient).toBe(root.VirtualClient);
  expect(typeof pickle.encode).toBe('function');
  expect(typeof pickle.decode).toBe('function');
  expect(pickle.PyTuple).toBe(root.PyTuple);
  for (const m of [client, pickle]) expect('then' in m).toBe(false);
});

test("package.json's exports map: root, ./client, ./pickle (types first), and typesVersions for node10 resolution", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  expect(Object.keys(pkg.exports)).toEqual(['.', './client', './pickle', './package.json']);
  const src: Record<string, string> = { '.': 'src/index.ts', './client': 'src/client/index.ts', './pickle': 'src/pickle/index.ts' };
  for (const [sub, file] of Object.entries(src)) {
    expect(Object.keys(pkg.exports[sub])).toEqual(['types', 'default']);
    expect(fs.existsSync(path.join(__dirname, '..', file))).toBe(true);
    expect(pkg.exports[sub].default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')).toBe(file);
  }
  expect(pkg.typesVersions['*']).toEqual({ client: ['dist/client/index.d.ts'], pickle: ['dist/pickle/index.d.ts'] });
  expect(pkg.bin['pyrogue-ts']).toBe('dist/cli.js');
});
