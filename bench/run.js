'use strict';
/** `make bench`: runs the benchmarks in this folder (needs `npx tsc -p tsconfig.json` first: they load dist/). */
const codec = require('./codec');

codec.main(process.argv.slice(2));
