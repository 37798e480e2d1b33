import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCells } from '../../../sim/trace/split-cells.js';
test('splits on every comma like String.prototype.split, empty cells included', () => {
    for (const row of ['a,b,c', '2023-11-16 18:15:46.6805900,374,44', 'x', '', ',', 'a,,b,', '74,918,992,0.0806100217864923']) {
        assert.deepEqual(splitCells(row), row.split(','), JSON.stringify(row));
    }
});
