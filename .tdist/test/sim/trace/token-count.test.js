import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCountValue, parseCountCell } from '../../../sim/trace/token-count.js';
import { ProblemList } from '../../../sim/input/problem-list.js';
test('CSV cells: plain digits, padded and exponent forms of whole numbers are counts', () => {
    const problems = new ProblemList('f.csv');
    assert.deepEqual(['0', '42', ' 17 ', '1e3', '+5'].map((c) => parseCountCell(c, 1, 'n', problems, 0)), [0, 42, 17, 1000, 5]);
    assert.ok(problems.isEmpty);
});
test('CSV cells and JSON values that are not counts return null and record one coded problem each', () => {
    const problems = new ProblemList('f');
    const cells = ['', 'x', '-1', '2.5', '0'];
    assert.deepEqual(cells.map((c, i) => parseCountCell(c, i + 1, 'n', problems, 1)), [null, null, null, null, null]);
    const values = [undefined, '3', null, -2, 1.5, 0, Infinity];
    assert.deepEqual(values.map((v, i) => checkCountValue(v, 10 + i, 'n', problems, 1)), values.map(() => null));
    assert.throws(() => problems.throwIfAny(), (e) => {
        assert.deepEqual(e.problems?.map((p) => `${p.line}:${p.code}`), ['1:non-numeric', '2:non-numeric', '3:negative-count', '4:non-integer-count', '5:zero-count', '10:missing-field', '11:non-numeric', '12:non-numeric', '13:negative-count', '14:non-integer-count', '15:zero-count', '16:non-numeric']);
        return true;
    });
});
