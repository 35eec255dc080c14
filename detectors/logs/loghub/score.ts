/**
 * Loghub-2.0 (ISSTA'24) accuracy metrics over per-line template strings, as defined in
 * benchmarks/LOGHUB.md: GA and FGA group lines by template string on both sides
 * (`evaluator.get_accuracy`), PA is exact string equality per line
 * (`PA_calculator`), FTA is the F1 of template-level precision/recall (`evaluate_template_level`).
 */
export interface LoghubScore {
  lines: number;
  truthTemplates: number;
  predictedTemplates: number;
  /** Grouping accuracy: share of lines whose predicted group equals their true group. */
  ga: number;
  /** Parsing accuracy: share of lines whose predicted template string equals the truth. */
  pa: number;
  /** F1 of group-level precision/recall of correctly grouped templates. */
  fga: number;
  /** F1 of template-level precision/recall of exactly right template strings. */
  fta: number;
}

/** `truth[i]` and `predicted[i]` are the templates of line i; an empty truth marks an unlabelled line. */
export function scoreLoghub(truth: string[], predicted: string[]): LoghubScore {
  const t: string[] = [];
  const p: string[] = [];
  truth.forEach((gt, i) => {
    if (gt === '') return;
    t.push(gt);
    p.push(predicted[i] ?? '');
  });
  const n = t.length;
  const predCount = countBy(p);
  const truthCount = countBy(t);

  // GA/FGA: a GT group is right iff all its lines carry one predicted template used by no other line.
  const predOfTruth = new Map<string, string | null>();
  for (let i = 0; i < n; i++) {
    const seen = predOfTruth.get(t[i]);
    if (seen === undefined) predOfTruth.set(t[i], p[i]);
    else if (seen !== null && seen !== p[i]) predOfTruth.set(t[i], null);
  }
  let groupedLines = 0;
  let groupedTemplates = 0;
  for (const [gt, pred] of predOfTruth) {
    const size = truthCount.get(gt) ?? 0;
    if (pred !== null && predCount.get(pred) === size) {
      groupedLines += size;
      groupedTemplates++;
    }
  }

  // FTA: a predicted template is right iff every line predicted as it has exactly that GT string.
  const truthOfPred = new Map<string, boolean>();
  let exactLines = 0;
  for (let i = 0; i < n; i++) {
    const same = t[i] === p[i];
    if (same) exactLines++;
    truthOfPred.set(p[i], (truthOfPred.get(p[i]) ?? true) && same);
  }
  let exactTemplates = 0;
  for (const ok of truthOfPred.values()) if (ok) exactTemplates++;

  return {
    lines: n,
    truthTemplates: truthCount.size,
    predictedTemplates: predCount.size,
    ga: n === 0 ? 0 : groupedLines / n,
    pa: n === 0 ? 0 : exactLines / n,
    fga: f1(groupedTemplates / Math.max(1, predCount.size), groupedTemplates / Math.max(1, truthCount.size)),
    fta: f1(exactTemplates / Math.max(1, predCount.size), exactTemplates / Math.max(1, truthCount.size)),
  };
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function f1(precision: number, recall: number): number {
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}
