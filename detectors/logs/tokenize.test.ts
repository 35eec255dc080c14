import { describe, expect, it } from 'vitest';
import { generalizeWord, tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('splits on any whitespace and masks each word', () => {
    expect(tokenize('  Received block blk_38865049064139660\tof size 67108864 ', 7)).toEqual(['Received', 'block', '<*>', 'of', 'size', '<*>']);
  });

  it('folds variable-length parameter lists into one variable', () => {
    const blocks = (n: number) => Array.from({ length: n }, (_, i) => `blk_${1000 + i}`).join(' ');
    const eight = tokenize(`ask 10.0.0.1:50010 to delete ${blocks(8)}`, 7);
    const hundred = tokenize(`ask 10.0.0.1:50010 to delete ${blocks(100)}`, 7);
    expect(eight).toEqual(['ask', '<*>:<*>', 'to', 'delete', '<*>']);
    expect(hundred).toEqual(eight);
    expect(tokenize('Fan speeds ( 3552 3534 3375 3515 3479 3400 )', 7)).toHaveLength(10);
  });

  it('masks month and weekday names inside timestamps only', () => {
    expect(tokenize('at Fri Jun 17 07:07:00 2005', 7)).toEqual(['at', '<*>', '<*>', '<*>', '<*>:<*>:<*>', '<*>']);
    expect(tokenize('May the force be with you', 7)[0]).toBe('May');
  });
});

describe('generalizeWord', () => {
  it('keeps the common head and tail around one variable', () => {
    expect(generalizeWord('user=guest', 'user=bob')).toBe('user=<*>');
    expect(generalizeWord('(a.example)', '(b)')).toBe('(<*>)');
    expect(generalizeWord('alpha', 'beta')).toBe('<*>');
    expect(generalizeWord('same', 'same')).toBe('same');
  });
});
