import { CHART_HEIGHT, CHART_WIDTH, lineSpec } from '../chart.js';
import { LATENCY_WORDS, percentileOf } from './latency-cdf.js';
/**
 * Charts of `duetsim calibrate compare --html`: simulated vs executed latency CDFs (overall and per
 * phase) and the GPU-time drift per step. Built from the comparison JSON object only.
 */
// Legend names; type-only imports keep reports/ free of calibrate/ code, as of sim/ code.
const LANE_NAMES = {
    aggregated: 'aggregated step',
    'split-prefill': 'split: prefill lane',
    'split-decode': 'split: decode lane',
    'split-decode-step': 'split: one decode step',
};
export const PHASE_NAMES = { all: 'all requests', aggregated: 'aggregated steps', split: 'split windows' };
const WORDS = {
    ttft_ms: { id: 'closed-loop-ttft-cdf', title: 'Time to first token: simulated vs executed', ...LATENCY_WORDS.ttft_ms },
    tbt_ms: { id: 'closed-loop-tbt-cdf', title: 'Time between tokens: simulated vs executed', ...LATENCY_WORDS.tbt_ms },
};
/**
 * One panel per phase that has samples; in each, the simulated and the executed CDF. Rows are the 101
 * percentiles of each curve, as in the report's CDFs (charts/latency-cdf.ts).
 */
export function closedLoopCdfChart(c, metric) {
    const rows = [];
    const phases = [];
    for (const phase of ['all', 'aggregated', 'split']) {
        const curves = c.cdf[metric][phase];
        if (curves.executed.length === 0)
            continue;
        phases.push(PHASE_NAMES[phase]);
        for (const side of ['simulated', 'executed']) {
            const q = curves[side];
            q.forEach((v, i) => rows.push({ phase: PHASE_NAMES[phase], curve: side, percentile: percentileOf(i, q.length), [metric]: v }));
        }
    }
    if (rows.length === 0)
        return null;
    const w = WORDS[metric];
    const logX = rows.every((r) => r[metric] > 0);
    const phaseWords = metric === 'ttft_ms' ? 'the step that emitted the first token' : 'the step that emitted the later token of each gap';
    return {
        id: w.id,
        title: w.title,
        caption: `Each curve shows ${w.what}: a point at (x, y) means y% of them took x ms or less. "simulated" is what duetsim predicted for this schedule; ` +
            `"executed" is rebuilt from the GPU times measured when the same schedule ran on ${c.executed.gpu}, with the same host costs added. ` +
            `The closer the two curves, the better the simulator. Panels split the samples by the kind of ${phaseWords}.${logX ? ' The x axis is logarithmic.' : ''}`,
        rows,
        spec: lineSpec({ x: metric, y: 'percentile', xTitle: w.axis, yTitle: 'percent of samples ≤ x', series: 'curve', xLog: logX, facetRow: 'phase', facetOrder: phases }),
    };
}
/** Measured / predicted GPU time per step (or per run of steps on long runs), one point each, over the run. */
export function stepDriftChart(c) {
    const rows = c.drift.over_time.map((p) => ({ lane: LANE_NAMES[p.lane], time_s: p.at_s, ratio: p.ratio, from_step: p.from_step, to_step: p.to_step }));
    if (rows.length === 0)
        return null;
    const binned = c.drift.over_time.some((p) => p.to_step !== p.from_step);
    return {
        id: 'step-drift',
        title: 'GPU time per step: measured / predicted',
        caption: `Each dot is ${binned ? 'the mean over a run of consecutive steps (the run is long, so steps are grouped to keep the chart readable)' : 'one step'}: ` +
            'its GPU time as measured divided by what the latency model predicted (host costs left out on both sides). 1 means exact, above 1 the GPU was slower than predicted. ' +
            'Split windows have two dots: the prefill lane and the decode lane. Drift that grows over time points at state the model does not see (longer contexts, clocks); drift in one kind of step points at that kind.',
        rows,
        spec: {
            width: CHART_WIDTH,
            height: CHART_HEIGHT,
            mark: { type: 'point', filled: true, size: 14, opacity: 0.7 },
            encoding: {
                x: { field: 'time_s', type: 'quantitative', title: 'executed time (s)' },
                y: { field: 'ratio', type: 'quantitative', title: 'measured / predicted', scale: { zero: false } },
                color: { field: 'lane', type: 'nominal', title: null, legend: { orient: 'bottom' } },
                tooltip: [{ field: 'lane', type: 'nominal' }, { field: 'from_step', type: 'quantitative' }, { field: 'to_step', type: 'quantitative' }, { field: 'ratio', type: 'quantitative', format: '.3f' }],
            },
        },
    };
}
/** The groups of steps that drift most, as bars of (mean ratio − 1) in percent. */
/** The groups that drift most: the closed loop's executed schedule, or a live run's step records (both a DriftReport). */
export function driftGroupsChart(drift) {
    const rows = drift.top.map((g) => ({
        group: g.label,
        lane: LANE_NAMES[g.lane],
        drift_pct: (g.mean_ratio - 1) * 100,
        weighted_ratio: g.weighted_ratio,
        items: g.count,
        gpu_time_share_pct: g.share_of_gpu_time * 100,
        plausible_cause: g.hint,
    }));
    if (rows.length === 0)
        return null;
    return {
        id: 'drift-groups',
        title: 'Which steps drift most',
        caption: 'Steps grouped by what they ran (lane, prefill tokens, decode batch size, SM split, decode steps during or after the prefill). Each bar is a group\'s mean ' +
            'measured / predicted GPU time minus 1, in percent: right of 0 the GPU was slower than predicted. The tooltip gives the group\'s share of GPU time and a plausible cause.',
        rows,
        spec: {
            width: CHART_WIDTH,
            mark: { type: 'bar' },
            encoding: {
                y: { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelLimit: 360 } },
                x: { field: 'drift_pct', type: 'quantitative', title: 'mean drift (%)' },
                color: { field: 'lane', type: 'nominal', title: null, legend: { orient: 'bottom' } },
                tooltip: [
                    { field: 'group', type: 'nominal' },
                    { field: 'drift_pct', type: 'quantitative', format: '.1f' },
                    { field: 'items', type: 'quantitative' },
                    { field: 'gpu_time_share_pct', type: 'quantitative', format: '.1f' },
                    { field: 'plausible_cause', type: 'nominal' },
                ],
            },
        },
    };
}
