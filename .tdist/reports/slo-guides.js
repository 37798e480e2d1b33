/**
 * The SLO targets of the runs and study points on the page, as reference lines: one per distinct
 * target (a study may vary them). `metric` picks TTFT or TBT; `axis` where the latency is drawn.
 */
export function sloGuides(input, metric, axis) {
    const targets = new Set();
    for (const r of input.runs) {
        const t = r.result.summary.slo?.[metric];
        if (typeof t === 'number')
            targets.add(t);
    }
    for (const p of input.studyPoints) {
        const t = p.summary.slo?.[metric];
        if (typeof t === 'number')
            targets.add(t);
    }
    const name = metric === 'ttft_ms' ? 'TTFT' : 'TBT';
    return [...targets].sort((a, b) => a - b).map((v) => ({ axis, value: v, label: `${name} SLO ${v} ms` }));
}
