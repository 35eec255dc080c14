import { describe, expect, it } from 'vitest';
import { csvRow, parseCsv, parseCsvRecords } from './csv.js';

describe('CSV', () => {
  it('parses quoted fields with commas, doubled quotes and line breaks', () => {
    const text = 'LineId,EventTemplate\r\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,\n';
    expect(parseCsv(text)).toEqual([['LineId', 'EventTemplate'], ['1', 'a, b'], ['2', 'say "hi"'], ['3', 'two\nlines'], ['4', '']]);
    expect(parseCsvRecords(text)[1]).toEqual({ LineId: '2', EventTemplate: 'say "hi"' });
  });

  it('round-trips what it writes', () => {
    const rows = [['1', 'plain'], ['2', 'has, comma'], ['3', '"quoted" <*>'], ['4', '']];
    expect(parseCsv(rows.map(csvRow).join('\n'))).toEqual(rows);
  });

  it('refuses an unterminated quote', () => {
    expect(() => parseCsv('1,"open')).toThrow(/unterminated/);
  });
});
