import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateChecks, LIVE_CHECKS, relativeError, STRETCH_SHARE } from '../../../calibrate/live-compare/checks.js';
const figures = (simulated, measured) => Object.fromEntries(LIVE_CHECKS.map((c) => [c.figure, { simulated, measured }]));
test('the limits are the issue\'s, in one table, and the stretch column is half of each', () => {
    assert.deepEqual(LIVE_CHECKS.map((c) => [c.name, c.figure, c.limit]), [
        ['TTFT p50 within 10%', 'ttft_p50', 0.1],
        ['TTFT p99 within 15%', 'ttft_p99', 0.15],
        ['TBT p50 within 5%', 'tbt_p50', 0.05],
        ['TBT p99 within 10%', 'tbt_p99', 0.1],
        ['throughput within 3%', 'throughput_rps', 0.03],
    ]);
    assert.equal(STRETCH_SHARE, 0.5);
    assert.deepEqual(evaluateChecks(figures(1, 1)).map((c) => c.stretch.limit), [0.05, 0.075, 0.025, 0.05, 0.015]);
});
test('a check passes at its limit exactly, on either side, and fails just past it', () => {
    for (const spec of LIVE_CHECKS) {
        const at = (simulated) => evaluateChecks({ ...figures(100, 100), [spec.figure]: { simulated, measured: 100 } }).find((c) => c.figure === spec.figure);
        const over = at(100 * (1 + spec.limit));
        assert.equal(over.error, spec.limit, spec.name);
        assert.equal(over.pass, true, spec.name);
        assert.equal(at(100 * (1 - spec.limit)).pass, true, spec.name);
        assert.equal(at(100 * (1 + spec.limit) + 0.001).pass, false, spec.name);
        assert.equal(at(100 * (1 - spec.limit) - 0.001).pass, false, spec.name);
        // Between the stretch limit and the limit: passes, stretch not met.
        const between = at(100 * (1 + spec.limit * 0.75));
        assert.deepEqual([between.pass, between.stretch.pass], [true, false], spec.name);
        assert.equal(at(100 * (1 + spec.limit * STRETCH_SHARE)).stretch.pass, true, spec.name);
    }
});
test('a check without both figures, or against 0, fails: no evidence is not a pass', () => {
    for (const [s, m] of [[null, 1], [1, null], [1, 0], [NaN, 1]]) {
        const c = evaluateChecks(figures(s, m))[0];
        assert.equal(c.error, null);
        assert.equal(c.pass, false);
        assert.equal(c.stretch.pass, false);
    }
    assert.equal(relativeError(0, 5), -1);
});
