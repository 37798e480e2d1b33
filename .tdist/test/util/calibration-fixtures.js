import seedrandom from 'seedrandom';
import { predictGpuUs, kernelUs, ratesFor } from '../../sim/latency/roofline.js';
import { curveAt } from '../../sim/latency/curve.js';
import { opShapeOf, toIterationBatch } from '../../calibrate/plan.js';
import { opWork } from '../../calibrate/op-work.js';
import { parseMeasurementFile } from '../../calibrate/parse-measurements.js';
/**
 * Fixtures for the calibration tests: two models from their published configs (shared DESIGN.md table),
 * a 132-SM GPU whose "true" perf uses the compute and bandwidth curves measured in
 * /work/shared/hardware-notes/h200-gemm-partition-probe.txt, and a synthetic runner that "measures" a
 * plan with the roofline itself plus seeded log-normal noise, so a fitter can be checked against
 * coefficients it must recover.
 */
export function qwenModels() {
    const base = { dtypeBytes: 2, tiedEmbeddings: false, qkNorm: true, headDim: 128, numKvHeads: 8, vocabSize: 151936 };
    return {
        'qwen3-8b': { ...base, name: 'qwen3-8b', numLayers: 36, hiddenSize: 4096, numQHeads: 32, ffnSize: 12288, source: 'https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json' },
        'qwen3-14b': { ...base, name: 'qwen3-14b', numLayers: 40, hiddenSize: 5120, numQHeads: 40, ffnSize: 17408, source: 'https://huggingface.co/Qwen/Qwen3-14B/blob/main/config.json' },
    };
}
function eff(compute, memory) {
    return { compute, memory };
}
/** Coefficients the synthetic GPU really has; the fit must find them again. */
export const TRUE_PERF = {
    // hardware-notes probe: GEMM TFLOP/s and decode-GEMM GB/s by SM count (whole GPU 796 TFLOP/s, 3.49 TB/s).
    computeFlopsPerS: [
        [8, 56e12],
        [16, 110e12],
        [32, 217e12],
        [64, 410e12],
        [96, 601e12],
        [120, 699e12],
        [132, 796e12],
    ].map(([smCount, value]) => ({ smCount, value })),
    bandwidthBytesPerS: [
        [8, 702e9],
        [16, 1341e9],
        [32, 2116e9],
        [56, 3118e9],
        [96, 3150e9],
        [132, 3490e9],
    ].map(([smCount, value]) => ({ smCount, value })),
    efficiency: {
        gemm: eff(0.82, 0.88),
        attn_prefill: eff(0.55, 0.6),
        attn_decode: eff(1, 0.72),
        elementwise: eff(1, 0.65),
        lm_head: eff(0.75, 0.9),
    },
    kernelFloorUs: 3.5,
    contention: { memory: 0.6, compute: 0.15 },
    provenance: 'synthetic truth for tests',
};
export function testHardware(perf = TRUE_PERF) {
    return {
        name: 'synthetic-132',
        smCount: 132,
        peakBf16FlopsPerS: 989e12,
        hbmBandwidthBytesPerS: 3.35e12,
        hbmCapacityBytes: 80e9,
        l2Bytes: 50 * 2 ** 20,
        partition: { mechanism: 'green-context', granularitySms: 8, minSms: 8 },
        interconnect: { kind: 'nvlink', bandwidthBytesPerS: 450e9, latencyUs: 5 },
        overheads: { schedulingUs: 0, graphLaunchUs: 0, eagerLaunchUsPerKernel: 0, samplingUs: 0 },
        perf,
    };
}
const META = {
    kind: 'meta',
    gpu: 'Synthetic 132-SM GPU',
    sm_count: 132,
    driver: '580.00',
    cuda_runtime: '13.0',
    cuda_driver_api: 13000,
    date: '2026-11-27T03:10:00Z',
    host: 'test',
    partition: { min_sms: 8, alignment: 8, groups: [8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 12] },
    backend: 'synthetic',
};
/** JSONL text of the plan "measured" on `hw` by the roofline, each time × exp(N(0, noiseSigma)). */
export function synthesizeJsonl(plan, models, hw, noiseSigma, seed) {
    const rng = seedrandom(seed);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const noisy = (us) => us * Math.exp(noiseSigma * gauss());
    const timing = (us) => {
        const m = noisy(us);
        return { median_us: m, p10_us: m * 0.99, p90_us: m * 1.01, reps: plan.repeats };
    };
    const lmHeads = Object.values(models).map((m) => ({ hiddenSize: m.hiddenSize, vocabSize: m.vocabSize }));
    const fwd = (model, batch, smCount, partnerSmCount) => predictGpuUs(models[model], hw, toIterationBatch(batch), { smCount, partnerSmCount, launch: 'graph', tpDegree: 1 });
    const lines = [JSON.stringify(META)];
    for (const e of plan.experiments) {
        let extra;
        switch (e.kind) {
            case 'ceiling_gemm':
                extra = timing((2 * e.m * e.n * e.k * 1e6) / curveAt(hw.perf.computeFlopsPerS, e.sms));
                break;
            case 'ceiling_bandwidth':
                extra = timing((e.bytes * 1e6) / curveAt(hw.perf.bandwidthBytesPerS, e.sms));
                break;
            case 'op': {
                const w = opWork(opShapeOf(e), lmHeads);
                const r = ratesFor(hw, { smCount: e.sms, partnerSmCount: 0, launch: 'graph', tpDegree: 1 });
                extra = { ...timing(kernelUs(hw, r, w.opClass, w.flops, w.bytes, 1, null)), check: { rel_err: 0.001, threshold: 0.02, passed: true } };
                break;
            }
            case 'forward':
                extra = timing(fwd(e.model, e.batch, e.sms, 0));
                break;
            case 'concurrent':
                // Each lane "timed" with its partner running throughout, as the reference runner times pairs (the window
                // pricing of duet_runner's pairs has its own golden tests, test/calibrate/predict-record.test.ts).
                extra = {
                    method: 'continuous',
                    decode_alone_us: noisy(fwd(e.model, e.decode.batch, e.decode.sms, 0)),
                    prefill_alone_us: noisy(fwd(e.model, e.prefill.batch, e.prefill.sms, 0)),
                    decode_concurrent_us: noisy(fwd(e.model, e.decode.batch, e.decode.sms, e.prefill.sms)),
                    prefill_concurrent_us: noisy(fwd(e.model, e.prefill.batch, e.prefill.sms, e.decode.sms)),
                    decode_smids_ok: true,
                    prefill_smids_ok: true,
                };
                break;
            case 'clock_regime': {
                // Serving runs the prefill 10% faster than back to back (a higher clock), as measured on the H200.
                const b2b = fwd(e.model, e.batch, e.sms, 0);
                extra = {
                    back_to_back_us: noisy(b2b),
                    serving_us: noisy(b2b / 1.1),
                    decode_serving_us: noisy(fwd(e.model, e.interleave.batch, e.sms, 0)),
                    decode_alone_us: noisy(fwd(e.model, e.interleave.batch, e.sms, 0)),
                    clock_back_to_back: { sm_clock_mhz: 1620, power_w: 690, samples: 500 },
                    clock_serving: { sm_clock_mhz: 1780, power_w: 610, samples: 500 },
                    smids_ok: true,
                };
                break;
            }
        }
        lines.push(JSON.stringify({ ...e, ...extra }));
    }
    return lines.join('\n') + '\n';
}
/** Parsed synthetic measurements, as one set from one file. */
export function synthesizeSet(plan, models, hw, noiseSigma, seed) {
    const text = synthesizeJsonl(plan, models, hw, noiseSigma, seed);
    const { meta, records } = parseMeasurementFile(text, 'synthetic.jsonl');
    return { meta, records, files: [{ path: 'synthetic.jsonl', sha256: 'synthetic' }] };
}
