/**
 * Two projects: unit (test/): in-process tests, no sockets, no child processes; interop (interop/):
 * the tests that open sockets or start processes (Python oracles, pyrogue, tsc, make, the CLI).
 * Test helpers live in test/support/ for both.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
/** `import … from 'pyrogue-ts'` in examples/ means this repository's sources (tsconfig.test.json paths too). */
const moduleNameMapper = { '^pyrogue-ts$': '<rootDir>/src/index.ts', '^pyrogue-ts/(client|pickle)$': '<rootDir>/src/$1/index.ts' };
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['**/*.test.ts'],
    },
    {
      displayName: 'interop',
      testEnvironment: 'node',
      roots: ['<rootDir>/interop'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      testMatch: ['**/*.test.ts'],
    },
  ],
};
