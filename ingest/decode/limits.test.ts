import { describe, expect, it } from 'vitest';
import { exceedsUtf8 } from './limits.js';

describe('exceedsUtf8', () => {
  it('counts UTF-8 bytes, not UTF-16 units', () => {
    expect(exceedsUtf8('abcd', 4)).toBe(false);
    expect(exceedsUtf8('abcde', 4)).toBe(true);
    expect(exceedsUtf8('éé', 4)).toBe(false);
    expect(exceedsUtf8('ééa', 4)).toBe(true);
    expect(exceedsUtf8('€', 2)).toBe(true);
    expect(exceedsUtf8('😀', 4)).toBe(false);
    expect(exceedsUtf8('😀', 3)).toBe(true);
    expect(exceedsUtf8('', 0)).toBe(false);
  });
});
