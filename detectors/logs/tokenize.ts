import { CALENDAR_WORDS, maskWord, WILDCARD } from './mask.js';

/**
 * Splits a log body on whitespace and masks each word. A run of `listRunLength` or more
 * consecutive pure variables is a variable-length parameter list (block lists, channel lists)
 * and becomes one `<*>`, so lists of any length share one template.
 */
export function tokenize(body: string, listRunLength: number): string[] {
  const words: string[] = [];
  let run = 0;
  let longRun = false;
  let start = -1;
  const n = body.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? body.charCodeAt(i) : 32;
    const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
    if (!space) {
      if (start < 0) start = i;
      continue;
    }
    if (start < 0) continue;
    const masked = maskWord(body.slice(start, i));
    start = -1;
    words.push(masked);
    if (masked === WILDCARD) {
      if (++run >= listRunLength) longRun = true;
    } else run = 0;
  }
  maskCalendarWords(words);
  return longRun ? collapseLists(words, listRunLength) : words;
}

/** `Fri Jun 17 07:07:00 2005`: month and weekday names next to (within two words of) a number are part of a timestamp. */
function maskCalendarWords(words: string[]): void {
  for (let i = 0; i < words.length; i++) {
    const first = words[i].charCodeAt(0);
    if (first < 65 || first > 90 || words[i].length > 9 || !CALENDAR_WORDS.has(words[i])) continue;
    for (let d = -2; d <= 2; d++) {
      const w = words[i + d];
      if (d !== 0 && w !== undefined && w.includes(WILDCARD) && !CALENDAR_WORDS.has(w)) {
        words[i] = WILDCARD;
        break;
      }
    }
  }
}

function collapseLists(words: string[], listRunLength: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    let j = i;
    while (j < words.length && words[j] === WILDCARD) j++;
    if (j - i >= listRunLength) {
      out.push(WILDCARD);
      i = j;
    } else if (j > i) {
      for (let k = i; k < j; k++) out.push(WILDCARD);
      i = j;
    } else out.push(words[i++]);
  }
  return out;
}

const DELIMITERS = new Set(',!;:=|"\'[](){}.-+@#$%&/'.split(''));

/**
 * The most specific masked word covering both words: their common head up to its last
 * delimiter and their common tail from its first delimiter around one `<*>`
 * (`user=guest`, `user=bob` → `user=<*>`; `(a.b)`, `(c)` → `(<*>)`).
 */
export function generalizeWord(a: string, b: string): string {
  if (a === b) return a;
  const max = Math.min(a.length, b.length);
  let p = 0;
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let head = 0;
  for (let k = p - 1; k >= 0; k--) {
    if (DELIMITERS.has(a[k])) {
      head = k + 1;
      break;
    }
  }
  let s = 0;
  while (s < a.length - head && s < b.length - head && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  let tail = a.length;
  for (let k = a.length - s; k < a.length; k++) {
    if (DELIMITERS.has(a[k])) {
      tail = k;
      break;
    }
  }
  return maskWord(a.slice(0, head) + WILDCARD + a.slice(tail));
}
