import { UsageError, type FlagSpec, type FlagValues } from './command.js';

/** Flags of every command that talks to a running Vigil over its API. */
export const SERVER_FLAGS: Record<string, FlagSpec> = {
  vigil: { type: 'string', value: 'URL', description: 'Base URL of the running Vigil (also VIGIL_URL)', default: 'http://127.0.0.1:4318' },
  token: { type: 'string', value: 'TOKEN', description: 'API token, when access control is on (better: the VIGIL_TOKEN environment variable)' },
};

export interface VigilClient {
  url: string;
  request<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  text(path: string): Promise<string>;
  /** A GET whose body the caller reads (bytes, streams); errors as for request. */
  get(path: string): Promise<Response>;
}

/** A small JSON client for the REST API; errors carry the server's `{ code, message }`. */
export function vigilClient(flags: FlagValues): VigilClient {
  const url = String(flags.vigil ?? process.env.VIGIL_URL ?? 'http://127.0.0.1:4318').replace(/\/+$/, '');
  const token = (flags.token as string | undefined) ?? process.env.VIGIL_TOKEN;
  const headers = (json: boolean): Record<string, string> => ({ ...(json ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) });
  const call = async (method: string, path: string, body?: unknown): Promise<Response> => {
    let res: Response;
    try {
      res = await fetch(`${url}${path}`, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new UsageError(`cannot reach Vigil at ${url} (${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message) : (err as Error).message}); start it with \`vigil start\` or pass --vigil URL`);
    }
    if (!res.ok) {
      const text = await res.text();
      let detail = text;
      try {
        const j = JSON.parse(text) as { code?: string; message?: string };
        if (j.code) detail = `${j.code}: ${j.message}`;
      } catch {
        // not JSON: show as is
      }
      throw new UsageError(`${method} ${path}: HTTP ${res.status} ${detail}`);
    }
    return res;
  };
  return {
    url,
    request: async <T>(method: string, path: string, body?: unknown) => (await (await call(method, path, body)).json()) as T,
    text: async (path) => (await call('GET', path)).text(),
    get: (path) => call('GET', path),
  };
}
