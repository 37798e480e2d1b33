import { quoteInput } from '../core/quote-input.js';
import { numberProblem, type NumberRule } from './number-rule.js';
import type { ProblemList } from './problem-list.js';

/**
 * Reads a CSV table that duetsim wrote (--requests-csv, --iterations-csv) back in: a header row, then one
 * record per row, cells addressed by column name, every problem located by file, line and column name.
 *
 * Cells may be quoted as RFC 4180 quotes them, which is how the writers quote a request's origin
 * (`"a,b"`, `"say ""hi"""`, a quoted line break); a quoted line break continues the record, so a record
 * is located at the line it starts on. Columns the reader does not ask for are ignored, so a writer may
 * add columns without breaking older readers; a column it asks for and the header lacks is one problem
 * at the header, not one per row.
 */
export interface CsvRecord {
  /** 1-based line the record starts on. */
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Splits CSV text into records, blank lines left out (but counted). An unterminated quote is a problem
 * at the line the record starts on; the records before it are kept. A line without a quote (nearly all
 * of them: only an origin holding a comma or quote is quoted) is cut with indexOf and slice; reading
 * character by character made a 440,000-step table take seconds.
 */
export function csvRecords(text: string, problems: ProblemList, code: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  // A UTF-8 byte-order mark would otherwise become part of the first column's name.
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  // The next quote at or after pos, found again only once passed: searching from every line would scan
  // the rest of a file without quotes once per line.
  let quote = text.indexOf('"', pos);
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (quote >= 0 && quote < pos) quote = text.indexOf('"', pos);
    if (quote < 0 || quote >= stop) {
      const cells = splitPlain(text, pos, stop);
      if (cells.length > 1 || cells[0].trim() !== '') out.push({ line, cells });
      pos = end + 1;
      line++;
      continue;
    }
    const record = quotedRecord(text, pos, line);
    if (record === null) {
      problems.add(code, line, '', 'a quoted cell is not closed before the end of the file (a file cut short?)');
      break;
    }
    out.push({ line, cells: record.cells });
    pos = record.next;
    line = record.nextLine;
  }
  return out;
}

function splitPlain(text: string, from: number, stop: number): string[] {
  const cells: string[] = [];
  let start = from;
  for (;;) {
    const comma = text.indexOf(',', start);
    if (comma < 0 || comma >= stop) break;
    cells.push(text.slice(start, comma));
    start = comma + 1;
  }
  cells.push(text.slice(start, stop));
  return cells;
}

/** One record with quoted cells, from `pos` to its end of line; null when a quote is never closed. */
function quotedRecord(text: string, pos: number, line: number): { cells: string[]; next: number; nextLine: number } | null {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  let i = pos;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n') break;
    else if (c !== '\r' || text[i + 1] !== '\n') cell += c;
  }
  if (quoted) return null;
  cells.push(cell);
  return { cells, next: i + 1, nextLine: line + 1 };
}

/** The header's columns by name, checked to hold every column the reader needs. */
export class CsvColumns {
  private constructor(
    private readonly index: ReadonlyMap<string, number>,
    readonly width: number,
  ) {}

  /** Null (and one problem at the header's line) when a needed column is missing or the file is empty. */
  static read(header: CsvRecord | undefined, needed: readonly string[], problems: ProblemList, code: string): CsvColumns | null {
    if (header === undefined) {
      problems.add(code, 0, '', `the file is empty; expected a header row: ${needed.join(',')}`);
      return null;
    }
    const index = new Map<string, number>();
    header.cells.forEach((name, i) => index.has(name.trim()) || index.set(name.trim(), i));
    const missing = needed.filter((n) => !index.has(n));
    if (missing.length > 0) {
      problems.add(code, header.line, missing[0], `the header lacks column(s) ${missing.join(', ')}; expected ${needed.join(',')}, got ${quoteInput(header.cells.join(','))}`);
      return null;
    }
    return new CsvColumns(index, header.cells.length);
  }

  cellOf(record: CsvRecord, column: string): string {
    return record.cells[this.index.get(column) as number] ?? '';
  }
}

/**
 * Typed cells of one record, as JsonFields reads JSON: a bad cell is recorded (code `<prefix>bad-cell`,
 * located at the record's line and the column's name) and read as a harmless value so the rest of the
 * file is still checked; the caller ends with `problems.throwIfAny()`.
 */
export class CsvCells {
  constructor(
    readonly record: CsvRecord,
    private readonly columns: CsvColumns,
    readonly problems: ProblemList,
    private readonly codePrefix: string,
  ) {}

  /** A record with another number of cells than the header: it was cut short or has a stray comma. */
  static forRecord(record: CsvRecord, columns: CsvColumns, problems: ProblemList, codePrefix: string): CsvCells | null {
    if (record.cells.length !== columns.width) {
      problems.add(`${codePrefix}bad-row`, record.line, '', `expected ${columns.width} comma-separated cells as in the header, got ${record.cells.length} (a line cut short?)`);
      return null;
    }
    return new CsvCells(record, columns, problems, codePrefix);
  }

  fail(column: string, message: string): void {
    this.problems.add(`${this.codePrefix}bad-cell`, this.record.line, column, message);
  }

  str(column: string): string {
    return this.columns.cellOf(this.record, column);
  }

  /** A number keeping `rule` (minimum 0 unless it says otherwise); NaN after a problem. */
  num(column: string, rule: NumberRule = {}): number {
    const text = this.str(column).trim();
    const v = text === '' ? NaN : Number(text);
    // The common case without building a rule: tables run to hundreds of thousands of rows.
    const min = rule.min ?? 0;
    if (Number.isFinite(v) && (rule.minExclusive ? v > min : v >= min) && (rule.max === undefined || v <= rule.max) && (!rule.integer || Number.isSafeInteger(v))) return v;
    const problem = numberProblem(v, { ...rule, min });
    if (problem === null) return v;
    this.fail(column, problem.code === 'wrong-type' ? `${problem.message}, got ${quoteInput(text)}` : problem.message);
    return NaN;
  }

  int(column: string, min = 0): number {
    return this.num(column, { integer: true, min });
  }

  /** A number, or null where the cell is empty (the writers leave a figure a request does not have empty). */
  optionalNum(column: string, rule: NumberRule = {}): number | null {
    return this.str(column).trim() === '' ? null : this.num(column, rule);
  }

  oneOf<T extends string>(column: string, allowed: readonly T[]): T {
    const v = this.str(column).trim();
    if (!(allowed as readonly string[]).includes(v)) this.fail(column, `expected one of ${allowed.join(', ')}, got ${quoteInput(v)}`);
    return v as T;
  }

  /** 1 or 0, as the writers spell a flag. */
  flag(column: string): boolean {
    const v = this.str(column).trim();
    if (v !== '0' && v !== '1') this.fail(column, `expected 1 or 0, got ${quoteInput(v)}`);
    return v === '1';
  }
}
