import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketLabel, driftReport, MAX_POINTS_PER_LANE } from '../../../calibrate/closed-loop/drift.js';
import { executedTimeline, predictedAsMeasured } from '../../../calibrate/closed-loop/rebuild.js';
import { parseSchedule } from '../../../calibrate/closed-loop/schedule.js';
import { emittedSchedule, TINY_MEASURED, TINY_SCHEDULE } from '../../util/closed-loop-fixtures.js';
test('buckets: 0, then ranges between the bounds, then above the last', () => {
    const b = [0, 128, 512];
    assert.deepEqual([0, 1, 128, 129, 512, 513].map((x) => bucketLabel(x, b)), ['0', '1–128', '1–128', '129–512', '129–512', '>512']);
});
test('hand case: per-lane ratios, shares of GPU time, decode steps classed during/after the prefill', () => {
    const s = parseSchedule(TINY_SCHEDULE, 'tiny.jsonl');
    const d = driftReport(s, TINY_MEASURED, executedTimeline(s, TINY_MEASURED));
    // Busy: 900 (step 0) + max(1100, 1000) (window) + 500 + 250.
    assert.equal(d.gpu_busy_us, 2750);
    const lane = Object.fromEntries(d.lanes.map((g) => [g.lane, g]));
    assert.equal(lane.aggregated.count, 3);
    assert.ok(Math.abs(lane.aggregated.mean_ratio - (900 / 850 + 500 / 450 + 1) / 3) < 1e-12);
    assert.ok(Math.abs(lane.aggregated.weighted_ratio - 1650 / 1550) < 1e-12);
    assert.ok(Math.abs(lane.aggregated.share_of_gpu_time - 1650 / 2750) < 1e-12);
    assert.deepEqual([lane['split-prefill'].measured_gpu_us, lane['split-prefill'].predicted_gpu_us], [1100, 1200]);
    assert.deepEqual([lane['split-decode'].measured_gpu_us, lane['split-decode'].predicted_gpu_us], [1000, 800]);
    // Both decode steps (0–450 and 450–1000) start before the prefill ends at 1100.
    const during = d.groups.find((g) => g.dimension === 'decode step vs prefill');
    assert.deepEqual([during?.value, during?.count, during?.mean_ratio], ['during the prefill', 2, (450 / 400 + 550 / 400) / 2]);
    assert.match(during?.hint ?? '', /contention/);
    const byFeature = d.groups.filter((g) => g.lane === 'aggregated' && g.dimension === 'prefill tokens').map((g) => [g.value, g.count]);
    assert.deepEqual(byFeature, [['0', 1], ['1–128', 1], ['129–512', 1]]);
    assert.ok(d.groups.some((g) => g.lane === 'split-prefill' && g.dimension === 'partition S_p/S_d' && g.value === '100/32'));
    // Every group has fewer than 5 items: none is ranked.
    assert.deepEqual(d.top, []);
    assert.deepEqual(d.over_time.map((p) => [p.lane, p.from_step, p.at_s]), [
        ['aggregated', 0, 0], ['aggregated', 2, 0.0023], ['aggregated', 3, 0.005], ['split-decode', 1, 0.00105], ['split-prefill', 1, 0.00105],
    ]);
});
test('decode steps slowed only while a prefill runs beside them rank first, named as contention', () => {
    const s = emittedSchedule('duetserve');
    const measured = predictedAsMeasured(s).map((m) => {
        if (m.mode !== 'split' || m.prefillEndUs === null)
            return m;
        const ends = [];
        let prevPredicted = 0;
        for (const e of m.decodeEndUs) {
            const start = ends.length > 0 ? ends[ends.length - 1] : 0;
            ends.push(start + (e - prevPredicted) * (start < m.prefillEndUs ? 1.3 : 1));
            prevPredicted = e;
        }
        return { ...m, decodeEndUs: ends };
    });
    const d = driftReport(s, measured, executedTimeline(s, measured));
    // A partition whose windows' steps all ran beside the prefill has the same ratio (1.3, up to rounding); the steps,
    // more items, rank first.
    const top = d.top[0];
    assert.deepEqual([top.lane, top.dimension, top.value], ['split-decode-step', 'decode step vs prefill', 'during the prefill']);
    assert.ok(Math.abs(top.mean_ratio - 1.3) < 1e-9);
    assert.ok(top.count >= 5 && top.share_of_gpu_time > 0 && top.share_of_gpu_time < 1);
    const after = d.groups.find((g) => g.dimension === 'decode step vs prefill' && g.value !== 'during the prefill');
    if (after)
        assert.ok(Math.abs(after.mean_ratio - 1) < 1e-6);
    assert.ok(d.lanes.find((g) => g.lane === 'aggregated').mean_ratio - 1 < 1e-6);
});
test('long runs: the ratio over time is binned to at most MAX_POINTS_PER_LANE points per lane, covering every step', () => {
    const s = emittedSchedule('chunked');
    const m = predictedAsMeasured(s);
    const d = driftReport(s, m, executedTimeline(s, m));
    const pts = d.over_time.filter((p) => p.lane === 'aggregated');
    assert.ok(s.steps.length > MAX_POINTS_PER_LANE && pts.length <= MAX_POINTS_PER_LANE && pts.length > MAX_POINTS_PER_LANE / 2);
    assert.equal(pts[0].from_step, 0);
    assert.equal(pts[pts.length - 1].to_step, s.steps.length - 1);
    for (let i = 1; i < pts.length; i++)
        assert.equal(pts[i].from_step, pts[i - 1].to_step + 1);
});
