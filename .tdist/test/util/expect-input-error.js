import assert from 'node:assert/strict';
import { InputError } from '../../sim/core/input-error.js';
/**
 * Runs `fn`, asserts it throws an InputError, and checks each expected problem is among those reported,
 * matched on every given key, and that one line of the message names its place as "file:line[:column] [field]"
 * (columns where the input has them, as YAML configs do). Returns all problems.
 */
export function expectInputError(fn, expected) {
    let caught;
    try {
        fn();
    }
    catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof InputError, `expected an InputError, got ${caught === undefined ? 'no error' : String(caught)}`);
    for (const want of expected) {
        const hit = caught.problems.find((p) => Object.entries(want).every(([k, v]) => p[k] === v));
        assert.ok(hit, `no problem matching ${JSON.stringify(want)} in:\n${caught.message}`);
        const where = hit.line > 0 ? `${hit.file}:${hit.line}${hit.column > 0 ? `:${hit.column}` : ''}` : hit.file;
        const shown = caught.message.split('\n').some((l) => l.startsWith(where) && (hit.field === '' || l.includes(`[${hit.field}]`)));
        assert.ok(shown, `no message line starts with '${where}' and names [${hit.field}]:\n${caught.message}`);
    }
    return caught.problems;
}
