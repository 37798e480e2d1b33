import type { Decision, Policy, PolicyContext, PolicyFactory, SchedulerView, StepBatch } from './policy.js';
import type { HardwareSpec } from '../hardware/hardware-spec.js';
import type { IterationBatch } from '../latency/iteration-batch.js';
import { aggregatedStepUs } from '../latency/iteration-timing.js';
import { wholeGpuSplits } from '../hardware/partition.js';
import { formHybridBatch } from './batch-formation.js';
import { chooseSplit, type SplitProblem } from './split-optimizer.js';
import { PolicyParams } from './params.js';
import { inputError } from '../core/input-error.js';
import { VLLM_V1_MAX_NUM_BATCHED_TOKENS, VLLM_V1_MAX_NUM_SEQS } from './vllm.js';
import { SGLANG_CHUNKED_PREFILL_SIZE, SGLANG_MAX_RUNNING_REQUESTS } from './sglang.js';

/**
 * The serving engine DuetServe's aggregated mode is built on: its decode-first hybrid batch takes that
 * engine's token budget and sequence cap. 'engine': the run's --max-batch-tokens and --max-num-seqs
 * (what `chunked` uses); 'vllm': vLLM V1's 80 GB-GPU defaults (sim/policy/vllm.ts); 'sglang': SGLang with
 * mixed chunking, whose chunk budget holds the decodes too (sim/policy/sglang.ts).
 */
const BASE_ENGINES = ['engine', 'vllm', 'sglang'] as const;
type BaseEngine = (typeof BASE_ENGINES)[number];

function baseLimits(base: BaseEngine): { tokenBudget: number; maxNumSeqs: number } | null {
  if (base === 'vllm') return { tokenBudget: VLLM_V1_MAX_NUM_BATCHED_TOKENS, maxNumSeqs: VLLM_V1_MAX_NUM_SEQS };
  if (base === 'sglang') return { tokenBudget: SGLANG_CHUNKED_PREFILL_SIZE, maxNumSeqs: SGLANG_MAX_RUNNING_REQUESTS };
  return null;
}

/**
 * DuetServe: aggregated by default; when the decode-first hybrid batch that `chunked` would run is
 * predicted to break the TBT target τ, split the GPU's SMs — decodes on S_d, prefill chunks on S_p,
 * concurrently, k decode steps (CUDA graphs, back to back) beside one eager prefill.
 * Ablations: `adaptive=false` always splits; `fixed_k=1` removes the look-ahead; `contention_aware=false`
 * lets the optimiser believe partitions do not interfere (the simulator still charges contention).
 */
export const duetserve: PolicyFactory = {
  description: 'adaptive SM multiplexing: aggregated while the hybrid batch meets the TBT target, otherwise prefill and decode on split SM partitions with k-step decode look-ahead',
  params: {
    tbt_target_ms: { doc: 'TBT target τ, ms (default: --slo-tbt)', default: null },
    base_engine: { doc: "engine the aggregated mode is built on, which sets the hybrid batch's token budget and sequence cap: engine (--max-batch-tokens, --max-num-seqs), vllm (8192, 1024) or sglang (mixed chunk 8192, 4096)", default: 'engine' },
    token_budget: { doc: 'token budget of the aggregated hybrid batch (default: the base engine’s)', default: null },
    prefill_token_budget: { doc: 'most prefill tokens in one split window (default: 2 × token budget)', default: null },
    max_lookahead_k: { doc: 'largest look-ahead k', default: 8 },
    fixed_k: { doc: 'always use this k (ablation: 1)', default: null },
    adaptive: { doc: 'false: always split when both prefill and decode work exist (ablation)', default: true },
    contention_aware: { doc: 'false: the optimiser ignores partition interference (ablation)', default: true },
    tbt_headroom: {
      doc: 'share of τ the decisions keep free (they aim at (1 − headroom)·τ): a token gap that spans a split window’s end or a mode switch also holds host time and the window remainder',
      default: 0.1,
    },
    guard_window_gap: { doc: 'also keep the gap across a window’s end under τ (a longer look-ahead, or a shorter prefill)', default: true },
    granularity_sms: { doc: 'partition step in SMs (default: the hardware partition granularity; cannot be finer)', default: null },
  },
  // A vllm or sglang base sets both limits, token_budget the budget (and, doubled, the split windows' prefill budget).
  unreadEngineLimits: (values) => {
    if (values.base_engine !== undefined && values.base_engine !== 'engine') return { maxNumSeqs: 'base_engine', maxBatchTokens: 'base_engine' };
    return values.token_budget !== undefined ? { maxBatchTokens: 'token_budget' } : {};
  },
  create(values, ctx): Policy {
    const p = new PolicyParams('duetserve', duetserve, values);
    const tauMs = p.optionalNumber('tbt_target_ms', { min: 0 }) ?? ctx.sloTbtMs;
    if (tauMs === null) throw inputError('missing-tbt-target', '<policy parameters>', 0, 'tbt_target_ms', 'duetserve needs a TBT target: pass --slo-tbt MS or --param tbt_target_ms=MS');
    const gapLimitUs = tauMs * 1000;
    checkTauReachable(ctx, gapLimitUs);
    const tauUs = gapLimitUs * (1 - p.number('tbt_headroom', { min: 0, max: 0.9 }));
    const maxK = p.number('max_lookahead_k', { min: 1, max: 64, integer: true });
    const fixedK = p.optionalNumber('fixed_k', { min: 1, max: 64, integer: true });
    const hw = withGranularity(ctx.hw, p.optionalNumber('granularity_sms', { min: 1, integer: true }));
    const optimiserHw: HardwareSpec = p.boolean('contention_aware') ? hw : { ...hw, perf: { ...hw.perf, contention: { memory: 0, compute: 0 } } };
    const adaptive = p.boolean('adaptive');
    const guard = p.boolean('guard_window_gap');
    const tokenBudgetParam = p.optionalNumber('token_budget', { min: 1, integer: true });
    const prefillBudgetParam = p.optionalNumber('prefill_token_budget', { min: 1, integer: true });
    const base = baseLimits(p.oneOf('base_engine', BASE_ENGINES));
    const splits = wholeGpuSplits(hw);
    if (splits.length === 0) throw inputError('no-splits', ctx.hw.name, 0, 'partition', `${ctx.hw.name} cannot be split into two partitions`);
    return {
      name: 'duetserve',
      decide(view: SchedulerView): Decision {
        const tokenBudget = tokenBudgetParam ?? base?.tokenBudget ?? view.engine.maxBatchTokens;
        const maxNumSeqs = base?.maxNumSeqs ?? view.engine.maxNumSeqs;
        const hybrid = formHybridBatch(view, { tokenBudget, decodeSteps: 1, maxNumSeqs });
        if (hybrid.prefills.length === 0 && hybrid.decodes.length === 0 && hybrid.preempt.length === 0) return { kind: 'idle' };
        if (hybrid.prefills.length === 0 || hybrid.decodes.length === 0) return { kind: 'aggregated', ...hybrid };
        if (adaptive && aggregatedStepUs(view.model, view.hw, toBatch(hybrid), view.hw.smCount, view.tpDegree) <= tauUs) return { kind: 'aggregated', ...hybrid };
        // Split: decodes on their partition, prefill chunks with their own budget; halve the prefill
        // budget until a feasible split exists (the window-gap guard can demand a shorter prefill).
        const numDecoding = hybrid.decodes.length;
        const prefillBudget = prefillBudgetParam ?? 2 * tokenBudget;
        for (let budget = prefillBudget; budget >= 64; budget = Math.floor(budget / 2)) {
          const b = formHybridBatch(view, { tokenBudget: numDecoding + budget, decodeSteps: 1, maxNumSeqs });
          if (b.prefills.length === 0 || b.decodes.length !== numDecoding) break;
          const problem: SplitProblem = {
            model: view.model,
            hw: optimiserHw,
            tpDegree: view.tpDegree,
            tauUs,
            decode: { prefills: [], decodeCount: b.decodes.length, decodeContextTokens: contextSum(b) },
            prefill: { prefills: b.prefills.map((a) => ({ newTokens: a.newTokens, cachedTokens: a.seq.computedTokens })), decodeCount: 0, decodeContextTokens: 0 },
            splits,
            maxK,
            fixedK,
            guardWindowGap: guard,
            gapLimitUs,
            prefillEmits: b.prefills.some((a) => (a.seq.phase === 'waiting' ? view.kv.prefixHitTokens(a.seq) : a.seq.computedTokens) + a.newTokens >= a.seq.prefillTargetTokens),
          };
          const choice = chooseSplit(problem);
          if (!choice) continue;
          // Reserve KV for k steps; if that forces preemptions the look-ahead is not worth it: k = 1.
          let k = choice.k;
          let batch: StepBatch = b;
          if (k > 1) {
            const reserved = formHybridBatch(view, { tokenBudget: numDecoding + budget, decodeSteps: k, maxNumSeqs });
            if (reserved.preempt.length === 0 && reserved.decodes.length === numDecoding) batch = reserved;
            else k = 1;
          }
          return { kind: 'split', ...batch, prefillSms: choice.prefillSms, decodeSms: choice.decodeSms, lookaheadK: k };
        }
        // No split meets τ: run the hybrid batch aggregated, which is the fastest way through it.
        return { kind: 'aggregated', ...hybrid };
      },
      // A hybrid batch without prefill chunks always runs aggregated.
      steadyDecode: (view) => (view.running.length <= (tokenBudgetParam ?? base?.tokenBudget ?? view.engine.maxBatchTokens) ? { kind: 'aggregated' } : null),
    };
  },
};

function toBatch(b: StepBatch): IterationBatch {
  return {
    prefills: b.prefills.map((a) => ({ newTokens: a.newTokens, cachedTokens: a.seq.computedTokens })),
    decodeCount: b.decodes.length,
    decodeContextTokens: contextSum(b),
  };
}

function contextSum(b: StepBatch): number {
  let c = 0;
  for (const d of b.decodes) c += d.decodeContextTokens;
  return c;
}

/** τ must exceed the fastest decode step there can be: one request, one token of context, whole GPU. */
export function checkTauReachable(ctx: PolicyContext, tauUs: number): void {
  const fastestUs = aggregatedStepUs(ctx.model, ctx.hw, { prefills: [], decodeCount: 1, decodeContextTokens: 1 }, ctx.hw.smCount, ctx.tpDegree);
  if (tauUs < fastestUs) {
    throw inputError(
      'impossible-tbt-target',
      '<policy parameters>',
      0,
      'tbt_target_ms',
      `TBT target ${tauUs / 1000} ms is below the fastest possible decode step of ${ctx.model.name} on ${ctx.hw.name} (${(fastestUs / 1000).toFixed(2)} ms for one request on all SMs)`,
    );
  }
}

/** A coarser partition step than the hardware's (never finer: the mechanism cannot make those). */
export function withGranularity(hw: HardwareSpec, granularitySms: number | null): HardwareSpec {
  if (granularitySms === null) return hw;
  const g = hw.partition.granularitySms;
  if (granularitySms < g || granularitySms % g !== 0) {
    throw inputError('split-too-fine', '<policy parameters>', 0, 'granularity_sms', `${hw.name} partitions step by ${g} SMs (${hw.partition.mechanism}); ${granularitySms} is finer or not a multiple`);
  }
  return { ...hw, partition: { ...hw.partition, granularitySms, minSms: Math.max(hw.partition.minSms, granularitySms) } };
}
