import { IsolationForest, type IsolationTreeNode } from 'ml-isolation-forest';

/**
 * Isolation forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008) over per-service
 * feature vectors. Trees are grown by `ml-isolation-forest`, each on its own subsample of
 * at most `sampleSize` rows (the paper's ψ = 256: isolation needs few points, and small
 * samples keep swamping and masking down); the forest is kept as plain JSON so a model
 * can be stored, reloaded and scored without the library. One forest per service: a
 * service's normal is its own (calls per minute of a busy service are an outlier for a
 * quiet one).
 */
export type IsolationTree = { c: number; v: number; l: IsolationTree; r: IsolationTree } | { n: number };

export interface ServiceForest {
  /**
   * Indices of the features the trees split on: those that varied in the service's training
   * rows. A constant feature (no resource gauges, no logs) only wastes splits, which
   * lengthens every path and flattens the scores.
   */
  columns: number[];
  /**
   * Features that did not vary in training, by index, with their one value. A tree cannot
   * split on them, yet a minute that differs on one (errors where there never were any) is
   * as isolated as it gets: see scoreForest.
   */
  constants: Record<string, number>;
  trees: IsolationTree[];
  /** ψ: rows each tree was grown on. */
  sampleSize: number;
  /** Rows (minutes) the service had in training. */
  samples: number;
  /** The (1 - contamination) quantile of the training rows' own scores. */
  scoreQuantile: number;
}

export interface IForestModel {
  v: 1;
  features: string[];
  contamination: number;
  services: Record<string, ServiceForest>;
}

export interface TrainOptions {
  trees: number;
  sampleSize: number;
  /** Services with fewer rows are left out (too little history to know their normal). */
  minSamples: number;
  /** Share of training rows assumed anomalous: sets each service's score quantile. */
  contamination: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { trees: 100, sampleSize: 256, minSamples: 30, contamination: 0.005 };

/** Missing features (no spans, no resource gauges) read as 0: absent is a value of its own. */
export function featureVector(values: ReadonlyArray<number | null>): number[] {
  return values.map((x) => (x === null || !Number.isFinite(x) ? 0 : x));
}

export function trainIForest(rowsByService: ReadonlyMap<string, number[][]>, features: readonly string[], options: TrainOptions = DEFAULT_TRAIN_OPTIONS, random: () => number = Math.random): IForestModel {
  const services: Record<string, ServiceForest> = {};
  for (const [service, rows] of rowsByService) {
    if (rows.length < options.minSamples) continue;
    const columns = features.map((_, j) => j).filter((j) => rows.some((r) => r[j] !== rows[0][j]));
    if (columns.length === 0) continue;
    const projected = rows.map((r) => columns.map((j) => r[j]));
    const sampleSize = Math.min(options.sampleSize, rows.length);
    const trees: IsolationTree[] = [];
    for (let i = 0; i < options.trees; i++) {
      const grower = new IsolationForest({ nEstimators: 1 });
      grower.train(subsample(projected, sampleSize, random));
      trees.push(toTree(grower.forest[0]));
    }
    const constants = Object.fromEntries(features.map((_, j) => j).filter((j) => !columns.includes(j)).map((j) => [String(j), rows[0][j]]));
    const forest: ServiceForest = { columns, constants, trees, sampleSize, samples: rows.length, scoreQuantile: 0 };
    forest.scoreQuantile = quantile(rows.map((r) => scoreForest(forest, r)), 1 - options.contamination);
    services[service] = forest;
  }
  return { v: 1, features: [...features], contamination: options.contamination, services };
}

/**
 * Anomaly score s(x, ψ) = 2^(−E[h(x)] / c(ψ)): near 1 isolated early (anomalous), ≤ 0.5 normal.
 *
 * A minute that differs on k features that were constant in training is scored as if each
 * tree could also pick one of those k features at every node (as it would had they varied):
 * with p = k / (splittable + k) a node isolates the minute outright, so the expected path
 * down a tree whose leaf is at depth L is Σ_{i<L} (1−p)^i·p·(i+1) + (1−p)^L·(L + c(n)).
 */
export function scoreForest(forest: ServiceForest, x: readonly number[]): number {
  const projected = forest.columns.map((j) => x[j]);
  const deviating = Object.entries(forest.constants ?? {}).filter(([j, value]) => x[Number(j)] !== value).length;
  const p = deviating / (forest.columns.length + deviating);
  let total = 0;
  for (const tree of forest.trees) {
    const { depth, size } = leafOf(tree, projected);
    let expected = 0;
    let stay = 1;
    for (let i = 0; i < depth; i++) {
      expected += stay * p * (i + 1);
      stay *= 1 - p;
    }
    total += expected + stay * (depth + averagePathLength(size));
  }
  return 2 ** (-(total / forest.trees.length) / averagePathLength(forest.sampleSize));
}

/** Scores a vector against the service's forest; undefined for a service the model does not know. */
export function scoreIForest(model: IForestModel, service: string, x: readonly number[]): number | undefined {
  const forest = model.services[service];
  return forest ? scoreForest(forest, x) : undefined;
}

export function parseIForestModel(json: string): IForestModel {
  const model = JSON.parse(json) as IForestModel;
  if (model?.v !== 1 || !Array.isArray(model.features) || typeof model.services !== 'object') throw new Error('not an iforest model (v1)');
  return model;
}

function leafOf(tree: IsolationTree, x: readonly number[]): { depth: number; size: number } {
  let node = tree;
  let depth = 0;
  while (!('n' in node)) {
    node = x[node.c] < node.v ? node.l : node.r;
    depth++;
  }
  return { depth, size: node.n };
}

/** c(n) = 2H(n − 1) − 2(n − 1)/n, H(i) ≈ ln(i) + γ: the mean unsuccessful-search path in a BST (the paper's eq. 1). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

function toTree(node: IsolationTreeNode): IsolationTree {
  if (!node.left || !node.right) return { n: node.trainingSet?.length ?? 0 };
  return { c: node.splitColumn ?? 0, v: node.splitValue ?? 0, l: toTree(node.left), r: toTree(node.right) };
}

/** k rows drawn without replacement (partial Fisher–Yates on indices). */
function subsample(rows: readonly number[][], k: number, random: () => number): number[][] {
  const idx = rows.map((_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (idx.length - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k).map((i) => rows[i]);
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
