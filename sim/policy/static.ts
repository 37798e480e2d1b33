import type { Policy, PolicyFactory } from './policy.js';
import { isValidPartitionSize, describeValidSizes } from '../hardware/partition.js';
import { formHybridBatch } from './batch-formation.js';
import { splitPricer } from '../latency/iteration-timing.js';
import { PolicyParams } from './params.js';
import { inputError } from '../core/input-error.js';

/**
 * Static SM partitioning (semi-PD, Bullet, SGLang PD-multiplexing style): prefill always on S_p SMs,
 * decode always on the other S_d, whatever the load — an idle partition's SMs are not lent out.
 *
 * The two lanes run asynchronously in those systems; here a window holds one prefill batch and as many
 * decode steps as fit beside it (the fewest whose lane lasts as long as the prefill, capped), after which both lanes re-batch. That freezes the
 * decode batch for one prefill's duration, which adds at most one prefill time to a new request's second
 * token; stated so results are read with it in mind.
 */
export const staticPolicy: PolicyFactory = {
  description: 'fixed prefill/decode SM split all the time (semi-PD, Bullet, SGLang PD-mux style)',
  params: {
    prefill_sms: { doc: 'SMs of the prefill partition (the decode partition gets the rest)', default: null },
    prefill_token_budget: { doc: 'most prefill tokens per window (default: 2 × engine max batch tokens)', default: null },
    max_lookahead_k: { doc: 'most decode steps beside one prefill', default: 32 },
  },
  unreadEngineLimits: (values) => (values.prefill_token_budget !== undefined ? { maxBatchTokens: 'prefill_token_budget' } : {}),
  create(values, ctx): Policy {
    const p = new PolicyParams('static', staticPolicy, values);
    const hw = ctx.hw;
    const prefillSms = p.optionalNumber('prefill_sms', { min: 1, integer: true });
    if (prefillSms === null) throw inputError('missing-param', '<policy parameters>', 0, 'prefill_sms', `static needs --param prefill_sms=N (${describeValidSizes(hw)})`);
    const decodeSms = hw.smCount - prefillSms;
    if (!isValidPartitionSize(hw, prefillSms) || !isValidPartitionSize(hw, decodeSms)) {
      throw inputError('split-too-fine', '<policy parameters>', 0, 'prefill_sms', `${prefillSms}/${decodeSms} SMs is not a split ${hw.name} can make with ${hw.partition.mechanism}: ${describeValidSizes(hw)}`);
    }
    const maxK = p.number('max_lookahead_k', { min: 1, max: 256, integer: true });
    const budgetParam = p.optionalNumber('prefill_token_budget', { min: 1, integer: true });
    return {
      name: 'static',
      decide(view) {
        const numDecoding = view.running.filter((s) => !s.isPrefilling).length;
        const budget = budgetParam ?? 2 * view.engine.maxBatchTokens;
        const b = formHybridBatch(view, { tokenBudget: numDecoding + budget, decodeSteps: 1 });
        if (b.prefills.length === 0 && b.decodes.length === 0 && b.preempt.length === 0) return { kind: 'idle' };
        let k = 1;
        if (b.prefills.length > 0 && b.decodes.length > 0) {
          let ctxSum = 0;
          for (const d of b.decodes) ctxSum += d.decodeContextTokens;
          const decode = { prefills: [], decodeCount: b.decodes.length, decodeContextTokens: ctxSum };
          const prefill = { prefills: b.prefills.map((a) => ({ newTokens: a.newTokens, cachedTokens: a.seq.computedTokens })), decodeCount: 0, decodeContextTokens: 0 };
          // Priced as the engine will run the window (iteration-timing.ts): the fewest steps whose lane lasts as
          // long as the prefill beside it.
          const price = splitPricer(view.model, view.hw, prefill, decode, prefillSms, decodeSms, view.tpDegree);
          while (k < maxK) {
            const t = price.lanes(k);
            if (t.decodeLaneUs >= t.prefillGpuUs) break;
            k++;
          }
          if (k > 1) {
            const reserved = formHybridBatch(view, { tokenBudget: numDecoding + budget, decodeSteps: k });
            if (reserved.preempt.length === 0 && reserved.decodes.length === b.decodes.length) return { kind: 'split', ...reserved, prefillSms, decodeSms, lookaheadK: k };
            k = 1;
          }
        }
        return { kind: 'split', ...b, prefillSms, decodeSms, lookaheadK: k };
      },
      // Decode-only windows run one step on the decode partition.
      steadyDecode: () => ({ kind: 'split', prefillSms, decodeSms }),
    };
  },
};
