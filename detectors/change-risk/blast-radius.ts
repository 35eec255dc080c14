/**
 * The services a change can hurt or be hurt by: everything the service depends on
 * (callees, transitively) and everything that depends on it (callers, transitively), from
 * observed call edges. The service itself is not in the result.
 */
export function blastRadius(service: string, edges: ReadonlyArray<{ caller: string; callee: string }>): string[] {
  const out = new Set<string>();
  for (const direction of ['down', 'up'] as const) {
    const next = new Map<string, string[]>();
    for (const e of edges) {
      const [from, to] = direction === 'down' ? [e.caller, e.callee] : [e.callee, e.caller];
      (next.get(from) ?? next.set(from, []).get(from)!).push(to);
    }
    const seen = new Set([service]);
    const queue = [service];
    while (queue.length > 0) {
      for (const n of next.get(queue.shift()!) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        queue.push(n);
        out.add(n);
      }
    }
  }
  out.delete(service);
  return [...out].sort();
}
