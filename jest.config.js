/** Jest runs the TypeScript sources as ES modules through SWC (middy 5+ ships ESM only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  // Three workers on two cores: the end-to-end suites spend much of their time waiting on a service.
  maxWorkers: 3,
  // End-to-end files first on a machine with no timings yet (test/helpers/end-to-end-first.js).
  testSequencer: '<rootDir>/test/helpers/end-to-end-first.js',
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
};
