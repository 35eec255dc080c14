import { metrics, trace, SpanStatusCode, type Attributes } from '@opentelemetry/api';

/**
 * Vigil instruments itself the way a customer would: a span around each pipeline
 * stage and counters of what passed. Both are no-ops unless the embedding process
 * registers an OpenTelemetry SDK.
 */
const tracer = trace.getTracer('vigil.ingest');
const meter = metrics.getMeter('vigil.ingest');

export const ingestCounters = {
  acceptedItems: meter.createCounter('vigil.ingest.items.accepted', { description: 'Records committed to the store' }),
  rejectedRequests: meter.createCounter('vigil.ingest.requests.rejected', { description: 'Requests refused with a 4xx/5xx' }),
};

export async function withStageSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}
