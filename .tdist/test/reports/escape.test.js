import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertScriptSafe, escapeHtml, jsonForScript } from '../../reports/escape.js';
import { HOSTILE } from '../util/report-fixtures.js';
test('escapeHtml leaves no markup characters', () => {
    const out = escapeHtml(HOSTILE);
    assert.doesNotMatch(out, /[<>"']/);
    assert.match(out, /^&#60;\/script&#62;/);
});
test('jsonForScript cannot close its script element and reads back unchanged', () => {
    const value = { label: HOSTILE, nested: [HOSTILE, 1, null] };
    const out = jsonForScript(value);
    assert.doesNotMatch(out, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(out), value);
});
test('assertScriptSafe refuses code that would end an inline script, in any case', () => {
    assert.throws(() => assertScriptSafe('var s = "</SCRIPT>";', 'x.js'), /x\.js contains '<\/SCRIPT'/);
    assert.throws(() => assertScriptSafe('a <!-- b', 'y.js'), /<!--/);
    assert.equal(assertScriptSafe('var ok = 1 < 2;', 'z.js'), 'var ok = 1 < 2;');
});
