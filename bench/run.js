'use strict';
/**
 * The benchmarks' one entry (`make bench`). They load dist/: `make build` first.
 *
 *   node bench/run.js                              every benchmark of `make bench`, in order
 *   node bench/run.js NAME[,NAME...] [OPTIONS...]  the named ones, each given OPTIONS
 *   node bench/run.js --list                       the benchmarks and their options
 *   make bench BENCH="wire --only value8 --rounds 5"
 *
 * Each benchmark runs in a process of its own (node options from its entry,
 * e.g. --expose-gc), one after the other; the exit code is the first failing
 * one's. Every benchmark prints ratios to a baseline measured in the same run.
 *
 * A new benchmark is a file bench/NAME.js exporting `main(argv)` (may return
 * a promise) and `usage`, and one line in BENCHES (bench/README.md).
 */
const path = require('path');
const { spawnSync } = require('child_process');

/** name, module, in `make bench` without names, node options, what it measures. */
const BENCHES = [
  ['codec', './codec', true, [], "pickle encode/decode against CPython's C pickle"],
  ['wire', './wire', true, [], 'the server on the wire against a C libzmq echo and a zeromq.js echo'],
  ['membridge', './membridge', true, [], "rogue's memory TCP bridge against a C PUSH/PULL echo"],
  ['web', './web', true, [], 'the browser view against the example tree and a Node VirtualClient'],
  ['daq', './daq', true, [], 'PRBS → StreamWriter to disk against raw fs writes of the same bytes (and rogue when present)'],
  [
    'rudp',
    './rudp',
    true,
    [],
    "the firmware link (UDP + RSSI + packetizer + SRPv3) against raw UDP round trips (and rogue's C++ SrpV3 client and a real pyrogue server when present)",
  ],
  ['snapshot', './snapshot', true, [], "snapshot of a 100,000-node tree and the serving process's peak RSS: served from its snapshot against built in code"],
  ['soak', './soak', false, [], '`make soak`: fuzzed requests, then minutes of load; exits non-zero on a failed check'],
  ['treemem', './treemem', false, ['--expose-gc'], "where a big tree's memory and build time go, in one process"],
];

function list() {
  for (const [name, mod, all, , what] of BENCHES) {
    console.log(`${name.padEnd(10)} ${what}${all ? '' : ' (only when named)'}`);
    console.log(`${''.padEnd(10)} node bench/run.js ${require(mod).usage}`);
  }
}

/** In the benchmark's own process: load it (TypeScript of tools/ included) and run it. */
async function runOne(name, argv) {
  require('../tools/require-ts');
  const entry = BENCHES.find((b) => b[0] === name);
  await require(entry[1]).main(argv);
}

function main(argv) {
  if (argv[0] === '--in-process') {
    runOne(argv[1], argv.slice(2)).then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
    return;
  }
  if (argv[0] === '--list' || argv[0] === '--help' || argv[0] === '-h') {
    require('../tools/require-ts');
    list();
    return;
  }
  const named = argv.length > 0 && !argv[0].startsWith('-');
  const names = named ? argv[0].split(',') : BENCHES.filter((b) => b[2]).map((b) => b[0]);
  const options = named ? argv.slice(1) : argv;
  for (const n of names) if (!BENCHES.some((b) => b[0] === n)) throw new Error(`unknown benchmark ${n} (node bench/run.js --list)`);
  let code = 0;
  for (const name of names) {
    const entry = BENCHES.find((b) => b[0] === name);
    const r = spawnSync(process.execPath, [...entry[3], __filename, '--in-process', name, ...options], { stdio: 'inherit', cwd: path.join(__dirname, '..') });
    const status = r.status ?? 1;
    if (status !== 0 && code === 0) code = status;
  }
  process.exitCode = code;
}

main(process.argv.slice(2));
