/**
 * The GPU executor's KV rule, block by block (cuda/core/exec_plan.cpp `take_step_blocks`): a request holds
 * ⌈tokens / block⌉ blocks for every token it has written, never fewer, until it is freed (preempted or
 * finished). The closed loop sizes its pool with it (exec-plan.ts) and the live loop's stand-in GPU checks
 * steps against it (calibrate/live/fake-session.ts).
 */
export class ExecKvLedger {
    blockTokens;
    held;
    usedBlocks;
    peakBlocks;
    constructor(blockTokens, from) {
        this.blockTokens = blockTokens;
        this.held = new Map(from?.held);
        this.usedBlocks = from?.usedBlocks ?? 0;
        this.peakBlocks = from?.peakBlocks ?? 0;
    }
    /** A copy to try a step on (the original is left as it was when the step is refused). */
    clone() {
        return new ExecKvLedger(this.blockTokens, this);
    }
    /** Grows request `id`'s blocks to cover `tokens` written tokens. */
    ensure(id, tokens) {
        const need = Math.ceil(tokens / this.blockTokens);
        const have = this.held.get(id) ?? 0;
        if (need > have) {
            this.held.set(id, need);
            this.usedBlocks += need - have;
            if (this.usedBlocks > this.peakBlocks)
                this.peakBlocks = this.usedBlocks;
        }
    }
    holds(id) {
        return this.held.has(id);
    }
    /** Frees request `id`'s blocks; false when it holds none. */
    free(id) {
        const have = this.held.get(id);
        if (have === undefined)
            return false;
        this.usedBlocks -= have;
        this.held.delete(id);
        return true;
    }
}
