/**
 * Loghub log formats such as `<Date> <Time> <Level> <Component>: <Content>`, compiled the way
 * logparser's `generate_logformat_regex` does: `<Name>` is a lazy named field, the text between
 * fields is a literal regex fragment in which runs of spaces match `\s+`.
 */
export interface LogFormat {
  fields: string[];
  regex: RegExp;
}

export function compileLogFormat(format: string): LogFormat {
  const parts = format.split(/(<[^<>]+>)/);
  const fields: string[] = [];
  let source = '';
  parts.forEach((part, k) => {
    if (k % 2 === 0) {
      source += part.replace(/ +/g, '\\s+');
      return;
    }
    const name = part.slice(1, -1);
    fields.push(name);
    source += `(?<${safeGroupName(name, fields.length - 1)}>.*?)`;
  });
  return { fields, regex: new RegExp(`^${source}$`) };
}

/** JS group names must be identifiers; Loghub names already are, this guards odd formats. */
function safeGroupName(name: string, index: number): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `f${index}`;
}

/**
 * The `Content` field of one raw line (trimmed like logparser's `line.strip()`),
 * or the whole trimmed line when the header does not match the format.
 */
export function extractContent(format: LogFormat, line: string): { content: string; matched: boolean } {
  const trimmed = line.trim();
  const match = format.regex.exec(trimmed);
  const content = match?.groups?.Content;
  if (content === undefined) return { content: trimmed, matched: false };
  return { content, matched: true };
}
