import { median, summarizeApes } from './error-stats.js';
/** The timings a record carries, each named by the group it is summarised in. */
function timingsOf(r) {
    switch (r.kind) {
        case 'concurrent':
            return [['concurrent/decode', r.decodeConcurrentUs], ['concurrent/prefill', r.prefillConcurrentUs]];
        case 'clock_regime':
            return [['clock_regime/back-to-back', r.backToBackUs], ['clock_regime/serving', r.servingUs]];
        default:
            return [[r.kind, r.medianUs]];
    }
}
/**
 * Throws when the two sets come from different GPU models (spread across parts is not run-to-run noise) or
 * share no experiment id.
 */
export function compareRuns(first, second) {
    if (first.meta.gpu !== second.meta.gpu) {
        throw new Error(`the runs come from different GPUs (${first.meta.gpu} and ${second.meta.gpu}): run-to-run spread compares one GPU model with itself`);
    }
    const byId = new Map(first.records.map((r) => [r.id, r]));
    const spreads = new Map();
    const seen = new Set();
    for (const r of second.records) {
        const a = byId.get(r.id);
        if (!a)
            continue;
        seen.add(r.id);
        const before = new Map(timingsOf(a));
        for (const [kind, us] of timingsOf(r)) {
            const was = before.get(kind);
            if (was === undefined || !(was > 0))
                continue;
            const list = spreads.get(kind) ?? [];
            list.push({ id: r.id, spread: Math.abs(us / was - 1) });
            spreads.set(kind, list);
        }
    }
    if (seen.size === 0)
        throw new Error('the two runs share no experiment id: were they measured from the same plan?');
    const group = (kind, list) => {
        const s = summarizeApes(list.map((x) => x.spread));
        const worst = list.reduce((w, x) => (x.spread > w.spread ? x : w));
        return { kind, count: s.count, median: median(list.map((x) => x.spread)), mean: s.mape, p90: s.p90Ape, worst: s.worstApe, worst_id: worst.id };
    };
    const kinds = [...spreads.keys()].sort();
    const all = kinds.flatMap((k) => spreads.get(k) ?? []);
    return {
        schema: 'duetsim.repeatability/1',
        gpu: first.meta.gpu,
        first: { files: first.files.map((f) => f.path), date: first.meta.date },
        second: { files: second.files.map((f) => f.path), date: second.meta.date },
        groups: [...kinds.map((k) => group(k, spreads.get(k) ?? [])), group('all', all)],
        only_first: first.records.filter((r) => !seen.has(r.id)).length,
        only_second: second.records.filter((r) => !byId.has(r.id)).length,
    };
}
export function formatRepeatability(r) {
    const pct = (x) => `${(x * 100).toFixed(2)}%`;
    return [
        `Run-to-run spread on ${r.gpu}: |second ÷ first − 1| per experiment id`,
        `  first:  ${r.first.files.join(', ')} (${r.first.date})`,
        `  second: ${r.second.files.join(', ')} (${r.second.date})`,
        `${'kind'.padEnd(28)} ${'n'.padStart(5)} ${'median'.padStart(8)} ${'mean'.padStart(8)} ${'p90'.padStart(8)} ${'worst'.padStart(8)}  worst id`,
        ...r.groups.map((g) => `${g.kind.padEnd(28)} ${String(g.count).padStart(5)} ${pct(g.median).padStart(8)} ${pct(g.mean).padStart(8)} ${pct(g.p90).padStart(8)} ${pct(g.worst).padStart(8)}  ${g.worst_id}`),
        `timed in one run only: ${r.only_first} in the first, ${r.only_second} in the second`,
    ].join('\n') + '\n';
}
