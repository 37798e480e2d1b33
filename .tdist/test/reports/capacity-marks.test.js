import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attainmentCrossingQps, capacityMarks, offeredOnMeasuredAxis } from '../../reports/capacity-marks.js';
const at = (...pairs) => pairs.map(([rateQps, attainment]) => ({ rateQps, attainment }));
test('the crossing is interpolated between the last rate that met the target and the first that missed it', () => {
    // Between 2 (0.95) and 4 (0.70): 0.05 of the 0.25 drop is above 0.9, so 2 + 0.2 · 2 = 2.4.
    assert.ok(Math.abs(attainmentCrossingQps(at([1, 1], [2, 0.95], [4, 0.7]), 0.9) - 2.4) < 1e-12);
    // Input order does not matter.
    assert.ok(Math.abs(attainmentCrossingQps(at([4, 0.7], [1, 1], [2, 0.95]), 0.9) - 2.4) < 1e-12);
    // A point exactly on the target met it: the crossing is that point's rate.
    assert.equal(attainmentCrossingQps(at([1, 0.9], [3, 0.5]), 0.9), 1);
});
test('only the first fall below the target counts', () => {
    // Falls between 1 (1.0) and 2 (0.8): 1 + 0.1/0.2 = 1.5, although it is back at 0.95 at rate 3.
    assert.equal(attainmentCrossingQps(at([1, 1], [2, 0.8], [3, 0.95], [4, 0.5]), 0.9), 1.5);
});
test('no crossing when the line never drops below the target, starts below it, or is empty', () => {
    assert.equal(attainmentCrossingQps(at([1, 1], [2, 0.95], [4, 0.91]), 0.9), null);
    assert.equal(attainmentCrossingQps(at([1, 0.8], [2, 0.5]), 0.9), null);
    assert.equal(attainmentCrossingQps(at([1, 0.85], [2, 0.95], [3, 0.5]), 0.9), null);
    assert.equal(attainmentCrossingQps([], 0.9), null);
});
test('an offered rate is placed on the measured axis through the line’s points, by ratio outside them', () => {
    const pts = [{ offeredQps: 1, measuredQps: 0.9 }, { offeredQps: 4, measuredQps: 3.6 }, { offeredQps: 2, measuredQps: 1.9 }];
    assert.ok(Math.abs(offeredOnMeasuredAxis(3, pts) - 2.75) < 1e-12); // 1.9 + 0.5 · (3.6 − 1.9)
    assert.ok(Math.abs(offeredOnMeasuredAxis(8, pts) - 7.2) < 1e-12); // 8 · 3.6/4
    assert.ok(Math.abs(offeredOnMeasuredAxis(0.5, pts) - 0.45) < 1e-12); // 0.5 · 0.9/1
    assert.equal(offeredOnMeasuredAxis(2, pts), 1.9);
});
const sweepPoint = (series, rateQps, attainment) => ({
    series, policy: series, coords: { policy: series }, rateQps, arrivalRateQps: rateQps * 0.5, measured: true, seeds: 1,
    mean: (pick) => pick({ slo_attainment: attainment }),
});
const searched = (series, capacityQps) => ({ series, policy: series, capacityQps, bracket: [capacityQps, capacityQps + 1], converged: true, probeCount: 5 });
test('a capacity search answer is preferred to the crossing; lines with neither get no mark', () => {
    const points = [
        sweepPoint('searched', 2, 1), sweepPoint('searched', 4, 0.5),
        sweepPoint('crossing', 2, 1), sweepPoint('crossing', 4, 0.8),
        sweepPoint('never', 2, 1), sweepPoint('never', 4, 0.95),
    ];
    assert.deepEqual(capacityMarks(points, [searched('searched', 3), searched('not swept', 9)], 0.9), [
        // Measured = offered / 2 along the crossing line: crossing at 1 + 0.5 · 1 = 1.5 measured.
        { series: 'crossing', axisQps: 1.5, capacityQps: 1.5, source: 'crossing' },
        // The search said 3 requests/s offered: 1.5 on the measured axis, though the swept points alone would cross at 1.2.
        { series: 'searched', axisQps: 1.5, capacityQps: 3, source: 'capacity search' },
    ]);
});
