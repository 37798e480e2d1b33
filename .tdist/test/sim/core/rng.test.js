import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../sim/core/rng.js';
const draw = (seed, stream, n) => {
    const rng = createRng(seed, stream);
    return Array.from({ length: n }, () => rng.next());
};
test('the same seed and stream give the same sequence', () => {
    assert.deepEqual(draw(7, 'arrivals', 100), draw(7, 'arrivals', 100));
});
test('different seeds or stream names give different sequences', () => {
    assert.notDeepEqual(draw(7, 'arrivals', 10), draw(8, 'arrivals', 10));
    assert.notDeepEqual(draw(7, 'arrivals', 10), draw(7, 'lengths', 10));
});
test('draws from one stream never shift another stream', () => {
    const a = createRng(3, 'a');
    const b = createRng(3, 'b');
    for (let i = 0; i < 1000; i++)
        a.next(); // extra draws in stream a
    assert.deepEqual(Array.from({ length: 20 }, () => b.next()), draw(3, 'b', 20));
});
test('values are uniform in [0, 1)', () => {
    const xs = draw('u', 'uniform', 20000);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(m - 0.5) < 0.01, `mean ${m}`);
    const lowQuarter = xs.filter((x) => x < 0.25).length / xs.length;
    assert.ok(Math.abs(lowQuarter - 0.25) < 0.01, `P(x<0.25) ${lowQuarter}`);
});
test('an empty stream name is refused', () => {
    assert.throws(() => createRng(1, ''), /stream name/);
});
