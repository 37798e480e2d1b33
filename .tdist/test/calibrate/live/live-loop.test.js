import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ENGINE } from '../../../sim/engine/scenario.js';
import { runScenarioDetailed } from '../../../sim/run/run-scenario.js';
import { liveHeader } from '../../../calibrate/live/live-header.js';
import { openFakeSession } from '../../../calibrate/live/fake-session.js';
import { liveStepTimer } from '../../../calibrate/live/live-timer.js';
/**
 * The live loop (issue 15) against the simulation it must equal: with a GPU that takes exactly the latency
 * model's time for every step (the fake session), a live run makes the same decisions at the same times as
 * `replay`, so every output agrees exactly — for every policy. Anything else is the loop's bug.
 */
const BASE = {
    trace: 'azure-conv',
    traceFormat: null,
    rateQps: 8,
    startS: 0,
    durationS: null,
    limit: 120,
    model: 'qwen3-8b',
    hardware: 'h200',
    useCalibration: true,
    policy: 'chunked',
    policyParams: {},
    engine: DEFAULT_ENGINE,
    sloTtftMs: null,
    sloTbtMs: 40,
    tbtDefinition: 'request-p99-gap',
    seed: 0,
};
const OPTS = { hostTime: 'modelled', idle: 'skip', maxSteps: null, maxWallS: null };
function liveRun(spec, opts = {}, open = (h, t) => openFakeSession(h, t.model, t.hw)) {
    const records = [];
    let timer = null;
    let stopped = false;
    const out = runScenarioDetailed(spec, {
        recordSteps: true,
        stepTimer: (t) => {
            timer = liveStepTimer(open(liveHeader(t.model, t.hw, t.engine, t.policy, t.kvBlocks), t), t.model, t.hw, { ...OPTS, onRecord: (r) => records.push(r), ...opts });
            return timer;
        },
        shouldStop: () => (stopped = timer.stopReason() !== null),
    });
    return { out, timer: timer, records, stopped };
}
function requestRows(o) {
    const rows = [];
    o.collector.forEachRequestRow((i) => o.requests[i], (r) => rows.push(r));
    return rows;
}
const POLICIES = [
    ['chunked', {}],
    ['duetserve', {}],
    ['static', { prefill_sms: 96 }],
    ['vllm', {}],
    ['vllm-v0', {}],
    ['sglang', {}],
];
for (const [policy, policyParams] of POLICIES) {
    test(`live run on a model-timed GPU equals the simulation exactly: ${policy}`, () => {
        const spec = { ...BASE, policy, policyParams };
        const sim = runScenarioDetailed(spec, { recordSteps: true });
        const live = liveRun(spec);
        assert.equal(live.stopped, false);
        assert.deepEqual(live.out.result.summary, sim.result.summary);
        assert.deepEqual(requestRows(live.out), requestRows(sim));
        assert.deepEqual(live.out.steps, sim.steps);
        assert.equal(live.timer.tally.steps, sim.steps.length);
        assert.ok(live.records.every((r) => r.rel_error === 0));
        if (policy === 'duetserve' || policy === 'static')
            assert.ok(sim.steps.some((s) => s.mode === 'split'), 'the scenario must exercise split windows');
    });
}
test('a GPU 10% slower than the model: every step 10% longer, the model 1/1.1 − 1 off on each', () => {
    const spec = { ...BASE, policy: 'duetserve' };
    const live = liveRun(spec, {}, (h, t) => openFakeSession(h, t.model, t.hw, { scale: 1.1 }));
    const exact = liveRun(spec);
    assert.ok(live.records.length > 0);
    for (const r of live.records)
        assert.ok(Math.abs(r.rel_error - (1 / 1.1 - 1)) < 1e-12, `step ${r.step}: ${r.rel_error}`);
    assert.ok(live.out.result.summary.tbt_ms.p50 > exact.out.result.summary.tbt_ms.p50);
    // Host costs are the hardware's either way: a step's length is sched + 1.1 × GPU + sampling.
    const o = live.out.hardware.overheads;
    const first = live.out.steps[0];
    const rec = live.records[0];
    assert.equal(first.mode, 'aggregated');
    assert.ok(Math.abs(first.durationUs - (o.schedulingUs + rec.measured.gpu_us + o.samplingUs)) < 1e-9);
    assert.ok(Math.abs(rec.measured.gpu_us - 1.1 * rec.predicted.gpu_us) < 1e-9);
});
test('--max-steps: the run stops after the step in flight, keeps what ran and leaves the rest unfinished', () => {
    const live = liveRun({ ...BASE, policy: 'chunked' }, { maxSteps: 50 });
    assert.equal(live.stopped, true);
    assert.equal(live.timer.tally.steps, 50);
    assert.equal(live.out.steps.length, 50);
    assert.match(live.timer.stopReason(), /--max-steps 50/);
    const s = live.out.result.summary;
    assert.ok(s.completed < s.requests);
    const rows = requestRows(live.out);
    assert.ok(rows.some((r) => r.includes(',unfinished,')));
    assert.equal(rows.filter((r) => r.includes(',completed,')).length, s.completed);
});
test('a session that says it was interrupted ends the run after that step', () => {
    let steps = 0;
    const live = liveRun({ ...BASE, policy: 'chunked' }, {}, (h, t) => {
        const inner = openFakeSession(h, t.model, t.hw);
        return {
            ...inner,
            step: (line) => {
                steps++;
                return inner.step(line);
            },
            interrupted: () => steps >= 7,
        };
    });
    assert.equal(live.stopped, true);
    assert.equal(live.out.steps.length, 7);
    assert.match(live.timer.stopReason(), /interrupted/);
});
test("idle pacing: 'sleep' waits out each gap with nothing to run, in wall time; 'skip' does not", () => {
    const slept = [];
    const spec = { ...BASE, policy: 'chunked', rateQps: 0.1, limit: 6 };
    const live = liveRun(spec, { idle: 'sleep', sleepMs: (ms) => slept.push(ms) });
    const steps = live.out.steps;
    // Every gap between one step's end and the next step's start, and the wait for the first arrival.
    const gapsMs = [];
    let prevEnd = 0;
    for (const s of steps) {
        if (s.startUs > prevEnd)
            gapsMs.push((s.startUs - prevEnd) / 1000);
        prevEnd = s.startUs + s.durationUs;
    }
    assert.ok(gapsMs.length >= 4, `a trace at 0.1 req/s idles between requests (${gapsMs.length} gaps)`);
    assert.equal(slept.length, gapsMs.length);
    slept.forEach((ms, i) => assert.ok(Math.abs(ms - gapsMs[i]) < 1e-6));
    assert.ok(Math.abs(live.timer.tally.sleptMs - gapsMs.reduce((a, b) => a + b, 0)) < 1e-6);
    const skipped = [];
    liveRun(spec, { idle: 'skip', sleepMs: (ms) => skipped.push(ms) });
    assert.equal(skipped.length, 0);
});
test("host time 'measured': the step's host part is the policy's decision plus the executor's preparation", () => {
    const prepareUs = 250;
    const live = liveRun({ ...BASE, policy: 'chunked', limit: 20 }, { hostTime: 'measured' }, (h, t) => {
        const inner = openFakeSession(h, t.model, t.hw);
        return { ...inner, step: (line) => JSON.stringify({ ...JSON.parse(inner.step(line)), prepare_us: prepareUs }) };
    });
    const o = live.out.hardware.overheads;
    live.out.steps.forEach((s, i) => {
        const r = live.records[i];
        assert.ok(r.decision_us >= 0);
        assert.equal(r.prepare_us, prepareUs);
        assert.ok(Math.abs(s.durationUs - (r.decision_us + prepareUs + r.measured.gpu_us + o.samplingUs)) < 1e-6, `step ${i}`);
    });
});
test('a result line that answers another step is an error naming the step and the field', () => {
    assert.throws(() => liveRun({ ...BASE, limit: 5 }, {}, (h, t) => {
        const inner = openFakeSession(h, t.model, t.hw);
        return { ...inner, step: (line) => JSON.stringify({ ...JSON.parse(inner.step(line)), step: 99 }) };
    }), /<live step 0>.*step.*answers step 99; step 0 was sent/s);
});
test('every step the loop sends fits the KV pool the header sizes, by the executor\'s rule (DuetServe under load)', () => {
    // The fake session refuses a step whose blocks exceed the pool; a small pool forces preemptions.
    const spec = { ...BASE, policy: 'duetserve', rateQps: 30, limit: 150, engine: { ...DEFAULT_ENGINE, gpuMemoryUtilization: 0.155 } };
    const sim = runScenarioDetailed(spec);
    const live = liveRun(spec);
    assert.deepEqual(live.out.result.summary, sim.result.summary);
    assert.ok(sim.result.summary.preemptions > 0, 'the scenario must preempt');
    const peak = Math.max(...live.records.map((r) => r.kv_used_blocks));
    assert.ok(peak > 0);
});
test('GPU idle counts as waiting for the host only before steps that follow the previous one directly', () => {
    const live = liveRun({ ...BASE, policy: 'chunked', rateQps: 0.1, limit: 6 }, {}, (h, t) => {
        const inner = openFakeSession(h, t.model, t.hw);
        let n = 0;
        return { ...inner, step: (line) => JSON.stringify({ ...JSON.parse(inner.step(line)), idle_before_us: n++ === 0 ? null : 500 }) };
    });
    const steps = live.out.steps;
    let backToBack = 0;
    for (let i = 1; i < steps.length; i++)
        if (steps[i].startUs === steps[i - 1].startUs + steps[i - 1].durationUs)
            backToBack++;
    assert.ok(backToBack > 0 && backToBack < steps.length - 1, 'the run has both kinds of step');
    assert.equal(live.timer.tally.idleBeforeUs.length, backToBack);
    assert.equal(live.records.filter((r) => r.gap_before_ms > 0).length, steps.length - 1 - backToBack + (steps[0].startUs > 0 ? 1 : 0));
});
