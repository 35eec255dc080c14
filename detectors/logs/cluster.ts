import { WILDCARD } from './mask.js';
import { generalizeWord } from './tokenize.js';

/**
 * One group of same-length lines and the templates it has printed. Each position is
 * constant (one value), an enumeration (a few values, each printed as itself so that
 * `from NEW to RUNNING` and `from RUNNING to DONE` stay apart) or a variable (printed
 * as its generalised form). A position becomes a variable once it has shown more than
 * `maxEnumValues` values, or a pure variable next to words.
 */
export interface IssuedTemplate {
  id: string;
  text: string;
  /** The masked words of the first line printed with this template; re-rendered on change. */
  sample: string[];
  count: number;
}

export interface Cluster {
  seq: number;
  /** Per position: the generalised form if variable, else the first value seen. */
  forms: string[];
  /** Per position: values seen while not variable; null once variable. */
  values: Array<string[] | null>;
  /** Positions holding 2+ values (printed per line). */
  enumPositions: number[];
  /** Templates printed so far, keyed by the line's words at the enumeration positions. */
  issued: Map<string, IssuedTemplate>;
  count: number;
  lastSeen: number;
  alive: boolean;
}

export function newCluster(seq: number, words: string[], now: number): Cluster {
  return {
    seq,
    forms: words.slice(),
    values: words.map((w) => [w]),
    enumPositions: [],
    issued: new Map(),
    count: 0,
    lastSeen: now,
    alive: true,
  };
}

/** True when every word is one of the values seen at its position, or the position is variable. */
export function covers(c: Cluster, words: string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const vs = c.values[i];
    if (vs !== null && !(vs[0] === words[i] || (vs.length > 1 && vs.includes(words[i])))) return false;
  }
  return true;
}

/**
 * Drain-style similarity: the share of positions that agree on a word. A variable position
 * agrees only with a masked value, so a very general template cannot swallow everything.
 */
export function similarity(c: Cluster, words: string[], atLeast: number): number {
  const n = words.length;
  if (n === 0) return 1;
  const needed = atLeast * n;
  let same = 0;
  for (let i = 0; i < n; i++) {
    const vs = c.values[i];
    const w = words[i];
    if (vs === null ? w.includes(WILDCARD) : vs[0] === w || (vs.length > 1 && vs.includes(w))) same++;
    else if (same + (n - i - 1) < needed) return 0;
  }
  return same / n;
}

/**
 * Adds a line's words; returns whether any position changed and whether one became variable.
 * When the line differs from the cluster in a single position and one side of it holds a
 * masked value (`()` vs `(<*>)`, `rhost=<*>` vs `rhost=zummit.com`), that position is a variable
 * at once: a lone difference next to a value is a value, not another template.
 */
export function absorb(c: Cluster, words: string[], maxEnumValues: number, maxStructuredEnumValues: number): { changed: boolean; generalized: boolean } {
  let changed = false;
  let generalized = false;
  let differing = -1;
  let differences = 0;
  for (let i = 0; i < words.length; i++) {
    const vs = c.values[i];
    if (vs !== null && !vs.includes(words[i])) {
      differences++;
      differing = i;
    }
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const vs = c.values[i];
    if (vs === null) {
      const form = generalizeWord(c.forms[i], w);
      if (form !== c.forms[i]) {
        c.forms[i] = form;
        changed = generalized = true;
      }
      continue;
    }
    if (vs.includes(w)) continue;
    changed = true;
    const loneValue = differences === 1 && i === differing && vs.some((v) => differsByOneValue(v, w));
    const limit = isSimpleWord(w) && vs.every(isSimpleWord) ? maxEnumValues : maxStructuredEnumValues;
    if (vs.length >= limit || loneValue) {
      makeVariable(c, i, w);
      generalized = true;
    } else vs.push(w);
  }
  if (changed) refreshEnumPositions(c);
  return { changed, generalized };
}

/**
 * Plain words (`RUNNING`, `boot`, `illegal`) are how enumerations look; structured values
 * (`com.apple.x.y`, `QQ.<*>`, `/a/b`) are how data looks, so they become variables sooner.
 */
const SIMPLE_WORD = /^[A-Za-z][A-Za-z0-9_]*[:,;.]?$/;
function isSimpleWord(w: string): boolean {
  return SIMPLE_WORD.test(w);
}

/** True when `a` and `b` differ only in a middle part that is exactly `<*>` on one side. */
function differsByOneValue(a: string, b: string): boolean {
  if (!a.includes(WILDCARD) && !b.includes(WILDCARD)) return false;
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  const midA = a.slice(p, a.length - s);
  const midB = b.slice(p, b.length - s);
  return midA === WILDCARD || midB === WILDCARD;
}

export function makeVariable(c: Cluster, i: number, extra?: string): void {
  const vs = c.values[i] ?? [];
  let form = c.forms[i];
  for (const v of vs) form = generalizeWord(form, v);
  if (extra !== undefined) form = generalizeWord(form, extra);
  c.forms[i] = form;
  c.values[i] = null;
}

export function refreshEnumPositions(c: Cluster): void {
  c.enumPositions = [];
  c.values.forEach((vs, i) => {
    if (vs !== null && vs.length > 1) c.enumPositions.push(i);
  });
}

/** Key of the template a line prints within its cluster: its words at the enumeration positions. */
export function issueKey(c: Cluster, words: string[]): string {
  const e = c.enumPositions;
  if (e.length === 0) return '';
  if (e.length === 1) return words[e[0]];
  let key = words[e[0]];
  for (let k = 1; k < e.length; k++) key += '\u0001' + words[e[k]];
  return key;
}

/** The template text a line with these words prints. */
export function render(c: Cluster, words: string[]): string {
  let text = '';
  for (let i = 0; i < c.forms.length; i++) {
    const vs = c.values[i];
    const word = vs !== null && vs.length > 1 ? words[i] : c.forms[i];
    text = i === 0 ? word : text + ' ' + word;
  }
  return text;
}
