import { predictIteration, servingScaleAt } from '../sim/latency/roofline.js';
import { roundSig } from './fit-efficiency.js';
import { median } from './error-stats.js';
/**
 * The clock-regime scales (ClockRegimeSpec) from the calibration's clock_regime records: the same
 * prefill forward settled back to back and interleaved with decode steps, both timed on the GPU. Each
 * record gives, per regime, the factor that makes the calibrated model's compute-bound time match:
 *   measured = memoryPart + scale · computePart  ⇒  scale = (measured − memoryPart) / computePart,
 * where the parts are the model's prediction of that forward in the calibration regime. Back to back: the
 * median over records. Serving: where the records cover two or more SM counts, the onset form (servingFromSms:
 * the back-to-back scale up to S₀ SMs, then linear to the whole GPU's serving scale), S₀ and that scale by least
 * squares on the records' relative errors, kept when it fits them better than the median over records (the
 * form used otherwise). Interleaving lends a prefill clock only where back to back is power-capped: on the
 * H100 a prefill on 64 SMs runs at the maximum clock back to back and serves no faster (test/bench/clock-duty.ts).
 * validate reports each record's error under the result. No records: no spec (every regime prices as calibrated).
 */
export function usableClock(r) {
    return r.smidsOk && r.backToBackUs > 0 && r.servingUs > 0;
}
export function fitClockRegime(models, hw, records) {
    const usable = records.filter((r) => usableClock(r) && models[r.model]);
    if (usable.length === 0)
        return undefined;
    const b2b = [];
    const serving = [];
    for (const r of usable) {
        const p = predictIteration(models[r.model], hw, r.batch, { smCount: r.smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration' });
        let computeUs = 0;
        for (const c of p.breakdown)
            computeUs += c.us * c.computeBoundShare;
        if (!(computeUs > 0))
            continue;
        const memoryUs = p.gpuUs - computeUs;
        b2b.push((r.backToBackUs - memoryUs) / computeUs);
        serving.push({ smCount: r.smCount, scale: (r.servingUs - memoryUs) / computeUs });
    }
    if (b2b.length === 0)
        return undefined;
    const clamp = (v) => Math.min(2, Math.max(0.5, v));
    const backToBackComputeScale = roundSig(clamp(median(b2b)));
    const constant = { backToBackComputeScale, servingComputeScale: roundSig(clamp(median(serving.map((s) => s.scale)))) };
    const onset = fitServingOnset(backToBackComputeScale, serving, hw.smCount);
    return onset && sumSquares(onset, serving, hw.smCount) < sumSquares(constant, serving, hw.smCount) ? onset : constant;
}
/** Σ (predicted ÷ measured − 1)² of the records' serving scales under `c`. */
function sumSquares(c, serving, allSms) {
    let s = 0;
    for (const r of serving)
        s += (servingScaleAt(c, r.smCount, allSms) / r.scale - 1) ** 2;
    return s;
}
/**
 * The onset form fitted to the records' serving scales with the back-to-back scale b fixed: for each whole S₀ below
 * the largest SM count measured, the whole-GPU scale w minimising Σ ((b + (w − b)·t_i) / s_i − 1)², t_i the record's
 * place between S₀ and the whole GPU (linear in w: closed form); the best S₀. Null with fewer than two SM counts
 * (one size cannot place an onset).
 */
function fitServingOnset(b, serving, allSms) {
    const sizes = new Set(serving.map((s) => s.smCount));
    if (sizes.size < 2)
        return null;
    let best = null;
    const largest = Math.max(...sizes);
    for (let s0 = 0; s0 < Math.min(largest, allSms); s0++) {
        let uu = 0;
        let uv = 0;
        for (const r of serving) {
            const t = Math.min(1, Math.max(0, (r.smCount - s0) / (allSms - s0)));
            const u = t / r.scale;
            const v = (b * (1 - t)) / r.scale - 1;
            uu += u * u;
            uv += u * v;
        }
        if (!(uu > 0))
            continue;
        const spec = { backToBackComputeScale: b, servingComputeScale: roundSig(Math.min(2, Math.max(0.5, -uv / uu))), servingFromSms: s0 };
        const value = sumSquares(spec, serving, allSms);
        if (best === null || value < best.value)
            best = { spec, value };
    }
    return best ? best.spec : null;
}
