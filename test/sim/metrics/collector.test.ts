import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { quantile } from 'd3-array';
import { RequestGaps } from '../../../sim/metrics/request-gaps.js';
import { LogHistogram } from '../../../sim/metrics/log-histogram.js';
import { MetricsCollector } from '../../../sim/metrics/collector.js';

function track(gaps: number[], def: 'request-p99-gap' | 'every-gap'): number {
  const t = new RequestGaps(gaps.length + 1, def);
  for (const g of gaps) t.add(g);
  return t.value();
}

test('online request p99 equals d3.quantile (R-7) over all its gaps, any length (property)', () => {
  const rng = seedrandom('uq');
  for (let n = 1; n < 2500; n += 1 + Math.floor(rng() * 37)) {
    const xs = Array.from({ length: n }, () => Math.floor(rng() * 1000) / 7);
    assert.ok(Math.abs(track(xs, 'request-p99-gap') - quantile(xs, 0.99)!) < 1e-9, `n=${n}`);
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
  const xs: number[] = [];
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
  for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) assert.equal(a.quantile(q), b.quantile(q));
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
