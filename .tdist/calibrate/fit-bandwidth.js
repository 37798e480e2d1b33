import { inputError } from '../sim/core/input-error.js';
import { nelderMead } from './nelder-mead.js';
import { opWork } from './op-work.js';
import { roundSig } from './fit-efficiency.js';
import { saturating } from '../sim/latency/curve.js';
/** Operators whose time is bytes over bandwidth: what they achieved bounds W(S) from below. */
export function memoryBoundRates(ops, lmHeads) {
    const out = [];
    for (const r of ops) {
        if (!(r.medianUs > 0))
            continue;
        const s = r.shape;
        const bound = (s.op === 'gemm' && s.n <= 32) || s.op === 'attn_decode';
        if (!bound)
            continue;
        const w = opWork(s, lmHeads);
        if (w.opClass === 'lm_head' && s.op === 'gemm' && s.n > 16)
            continue;
        out.push({ smCount: r.smCount, bytesPerS: (w.bytes / r.medianUs) * 1e6 });
    }
    return out;
}
export function saturatingAt(c, smCount) {
    return saturating(c.perSmBytesPerS, c.maxBytesPerS, c.knee, smCount);
}
/** Heavy penalty for the curve under a point (it must bound what was achieved), light pull when above. */
const UNDER_WEIGHT = 100;
const OVER_WEIGHT = 1;
export function fitSaturatingBandwidth(ceilings, ops, lmHeads, fullSmCount) {
    const envelope = new Map();
    const put = (s, v) => void envelope.set(s, Math.max(envelope.get(s) ?? 0, v));
    for (const r of ceilings)
        if (r.medianUs > 0)
            put(r.smCount, (r.bytes / r.medianUs) * 1e6);
    for (const p of memoryBoundRates(ops, lmHeads))
        put(p.smCount, p.bytesPerS);
    if (!envelope.has(fullSmCount)) {
        const file = ceilings[0]?.source.file ?? '';
        throw inputError('calib.no-whole-gpu', file, 0, 'sms', `no bandwidth evidence on the whole GPU (${fullSmCount} SMs); the curve needs that end point`);
    }
    const pts = [...envelope.entries()].sort((a, b) => a[0] - b[0]);
    const top = Math.max(...pts.map(([, v]) => v));
    const slope = Math.max(...pts.map(([s, v]) => v / s));
    const objective = (y) => {
        const c = { perSmBytesPerS: Math.exp(y[0]), maxBytesPerS: Math.exp(y[1]), knee: Math.exp(y[2]) };
        let e = 0;
        for (const [s, v] of pts) {
            const d = Math.log(saturatingAt(c, s) / v);
            e += d < 0 ? UNDER_WEIGHT * d * d : OVER_WEIGHT * d * d;
        }
        // Knee sharpness between 1 (gradual) and 20 (a hard corner).
        e += 1e3 * (Math.max(0, -y[2]) ** 2 + Math.max(0, y[2] - Math.log(20)) ** 2);
        return e / pts.length;
    };
    let best = null;
    for (const knee of [1, 2, 4, 8]) {
        const m = nelderMead(objective, [Math.log(slope), Math.log(top), Math.log(knee)], { step: [0.2, 0.1, 0.5], maxEvaluations: 3000, fTolerance: 1e-14 });
        if (best === null || m.value < best.value)
            best = m;
    }
    const x = best.x;
    return { perSmBytesPerS: roundSig(Math.exp(x[0])), maxBytesPerS: roundSig(Math.exp(x[1])), knee: roundSig(Math.exp(x[2])) };
}
/** The curve as the roofline's points, at every size in `sizes` (the whole GPU included). */
export function tabulate(c, sizes) {
    return [...new Set(sizes)].sort((a, b) => a - b).map((smCount) => ({ smCount, value: roundSig(saturatingAt(c, smCount)) }));
}
