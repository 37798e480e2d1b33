import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { list } from '../../../../sim/cli/commands/list.js';
import { runCommand } from '../../../util/run-command.js';
import { POLICIES } from '../../../../sim/policy/registry.js';
import { BUNDLED_TRACES } from '../../../../sim/trace/bundled.js';
import { listBundled } from '../../../../sim/config/config-files.js';
const run = (...argv) => runCommand(list, ['list', ...argv], tmpdir());
test('list models prints one line per bundled model with params in B and weight GB', async () => {
    const r = await run('models');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(r.stdout, /^qwen3-8b\s+8\.19 B params\s+16\.4 GB weights\s+36 layers\s+hidden 4096\s+32\/8 q\/kv heads$/m);
    assert.match(r.stdout, /^llama-3\.1-8b\s+8\.03 B params\s+16\.1 GB weights/m);
});
test('list hardware prints SMs, peak TF, TB/s, HBM GB and whether the perf is seed or calibrated', async () => {
    const r = await run('hardware');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^h200\s+132 SMs\s+989 TF bf16\s+4\.80 TB\/s\s+150 GB HBM\s+calibrated$/m);
    assert.match(r.stdout, /^a100-80g\s+108 SMs\s+312 TF bf16\s+2\.04 TB\/s\s+80 GB HBM\s+seed$/m);
});
test('list --json gives the same entries as objects', async () => {
    const models = JSON.parse((await run('models', '--json')).stdout);
    assert.deepEqual(models.map((m) => m.name), listBundled('models'));
    assert.equal(models.find((m) => m.name === 'llama-3.1-8b')?.parameterCount, 8_030_261_248);
    const hw = JSON.parse((await run('hardware', '--json')).stdout);
    assert.deepEqual(hw.map((h) => h.name), listBundled('hardware'));
    const entry = (name) => hw.find((h) => h.name === name);
    assert.deepEqual([entry('a100-80g'), entry('h100-sxm'), entry('h200')].map((h) => h && [h.smCount, h.perf]), [[108, 'seed'], [132, 'calibrated'], [132, 'calibrated']]);
});
test('list policies and traces follow their registries, descriptions included', async () => {
    const policies = JSON.parse((await run('policies', '--json')).stdout);
    assert.deepEqual(policies.map((p) => p.name), Object.keys(POLICIES));
    assert.ok(policies.every((p) => p.description.length > 0));
    const text = (await run('policies')).stdout;
    for (const name of Object.keys(POLICIES))
        assert.match(text, new RegExp(`^${name}\\s+\\S`, 'm'));
    const traces = JSON.parse((await run('traces', '--json')).stdout);
    assert.deepEqual(traces.map((t) => t.name), Object.keys(BUNDLED_TRACES));
    assert.match((await run('traces')).stdout, /^azure-conv\s+Azure LLM inference 2023/m);
});
test('an unknown category is a usage error naming the valid ones', async () => {
    const r = await run('gpus');
    assert.equal(r.code, 2);
    assert.match(r.error?.message ?? '', /expected one of models, hardware, policies, traces, got 'gpus'/);
});
