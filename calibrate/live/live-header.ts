import type { ModelSpec } from '../../sim/model/model-spec.js';
import type { HardwareSpec } from '../../sim/hardware/hardware-spec.js';
import type { EngineOptions } from '../../sim/engine/scenario.js';
import { wholeGpuSplits } from '../../sim/hardware/partition.js';
import { toPlanModel } from '../plan.js';
import type { PlanModel } from '../plan-format.js';
import { EXEC_BLOCK_TOKENS } from '../closed-loop/exec-plan.js';

/**
 * What a live session is opened with (format `duetsim-live` version 1, cuda/README.md "Live sessions"): the
 * model's shape, the KV pool, the partitions to make and warm before the first step, and the limits the
 * activation arenas are sized for. Pure.
 */
export const LIVE_FORMAT = 'duetsim-live';
export const LIVE_VERSION = 1;
/** The most look-ahead steps a DuetServe window may take (the policy's own bound on max_lookahead_k). */
export const LIVE_MAX_LOOKAHEAD = 64;

export interface LiveHeader {
  readonly format: typeof LIVE_FORMAT;
  readonly version: typeof LIVE_VERSION;
  readonly model_name: string;
  readonly model: PlanModel;
  readonly block_tokens: number;
  readonly kv_blocks: number;
  /** [prefill SMs, decode SMs] pairs made and warmed at open (others are made on first use). */
  readonly splits: readonly (readonly [number, number])[];
  readonly max_batch_tokens: number;
  readonly max_seqs: number;
  readonly max_lookahead: number;
}

/** Policies whose steps may run as split windows: their partitions are warmed before the first step. */
const SPLITTING_POLICIES = new Set(['duetserve', 'static']);

/**
 * The session for one instance holding `kvBlocks` blocks. The executor's KV rule is stricter than the
 * simulator's: in a split window every decode writes all k look-ahead tokens (DuetServe's graphs hold the
 * whole batch), so a request finishing inside a window holds up to ⌈k/16⌉ + 1 blocks more than the simulator
 * counts; the pool carries that much per sequence on top.
 */
export function liveHeader(model: ModelSpec, hw: HardwareSpec, engine: EngineOptions, policy: string, kvBlocks: number): LiveHeader {
  const headroomBlocks = engine.maxNumSeqs * (Math.ceil(LIVE_MAX_LOOKAHEAD / EXEC_BLOCK_TOKENS) + 1);
  return {
    format: LIVE_FORMAT,
    version: LIVE_VERSION,
    model_name: model.name,
    model: toPlanModel(model),
    block_tokens: EXEC_BLOCK_TOKENS,
    kv_blocks: kvBlocks + headroomBlocks,
    splits: SPLITTING_POLICIES.has(policy) ? wholeGpuSplits(hw).map((s) => [s.prefillSms, s.decodeSms] as const) : [],
    max_batch_tokens: engine.maxBatchTokens,
    max_seqs: engine.maxNumSeqs,
    max_lookahead: LIVE_MAX_LOOKAHEAD,
  };
}
