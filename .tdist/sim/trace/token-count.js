import { MAX_TOKEN_COUNT } from '../core/limits.js';
import { quoteInput, quoteJson } from '../core/quote-input.js';
/**
 * Token counts are whole numbers. Prompts need at least one token and so do outputs (a request that
 * generates nothing never reaches decode and would distort every per-token metric), so both use min 1;
 * formats whose columns may legitimately be 0 pass min 0.
 */
/** Parses a CSV cell as a token count; records a located problem and returns null when it is not one. */
export function parseCountCell(cell, line, field, problems, min) {
    const plain = plainDigits(cell);
    if (plain >= 0)
        return checkMin(plain, line, field, problems, min);
    const t = cell.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
        const v = Number(t);
        if (v < 0)
            problems.add('negative-count', line, field, `token count must not be negative, got ${quoteInput(t)}`);
        else if (Number.isInteger(v))
            return checkMin(v, line, field, problems, min);
        else
            problems.add('non-integer-count', line, field, `token count must be a whole number, got ${quoteInput(t)}`);
        return null;
    }
    problems.add('non-numeric', line, field, t === '' ? 'missing value' : `expected a token count, got ${quoteInput(t)}`);
    return null;
}
/** Checks a JSON value as a token count; records a located problem and returns null when it is not one. */
export function checkCountValue(value, line, field, problems, min) {
    if (value === undefined) {
        problems.add('missing-field', line, field, `missing field '${field}'`);
        return null;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
        problems.add('non-numeric', line, field, `expected a token count, got ${quoteJson(value)}`);
        return null;
    }
    if (value < 0) {
        problems.add('negative-count', line, field, `token count must not be negative, got ${value}`);
        return null;
    }
    if (!Number.isInteger(value)) {
        problems.add('non-integer-count', line, field, `token count must be a whole number, got ${value}`);
        return null;
    }
    return checkMin(value, line, field, problems, min);
}
function checkMin(v, line, field, problems, min) {
    if (v > MAX_TOKEN_COUNT) {
        // 1e20 used to be accepted: beyond 2^53 it is not even the integer written, and the request was silently rejected.
        problems.add('count-too-large', line, field, `token count must be at most ${MAX_TOKEN_COUNT.toLocaleString('en-US')}, got ${v}`);
        return null;
    }
    if (v >= min)
        return v;
    problems.add('zero-count', line, field, `token count must be at least ${min}, got ${v}`);
    return null;
}
/**
 * The value of a cell made of 1–15 ASCII digits and nothing else, or -1. The common case, read with
 * charCodeAt: a regular expression per cell was a visible share of the Azure loader's time.
 */
function plainDigits(cell) {
    if (cell.length === 0 || cell.length > 15)
        return -1;
    let v = 0;
    for (let i = 0; i < cell.length; i++) {
        const c = cell.charCodeAt(i);
        if (c < 48 || c > 57)
            return -1;
        v = v * 10 + c - 48;
    }
    return v;
}
