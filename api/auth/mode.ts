import { isIP } from 'node:net';
import type { FlatConfig } from '../config/schema.js';
import { VigilError } from '../errors.js';

/** Loopback addresses: the only ones where Vigil runs without tokens by default. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Whether requests need a token. `auto`: on any non-loopback address. `off` on a public
 * interface is refused at start unless `auth.insecureNoAuth` (--insecure-no-auth) says so.
 */
export function authRequired(config: Pick<FlatConfig, 'auth.mode' | 'auth.insecureNoAuth' | 'server.host'>): boolean {
  if (config['auth.insecureNoAuth']) return false;
  const publicBind = !isLoopback(config['server.host']);
  switch (config['auth.mode']) {
    case 'required':
      return true;
    case 'off':
      if (publicBind) {
        throw new VigilError('CONFIG_INVALID', `invalid configuration: auth.mode: off on ${config['server.host']}, a non-loopback address, would serve everyone; use tokens (auth.mode auto or required) or pass --insecure-no-auth`);
      }
      return false;
    default:
      return publicBind;
  }
}

/** A role without a token store (gateway) cannot check tokens: on a public interface it runs only with --insecure-no-auth. */
export function refuseUncheckedPublicBind(config: Pick<FlatConfig, 'auth.mode' | 'auth.insecureNoAuth' | 'server.host' | 'role'>): void {
  if (authRequired(config)) {
    throw new VigilError('CONFIG_INVALID', `invalid configuration: auth.mode: the ${config.role} role does not check tokens; on ${config['server.host']} (not loopback) put it behind a proxy that authenticates and pass --insecure-no-auth`);
  }
}
