/** ESM mode: @actions/core 3 and node-fetch 3 ship only ES modules. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: ['TS151001'] } }],
  },
  setupFiles: ['<rootDir>/__tests__/helpers/github-env.ts'],
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 30000,
  // The runner-style files (*.action.test.ts) spend their time waiting on spawned steps and the
  // emulator, not on the CPU: more workers than cores finish sooner (README, Development).
  maxWorkers: 4,
  reporters: ['default', '<rootDir>/__tests__/helpers/count-reporter.cjs'],
};
