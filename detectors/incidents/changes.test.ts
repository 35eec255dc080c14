import { describe, expect, it } from 'vitest';
import { changeKindOf, toChange } from './changes.js';

describe('change events', () => {
  it('recognises deploys, rollbacks, config and feature-flag changes, and nothing else', () => {
    expect(changeKindOf('dev.cdevents.service.deployed.0.2.0')).toBe('deploy');
    expect(changeKindOf('dev.cdevents.service.upgraded.0.2.0')).toBe('deploy');
    expect(changeKindOf('dev.cdevents.service.rolledback.0.2.0')).toBe('rollback');
    expect(changeKindOf('dev.cdevents.environment.modified.0.2.0')).toBe('config');
    expect(changeKindOf('com.launchdarkly.flag.updated')).toBe('flag');
    expect(changeKindOf('io.argo.config.changed')).toBe('config');
    expect(changeKindOf('dev.cdevents.build.finished.0.2.0')).toBeUndefined();
    expect(changeKindOf('dev.cdevents.testcaserun.finished.0.2.0')).toBeUndefined();
  });

  it('names a change by kind, service and version from the payload', () => {
    const base = { source: '/ci', id: '42', service: 'payments', timeMs: 1 };
    expect(toChange({ ...base, type: 'dev.cdevents.service.deployed.0.2.0', data: '{"version":"2.4.1"}' })).toEqual({ id: '/ci/42', timeMs: 1, service: 'payments', kind: 'deploy', type: 'dev.cdevents.service.deployed.0.2.0', summary: 'deploy payments 2.4.1' });
    expect(toChange({ ...base, type: 'dev.cdevents.service.deployed.0.2.0', data: '{"subject":{"content":{"artifactId":"pkg:oci/payments@sha256-1f2e"}}}' })?.summary).toBe('deploy payments sha256-1f2e');
    expect(toChange({ ...base, type: 'dev.cdevents.service.deployed.0.2.0', data: 'not json' })?.summary).toBe('deploy payments');
    expect(toChange({ ...base, service: '', type: 'dev.cdevents.service.deployed.0.2.0', data: '{}' })).toBeUndefined();
  });
});
