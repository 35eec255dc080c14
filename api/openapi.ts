import type { FastifyInstance } from 'fastify';

/** What a route says about itself for the OpenAPI document. */
export interface RouteDoc {
  tags: string[];
  summary: string;
  description?: string;
  requestContentTypes?: string[];
  /** Status → description. */
  responses: Record<number, string>;
}

export interface OpenApiRegistry {
  document(): Record<string, unknown>;
  /** Every route the server registered, documented or not (HEAD excluded). */
  routes(): Array<{ method: string; url: string; documented: boolean }>;
}

/**
 * Builds the OpenAPI 3.1 document from the routes as they are registered: the
 * querystring/params JSON schemas that fastify validates with, plus each route's
 * `config.openapi`. A route cannot be served without appearing here.
 */
export function collectOpenApi(app: FastifyInstance): OpenApiRegistry {
  const paths: Record<string, Record<string, unknown>> = {};
  const seen: Array<{ method: string; url: string; documented: boolean }> = [];
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const doc = route.config?.openapi as RouteDoc | undefined;
    if (!doc) {
      for (const method of methods) seen.push({ method, url: route.url, documented: false });
      return;
    }
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const schema = (route.schema ?? {}) as { querystring?: JsonSchema; params?: JsonSchema; body?: JsonSchema };
    for (const method of methods) {
      seen.push({ method, url: route.url, documented: true });
      (paths[path] ??= {})[method.toLowerCase()] = {
        tags: doc.tags,
        summary: doc.summary,
        description: doc.description,
        parameters: [...toParameters(schema.params, 'path'), ...toParameters(schema.querystring, 'query')],
        ...(doc.requestContentTypes
          ? { requestBody: { required: true, content: Object.fromEntries(doc.requestContentTypes.map((t) => [t, schema.body ? { schema: schema.body } : {}])) } }
          : {}),
        responses: Object.fromEntries(
          Object.entries(doc.responses).map(([status, description]) => [
            status,
            Number(status) >= 400
              ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }
              : { description },
          ]),
        ),
      };
    }
  });
  return {
    routes: () => seen.slice(),
    document: () => ({
      openapi: '3.1.0',
      info: { title: 'Vigil API', version: '0.1.0', description: 'Ingest (OTLP/HTTP, Prometheus remote write, CloudEvents) and query API of Vigil.' },
      paths,
      components: {
        schemas: {
          Error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string', description: 'Stable error code (see README, Error codes)' }, message: { type: 'string' } },
          },
        },
      },
    }),
  };
}

interface JsonSchema {
  properties?: Record<string, { description?: string } & Record<string, unknown>>;
  required?: string[];
}

function toParameters(schema: JsonSchema | undefined, where: 'query' | 'path') {
  return Object.entries(schema?.properties ?? {}).map(([name, prop]) => ({
    name,
    in: where,
    required: where === 'path' || (schema?.required ?? []).includes(name),
    description: prop.description,
    schema: { ...prop, description: undefined },
  }));
}
