import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampAndRound, memoryEffBound, opPoints, outOfBounds, tieTails, withClassTails } from '../../calibrate/fit-efficiency.js';
/** The physical bound and the per-class tail slots of the fitter's parameter vector (issue 11, fifth round). */
const NC = 5;
const curve = [
    { smCount: 8, value: 1e12 },
    { smCount: 132, value: 4e12 },
];
const record = {
    kind: 'op',
    id: 'gemm-n8-4096x4096-s132',
    smCount: 132,
    shape: { op: 'gemm', n: 8, dIn: 4096, dOut: 4096 },
    medianUs: 20,
    p10Us: 19,
    p90Us: 21,
    reps: 8,
    source: { file: 'x.jsonl', line: 2 },
};
const bw = { perSmBytesPerS: 1e11, maxBytesPerS: 4.48e12, knee: 2 };
test('physics points bound memory efficiency at the datasheet bandwidth over B_max; ceiling points keep 1.5', () => {
    const physics = opPoints([record], curve, curve, [], bw, {}, 4.8e12);
    assert.ok(Math.abs(physics[0].logMemoryEffMax - Math.log(4.8 / 4.48)) < 1e-12);
    assert.equal(memoryEffBound(physics), physics[0].logMemoryEffMax);
    const ceiling = opPoints([record], curve, curve, [], null, {}, 4.8e12);
    assert.ok(Math.abs(ceiling[0].logMemoryEffMax - Math.log(1.5)) < 1e-12);
    // A datasheet above 1.5 × B_max still caps at 1.5.
    assert.ok(Math.abs(opPoints([record], curve, curve, [], bw, {}, 9e12)[0].logMemoryEffMax - Math.log(1.5)) < 1e-12);
});
test('the bound penalises and clamps memory slots only, and rounding never steps over it', () => {
    const bound = Math.log(4.8 / 4.48); // 1.0714…
    const x = new Array(3 * NC + 3).fill(0);
    x[1] = Math.log(1.2); // gemm memory: over the bound
    x[0] = Math.log(1.2); // gemm compute: within its own 1.5
    assert.equal(outOfBounds(x), 0, 'without the bound 1.2 is allowed');
    assert.ok(outOfBounds(x, bound) > 0);
    const y = clampAndRound(x, bound);
    assert.equal(Math.exp(y[1]), 1.071, 'clamped to the bound, rounded down to 4 digits (1.0714 → 1.071)');
    assert.equal(Math.exp(y[0]), 1.2, 'a compute slot is not a memory slot');
    // 1.07156 as a bound: round-to-nearest would write 1.072, over it.
    const z = clampAndRound(x, Math.log(1.07156));
    assert.equal(Math.exp(z[1]), 1.071);
});
test('per-class tail slots: copied from the shared tail, tied back for classes not freed', () => {
    const x = new Array(3 * NC + 3).fill(0.5);
    x[2 * NC] = Math.log(2);
    const t = withClassTails(x);
    assert.equal(t.length, 4 * NC + 3);
    assert.deepEqual(t.slice(3 * NC + 3), new Array(NC).fill(Math.log(2)));
    t[3 * NC + 3 + 2] = Math.log(8); // attn_decode
    t[3 * NC + 3 + 3] = Math.log(1); // elementwise
    const tied = tieTails(t, ['attn_decode']);
    assert.equal(tied[3 * NC + 3 + 2], Math.log(8), 'attn_decode keeps its own');
    assert.equal(tied[3 * NC + 3 + 3], Math.log(2), 'elementwise back to the shared tail');
    assert.deepEqual(tieTails(x, ['attn_decode']), x, 'no per-class slots: unchanged');
    assert.throws(() => withClassTails([1, 2, 3]), /physics form's/);
});
