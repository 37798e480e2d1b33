import { wholeGpuSplits } from '../../sim/hardware/partition.js';
import { toPlanModel } from '../plan.js';
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
/** Policies whose steps may run as split windows: their partitions are warmed before the first step. */
const SPLITTING_POLICIES = new Set(['duetserve', 'static']);
/**
 * The session for one instance holding `kvBlocks` blocks. The executor's KV rule is stricter than the
 * simulator's: in a split window every decode writes all k look-ahead tokens (DuetServe's graphs hold the
 * whole batch), so a request finishing inside a window holds up to ⌈k/16⌉ + 1 blocks more than the simulator
 * counts; the pool carries that much per sequence on top.
 */
export function liveHeader(model, hw, engine, policy, kvBlocks) {
    const headroomBlocks = engine.maxNumSeqs * (Math.ceil(LIVE_MAX_LOOKAHEAD / EXEC_BLOCK_TOKENS) + 1);
    return {
        format: LIVE_FORMAT,
        version: LIVE_VERSION,
        model_name: model.name,
        model: toPlanModel(model),
        block_tokens: EXEC_BLOCK_TOKENS,
        kv_blocks: kvBlocks + headroomBlocks,
        splits: SPLITTING_POLICIES.has(policy) ? wholeGpuSplits(hw).map((s) => [s.prefillSms, s.decodeSms]) : [],
        max_batch_tokens: engine.maxBatchTokens,
        max_seqs: engine.maxNumSeqs,
        max_lookahead: LIVE_MAX_LOOKAHEAD,
    };
}
