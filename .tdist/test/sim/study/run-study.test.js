import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../sim/core/input-error.js';
import { inlineExecutor, pointOutcome } from '../../../sim/study/point-executor.js';
import { parseStudy } from '../../../sim/study/parse-study.js';
import { readStudyLog } from '../../../sim/study/results-log.js';
import { runStudy } from '../../../sim/study/run-study.js';
import { FAKE_MEASURED_RATE_FACTOR, runScenario } from '../../util/fake-run-scenario.js';
const GRID = `name: grid
base: { trace: azure-conv, model: qwen3-8b, hardware: h100-sxm, sloTbtMs: 50 }
axes:
  policy: [vllm, duetserve]
  rateQps: [1, 2, 4, 8]
`;
const tmp = () => mkdtempSync(join(tmpdir(), 'duetsim-study-'));
test('a grid study writes one line per point with the study hash, spec and summary', async () => {
    const out = join(tmp(), 'out.jsonl');
    const progress = [];
    const r = await runStudy({ study: parseStudy(GRID, 's.yaml'), outFile: out, resume: false, shard: null, executor: inlineExecutor(runScenario), onProgress: (p) => progress.push(p) });
    assert.deepEqual(r, { total: 8, skipped: 0, runs: 8, droppedPartialLine: false });
    const lines = readStudyLog(out).lines;
    assert.equal(lines.length, 8);
    assert.equal(new Set(lines.map((l) => l.study)).size, 1);
    const l = lines.find((x) => x.coords.policy === 'duetserve' && x.coords.rateQps === 4);
    assert.equal(l.spec.rateQps, 4);
    assert.equal(l.summary.slo_attainment, runScenario(l.spec).summary.slo_attainment);
    assert.equal(l.cdf.ttft_ms.length, 101);
    // The measured rate of the simulated requests travels with the point (the fake runner measures 0.95 × the rate asked for).
    assert.equal(l.arrival_rate_qps, FAKE_MEASURED_RATE_FACTOR * 4);
    assert.deepEqual(progress.at(-1), { done: 8, total: 8, inFlightFrac: 0, runs: 8 });
});
test('--resume skips points already in the file and cuts off a partly written last line', async () => {
    const out = join(tmp(), 'out.jsonl');
    const study = parseStudy(GRID, 's.yaml');
    await runStudy({ study, outFile: out, resume: false, shard: null, executor: inlineExecutor(runScenario) });
    const full = readFileSync(out, 'utf8').split('\n');
    // Keep 3 complete lines and half of the 4th, as if the process died mid-write.
    writeFileSync(out, full.slice(0, 3).join('\n') + '\n' + (full[3] ?? '').slice(0, 50));
    const r = await runStudy({ study, outFile: out, resume: true, shard: null, executor: inlineExecutor(runScenario) });
    assert.deepEqual(r, { total: 8, skipped: 3, runs: 5, droppedPartialLine: true });
    const log = readStudyLog(out);
    assert.equal(log.partialTail, false);
    assert.equal(new Set(log.lines.map((l) => l.point_id)).size, 8);
    assert.equal(log.lines.length, 8);
});
test('resume refuses a file of another study', async () => {
    const out = join(tmp(), 'out.jsonl');
    await runStudy({ study: parseStudy(GRID, 's.yaml'), outFile: out, resume: false, shard: null, executor: inlineExecutor(runScenario) });
    const other = parseStudy(GRID.replace('name: grid', 'name: other'), 's.yaml');
    await assert.rejects(runStudy({ study: other, outFile: out, resume: true, shard: null, executor: inlineExecutor(runScenario) }), (e) => e instanceof InputError && e.problems[0]?.code === 'study-log-other-study');
});
test('shards together cover the grid exactly once', async () => {
    const dir = tmp();
    const study = parseStudy(GRID, 's.yaml');
    const ids = [];
    for (const index of [1, 2, 3]) {
        const out = join(dir, `s${index}.jsonl`);
        await runStudy({ study, outFile: out, resume: false, shard: { index, count: 3 }, executor: inlineExecutor(runScenario) });
        ids.push(...readStudyLog(out).lines.map((l) => l.point_id));
    }
    assert.equal(ids.length, 8);
    assert.equal(new Set(ids).size, 8);
});
test('a failing run stops the study with the runner error, keeping finished lines', async () => {
    const out = join(tmp(), 'out.jsonl');
    const study = parseStudy(GRID.replace('model: qwen3-8b', 'model: missing-model'), 's.yaml');
    await assert.rejects(runStudy({ study, outFile: out, resume: false, shard: null, executor: inlineExecutor(runScenario) }), (e) => e instanceof InputError && e.problems[0]?.code === 'model-unknown' && /\(study point policy=vllm, rateQps=1\)$/.test(e.problems[0]?.message ?? ''));
});
const CAPACITY = `name: cap
base: { trace: azure-conv, model: qwen3-14b, hardware: h100-sxm, sloTbtMs: 50 }
axes:
  policy: [vllm, duetserve]
capacity: { targetAttainment: 0.9, repeats: 3, relTolerance: 0.02 }
`;
test('a capacity study finds each setting’s known capacity and logs every probe run', async () => {
    const out = join(tmp(), 'cap.jsonl');
    const study = parseStudy(CAPACITY, 'c.yaml');
    const r = await runStudy({ study, outFile: out, resume: false, shard: null, executor: inlineExecutor(runScenario) });
    const lines = readStudyLog(out).lines;
    const caps = lines.filter((l) => l.kind === 'capacity');
    assert.equal(caps.length, 2);
    // fake-run-scenario: attainment 0.9 (mean over seeds 0..2, whose wobble averages to 0) at 0.6 × knee.
    for (const c of caps) {
        const expected = 0.6 * (c.coords.policy === 'vllm' ? 4 : 6);
        assert.ok(Math.abs(c.capacity.capacity_qps - expected) / expected <= 0.021, `${String(c.coords.policy)}: ${c.capacity.capacity_qps}`);
        assert.ok(c.capacity.converged);
    }
    const probeRuns = lines.filter((l) => l.kind === 'point').length;
    assert.equal(probeRuns, r.runs);
    assert.equal(probeRuns, caps.reduce((n, c) => n + c.capacity.probes.length * 3, 0));
    // Resuming after losing the capacity lines replays the probes from the file: no new runs.
    writeFileSync(out, lines.filter((l) => l.kind === 'point').map((l) => JSON.stringify(l) + '\n').join(''));
    const again = await runStudy({ study, outFile: out, resume: true, shard: null, executor: inlineExecutor(runScenario) });
    assert.equal(again.runs, 0);
    const caps2 = readStudyLog(out).lines.filter((l) => l.kind === 'capacity');
    assert.deepEqual(caps2.map((c) => c.capacity), caps.map((c) => c.capacity));
});
test('appending after a complete file keeps every line parseable', async () => {
    const out = join(tmp(), 'out.jsonl');
    const study = parseStudy(GRID, 's.yaml');
    writeFileSync(out, '');
    appendFileSync(out, '');
    const r = await runStudy({ study, outFile: out, resume: true, shard: null, executor: inlineExecutor(runScenario) });
    assert.equal(r.runs, 8);
    assert.equal(readStudyLog(out).lines.length, 8);
});
test('a run that finishes after another failed is dropped, not written to the closed file', async () => {
    const out = join(tmp(), 'out.jsonl');
    let finishLate = null;
    const executor = {
        parallelism: 2,
        run: (spec) => {
            if (spec.policy === 'vllm' && spec.rateQps === 1)
                return Promise.reject(new Error('boom'));
            if (spec.policy === 'vllm' && spec.rateQps === 2) {
                return new Promise((resolve) => {
                    finishLate = () => resolve(pointOutcome(runScenario(spec)));
                });
            }
            return new Promise(() => { }); // still running when the study stops
        },
        close: async () => { },
    };
    await assert.rejects(runStudy({ study: parseStudy(GRID, 's.yaml'), outFile: out, resume: false, shard: null, executor }), /study point policy=vllm, rateQps=1: boom/);
    // The closed file's descriptor number is free again and the next open takes it; a late write to the
    // old number would land in this unrelated file.
    const other = join(tmp(), 'other.txt');
    const fd = openSync(other, 'w');
    finishLate?.();
    await new Promise((r) => setImmediate(r));
    closeSync(fd);
    assert.equal(readFileSync(other, 'utf8'), '');
    assert.equal(readFileSync(out, 'utf8'), '');
});
