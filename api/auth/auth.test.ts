import { describe, expect, it } from 'vitest';
import { tokenFromHeaders } from './credentials.js';
import { authRequired, isLoopback } from './mode.js';
import { grants, ROLES } from './roles.js';

describe('roles', () => {
  it('admin holds every role; analyst and sre read like viewers; ingest only ingests', () => {
    for (const role of ROLES) expect(grants(['admin'], role)).toBe(true);
    expect(grants(['analyst'], 'viewer')).toBe(true);
    expect(grants(['sre'], 'viewer')).toBe(true);
    expect(grants(['analyst'], 'sre')).toBe(false);
    expect(grants(['sre'], 'analyst')).toBe(false);
    expect(grants(['viewer'], 'ingest')).toBe(false);
    expect(grants(['ingest'], 'viewer')).toBe(false);
    expect(grants(['ingest', 'viewer'], 'viewer')).toBe(true);
    expect(grants([], 'public')).toBe(true);
    expect(grants([], 'viewer')).toBe(false);
  });
});

describe('credentials', () => {
  it('reads Bearer, X-Vigil-Token and the password of Basic', () => {
    expect(tokenFromHeaders({ authorization: 'Bearer vigil_abc' })).toBe('vigil_abc');
    expect(tokenFromHeaders({ authorization: 'bearer   vigil_abc ' })).toBe('vigil_abc');
    expect(tokenFromHeaders({ 'x-vigil-token': 'vigil_xyz' })).toBe('vigil_xyz');
    expect(tokenFromHeaders({ authorization: `Basic ${Buffer.from('grafana:vigil_p:w').toString('base64')}` })).toBe('vigil_p:w');
    expect(tokenFromHeaders({ authorization: `Basic ${Buffer.from('user-only').toString('base64')}` })).toBeUndefined();
    expect(tokenFromHeaders({})).toBeUndefined();
  });
});

describe('auth mode', () => {
  const config = (host: string, mode: 'auto' | 'required' | 'off', insecure = false) => ({ 'server.host': host, 'auth.mode': mode, 'auth.insecureNoAuth': insecure });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'vigil.example.com']) expect(isLoopback(host), host).toBe(false);
  });

  it('auto: tokens off loopback only; required: always; off: refused on a public interface unless insecure', () => {
    expect(authRequired(config('127.0.0.1', 'auto'))).toBe(false);
    expect(authRequired(config('0.0.0.0', 'auto'))).toBe(true);
    expect(authRequired(config('127.0.0.1', 'required'))).toBe(true);
    expect(authRequired(config('127.0.0.1', 'off'))).toBe(false);
    expect(() => authRequired(config('0.0.0.0', 'off'))).toThrow(/--insecure-no-auth/);
    expect(authRequired(config('0.0.0.0', 'off', true))).toBe(false);
    expect(authRequired(config('0.0.0.0', 'required', true))).toBe(false);
  });
});
