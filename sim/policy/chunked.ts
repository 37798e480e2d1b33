import type { PolicyFactory, Policy } from './policy.js';
import { formHybridBatch } from './batch-formation.js';
import { PolicyParams } from './params.js';

/**
 * Chunked prefill with decode-first hybrid batches (Sarathi-Serve, vLLM v1, SGLang --chunked-prefill):
 * every step carries all running decodes plus prefill chunks up to a token budget, on the whole GPU.
 */
export const chunked: PolicyFactory = {
  description: 'decode-first hybrid batches, prefills chunked under a token budget (Sarathi / vLLM v1 / SGLang chunked)',
  params: {
    token_budget: { doc: 'tokens per step, decodes included (default: the engine max batch tokens)', default: null },
  },
  unreadEngineLimits: (values) => (values.token_budget !== undefined ? { maxBatchTokens: 'token_budget' } : {}),
  create(values): Policy {
    const p = new PolicyParams('chunked', chunked, values);
    const budget = p.optionalNumber('token_budget', { min: 1, integer: true });
    return {
      name: 'chunked',
      decide(view) {
        const b = formHybridBatch(view, { tokenBudget: budget ?? view.engine.maxBatchTokens, decodeSteps: 1 });
        if (b.prefills.length === 0 && b.decodes.length === 0 && b.preempt.length === 0) return { kind: 'idle' };
        return { kind: 'aggregated', ...b };
      },
      // Decodes go first, one token each, while the budget lasts: all of them when they fit in it.
      steadyDecode: (view) => (view.running.length <= (budget ?? view.engine.maxBatchTokens) ? { kind: 'aggregated' } : null),
    };
  },
};
