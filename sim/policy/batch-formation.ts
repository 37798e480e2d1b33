import type { SchedulerView, StepBatch, PrefillAssignment } from './policy.js';
import type { SeqView } from '../engine/seq.js';

/**
 * Batch formation shared by the policies: pure functions of the view. They track a tentative KV budget
 * so that what they return always fits; preemption follows vLLM: the most recently admitted running
 * sequence is the victim, and if that is the sequence being scheduled, it is preempted itself.
 */

/** Blocks a running sequence must add to hold `targetTokens` tokens (its shared prefix excluded). */
export function extraBlocks(seq: SeqView, targetTokens: number, blockTokens: number): number {
  return Math.max(0, Math.ceil((targetTokens - seq.prefixTokens) / blockTokens) - seq.ownBlocks);
}

/** Blocks a sequence holds that preempting it frees. */
function heldBlocks(seq: SeqView): number {
  return seq.ownBlocks;
}

/** vLLM keeps 1% of blocks free when admitting new sequences, so running ones can grow. */
const ADMISSION_WATERMARK = 0.01;

interface Budget {
  blocks: number;
  tokens: number;
  seqs: number;
}

/**
 * Schedules one decode step (or `decodeSteps` look-ahead steps' worth of KV) for every running decoding
 * sequence, preempting from the back when blocks run out. Returns the decodes and mutates `budget`.
 */
function scheduleDecodes(view: SchedulerView, budget: Budget, decodeSteps: number, preempt: SeqView[], tokenLimited: boolean): SeqView[] {
  const decodes: SeqView[] = [];
  // Preemption is rare: the victim set is only built when it happens.
  let victims: Set<number> | null = null;
  const running = view.running;
  let tail = running.length - 1;
  for (let i = 0; i < running.length && i <= tail; i++) {
    const seq = running[i];
    if (seq.isPrefilling || (victims !== null && victims.has(seq.id))) continue;
    if (tokenLimited && budget.tokens < 1) break;
    const steps = Math.min(decodeSteps, seq.req.outputTokens - seq.generatedTokens);
    const need = extraBlocks(seq, seq.computedTokens + steps, view.kv.blockTokens);
    let selfPreempted = false;
    while (need > budget.blocks) {
      victims ??= new Set<number>();
      // Victim: the most recently admitted sequence not already scheduled or preempted.
      while (tail > i && victims.has(running[tail].id)) tail--;
      if (tail <= i) {
        preempt.push(seq);
        victims.add(seq.id);
        budget.blocks += heldBlocks(seq);
        selfPreempted = true;
        break;
      }
      const victim = running[tail--];
      victims.add(victim.id);
      preempt.push(victim);
      budget.blocks += heldBlocks(victim);
    }
    if (selfPreempted) break;
    budget.blocks -= need;
    budget.tokens -= 1;
    decodes.push(seq);
  }
  return decodes;
}

/** Continues sequences already admitted whose prefill is unfinished (chunks), in admission order. */
function continuePrefills(view: SchedulerView, budget: Budget, out: PrefillAssignment[]): void {
  for (const seq of view.running) {
    if (!seq.isPrefilling) continue;
    if (budget.tokens <= 0) return;
    const remaining = seq.prefillTargetTokens - seq.computedTokens;
    const q = Math.min(remaining, budget.tokens);
    const need = extraBlocks(seq, seq.computedTokens + q, view.kv.blockTokens);
    if (need > budget.blocks) return;
    budget.blocks -= need;
    budget.tokens -= q;
    out.push({ seq, newTokens: q });
  }
}

/**
 * Admits waiting sequences first come, first served (head-of-line: stops at the first that does not
 * fit). With `chunk`, the last admitted may get only part of its prompt; without, a prompt larger than
 * the remaining token budget waits unless it is the step's first prefill.
 */
function admitWaiting(view: SchedulerView, budget: Budget, chunk: boolean, out: PrefillAssignment[]): void {
  const bt = view.kv.blockTokens;
  // With nothing running there is nothing to protect, and a long prompt must still be admissible.
  const watermark = view.running.length === 0 ? 0 : Math.ceil(view.kv.totalBlocks * ADMISSION_WATERMARK);
  for (const seq of view.waiting) {
    if (budget.seqs <= 0 || budget.tokens <= 0) return;
    const hit = view.kv.prefixHitTokens(seq);
    const remaining = seq.prefillTargetTokens - hit;
    let q = remaining;
    if (q > budget.tokens) {
      if (chunk) q = budget.tokens;
      else if (out.length > 0) return;
    }
    // Pinning the matched prefix may take evictable blocks, so count them against the budget too.
    const need = Math.ceil((hit + q) / bt);
    if (need + watermark > budget.blocks) return;
    budget.blocks -= need;
    budget.tokens -= q;
    budget.seqs -= 1;
    out.push({ seq, newTokens: q });
  }
}

export interface HybridOptions {
  /** Token budget of the step (decodes count one each). */
  readonly tokenBudget: number;
  /** KV reserved per decode for this many steps (DuetServe look-ahead; 1 otherwise). */
  readonly decodeSteps: number;
  /** Most sequences running at once (vLLM max_num_seqs); default: the engine's maxNumSeqs. */
  readonly maxNumSeqs?: number;
}

/**
 * Decode-first hybrid batch (Sarathi-Serve, vLLM v1, SGLang chunked): every running decode, then
 * unfinished prefill chunks, then new sequences, all under one token budget.
 */
export function formHybridBatch(view: SchedulerView, opts: HybridOptions): StepBatch {
  const budget: Budget = { blocks: view.kv.availableBlocks, tokens: opts.tokenBudget, seqs: (opts.maxNumSeqs ?? view.engine.maxNumSeqs) - view.running.length };
  const preempt: SeqView[] = [];
  const decodes = scheduleDecodes(view, budget, opts.decodeSteps, preempt, true);
  const prefills: PrefillAssignment[] = [];
  budget.seqs += preempt.length;
  if (preempt.length === 0) {
    continuePrefills(view, budget, prefills);
    admitWaiting(view, budget, true, prefills);
  }
  return { prefills, decodes, preempt };
}

export interface PrefillFirstOptions {
  /** Most prompt tokens in one prefill step (vLLM max_num_batched_tokens without chunking). */
  readonly maxPrefillTokens: number;
}

/**
 * vLLM's original scheduler: whenever waiting sequences can be admitted, run a prefill-only step over
 * whole prompts; otherwise one decode step for every running sequence (preempting when KV runs out).
 */
export function formPrefillFirstBatch(view: SchedulerView, opts: PrefillFirstOptions): StepBatch {
  if (view.waiting.length > 0) {
    const budget: Budget = { blocks: view.kv.availableBlocks, tokens: opts.maxPrefillTokens, seqs: view.engine.maxNumSeqs - view.running.length };
    const prefills: PrefillAssignment[] = [];
    admitWaiting(view, budget, false, prefills);
    if (prefills.length > 0) return { prefills, decodes: [], preempt: [] };
  }
  const budget: Budget = { blocks: view.kv.availableBlocks, tokens: Infinity, seqs: 0 };
  const preempt: SeqView[] = [];
  const decodes = scheduleDecodes(view, budget, 1, preempt, false);
  return { prefills: [], decodes, preempt };
}

export interface PrefillPriorityChunkedOptions {
  /** Most prompt tokens in one prefill batch; the last admitted prompt is cut to fit (SGLang chunked_prefill_size). */
  readonly chunkTokens: number;
  /** Most sequences running at once (SGLang max_running_requests). */
  readonly maxNumSeqs: number;
}

/**
 * SGLang's default schedule (no mixed chunking): whenever a prefill batch can be formed — the unfinished
 * chunked prompt first, then waiting prompts first come, first served, the last one cut to the chunk
 * budget — run it alone; decodes wait for a step in which no prefill can be formed, and then all
 * running sequences decode together (preempting, SGLang's "retraction", when KV runs out).
 */
export function formPrefillPriorityChunkedBatch(view: SchedulerView, opts: PrefillPriorityChunkedOptions): StepBatch {
  const budget: Budget = { blocks: view.kv.availableBlocks, tokens: opts.chunkTokens, seqs: opts.maxNumSeqs - view.running.length };
  const prefills: PrefillAssignment[] = [];
  continuePrefills(view, budget, prefills);
  admitWaiting(view, budget, true, prefills);
  if (prefills.length > 0) return { prefills, decodes: [], preempt: [] };
  const decodeBudget: Budget = { blocks: view.kv.availableBlocks, tokens: Infinity, seqs: 0 };
  const preempt: SeqView[] = [];
  const decodes = scheduleDecodes(view, decodeBudget, 1, preempt, false);
  return { prefills: [], decodes, preempt };
}
