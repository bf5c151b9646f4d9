/** Two projects: fast unit tests (test/) and cross-language tests (interop/). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['**/*.test.ts'],
    },
    {
      displayName: 'interop',
      testEnvironment: 'node',
      roots: ['<rootDir>/interop'],
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['**/*.test.ts'],
    },
  ],
};
