import { NO_HASH_IDS, type TimedRecord, type TimedTrace } from './trace.js';
import { ProblemList } from '../input/problem-list.js';
import { MAX_TRACE_PROBLEMS, type TraceFormat } from './trace-format.js';
import { splitLines } from './split-lines.js';
import { splitCells } from './split-cells.js';
import { ArrivalOrder } from './arrival-order.js';
import { parseCountCell } from './token-count.js';
import { parseCivilTimestampUs } from './civil-timestamp.js';
import { quoteInput } from '../core/quote-input.js';

const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens';
const FIELDS = HEADER.split(',');

/**
 * Azure LLM inference trace CSV (2023 and 2024 releases, Azure/AzurePublicDataset): header
 * `TIMESTAMP,ContextTokens,GeneratedTokens`, one request per row, sorted by arrival. The 2023 files use
 * CRLF and have no final newline; splitLines accepts both. No quoting occurs in these files, so a plain
 * split on commas is exact and keeps the 19,366-row conversation trace well under the 100 ms budget.
 */
function parseAzureCsv(text: string, file: string): TimedTrace {
  const problems = new ProblemList(file, { maxProblems: MAX_TRACE_PROBLEMS });
  const lines = splitLines(text);
  const records: TimedRecord[] = [];
  if (lines.length === 0 || lines[0].text.trim() !== HEADER) {
    problems.add('bad-header', lines[0]?.line ?? 1, 'header', `expected header '${HEADER}', got ${quoteInput(lines[0]?.text ?? '')}`);
    problems.throwIfAny();
  }
  const order = new ArrivalOrder(problems, 'TIMESTAMP');
  for (let i = 1; i < lines.length; i++) {
    const { line, text: row } = lines[i];
    const cells = splitCells(row);
    if (cells.length !== FIELDS.length) {
      const field = FIELDS[Math.min(cells.length, FIELDS.length - 1)];
      problems.add('malformed-line', line, field, `expected ${FIELDS.length} comma-separated fields, got ${cells.length}${cells.length < FIELDS.length ? ' (truncated line?)' : ' (a comma inside a field, or a column too many?)'}`);
      continue;
    }
    const arrivalUs = parseCivilTimestampUs(cells[0]);
    if (typeof arrivalUs === 'string') problems.add('bad-timestamp', line, 'TIMESTAMP', arrivalUs);
    const promptTokens = parseCountCell(cells[1], line, 'ContextTokens', problems, 1);
    const outputTokens = parseCountCell(cells[2], line, 'GeneratedTokens', problems, 1);
    if (typeof arrivalUs === 'string' || promptTokens === null || outputTokens === null) continue;
    order.check(arrivalUs, line);
    records.push({ line, arrivalUs, promptTokens, outputTokens, hashIds: NO_HASH_IDS });
  }
  if (records.length === 0 && problems.isEmpty) problems.add('empty-trace', 0, '', 'no requests in file');
  problems.throwIfAny();
  return { kind: 'timed', file, format: 'azure-csv', hashBlockTokens: 0, records };
}

export const azureCsv: TraceFormat = {
  name: 'azure-csv',
  description: `Azure LLM inference trace CSV: ${HEADER}`,
  extensions: ['.csv'],
  sniff: (firstLine) => firstLine.trim() === HEADER,
  parse: parseAzureCsv,
};
