import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { UI_APP_DIR, UI_VENDOR_FILES } from '../../ui/index.js';
import { VigilError } from '../errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The app only talks to its own origin. uPlot sizes its elements through the CSSOM,
 * which style-src does not govern, so no 'unsafe-inline' is needed for it; the app's
 * own inline style attributes are avoided for the same reason.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** The static web UI at `/` (hash-routed, so one HTML page) and its assets under `/ui/`. */
export async function uiRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', {
    config: { role: 'public', openapi: { tags: ['ui'], summary: 'The web UI (HTML page; its state lives in the URL fragment)', responses: { 200: 'text/html' } } },
  }, async (_request, reply) => sendFile(reply, join(UI_APP_DIR, 'index.html')));

  app.get<{ Params: { '*': string } }>('/ui/*', {
    config: { role: 'public', openapi: { tags: ['ui'], summary: 'Web UI assets: the app\'s ES modules and CSS, and uPlot under /ui/vendor/', responses: { 200: 'JavaScript, CSS or SVG', 404: 'No such asset' } } },
  }, async (request, reply) => {
    const path = request.params['*'];
    if (path.startsWith('vendor/')) {
      const file = UI_VENDOR_FILES[path.slice('vendor/'.length)];
      if (!file) throw notFound(path);
      return sendFile(reply, file);
    }
    // normalize() folds '..' segments; anything that still escapes the app directory is refused.
    const file = normalize(join(UI_APP_DIR, path));
    if (!file.startsWith(UI_APP_DIR) || file.endsWith(sep) || !CONTENT_TYPES[extname(file)]) throw notFound(path);
    return sendFile(reply, file);
  });
}

async function sendFile(reply: FastifyReply, file: string) {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw notFound(file.slice(UI_APP_DIR.length));
  }
  if (!info.isFile()) throw notFound(file.slice(UI_APP_DIR.length));
  // Revalidated on every load (cheap 304s): a restarted Vigil never serves a stale mix of modules.
  const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  reply.headers({ ...SECURITY_HEADERS, etag, 'cache-control': 'no-cache', 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
  if (reply.request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.send(await readFile(file));
}

function notFound(path: string): VigilError {
  return new VigilError('API_NOT_FOUND', `no UI asset ${path}`);
}
