import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{ingest,analytics,detectors,api,ui,chaos,test}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // chDB is one engine per process and data directory; forks keep test files isolated.
    pool: 'forks',
    maxWorkers: 2,
  },
});
