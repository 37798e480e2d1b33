import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { quantile } from 'd3-array';
import { RequestGaps } from '../../../sim/metrics/request-gaps.js';
import { LogHistogram } from '../../../sim/metrics/log-histogram.js';
import { MetricsCollector } from '../../../sim/metrics/collector.js';
function track(gaps, def) {
    const t = new RequestGaps(gaps.length + 1, def);
    for (const g of gaps)
        t.add(g);
    return t.value();
}
test('online request p99 equals d3.quantile (R-7) over all its gaps, any length (property)', () => {
    const rng = seedrandom('uq');
    for (let n = 1; n < 2500; n += 1 + Math.floor(rng() * 37)) {
        const xs = Array.from({ length: n }, () => Math.floor(rng() * 1000) / 7);
        assert.ok(Math.abs(track(xs, 'request-p99-gap') - quantile(xs, 0.99)) < 1e-9, `n=${n}`);
        assert.equal(track(xs, 'every-gap'), Math.max(...xs));
    }
});
test('request TBT: p99 of its gaps, or its worst gap under every-gap', () => {
    assert.equal(track([], 'request-p99-gap'), 0);
    assert.equal(track([1, 5, 3], 'every-gap'), 5);
    assert.ok(Math.abs(track([1300, 1200], 'request-p99-gap') - 1299) < 1e-9);
});
test('log histogram quantiles stay within the bin width of the exact ones', () => {
    const rng = seedrandom('hist');
    const h = new LogHistogram(1, 1e10, 10);
    const xs = [];
    for (let i = 0; i < 20000; i++) {
        const x = Math.exp(rng() * 12);
        xs.push(x);
        h.add(x);
    }
    xs.sort((a, b) => a - b);
    for (const q of [0.01, 0.5, 0.9, 0.99, 0.999]) {
        // The histogram reports the midpoint of the bin holding the element at 0-based index ⌊q(n−1)⌋.
        const exact = xs[Math.floor(q * (xs.length - 1))];
        assert.ok(Math.abs(h.quantile(q) / exact - 1) <= 0.0005, `q=${q}: ${h.quantile(q)} vs ${exact}`);
    }
    assert.equal(h.quantile(0), xs[0]);
    assert.equal(h.quantile(1), xs[xs.length - 1]);
    assert.ok(Math.abs(h.mean - xs.reduce((a, b) => a + b, 0) / xs.length) < 1e-6);
});
test('adding by a precomputed finer key fills the same bins as adding the value', () => {
    const rng = seedrandom('keyed');
    const a = new LogHistogram(1, 1e10, 5);
    const b = new LogHistogram(1, 1e10, 5);
    for (let i = 0; i < 5000; i++) {
        const x = Math.exp(rng() * 20) * (rng() < 0.01 ? 0.5 : 1);
        a.add(x);
        b.addKeyed(x, LogHistogram.keyOf(x, 10), 10);
    }
    for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1])
        assert.equal(a.quantile(q), b.quantile(q));
});
test('timeline state sums the latest sample of every instance (clusters)', () => {
    const c = new MetricsCollector(1, 1e6, { ttft_ms: null, tbt_ms: null, tbt_definition: 'request-p99-gap' });
    c.sample(0, 0, 3, 2, 0.5);
    c.sample(100, 1, 4, 1, 0.1);
    c.sample(200, 0, 1, 2, 0.3); // instance 0 changes; instance 1 keeps its last values
    const [b] = c.result({}, 0).timeline.buckets;
    assert.equal(b.queue_len, 5);
    assert.equal(b.running, 3);
    assert.equal(b.kv_used_frac, 0.2);
});
test('partition segments merge consecutive steps of one instance with the same partition, per instance', () => {
    const c = new MetricsCollector(1, 1e6, { ttft_ms: null, tbt_ms: null, tbt_definition: 'request-p99-gap' });
    c.onStep(0, 0, 100, 'aggregated', 0, 0, 1);
    c.onStep(0, 100, 100, 'aggregated', 0, 0, 1);
    c.onStep(1, 50, 100, 'split', 80, 52, 4); // another instance: its own segment, not a break in instance 0's
    c.onStep(0, 200, 300, 'split', 80, 52, 4);
    c.onStep(0, 500, 300, 'split', 96, 36, 2);
    c.onStep(1, 150, 100, 'split', 80, 52, 4);
    const p = c.result({}, 0).partitions;
    assert.equal(p.truncated_at_s, null);
    assert.deepEqual(p.segments.map((s) => [s.instance, s.start_s * 1e6, s.end_s * 1e6, s.steps, s.mode, s.prefill_sms, s.decode_sms, s.lookahead_k]), [[0, 0, 200, 2, 'aggregated', 0, 0, 1], [1, 50, 250, 2, 'split', 80, 52, 4], [0, 200, 500, 1, 'split', 80, 52, 4], [0, 500, 800, 1, 'split', 96, 36, 2]]);
});
test('partition recording stops at the segment cap and says where', () => {
    const c = new MetricsCollector(1, 1e6, { ttft_ms: null, tbt_ms: null, tbt_definition: 'request-p99-gap' });
    for (let i = 0; i < 5000; i++)
        c.onStep(0, i * 10, 10, 'split', 60 + (i % 2), 72 - (i % 2), 3);
    const p = c.result({}, 0).partitions;
    assert.equal(p.segments.length, 4000);
    assert.equal(p.truncated_at_s, 40000 / 1e6);
});
test('the request sample keeps every n-th finished request with its figures and SLO verdict; tail quantiles reach p99.9', () => {
    const n = 4500;
    const c = new MetricsCollector(n, 1e6, { ttft_ms: 100, tbt_ms: null, tbt_definition: 'request-p99-gap' });
    for (let id = 0; id < n; id++) {
        const gaps = c.newGapTracker(3);
        gaps.add(20_000);
        gaps.add(30_000);
        c.onFinish({ id, origin: 't', arrivalUs: id * 1000, promptTokens: 10 + id, outputTokens: 3, firstScheduledAtUs: id * 1000, firstTokenAtUs: id * 1000 + (id % 2 === 0 ? 50_000 : 150_000), finishedAtUs: id * 1000 + 200_000, preemptions: 0, gaps });
    }
    const r = c.result({}, 0);
    const s = r.request_sample;
    assert.equal(s.every, 3);
    assert.equal(s.requests.length, 1500);
    assert.deepEqual(s.requests[1], { id: 3, arrival_s: 0.003, prompt_tokens: 13, output_tokens: 3, ttft_ms: 150, tbt_ms: 29.9, e2e_ms: 200, queue_ms: 0, meets_slo: false });
    assert.equal(s.requests[2]?.meets_slo, true);
    assert.deepEqual(r.cdf.tail?.percentiles, [99.25, 99.5, 99.75, 99.9]);
    assert.deepEqual(r.cdf.tail?.ttft_ms, [150, 150, 150, 150]);
});
