import { quoteInput } from '../core/quote-input.js';
/** Parses one JSONL line as an object; records a located problem and returns null otherwise. */
export function parseJsonObjectLine(text, line, problems) {
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (e) {
        problems.add('bad-json', line, '', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
        return null;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.add('bad-json', line, '', 'expected a JSON object per line');
        return null;
    }
    return value;
}
/** Unknown keys are errors, so a typo ("output_len") never turns into a silently missing field. */
export function checkKnownKeys(obj, known, line, problems) {
    for (const key of Object.keys(obj)) {
        if (!known.includes(key))
            problems.add('unknown-field', line, quoteInput(key).slice(1, -1), `unknown field ${quoteInput(key)} (expected ${known.join(', ')})`);
    }
}
/**
 * Splits JSON Lines the way duetsim's appending writers leave them: each record is one write ending in
 * '\n', so anything after the last newline is a record cut short. What a reader does with that tail is
 * its own rule (a study resuming cuts it off; a report reads it if it is whole JSON).
 */
export function splitJsonLines(text) {
    const lastNewline = text.lastIndexOf('\n');
    const complete = text.slice(0, lastNewline + 1);
    const rows = complete.split('\n');
    rows.pop(); // the empty string after the final '\n'
    const lines = rows.flatMap((t, i) => (t.trim() === '' ? [] : [{ line: i + 1, text: t }]));
    return { lines, tail: text.slice(lastNewline + 1), tailLine: rows.length + 1, completeBytes: Buffer.byteLength(complete) };
}
