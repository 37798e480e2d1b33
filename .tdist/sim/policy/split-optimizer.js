import { splitPricer } from '../latency/iteration-timing.js';
/** The window the engine would run for this split and k. */
export function priceSplit(p, prefillSms, decodeSms) {
    return splitPricer(p.model, p.hw, p.prefill, p.decode, prefillSms, decodeSms, p.tpDegree);
}
export function objective(p, k, t) {
    let prefillTokens = 0;
    for (const c of p.prefill.prefills)
        prefillTokens += c.newTokens;
    return (k * p.decode.decodeCount + prefillTokens) / Math.max(t.decodeLaneUs, t.prefillGpuUs);
}
export function feasible(p, t) {
    if (t.longestDecodeStepUs > p.tauUs)
        return false;
    if (!p.guardWindowGap)
        return true;
    const windowUs = Math.max(t.decodeLaneUs, t.prefillGpuUs);
    // A decoding request's last token of the window comes when the lane ends; its next after the window's end
    // (the host samples the prefill's tokens first) and the next step's first token (≤ tauUs).
    const decodeGap = windowUs - t.decodeLaneUs + p.hw.overheads.samplingUs + p.tauUs;
    if (decodeGap > p.gapLimitUs)
        return false;
    // A request whose prefill the window completes emits when the prefill ends (plus sampling) and next after the
    // window's end (plus the same sampling) and the next step: a lane that outlasts the prefill delays it.
    return !p.prefillEmits || windowUs - t.prefillGpuUs + p.tauUs <= p.gapLimitUs;
}
/** Better = higher objective; ties (within 1e-12 relative) go to fewer decode SMs, then smaller k. */
export function better(a, b) {
    if (!b)
        return true;
    const tol = 1e-12 * Math.max(Math.abs(a.objective), Math.abs(b.objective));
    if (a.objective > b.objective + tol)
        return true;
    if (a.objective < b.objective - tol)
        return false;
    if (a.decodeSms !== b.decodeSms)
        return a.decodeSms < b.decodeSms;
    return a.k < b.k;
}
export function chooseSplit(p) {
    let best = null;
    let prefillTokens = 0;
    for (const c of p.prefill.prefills)
        prefillTokens += c.newTokens;
    const [lo, hi] = p.fixedK !== null ? [p.fixedK, p.fixedK] : [1, p.maxK];
    // Most prefill SMs first: those splits fail τ on their first decode step (cheap), and the best is usually the
    // next one, whose objective then lets the bound below skip the rest without pricing their decode lanes.
    for (let i = p.splits.length - 1; i >= 0; i--) {
        const s = p.splits[i];
        const price = priceSplit(p, s.prefillSms, s.decodeSms);
        if (price.longestDecodeStepUs(lo) > p.tauUs)
            continue;
        // No k of this split beats (hi·T_decode + T_prefill) over a floor under its window (the prefill's shortest
        // price, and the decode lane so far, which only grows with k): stop pricing a split once that is strictly
        // below the best objective found (strictly, so that ties are still decided by `better`).
        const mostTokens = hi * p.decode.decodeCount + prefillTokens;
        const cannotWin = (windowFloorUs) => best !== null && mostTokens / windowFloorUs < best.objective * (1 - 1e-9);
        const prefillFloorUs = price.prefillFloorUs();
        if (cannotWin(prefillFloorUs))
            continue;
        for (let k = lo; k <= hi; k++) {
            if (price.longestDecodeStepUs(k) > p.tauUs)
                break;
            const t = price.lanes(k);
            if (feasible(p, t)) {
                const c = { ...s, k, objective: objective(p, k, t), decodeStepUs: t.longestDecodeStepUs, decodeLaneUs: t.decodeLaneUs, prefillUs: t.prefillGpuUs };
                if (better(c, best))
                    best = c;
            }
            if (cannotWin(Math.max(prefillFloorUs, t.decodeLaneUs)))
                break;
        }
    }
    return best;
}
