export const LANE_NAMES = {
    aggregated: 'aggregated step',
    'split-prefill': 'split: prefill lane',
    'split-decode': 'split: decode lane (k steps)',
    'split-decode-step': 'split: one decode step',
};
/** Fewer items say more about noise than about the model. */
export const MIN_GROUP_ITEMS = 5;
/**
 * |mean ratio − 1| in units of 1e-6: ratios equal but for rounding (a measured file's µs, summation order) tie;
 * a millionth of a ratio is no diagnosis.
 */
function deviationRank(g) {
    return Math.round(Math.abs(g.mean_ratio - 1) * 1e6);
}
export const TOP_GROUPS = 8;
/** Keeps the chart (one mark per point) and the JSON small for 10k-step runs. */
export const MAX_POINTS_PER_LANE = 500;
export const PREFILL_BUCKETS = [0, 128, 512, 2048, 8192];
export const DECODE_BUCKETS = [0, 8, 32, 128];
/** '0', '1–128', '129–512', …, '>8192' for the bounds [0, 128, 512, …]. */
export function bucketLabel(x, bounds) {
    if (x <= bounds[0])
        return String(bounds[0]);
    for (let i = 1; i < bounds.length; i++)
        if (x <= bounds[i])
            return `${bounds[i - 1] + 1}–${bounds[i]}`;
    return `>${bounds[bounds.length - 1]}`;
}
function prefillTokens(s) {
    let n = 0;
    for (const p of s.prefills)
        n += p.newTokens;
    return n;
}
function items(schedule, measured) {
    const { schedulingUs: sched, samplingUs: samp } = schedule.header.overheads;
    const out = [];
    const busyUs = new Float64Array(measured.length);
    measured.forEach((m, i) => {
        const s = schedule.steps[i];
        const prefillBucket = ['prefill tokens', bucketLabel(prefillTokens(s), PREFILL_BUCKETS)];
        const decodeBucket = ['decode batch', bucketLabel(s.decodes.length, DECODE_BUCKETS)];
        if (m.mode === 'aggregated') {
            busyUs[i] = m.gpuUs;
            out.push({ step: i, lane: 'aggregated', measuredUs: m.gpuUs, predictedUs: s.durationUs - sched - samp, keys: [prefillBucket, decodeBucket] });
            return;
        }
        const partition = ['partition S_p/S_d', `${s.prefillSms}/${s.decodeSms}`];
        const lastEnd = m.decodeEndUs.length > 0 ? m.decodeEndUs[m.decodeEndUs.length - 1] : 0;
        busyUs[i] = Math.max(m.prefillEndUs ?? 0, lastEnd);
        if (m.prefillEndUs !== null && s.prefillDoneOffsetUs !== null) {
            out.push({ step: i, lane: 'split-prefill', measuredUs: m.prefillEndUs, predictedUs: s.prefillDoneOffsetUs - sched, keys: [prefillBucket, partition] });
        }
        const offs = s.decodeTokenOffsetsUs;
        if (m.decodeEndUs.length > 0 && offs.length === m.decodeEndUs.length) {
            out.push({ step: i, lane: 'split-decode', measuredUs: lastEnd, predictedUs: offs[offs.length - 1] - sched, keys: [decodeBucket, partition] });
            for (let j = 0; j < offs.length; j++) {
                const startUs = j === 0 ? 0 : m.decodeEndUs[j - 1];
                const when = m.prefillEndUs === null ? 'no prefill in the window' : startUs < m.prefillEndUs ? 'during the prefill' : 'after the prefill';
                out.push({
                    step: i,
                    lane: 'split-decode-step',
                    measuredUs: m.decodeEndUs[j] - startUs,
                    predictedUs: offs[j] - (j === 0 ? sched : offs[j - 1]),
                    keys: [['decode step vs prefill', when]],
                });
            }
        }
    });
    // A zero-length prediction has no ratio (the schedule reader refuses those; this keeps the division safe).
    return { items: out.filter((it) => it.predictedUs > 0), busyUs };
}
export function hintFor(lane, dimension, value) {
    if (dimension === 'decode step vs prefill') {
        if (value === 'during the prefill')
            return 'decode graphs sharing the GPU with the prefill: the contention term (γ) of the latency model';
        return 'decode graphs alone on their S_d SMs: Π(S)/W(S) at a small SM count, and launch gaps between the k back-to-back graphs';
    }
    if (dimension === 'decode batch' && (value === '1–8' || value === '0'))
        return 'small decode batches: the kernel floor and launch gaps dominate, not FLOPs or bytes';
    if (dimension === 'partition S_p/S_d')
        return 'this SM split: the fitted Π(S)/W(S) curves at these partition sizes';
    if (dimension === 'prefill tokens' && value === '0')
        return 'decode-only forward: memory-bound (bandwidth W(S), KV reads)';
    if (dimension === 'prefill tokens')
        return lane === 'split-prefill' ? 'eager prefill: host launch time per kernel and GEMM/attention efficiency at this size' : 'prefill chunks in the forward: GEMM/attention efficiency at this size';
    if (lane === 'split-prefill')
        return 'eager prefill on S_p SMs: host launch time per kernel, and contention with the decode lane';
    if (lane === 'split-decode')
        return 'the k decode graphs on S_d SMs, contention with the prefill included';
    if (lane === 'split-decode-step')
        return 'one decode graph on S_d SMs';
    return 'CUDA-graph forward on all SMs';
}
function group(lane, dimension, value, its, totalBusyUs) {
    let ratioSum = 0;
    let m = 0;
    let p = 0;
    for (const it of its) {
        ratioSum += it.measuredUs / it.predictedUs;
        m += it.measuredUs;
        p += it.predictedUs;
    }
    const label = dimension === 'all' ? LANE_NAMES[lane] : `${LANE_NAMES[lane]}, ${dimension} ${value}`;
    return {
        lane, dimension, value, label,
        count: its.length,
        mean_ratio: ratioSum / its.length,
        weighted_ratio: m / p,
        measured_gpu_us: m,
        predicted_gpu_us: p,
        share_of_gpu_time: totalBusyUs > 0 ? m / totalBusyUs : 0,
        hint: hintFor(lane, dimension, value),
    };
}
const LANES = ['aggregated', 'split-prefill', 'split-decode', 'split-decode-step'];
export function driftReport(schedule, measured, executed) {
    const { items: all, busyUs } = items(schedule, measured);
    return driftFromItems(all, busyUs, executed.stepStartAtUs);
}
/**
 * The report over any items: `busyUs[i]` is step i's executed GPU busy time (the share's denominator),
 * `stepStartAtUs[i]` when it started (the over-time chart's axis).
 */
export function driftFromItems(all, busyUs, stepStartAtUs) {
    let total = 0;
    for (let i = 0; i < busyUs.length; i++)
        total += busyUs[i];
    const byKey = new Map();
    for (const it of all) {
        for (const [dimension, value] of [['all', ''], ...it.keys]) {
            const key = `${it.lane}\u0000${dimension}\u0000${value}`;
            let g = byKey.get(key);
            if (g === undefined)
                byKey.set(key, (g = { lane: it.lane, dimension, value, items: [] }));
            g.items.push(it);
        }
    }
    const order = (a, b) => LANES.indexOf(a.lane) - LANES.indexOf(b.lane) || a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value, 'en', { numeric: true });
    const groups = [...byKey.values()].sort(order).map((g) => group(g.lane, g.dimension, g.value, g.items, total));
    const top = groups
        .filter((g) => g.count >= MIN_GROUP_ITEMS)
        // Equal deviations (to a millionth: a window whose steps all ran beside the prefill has its steps' ratio, up to
        // rounding) rank the group with more items first, the better-supported diagnosis.
        .sort((a, b) => deviationRank(b) - deviationRank(a) || b.count - a.count || a.label.localeCompare(b.label))
        .slice(0, TOP_GROUPS);
    return {
        gpu_busy_us: total,
        lanes: groups.filter((g) => g.dimension === 'all'),
        groups: groups.filter((g) => g.dimension !== 'all'),
        top,
        over_time: overTime(all, stepStartAtUs),
    };
}
function overTime(all, stepStartAtUs) {
    const out = [];
    for (const lane of ['aggregated', 'split-decode', 'split-prefill']) {
        const its = all.filter((it) => it.lane === lane);
        const per = Math.max(1, Math.ceil(its.length / MAX_POINTS_PER_LANE));
        for (let b = 0; b < its.length; b += per) {
            const bin = its.slice(b, b + per);
            let sum = 0;
            for (const it of bin)
                sum += it.measuredUs / it.predictedUs;
            out.push({ lane, from_step: bin[0].step, to_step: bin[bin.length - 1].step, at_s: stepStartAtUs[bin[0].step] / 1e6, ratio: sum / bin.length });
        }
    }
    return out;
}
