import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../util/run-command.js';
import { COMMANDS } from '../../../bin/commands.js';
import { addonPath } from '../../../calibrate/native.js';
import { liveDriftReport, parseLiveSteps } from '../../../calibrate/live/live-drift.js';
// The commands as bin/ composes them.
const serveGpu = await COMMANDS['serve-gpu']();
const replay = await COMMANDS.replay();
const SCENARIO = ['--hw', 'h200', '--policy', 'duetserve', '--slo-tbt', '40', '--rate', '8', '--limit', '80'];
test('serve-gpu --backend fake writes replay\'s files, equal to replay\'s byte for byte, plus the live block and per-step records', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-serve-gpu-'));
    const sim = await runCommand(replay, ['replay', ...SCENARIO, '--out', 'sim.json', '--requests-csv', 'sim.csv', '--iterations-csv', 'sim-it.csv', '--quiet'], dir);
    assert.equal(sim.code, 0, sim.stderr);
    const live = await runCommand(serveGpu, ['serve-gpu', '--backend', 'fake', ...SCENARIO, '--out', 'live.json', '--requests-csv', 'live.csv', '--iterations-csv', 'live-it.csv', '--step-records', 'steps.jsonl', '--quiet'], dir);
    assert.equal(live.code, 0, live.stderr);
    assert.equal(readFileSync(join(dir, 'live.csv'), 'utf8'), readFileSync(join(dir, 'sim.csv'), 'utf8'));
    assert.equal(readFileSync(join(dir, 'live-it.csv'), 'utf8'), readFileSync(join(dir, 'sim-it.csv'), 'utf8'));
    const simJson = JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8'));
    const liveJson = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8'));
    assert.deepEqual(liveJson.summary, simJson.summary);
    assert.equal(liveJson.live.schema, 'duetsim.live/1');
    assert.equal(liveJson.live.backend, 'fake');
    assert.equal(liveJson.live.interrupted, null);
    assert.equal(liveJson.live.idle, 'skip');
    const records = readFileSync(join(dir, 'steps.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(records.length, simJson.summary.iterations);
    assert.equal(liveJson.live.steps, records.length);
    assert.ok(records.some((r) => r.mode === 'split'));
    assert.match(live.stdout, /live run: \d+ steps on fake/);
});
test('serve-gpu --max-steps stops early, says so, and keeps what ran', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-serve-gpu-'));
    const r = await runCommand(serveGpu, ['serve-gpu', '--backend', 'fake', ...SCENARIO, '--max-steps', '40', '--out', 'live.json', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(readFileSync(join(dir, 'live.json'), 'utf8'));
    assert.deepEqual(out.live.interrupted, { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: out.summary.requests - out.summary.completed - out.summary.rejected });
    assert.ok(out.live.interrupted.unfinished_requests > 0);
    assert.match(r.stderr, /stopped early \(--max-steps 40 reached\)/);
    assert.equal(JSON.parse(r.stdout).live.steps, 40);
});
test('serve-gpu --fake-scale: a slower stand-in GPU shows up as the model\'s per-step error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-serve-gpu-'));
    const r = await runCommand(serveGpu, ['serve-gpu', '--backend', 'fake', '--fake-scale', '1.25', ...SCENARIO, '--step-records', 'steps.jsonl', '--json', '--quiet'], dir);
    assert.equal(r.code, 0, r.stderr);
    const live = JSON.parse(r.stdout).live;
    assert.ok(Math.abs(live.model_step_error.median - (1 / 1.25 - 1)) < 1e-9);
    assert.equal(live.backend, 'fake (scale 1.25)');
    // The per-step records read back into the regime breakdown: every lane and group 1.25× the model.
    const drift = liveDriftReport(parseLiveSteps(readFileSync(join(dir, 'steps.jsonl'), 'utf8'), 'steps.jsonl'));
    assert.deepEqual(drift.lanes.map((g) => g.lane), ['aggregated', 'split-prefill', 'split-decode', 'split-decode-step']);
    for (const g of [...drift.lanes, ...drift.groups])
        assert.ok(Math.abs(g.mean_ratio - 1.25) < 1e-9 && Math.abs(g.weighted_ratio - 1.25) < 1e-9, g.label);
});
test('serve-gpu refuses what the live executor cannot run, before any work, and leaves no files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-serve-gpu-'));
    const cases = [
        [['--prefix-caching'], /--prefix-caching: the live executor gives every request its own KV blocks/],
        [['--block-size', '32'], /--block-size 32: the kernels page the KV cache in blocks of 16 tokens/],
        [['--backend', 'gpu', '--fake-scale', '2'], /--fake-scale applies to --backend fake only/],
        [['--backend', 'tpu'], /--backend/],
    ];
    for (const [flags, want] of cases) {
        const r = await runCommand(serveGpu, ['serve-gpu', '--backend', 'fake', ...SCENARIO, ...flags, '--out', 'x.json'], dir);
        assert.notEqual(r.code, 0, flags.join(' '));
        assert.match(r.stderr + (r.error?.message ?? ''), want);
    }
    assert.deepEqual(readdirSync(dir), []);
});
test('serve-gpu on a machine without the CUDA build says how to build it (exit 1, no files)', { skip: existsSync(addonPath()) ? 'the addon is built here' : false }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-serve-gpu-'));
    const r = await runCommand(serveGpu, ['serve-gpu', ...SCENARIO, '--out', 'x.json'], dir);
    assert.equal(r.code, 1);
    assert.match(r.error?.message ?? '', /CUDA addon not found at .*npm run build:native/);
    assert.deepEqual(readdirSync(dir), []);
});
test('end to end without a GPU: replay, serve-gpu on a stand-in GPU 10% slower, calibrate compare with the step records', async () => {
    const calibrate = await COMMANDS.calibrate();
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-serve-gpu-'));
    const sim = await runCommand(replay, ['replay', ...SCENARIO, '--out', 's.json', '--requests-csv', 's.csv', '--iterations-csv', 'si.csv', '--quiet'], dir);
    assert.equal(sim.code, 0, sim.stderr);
    const live = await runCommand(serveGpu, ['serve-gpu', '--backend', 'fake', '--fake-scale', '1.1', ...SCENARIO, '--out', 'l.json', '--requests-csv', 'l.csv', '--iterations-csv', 'li.csv', '--step-records', 'r.jsonl', '--quiet'], dir);
    assert.equal(live.code, 0, live.stderr);
    const files = ['--simulated', 's.json', '--live', 'l.json', '--simulated-requests', 's.csv', '--live-requests', 'l.csv', '--simulated-steps', 'si.csv', '--live-steps', 'li.csv', '--step-records', 'r.jsonl'];
    const c = await runCommand(calibrate, ['calibrate', 'compare', ...files, '--json', '--html', 'c.html'], dir);
    assert.equal(c.code, 0, c.stderr);
    const json = JSON.parse(c.stdout);
    assert.equal(json.schema, 'duetsim.live-compare/1');
    assert.equal(json.live.meta.backend, 'fake (scale 1.1)');
    // The simulation is faster than this GPU: negative errors, and the drift says 1.1× in every lane.
    assert.ok(json.metrics.tbt_ms.error.p50 < 0);
    for (const g of json.drift.lanes)
        assert.ok(Math.abs(g.mean_ratio - 1.1) < 1e-9, g.label);
    const page = readFileSync(join(dir, 'c.html'), 'utf8');
    assert.match(page, /Where the latency model misses/);
    const text = await runCommand(calibrate, ['calibrate', 'compare', ...files], dir);
    assert.match(text.stdout, /where the latency model misses, from the live step records:\nGPU time drift/);
    const alone = await runCommand(calibrate, ['calibrate', 'compare', '--step-records', 'r.jsonl'], dir);
    assert.equal(alone.code, 2);
});
test('serve-gpu refuses a --hw that is not the GPU on this machine (SM count, HBM size), naming both', async () => {
    const { checkDevice } = await import('../../../calibrate/cli/serve-gpu.js');
    const { loadHardware } = await import('../../../sim/config/load-hardware.js');
    const h200 = loadHardware('h200');
    const t = { hw: h200 };
    const h200Meta = JSON.stringify({ gpu: 'NVIDIA H200', sm_count: 132, memory_bytes: 150_754_820_096 });
    checkDevice(h200Meta, t, 'h200');
    assert.throws(() => checkDevice(JSON.stringify({ gpu: 'NVIDIA A100-SXM4-80GB', sm_count: 108, memory_bytes: 85e9 }), t, 'h200'), /--hw h200: .* has 132 SMs, but this machine's GPU \(NVIDIA A100-SXM4-80GB\) has 108/);
    assert.throws(() => checkDevice(JSON.stringify({ gpu: 'NVIDIA H100 80GB HBM3', sm_count: 132, memory_bytes: 85_520_809_984 }), t, 'h200'), /--hw h200: .* GiB of HBM, but this machine's GPU \(NVIDIA H100 80GB HBM3\) has 80 GiB/);
});
test('a live run that fails mid-way keeps the step records it measured (with an error line) and writes no results', async () => {
    const { LIVE_BACKENDS } = await import('../../../calibrate/live/backends.js');
    const { openFakeSession } = await import('../../../calibrate/live/fake-session.js');
    // A backend whose GPU fails on its sixth step, registered for this test only.
    const registry = LIVE_BACKENDS;
    registry['failing-for-test'] = {
        doc: 'test only',
        realGpu: false,
        open: (header, ctx) => {
            const inner = openFakeSession(header, ctx.model, ctx.hw);
            let n = 0;
            return { ...inner, step: (line) => (++n === 6 ? (() => { throw new Error('CUDA error: an illegal memory access was encountered'); })() : inner.step(line)) };
        },
    };
    try {
        const dir = mkdtempSync(join(tmpdir(), 'duetsim-serve-gpu-'));
        await assert.rejects(runCommand(await COMMANDS['serve-gpu'](), ['serve-gpu', '--backend', 'failing-for-test', ...SCENARIO, '--step-records', 'r.jsonl', '--out', 'x.json'], dir), /illegal memory access/);
        const lines = readFileSync(join(dir, 'r.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        assert.equal(lines.length, 6);
        assert.deepEqual(lines.slice(0, 5).map((r) => r.step), [0, 1, 2, 3, 4]);
        assert.equal(lines[5].kind, 'error');
        assert.equal(lines[5].after_steps, 5);
        assert.deepEqual(readdirSync(dir).sort(), ['r.jsonl']);
    }
    finally {
        delete registry['failing-for-test'];
    }
});
