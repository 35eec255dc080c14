import { createHmac } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isPublicAddress } from './address-guard.js';

/**
 * The one way Vigil calls a URL a user configured (notification channels today, any
 * webhook-like feature later). It refuses to reach internal addresses (SSRF guard), connects
 * to exactly the address it checked (so a DNS answer cannot change between check and
 * connect), never follows a redirect, and bounds every attempt by a timeout.
 */

export interface EgressPolicy {
  /** Allow loopback, private, link-local … targets (a lab or a private Alertmanager). */
  allowPrivateTargets: boolean;
  /** Host names (or IP literals) exempt from the guard, lower case. */
  allowedHosts: readonly string[];
  /** Per attempt: DNS, connect, request and response together. */
  timeoutMs: number;
  /** Name resolution; defaults to the system resolver (`dns.lookup`, every address). */
  resolve?: (host: string) => Promise<Array<{ address: string; family: number }>>;
}

export interface EgressRequest {
  method: 'POST' | 'PUT' | 'GET';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface EgressResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The first bytes of the answer (for error messages). */
  bodyText: string;
}

/** The guard said no: the target is not allowed, retrying cannot help. */
export class EgressRefusedError extends Error {
  override name = 'EgressRefusedError';
}

const MAX_RESPONSE_BYTES = 64 * 1024;

const systemResolve = (host: string) => dnsLookup(host, { all: true, verbatim: true });

/** Resolves the URL's host and checks every address; returns the one to connect to. */
export async function checkTarget(url: URL, policy: EgressPolicy): Promise<{ address: string; family: 4 | 6 }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new EgressRefusedError(`scheme ${url.protocol} is not allowed (http or https only)`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const exempt = policy.allowPrivateTargets || policy.allowedHosts.includes(host);
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    addresses = await (policy.resolve ?? systemResolve)(host);
    if (addresses.length === 0) throw new Error(`${host} did not resolve`);
  }
  // Every address must pass: a name that resolves to a public and a private address could
  // otherwise be steered to the private one by the connection's own address selection.
  const denied = addresses.find((a) => !isPublicAddress(a.address));
  if (denied && !exempt) {
    throw new EgressRefusedError(`${host} resolves to ${denied.address}, a non-public address (set notify.allowPrivateTargets or list the host in notify.allowedHosts)`);
  }
  const first = addresses[0];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** Sends one request through the guard. Resolves with any HTTP answer (3xx included, never followed). */
export async function egressRequest(req: EgressRequest, policy: EgressPolicy): Promise<EgressResponse> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  const url = new URL(req.url);
  const target = await raceAbort(checkTarget(url, policy), signal);
  // The socket connects to the checked address; Host and TLS SNI still carry the name.
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = req.body === undefined ? undefined : Buffer.from(req.body, 'utf8');
  return new Promise<EgressResponse>((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: req.method,
        headers: { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        lookup,
        signal,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bodyText: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    outgoing.on('error', (err) => reject(signal.aborted ? new Error(`timed out after ${policy.timeoutMs} ms`) : err));
    outgoing.end(body);
  });
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('timed out resolving the target'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com, spec "Signature scheme"):
 * `v1,` + base64 HMAC-SHA256 over `${id}.${timestamp}.${body}`, keyed with the secret's bytes
 * (the base64 after the `whsec_` prefix). The timestamp is Unix seconds.
 */
export function standardWebhookHeaders(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}
