import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

async function vigil(...argv: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(argv, { stdout, stderr } as unknown as Parameters<typeof main>[1]);
  return { code, out, err };
}

describe('vigil workload run flags', () => {
  it('documents every flag and the fault types in --help', async () => {
    const { code, out } = await vigil('workload', 'run', '--help');
    expect(code).toBe(0);
    for (const flag of ['--target URL', '--rate N', '--duration D', '--warmup D', '--speed X', '--seed N', '--topology FILE', '--fault TYPE:SERVICE@OFFSET[+DURATION]', '--canary']) {
      expect(out).toContain(flag);
    }
    expect(out).toContain('Types: latency, error-burst, dependency-down, bad-deploy, saturation, log-flood, new-error-pattern, level-shift, telemetry-loss.');
  });

  it('refuses bad durations, faults and numbers before sending anything, naming the flag', async () => {
    const cases: Array<[string[], string]> = [
      [['--duration', 'soon'], '--duration: "soon" is not a duration'],
      [['--warmup', '5 minutes'], '--warmup: "5 minutes" is not a duration'],
      [['--fault', 'bogus'], 'expected TYPE:SERVICE@OFFSET[+DURATION]'],
      [['--fault', 'bad-deploy:redis@1m'], 'bad-deploy applies to service, and redis is a cache'],
      [['--fault', 'latency:payments@1m', '--fault', 'telemetry-loss:vigil-canary@1m'], 'the canary stream is off'],
      [['--speed', '0'], '--speed must be positive'],
      [['--rate', 'many'], '--rate takes a number'],
    ];
    for (const [flags, message] of cases) {
      const { code, err } = await vigil('workload', 'run', '--target', 'http://127.0.0.1:9', ...flags);
      expect(code, flags.join(' ')).toBe(2);
      expect(err).toContain(message);
    }
  });
});
