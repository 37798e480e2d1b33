import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compileExecPlan, EXEC_BLOCK_TOKENS } from '../../../calibrate/closed-loop/exec-plan.js';
import { loadModel } from '../../../sim/config/load-model.js';
import { packageRoot } from '../../../sim/trace/bundled.js';
import { parseSchedule } from '../../../calibrate/closed-loop/schedule.js';
import { expectInputError } from '../../util/expect-input-error.js';
import { emittedSchedule, emittedScheduleText } from '../../util/closed-loop-fixtures.js';
const run = promisify(execFile);
function lines(text) {
    const all = text.trim().split('\n').map((l) => JSON.parse(l));
    return { header: all[0], steps: all.slice(1) };
}
test('exec plan: every request is freed exactly once after its last step, and the pool is the peak of the executor\'s rule', () => {
    const schedule = emittedSchedule('duetserve');
    assert.ok(schedule.steps.some((s) => s.mode === 'split'), 'the load must make duetserve split');
    const plan = compileExecPlan(schedule, loadModel('qwen3-8b'));
    const { header, steps } = lines(plan.text);
    assert.equal(header.format, 'duetsim-exec');
    assert.equal(header.block_tokens, EXEC_BLOCK_TOKENS);
    assert.equal(steps.length, schedule.steps.length);
    const released = new Map();
    steps.forEach((s, i) => s.release.forEach((id) => {
        assert.ok(!released.has(id), `request ${id} released twice`);
        released.set(id, i);
    }));
    // Released after its last appearance, never before.
    steps.forEach((s, i) => [...s.prefills, ...s.decodes].forEach(([id]) => assert.ok(released.get(id) >= i, `request ${id} runs at step ${i} after its release`)));
    // Recompute the peak independently: blocks for every token written so far, per live request.
    const held = new Map();
    let peak = 0;
    for (const s of steps) {
        for (const id of s.free)
            held.delete(id);
        for (const [id, n, c] of s.prefills)
            held.set(id, Math.max(held.get(id) ?? 0, Math.ceil((c + n) / 16)));
        for (const [id, ctx, st] of s.decodes)
            held.set(id, Math.max(held.get(id) ?? 0, Math.ceil((ctx + (s.mode === 'split' ? s.k : st) - 1) / 16)));
        peak = Math.max(peak, [...held.values()].reduce((a, b) => a + b, 0));
        for (const id of s.release)
            held.delete(id);
    }
    assert.equal(plan.kvBlocks, peak);
    assert.equal(held.size, 0, 'every request freed by the end');
});
test('exec plan: refuses a schedule the kernels cannot page (another KV block size)', () => {
    const text = emittedScheduleText('chunked');
    const other = text.replace('"block_tokens":16', '"block_tokens":32');
    expectInputError(() => compileExecPlan(parseSchedule(other, 's.jsonl'), loadModel('qwen3-8b')), [{ file: 's.jsonl', line: 1, field: 'block_tokens' }]);
});
test('the CUDA executor\'s host side (plan reader, KV pool) agrees with the TypeScript compiler, built with g++', { timeout: 120_000 }, async (t) => {
    try {
        await run('g++', ['--version']);
    }
    catch {
        t.skip('g++ not installed');
        return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-exec-'));
    try {
        const root = packageRoot();
        const src = ['cuda/tests/exec_plan_test.cpp', 'cuda/core/exec_plan.cpp', 'cuda/core/kv_pool.cpp', 'cuda/core/plan.cpp', 'cuda/core/json.cpp'].map((f) => join(root, f));
        const bin = join(dir, 'exec_plan_test');
        await run('g++', ['-std=c++17', '-O1', '-Wall', '-Wextra', '-Werror', '-o', bin, ...src]);
        const plan = compileExecPlan(emittedSchedule('duetserve'), loadModel('qwen3-8b'));
        writeFileSync(join(dir, 'plan.exec.jsonl'), plan.text);
        const { stdout } = await run(bin, [join(dir, 'plan.exec.jsonl')]);
        assert.match(stdout, /^ok \d+ passed, 0 failed$/m);
        assert.match(stdout, new RegExp(`peak ${plan.kvBlocks} blocks`));
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
