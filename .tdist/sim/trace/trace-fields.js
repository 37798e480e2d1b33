import { quoteJson } from '../core/quote-input.js';
// Field checks shared by the JSONL trace formats; the line parsing itself is sim/input/json-line.ts.
/** A non-negative time in ms, converted to whole µs (the simulator clock's resolution). */
export function checkMsValue(value, line, field, problems) {
    if (value === undefined) {
        problems.add('missing-field', line, field, `missing field '${field}'`);
        return null;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        problems.add('bad-timestamp', line, field, `expected a non-negative time in ms, got ${quoteJson(value)}`);
        return null;
    }
    const us = Math.round(value * 1000);
    if (us > Number.MAX_SAFE_INTEGER) {
        // Beyond 2^53 µs a double no longer holds every µs; arrivals of 1e17 ms ended in "step priced at 0 µs".
        problems.add('time-out-of-range', line, field, `${value} ms is beyond 2^53 µs (285 years), where times lose µs precision`);
        return null;
    }
    return us;
}
/** An array of non-negative integer block hashes. */
export function checkHashIds(value, line, field, problems) {
    if (!Array.isArray(value)) {
        problems.add('bad-hash-ids', line, field, `expected an array of block hashes, got ${quoteJson(value)}`);
        return null;
    }
    for (let i = 0; i < value.length; i++) {
        const h = value[i];
        if (typeof h !== 'number' || !Number.isSafeInteger(h) || h < 0) {
            problems.add('bad-hash-ids', line, `${field}[${i}]`, `expected a non-negative integer below 2^53, got ${quoteJson(h)}`);
            return null;
        }
    }
    return value;
}
