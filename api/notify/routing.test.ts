import { describe, expect, it } from 'vitest';
import { incident } from '../../test/helpers/incident-fixture.js';
import type { RouteRule } from './config.js';
import { routeIncident } from './routing.js';

const route = (r: Partial<RouteRule>): RouteRule => ({ services: [], severities: [], labels: {}, channels: [], continue: false, default: false, ...r });
const all = ['pd', 'chat', 'am'];

describe('routeIncident', () => {
  it('sends everything everywhere without routes', () => {
    expect(routeIncident(incident('a'), [], all)).toEqual(all);
  });

  it('takes the first matching route, and the next ones while a match says continue', () => {
    const routes = [
      route({ services: ['payments'], channels: ['pd'], continue: true }),
      route({ severities: ['critical'], channels: ['chat'] }),
      route({ channels: ['am'] }),
    ];
    expect(routeIncident(incident('a'), routes, all)).toEqual(['pd', 'chat']);
    expect(routeIncident(incident('b', { services: ['mail'], rootService: 'mail', severity: 'info' }), routes, all)).toEqual(['am']);
  });

  it('matches labels (any listed value) and falls back to default routes', () => {
    const routes = [route({ labels: { rootService: ['search', 'mail'], severity: ['warning'] }, channels: ['chat'] }), route({ default: true, channels: ['am'] })];
    expect(routeIncident(incident('a', { rootService: 'mail', severity: 'warning' }), routes, all)).toEqual(['chat']);
    expect(routeIncident(incident('b', { rootService: 'mail', severity: 'critical' }), routes, all)).toEqual(['am']);
    expect(routeIncident(incident('c', { services: ['x', 'checkout'] }), [route({ labels: { service: ['checkout'] }, channels: ['pd'] })], all)).toEqual(['pd']);
    expect(routeIncident(incident('d', { services: ['x'] }), [route({ labels: { service: ['checkout'] }, channels: ['pd'] })], all)).toEqual([]);
  });
});
