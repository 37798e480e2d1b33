import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControl, quoteInput, quoteJson } from '../../../sim/core/quote-input.js';
test('quoteInput quotes short text whole and cuts long text at 80 characters, saying how long it was', () => {
    assert.equal(quoteInput('12x'), "'12x'");
    assert.equal(quoteInput('y'.repeat(81)), `'${'y'.repeat(80)}…' (81 characters)`);
    assert.equal(quoteInput('z'.repeat(1_000_000), 3), "'zzz…' (1,000,000 characters)");
});
test('escapeControl writes C0, DEL, C1 and bidi controls as \\uXXXX and leaves other text alone', () => {
    assert.equal(escapeControl('a\u001b[2Jb\u0007\u007f\u009b\u202e\u2066c'), 'a\\u001b[2Jb\\u0007\\u007f\\u009b\\u202e\\u2066c');
    assert.equal(escapeControl('tab\tnew\nline', '\n\t'), 'tab\tnew\nline');
    assert.equal(escapeControl('tab\t'), 'tab\\u0009');
    const plain = 'Grüße, 東京 — ✓';
    assert.equal(escapeControl(plain), plain);
});
test('escaping keeps JSON valid and meaning the same', () => {
    const value = { gpu: 'H100\u007f\u0085\u202e' };
    assert.deepEqual(JSON.parse(escapeControl(JSON.stringify(value))), value);
});
test('quoteJson shows a value as JSON, cut the same way', () => {
    assert.equal(quoteJson('abc'), '"abc"');
    assert.equal(quoteJson(null), 'null');
    assert.equal(quoteJson(undefined), 'undefined');
    assert.equal(quoteJson('x'.repeat(100)), `"${'x'.repeat(79)}… (102 characters)`);
});
