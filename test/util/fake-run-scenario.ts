import type { ScenarioSpec } from '../../sim/engine/scenario.js';
import { InputError } from '../../sim/core/input-error.js';
import { RESULT_SCHEMA, type Percentiles, type RunResult, type TimelineBucket } from '../../sim/metrics/results.js';

/**
 * A stand-in for runScenario with a known answer, for study and report tests: SLO attainment falls
 * linearly from 1 at half the policy's knee rate to 0 at 1.5× the knee, so a capacity search at target
 * 0.9 must find 0.6 × knee. The seed adds a small, bounded wobble so averaging has something to do.
 * A model named 'missing-model' fails like the real loader would, with an InputError.
 */
export const FAKE_KNEE_QPS: Readonly<Record<string, number>> = { vllm: 4, chunked: 5, static: 5.5, duetserve: 6 };

export function fakeAttainment(policy: string, rateQps: number, seed: number): number {
  const knee = FAKE_KNEE_QPS[policy] ?? 3;
  const wobble = ((seed % 3) - 1) * 0.01;
  return Math.min(1, Math.max(0, 1 - (rateQps - 0.5 * knee) / knee + wobble));
}

const pct = (base: number): Percentiles => ({ p50: base, p90: base * 1.5, p99: base * 2, mean: base * 1.1, max: base * 3 });

export function runScenario(spec: ScenarioSpec, opts: { onProgress?: (doneFrac: number) => void } = {}): RunResult {
  if (spec.model === 'missing-model') {
    throw new InputError([{ code: 'model-unknown', file: 'configs/models', line: 0, column: 0, field: 'model', message: "unknown model 'missing-model'" }]);
  }
  const rate = spec.rateQps ?? 2;
  opts.onProgress?.(0.5);
  const attainment = fakeAttainment(spec.policy, rate, spec.seed);
  const requests = 100;
  const durationS = requests / rate;
  const buckets: TimelineBucket[] = Array.from({ length: 5 }, (_, i) => ({
    t_s: i * 10, arrivals: 20, completions: 19, queue_len: i, running: 8, kv_used_frac: 0.1 * i,
    tbt_p99_ms: i === 2 ? null : 20 + i, iterations: 100, split_share: spec.policy === 'duetserve' ? 0.5 : 0,
    mean_prefill_sms: spec.policy === 'duetserve' ? 80 : 0, mean_decode_sms: spec.policy === 'duetserve' ? 52 : 0,
    mean_lookahead_k: spec.policy === 'duetserve' ? 4 : 0,
  }));
  opts.onProgress?.(1);
  return {
    schema: RESULT_SCHEMA,
    config: { ...spec },
    summary: {
      requests, completed: requests, rejected: 0, rejected_by_reason: {}, duration_s: durationS, throughput_rps: requests / durationS,
      input_tps: 1000 * rate, output_tps: 200 * rate, ttft_ms: pct(100 + rate), tbt_ms: pct(20 + rate), tpot_ms: pct(20),
      e2e_ms: pct(2000), queue_ms: pct(5),
      slo: { ttft_ms: spec.sloTtftMs, tbt_ms: spec.sloTbtMs, tbt_definition: spec.tbtDefinition },
      slo_attainment: attainment, goodput_rps: attainment * rate, iterations: 500, preemptions: 0,
      split_time_share: spec.policy === 'duetserve' ? 0.5 : 0, wasted_decode_steps: 0, prefix_hit_tokens: 0,
    },
    timeline: { bucket_s: 10, buckets },
    cdf: {
      ttft_ms: Array.from({ length: 101 }, (_, i) => 50 + i * (1 + rate / 10)),
      tbt_ms: Array.from({ length: 101 }, (_, i) => 10 + i * 0.2),
    },
    rejected: [],
  };
}
