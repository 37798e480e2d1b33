import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Summary } from '../../sim/metrics/results.js';
import type { StudyPoint } from '../../reports/report-input.js';
import { sweepPoints } from '../../reports/sweep-points.js';

const point = (series: string, rateQps: number | null, seed: number, attainment: number): StudyPoint => ({
  series, policy: series, rateQps, seed, summary: { slo_attainment: attainment } as Summary, cdf: { ttft_ms: [], tbt_ms: [] },
});

test('points are grouped per setting and rate, averaged over seeds, sorted by setting then rate', () => {
  const s = sweepPoints([point('b', 2, 1, 0.5), point('a', 4, 0, 1), point('b', 2, 0, 0.7), point('a', 1, 0, 0.2), point('a', null, 0, 0)]);
  assert.deepEqual(s.map((p) => [p.series, p.rateQps, p.seeds]), [['a', 1, 1], ['a', 4, 1], ['b', 2, 2]]);
  assert.equal(s[2]?.mean((x) => x.slo_attainment), 0.6);
});

test('the mean does not depend on the order lines arrived in', () => {
  const values = [0.1, 0.2, 0.7, 1e-17, 0.3];
  const forward = values.map((v, i) => point('a', 1, i, v));
  const a = sweepPoints(forward)[0]?.mean((x) => x.slo_attainment);
  const b = sweepPoints([...forward].reverse())[0]?.mean((x) => x.slo_attainment);
  assert.equal(a, b);
});
