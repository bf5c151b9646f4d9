#!/usr/bin/env node
/*
 * Evidence for docs/decisions/0001-pickle-decoding.md: feeds real pickles
 * written by /usr/bin/python3 to pickleparser 0.2.1 and prints what comes out
 * next to what CPython's pickle.loads gives.   Run: node docs/decisions/0001-pickle-decoding-measure.js
 */
'use strict';
const { execFileSync } = require('child_process');
const { Parser } = require('pickleparser');

const py = (expr, proto) =>
  new Uint8Array(
    execFileSync('/usr/bin/python3', ['-c', `import pickle,sys,collections,numpy\nsys.stdout.buffer.write(pickle.dumps(${expr}, protocol=${proto}))`]),
  );
const show = (v) => {
  if (v === undefined) return 'undefined';
  if (typeof v === 'bigint') return `${v}n (bigint)`;
  if (typeof v === 'number') return `${Object.is(v, -0) ? '-0' : v} (number)`;
  if (v instanceof Uint8Array) return `Uint8Array[${v.length}]`;
  try {
    return (
      JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)).slice(0, 70) +
      (Object.getPrototypeOf(v) && Object.getPrototypeOf(v).__name__
        ? ` <PObject ${Object.getPrototypeOf(v).__module__}.${Object.getPrototypeOf(v).__name__}>`
        : '')
    );
  } catch (e) {
    return String(v);
  }
};
const run = (bytes) => {
  const warn = console.warn;
  const warnings = [];
  console.warn = (...a) => warnings.push(a.join(' '));
  try {
    const t0 = process.hrtime.bigint();
    const v = new Parser().parse(bytes);
    return { out: show(v) + (warnings.length ? ` [console.warn: ${warnings[0].slice(0, 40)}]` : ''), ns: process.hrtime.bigint() - t0, v };
  } catch (e) {
    return { out: `throws ${e.constructor.name}: ${String(e.message).slice(0, 60)}` };
  } finally {
    console.warn = warn;
  }
};

const cases = [
  ['-2**31-1 (LONG1, protocol 2)', '-2**31-1', 2],
  ['-2**40 (LONG1)', '-2**40', 4],
  ['2**63-1 (LONG1, 8 bytes)', '2**63-1', 4],
  ['2**64 (LONG1, 9 bytes)', '2**64', 4],
  ['-2**64 (LONG1, 9 bytes)', '-2**64', 4],
  ['10**30 protocol 0 (LONG text)', '10**30', 0],
  ['int 1 (BININT1)', '1', 4],
  ['float 1.0 (BINFLOAT)', '1.0', 4],
  ['{1: "a", "1": "b"} (int vs str key)', '{1: "a", "1": "b"}', 4],
  ['{(1, 2): "t"} (tuple key)', '{(1, 2): "t"}', 4],
  ['{"__proto__": {"x": 1}}', '{"__proto__": {"x": 1}}', 4],
  ['{1, 2} (set)', '{1, 2}', 4],
  ['bytearray(b"ab") (BYTEARRAY8)', 'bytearray(b"ab")', 5],
  ['(1, 2) vs [1, 2]', '((1, 2), [1, 2])', 4],
  ['OrderedDict(a=1)', 'collections.OrderedDict(a=1)', 4],
  ['numpy.array([1.5])', 'numpy.array([1.5])', 4],
];
const rows = [];
for (const [label, expr, proto] of cases) {
  const b = py(expr, proto);
  const pyOut = execFileSync('/usr/bin/python3', ['-c', 'import pickle,sys;print(repr(pickle.loads(sys.stdin.buffer.read()))[:60])'], { input: b })
    .toString()
    .trim();
  rows.push([label, pyOut, run(b).out]);
}
const hostile = [
  ['empty input', ''],
  ['"this is not a pickle" (err:garbage)', Buffer.from('this is not a pickle').toString('hex')],
  ['truncated frame (err:truncated, first 20 bytes)', '8004953c000000000000007d94288c0470617468'],
  ['BINGET of a missing memo entry', '8004' + '68' + '05' + '2e'],
  ['BINUNICODE declaring 2**31 bytes', '8004' + '58' + '00000080' + '41' + '2e'],
  ['POP on an empty stack', '302e'],
];
for (const [label, hex] of hostile) {
  const b = new Uint8Array(Buffer.from(hex, 'hex'));
  let pyOut;
  try {
    pyOut = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import pickle,sys\ntry: print(repr(pickle.loads(sys.stdin.buffer.read())))\nexcept Exception as e: print(type(e).__name__+": "+str(e))'],
      { input: b },
    )
      .toString()
      .trim();
  } catch (e) {
    pyOut = 'error';
  }
  rows.push([label, pyOut, run(b).out]);
}
console.log('| input | CPython pickle.loads | pickleparser 0.2.1 |');
console.log('| --- | --- | --- |');
// Not given to CPython (it would run the command): pickleparser neither runs nor refuses it.
rows.push([
  "os.system REDUCE (cos\\nsystem\\n(S'true'\\ntR.)",
  '(would execute the command)',
  run(new Uint8Array(Buffer.from("cos\nsystem\n(S'true'\ntR.", 'latin1'))).out,
]);
const golden = require('fs')
  .readFileSync(require('path').join(__dirname, '..', '..', 'golden', 'transcript.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((e) => e.request_pickle)
  .map((e) => new Uint8Array(Buffer.from(e.request_pickle, 'base64')));
let ok = 0;
for (const g of golden) if (!run(g).out.startsWith('throws')) ok++;
rows.push([
  `golden transcript requests (${golden.length})`,
  'all decode but err:garbage and err:truncated (interop/pickle-decode-golden.test.ts)',
  `${ok} return a value, ${golden.length - ok} throw`,
]);
for (const r of rows) console.log(`| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`);
