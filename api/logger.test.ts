import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('logger', () => {
  it('writes JSON lines and never a secret', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info({ config: { 'store.password': 'hunter2', 'store.url': 'http://x' }, req: { headers: { authorization: 'Bearer abc' } } }, 'starting');
    log.info({ password: 'hunter3', token: 'tok' }, 'creds');
    await new Promise((r) => setImmediate(r));
    const text = lines.join('');
    expect(text).not.toMatch(/hunter2|hunter3|Bearer abc|"tok"/);
    const first = JSON.parse(lines[0]);
    expect(first.msg).toBe('starting');
    expect(first.level).toBe('info');
  });
});
