import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactedConfig } from '../config/load.js';

function configFile(text: string, name = 'vigil.yaml'): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-notify-config-')), name);
  writeFileSync(file, text);
  return file;
}

const YAML = `
notify:
  publicUrl: https://vigil.example.com
  channels:
    - { name: pd, type: pagerduty, routingKey: "\${PD_KEY}" }
    - { name: ops, type: opsgenie, apiKeyFile: KEYFILE, priorityMap: { warning: P2 } }
    - { name: chat, type: slack, url: "https://hooks.slack.com/services/\${SLACK_PATH}" }
    - { name: am, type: alertmanager, url: "http://alertmanager:9093/" }
    - { name: hook, type: webhook, url: https://hooks.example.com/vigil, secret: "\${HOOK_SECRET}" }
  routes:
    - { services: [payments], severities: [critical], channels: [pd], continue: true }
    - { labels: { rootService: [checkout, cart] }, channels: [chat] }
    - { default: true, channels: [am, hook] }
`;

describe('notify configuration', () => {
  it('reads channels and routes from the file, secrets from the environment and files, and never shows them', () => {
    const keyFile = configFile('genie-key-0123\n', 'opsgenie.key');
    const file = configFile(YAML.replace('KEYFILE', keyFile));
    const env = { PD_KEY: 'pd-routing-key-0123', SLACK_PATH: 'T000/B000/slack-token-0123', HOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
    const config = loadConfig({ file, env });
    const [pd, ops, chat, am, hook] = config['notify.channels'] as any[];
    expect(pd).toMatchObject({ name: 'pd', type: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue' });
    expect(pd.routingKey.reveal()).toBe('pd-routing-key-0123');
    expect(ops.apiKey.reveal()).toBe('genie-key-0123');
    expect(ops.priorityMap).toEqual({ critical: 'P1', error: 'P2', warning: 'P2', info: 'P5' });
    expect(chat.url.reveal()).toBe('https://hooks.slack.com/services/T000/B000/slack-token-0123');
    expect(am.url).toBe('http://alertmanager:9093');
    expect(hook.secret.reveal()).toBe(env.HOOK_SECRET);
    expect(config['notify.routes']).toHaveLength(3);
    expect(config['notify.routes'][0]).toMatchObject({ services: ['payments'], severities: ['critical'], channels: ['pd'], continue: true, default: false });

    const shown = [JSON.stringify(redactedConfig(config)), inspect(config, { depth: 10 }), String(pd.routingKey)].join('\n');
    for (const secret of ['pd-routing-key-0123', 'genie-key-0123', 'slack-token-0123', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']) expect(shown).not.toContain(secret);
    expect(shown).toContain('[redacted]');
  });

  it('takes channels as JSON from the environment', () => {
    const config = loadConfig({ env: { VIGIL_NOTIFY_CHANNELS: '[{"name":"am","type":"alertmanager","url":"http://am:9093"}]', VIGIL_NOTIFY_ALLOW_PRIVATE_TARGETS: 'true' } });
    expect(config['notify.channels']).toEqual([{ name: 'am', type: 'alertmanager', url: 'http://am:9093' }]);
    expect(config['notify.allowPrivateTargets']).toBe(true);
    expect(loadConfig({ env: {} })['notify.channels']).toEqual([]);
  });

  it('names the key at fault', () => {
    const load = (channels: unknown, routes: unknown = [], env = {}) => () => loadConfig({ file: configFile(JSON.stringify({ notify: { channels, routes } }), 'vigil.json'), env });
    expect(load([{ name: 'pd', type: 'pagerduty' }])).toThrow(/notify\.channels\[0\]\.routingKey: required/);
    expect(load([{ name: 'pd', type: 'pagerduty', routing_key: 'x' }])).toThrow(/notify\.channels\[0\]\.routing_key: unknown field/);
    expect(load([{ name: 'x', type: 'teams', url: 'https://x' }])).toThrow(/notify\.channels\[0\]\.type: must be one of pagerduty, opsgenie, slack, alertmanager, webhook/);
    expect(load([{ name: 'a', type: 'alertmanager', url: 'ftp://x' }])).toThrow(/notify\.channels\[0\]\.url: must be http or https/);
    expect(load([{ name: 'a', type: 'alertmanager', url: 'http://x' }, { name: 'a', type: 'alertmanager', url: 'http://y' }])).toThrow(/notify\.channels\[1\]\.name: duplicate/);
    expect(load([{ name: 'h', type: 'webhook', url: 'http://x', secret: '${MISSING}' }])).toThrow(/notify\.channels\[0\]\.secret: environment variable MISSING is not set/);
    expect(load([{ name: 'h', type: 'webhook', url: 'http://x', secret: 'short' }])).toThrow(/notify\.channels\[0\]\.secret: expected whsec_/);
    expect(load([{ name: 'a', type: 'alertmanager', url: 'http://x' }], [{ channels: ['nope'] }])).toThrow(/notify\.routes\[0\]\.channels\[0\]: no channel named nope/);
    expect(load([], [{ severities: ['fatal'], channels: ['a'] }])).toThrow(/notify\.routes\[0\]\.severities: fatal is not one of/);
    expect(() => loadConfig({ env: { VIGIL_NOTIFY_CHANNELS: '[{"secret":"s3cr3t"' } })).toThrow(/notify\.channels \(from VIGIL_NOTIFY_CHANNELS\): not valid JSON/);
    expect(() => loadConfig({ env: { VIGIL_NOTIFY_CHANNELS: '[{"secret":"s3cr3t"' } })).not.toThrow(/s3cr3t/);
  });
});
