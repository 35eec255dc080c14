/**
 * How Kafka suites find their broker: `KAFKA_BROKERS` (comma-separated), set by hand or by
 * the test global setup (test/kafka/global-setup.ts). Without it a suite skips with a hint,
 * except under CI=true, where a missing broker is a failure, never a skip.
 */
import { describe, it } from 'vitest';

export const kafkaSetupHint =
  'Kafka tests need Java 17+ and Maven (Debian: apt-get install openjdk-17-jre-headless maven); ' +
  'the test global setup then starts a broker itself. Or start one by hand: ' +
  'npm run kafka:start -- --port 9092 --data-dir /tmp/vigil-kafka, then run with KAFKA_BROKERS=127.0.0.1:9092.';

export function kafkaBrokers(): string[] | undefined {
  const value = process.env.KAFKA_BROKERS?.trim();
  return value ? value.split(',').map((b) => b.trim()) : undefined;
}

/** `describe` that hands the suite the brokers, or skips (fails under CI) when there are none. */
export function describeWithKafka(name: string, suite: (brokers: string[]) => void): void {
  const brokers = kafkaBrokers();
  if (brokers) {
    describe(name, () => suite(brokers));
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a Kafka broker (KAFKA_BROKERS) under CI', () => {
        throw new Error(`KAFKA_BROKERS is not set under CI=true. ${kafkaSetupHint}`);
      });
    });
  } else {
    describe(name, () => {
      it.skip(`skipped: KAFKA_BROKERS is not set. ${kafkaSetupHint}`, () => undefined);
    });
  }
}
