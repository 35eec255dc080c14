/**
 * Generic variable masking of one whitespace-free word, in the output conventions of the
 * corrected Loghub ground truth (Khan et al., ICSE'22, rules as coded in loghub-2.0
 * `correct_single_template`): path-like pieces, booleans and default user names, pure digits,
 * words glued to a variable, dot-joined and adjacent variables all print as `<*>`.
 * On top of those rules Vigil masks value classes the rules miss: hex, leading-digit values
 * (`10ms`, `3d`), ids with 3+ digits (`blk_123`), UUIDs, MAC/IPv6 addresses, URLs.
 * One table for every kind of log: nothing here names a system.
 */
export const WILDCARD = '<*>';

/** Khan et al.'s BL + US sets (`true/false`, `null/root/admin`), matched case-insensitively. */
const SPECIAL_WORDS = new Set(['true', 'false', 'null', 'root', 'admin']);
/** Cheap pre-filter: substrings any SPECIAL_WORDS member contains, lower-cased. */
const SPECIAL_HINT = /true|false|null|root|admin/i;

/** Khan et al.'s path delimiters (PS rule) and full token delimiters (other rules), as capture splits. */
const PATH_SPLIT = /([,!;:=|"'[\](){}])/;
const TOKEN_SPLIT = /([,!;:=|"'[\](){}.\-+@#$%&])/;
const PATH_LIKE = /^(\/[^/]+)+$/;
const GLUED_VARIABLE = /^[^\s/]*<\*>[^\s/]*$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Needs a hex letter or `::`, so clock times (`04:06:18`) keep the ground truth's `<*>:<*>:<*>`. */
const MAC_OR_IPV6 = /^(?=.*\d)(?=.*([a-f]|::))[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,15}$/i;
const URL = /^([a-z][a-z0-9+.-]*:\/\/)(?!<\*)(\S+)$/i;
/**
 * Host names: 3+ dot-separated labels ending in a short lower-case top-level label. Reverse-DNS
 * identifiers (`com.apple.x`, `org.mortbay.log`) and Java class names are names, not hosts.
 */
const HOST_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+\.[a-z]{2,4}$/;
const REVERSE_DNS = /^(com|org|net|edu|gov|io|java|javax)\./;
/** Month and weekday names are variables when they sit in a timestamp (see `tokenize`). */
export const CALENDAR_WORDS = new Set(
  'Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August September October November December Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(' '),
);
const DIGITS = /^\d+$/;

/** Punctuation that commonly wraps a value: kept around the masked core (`(0x1f)` → `(<*>)`). */
const WRAP_OPEN = '([{<"\'';
const WRAP_CLOSE = ')]}>"\',;.:!';

/** Digits with at most one inner `.` and an optional sign: the commonest value, masked without regexes. */
function isNumber(word: string): boolean {
  let i = word.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i >= word.length) return false;
  let separators = 0;
  for (; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46 && i > 0 && i < word.length - 1 && separators++ === 0) continue;
    return false;
  }
  return true;
}

/** True when the word needs no masking at all (the hot path: plain words). */
function isPlain(word: string): boolean {
  let dots = 0;
  let letters = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 47 /* / */ || c === 60 /* < */) return false;
    if (c === 46 /* . */ && ++dots >= 2) return false;
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
  }
  // A special word needs 4+ letters; a word of letters only is special only as a whole.
  if (letters < 4) return true;
  if (letters === word.length) return letters > 5 || !SPECIAL_WORDS.has(word.toLowerCase());
  return !SPECIAL_HINT.test(word);
}

/** A piece between token delimiters that is a value rather than a word. */
export function isVariablePiece(piece: string): boolean {
  const n = piece.length;
  if (n === 0) return false;
  let digits = 0;
  let letters = 0;
  let hex = 0;
  for (let i = 0; i < n; i++) {
    const c = piece.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      hex++;
    } else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      letters++;
      if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102)) hex++;
    }
  }
  if (digits === 0) return n <= 5 && SPECIAL_WORDS.has(piece.toLowerCase());
  // Digits with no letters (`42`, `__73`), a leading digit (`10ms`, `0x1f`), 3+ digits (`blk_123`), a long hex run.
  if (letters === 0) return true;
  const first = piece.charCodeAt(0);
  if (first >= 48 && first <= 57) return true;
  if (digits >= 3) return true;
  return n >= 6 && hex === n;
}

/** Khan et al.'s full token delimiters as a lookup table over char codes. */
const IS_DELIMITER = new Uint8Array(128);
for (const ch of ',!;:=|"\'[](){}.-+@#$%&') IS_DELIMITER[ch.charCodeAt(0)] = 1;

/** One pass over a word without `<`: each piece between delimiters is kept or becomes `<*>`. */
function maskPieces(text: string): string {
  let out = '';
  let start = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    if (i < n && (c >= 128 || IS_DELIMITER[c] === 0)) continue;
    const piece = text.slice(start, i);
    if (piece === WILDCARD || piece.length === 0) out += piece;
    else if (piece.length > 1 && piece.includes('/')) out += piece.split('/').map((p) => (isVariablePiece(p) ? WILDCARD : p)).join('/');
    else out += isVariablePiece(piece) ? WILDCARD : piece;
    if (i < n) out += text[i];
    start = i + 1;
  }
  return out;
}

function isHostName(piece: string): boolean {
  return HOST_NAME.test(piece) && !REVERSE_DNS.test(piece);
}

/** Masks whole-word value shapes the per-piece rules would cut apart. */
function maskWholeShapes(word: string): string | undefined {
  const colon = word.indexOf(':');
  const shaped = (colon >= 0 && word.indexOf(':', colon + 1) > 0) || word.length >= 36 || word.includes('://');
  if (!shaped) return undefined;
  let start = 0;
  let end = word.length;
  while (start < end && WRAP_OPEN.includes(word[start])) start++;
  while (end > start && WRAP_CLOSE.includes(word[end - 1])) end--;
  const core = word.slice(start, end);
  if (UUID.test(core) || MAC_OR_IPV6.test(core)) {
    return word.slice(0, start) + WILDCARD + word.slice(end);
  }
  const url = URL.exec(core);
  if (url) return word.slice(0, start) + url[1] + WILDCARD + word.slice(end);
  return undefined;
}

/**
 * The word with its variable parts replaced by `<*>`, normalised by the correction rules.
 * Idempotent: masking a masked word returns it unchanged.
 */
export function maskWord(word: string): string {
  if (isPlain(word)) return word;
  if (isNumber(word)) return WILDCARD;
  const whole = maskWholeShapes(word);
  if (whole !== undefined) return collapse(whole);
  // PS: a piece between path delimiters that is an absolute path is one variable; so is a host name.
  let text = word;
  if (text.includes('/') || text.indexOf('.') !== text.lastIndexOf('.')) {
    const pieces = text.split(PATH_SPLIT);
    for (let k = 0; k < pieces.length; k += 2) {
      const piece = pieces[k];
      if (PATH_LIKE.test(piece)) pieces[k] = WILDCARD;
      else if (piece.includes('.')) pieces[k] = piece.split('/').map((p) => (isHostName(p) ? WILDCARD : p)).join('/');
    }
    text = pieces.join('');
  }
  // DG, BL, US and Vigil's value classes per piece; `/` also separates values (`3/4`).
  const masked = maskPieces(text);
  const signed = absorbSigns(masked);
  // WV: a piece glued to a variable is a variable (`blk_<*>` → `<*>`), unless it holds a `/`.
  // Pieces only touch a `<*>` when the word already held one or a sign was absorbed.
  if (signed === masked && !word.includes('<')) return collapse(masked);
  const glued = signed.split(TOKEN_SPLIT);
  for (let k = 0; k < glued.length; k += 2) {
    const piece = glued[k];
    if (piece !== WILDCARD && piece.includes(WILDCARD) && GLUED_VARIABLE.test(piece)) glued[k] = WILDCARD;
  }
  return collapse(glued.join(''));
}

/** A minus sign before a number belongs to it (`-12` → `<*>`, `Code=-<*>` → `Code=<*>`), not a hyphen. */
function absorbSigns(text: string): string {
  if (!text.includes('-<*>')) return text;
  return text.replace(/(^|[^A-Za-z0-9*>])-<\*>/g, '$1<*>');
}

/** DV then CV: `<*>.<*>` and `<*><*>` collapse to one variable. */
function collapse(text: string): string {
  if (!text.includes('<*>.<*>') && !text.includes('<*><*>')) return text;
  let prev;
  do {
    prev = text;
    text = text.replaceAll('<*>.<*>', WILDCARD);
  } while (text !== prev);
  do {
    prev = text;
    text = text.replaceAll('<*><*>', WILDCARD);
  } while (text !== prev);
  return text;
}

/** Applies the correction rules to a whole template (used on hand-written or foreign templates). */
export function correctTemplate(template: string): string {
  const words = template.trim().split(/\s+/);
  return words.map((w) => (w.includes(WILDCARD) || !isPlain(w) ? correctWord(w) : w)).join(' ');
}

/** The Khan et al. rules only (no extra value classes), for one word. */
function correctWord(word: string): string {
  let text = word;
  const p = text.split(PATH_SPLIT);
  for (let k = 0; k < p.length; k += 2) if (PATH_LIKE.test(p[k])) p[k] = WILDCARD;
  text = p.join('');
  const pieces = text.split(TOKEN_SPLIT);
  for (let k = 0; k < pieces.length; k += 2) {
    const piece = pieces[k];
    if (SPECIAL_WORDS.has(piece.toLowerCase()) || DIGITS.test(piece)) pieces[k] = WILDCARD;
    else if (piece.includes(WILDCARD) && GLUED_VARIABLE.test(piece)) pieces[k] = WILDCARD;
  }
  return collapse(pieces.join(''));
}

/** True when the masked word is, or holds, a variable. */
export function hasVariable(masked: string): boolean {
  return masked.includes(WILDCARD);
}
