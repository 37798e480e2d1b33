import type { PolicyFactory, Policy } from './policy.js';
import { formPrefillFirstBatch } from './batch-formation.js';
import { PolicyParams } from './params.js';

/**
 * vLLM's original continuous batching (v0 default): prefill-prioritising, whole prompts, no chunking.
 * A prefill step stalls every running decode, which is what makes its TBT tail long under load.
 */
export const vllm: PolicyFactory = {
  description: 'continuous batching, prefill-prioritising, whole prompts (vLLM v0 default)',
  params: {
    max_prefill_tokens: { doc: 'most prompt tokens in one prefill step (a longer single prompt still runs alone)', default: 16384 },
  },
  create(values): Policy {
    const p = new PolicyParams('vllm', vllm, values);
    const maxPrefillTokens = p.number('max_prefill_tokens', { min: 1, integer: true });
    return {
      name: 'vllm',
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
