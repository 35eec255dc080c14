/**
 * RFC 4180 CSV: comma-separated fields, fields in double quotes may hold commas,
 * newlines and doubled quotes (`""`). Loghub's structured files are written by
 * pandas in this dialect; templates routinely contain commas and quotes.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  const n = text.length;
  let fieldStarted = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */ && field.length === 0 && !fieldStarted) {
      i++;
      for (;;) {
        if (i >= n) throw new Error('CSV: unterminated quoted field');
        const q = text.indexOf('"', i);
        if (q < 0) throw new Error('CSV: unterminated quoted field');
        field += text.slice(i, q);
        if (text.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fieldStarted = true;
      continue;
    }
    if (c === 44 /* , */) {
      row.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (c === 10 /* \n */ || c === 13 /* \r */) {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      continue;
    }
    field += text[i];
    fieldStarted = true;
    i++;
  }
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parses a CSV with a header row into objects keyed by column name. */
export function parseCsvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  return rows.map((cells) => {
    const record: Record<string, string> = {};
    header.forEach((name, k) => (record[name] = cells[k] ?? ''));
    return record;
  });
}

/** Quotes a field when it holds a comma, quote or line break (pandas' QUOTE_MINIMAL). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(fields: string[]): string {
  return fields.map(csvField).join(',');
}
