'use strict';
/**
 * Lets node `require()` the TypeScript files of tools/ from the CommonJS
 * scripts of bench/ and scripts/ (the tests import them through ts-jest):
 * each .ts file is transpiled on load with the project's own `typescript`,
 * types stripped and not checked (`make lint` checks them).
 *
 *   require('../tools/require-ts');
 *   const lib = require('../tools/wire/lib');
 */
const fs = require('fs');
const ts = require('typescript');

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = (module, filename) => {
    const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true },
    });
    module._compile(out.outputText, filename);
  };
}
