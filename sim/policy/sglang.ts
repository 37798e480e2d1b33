import type { PolicyFactory, Policy } from './policy.js';
import { formHybridBatch, formPrefillPriorityChunkedBatch } from './batch-formation.js';
import { PolicyParams } from './params.js';

/**
 * SGLang's defaults (v0.4.9–v0.5 python/sglang/srt/server_args.py). `ServerArgs` declares
 * `chunked_prefill_size: Optional[int] = None`, `enable_mixed_chunk: bool = False`,
 * `schedule_policy: str = "fcfs"` and `max_prefill_tokens: int = 16384`; `_handle_gpu_memory_settings` then
 * fills the chunk size in by GPU memory: the branch `elif gpu_mem < 90 * 1024:  # H100, A100` and the next,
 * `elif gpu_mem < 160 * 1024:  # H20, H200`, both set `chunked_prefill_size = 8192`.
 * `max_running_requests` defaults to what the request pool is sized for from the KV pool (thousands on
 * an 80 GB GPU), so the KV cache binds first; 4096 stands for it.
 */
export const SGLANG_CHUNKED_PREFILL_SIZE = 8192;
export const SGLANG_MAX_PREFILL_TOKENS = 16384;
export const SGLANG_MAX_RUNNING_REQUESTS = 4096;

/**
 * SGLang's scheduler (`Scheduler.get_next_batch_to_run`): a prefill batch whenever one can be formed —
 * the unfinished chunked prompt first, then waiting prompts first come, first served, under the chunk
 * budget — run on its own, so running decodes stall for it; a decode batch of every running request
 * otherwise. With `mixed_chunk` (`--enable-mixed-chunk`) the running decodes join the prefill batch and
 * count against its chunk budget, which is the decode-first hybrid batch.
 */
export const sglang: PolicyFactory = {
  description: 'SGLang: prefill-first, prompts chunked at 8192 tokens, decode batches separate from prefill batches unless mixed_chunk (its 80 GB-GPU defaults)',
  params: {
    chunked_prefill_size: { doc: 'most prompt tokens in one prefill batch; a longer prompt is chunked (SGLang default on 80–160 GB GPUs: 8192)', default: SGLANG_CHUNKED_PREFILL_SIZE },
    max_prefill_tokens: { doc: 'most prompt tokens in one prefill batch before chunking applies (SGLang default 16384)', default: SGLANG_MAX_PREFILL_TOKENS },
    max_running_requests: { doc: 'most requests running at once (SGLang sizes it from the KV pool; 4096 here)', default: SGLANG_MAX_RUNNING_REQUESTS },
    mixed_chunk: { doc: 'run decodes in the same batch as the prefill chunk (--enable-mixed-chunk; default off)', default: false },
  },
  unreadEngineLimits: () => ({ maxNumSeqs: 'max_running_requests', maxBatchTokens: 'chunked_prefill_size' }),
  create(values): Policy {
    const p = new PolicyParams('sglang', sglang, values);
    const chunk = p.number('chunked_prefill_size', { min: 1, integer: true });
    const maxPrefill = p.number('max_prefill_tokens', { min: 1, integer: true });
    const maxNumSeqs = p.number('max_running_requests', { min: 1, integer: true });
    const mixed = p.boolean('mixed_chunk');
    // The chunk caps every prefill batch; max_prefill_tokens only binds when it is the smaller of the two.
    const chunkTokens = Math.min(chunk, maxPrefill);
    return {
      name: 'sglang',
      decide(view) {
        const b = mixed ? formHybridBatch(view, { tokenBudget: chunkTokens, decodeSteps: 1, maxNumSeqs }) : formPrefillPriorityChunkedBatch(view, { chunkTokens, maxNumSeqs });
        if (b.prefills.length === 0 && b.decodes.length === 0 && b.preempt.length === 0) return { kind: 'idle' };
        return { kind: 'aggregated', ...b };
      },
      // Nothing waiting and nothing mid-prefill: one decode batch of every running request (mixed: while
      // they fit the chunk budget, as in formHybridBatch).
      steadyDecode: (view) => (!mixed || view.running.length <= chunkTokens ? { kind: 'aggregated' } : null),
    };
  },
};
