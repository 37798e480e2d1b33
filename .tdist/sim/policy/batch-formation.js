/**
 * Batch formation shared by the policies: pure functions of the view. They track a tentative KV budget
 * so that what they return always fits; preemption follows vLLM: the most recently admitted running
 * sequence is the victim, and if that is the sequence being scheduled, it is preempted itself.
 */
/** Blocks a running sequence must add to hold `targetTokens` tokens (its shared prefix excluded). */
export function extraBlocks(seq, targetTokens, blockTokens) {
    return Math.max(0, Math.ceil((targetTokens - seq.prefixTokens) / blockTokens) - seq.ownBlocks);
}
/** Blocks a sequence holds that preempting it frees. */
function heldBlocks(seq) {
    return seq.ownBlocks;
}
/** vLLM keeps 1% of blocks free when admitting new sequences, so running ones can grow. */
const ADMISSION_WATERMARK = 0.01;
/**
 * Schedules one decode step (or `decodeSteps` look-ahead steps' worth of KV) for every running decoding
 * sequence, preempting from the back when blocks run out. Returns the decodes and mutates `budget`.
 */
function scheduleDecodes(view, budget, decodeSteps, preempt, tokenLimited) {
    const decodes = [];
    // Preemption is rare: the victim set is only built when it happens.
    let victims = null;
    const running = view.running;
    let tail = running.length - 1;
    for (let i = 0; i < running.length && i <= tail; i++) {
        const seq = running[i];
        if (seq.isPrefilling || (victims !== null && victims.has(seq.id)))
            continue;
        if (tokenLimited && budget.tokens < 1)
            break;
        const steps = Math.min(decodeSteps, seq.req.outputTokens - seq.generatedTokens);
        const need = extraBlocks(seq, seq.computedTokens + steps, view.kv.blockTokens);
        let selfPreempted = false;
        while (need > budget.blocks) {
            victims ??= new Set();
            // Victim: the most recently admitted sequence not already scheduled or preempted.
            while (tail > i && victims.has(running[tail].id))
                tail--;
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
        if (selfPreempted)
            break;
        budget.blocks -= need;
        budget.tokens -= 1;
        decodes.push(seq);
    }
    return decodes;
}
/** Continues sequences already admitted whose prefill is unfinished (chunks), in admission order. */
function continuePrefills(view, budget, out) {
    for (const seq of view.running) {
        if (!seq.isPrefilling)
            continue;
        if (budget.tokens <= 0)
            return;
        const remaining = seq.prefillTargetTokens - seq.computedTokens;
        const q = Math.min(remaining, budget.tokens);
        const need = extraBlocks(seq, seq.computedTokens + q, view.kv.blockTokens);
        if (need > budget.blocks)
            return;
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
function admitWaiting(view, budget, chunk, out) {
    const bt = view.kv.blockTokens;
    // With nothing running there is nothing to protect, and a long prompt must still be admissible.
    const watermark = view.running.length === 0 ? 0 : Math.ceil(view.kv.totalBlocks * ADMISSION_WATERMARK);
    for (const seq of view.waiting) {
        if (budget.seqs <= 0 || budget.tokens <= 0)
            return;
        const hit = view.kv.prefixHitTokens(seq);
        const remaining = seq.prefillTargetTokens - hit;
        let q = remaining;
        if (q > budget.tokens) {
            if (chunk)
                q = budget.tokens;
            else if (out.length > 0)
                return;
        }
        // Pinning the matched prefix may take evictable blocks, so count them against the budget too.
        const need = Math.ceil((hit + q) / bt);
        if (need + watermark > budget.blocks)
            return;
        budget.blocks -= need;
        budget.tokens -= q;
        budget.seqs -= 1;
        out.push({ seq, newTokens: q });
    }
}
/**
 * Decode-first hybrid batch (Sarathi-Serve, vLLM v1, SGLang chunked): every running decode, then
 * unfinished prefill chunks, then new sequences, all under one token budget.
 */
export function formHybridBatch(view, opts) {
    const budget = { blocks: view.kv.availableBlocks, tokens: opts.tokenBudget, seqs: (opts.maxNumSeqs ?? view.engine.maxNumSeqs) - view.running.length };
    const preempt = [];
    const decodes = scheduleDecodes(view, budget, opts.decodeSteps, preempt, true);
    const prefills = [];
    budget.seqs += preempt.length;
    if (preempt.length === 0) {
        continuePrefills(view, budget, prefills);
        admitWaiting(view, budget, true, prefills);
    }
    return { prefills, decodes, preempt };
}
/**
 * vLLM's original scheduler: whenever waiting sequences can be admitted, run a prefill-only step over
 * whole prompts; otherwise one decode step for every running sequence (preempting when KV runs out).
 */
export function formPrefillFirstBatch(view, opts) {
    if (view.waiting.length > 0) {
        const budget = { blocks: view.kv.availableBlocks, tokens: opts.maxPrefillTokens, seqs: view.engine.maxNumSeqs - view.running.length };
        const prefills = [];
        admitWaiting(view, budget, false, prefills);
        if (prefills.length > 0)
            return { prefills, decodes: [], preempt: [] };
    }
    const budget = { blocks: view.kv.availableBlocks, tokens: Infinity, seqs: 0 };
    const preempt = [];
    const decodes = scheduleDecodes(view, budget, 1, preempt, false);
    return { prefills: [], decodes, preempt };
}
/**
 * SGLang's default schedule (no mixed chunking): whenever a prefill batch can be formed — the unfinished
 * chunked prompt first, then waiting prompts first come, first served, the last one cut to the chunk
 * budget — run it alone; decodes wait for a step in which no prefill can be formed, and then all
 * running sequences decode together (preempting, SGLang's "retraction", when KV runs out).
 */
export function formPrefillPriorityChunkedBatch(view, opts) {
    const budget = { blocks: view.kv.availableBlocks, tokens: opts.chunkTokens, seqs: opts.maxNumSeqs - view.running.length };
    const prefills = [];
    continuePrefills(view, budget, prefills);
    admitWaiting(view, budget, true, prefills);
    if (prefills.length > 0)
        return { prefills, decodes: [], preempt: [] };
    const decodeBudget = { blocks: view.kv.availableBlocks, tokens: Infinity, seqs: 0 };
    const preempt = [];
    const decodes = scheduleDecodes(view, decodeBudget, 1, preempt, false);
    return { prefills: [], decodes, preempt };
}
