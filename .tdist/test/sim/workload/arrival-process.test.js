import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateArrivalsUs } from '../../../sim/workload/arrival-process.js';
import { createRng } from '../../../sim/core/rng.js';
import { gapStats } from '../../util/requests.js';
test('constant arrivals are exactly 1/rate apart', () => {
    assert.deepEqual(generateArrivalsUs({ kind: 'constant', rateQps: 4 }, 4, null, createRng(0, 'a')), [0, 250_000, 500_000, 750_000]);
    assert.deepEqual(generateArrivalsUs({ kind: 'constant', rateQps: 2 }, null, 2_000_000, createRng(0, 'a')), [0, 500_000, 1_000_000, 1_500_000]);
});
test('Poisson arrivals have the asked mean rate and CV 1 (seed 11, 20,000 arrivals)', () => {
    const t = generateArrivalsUs({ kind: 'poisson', rateQps: 8 }, 20_000, null, createRng(11, 'arrivals'));
    const { meanUs, cv } = gapStats(t);
    assert.ok(Math.abs(1e6 / meanUs / 8 - 1) < 0.02, `rate ${1e6 / meanUs}`);
    assert.ok(Math.abs(cv - 1) < 0.03, `cv ${cv}`);
});
test('gamma arrivals have the asked mean rate and CV, bursty and smooth', () => {
    for (const cv of [0.5, 2, 4]) {
        const t = generateArrivalsUs({ kind: 'gamma', rateQps: 5, cv }, 40_000, null, createRng(11, `gamma-${cv}`));
        const s = gapStats(t);
        assert.ok(Math.abs(1e6 / s.meanUs / 5 - 1) < 0.05, `cv ${cv}: rate ${1e6 / s.meanUs}`);
        assert.ok(Math.abs(s.cv / cv - 1) < 0.08, `cv ${cv}: measured ${s.cv}`);
    }
});
test('a duration bounds the arrivals and the first is at 0', () => {
    const t = generateArrivalsUs({ kind: 'poisson', rateQps: 10 }, null, 60_000_000, createRng(3, 'arrivals'));
    assert.equal(t[0], 0);
    assert.ok(t[t.length - 1] < 60_000_000);
    assert.ok(t.length > 500 && t.length < 700, `${t.length} arrivals in 60 s at 10/s`);
    assert.ok(t.every((x, i) => Number.isInteger(x) && (i === 0 || x >= t[i - 1])));
});
test('the same seed gives the same arrivals; another seed does not', () => {
    const gen = (seed) => generateArrivalsUs({ kind: 'gamma', rateQps: 3, cv: 3 }, 100, null, createRng(seed, 'arrivals'));
    assert.deepEqual(gen(1), gen(1));
    assert.notDeepEqual(gen(1), gen(2));
});
test('bad parameters are refused', () => {
    assert.throws(() => generateArrivalsUs({ kind: 'gamma', rateQps: 1 }, 5, null, createRng(0, 'a')), /cv/);
    assert.throws(() => generateArrivalsUs({ kind: 'poisson', rateQps: 0 }, 5, null, createRng(0, 'a')), /rateQps/);
    assert.throws(() => generateArrivalsUs({ kind: 'poisson', rateQps: 1 }, 5, 10, createRng(0, 'a')), /exactly one/);
});
