/** Runs prompts only: a request's first token is emitted here, then it leaves and its KV is handed off. */
export class PrefillRole {
    countsOutputs = false;
    handoffsOut = 0;
    handoffsIn = 0;
    /** Requests admitted by the last step, for the loop to reserve decode KV early. */
    admitted = [];
    /** Requests whose prompt finished in the last step, for the loop to hand off. */
    handoffs = [];
    /** The decode instance with the smallest cache: admission is checked against it, so any decode instance can hold a request. Set once built. */
    smallestDecode = null;
    /** The prompt must fit this cache, and prompt + output the smallest decode instance's. */
    kvRejection(seq, inst) {
        const { promptTokens, outputTokens } = seq.req;
        const need = inst.kv.blocksForTokens(promptTokens);
        if (need > inst.kv.totalBlocks)
            return { code: 'exceeds-kv-capacity', reason: `prompt (${promptTokens} tokens) needs ${need} KV blocks; the prefill instance's cache holds ${inst.kv.totalBlocks}` };
        const smallest = this.smallestDecode;
        const needDecode = smallest.kv.blocksForTokens(promptTokens + outputTokens);
        return needDecode > smallest.kv.totalBlocks
            ? { code: 'exceeds-kv-capacity', reason: `prompt+output (${promptTokens}+${outputTokens} tokens) needs ${needDecode} KV blocks; the smallest decode instance holds ${smallest.kv.totalBlocks}` }
            : null;
    }
    incomingTokens() {
        return 0;
    }
    incomingCount() {
        return 0;
    }
    onAdmit(seq) {
        this.admitted.push(seq);
    }
    /** The prompt is done and its first token out: the request leaves, its KV held here until the transfer ends. */
    onToken(seq, tUs, inst) {
        const held = inst.detach(seq);
        this.handoffs.push({
            seq,
            from: inst,
            heldBlocks: held.blocks,
            heldPrefixEntries: held.prefixEntries,
            heldPrefixTokens: held.prefixTokens,
            prefillStartUs: seq.firstScheduledAtUs,
            prefillEndUs: tUs,
        });
        this.handoffsOut++;
    }
}
/** Receives handed-off requests and generates the rest of their tokens. */
export class DecodeRole {
    countsOutputs = true;
    handoffsOut = 0;
    handoffsIn = 0;
    /** Handed-off requests waiting for KV blocks here, in hand-off order. */
    incoming = [];
    /** Tokens still to generate of requests reserved here whose KV is in flight, and how many they are. */
    inTransferTokens = 0;
    inTransferCount = 0;
    incomingTokens() {
        let n = this.inTransferTokens;
        for (const h of this.incoming)
            n += h.seq.req.outputTokens - h.seq.generatedTokens;
        return n;
    }
    incomingCount() {
        return this.incoming.length + this.inTransferCount;
    }
    onAdmit() { }
    onToken() { }
    /**
     * Takes KV blocks for a request's prompt, the context it arrives with (the first token's KV is written by
     * its first decode step here); null, taking nothing, without room now. May be called while the prefill
     * still runs (layer-wise transfer).
     */
    reserve(seq, inst) {
        const blocks = inst.reserveBlocks(seq.req.promptTokens);
        if (blocks === null)
            return null;
        // Its outputs count as outstanding work here from now on (the first token comes from the prefill side).
        this.inTransferTokens += seq.req.outputTokens - 1;
        this.inTransferCount++;
        return blocks;
    }
    /** The KV of `h`, reserved here (`blocks` blocks), has arrived: it joins the running set as a decode. */
    accept(h, inst, blocks) {
        this.inTransferTokens -= h.seq.req.outputTokens - 1;
        this.inTransferCount--;
        inst.adopt(h.seq, blocks);
        this.handoffsIn++;
    }
}
/** The hand-offs of a disaggregated cluster, applied in the event loop. `instances` carry their roles in `cfg.role`. */
export function handoffLoop(instances, rules) {
    /** Decode KV reserved while a prompt was still being prefilled (layer-wise transfer). */
    const reservedEarly = new Map();
    const decodeOf = (inst) => inst.cfg.role;
    const decodeFor = (seq) => {
        const to = instances[rules.routeDecode(seq.req, instances)];
        if (!(to.cfg.role instanceof DecodeRole))
            throw new Error(`request ${seq.id} handed off to instance ${to.cfg.id}, which is not a decode instance`);
        return to;
    };
    /** Schedules the KV's arrival; `t` is now (the prefill's end or later), `reservedAtUs` may be earlier. */
    const startTransfer = (h, to, blocks, reservedAtUs, t, loop) => {
        const at = rules.kvArrivalUs(h, to, reservedAtUs);
        if (!(at >= t))
            throw new Error(`KV transfer of request ${h.seq.id} would arrive at ${at}, before its prefill ended at ${t}`);
        loop.at(at, (tUs) => {
            h.from.releaseHeld(h.seq.req, { blocks: h.heldBlocks, prefixEntries: h.heldPrefixEntries, prefixTokens: h.heldPrefixTokens }, tUs);
            decodeOf(to).accept(h, to, blocks);
            loop.wake(to, tUs);
            if (h.from.hasWork)
                loop.wake(h.from, tUs);
        });
    };
    return {
        // A prefill instance that just started a step: reserve decode KV for the prompts it admitted, where there is room.
        afterStepStart: (inst, t) => {
            const role = inst.cfg.role;
            if (!(role instanceof PrefillRole))
                return;
            for (const seq of role.admitted.splice(0, role.admitted.length)) {
                // A one-token request finishes on the prefill side; a re-admitted one keeps its reservation.
                if (!rules.reserveAtAdmission || seq.req.outputTokens <= 1 || reservedEarly.has(seq))
                    continue;
                const to = decodeFor(seq);
                const side = decodeOf(to);
                if (side.incoming.length > 0)
                    continue;
                const blocks = side.reserve(seq, to);
                if (blocks !== null)
                    reservedEarly.set(seq, { to, blocks, atUs: t });
            }
        },
        afterStepEnd: (inst, t, loop) => {
            const role = inst.cfg.role;
            if (role instanceof PrefillRole) {
                for (const h of role.handoffs.splice(0, role.handoffs.length)) {
                    const early = reservedEarly.get(h.seq);
                    if (early) {
                        reservedEarly.delete(h.seq);
                        startTransfer(h, early.to, early.blocks, early.atUs, t, loop);
                        continue;
                    }
                    const to = decodeFor(h.seq);
                    const side = decodeOf(to);
                    // Later hand-offs queue behind earlier ones, so a large context is not starved by small ones.
                    const blocks = side.incoming.length === 0 ? side.reserve(h.seq, to) : null;
                    if (blocks !== null)
                        startTransfer(h, to, blocks, t, t, loop);
                    else
                        side.incoming.push(h);
                }
            }
            else if (role instanceof DecodeRole) {
                // Reserve KV for waiting hand-offs in order while there is room (no overtaking).
                while (role.incoming.length > 0) {
                    const blocks = role.reserve(role.incoming[0].seq, inst);
                    if (blocks === null)
                        break;
                    startTransfer(role.incoming.shift(), inst, blocks, t, t, loop);
                }
            }
        },
    };
}
