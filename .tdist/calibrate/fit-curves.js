import { inputError } from '../sim/core/input-error.js';
import { isotonicNonDecreasing } from './isotonic.js';
/**
 * Π(S) and W(S) from the ceiling records: the best rate measured at each SM count (a ceiling is what
 * the GPU can reach, so the fastest of several shapes at one S counts), then made non-decreasing in S by
 * isotonic regression. The whole-GPU point must be among them: above the last point the roofline holds
 * the curve flat, so without it a partition-only fit would cap the whole GPU at the largest partition.
 */
export function fitCurve(records, fullSmCount, what) {
    const best = new Map();
    for (const r of records) {
        const work = r.kind === 'ceiling_gemm' ? r.flops : r.bytes;
        const rate = (work / r.medianUs) * 1e6;
        best.set(r.smCount, Math.max(best.get(r.smCount) ?? 0, rate));
    }
    const first = records[0];
    const file = first ? first.source.file : '';
    if (best.size === 0)
        throw inputError('calib.no-ceiling', file, 0, '', `no ${what} records: the ${what} curve cannot be fitted`);
    if (!best.has(fullSmCount)) {
        throw inputError('calib.no-whole-gpu', file, 0, 'sms', `no ${what} record on the whole GPU (${fullSmCount} SMs); the curve needs that end point`);
    }
    const sms = [...best.keys()].sort((a, b) => a - b);
    const smooth = isotonicNonDecreasing(sms.map((s) => best.get(s)));
    return sms.map((smCount, i) => ({ smCount, value: smooth[i] }));
}
