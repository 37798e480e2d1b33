import { median } from './error-stats.js';
import { opWork } from './op-work.js';
export const KERNEL_TARGETS = [
    { id: 'decode-speed', op_class: 'attn_decode', metric: 'ratio', at_most: true, bound: 1.1, min_rows: 1, text: 'decode attention ≤ 1.10× the reference, every shape' },
    { id: 'decode-bandwidth', op_class: 'attn_decode', metric: 'ours_copy_fraction', at_most: false, bound: 0.85, min_rows: 64, text: 'decode attention ≥ 85% of copy bandwidth, batches of 64+ sequences' },
    { id: 'prefill-speed', op_class: 'attn_prefill', metric: 'ratio', at_most: true, bound: 1.25, min_rows: 1, text: 'prefill attention ≤ 1.25× the fastest reference backend, every shape' },
    { id: 'elementwise-bandwidth', op_class: 'elementwise', metric: 'ours_copy_fraction', at_most: false, bound: 0.8, min_rows: 4096, text: 'fused elementwise ≥ 80% of copy bandwidth, 4,096+ tokens' },
];
/** Worst shape per (target, partition); partitions where a target has no judged shape are left out. */
export function evaluateKernelTargets(pairs, targets = KERNEL_TARGETS) {
    const out = [];
    for (const t of targets) {
        const bySms = new Map();
        for (const p of pairs) {
            const v = p[t.metric];
            if (p.op_class !== t.op_class || p.rows < t.min_rows || v === null)
                continue;
            bySms.set(p.sm_count, [...(bySms.get(p.sm_count) ?? []), { shape: p.shape, v }]);
        }
        for (const [sms, vs] of [...bySms].sort((a, b) => a[0] - b[0])) {
            const worst = vs.reduce((w, x) => ((t.at_most ? x.v > w.v : x.v < w.v) ? x : w));
            out.push({ target: t.id, sm_count: sms, shapes: vs.length, worst_shape: worst.shape, worst: worst.v, bound: t.bound, pass: t.at_most ? worst.v <= t.bound : worst.v >= t.bound });
        }
    }
    return out;
}
function batchRows(s) {
    switch (s.op) {
        case 'gemm':
            return s.n;
        case 'attn_prefill':
            return s.chunks.reduce((a, c) => a + c.newTokens, 0);
        case 'attn_decode':
            return s.contexts.length;
        case 'elementwise':
            return s.n;
    }
}
export function shapeKey(s) {
    switch (s.op) {
        case 'gemm':
            return `gemm n=${s.n} ${s.dIn}x${s.dOut}`;
        case 'attn_prefill':
            return `attn_prefill ${s.hq}q${s.hkv}kv ${s.chunks.map((c) => `${c.newTokens}+${c.cachedTokens}`).join(',')}`;
        case 'attn_decode': {
            const uniform = s.contexts.every((c) => c === s.contexts[0]);
            return `attn_decode ${s.hq}q${s.hkv}kv ${uniform ? `${s.contexts.length}x${s.contexts[0]}` : s.contexts.join(',')}`;
        }
        case 'elementwise':
            return `${s.which} n=${s.n} d=${s.dim}`;
    }
}
function ops(set) {
    const m = new Map();
    for (const r of set.records)
        if (r.kind === 'op' && r.medianUs > 0)
            m.set(`${shapeKey(r.shape)}@${r.smCount}`, r);
    return m;
}
/** The copy ceiling's GB/s by SM count (the median record where a set measured one size twice). */
function copyGbPerSByCount(set) {
    const bySms = new Map();
    for (const r of set.records)
        if (r.kind === 'ceiling_bandwidth')
            bySms.set(r.smCount, [...(bySms.get(r.smCount) ?? []), r.bytes / r.medianUs / 1e3]);
    return new Map([...bySms].map(([sms, v]) => [sms, median(v)]));
}
export function compareKernels(ours, reference, lmHeads) {
    const a = ops(ours);
    const b = ops(reference);
    const copyOurs = copyGbPerSByCount(ours);
    const copyRef = copyGbPerSByCount(reference);
    const copyCeiling = (sms) => {
        const both = [copyOurs.get(sms), copyRef.get(sms)].filter((v) => v !== undefined);
        return both.length > 0 ? Math.max(...both) : undefined;
    };
    const pairs = [];
    for (const [key, r] of a) {
        const t = b.get(key);
        if (!t)
            continue;
        const w = opWork(r.shape, lmHeads);
        pairs.push({
            shape: shapeKey(r.shape),
            op_class: w.opClass,
            rows: batchRows(r.shape),
            sm_count: r.smCount,
            ours_us: r.medianUs,
            reference_us: t.medianUs,
            ratio: r.medianUs / t.medianUs,
            ours_gbytes_per_s: w.bytes / r.medianUs / 1e3,
            reference_gbytes_per_s: w.bytes / t.medianUs / 1e3,
            ours_copy_fraction: fractionOf(w.bytes / r.medianUs / 1e3, copyCeiling(r.smCount)),
            reference_copy_fraction: fractionOf(w.bytes / t.medianUs / 1e3, copyCeiling(r.smCount)),
        });
    }
    pairs.sort((x, y) => x.op_class.localeCompare(y.op_class) || x.sm_count - y.sm_count || x.shape.localeCompare(y.shape, 'en', { numeric: true }));
    const groups = new Map();
    for (const p of pairs) {
        const k = `${p.op_class}@${p.sm_count}`;
        groups.set(k, [...(groups.get(k) ?? []), p.ratio]);
    }
    const meta = (s) => ({ gpu: s.meta.gpu, backend: s.meta.backend, date: s.meta.date });
    return {
        schema: 'duetsim.kernel-compare/2',
        ours: meta(ours),
        reference: meta(reference),
        pairs,
        by_class_and_sms: Object.fromEntries([...groups].map(([k, v]) => [k, { count: v.length, median_ratio: median(v) }])),
        targets: evaluateKernelTargets(pairs),
    };
}
/** Markdown: the per-class summary (op × partition), then every pair. */
function fractionOf(gbPerS, copyGbPerS) {
    return copyGbPerS === undefined || copyGbPerS <= 0 ? null : gbPerS / copyGbPerS;
}
function pct(f) {
    return f === null ? '–' : `${(100 * f).toFixed(0)}%`;
}
/** Targets × partitions: PASS/FAIL with the worst shape's value (– where a target judged nothing). */
function formatTargets(results, sms) {
    const value = (t, v) => (t.metric === 'ratio' ? `${v.toFixed(2)}×` : pct(v));
    const rows = KERNEL_TARGETS.filter((t) => results.some((r) => r.target === t.id)).map((t) => {
        const cells = sms.map((s) => {
            const r = results.find((x) => x.target === t.id && x.sm_count === s);
            return r ? `${r.pass ? 'PASS' : 'FAIL'} ${value(t, r.worst)}` : '–';
        });
        return `| ${t.text} | ${cells.join(' | ')} |`;
    });
    if (rows.length === 0)
        return [];
    return [
        'Targets (issue 11), judged on the worst shape of each partition (its value shown; the JSON names the shape):',
        '',
        `| target | ${sms.map((s) => `${s} SMs`).join(' | ')} |`,
        `|---|${sms.map(() => '---:').join('|')}|`,
        ...rows,
        '',
    ];
}
export function formatKernelComparison(c) {
    const sms = [...new Set(c.pairs.map((p) => p.sm_count))].sort((x, y) => x - y);
    const classes = [...new Set(c.pairs.map((p) => p.op_class))];
    const lines = [
        `Ours: ${c.ours.gpu} (${c.ours.backend}, ${c.ours.date}); reference: ${c.reference.gpu} (${c.reference.backend}, ${c.reference.date}). Ratio = ours ÷ reference time (> 1: ours slower); median over the shapes of a class.`,
        '',
        `| op class | ${sms.map((s) => `${s} SMs`).join(' | ')} |`,
        `|---|${sms.map(() => '---:').join('|')}|`,
        ...classes.map((cl) => `| ${cl} | ${sms.map((s) => { const g = c.by_class_and_sms[`${cl}@${s}`]; return g ? `${g.median_ratio.toFixed(2)}× (n=${g.count})` : '–'; }).join(' | ')} |`),
        '',
        ...formatTargets(c.targets, sms),
        'Copy = achieved GB/s over the partition\'s copy bandwidth (the faster of the two backends\' copy ceilings on that SM count; – where neither has one).',
        '',
        '| shape | SMs | ours µs | reference µs | ours ÷ ref | ours GB/s | ref GB/s | ours copy | ref copy |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
        ...c.pairs.map((p) => `| ${p.shape} | ${p.sm_count} | ${p.ours_us.toFixed(1)} | ${p.reference_us.toFixed(1)} | ${p.ratio.toFixed(2)} | ${p.ours_gbytes_per_s.toFixed(0)} | ${p.reference_gbytes_per_s.toFixed(0)} | ${pct(p.ours_copy_fraction)} | ${pct(p.reference_copy_fraction)} |`),
    ];
    return lines.join('\n') + '\n';
}
