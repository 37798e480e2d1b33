import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nelderMead } from '../../calibrate/nelder-mead.js';
test('finds the minimum of the Rosenbrock function', () => {
    const rosen = (x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2;
    const m = nelderMead(rosen, [-1.2, 1], { step: [0.5, 0.5], maxEvaluations: 5000, fTolerance: 1e-20 });
    assert.ok(Math.abs(m.x[0] - 1) < 1e-4 && Math.abs(m.x[1] - 1) < 1e-4, String(m.x));
});
test('is deterministic and respects the evaluation budget', () => {
    const f = (x) => x.reduce((s, v, i) => s + (v - i) ** 2, 0);
    const a = nelderMead(f, [5, 5, 5, 5], { step: [1, 1, 1, 1], maxEvaluations: 50, fTolerance: 0 });
    const b = nelderMead(f, [5, 5, 5, 5], { step: [1, 1, 1, 1], maxEvaluations: 50, fTolerance: 0 });
    assert.deepEqual(a, b);
    assert.ok(a.evaluations <= 50 + 4);
});
