import { quoteInput } from '../core/quote-input.js';
import { numberProblem } from './number-rule.js';
/**
 * Splits CSV text into records, blank lines left out (but counted). An unterminated quote is a problem
 * at the line the record starts on; the records before it are kept. A line without a quote (nearly all
 * of them: only an origin holding a comma or quote is quoted) is cut with indexOf and slice; reading
 * character by character made a 440,000-step table take seconds.
 */
export function csvRecords(text, problems, code) {
    const out = [];
    // A UTF-8 byte-order mark would otherwise become part of the first column's name.
    let pos = text.startsWith('\uFEFF') ? 1 : 0;
    let line = 1;
    // The next quote at or after pos, found again only once passed: searching from every line would scan
    // the rest of a file without quotes once per line.
    let quote = text.indexOf('"', pos);
    while (pos < text.length) {
        let end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.length;
        const stop = end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
        if (quote >= 0 && quote < pos)
            quote = text.indexOf('"', pos);
        if (quote < 0 || quote >= stop) {
            const cells = splitPlain(text, pos, stop);
            if (cells.length > 1 || cells[0].trim() !== '')
                out.push({ line, cells });
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
function splitPlain(text, from, stop) {
    const cells = [];
    let start = from;
    for (;;) {
        const comma = text.indexOf(',', start);
        if (comma < 0 || comma >= stop)
            break;
        cells.push(text.slice(start, comma));
        start = comma + 1;
    }
    cells.push(text.slice(start, stop));
    return cells;
}
/** One record with quoted cells, from `pos` to its end of line; null when a quote is never closed. */
function quotedRecord(text, pos, line) {
    const cells = [];
    let cell = '';
    let quoted = false;
    let i = pos;
    for (; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
            if (c === '"' && text[i + 1] === '"') {
                cell += '"';
                i++;
            }
            else if (c === '"')
                quoted = false;
            else {
                if (c === '\n')
                    line++;
                cell += c;
            }
        }
        else if (c === '"' && cell === '')
            quoted = true;
        else if (c === ',') {
            cells.push(cell);
            cell = '';
        }
        else if (c === '\n')
            break;
        else if (c !== '\r' || text[i + 1] !== '\n')
            cell += c;
    }
    if (quoted)
        return null;
    cells.push(cell);
    return { cells, next: i + 1, nextLine: line + 1 };
}
/** The header's columns by name, checked to hold every column the reader needs. */
export class CsvColumns {
    index;
    width;
    constructor(index, width) {
        this.index = index;
        this.width = width;
    }
    /** Null (and one problem at the header's line) when a needed column is missing or the file is empty. */
    static read(header, needed, problems, code) {
        if (header === undefined) {
            problems.add(code, 0, '', `the file is empty; expected a header row: ${needed.join(',')}`);
            return null;
        }
        const index = new Map();
        header.cells.forEach((name, i) => index.has(name.trim()) || index.set(name.trim(), i));
        const missing = needed.filter((n) => !index.has(n));
        if (missing.length > 0) {
            problems.add(code, header.line, missing[0], `the header lacks column(s) ${missing.join(', ')}; expected ${needed.join(',')}, got ${quoteInput(header.cells.join(','))}`);
            return null;
        }
        return new CsvColumns(index, header.cells.length);
    }
    cellOf(record, column) {
        return record.cells[this.index.get(column)] ?? '';
    }
}
/**
 * Typed cells of one record, as JsonFields reads JSON: a bad cell is recorded (code `<prefix>bad-cell`,
 * located at the record's line and the column's name) and read as a harmless value so the rest of the
 * file is still checked; the caller ends with `problems.throwIfAny()`.
 */
export class CsvCells {
    record;
    columns;
    problems;
    codePrefix;
    constructor(record, columns, problems, codePrefix) {
        this.record = record;
        this.columns = columns;
        this.problems = problems;
        this.codePrefix = codePrefix;
    }
    /** A record with another number of cells than the header: it was cut short or has a stray comma. */
    static forRecord(record, columns, problems, codePrefix) {
        if (record.cells.length !== columns.width) {
            problems.add(`${codePrefix}bad-row`, record.line, '', `expected ${columns.width} comma-separated cells as in the header, got ${record.cells.length} (a line cut short?)`);
            return null;
        }
        return new CsvCells(record, columns, problems, codePrefix);
    }
    fail(column, message) {
        this.problems.add(`${this.codePrefix}bad-cell`, this.record.line, column, message);
    }
    str(column) {
        return this.columns.cellOf(this.record, column);
    }
    /** A number keeping `rule` (minimum 0 unless it says otherwise); NaN after a problem. */
    num(column, rule = {}) {
        const text = this.str(column).trim();
        const v = text === '' ? NaN : Number(text);
        // The common case without building a rule: tables run to hundreds of thousands of rows.
        const min = rule.min ?? 0;
        if (Number.isFinite(v) && (rule.minExclusive ? v > min : v >= min) && (rule.max === undefined || v <= rule.max) && (!rule.integer || Number.isSafeInteger(v)))
            return v;
        const problem = numberProblem(v, { ...rule, min });
        if (problem === null)
            return v;
        this.fail(column, problem.code === 'wrong-type' ? `${problem.message}, got ${quoteInput(text)}` : problem.message);
        return NaN;
    }
    int(column, min = 0) {
        return this.num(column, { integer: true, min });
    }
    /** A number, or null where the cell is empty (the writers leave a figure a request does not have empty). */
    optionalNum(column, rule = {}) {
        return this.str(column).trim() === '' ? null : this.num(column, rule);
    }
    oneOf(column, allowed) {
        const v = this.str(column).trim();
        if (!allowed.includes(v))
            this.fail(column, `expected one of ${allowed.join(', ')}, got ${quoteInput(v)}`);
        return v;
    }
    /** 1 or 0, as the writers spell a flag. */
    flag(column) {
        const v = this.str(column).trim();
        if (v !== '0' && v !== '1')
            this.fail(column, `expected 1 or 0, got ${quoteInput(v)}`);
        return v === '1';
    }
}
