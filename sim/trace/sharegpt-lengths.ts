import { NO_HASH_IDS, type LengthRecord, type LengthTrace } from './trace.js';
import { ProblemList } from '../input/problem-list.js';
import { MAX_TRACE_PROBLEMS, type TraceFormat } from './trace-format.js';
import { splitLines } from './split-lines.js';
import { splitCells } from './split-cells.js';
import { parseCountCell } from './token-count.js';
import { quoteInput } from '../core/quote-input.js';

const REQUIRED = ['num_prefill_tokens', 'num_decode_tokens'] as const;
/** Derived columns the sarathi-serve table also carries; checked for consistency, then not used. */
const DERIVED = ['num_total_tokens', 'pd_ratio'] as const;

/**
 * The ShareGPT length table from microsoft/sarathi-serve (`num_prefill_tokens,num_decode_tokens,
 * num_total_tokens,pd_ratio`): token counts only, no time column, so it yields a LengthTrace that needs
 * generated arrivals. Columns are found by header name, so the two derived ones may be absent.
 */
function parseShareGptLengths(text: string, file: string): LengthTrace {
  const problems = new ProblemList(file, { maxProblems: MAX_TRACE_PROBLEMS });
  const lines = splitLines(text);
  const header = lines.length > 0 ? lines[0].text.split(',').map((h) => h.trim()) : [];
  const headerLine = lines[0]?.line ?? 1;
  const known: readonly string[] = [...REQUIRED, ...DERIVED];
  for (const name of REQUIRED) {
    if (!header.includes(name)) problems.add('bad-header', headerLine, name, `header lacks column '${name}'`);
  }
  for (const name of header) {
    if (!known.includes(name)) problems.add('unknown-field', headerLine, name, `unknown column '${name}' (expected ${known.join(', ')})`);
  }
  problems.throwIfAny();
  const col = (name: string): number => header.indexOf(name);
  const [prefillCol, decodeCol, totalCol, ratioCol] = [col(REQUIRED[0]), col(REQUIRED[1]), col(DERIVED[0]), col(DERIVED[1])];
  const records: LengthRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    const { line, text: row } = lines[i];
    const cells = splitCells(row);
    if (cells.length !== header.length) {
      problems.add('malformed-line', line, header[Math.min(cells.length, header.length - 1)], `expected ${header.length} comma-separated fields, got ${cells.length}${cells.length < header.length ? ' (truncated line?)' : ' (a comma inside a field, or a column too many?)'}`);
      continue;
    }
    const promptTokens = parseCountCell(cells[prefillCol], line, REQUIRED[0], problems, 1);
    const outputTokens = parseCountCell(cells[decodeCol], line, REQUIRED[1], problems, 1);
    if (ratioCol >= 0) {
      const ratio = cells[ratioCol].trim();
      if (!isDecimal(ratio)) problems.add('non-numeric', line, DERIVED[1], `expected a number, got ${quoteInput(ratio)}`);
    }
    if (promptTokens === null || outputTokens === null) continue;
    if (totalCol >= 0) {
      const total = parseCountCell(cells[totalCol], line, DERIVED[0], problems, 0);
      if (total !== null && total !== promptTokens + outputTokens) {
        problems.add('inconsistent-total', line, DERIVED[0], `${total} is not ${REQUIRED[0]} + ${REQUIRED[1]} = ${promptTokens + outputTokens}`);
      }
    }
    records.push({ line, promptTokens, outputTokens, hashIds: NO_HASH_IDS });
  }
  if (records.length === 0 && problems.isEmpty) problems.add('empty-trace', 0, '', 'no rows in file');
  problems.throwIfAny();
  return { kind: 'lengths', file, format: 'sharegpt-lengths', hashBlockTokens: 0, records };
}

/**
 * Whether text is a plain decimal like `0.0806100217864923` (optionally signed, with an exponent). A
 * character scan: Number() on 17-digit fractions takes V8's slow exact path, and 30,731 of them made up
 * most of this loader's time, only to check a column that is not used.
 */
function isDecimal(text: string): boolean {
  let i = text.charCodeAt(0) === 43 || text.charCodeAt(0) === 45 ? 1 : 0; // + or -
  let digitCount = 0;
  let dotSeen = false;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digitCount++;
    else if (c === 46 && !dotSeen) dotSeen = true;
    else break;
  }
  if (digitCount === 0) return false;
  if (i < text.length && (text.charCodeAt(i) | 32) === 101) {
    // e or E, then an optionally signed integer
    i++;
    if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
    const expStart = i;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === expStart) return false;
  }
  return i === text.length;
}

export const sharegptLengths: TraceFormat = {
  name: 'sharegpt-lengths',
  description: 'ShareGPT length table (sarathi-serve): num_prefill_tokens,num_decode_tokens[,num_total_tokens,pd_ratio]; no times',
  extensions: ['.csv'],
  sniff: (firstLine) => firstLine.trim().startsWith('num_prefill_tokens,num_decode_tokens'),
  parse: parseShareGptLengths,
};
