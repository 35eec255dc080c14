import type { AnomalyInput, ChangeEvent, NodeKind } from './model.js';
import { familyOf, isPatternSignal, signalWeight } from './signals.js';
import type { Topology } from './topology.js';
import type { Suspect } from './types.js';

/**
 * Root-cause ranking: a transparent score per anomalous node, then log patterns and
 * changes hung on the nodes they concern.
 *
 * A node's score (0..1) is a weighted sum of four parts, each shown in `evidence`:
 *  - leaf (0.35): no anomalous node below it on the call graph. Errors and latency
 *    propagate upstream (a caller fails because its callee does), so the downstream-most
 *    anomalous node explains the others — only those of them that show errors or latency:
 *    a caller's log flood or memory shift is its own, whatever its callees do;
 *  - explains (0.25): the share of the other anomalous nodes that call it, directly or
 *    through other services;
 *  - onset (0.2): 1 for the earliest anomaly, decaying by half every 2 minutes after it;
 *  - strength (0.2): the strongest anomaly's peak score times how much its kind implicates
 *    the node itself (own span errors 1.0, latency 0.9 … traffic 0.6).
 * A change (deploy, config, flag) on the node before onset adds up to 0.15, more the closer.
 * Uninstrumented peers (databases, caches, queues) become nodes when every caller the
 * service map knows shows span errors or latency on the client spans that reach them, or
 * when two or more of their callers are anomalous and one of them shows it — in both
 * cases only client-span trouble that accounts for the caller's own symptoms counts
 * (see explainsCaller): a fault in a service must not be pinned on the cache it calls.
 */
export const WEIGHTS = { leaf: 0.35, explains: 0.25, onset: 0.2, strength: 0.2, change: 0.15 } as const;
const ONSET_HALF_LIFE_MS = 120_000;
/** Anomalies start on minute boundaries: a change up to a minute "after" onset is in the same minute. */
const ONSET_SLACK_MS = 60_000;
const LATENCY_OR_ERRORS = new Set(['span_errors', 'span_latency']);
/** Calls followed when looking for anomalous callees or callers. */
const MAX_DEPTH = 6;
/**
 * A caller's own span anomaly is explained by its calls to a peer when those moved at least
 * this share as much: half leaves room for the requests that do not call the peer.
 */
const CLIENT_SHARE = 0.5;
/** Strength (peak score × signal weight) by which a caller's other anomaly may exceed its client-span trouble. */
const STRENGTH_TOLERANCE = 0.2;

export interface RankInput {
  anomalies: readonly AnomalyInput[];
  topology: Topology;
  changes: readonly ChangeEvent[];
  changeLookbackMs: number;
}

export interface Ranking {
  suspects: Suspect[];
  /** Affected nodes, most suspect first. */
  services: string[];
  rootService: string;
  /** Changes listed as suspects (ids), for the timeline. */
  changeIds: string[];
}

interface Node {
  name: string;
  kind: NodeKind;
  anomalies: AnomalyInput[];
  onsetMs: number;
  strength: number;
  strongest: AnomalyInput;
  /** For a peer: the callers whose client spans to it are anomalous. */
  via?: string[];
}

export function rankSuspects(input: RankInput): Ranking {
  const nodes = anomalousNodes(input);
  if (nodes.size === 0) return { suspects: [], services: [], rootService: '', changeIds: [] };
  const names = new Set(nodes.keys());
  const firstOnsetMs = Math.min(...[...nodes.values()].map((n) => n.onsetMs));
  const scored = [...nodes.values()].map((node) => {
    // Only errors and latency travel up the call graph: a callee's trouble explains a caller's errors or delays, not its log flood or memory.
    const below = propagated(node) ? reachable(node.name, names, (n) => calleesWithPeers(input.topology, n, nodes)) : new Set<string>();
    const above = new Set([...reachable(node.name, names, (n) => callersWithPeers(input.topology, n, nodes))].filter((n) => propagated(nodes.get(n)!)));
    const leaf = below.size === 0 ? 1 : 0;
    const explains = names.size > 1 ? above.size / (names.size - 1) : 1;
    const onsetLagMs = node.onsetMs - firstOnsetMs;
    const onset = Math.pow(0.5, onsetLagMs / ONSET_HALF_LIFE_MS);
    const change = nearestChange(node.name, node.onsetMs, input);
    const changeBonus = change ? WEIGHTS.change * change.proximity : 0;
    const score = Math.min(1, WEIGHTS.leaf * leaf + WEIGHTS.explains * explains + WEIGHTS.onset * onset + WEIGHTS.strength * node.strength + changeBonus);
    return { node, score, leaf, explains, above, below, onsetLagMs, change };
  });
  scored.sort((a, b) => b.score - a.score || a.node.onsetMs - b.node.onsetMs || a.node.name.localeCompare(b.node.name));

  const suspects: Suspect[] = [];
  const confidenceOf = new Map<string, number>();
  for (const s of scored) {
    const confidence = round2(Math.min(0.99, s.score));
    confidenceOf.set(s.node.name, confidence);
    suspects.push({
      kind: 'service',
      name: s.node.name,
      service: s.node.name,
      rank: 0,
      confidence,
      explanation: explainNode(s, names.size),
      evidence: {
        score: round2(s.score),
        nodeKind: s.node.kind,
        onsetLeadSeconds: Math.round(-s.onsetLagMs / 1000),
        onsetLagSeconds: Math.round(s.onsetLagMs / 1000),
        anomalousCallees: s.below.size,
        anomalousCallers: s.above.size,
        explainsShare: round2(s.explains),
        strongestSignal: s.node.strongest.signal,
        strongestScore: round2(s.node.strongest.peakScore),
        anomalies: s.node.anomalies.length,
        ...(s.node.via ? { via: s.node.via.join(',') } : {}),
        ...(s.change ? { changeLeadSeconds: Math.round((s.node.onsetMs - s.change.change.timeMs) / 1000) } : {}),
      },
      ref: s.node.strongest.id,
    });
  }
  const changeIds = addChangeSuspects(suspects, scored.map((s) => s.node), confidenceOf, input);
  addPatternSuspects(suspects, scored.slice(0, 3).map((s) => s.node), confidenceOf);
  const order = { service: 0, change: 1, pattern: 2 } as const;
  suspects.sort((a, b) => b.confidence - a.confidence || order[a.kind] - order[b.kind]);
  suspects.forEach((s, i) => (s.rank = i + 1));
  return { suspects, services: scored.map((s) => s.node.name), rootService: scored[0].node.name, changeIds };
}

/** Services with anomalies, plus uninstrumented peers every known caller of which shows client-span trouble reaching them. */
function anomalousNodes(input: RankInput): Map<string, Node> {
  const byService = new Map<string, AnomalyInput[]>();
  for (const a of input.anomalies) {
    const list = byService.get(a.service) ?? [];
    list.push(a);
    byService.set(a.service, list);
  }
  const nodes = new Map<string, Node>();
  for (const [name, anomalies] of byService) nodes.set(name, node(name, input.topology.kindOf(name), anomalies));

  const peerEvidence = new Map<string, Map<string, AnomalyInput[]>>();
  for (const [caller, anomalies] of byService) {
    for (const { peer, spanNames } of input.topology.peersOf(caller)) {
      const client = anomalies.filter((a) => LATENCY_OR_ERRORS.has(a.signal) && spanNames.has(a.name));
      if (client.length === 0 || !explainsCaller(client, anomalies)) continue;
      const perCaller = peerEvidence.get(peer) ?? new Map<string, AnomalyInput[]>();
      perCaller.set(caller, client);
      peerEvidence.set(peer, perCaller);
    }
  }
  for (const [peer, perCaller] of peerEvidence) {
    if (nodes.has(peer)) continue;
    const callers = [...input.topology.callersOf(peer)];
    const everyCaller = callers.every((c) => perCaller.has(c));
    // A dependency shared by several failing callers, at least one of them failing on its
    // calls to it, explains them all (the others' client-span anomalies may still be on their way).
    const anomalousCallers = callers.filter((c) => byService.has(c));
    if (!everyCaller && anomalousCallers.length < 2) continue;
    const peerNode = node(peer, input.topology.kindOf(peer), [...perCaller.values()].flat());
    peerNode.via = (everyCaller ? [...perCaller.keys()] : anomalousCallers).sort();
    nodes.set(peer, peerNode);
  }
  return nodes;
}

/**
 * Whether a caller's trouble on its calls to a peer accounts for the rest of its trouble.
 * A failing dependency shows on the caller's client spans to it at least as much as on the
 * caller's own spans (its errors and delays reach the caller's requests, diluted by the
 * requests that do not call it); a fault in the caller itself shows on its own spans far
 * beyond what its client spans carry — a stray latency or error blip on the calls to a
 * cache does not explain a service failing 40% of its requests. So every own span
 * anomaly (errors, latency) needs a client-span anomaly of the same kind that moved at
 * least CLIENT_SHARE as much, and the caller's other anomalies (resources, traffic) must
 * not implicate it more strongly than the client spans do.
 */
function explainsCaller(client: readonly AnomalyInput[], all: readonly AnomalyInput[]): boolean {
  const own = all.filter((a) => !client.includes(a) && !isLogSignal(a.signal));
  const clientStrength = Math.max(...client.map(strengthOf));
  for (const o of own) {
    if (!LATENCY_OR_ERRORS.has(o.signal)) {
      if (strengthOf(o) > clientStrength + STRENGTH_TOLERANCE) return false;
      continue;
    }
    const moved = magnitudeOf(o);
    const sameKind = (c: AnomalyInput) => c.signal === o.signal && (moved === undefined || (magnitudeOf(c) ?? Infinity) >= CLIENT_SHARE * moved);
    // Calls that fail (refused, timing out) also slow the caller's requests down: failing calls may explain latency, if as strong.
    const failingCalls = (c: AnomalyInput) => c.signal === 'span_errors' && o.signal === 'span_latency' && strengthOf(c) >= strengthOf(o);
    if (!client.some((c) => sameKind(c) || failingCalls(c))) return false;
  }
  return true;
}

function strengthOf(a: AnomalyInput): number {
  return a.peakScore * signalWeight(a);
}

/** How far the value moved from what was expected, when the anomaly says. */
function magnitudeOf(a: AnomalyInput): number | undefined {
  return a.expected !== undefined && a.actual !== undefined && Number.isFinite(a.expected) && Number.isFinite(a.actual) ? Math.abs(a.actual - a.expected) : undefined;
}

/** Logs follow the errors they report (a caller logs its dependency's failures): they implicate neither side. */
function isLogSignal(signal: string): boolean {
  return signal === 'log_rate' || isPatternSignal(signal);
}

/** Whether a node shows what a failing callee passes on to its callers: errors (on spans or in error logs) or latency. */
function propagated(n: Node): boolean {
  return n.anomalies.some((a) => LATENCY_OR_ERRORS.has(a.signal) || (a.signal !== 'metric' && familyOf(a) === 'errors') || (a.signal === 'metric' && familyOf(a) === 'latency'));
}

function node(name: string, kind: NodeKind, anomalies: AnomalyInput[]): Node {
  let strongest = anomalies[0];
  let strength = 0;
  for (const a of anomalies) {
    const s = a.peakScore * signalWeight(a);
    if (s > strength) {
      strength = s;
      strongest = a;
    }
  }
  return { name, kind, anomalies, onsetMs: Math.min(...anomalies.map((a) => a.startMs)), strength: Math.min(1, strength), strongest };
}

/** Callees, where a caller's trouble reaching an anomalous peer counts as calling it. */
function calleesWithPeers(topology: Topology, name: string, nodes: Map<string, Node>): Iterable<string> {
  const out = new Set(topology.calleesOf(name));
  for (const n of nodes.values()) if (n.via?.includes(name)) out.add(n.name);
  return out;
}

function callersWithPeers(topology: Topology, name: string, nodes: Map<string, Node>): Iterable<string> {
  return nodes.get(name)?.via ?? topology.callersOf(name);
}

/**
 * Anomalous nodes reachable from `from` in the call's direction, through any nodes (a
 * healthy-looking hop in between still passes errors on), at most MAX_DEPTH calls away.
 */
function reachable(from: string, anomalous: ReadonlySet<string>, next: (n: string) => Iterable<string>): Set<string> {
  const found = new Set<string>();
  const seen = new Set([from]);
  let frontier = [from];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const following: string[] = [];
    for (const node of frontier) {
      for (const n of next(node)) {
        if (seen.has(n)) continue;
        seen.add(n);
        following.push(n);
        if (anomalous.has(n)) found.add(n);
      }
    }
    frontier = following;
  }
  return found;
}

function nearestChange(service: string, onsetMs: number, input: RankInput): { change: ChangeEvent; proximity: number } | undefined {
  let best: { change: ChangeEvent; proximity: number } | undefined;
  for (const change of input.changes) {
    if (change.service !== service) continue;
    const leadMs = onsetMs - change.timeMs;
    if (leadMs < -ONSET_SLACK_MS || leadMs > input.changeLookbackMs) continue;
    const proximity = 1 - Math.max(0, leadMs) / input.changeLookbackMs;
    if (!best || proximity > best.proximity) best = { change, proximity };
  }
  return best;
}

/** Changes on a suspect node or on what it calls, before its onset; confidence follows the node's. */
function addChangeSuspects(suspects: Suspect[], nodes: Node[], confidenceOf: Map<string, number>, input: RankInput): string[] {
  const ids: string[] = [];
  for (const change of input.changes) {
    let best: { node: Node; proximity: number; direct: boolean } | undefined;
    for (const n of nodes) {
      const direct = change.service === n.name;
      if (!direct && !input.topology.calleesOf(n.name).has(change.service)) continue;
      const leadMs = n.onsetMs - change.timeMs;
      if (leadMs < -ONSET_SLACK_MS || leadMs > input.changeLookbackMs) continue;
      const proximity = 1 - Math.max(0, leadMs) / input.changeLookbackMs;
      const value = (confidenceOf.get(n.name) ?? 0) * (direct ? 1 : 0.5) * proximity;
      const bestValue = best ? (confidenceOf.get(best.node.name) ?? 0) * (best.direct ? 1 : 0.5) * best.proximity : -1;
      if (value > bestValue) best = { node: n, proximity, direct };
    }
    if (!best) continue;
    const leadSeconds = Math.round((best.node.onsetMs - change.timeMs) / 1000);
    const nodeConfidence = confidenceOf.get(best.node.name) ?? 0;
    ids.push(change.id);
    suspects.push({
      kind: 'change',
      name: change.summary,
      service: change.service,
      rank: 0,
      confidence: round2(nodeConfidence * (best.direct ? 1 : 0.5) * (0.5 + 0.5 * best.proximity)),
      explanation:
        `${change.summary} (${change.kind}) ${leadSeconds >= 0 ? `${leadSeconds} s before` : `${-leadSeconds} s after the start of the minute of`} the onset of ${best.node.name}` +
        (best.direct ? `, on the suspect itself (confidence ${nodeConfidence}).` : `, on a service ${best.node.name} calls.`),
      evidence: { changeLeadSeconds: leadSeconds, changeKind: change.kind, changeType: change.type, onService: best.direct ? 'suspect' : 'dependency', suspect: best.node.name },
      ref: change.id,
    });
  }
  return ids;
}

/** New or surging warning-or-worse log patterns of the top suspects. */
function addPatternSuspects(suspects: Suspect[], top: Node[], confidenceOf: Map<string, number>): void {
  const seen = new Set<string>();
  for (const n of top) {
    for (const a of n.anomalies) {
      if (!isPatternSignal(a.signal) || familyOf(a) !== 'errors') continue;
      const templateId = a.attributes.templateId ?? a.name;
      if (seen.has(`${n.name}\n${templateId}`)) continue;
      seen.add(`${n.name}\n${templateId}`);
      const how = a.signal === 'log_pattern_new' ? 'new' : a.signal === 'log_pattern' ? 'surging' : `rose ${a.attributes.lift ?? ''}× alongside the incident`.replace(' ×', '×');
      suspects.push({
        kind: 'pattern',
        name: a.name,
        service: n.name,
        rank: 0,
        confidence: round2((confidenceOf.get(n.name) ?? 0) * 0.9 * a.peakScore),
        explanation: `Log pattern ${how} in ${n.name} at ${new Date(a.startMs).toISOString()} (score ${round2(a.peakScore)}): "${a.name.slice(0, 200)}".`,
        evidence: { signal: a.signal, score: round2(a.peakScore), templateId, ...(a.attributes.lift ? { lift: a.attributes.lift } : {}) },
        ref: templateId,
      });
    }
  }
}

function explainNode(s: { node: Node; leaf: number; explains: number; above: Set<string>; below: Set<string>; onsetLagMs: number; change?: { change: ChangeEvent } }, total: number): string {
  const n = s.node;
  const parts: string[] = [];
  const what = `${n.strongest.signal} on "${n.strongest.name}" (score ${round2(n.strongest.peakScore)})`;
  parts.push(n.via ? `${n.kind} ${n.name}: its anomalous callers (${n.via.join(', ')}) show ${what} on the spans that reach it` : `${n.name}: ${what}`);
  parts.push(s.onsetLagMs === 0 ? 'anomalous first' : `anomalous ${Math.round(s.onsetLagMs / 1000)} s after the first`);
  if (s.leaf) parts.push(total > 1 ? `downstream-most of ${total} anomalous nodes; ${s.above.size} anomalous caller(s) are explained by it` : 'the only anomalous node');
  else parts.push(`calls ${s.below.size} anomalous node(s) (${[...s.below].slice(0, 3).join(', ')}) that may explain it`);
  if (s.change) parts.push(`changed before onset: ${s.change.change.summary}`);
  return parts.join('; ') + '.';
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
