import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from '../../../sim/core/event-queue.js';
import fc from 'fast-check';
import { propertyOptions } from '../../util/arbitraries.js';
test('events pop by time, then priority, then push order', () => {
    const q = new EventQueue();
    q.push(5, 1, 'b');
    q.push(5, 0, 'a');
    q.push(1, 9, 'first');
    q.push(5, 1, 'c');
    const out = [];
    while (q.size)
        out.push(q.pop());
    assert.deepEqual(out, ['first', 'a', 'b', 'c']);
});
test('any stream of pushes pops in (time, priority, push order) order (property)', () => {
    // Few distinct times and priorities, so ties (the case the sequence number is for) are common.
    const pushes = fc.array(fc.record({ t: fc.nat({ max: 19 }), p: fc.nat({ max: 2 }) }), { maxLength: 200, size: 'max' });
    fc.assert(fc.property(pushes, (items) => {
        const q = new EventQueue();
        items.forEach(({ t, p }, i) => q.push(t, p, i));
        const expected = items.map((x, i) => ({ ...x, i })).sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i);
        const popped = [];
        while (q.size)
            popped.push(q.pop());
        assert.deepEqual(popped, expected.map((x) => x.i));
    }), propertyOptions(100));
});
test('a non-finite time is refused', () => {
    assert.throws(() => new EventQueue().push(NaN, 0, 1), /finite/);
});
