import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitCount, meanRateQps, rescaleToRate, sampleFraction, timeWindow } from '../../../sim/workload/transform.js';
import { createRng } from '../../../sim/core/rng.js';
import { loadWorkload } from '../../../sim/workload/load-workload.js';
import { invariantViolation, requestsAt } from '../../util/requests.js';
import fc from 'fast-check';
import { propertyOptions } from '../../util/arbitraries.js';
test('mean rate is one over the mean gap', () => {
    assert.equal(meanRateQps(requestsAt([0, 500_000, 1_000_000])), 2);
    assert.ok(Number.isNaN(meanRateQps(requestsAt([0]))));
    assert.ok(Number.isNaN(meanRateQps(requestsAt([5, 5]))));
});
test('rescaling the Azure conversation trace hits the target rate within 1% and keeps its burstiness', () => {
    const conv = loadWorkload({ trace: 'azure-conv', seed: 0 });
    for (const target of [1, 5.53, 20, 100]) {
        const scaled = rescaleToRate(conv, target);
        assert.equal(invariantViolation(scaled), null);
        assert.equal(scaled.length, conv.length);
        assert.ok(Math.abs(meanRateQps(scaled) / target - 1) < 0.01, `target ${target}: got ${meanRateQps(scaled)}`);
    }
    const original = conv.map((r) => r.arrivalUs);
    const doubled = rescaleToRate(conv, 2 * meanRateQps(conv)).map((r) => r.arrivalUs);
    for (const i of [1, 100, 19365])
        assert.ok(Math.abs(doubled[i] - original[i] / 2) <= 1, `gap pattern kept at ${i}`);
});
test('a time window keeps [start, start + duration) and re-bases the clock', () => {
    const w = timeWindow(requestsAt([0, 1_000_000, 2_000_000, 2_500_000, 3_000_000]), 1_000_000, 2_000_000);
    assert.deepEqual(w.map((r) => [r.id, r.arrivalUs, r.origin]), [
        [0, 0, 't.jsonl:2'],
        [1, 1_000_000, 't.jsonl:3'],
        [2, 1_500_000, 't.jsonl:4'],
    ]);
    assert.equal(timeWindow(requestsAt([0, 1, 2]), 1, null).length, 2);
});
test('limit keeps the first n in arrival order', () => {
    assert.deepEqual(limitCount(requestsAt([0, 10, 20, 30]), 2).map((r) => r.origin), ['t.jsonl:1', 't.jsonl:2']);
});
test('sampling keeps an exact, seeded, order-preserving share', () => {
    const all = requestsAt(Array.from({ length: 1000 }, (_, i) => i * 1000));
    const a = sampleFraction(all, 0.3, createRng(1, 'sample'));
    const b = sampleFraction(all, 0.3, createRng(1, 'sample'));
    const c = sampleFraction(all, 0.3, createRng(2, 'sample'));
    assert.equal(a.length, 300);
    assert.equal(invariantViolation(a), null);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const kept = a.map((r) => Number(r.origin.split(':')[1]));
    assert.deepEqual(kept, [...kept].sort((x, y) => x - y));
    // Roughly uniform: about 30% of each half of the trace is kept.
    const firstHalf = kept.filter((line) => line <= 500).length;
    assert.ok(firstHalf > 120 && firstHalf < 180, `first half kept ${firstHalf}`);
    assert.equal(sampleFraction(all, 1, createRng(1, 'sample')).length, 1000);
});
test('transforms never mutate their input', () => {
    const input = requestsAt([0, 10, 20, 30]);
    const frozen = JSON.stringify(input);
    rescaleToRate(input, 1);
    timeWindow(input, 10, 10);
    limitCount(input, 1);
    sampleFraction(input, 0.5, createRng(0, 's'));
    assert.equal(JSON.stringify(input), frozen);
});
test('every transform keeps the workload invariants (ids 0…n−1, whole µs from 0, arrivals never going back) on any workload (property)', () => {
    const workloads = fc.array(fc.nat({ max: 5_000_000 }), { minLength: 2, maxLength: 200 }).map((gapsUs) => {
        let t = 0;
        return requestsAt([0, ...gapsUs.map((g) => (t += g))]);
    });
    const steps = fc.record({
        rateQps: fc.integer({ min: 1, max: 1_000_000 }).map((milli) => milli / 1000),
        startUs: fc.nat({ max: 10_000_000 }),
        durationUs: fc.option(fc.integer({ min: 1, max: 100_000_000 })),
        limit: fc.integer({ min: 1, max: 300 }),
        sharePerMille: fc.integer({ min: 1, max: 1000 }),
        seed: fc.nat(),
    });
    fc.assert(fc.property(workloads, steps, (w, s) => {
        // A workload whose arrivals all coincide has no rate to rescale.
        fc.pre(w[w.length - 1].arrivalUs > 0);
        const stages = [
            rescaleToRate(w, s.rateQps),
            timeWindow(w, s.startUs, s.durationUs),
            limitCount(w, s.limit),
            sampleFraction(w, s.sharePerMille / 1000, createRng(s.seed, 'sample')),
        ];
        for (const out of stages)
            assert.equal(invariantViolation(out), null);
    }), propertyOptions(200));
});
