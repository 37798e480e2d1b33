import { curveAt } from '../sim/latency/curve.js';
import { inputError } from '../sim/core/input-error.js';
// The same pool-adjacent-violators fit that `duetsim calibrate fit` applies to measured curves, so a seed and a
// calibration smooth alike. This one-off tool is the only sim/ code that reaches into calibrate/.
import { isotonicNonDecreasing } from './isotonic.js';
const NUM = String.raw `(\d+(?:\.\d+)?)`;
const FULL = new RegExp(String.raw `^FULL GPU alone: prefill ${NUM} ms \(${NUM} TFLOP/s\)\s+decode ${NUM} ms \(${NUM} GB/s\)`);
const ROW = new RegExp(String.raw `^(\d+) ${NUM} ${NUM} ${NUM} ${NUM}$`);
const SPLIT = new RegExp(String.raw `^SPLIT prefill=(\d+) decode=(\d+): decode ${NUM} ms under prefill; prefill ${NUM} ms under decode`);
const SMS = /^SMs=(\d+)/;
export function parseGemmProbe(text, file) {
    let smCount = null;
    let full = null;
    const rows = [];
    const splits = [];
    for (const line of text.split('\n').map((l) => l.trim())) {
        let m;
        if ((m = line.match(SMS)))
            smCount = Number(m[1]);
        else if ((m = line.match(FULL)))
            full = { prefillMs: +m[1], prefillTflops: +m[2], decodeMs: +m[3], decodeGbs: +m[4] };
        else if ((m = line.match(ROW)))
            rows.push({ sms: +m[1], prefillTflops: +m[3], decodeGbs: +m[5] });
        else if ((m = line.match(SPLIT)))
            splits.push({ prefillSms: +m[1], decodeSms: +m[2], decodeMs: +m[3], prefillMs: +m[4] });
    }
    if (smCount === null || full === null || rows.length === 0) {
        throw inputError('bad-probe', file, 0, '', 'expected an "SMs=" line, a "FULL GPU alone" line and per-SM-count rows');
    }
    return { smCount, full, rows, splits };
}
/** c in r − 1 = c·s, least squares through the origin. */
export function fitSlowdown(samples) {
    const num = samples.reduce((a, s) => a + s.partnerShare * (s.besideMs / s.aloneMs - 1), 0);
    const den = samples.reduce((a, s) => a + s.partnerShare * s.partnerShare, 0);
    return den > 0 ? num / den : 0;
}
export function seedFromProbe(probe) {
    const sms = [...probe.rows.map((r) => r.sms), probe.smCount];
    const tflops = isotonicNonDecreasing([...probe.rows.map((r) => r.prefillTflops), probe.full.prefillTflops]);
    const gbs = isotonicNonDecreasing([...probe.rows.map((r) => r.decodeGbs), probe.full.decodeGbs]);
    const computeFlopsPerS = sms.map((s, i) => ({ smCount: s, value: tflops[i] * 1e12 }));
    const bandwidthBytesPerS = sms.map((s, i) => ({ smCount: s, value: gbs[i] * 1e9 }));
    // Job sizes from the whole-GPU line: FLOPs of the prefill GEMM, bytes of the decode GEMMs.
    const prefillFlops = probe.full.prefillTflops * 1e12 * probe.full.prefillMs * 1e-3;
    const decodeBytes = probe.full.decodeGbs * 1e9 * probe.full.decodeMs * 1e-3;
    const decodeSamples = probe.splits.map((s) => ({
        runSms: s.decodeSms,
        partnerShare: s.prefillSms / probe.smCount,
        aloneMs: (decodeBytes / curveAt(bandwidthBytesPerS, s.decodeSms)) * 1e3,
        besideMs: s.decodeMs,
    }));
    const prefillSamples = probe.splits.map((s) => ({
        runSms: s.prefillSms,
        partnerShare: s.decodeSms / probe.smCount,
        aloneMs: (prefillFlops / curveAt(computeFlopsPerS, s.prefillSms)) * 1e3,
        besideMs: s.prefillMs,
    }));
    return {
        computeFlopsPerS,
        bandwidthBytesPerS,
        contention: { memory: fitSlowdown(decodeSamples), compute: fitSlowdown(prefillSamples) },
        decodeSamples,
        prefillSamples,
    };
}
/**
 * Moves a curve measured on a GPU of `fromSms` SMs onto one of `toSms`, keeping each point at the same share
 * of the chip (rounded to the target's partition granularity). Used for the A100 seed, which has no probe of
 * its own: W(S) saturating at the same share of SMs as on the H200 is an assumption, stated in a100-80g.yaml.
 */
export function remapSmAxis(points, fromSms, toSms, granularitySms) {
    const out = [];
    for (const p of points) {
        const sms = Math.min(toSms, Math.max(granularitySms, granularitySms * Math.round((p.smCount * toSms) / fromSms / granularitySms)));
        const last = out[out.length - 1];
        if (last !== undefined && last.smCount === sms)
            out[out.length - 1] = { smCount: sms, value: Math.max(last.value, p.value) };
        else
            out.push({ smCount: sms, value: p.value });
    }
    const end = out[out.length - 1];
    if (end.smCount !== toSms)
        out.push({ smCount: toSms, value: end.value });
    return out;
}
