import type { PolicyFactory, Policy } from './policy.js';
import { formHybridBatch } from './batch-formation.js';
import { PolicyParams } from './params.js';

/**
 * Defaults of current vLLM (the V1 engine, v0.11) serving through its OpenAI API server on a GPU with
 * ≥ 70 GiB of memory that is not an A100 (H100, H200): vllm-project/vllm@99d7eb5
 * vllm/engine/arg_utils.py, `EngineArgs._set_default_args`, the branch
 * `if device_memory >= 70 * GiB_bytes and "a100" not in device_name`, whose `UsageContext.OPENAI_API_SERVER`
 * entries are max_num_batched_tokens 8192 and max_num_seqs 1024. Smaller GPUs (and A100s) get 2048 and
 * 256, which is what `chunked` defaults to through the engine options; pass them as parameters there.
 */
export const VLLM_V1_MAX_NUM_BATCHED_TOKENS = 8192;
export const VLLM_V1_MAX_NUM_SEQS = 1024;

/**
 * Current vLLM (V1 scheduler). The same function sets `enable_chunked_prefill = True` for every generative
 * model, so prefill is always chunked. Each step spends one token budget on the running requests first, in
 * admission order, then admits waiting ones first come, first served, the last one cut to what is left.
 * Running requests in admission order are decode-first in practice: a request is only ever left
 * mid-prefill when the budget ran out on it, so nothing admitted after it is running yet; the decode-first
 * hybrid batch is therefore V1's batch.
 */
export const vllm: PolicyFactory = {
  description: 'current vLLM (V1): chunked prefill always on, one token budget per step shared by decodes and prefill chunks, at its 80 GB-GPU defaults (8192 tokens, 1024 sequences)',
  params: {
    max_num_batched_tokens: { doc: 'token budget of a step, decodes included (vLLM V1 default on ≥ 70 GiB GPUs: 8192)', default: VLLM_V1_MAX_NUM_BATCHED_TOKENS },
    max_num_seqs: { doc: 'most requests running at once (vLLM V1 default on ≥ 70 GiB GPUs: 1024)', default: VLLM_V1_MAX_NUM_SEQS },
  },
  unreadEngineLimits: () => ({ maxNumSeqs: 'max_num_seqs', maxBatchTokens: 'max_num_batched_tokens' }),
  create(values): Policy {
    const p = new PolicyParams('vllm', vllm, values);
    const tokenBudget = p.number('max_num_batched_tokens', { min: 1, integer: true });
    const maxNumSeqs = p.number('max_num_seqs', { min: 1, integer: true });
    return {
      name: 'vllm',
      decide(view) {
        const b = formHybridBatch(view, { tokenBudget, decodeSteps: 1, maxNumSeqs });
        if (b.prefills.length === 0 && b.decodes.length === 0 && b.preempt.length === 0) return { kind: 'idle' };
        return { kind: 'aggregated', ...b };
      },
      // Decodes go first, one token each, while the budget lasts: all of them when they fit in it.
      steadyDecode: (view) => (view.running.length <= tokenBudget ? { kind: 'aggregated' } : null),
    };
  },
};
