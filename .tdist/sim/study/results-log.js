import { closeSync, existsSync, openSync, truncateSync, writeSync } from 'node:fs';
import { quoteJson } from '../core/quote-input.js';
import { readTextFile } from '../core/read-text.js';
import { ProblemList } from '../input/problem-list.js';
import { splitJsonLines } from '../input/json-line.js';
/**
 * The study results file: JSON Lines, one finished point (or capacity answer) per line, appended as
 * each finishes. A line is written with a single write ending in '\n', so a study killed mid-write
 * leaves at most one unterminated last line, which readers ignore and resume cuts off.
 */
export { STUDY_LINE_SCHEMA } from '../input/file-formats.js';
import { STUDY_LINE_SCHEMA } from '../input/file-formats.js';
/** Reads a study JSONL file. Malformed complete lines are errors located by line number. */
export function parseStudyLog(text, file) {
    const lines = [];
    const lineNumbers = [];
    const problems = new ProblemList(file);
    const split = splitJsonLines(text);
    split.lines.forEach(({ line, text: raw }) => {
        const problem = (message, field = '') => problems.add('study-log-bad-line', line, field, message);
        let value;
        try {
            value = JSON.parse(raw);
        }
        catch (e) {
            return problem(`not valid JSON: ${e.message}`);
        }
        const missing = lineShapeProblem(value);
        if (missing !== null)
            return problem(missing.message, missing.field);
        lines.push(value);
        lineNumbers.push(line);
    });
    problems.throwIfAny();
    return { lines, lineNumbers, completeBytes: split.completeBytes, partialTail: split.tail.trim() !== '' };
}
function lineShapeProblem(v) {
    if (v === null || typeof v !== 'object' || Array.isArray(v))
        return { field: '', message: 'expected a JSON object' };
    const o = v;
    if (o.schema !== STUDY_LINE_SCHEMA)
        return { field: 'schema', message: `expected schema '${STUDY_LINE_SCHEMA}', got ${quoteJson(o.schema)}` };
    if (typeof o.study !== 'string')
        return { field: 'study', message: 'expected the study hash (a string)' };
    if (o.kind === 'point') {
        if (typeof o.point_id !== 'string')
            return { field: 'point_id', message: 'expected a string' };
        if (o.summary === null || typeof o.summary !== 'object')
            return { field: 'summary', message: 'expected an object' };
        return null;
    }
    if (o.kind === 'capacity') {
        if (typeof o.setting_id !== 'string')
            return { field: 'setting_id', message: 'expected a string' };
        if (o.capacity === null || typeof o.capacity !== 'object')
            return { field: 'capacity', message: 'expected an object' };
        return null;
    }
    return { field: 'kind', message: `expected 'point' or 'capacity', got ${quoteJson(o.kind)}` };
}
export function readStudyLog(file) {
    return parseStudyLog(readTextFile(file, file), file);
}
/** The key a line is de-duplicated and resumed by. */
export function lineKey(line) {
    return line.kind === 'point' ? `point:${line.point_id}` : `capacity:${line.setting_id}`;
}
/** Appends lines to a study file. Opened once; each line is one write. */
export class StudyLogWriter {
    fd;
    constructor(fd) {
        this.fd = fd;
    }
    /** Starts a new file, replacing any old one. */
    static create(file) {
        return new StudyLogWriter(openSync(file, 'w'));
    }
    /** Continues a file: cuts a partial last line off first, so the next line starts on a line of its own. */
    static resume(file, log) {
        if (existsSync(file) && log.partialTail)
            truncateSync(file, log.completeBytes);
        return new StudyLogWriter(openSync(file, 'a'));
    }
    append(line) {
        writeSync(this.fd, JSON.stringify(line) + '\n');
    }
    close() {
        closeSync(this.fd);
    }
}
