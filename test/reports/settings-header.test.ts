import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveSettings, reportSettings, scenarioSettings, settingsHtml } from '../../reports/settings-header.js';
import type { ReportInput } from '../../reports/report-input.js';
import { runScenario } from '../util/fake-run-scenario.js';
import { HOSTILE, fixtureSpec } from '../util/report-fixtures.js';

test('a run says what was run: model, GPU and calibration, trace and window, measured rate, policy, SLOs, seed, version', () => {
  const s = scenarioSettings(runScenario(fixtureSpec({ durationS: 60, policyParams: { tau_ms: 40 }, sloTtftMs: 500 })).config);
  assert.equal(s.get('model'), 'qwen3-8b');
  assert.equal(s.get('GPU'), 'h100-sxm, 132 SMs');
  assert.match(s.get('GPU latency model') ?? '', /calibrated on a fake H100/);
  assert.equal(s.get('trace and window'), 'azure-conv, from the start, 60 s of the trace: 100 requests');
  assert.equal(s.get('arrival rate'), '2.85 req/s measured (asked for: 3 req/s)');
  assert.equal(s.get('policy parameters'), 'tau_ms=40');
  assert.equal(s.get('SLO targets'), "TTFT ≤ 500 ms; TBT ≤ 50 ms (judged on a request's p99 gap)");
  assert.equal(s.get('seed'), '0');
  assert.equal(s.get('duetsim version'), '0.1.0');
});

test('a cluster run is named by its cluster and groups, not by the unused scenario fields', () => {
  const config = {
    ...fixtureSpec({ cluster: 'configs/clusters/pd-2x.yaml', model: 'from-cluster' }),
    resolved: {
      arrival_rate_qps: 4, cluster: { name: 'pd-2x', gpus: 2, router: 'round-robin' },
      instances: [
        { id: 0, group: 'prefill', role: 'prefill', model: 'qwen3-8b', hardware: 'h100-sxm', policy: 'vllm', tp: 1 },
        { id: 1, group: 'decode', role: 'decode', model: 'qwen3-8b', hardware: 'h100-sxm', policy: 'vllm', tp: 1 },
      ],
    },
  };
  const s = scenarioSettings(config);
  assert.equal(s.has('model'), false);
  assert.equal(s.get('cluster'), 'pd-2x (configs/clusters/pd-2x.yaml): 2 GPUs, router round-robin');
  assert.equal(s.get('groups'), 'prefill: 1 × prefill on qwen3-8b / h100-sxm, tp 1, vllm; decode: 1 × decode on qwen3-8b / h100-sxm, tp 1, vllm');
});

test('the settings table escapes what configs hold', () => {
  const r = runScenario(fixtureSpec({ model: `m${HOSTILE}` }));
  const input: ReportInput = { title: 't', sources: [], runs: [{ label: 'a', policy: 'duetserve', file: 'a.json', result: r }], studyPoints: [], capacities: [], calibration: [], calibrationFiles: [] };
  const html = settingsHtml(reportSettings(input));
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('m&#60;/script&#62;'));
});

test('a live run says its step times were measured on a GPU, what it measured of the model and the host, and whether it stopped early; strings escaped', () => {
  const live = {
    schema: 'duetsim.live/1',
    backend: 'gpu',
    device: { gpu: 'NVIDIA H200</td><script>alert(1)</script>' },
    host_time: 'modelled',
    idle: 'sleep',
    steps: 1200,
    decision_us: { count: 1200, p50: 41.2, p90: 60, p99: 95.5, max: 300 },
    prepare_us: { count: 1200, p50: 900, p90: 1400, p99: 2100, max: 4000 },
    gpu_idle_before_us: { count: 900, p50: 1000, p90: 1500, p99: 2000, max: 5000 },
    gpu_waited_share: 0.97,
    model_step_error: { median: -0.031, p90_abs: 0.082, mean_abs: 0.04 },
    smid_violations: 0,
    arena_growths: 0,
    slept_idle_s: 3.2,
    wall_s: 80,
    interrupted: { reason: '--max-seconds 75 reached', after_steps: 1200, unfinished_requests: 14 },
  };
  const m = liveSettings(live);
  assert.match(m.get('step times')!, /^measured live on NVIDIA H200.* \(gpu\), 1200 steps, host time modelled, idle gaps waited out in wall time; STOPPED EARLY: --max-seconds 75 reached after 1200 steps, 14 requests unfinished$/);
  assert.equal(m.get('live: model vs measured'), "latency model's step time off by median -3.1%, p90 |error| 8.2%; host per step: decision p50 41 / p99 96 µs, preparation p50 900 / p99 2100 µs; GPU waited for the host before 97.0% of back-to-back steps; SM-placement violations 0");
  assert.deepEqual([...liveSettings(undefined)], [['step times', 'simulated (latency model)']]);
  const html = settingsHtml({ columns: ['run'], rows: [...m].map(([setting, v]) => ({ setting, values: [v] })) });
  assert.ok(!html.includes('<script>'));
});

test("a validation judged blind to a model's GEMM shapes says so, escaped", () => {
  const summary = { gpu: 'G', hardware: 'h', perf_provenance: 'p', held_out_share: 0.4, blind_gemm_shapes: { models: [`llama${HOSTILE}`], dropped: ['4096x28672', '14336x4096'] } };
  const input: ReportInput = { title: 't', sources: [], runs: [], studyPoints: [], capacities: [], calibration: [], calibrationFiles: [{ file: 'v.json', summary }] };
  const settings = reportSettings(input);
  const row = settings.rows.find((r) => r.setting === 'judged blind to GEMM shapes of');
  assert.match(row?.values[0] ?? '', /^llama[^]* \(4096x28672, 14336x4096 taken out of the kernel table: those models as known from their configs alone\)$/);
  const html = settingsHtml(settings);
  assert.ok(!html.includes('<script>'));
  // Without the field, no such row.
  assert.ok(!reportSettings({ ...input, calibrationFiles: [{ file: 'v.json', summary: { ...summary, blind_gemm_shapes: undefined } }] }).rows.some((r) => r.setting.startsWith('judged blind')));
});
