import { CHART_HEIGHT, CHART_WIDTH, colorScale } from '../chart.js';
/**
 * DuetServe's partition, step by step: while split, the prefill SMs (S_p), decode SMs (S_d) and
 * look-ahead k of each run of identical steps, drawn as horizontal segments (a step chart); gaps are
 * aggregated steps on all SMs. Null when no run split (nothing to show) or results predate the record.
 */
export function partitionTimelineChart(input) {
    const rows = [];
    const truncated = [];
    for (const r of input.runs) {
        const p = r.result.partitions;
        if (!p)
            continue;
        const cluster = new Set(p.segments.map((s) => s.instance)).size > 1;
        for (const s of p.segments) {
            if (s.mode !== 'split')
                continue;
            const who = cluster ? `${r.label} · instance ${s.instance}` : r.label;
            const base = { run: r.label, instance: s.instance, start_s: s.start_s, end_s: s.end_s, steps: s.steps };
            rows.push({ ...base, panel: 'SMs', series: `${who} · S_p (prefill)`, value: s.prefill_sms });
            rows.push({ ...base, panel: 'SMs', series: `${who} · S_d (decode)`, value: s.decode_sms });
            rows.push({ ...base, panel: 'look-ahead k', series: `${who} · k`, value: s.lookahead_k });
        }
        if (p.truncated_at_s !== null)
            truncated.push(`${r.label} after ${p.truncated_at_s} s`);
    }
    if (rows.length === 0)
        return null;
    const series = [...new Set(rows.map((r) => r.series))];
    return {
        id: 'partition-timeline',
        title: 'SM partition, step by step',
        caption: 'Each segment is a run of consecutive steps split into a prefill partition of S_p SMs beside a decode partition of S_d SMs (top), running k decode steps per prefill batch (bottom). ' +
            'Where no segment is drawn the GPU ran aggregated, one batch on all SMs.' +
            (truncated.length > 0 ? ` Recording stopped at the results' segment cap: ${truncated.join('; ')}; later steps are not shown.` : ''),
        rows,
        spec: {
            facet: { row: { field: 'panel', type: 'nominal', title: null, sort: ['SMs', 'look-ahead k'] } },
            spec: {
                width: CHART_WIDTH,
                height: CHART_HEIGHT / 2,
                mark: { type: 'rule', strokeWidth: 2.5 },
                encoding: {
                    x: { field: 'start_s', type: 'quantitative', title: 'time since first arrival (s)', scale: { zero: false } },
                    x2: { field: 'end_s' },
                    y: { field: 'value', type: 'quantitative', title: null, scale: { zero: true } },
                    color: { field: 'series', type: 'nominal', title: null, scale: colorScale(series), legend: { orient: 'bottom', columns: 2, labelLimit: 400 } },
                    tooltip: [{ field: 'series', type: 'nominal' }, { field: 'value', type: 'quantitative' }, { field: 'start_s', type: 'quantitative' }, { field: 'end_s', type: 'quantitative' }, { field: 'steps', type: 'quantitative' }],
                },
            },
            resolve: { scale: { y: 'independent' } },
        },
    };
}
