import type { PolicyFactory, Policy } from './policy.js';
import { formPrefillFirstBatch } from './batch-formation.js';
import { PolicyParams } from './params.js';

/**
 * vLLM's original continuous batching (the V0 engine's default scheduler, before chunked prefill became
 * the default): prefill-prioritising, whole prompts, no chunking. A prefill step stalls every running
 * decode, which is what makes its TBT tail long under load. Was `vllm` until current vLLM (V1, always
 * chunked) got that name (sim/policy/vllm.ts).
 */
export const vllmV0: PolicyFactory = {
  description: 'continuous batching, prefill-prioritising, whole prompts (the vLLM V0 engine default; was `vllm`)',
  params: {
    max_prefill_tokens: { doc: 'most prompt tokens in one prefill step (a longer single prompt still runs alone)', default: 16384 },
  },
  unreadEngineLimits: () => ({ maxBatchTokens: 'max_prefill_tokens' }),
  create(values): Policy {
    const p = new PolicyParams('vllm-v0', vllmV0, values);
    const maxPrefillTokens = p.number('max_prefill_tokens', { min: 1, integer: true });
    return {
      name: 'vllm-v0',
      decide(view) {
        const b = formPrefillFirstBatch(view, { maxPrefillTokens });
        if (b.prefills.length === 0 && b.decodes.length === 0 && b.preempt.length === 0) return { kind: 'idle' };
        return { kind: 'aggregated', ...b };
      },
      // With nothing waiting, vLLM runs one decode step of every running sequence.
      steadyDecode: () => ({ kind: 'aggregated' }),
    };
  },
};
