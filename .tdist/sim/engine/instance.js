import { stepTimingFromLanes } from '../latency/iteration-timing.js';
import { modelStepTimer } from './step-timer.js';
import { KvCache } from './kv-cache.js';
/**
 * One model instance on one GPU (or one TP group): waiting and running queues, the KV cache, and the
 * mechanics of applying a policy's decision — KV allocation, preemption, pricing the step with the
 * latency model, and at its end emitting tokens and finishing requests. The event loop lives in
 * simulation.ts; this class never reads a clock other than the times it is given.
 */
export class Instance {
    cfg;
    metrics;
    onStep;
    waiting = [];
    running = [];
    kv;
    busy = false;
    preemptions = 0;
    stats = { steps: 0, busyUs: 0, peakUsedBlocks: 0 };
    kvView;
    timer;
    /** Steps started so far: the next step's `StepSpec.index`. */
    stepIndex = 0;
    constructor(cfg, metrics, 
    /** Receives every step as it is priced (--iterations-csv, --emit-schedule); null when nobody listens. */
    onStep) {
        this.cfg = cfg;
        this.metrics = metrics;
        this.onStep = onStep;
        this.kv = new KvCache(cfg.kvBlocks, cfg.engine.blockTokens);
        this.timer = cfg.timer ?? modelStepTimer(cfg.model, cfg.hw, cfg.tpDegree);
        const kv = this.kv;
        const prefixHit = (s) => this.prefixHitTokens(s);
        this.kvView = {
            get availableBlocks() {
                return kv.availableBlocks;
            },
            totalBlocks: kv.totalBlocks,
            blockTokens: kv.blockTokens,
            prefixHitTokens: prefixHit,
        };
    }
    /**
     * Why a request can never be served here, or null. Its prompt plus output must fit the model's context
     * (vLLM's OpenAI server refuses a request whose prompt + max_tokens exceeds max_model_len; a trace's
     * output length stands for max_tokens), and its whole context the KV cache (unless the instance's role
     * says what it must hold: a prefill instance holds only the prompt).
     */
    rejectionReason(seq) {
        const { promptTokens, outputTokens } = seq.req;
        const maxLen = this.cfg.model.maxModelLenTokens;
        if (maxLen !== undefined && promptTokens + outputTokens > maxLen) {
            return { code: 'exceeds-max-model-len', reason: `prompt+output (${promptTokens}+${outputTokens} tokens) exceeds ${this.cfg.model.name}'s maximum model length of ${maxLen} tokens` };
        }
        if (this.cfg.role?.kvRejection)
            return this.cfg.role.kvRejection(seq, this);
        const need = this.kv.blocksForTokens(promptTokens + outputTokens);
        if (need > this.kv.totalBlocks) {
            return { code: 'exceeds-kv-capacity', reason: `prompt+output (${promptTokens}+${outputTokens} tokens) needs ${need} KV blocks; the cache holds ${this.kv.totalBlocks}` };
        }
        return null;
    }
    enqueue(seq) {
        this.waiting.push(seq);
    }
    get hasWork() {
        return this.waiting.length > 0 || this.running.length > 0;
    }
    /**
     * Outstanding tokens (prompt still to compute plus outputs still to generate): the router's load signal.
     * A role may leave outputs out (a prefill instance: decoding happens elsewhere) and add requests on their
     * way here (a decode instance: those handed to it whose KV has not arrived yet).
     */
    outstandingTokens() {
        const role = this.cfg.role;
        const outputs = role?.countsOutputs ?? true;
        let n = 0;
        for (const s of this.waiting)
            n += s.prefillTargetTokens - s.computedTokens + (outputs ? s.req.outputTokens - s.generatedTokens : 0);
        for (const s of this.running)
            n += s.prefillTargetTokens - s.computedTokens + (outputs ? s.req.outputTokens - s.generatedTokens : 0);
        if (role)
            n += role.incomingTokens();
        return n;
    }
    /** Requests waiting or running here, plus those on their way here (a decode instance's hand-offs). */
    requestCount() {
        return this.waiting.length + this.running.length + (this.cfg.role?.incomingCount() ?? 0);
    }
    prefixHitTokens(s) {
        if (!this.cfg.engine.prefixCaching || s.req.hashIds.length === 0 || s.generatedTokens > 0)
            return 0;
        const matched = this.kv.matchPrefix(s.req.hashIds);
        const bt = s.req.hashBlockTokens;
        // At least one prompt token must be computed to produce logits.
        return Math.min(matched, Math.floor((s.req.promptTokens - 1) / bt)) * bt;
    }
    /** Asks the policy and starts the step; returns it, or null when the policy idles. */
    startStep(nowUs) {
        const view = {
            nowUs,
            waiting: this.waiting,
            running: this.running,
            kv: this.kvView,
            engine: this.cfg.engine,
            model: this.cfg.model,
            hw: this.cfg.hw,
            tpDegree: this.cfg.tpDegree,
        };
        // Host time is read only for a timer that charges it (a live run): simulations stay deterministic.
        const t0 = this.timer.measuresHost ? performance.now() : 0;
        const d = this.steadyDecision(view) ?? this.cfg.policy.decide(view);
        const decisionUs = this.timer.measuresHost ? (performance.now() - t0) * 1000 : 0;
        this.metrics.sample(nowUs, this.cfg.id, this.waiting.length, this.running.length, this.kv.usedBlocks / this.kv.totalBlocks);
        if (d.kind === 'idle')
            return null;
        return this.apply(d, nowUs, decisionUs);
    }
    /**
     * The policy's steady-decode step (see Policy.steadyDecode) when the instance is in that state: nothing
     * waiting, every running sequence decoding, KV room for one more token each. Null otherwise.
     */
    steadyDecision(view) {
        const policy = this.cfg.policy;
        if (!policy.steadyDecode || this.waiting.length > 0 || this.running.length === 0)
            return null;
        const bt = this.kv.blockTokens;
        let need = 0;
        for (const s of this.running) {
            if (s.isPrefilling)
                return null;
            need += Math.max(0, Math.ceil((s.computedTokens + 1 - s.prefixTokens) / bt) - s.ownBlocks);
        }
        if (need > this.kv.availableBlocks)
            return null;
        const shape = policy.steadyDecode(view);
        if (!shape)
            return null;
        const decodes = this.running.slice();
        return shape.kind === 'aggregated'
            ? { kind: 'aggregated', prefills: [], decodes, preempt: [] }
            : { kind: 'split', prefills: [], decodes, preempt: [], prefillSms: shape.prefillSms, decodeSms: shape.decodeSms, lookaheadK: 1 };
    }
    apply(d, nowUs, decisionUs) {
        const bt = this.kv.blockTokens;
        const preempted = [];
        for (const v of d.preempt) {
            const seq = v;
            this.preempt(seq);
            preempted.push(seq.id);
        }
        // Preemptions alone make no step. A decode instance's free blocks may be reserved for KV still in
        // flight, so a policy can be left with nothing to run after freeing room; the instance idles until the
        // next event (a transfer landing) wakes it.
        if (d.prefills.length === 0 && d.decodes.length === 0)
            return null;
        const k = d.kind === 'split' ? d.lookaheadK : 1;
        const prefills = [];
        const chunks = [];
        let admitted = 0;
        // Admit (and pin the cached prefixes of) every new sequence before any block is allocated: an
        // allocation may evict unpinned prefix entries, and the policy sized each admission on the prefix
        // hit it saw. Allocating first let one admission evict the prefix of the next, which then started
        // with less cached than its chunk assumed and, under a policy that never continues prefills (vllm-v0),
        // was left half-prefilled for ever.
        for (const a of d.prefills) {
            const seq = a.seq;
            if (seq.phase !== 'waiting')
                continue;
            if (this.waiting[admitted] !== seq)
                throw new Error(`policy ${this.cfg.policy.name} admitted request ${seq.id} out of queue order`);
            admitted++;
            this.admit(seq, nowUs);
        }
        for (const a of d.prefills) {
            const seq = a.seq;
            if (seq.computedTokens + a.newTokens > seq.prefillTargetTokens) {
                throw new Error(`policy ${this.cfg.policy.name} scheduled ${a.newTokens} prefill tokens of request ${seq.id}, which has ${seq.prefillTargetTokens - seq.computedTokens} left`);
            }
            const need = Math.max(0, Math.ceil((seq.computedTokens + a.newTokens - seq.prefixTokens) / bt) - seq.ownBlocks);
            this.kv.allocate(need);
            seq.ownBlocks += need;
            prefills.push({ seq, newTokens: a.newTokens });
            chunks.push({ newTokens: a.newTokens, cachedTokens: seq.computedTokens });
        }
        if (admitted > 0)
            this.waiting.splice(0, admitted);
        // The policy's fresh array is kept as is: one allocation fewer per step on the hot path.
        const decodes = d.decodes;
        let decodeContextTokens = 0;
        for (const seq of decodes) {
            const steps = Math.min(k, seq.req.outputTokens - seq.generatedTokens);
            const need = Math.max(0, Math.ceil((seq.computedTokens + steps - seq.prefixTokens) / bt) - seq.ownBlocks);
            if (need > 0) {
                this.kv.allocate(need);
                seq.ownBlocks += need;
            }
            seq.stepsInFlight = steps;
            decodeContextTokens += seq.decodeContextTokens;
        }
        const spec = {
            index: this.stepIndex++,
            startUs: nowUs,
            mode: d.kind,
            prefillSms: d.kind === 'split' ? d.prefillSms : 0,
            decodeSms: d.kind === 'split' ? d.decodeSms : 0,
            lookaheadK: k,
            preempted,
            requests: () => ({
                prefills: prefills.map((p, i) => ({ id: p.seq.id, newTokens: p.newTokens, cachedTokens: chunks[i].cachedTokens })),
                decodes: decodes.map((x) => ({ id: x.id, contextTokens: x.decodeContextTokens, steps: x.stepsInFlight })),
                finishing: finishingIds(prefills, chunks, decodes),
            }),
            prefillBatch: { prefills: chunks, decodeCount: 0, decodeContextTokens: 0 },
            decodeBatch: { prefills: [], decodeCount: decodes.length, decodeContextTokens },
            decisionUs,
        };
        const timed = this.timer.time(spec);
        if (timed.lanes.mode !== d.kind)
            throw new Error(`step timer ${this.timer.name} answered a ${timed.lanes.mode} step for a ${d.kind} one`);
        const t = stepTimingFromLanes(this.cfg.hw.overheads, timed.lanes, timed.hostUs);
        const endUs = nowUs + t.durationUs;
        const prefillTokenAtUs = nowUs + t.prefillTokenOffsetUs;
        const decodeTokenAtUs = t.decodeTokenOffsetsUs.map((off) => nowUs + off);
        const prefillSms = spec.prefillSms;
        const decodeSms = spec.decodeSms;
        const prefillDoneAtUs = d.kind === 'split' && chunks.length > 0 ? nowUs + t.prefillDoneOffsetUs : -1;
        if (!(endUs > nowUs))
            throw new Error(`step priced at ${endUs - nowUs} µs; the clock must advance`);
        this.stats.steps++;
        this.stats.busyUs += endUs - nowUs;
        if (this.kv.usedBlocks > this.stats.peakUsedBlocks)
            this.stats.peakUsedBlocks = this.kv.usedBlocks;
        this.metrics.onStep(this.cfg.id, nowUs, endUs - nowUs, d.kind, prefillSms, decodeSms, k);
        if (this.onStep) {
            this.onStep({
                instance: this.cfg.id,
                startUs: nowUs,
                durationUs: endUs - nowUs,
                mode: d.kind,
                prefillSms,
                decodeSms,
                lookaheadK: d.kind === 'split' ? k : 1,
                prefills: prefills.map((p, i) => ({ id: p.seq.id, newTokens: p.newTokens, cachedTokens: chunks[i].cachedTokens, completes: chunks[i].cachedTokens + p.newTokens >= p.seq.prefillTargetTokens })),
                decodes: decodes.map((x) => ({ id: x.id, contextTokens: x.decodeContextTokens, steps: x.stepsInFlight })),
                preempted,
                prefillTokenAtUs,
                decodeTokenAtUs,
                prefillDoneAtUs,
            });
        }
        this.busy = true;
        return { startUs: nowUs, endUs, prefills, decodes, prefillTokenAtUs, decodeTokenAtUs, lookaheadK: k };
    }
    admit(seq, nowUs) {
        const hit = this.prefixHitTokens(seq);
        if (hit > 0) {
            const ids = seq.req.hashIds.slice(0, hit / seq.req.hashBlockTokens);
            this.kv.pin(ids, nowUs);
            seq.prefixEntries = ids;
            this.metrics.onPrefixHit(hit);
        }
        seq.prefixTokens = hit;
        seq.computedTokens = hit;
        seq.phase = 'running';
        if (seq.firstScheduledAtUs < 0)
            seq.firstScheduledAtUs = nowUs;
        this.running.push(seq);
        this.cfg.role?.onAdmit(seq);
    }
    preempt(seq) {
        const i = this.running.indexOf(seq);
        if (i < 0)
            throw new Error(`policy ${this.cfg.policy.name} preempted request ${seq.id}, which is not running`);
        this.running.splice(i, 1);
        this.releaseAll(seq);
        seq.computedTokens = 0;
        seq.phase = 'waiting';
        seq.preemptions++;
        this.preemptions++;
        // vLLM puts preempted requests back at the front of the queue.
        this.waiting.unshift(seq);
    }
    releaseAll(seq) {
        this.kv.release(seq.ownBlocks);
        seq.ownBlocks = 0;
        if (seq.prefixEntries.length > 0)
            this.kv.unpin(seq.prefixEntries);
        seq.prefixEntries = [];
        seq.prefixTokens = 0;
    }
    /** Applies the end of a step: computed tokens, emitted tokens, finished requests. */
    finishStep(step) {
        this.busy = false;
        for (const { seq, newTokens } of step.prefills) {
            seq.computedTokens += newTokens;
            if (seq.computedTokens >= seq.prefillTargetTokens)
                this.emit(seq, step.prefillTokenAtUs);
        }
        for (const seq of step.decodes) {
            const steps = seq.stepsInFlight;
            for (let i = 0; i < steps; i++) {
                seq.computedTokens += 1;
                this.emit(seq, step.decodeTokenAtUs[i]);
            }
            if (steps < step.lookaheadK)
                this.metrics.onWastedDecodeSteps(step.lookaheadK - steps);
        }
        // Most steps finish nobody: compact the running list only when someone left it (finished or handed off).
        if (this.leftSinceCompaction > 0) {
            let w = 0;
            for (let r = 0; r < this.running.length; r++) {
                const s = this.running[r];
                if (s.phase === 'running')
                    this.running[w++] = s;
            }
            this.running.length = w;
            this.leftSinceCompaction = 0;
        }
    }
    /** Sequences that left `running` (finished, or handed off) since the list was last compacted. */
    leftSinceCompaction = 0;
    emit(seq, tUs) {
        seq.generatedTokens++;
        if (seq.firstTokenAtUs < 0) {
            seq.firstTokenAtUs = tUs;
            seq.gaps = this.metrics.newGapTracker(seq.req.outputTokens);
        }
        else {
            const gap = tUs - seq.lastTokenAtUs;
            seq.gaps.add(gap);
            this.metrics.onGap(gap, tUs);
        }
        seq.lastTokenAtUs = tUs;
        if (seq.generatedTokens >= seq.req.outputTokens)
            this.finish(seq, tUs);
        else
            this.cfg.role?.onToken(seq, tUs, this);
    }
    /**
     * Takes a running request away with its prompt done (a prefill instance's hand-off). Its KV stays held
     * here, returned, until `releaseHeld`; the request no longer owns it.
     */
    detach(seq) {
        seq.phase = 'handoff';
        this.leftSinceCompaction++;
        const held = { blocks: seq.ownBlocks, prefixEntries: seq.prefixEntries, prefixTokens: seq.prefixTokens };
        seq.ownBlocks = 0;
        seq.prefixEntries = [];
        seq.prefixTokens = 0;
        return held;
    }
    /** Frees (or, with prefix caching, donates) the KV `detach` left held for `req`. */
    releaseHeld(req, held, tUs) {
        let own = held.blocks;
        if (this.cfg.engine.prefixCaching)
            own = this.donatePrefixBlocks(req, held.prefixTokens, own, tUs);
        this.kv.release(own);
        if (held.prefixEntries.length > 0)
            this.kv.unpin(held.prefixEntries);
    }
    /**
     * Takes KV blocks for `tokens` tokens for a request not yet running here (a decode instance reserving a
     * hand-off's prompt). Returns the blocks taken, or null, taking nothing, when they are not available now.
     */
    reserveBlocks(tokens) {
        const need = this.kv.blocksForTokens(tokens);
        if (need > this.kv.availableBlocks)
            return null;
        this.kv.allocate(need);
        if (this.kv.usedBlocks > this.stats.peakUsedBlocks)
            this.stats.peakUsedBlocks = this.kv.usedBlocks;
        return need;
    }
    /** A request whose KV (`blocks` blocks, from `reserveBlocks`) is here joins the running set as a decode. */
    adopt(seq, blocks) {
        seq.ownBlocks = blocks;
        seq.phase = 'running';
        this.running.push(seq);
    }
    finish(seq, tUs) {
        seq.phase = 'finished';
        this.leftSinceCompaction++;
        seq.finishedAtUs = tUs;
        if (this.cfg.engine.prefixCaching)
            this.donatePrefix(seq, tUs);
        this.releaseAll(seq);
        this.metrics.onFinish({
            id: seq.id,
            origin: seq.req.origin,
            arrivalUs: seq.req.arrivalUs,
            promptTokens: seq.req.promptTokens,
            outputTokens: seq.req.outputTokens,
            firstScheduledAtUs: seq.firstScheduledAtUs,
            firstTokenAtUs: seq.firstTokenAtUs,
            finishedAtUs: tUs,
            preemptions: seq.preemptions,
            gaps: seq.gaps,
        });
        seq.gaps = null;
    }
    /** Leaves the finished prompt's whole hash blocks in the prefix cache for later requests. */
    donatePrefix(seq, tUs) {
        seq.ownBlocks = this.donatePrefixBlocks(seq.req, seq.prefixTokens, seq.ownBlocks, tUs);
    }
    /** Donates the prompt's whole hash blocks past `prefixTokens` out of `ownBlocks`; returns the blocks left. */
    donatePrefixBlocks(req, prefixTokens, ownBlocks, tUs) {
        const hb = req.hashBlockTokens;
        if (hb === 0 || hb % this.kv.blockTokens !== 0)
            return ownBlocks;
        const perHash = hb / this.kv.blockTokens;
        const firstOwn = prefixTokens / hb;
        const full = Math.min(req.hashIds.length, Math.floor(req.promptTokens / hb));
        let own = ownBlocks;
        for (let i = firstOwn; i < full && own >= perHash; i++) {
            if (this.kv.donate(req.hashIds[i], perHash, tUs))
                own -= perHash;
        }
        return own;
    }
}
/** Requests whose last token the step emits: a prefill that completes with one output left, a decode whose steps reach its output length. */
function finishingIds(prefills, chunks, decodes) {
    const ids = [];
    prefills.forEach(({ seq, newTokens }, i) => {
        if (chunks[i].cachedTokens + newTokens >= seq.prefillTargetTokens && seq.generatedTokens + 1 >= seq.req.outputTokens)
            ids.push(seq.id);
    });
    for (const seq of decodes)
        if (seq.generatedTokens + seq.stepsInFlight >= seq.req.outputTokens)
            ids.push(seq.id);
    return ids;
}
