import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWithAddon, runWithRunner } from '../../calibrate/run.js';
const plan = {
    version: 1,
    models: {},
    repeats: 2,
    warmup: 1,
    experiments: ['a', 'b', 'c'].map((id) => ({ id, kind: 'ceiling_bandwidth', sms: 132, bytes: 1000 })),
};
test('the addon is handed the plan, the output path and the resume flag; its progress goes to stderr', async () => {
    const calls = [];
    let progress = '';
    const addon = {
        runPlan(planJson, outPath, onProgress, options) {
            calls.push([JSON.parse(planJson), outPath, options]);
            onProgress?.('1/3 ceil');
            return Promise.resolve(3);
        },
    };
    const n = await runWithAddon(addon, 'plans/p.json', { plan, outPath: '/tmp/r.jsonl', resume: true, progress: (t) => void (progress += t) });
    assert.equal(n, 3);
    assert.deepEqual(calls, [[plan, '/tmp/r.jsonl', { resume: true, planName: 'plans/p.json' }]]);
    assert.equal(progress, '1/3 ceil\ncalibrate run: 3 experiments measured into /tmp/r.jsonl\n');
});
test('the runner gets --plan, --out and --resume, and a failing runner is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-run-'));
    const runner = join(dir, 'duet_runner');
    writeFileSync(runner, `#!/bin/sh\necho "$@" > "${join(dir, 'args')}"\nexit 0\n`);
    chmodSync(runner, 0o755);
    await runWithRunner(runner, 'p.json', { plan, outPath: 'o.jsonl', resume: true, progress: () => undefined });
    assert.equal(readFileSync(join(dir, 'args'), 'utf8').trim(), '--plan p.json --out o.jsonl --resume');
    const failing = join(dir, 'failing');
    writeFileSync(failing, '#!/bin/sh\nexit 3\n');
    chmodSync(failing, 0o755);
    await assert.rejects(runWithRunner(failing, 'p.json', { plan, outPath: 'o.jsonl', resume: false, progress: () => undefined }), /code 3.*--resume/);
});
