import { CHART_WIDTH, colorScale, lineSpec } from '../chart.js';
import { LATENCY_WORDS, percentileOf } from './latency-cdf.js';
/**
 * Charts of `duetsim calibrate compare --simulated … --live … --html`: the TTFT and TBT CDFs of both
 * runs, and the histogram of the partitions their steps ran with. Built from the comparison object only
 * (a type-only import: reports/ runs no calibrate/ code).
 */
/** Legend names, and the order (and so the colours) of the two runs in every chart of the page. */
const RUNS = ['simulated', 'live'];
const WORDS = {
    ttft_ms: { id: 'live-ttft-cdf', title: 'Time to first token: simulated vs live', ...LATENCY_WORDS.ttft_ms },
    tbt_ms: { id: 'live-tbt-cdf', title: 'Time between tokens: simulated vs live', ...LATENCY_WORDS.tbt_ms },
};
/** The 101 percentiles of each run's distribution as one curve each; null when neither run has samples. */
export function liveCdfChart(c, metric) {
    const rows = [];
    for (const run of RUNS) {
        const q = c.cdf[metric][run];
        q.forEach((v, i) => rows.push({ run, percentile: percentileOf(i, q.length), [metric]: v }));
    }
    if (rows.length === 0)
        return null;
    const w = WORDS[metric];
    const logX = rows.every((r) => r[metric] > 0);
    const basis = c.basis === 'whole-runs'
        ? 'Both curves are over the whole run, from its results JSON.'
        : `A run was interrupted, so both curves are over the ${c.requests.compared ?? 0} requests both runs finished${metric === 'tbt_ms' ? ", one sample per request: its mean gap between tokens" : ''}.`;
    return {
        id: w.id,
        title: w.title,
        caption: `Each curve shows ${w.what}: a point at (x, y) means y% of them took x ms or less. "simulated" is duetsim's replay of the scenario; "live" is the same scenario served on a GPU, ` +
            `its steps chosen by the same policy and timed on the device. The closer the two curves, the better the simulator. ${basis}${logX ? ' The x axis is logarithmic.' : ''}`,
        rows,
        spec: lineSpec({ x: metric, y: 'percentile', xTitle: w.axis, yTitle: 'percent of samples ≤ x', series: 'run', seriesOrder: RUNS, xLog: logX }),
    };
}
/** The partition label of a histogram row: aggregated, or (S_p, S_d, k). */
export function partitionLabel(r) {
    return r.mode === 'aggregated' ? 'aggregated' : `S_p ${r.prefill_sms} · S_d ${r.decode_sms} · k ${r.lookahead_k}`;
}
/** Share of steps and share of step time per partition, both runs side by side; null without the step CSVs. */
export function splitHistogramChart(c) {
    const w = c.split_windows;
    if (w === null || w.rows.length === 0)
        return null;
    const rows = [];
    for (const r of w.rows) {
        for (const run of RUNS) {
            const side = r[run];
            const base = { partition: partitionLabel(r), run, steps: side.steps, time_ms: side.time_ms };
            rows.push({ ...base, measure: 'share of steps (%)', share_pct: side.step_share * 100 });
            rows.push({ ...base, measure: 'share of step time (%)', share_pct: side.time_share * 100 });
        }
    }
    const order = w.rows.map(partitionLabel);
    return {
        id: 'split-histogram',
        title: 'Partitions the steps ran with: simulated vs live',
        caption: 'Each bar is the share of a run\'s steps (left) or of its step time (right) that ran with one partition: "aggregated" is one batch on all SMs; ' +
            'S_p · S_d · k is a split window with S_p SMs prefilling beside S_d SMs decoding, k decode steps per window. ' +
            'The policy chose these partitions in both runs; where the bars differ, the live timings led it to other choices.' +
            (w.cut_at_ms === null ? '' : ` The live run was interrupted; the simulated steps are cut at ${w.cut_at_ms} ms, where the live ones end.`),
        rows,
        spec: {
            facet: { column: { field: 'measure', type: 'nominal', title: null, sort: ['share of steps (%)', 'share of step time (%)'] } },
            spec: {
                width: CHART_WIDTH / 2 - 20,
                mark: { type: 'bar' },
                encoding: {
                    y: { field: 'partition', type: 'nominal', title: null, sort: order, axis: { labelLimit: 300 } },
                    yOffset: { field: 'run', type: 'nominal', scale: { domain: [...RUNS] } },
                    x: { field: 'share_pct', type: 'quantitative', title: 'percent', scale: { domain: [0, 100] } },
                    color: { field: 'run', type: 'nominal', title: null, legend: { orient: 'bottom' }, scale: colorScale(RUNS) },
                    tooltip: [
                        { field: 'run', type: 'nominal' },
                        { field: 'partition', type: 'nominal' },
                        { field: 'share_pct', type: 'quantitative', format: '.2f' },
                        { field: 'steps', type: 'quantitative' },
                        { field: 'time_ms', type: 'quantitative', format: '.1f' },
                    ],
                },
            },
        },
    };
}
