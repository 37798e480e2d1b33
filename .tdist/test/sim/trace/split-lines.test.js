import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLines } from '../../../sim/trace/split-lines.js';
test('CRLF, LF, blank lines, a BOM and no final newline all keep editor line numbers', () => {
    assert.deepEqual(splitLines('\uFEFFa\r\nb\r\n\r\n  \nc'), [
        { line: 1, text: 'a' },
        { line: 2, text: 'b' },
        { line: 5, text: 'c' },
    ]);
    assert.deepEqual(splitLines('x\n'), [{ line: 1, text: 'x' }]);
    assert.deepEqual(splitLines(''), []);
});
