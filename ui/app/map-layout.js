/**
 * Layered layout of a call graph: callers left, callees right. A node's layer is its
 * longest call path from an entry node (one nobody calls), so every edge of an acyclic
 * graph points right; cycles are cut where the walk meets a node already on its path.
 * Within a layer, nodes follow the mean position of their callers (one barycentre pass),
 * which removes most crossings of service topologies. Pure: no DOM.
 */
export const NODE_W = 170;
export const NODE_H = 50;
export const GAP_X = 190;
const GAP_Y = 40;
const PAD = 20;

export function layoutMap(nodes, edges) {
  const names = [...new Set([...nodes.map((n) => n.name), ...edges.flatMap((e) => [e.caller, e.callee])])].sort();
  const out = new Map(names.map((n) => [n, []]));
  const indegree = new Map(names.map((n) => [n, 0]));
  for (const e of edges) {
    if (e.caller === e.callee) continue;
    out.get(e.caller).push(e.callee);
    indegree.set(e.callee, indegree.get(e.callee) + 1);
  }
  const layer = new Map();
  const onPath = new Set();
  const visit = (name, depth) => {
    if ((layer.get(name) ?? -1) >= depth || onPath.has(name)) return;
    layer.set(name, depth);
    onPath.add(name);
    for (const next of out.get(name)) visit(next, depth + 1);
    onPath.delete(name);
  };
  const entries = names.filter((n) => indegree.get(n) === 0);
  for (const n of entries) visit(n, 0);
  for (const n of names) if (!layer.has(n)) visit(n, 0); // a pure cycle: start anywhere

  const layers = [];
  for (const n of names) (layers[layer.get(n)] ??= []).push(n);
  const row = new Map();
  layers.forEach((members, i) => {
    if (i > 0) {
      const callersOf = (n) => edges.filter((e) => e.callee === n && row.has(e.caller)).map((e) => row.get(e.caller));
      const key = new Map(members.map((n) => {
        const rows = callersOf(n);
        return [n, rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Infinity];
      }));
      members.sort((a, b) => key.get(a) - key.get(b) || a.localeCompare(b));
    }
    members.forEach((n, j) => row.set(n, j));
  });

  const tallest = Math.max(1, ...layers.map((m) => m?.length ?? 0));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * GAP_Y;
  const positions = new Map();
  layers.forEach((members, i) => {
    const columnHeight = members.length * NODE_H + (members.length - 1) * GAP_Y;
    const top = (height - columnHeight) / 2; // columns centred vertically
    members.forEach((n, j) => positions.set(n, { x: PAD + i * (NODE_W + GAP_X), y: top + j * (NODE_H + GAP_Y), layer: i }));
  });
  const width = PAD * 2 + layers.length * NODE_W + Math.max(0, layers.length - 1) * GAP_X;
  return { positions, width: Math.max(width, NODE_W + 2 * PAD), height };
}
