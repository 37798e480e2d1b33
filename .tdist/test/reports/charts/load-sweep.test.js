import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attainmentChart } from '../../../reports/charts/load-sweep.js';
const point = (model, policy, rateQps, attainment) => ({
    series: `${policy} · ${model}`, policy, coords: { model, policy, rateQps: String(rateQps), seed: '0' }, spec: {}, rateQps, arrivalRateQps: rateQps,
    seed: 0, summary: { slo_attainment: attainment }, cdf: { ttft_ms: [], tbt_ms: [] },
});
const input = (studyPoints) => ({ title: 't', sources: [], runs: [], studyPoints, capacities: [], calibration: [], calibrationFiles: [] });
test('each capacity mark sits in its own panel, on the target line, in a guide_ layer', () => {
    const c = attainmentChart(input([
        point('a', 'vllm', 1, 1), point('a', 'vllm', 3, 0.5),
        point('b', 'vllm', 1, 1), point('b', 'vllm', 3, 0.95),
        point('b', 'duetserve', 1, 0.95), point('b', 'duetserve', 2, 0.85),
    ]));
    assert.ok(c !== null);
    const marks = c.rows.filter((r) => r.capacity_qps !== undefined);
    // a/vllm crosses at 1 + 0.1/0.5 · 2 = 1.4; b/duetserve at 1.5; b/vllm never falls below 0.9.
    assert.deepEqual(marks.map((r) => [r.panel, r.setting, Number(r.capacity_axis_qps.toFixed(9)), r.capacity_attainment]), [['b', 'duetserve', 1.5, 0.9], ['a', 'vllm', 1.4, 0.9]]);
    const layers = c.spec.spec.layer;
    assert.deepEqual(layers.map((l) => l.name ?? 'data'), ['data', 'guide_y_rule', 'guide_y_label', 'guide_capacity']);
});
test('no capacity layer when no line crosses the target', () => {
    const c = attainmentChart(input([point('a', 'vllm', 1, 1), point('a', 'vllm', 2, 0.95)]));
    assert.ok(c !== null);
    assert.ok(c.rows.every((r) => r.capacity_qps === undefined));
    assert.deepEqual(c.spec.layer.map((l) => l.name ?? 'data'), ['data', 'guide_y_rule', 'guide_y_label']);
});
