/** One non-empty line of a text file with its 1-based line number. */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

/**
 * Splits a whole file into lines, accepting LF or CRLF and a missing final newline (the Azure 2023 CSVs
 * have CRLF and none). Blank lines are skipped but still counted, so numbers match what an editor shows.
 */
export function splitLines(text: string): NumberedLine[] {
  const out: NumberedLine[] = [];
  // A UTF-8 byte-order mark would otherwise become part of the first header name.
  const raw = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i];
    if (t.endsWith('\r')) t = t.slice(0, -1);
    if (t.length === 0 || (t.charCodeAt(0) <= 32 && t.trim() === '')) continue;
    out.push({ line: i + 1, text: t });
  }
  return out;
}
