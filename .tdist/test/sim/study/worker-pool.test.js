import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../sim/core/input-error.js';
import { expandGrid } from '../../../sim/study/grid.js';
import { parseStudy } from '../../../sim/study/parse-study.js';
import { DEFAULT_RUNNER, workerPoolExecutor } from '../../../sim/study/worker-pool.js';
import { runScenario } from '../../util/fake-run-scenario.js';
const FAKE = { runnerModule: new URL('../../util/fake-run-scenario.js', import.meta.url).href, runnerExport: 'runScenario' };
const points = expandGrid(parseStudy('name: w\nbase: { trace: t, model: m, hardware: h }\naxes:\n  policy: [vllm, duetserve]\n  rateQps: [1, 2, 3]\n', 'w.yaml'));
test('the worker pool runs scenarios on threads and returns what the runner returns', async () => {
    const pool = workerPoolExecutor(FAKE, 2);
    try {
        const progress = [];
        const outcomes = await Promise.all(points.map((p, i) => pool.run(p.spec, i === 0 ? (f) => progress.push(f) : undefined)));
        outcomes.forEach((o, i) => assert.deepEqual(o.summary, runScenario(points[i].spec).summary));
        assert.deepEqual(progress, [0.5, 1]);
    }
    finally {
        await pool.close();
    }
});
test('an InputError thrown in a worker arrives as an InputError with its problems', async () => {
    const pool = workerPoolExecutor(FAKE, 1);
    try {
        await assert.rejects(pool.run({ ...points[0].spec, model: 'missing-model' }), (e) => e instanceof InputError && e.problems[0]?.code === 'model-unknown');
        // The worker survives the error and runs the next point.
        assert.equal((await pool.run(points[1].spec)).summary.requests, 100);
    }
    finally {
        await pool.close();
    }
});
test('a runner module without the export fails each run with a clear error', async () => {
    const pool = workerPoolExecutor({ ...FAKE, runnerExport: 'nope' }, 1);
    try {
        await assert.rejects(pool.run(points[0].spec), /does not export a function 'nope'/);
    }
    finally {
        await pool.close();
    }
});
test('the default runner module loads in a worker and simulates a real point', async () => {
    // DEFAULT_RUNNER is a runtime URL the compiler cannot check; this catches a moved or renamed runner.
    const [point] = expandGrid(parseStudy('name: real\nbase: { trace: azure-conv, model: qwen3-8b, hardware: h100-sxm, policy: vllm, durationS: 5, rateQps: 2 }\naxes:\n  seed: [0]\n', 'r.yaml'));
    const pool = workerPoolExecutor(DEFAULT_RUNNER, 1);
    try {
        const outcome = await pool.run(point.spec);
        assert.ok(outcome.summary.requests > 0, `requests ${outcome.summary.requests}`);
        assert.equal(outcome.summary.completed + outcome.summary.rejected, outcome.summary.requests);
        assert.equal(outcome.cdf.ttft_ms.length, 101);
    }
    finally {
        await pool.close();
    }
});
