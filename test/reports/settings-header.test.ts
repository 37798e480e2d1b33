import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportSettings, scenarioSettings, settingsHtml } from '../../reports/settings-header.js';
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
