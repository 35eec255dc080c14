/**
 * `capacity.limits`: a map from a metric name, or `<service>/<metric>` for one service, to the
 * limit its forecast is compared with (bytes of a disk, connections of a pool, …).
 */
export type CapacityLimits = Readonly<Record<string, number>>;

export function parseCapacityLimits(value: unknown, context: { key: string }): CapacityLimits {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${context.key}: expected a map of metric (or service/metric) to a number`);
  const out: Record<string, number> = {};
  for (const [name, limit] of Object.entries(value)) {
    if (typeof limit !== 'number' || !Number.isFinite(limit)) throw new Error(`${context.key}.${name}: expected a number, got ${JSON.stringify(limit)}`);
    out[name] = limit;
  }
  return out;
}

export function configuredLimit(limits: CapacityLimits, service: string, metric: string): number | undefined {
  return limits[`${service}/${metric}`] ?? limits[metric];
}
