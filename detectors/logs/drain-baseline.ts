/**
 * A plain Drain (He et al., ICWS'17) used as the speed and accuracy baseline in benchmarks:
 * a fixed-depth prefix tree (token count, then the first `depth - 2` tokens, tokens with
 * digits under `<*>`, at most `maxChildren` per node), then the most similar leaf group
 * (share of equal tokens ≥ `similarityThreshold`). Defaults are Drain's: depth 4, st 0.5,
 * max children 100. No masking regexes: the same configuration for every log.
 */
export interface DrainOptions {
  depth: number;
  similarityThreshold: number;
  maxChildren: number;
}

export const DRAIN_DEFAULTS: DrainOptions = { depth: 4, similarityThreshold: 0.5, maxChildren: 100 };

interface DrainGroup {
  id: number;
  tokens: string[];
}

interface DrainNode {
  children: Map<string, DrainNode>;
  groups: DrainGroup[];
}

const WILDCARD = '<*>';

export class DrainBaseline {
  private readonly options: DrainOptions;
  private readonly byLength = new Map<number, DrainNode>();
  private readonly groups: DrainGroup[] = [];

  constructor(options: Partial<DrainOptions> = {}) {
    this.options = { ...DRAIN_DEFAULTS, ...options };
  }

  /** Returns the id of the group the line joined. */
  add(body: string): number {
    const tokens = body.trim().split(/\s+/);
    const leaf = this.leafFor(tokens);
    let best: DrainGroup | undefined;
    let bestSim = -1;
    let bestParams = -1;
    for (const g of leaf.groups) {
      let same = 0;
      let params = 0;
      for (let i = 0; i < tokens.length; i++) {
        if (g.tokens[i] === WILDCARD) params++;
        else if (g.tokens[i] === tokens[i]) same++;
      }
      const sim = same / tokens.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        best = g;
        bestSim = sim;
        bestParams = params;
      }
    }
    if (best && bestSim >= this.options.similarityThreshold) {
      for (let i = 0; i < tokens.length; i++) if (best.tokens[i] !== tokens[i]) best.tokens[i] = WILDCARD;
      return best.id;
    }
    const group = { id: this.groups.length, tokens };
    this.groups.push(group);
    leaf.groups.push(group);
    return group.id;
  }

  template(id: number): string {
    return this.groups[id]?.tokens.join(' ') ?? '';
  }

  groupCount(): number {
    return this.groups.length;
  }

  private leafFor(tokens: string[]): DrainNode {
    let node: DrainNode | undefined = this.byLength.get(tokens.length);
    if (!node) {
      node = { children: new Map(), groups: [] };
      this.byLength.set(tokens.length, node);
    }
    const levels = Math.min(this.options.depth - 2, tokens.length);
    for (let d = 0; d < levels; d++) {
      const token = /\d/.test(tokens[d]) ? WILDCARD : tokens[d];
      let next: DrainNode | undefined = node.children.get(token);
      if (!next) {
        const key = node.children.size < this.options.maxChildren ? token : WILDCARD;
        next = node.children.get(key);
        if (!next) {
          next = { children: new Map(), groups: [] };
          node.children.set(key, next);
        }
      }
      node = next;
    }
    return node;
  }
}
