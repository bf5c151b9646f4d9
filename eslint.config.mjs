// ESLint (flat config): typescript-eslint's strict type-checked rules over the TypeScript
// sources, tests and examples; the recommended JavaScript rules over the CommonJS scripts.
// `make lint` runs it (and `make test` runs `make lint` first).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'tools/wire/build/', 'python-fixtures/', 'golden/'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Messages print numbers, bigints, booleans and null as Python does not need: `${x}` is JS's text on purpose.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // `map.get(k)!` after `map.has(k)`, regex groups that matched: the code states what the compiler cannot see.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `() => void f()` and `(x) => f(x)` returning void are the house style for callbacks.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // `void param;` marks a parameter pyrogue's signature keeps but this body does not use.
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      // `[...s]` splits a string into code points on purpose: Python's str indexes by code point.
      '@typescript-eslint/no-misused-spread': 'off',
      // Python values reach fields typed boolean (a client may set 0 or 'parent'): `x === false` is exact, `!x` is not.
      '@typescript-eslint/no-unnecessary-boolean-literal-compare': 'off',
      // Same cause: values decoded from Python clients, pickles and YAML are checked beyond their static type on purpose.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `String(x)` is the last-resort text after the typed cases (Python's str() of an unexpected object).
      '@typescript-eslint/no-base-to-string': 'off',
      // `catch (e)` is typed `any` by the tsconfig (useUnknownInCatchVariables is strict's default, but callbacks follow the promise's any).
      '@typescript-eslint/use-unknown-in-catch-callback-variable': 'off',
      // Command functions and hooks return a value or nothing, possibly later: `MaybePromise<PyValue | void>` says exactly that.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // `_name` marks an unused parameter or destructured slot kept for pyrogue's signature; a caught error may go unused.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The browser page: DOM types (tsconfig.page.json), no Node.
    files: ['src/web/page/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.page.json', tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser },
    },
  },
  {
    // Tests read decoded replies, golden JSON and pickles whose shape the test itself asserts.
    files: ['test/**/*.ts', 'interop/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // Tests await results the API types as MaybePromise-returning or plain, as a client would.
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The README and docs/guide.md hold these files verbatim (test/readme-example.test.ts, interop/guide.test.ts):
    // they show users awaiting whatever a tree call returns, sync or async.
    files: ['examples/**/*.ts'],
    rules: {
      '@typescript-eslint/await-thenable': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
