import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule } from '../../../calibrate/closed-loop/schedule.js';
import { containedRequestIds, executedTimeline, predictedAsMeasured, requestLatencies, requestTokens, simulatedTimeline, } from '../../../calibrate/closed-loop/rebuild.js';
import { emittedSchedule, scaled, TINY_MEASURED, TINY_SCHEDULE } from '../../util/closed-loop-fixtures.js';
/** The schedule writes µs with 3 decimals: token times agree to that rounding (plus float error). */
const ROUNDING_US = 1e-3 + 1e-6;
function worstTokenDifferenceUs(a, b) {
    let worst = 0;
    for (let i = 0; i < a.stepCount; i++) {
        if (Number.isNaN(a.prefillTokenAtUs[i]) !== Number.isNaN(b.prefillTokenAtUs[i]))
            return Infinity;
        if (!Number.isNaN(a.prefillTokenAtUs[i]))
            worst = Math.max(worst, Math.abs(a.prefillTokenAtUs[i] - b.prefillTokenAtUs[i]));
        if (a.decodeTokenAtUs[i].length !== b.decodeTokenAtUs[i].length)
            return Infinity;
        a.decodeTokenAtUs[i].forEach((t, j) => (worst = Math.max(worst, Math.abs(t - b.decodeTokenAtUs[i][j]))));
        worst = Math.max(worst, Math.abs(a.stepEndAtUs[i] - b.stepEndAtUs[i]));
    }
    return worst;
}
for (const policy of ['chunked', 'duetserve']) {
    test(`identity (${policy}): rebuilding from the schedule's own predictions gives back every token time of the simulator`, () => {
        const schedule = emittedSchedule(policy);
        const splits = schedule.steps.filter((s) => s.mode === 'split').length;
        if (policy === 'duetserve')
            assert.ok(splits >= 10, `the load makes duetserve split windows (${splits})`);
        else
            assert.equal(splits, 0);
        const executed = executedTimeline(schedule, predictedAsMeasured(schedule));
        const simulated = simulatedTimeline(schedule);
        const worst = worstTokenDifferenceUs(executed, simulated);
        assert.ok(worst <= ROUNDING_US, `worst token time difference ${worst} µs`);
        // And per request: the same TTFT, gaps and E2E.
        const ids = containedRequestIds(schedule, schedule.steps.length);
        const a = requestLatencies(requestTokens(schedule, executed, ids));
        const b = requestLatencies(requestTokens(schedule, simulated, ids));
        assert.equal(a.length, b.length);
        a.forEach((r, i) => {
            assert.ok(Math.abs(r.ttftUs - b[i].ttftUs) <= ROUNDING_US && Math.abs(r.e2eUs - b[i].e2eUs) <= ROUNDING_US);
            assert.equal(r.gapsUs.length, b[i].gapsUs.length);
        });
    });
}
test('the plain formulas (no rounding correction) rebuild every step exactly as long as its written duration', () => {
    // The rule itself (not the correction in predictedAsMeasured) reproduces each step: with the plain
    // formulas, every rebuilt step length equals the written duration.
    const schedule = emittedSchedule('duetserve');
    const { schedulingUs: sched, samplingUs: samp } = schedule.header.overheads;
    const plain = schedule.steps.map((s) => s.mode === 'aggregated'
        ? { mode: 'aggregated', gpuUs: s.durationUs - sched - samp }
        : { mode: 'split', prefillEndUs: s.prefillDoneOffsetUs === null ? null : s.prefillDoneOffsetUs - sched, decodeEndUs: s.decodeTokenOffsetsUs.map((o) => o - sched), smidsOk: true });
    const t = executedTimeline(schedule, plain);
    schedule.steps.forEach((s, i) => assert.ok(Math.abs(t.stepEndAtUs[i] - t.stepStartAtUs[i] - s.durationUs) <= 2e-3, `step ${i}`));
});
function tiny() {
    return parseSchedule(TINY_SCHEDULE, 'tiny.jsonl');
}
test('hand-computed: split window with k = 2, a request finishing inside it, and a step waiting for its arrival', () => {
    const schedule = tiny();
    const t = executedTimeline(schedule, TINY_MEASURED);
    // Step 0 ends at 0 + 100 + 900 + 50; the window starts then (request 1 arrived at 900, earlier).
    assert.deepEqual([...t.stepStartAtUs], [0, 1050, 2300, 5000]);
    assert.deepEqual([...t.stepEndAtUs], [1050, 2300, 2950, 5400]);
    // Decode tokens at 1050 + 100 + 450 and + 1000; the prefill's at 1050 + 100 + 1100 + 50.
    assert.deepEqual(t.decodeTokenAtUs[1], [1600, 2150]);
    assert.equal(t.prefillTokenAtUs[1], 2300);
    const ids = containedRequestIds(schedule, 4);
    assert.deepEqual(ids, [0, 1, 2, 3]);
    const exe = requestLatencies(requestTokens(schedule, t, ids));
    assert.deepEqual(exe.map((r) => [r.id, r.ttftUs, r.gapsUs, r.e2eUs]), [
        [0, 1050, [550, 550, 800], 2950],
        [1, 1400, [650], 2050],
        [2, 1050, [550], 1600],
        [3, 400, [], 400],
    ]);
    assert.deepEqual(exe[0].gapModes, ['split', 'split', 'aggregated']);
    assert.deepEqual([exe[1].ttftMode, exe[1].gapModes[0], exe[1].e2eMode], ['split', 'aggregated', 'aggregated']);
    // Request 2 took one step of the window: one token from it, the second decode step is wasted for it.
    assert.equal(exe[2].e2eMode, 'split');
    const sim = requestLatencies(requestTokens(schedule, simulatedTimeline(schedule), ids));
    assert.deepEqual(sim.map((r) => [r.id, r.ttftUs, r.gapsUs, r.e2eUs]), [
        [0, 1000, [500, 400, 1050], 2950],
        [1, 1450, [600], 2050],
        [2, 1000, [500], 1500],
        [3, 400, [], 400],
    ]);
});
test('predictedAsMeasured on the hand case: GPU times are the written times less the host costs', () => {
    assert.deepEqual(predictedAsMeasured(tiny()), [
        { mode: 'aggregated', gpuUs: 850 },
        { mode: 'split', prefillEndUs: 1200, decodeEndUs: [400, 800], smidsOk: true },
        { mode: 'aggregated', gpuUs: 450 },
        { mode: 'aggregated', gpuUs: 250 },
    ]);
});
test('a cut-short run: only requests whose every token comes from executed steps are kept', () => {
    const schedule = tiny();
    assert.deepEqual(containedRequestIds(schedule, 2), [2]);
    assert.deepEqual(containedRequestIds(schedule, 3), [0, 1, 2]);
    assert.deepEqual(containedRequestIds(schedule, 0), []);
    const t = executedTimeline(schedule, TINY_MEASURED.slice(0, 2));
    assert.equal(t.stepCount, 2);
    assert.deepEqual(requestTokens(schedule, t, [2]).map((r) => r.tokenAtUs), [[1050, 1600]]);
    assert.throws(() => simulatedTimeline(schedule, 5), /outside the schedule's 0\.\.4/);
});
test('slower GPU: GPU times ×1.1 delay each later step by the accumulated difference, until a step waits for its arrival', () => {
    const schedule = tiny();
    const base = executedTimeline(schedule, TINY_MEASURED);
    const slow = executedTimeline(schedule, scaled(TINY_MEASURED, 1.1));
    // Step 0: 90 µs more; the window: 110 more on its longer (prefill) lane; step 2: 50 more; step 3 waits for its arrival either way.
    assert.ok(Math.abs(slow.stepEndAtUs[0] - base.stepEndAtUs[0] - 90) < 1e-9);
    assert.ok(Math.abs(slow.stepEndAtUs[1] - base.stepEndAtUs[1] - 200) < 1e-9);
    assert.ok(Math.abs(slow.stepEndAtUs[2] - base.stepEndAtUs[2] - 250) < 1e-9);
    assert.equal(slow.stepStartAtUs[3], 5000);
});
test('anchored diagnostic: every step starts at its simulated start, so slower steps cost only themselves', () => {
    const schedule = tiny();
    const slow = executedTimeline(schedule, scaled(TINY_MEASURED, 1.1), { anchored: true });
    schedule.steps.forEach((s, i) => assert.equal(slow.stepStartAtUs[i], s.startAtUs));
    // Step 2 (aggregated at 2350): its own GPU time grows by 50 µs and nothing carries over from steps 0 and 1.
    const base = executedTimeline(schedule, TINY_MEASURED, { anchored: true });
    assert.ok(Math.abs(slow.stepEndAtUs[2] - base.stepEndAtUs[2] - 50) < 1e-9);
    // With the simulator's own GPU times, anchoring changes nothing.
    const real = emittedSchedule('duetserve');
    const anchored = executedTimeline(real, predictedAsMeasured(real), { anchored: true });
    assert.ok(worstTokenDifferenceUs(anchored, simulatedTimeline(real)) <= ROUNDING_US);
});
