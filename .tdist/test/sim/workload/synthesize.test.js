import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synthesizeRequests } from '../../../sim/workload/synthesize.js';
import { createRng } from '../../../sim/core/rng.js';
const table = [
    { line: 2, promptTokens: 10, outputTokens: 1, hashIds: [7] },
    { line: 3, promptTokens: 20, outputTokens: 2, hashIds: [] },
    { line: 4, promptTokens: 30, outputTokens: 3, hashIds: [] },
];
test('pairs each arrival with a row drawn uniformly from the table, origins pointing at the row', () => {
    const arrivals = Array.from({ length: 3000 }, (_, i) => i * 10);
    const r = synthesizeRequests(table, 'lengths.csv', arrivals, createRng(1, 'lengths'));
    assert.deepEqual(r.map((x) => x.arrivalUs), arrivals);
    assert.deepEqual(r.map((x) => x.id), arrivals.map((_, i) => i));
    for (const x of r)
        assert.equal(x.origin, `lengths.csv:${x.promptTokens / 10 + 1}`);
    const share = r.filter((x) => x.promptTokens === 20).length / r.length;
    assert.ok(Math.abs(share - 1 / 3) < 0.03, `row 3 drawn ${share}`);
    assert.ok(r.every((x) => x.hashIds.length === 0 && x.hashBlockTokens === 0), 'no invented prefix reuse');
});
