/** OTLP/JSON metric bodies and deterministic test series. */
export const MINUTE_MS = 60_000;
/** 2026-01-01T00:00:00Z: fixture event times are historical and minute-aligned. */
export const BASE_MS = Date.UTC(2026, 0, 1);

export function gaugeBody(service: string, name: string, attributes: Record<string, string>, points: Array<[timeMs: number, value: number]>): string {
  const attrs = Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name,
                gauge: { dataPoints: points.map(([t, v]) => ({ timeUnixNano: `${BigInt(t) * 1_000_000n}`, asDouble: v, attributes: attrs })) },
              },
            ],
          },
        ],
      },
    ],
  });
}

/** Gaussian noise from a fixed seed (Park–Miller generator, Box–Muller transform). */
export function seededNoise(seed: number): () => number {
  let s = seed;
  const uniform = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export async function postMetrics(baseUrl: string, body: string): Promise<number> {
  const res = await fetch(`${baseUrl}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (res.status !== 200) throw new Error(`POST /v1/metrics: ${res.status} ${await res.text()}`);
  return Date.now();
}
