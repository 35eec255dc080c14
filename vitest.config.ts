import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{ingest,analytics,detectors,api,ui,chaos,test}/**/*.test.ts'],
    // A real Kafka broker (KRaft, loopback) for the Kafka suites, unless KAFKA_BROKERS is set
    // or VIGIL_KAFKA_AUTOSTART=0. Without Java/Maven those suites skip, except under CI=true.
    globalSetup: ['test/kafka/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // chDB is one engine per process and data directory; forks keep test files isolated.
    pool: 'forks',
    maxWorkers: 2,
  },
});
