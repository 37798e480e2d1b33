/**
 * Mutable serving state of one request inside an instance. Only the engine (sim/engine/) writes it;
 * policies read it through `SeqView`.
 *
 * Token accounting (one invariant the tests check): while decoding, `computedTokens = prompt + generated − 1`
 * — the KV of every token but the newest, whose KV the next decode step writes. A prefill targets
 * `prompt + generated` tokens (generated > 0 only after a preemption by recompute, when the generated tokens
 * are recomputed as prompt, as vLLM does) and emits one token when it completes.
 */
export class Seq {
    req;
    phase = 'waiting';
    /** Tokens whose KV is in the cache (own blocks plus a reused prefix). */
    computedTokens = 0;
    generatedTokens = 0;
    /** KV blocks this sequence owns (shared prefix blocks are counted by the cache, not here). */
    ownBlocks = 0;
    /** Tokens at the front that come from the prefix cache (their blocks are shared). */
    prefixTokens = 0;
    /** Prefix-cache entries this sequence pins (released when it finishes or is preempted). */
    prefixEntries = [];
    /** When it last entered the waiting queue (arrival, or preemption). */
    enqueuedAtUs;
    firstScheduledAtUs = -1;
    firstTokenAtUs = -1;
    lastTokenAtUs = -1;
    finishedAtUs = -1;
    preemptions = 0;
    /** Decode steps this sequence takes in the window in flight (engine bookkeeping). */
    stepsInFlight = 0;
    /** Tracks this request's gaps once it emits its first token (set by the engine). */
    gaps = null;
    constructor(req) {
        this.req = req;
        this.enqueuedAtUs = req.arrivalUs;
    }
    get id() {
        return this.req.id;
    }
    /** Tokens a prefill of this sequence must reach before it emits its next token. */
    get prefillTargetTokens() {
        return this.req.promptTokens + this.generatedTokens;
    }
    /** True while the sequence still has prompt (or recompute) tokens to process. */
    get isPrefilling() {
        return this.computedTokens < this.prefillTargetTokens && !(this.generatedTokens > 0 && this.computedTokens === this.prefillTargetTokens - 1);
    }
    /** Tokens a decode step of this sequence attends over (its cache plus the new token). */
    get decodeContextTokens() {
        return this.computedTokens + 1;
    }
}
