import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarioDetailed, runScenario } from '../../../sim/run/run-scenario.js';
import { DEFAULT_ENGINE } from '../../../sim/engine/scenario.js';
import { parseStudy } from '../../../sim/study/parse-study.js';
import { expandGrid } from '../../../sim/study/grid.js';
import { FROM_CLUSTER } from '../../../sim/cluster/cluster-spec.js';
import { runCommand } from '../../util/run-command.js';
import { COMMANDS } from '../../../bin/commands.js';
// The command as bin/ composes it (with reports/' HTML pages).
const replay = await COMMANDS.replay();
const dir = mkdtempSync(join(tmpdir(), 'duetsim-cluster-'));
const PD = join(dir, 'pd.yaml');
writeFileSync(PD, `name: pd
router: least-outstanding
kvTransfer: layerwise
interconnect: nvlink4
groups:
  - { name: p, role: prefill, model: qwen3-8b, hardware: h100-sxm, policy: chunked }
  - { name: d, role: decode, count: 2, model: qwen3-8b, hardware: h100-sxm, policy: chunked }
`);
const spec = {
    trace: 'azure-conv',
    traceFormat: null,
    rateQps: null,
    startS: 0,
    durationS: null,
    limit: 60,
    model: 'qwen3-8b',
    hardware: 'h100-sxm',
    useCalibration: true,
    policy: 'chunked',
    cluster: null,
    policyParams: {},
    engine: DEFAULT_ENGINE,
    sloTtftMs: 2000,
    sloTbtMs: 50,
    tbtDefinition: 'request-p99-gap',
    seed: 0,
};
test('a scenario naming a cluster runs it and reports per-instance summaries in config.resolved', () => {
    const r = runScenario({ ...spec, cluster: PD });
    assert.equal(r.summary.completed + r.summary.rejected, 60);
    const resolved = r.config.resolved;
    assert.equal(resolved.cluster.gpus, 3);
    assert.deepEqual(resolved.instances.map((i) => i.role), ['prefill', 'decode', 'decode']);
    assert.equal(resolved.instances[0].routed_requests, 60);
    assert.equal(resolved.instances[1].handoffs_in + resolved.instances[2].handoffs_in, resolved.cluster.kv_transfers.count);
});
test('the KV-transfer series in the results adds up to the transfer totals beside it', () => {
    const t = runScenario({ ...spec, cluster: PD }).config.resolved.cluster.kv_transfers;
    const sum = (pick) => t.series.links.reduce((n, l) => n + pick(l).reduce((a, b) => a + b, 0), 0);
    assert.ok(t.count > 0);
    assert.deepEqual(t.series.links.map((l) => l.from_instance), [0]);
    assert.equal(sum((l) => l.transfers), t.count);
    // gb is rounded to 3 decimals; each bucket's bytes to whole bytes.
    assert.ok(Math.abs(sum((l) => l.bytes) / 1e9 - t.gb) <= 0.0005 + 1e-9);
});
test('a scenario without a cluster runs on one GPU as before', () => {
    const a = runScenarioDetailed(spec).result;
    assert.equal(a.summary.completed, 60);
    assert.equal(a.config.resolved.instances, undefined);
});
test('duetsim replay --cluster runs the cluster file and writes the same results JSON as the library', async () => {
    const out = join(dir, 'out.json');
    const run = await runCommand(replay, ['replay', '--cluster', 'pd.yaml', '--limit', '60', '--slo-ttft', '2000', '--slo-tbt', '50', '--quiet', '--out', 'out.json'], dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /cluster pd\.yaml, trace azure-conv/);
    const written = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(written.config.cluster, 'pd.yaml');
    // The results name no model or policy that did not run: the cluster file supplied them.
    assert.deepEqual([written.config.model, written.config.policy], [FROM_CLUSTER, FROM_CLUSTER]);
    assert.deepEqual(written.summary, runScenario({ ...spec, cluster: PD }).summary);
});
test('duetsim replay --cluster refuses flags the cluster file replaces', async () => {
    const run = await runCommand(replay, ['replay', '--cluster', 'pd.yaml', '--policy', 'vllm', '--param', 'x=1', '--limit', '5', '--quiet'], dir);
    assert.equal(run.code, 2);
    assert.match(run.error?.message ?? '', /drop --policy, --param/);
});
test('duetsim replay --cluster with a bad cluster file reports file, line and key', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'name: x\nrouter: nearest\ngroups: []\n');
    const run = await runCommand(replay, ['replay', '--cluster', 'bad.yaml', '--limit', '5', '--quiet'], dir);
    assert.equal(run.code, 2);
    assert.match(run.error?.message ?? '', /bad\.yaml:2:\d+ \[router\]/);
    assert.match(run.error?.message ?? '', /bad\.yaml:3:\d+ \[groups\]/);
});
test('a study may vary the cluster axis without naming model, hardware or policy', () => {
    const study = parseStudy(`name: clusters
base: { trace: azure-conv, sloTtftMs: 2000 }
axes:
  cluster: [a.yaml, b.yaml]
  rateQps: [1, 2]
`, 'study.yaml');
    const points = expandGrid(study);
    assert.equal(points.length, 4);
    assert.deepEqual(points.map((p) => [p.spec.cluster, p.spec.model, p.spec.policy]).slice(0, 2), [
        ['a.yaml', FROM_CLUSTER, FROM_CLUSTER],
        ['a.yaml', FROM_CLUSTER, FROM_CLUSTER],
    ]);
    // A null on the axis means one GPU for that point, which then needs model, hardware and policy.
    assert.throws(() => parseStudy(`name: c\nbase: { trace: azure-conv }\naxes:\n  cluster: [a.yaml, null]\n`, 'study.yaml'), /'model' must be set/);
});
