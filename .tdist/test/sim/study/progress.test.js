import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doneShare, etaMs, formatDuration, formatProgressLine, progressSink } from '../../../sim/study/progress.js';
test('share done counts in-flight fractions and reaches 1 only when all are done', () => {
    assert.equal(doneShare({ done: 1, total: 4, inFlightFrac: 1, runs: 1 }), 0.5);
    assert.equal(doneShare({ done: 3, total: 4, inFlightFrac: 1, runs: 3 }), 0.999);
    assert.equal(doneShare({ done: 4, total: 4, inFlightFrac: 0, runs: 4 }), 1);
});
test('ETA extrapolates the rate so far', () => {
    assert.equal(etaMs(0.25, 10_000), 30_000);
    assert.equal(etaMs(0, 10_000), null);
    assert.equal(formatDuration(30_000), '30s');
    assert.equal(formatDuration(125_000), '2m05s');
    assert.match(formatProgressLine({ done: 1, total: 4, inFlightFrac: 0, runs: 1 }, 10_000, true), /^\[#{8}\.{22}\]  25% 1\/4 done, 1 runs, 10s elapsed ETA 30s$/);
});
test('piped output is throttled plain lines; quiet writes nothing; a tty redraws in place', () => {
    let now = 0;
    const plain = [];
    const sink = progressSink((t) => plain.push(t), 'plain', () => now, 10_000);
    for (let done = 0; done <= 4; done++) {
        now = done * 4_000;
        sink.update({ done, total: 4, inFlightFrac: 0, runs: done });
    }
    // t=0 prints, t=4s and 8s are throttled, t=12s prints, the final update always prints.
    assert.equal(plain.length, 3);
    assert.ok(plain.every((l) => l.endsWith('\n') && !l.includes('\r')));
    const quiet = [];
    progressSink((t) => quiet.push(t), 'quiet', () => now).update({ done: 4, total: 4, inFlightFrac: 0, runs: 4 });
    assert.deepEqual(quiet, []);
    const tty = [];
    const bar = progressSink((t) => tty.push(t), 'tty', () => now);
    bar.update({ done: 4, total: 4, inFlightFrac: 0, runs: 4 });
    bar.finish();
    assert.ok(tty[0]?.startsWith('\r['));
    assert.equal(tty[1], '\n');
});
