/** Two projects: fast unit tests (test/) and cross-language tests (interop/). */
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
