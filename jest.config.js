/** ESM mode: @actions/core 3 and node-fetch 3 ship only ES modules. */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: { ignoreCodes: ['TS151001'] } }],
  },
  setupFiles: ['<rootDir>/__tests__/helpers/github-env.ts'],
};

export default {
  // The runner-style files (*.action.test.ts) spend their time waiting on spawned steps and the
  // emulator, not on the CPU: more workers than cores finish sooner (README, Development).
  maxWorkers: 4,
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/__tests__/helpers/count-reporter.cjs'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.action\\.test\\.ts$'],
    },
    {
      ...shared,
      displayName: 'action',
      testMatch: ['<rootDir>/__tests__/**/*.action.test.ts'],
      setupFiles: [...shared.setupFiles, '<rootDir>/__tests__/helpers/intervals.ts'],
    },
  ],
};
