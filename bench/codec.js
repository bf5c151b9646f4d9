'use strict';
/**
 * Codec benchmark: pyrogue-ts's pickle encode/decode (from dist/, built by
 * `npx tsc -p tsconfig.json`) against CPython's C pickle dumps/loads of the
 * equivalent Python objects (bench/codec_baseline.py, measured in the same
 * run with /usr/bin/python3 and time.perf_counter).
 *
 * Workloads:
 *  - reply: VariableValue            one getVariableValue reply (NEWOBJ + BUILD of its __dict__)
 *  - reply: nodes (30 VirtualFactory) an OrderedDict of 30 tree nodes that reduce to VirtualFactory(attrs)
 *  - publish: 10000 VariableValues   one publish batch {path: VariableValue}
 * Prints ops/s for both sides and the ratio TS/Python. No assertions.
 * "encode(shareStrings)" is encode(value, 4, { shareStrings: true }): every
 * distinct str written once, as CPython does for its interned dict keys, so the
 * pickle has the size of Python's.
 *
 *   node bench/run.js codec [SECONDS_PER_CASE]
 */
const path = require('path');
const { spawnSync } = require('child_process');

const DIST = path.join(__dirname, '..', 'dist');
const values = require(path.join(DIST, 'py', 'values'));
const pickle = require(path.join(DIST, 'pickle'));
const { PyDict, PyOrderedDict, PyObject, PyGlobal, PY_REDUCE } = values;

const PYTHON = '/usr/bin/python3';

function variableValue(i) {
  return PyObject.instance(
    'pyrogue._Variable',
    'VariableValue',
    PyDict.from({
      value: BigInt(i),
      valueDisp: String(i),
      disp: '{}',
      enum: null,
      updated: true,
      status: 'None',
      severity: 'None',
    }),
  );
}

const VIRTUAL_FACTORY = new PyGlobal('pyrogue.interfaces._Virtual', 'VirtualFactory');
class Node {
  constructor(attrs) {
    this.attrs = attrs;
  }
  [PY_REDUCE]() {
    return new PyObject(VIRTUAL_FACTORY, [this.attrs], 'reduce');
  }
}

function funcSpec(args) {
  return PyDict.from({ args, kwargs: [] });
}

function nodeAttrs(i) {
  const name = `Var${i}`;
  return PyDict.from({
    name,
    class: 'RemoteVariable',
    bases: ["<class 'pyrogue._Variable.RemoteVariable'>", "<class 'pyrogue._Variable.BaseVariable'>", "<class 'pyrogue._Node.Node'>"],
    description: `Register number ${i} of the demo device`,
    groups: [],
    path: `Root.Demo.${name}`,
    expand: true,
    guiGroup: null,
    nodes: new PyOrderedDict(),
    props: ['alarmSeverity', 'alarmStatus', 'disp', 'enum', 'mode', 'typeStr', 'units', 'value'],
    funcs: PyDict.from({
      get: funcSpec(['read', 'index']),
      set: funcSpec(['value', 'write', 'index']),
      getDisp: funcSpec(['read', 'index']),
    }),
  });
}

function cases() {
  const nodes = new PyOrderedDict();
  for (let i = 0; i < 30; i++) nodes.set(`Var${i}`, new Node(nodeAttrs(i)));
  const batch = new PyDict();
  for (let i = 0; i < 10000; i++) batch.set(`Root.Demo.Var${i}`, variableValue(i));
  return {
    'reply: VariableValue': variableValue(42),
    'reply: nodes (30 VirtualFactory)': nodes,
    'publish: 10000 VariableValues': batch,
  };
}

function rate(fn, seconds) {
  // Warm up, then run growing batches until the time is spent.
  for (let i = 0; i < 50; i++) fn();
  let n = 0;
  let batch = 1;
  const start = process.hrtime.bigint();
  for (;;) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    const el = Number(process.hrtime.bigint() - start) / 1e9;
    if (el >= seconds) return n / el;
    batch = Math.min(batch * 2, 1 << 16);
  }
}

function fmt(x) {
  if (x === undefined) return '-';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
}

function main(argv) {
  const seconds = Number(argv[0] ?? 1);
  const decodeFn = typeof pickle.decode === 'function' ? pickle.decode : undefined;
  if (!decodeFn) console.log('note: dist/pickle has no decode(); benchmarking encode only.');

  const py = spawnSync(PYTHON, [path.join(__dirname, 'codec_baseline.py'), String(seconds)], { encoding: 'utf8' });
  if (py.status !== 0) throw new Error(`codec_baseline.py failed: ${py.stderr}`);
  const base = JSON.parse(py.stdout.trim().split('\n').pop());

  const rows = [];
  for (const [name, value] of Object.entries(cases())) {
    const bytes = pickle.encode(value, 4);
    const enc = rate(() => pickle.encode(value, 4), seconds);
    const dec = decodeFn ? rate(() => decodeFn(bytes, { allowObjects: true }), seconds) : undefined;
    const b = base[name];
    rows.push([name, 'encode vs dumps', enc, b.dumps, bytes.length, b.bytes]);
    // shareStrings: one str object per distinct value, as CPython's interned keys are (same pickle size).
    const shared = pickle.encode(value, 4, { shareStrings: true });
    const encShared = rate(() => pickle.encode(value, 4, { shareStrings: true }), seconds);
    rows.push([name, 'encode(shareStrings) vs dumps', encShared, b.dumps, shared.length, b.bytes]);
    if (dec !== undefined) rows.push([name, 'decode vs loads', dec, b.loads, bytes.length, b.bytes]);
  }

  console.log(`pickle codec benchmark (protocol 4, ${seconds}s per case; node ${process.version}, ${PYTHON} C pickle)`);
  const header = ['workload', 'op', 'TS ops/s', 'Python ops/s', 'TS/Python', 'bytes TS/Py'];
  const table = rows.map(([w, op, ts, pyr, bt, bp]) => [w, op, fmt(ts), fmt(pyr), (ts / pyr).toFixed(2) + 'x', `${bt}/${bp}`]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const r of table) console.log(line(r));
  return rows;
}

module.exports = { main, cases, usage: 'codec [SECONDS_PER_CASE]   (default 1)' };
