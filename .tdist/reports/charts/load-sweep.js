import { capacityMarks } from '../capacity-marks.js';
import { colorScale, GUIDE_COLOR, lineSpec } from '../chart.js';
import { sloGuides } from '../slo-guides.js';
import { facetAxis, lineLabel, sweepPoints } from '../sweep-points.js';
/** The attainment line the capacity search and readers judge by: the study default (sim/study/README.md). */
export const TARGET_ATTAINMENT = 0.9;
function sweep(input) {
    const points = sweepPoints(input.studyPoints);
    if (points.length === 0)
        return null;
    const facet = facetAxis(points);
    return { points, facet, lines: [...new Set(points.map((p) => lineLabel(p.coords, facet)))], measured: points.every((p) => p.measured) };
}
const rateAxis = (s) => (s.measured ? 'arrival rate, measured (requests/s)' : 'arrival rate, as asked for (requests/s)');
const rateNote = (s) => s.measured
    ? ' The x axis is the measured arrival rate of the requests each point simulated (a cut window runs at its own rate, not exactly the one asked for).'
    : ' These study lines predate the measured rate, so the x axis is the rate asked for.';
const facetNote = (s) => (s.facet === null ? '' : ` One panel per ${s.facet}.`);
function rowsOf(s, pick) {
    return s.points.map((p) => ({
        setting: lineLabel(p.coords, s.facet), ...(s.facet !== null ? { panel: p.coords[s.facet] ?? '' } : {}),
        arrival_rate_qps: p.arrivalRateQps, offered_qps: p.rateQps, seeds: p.seeds, ...pick(p),
    }));
}
function sweepChart(s, id, title, caption, field, yTitle, pick, extra = {}) {
    const rows = rowsOf(s, (p) => ({ [field]: p.mean(pick) }));
    return {
        id, title, caption: caption + rateNote(s) + facetNote(s), rows,
        spec: lineSpec({
            x: 'arrival_rate_qps', y: field, xTitle: rateAxis(s), yTitle, series: 'setting', seriesOrder: s.lines, points: true,
            ...(s.facet !== null ? { facetRow: 'panel', sharedY: extra.yDomain !== undefined } : {}),
            ...(extra.yLog ? { yLog: true } : {}), ...(extra.yDomain ? { yDomain: extra.yDomain } : {}), ...(extra.guides ? { guides: extra.guides } : {}),
        }),
    };
}
/** Served requests/s against the measured arrival rate, a line per setting, a panel per model. */
export function throughputChart(input) {
    const s = sweep(input);
    if (s === null)
        return null;
    return sweepChart(s, 'throughput-vs-load', 'Throughput vs arrival rate', 'What each setting served as more traffic arrived. Served requests/s follows the arrival rate until the server saturates, then flattens: the bend is its capacity regardless of latency. Output tokens/s are in the CSV.', 'served_rps', 'served requests/s', (sm) => sm.throughput_rps);
}
/** p99 TTFT and p99 TBT against load, each with its SLO line. */
export function tailLatencyCharts(input) {
    const s = sweep(input);
    if (s === null)
        return [];
    return ['ttft_ms', 'tbt_ms'].map((m) => {
        const name = m === 'ttft_ms' ? 'TTFT' : 'TBT';
        const logY = s.points.every((p) => p.mean((sm) => sm[m].p99) > 0);
        return sweepChart(s, `${m === 'ttft_ms' ? 'ttft' : 'tbt'}-p99-vs-load`, `${name} p99 vs arrival rate`, `The slowest 1% of ${m === 'ttft_ms' ? 'first-token waits' : 'token gaps'} at each arrival rate, against the dashed SLO target. Latency climbs steeply once a setting nears saturation.${logY ? ' The y axis is logarithmic.' : ''}`, `${m === 'ttft_ms' ? 'ttft' : 'tbt'}_p99_ms`, `${name} p99 (ms)`, (sm) => sm[m].p99, { yLog: logY, guides: sloGuides(input, m, 'y') });
    });
}
/**
 * Share of requests meeting every SLO against load, with the 90% target line and each setting's
 * capacity as a marked point on that line (capacity-marks.ts says which value and why).
 */
export function attainmentChart(input) {
    const s = sweep(input);
    if (s === null)
        return null;
    const chart = sweepChart(s, 'slo-attainment-vs-load', 'SLO attainment vs arrival rate', `The share of requests that met every latency target at each arrival rate (mean over seeds). The dashed line is the ${TARGET_ATTAINMENT * 100}% target: a setting's capacity is where its line crosses it. ` +
        'A diamond on the line marks each capacity: the capacity search\'s answer where the study ran one (an offered rate, placed on this axis through the line\'s points), else the crossing interpolated between the two rates around it. A line that never falls below the target, or starts below it, has none. The values are in the tooltip and the CSV.', 'slo_attainment', 'SLO attainment', (sm) => sm.slo_attainment, { yDomain: [0, 1], guides: [{ axis: 'y', value: TARGET_ATTAINMENT, label: `${TARGET_ATTAINMENT * 100}% target` }] });
    const marks = capacityMarks(s.points, input.capacities, TARGET_ATTAINMENT);
    if (marks.length === 0)
        return chart;
    const first = new Map(s.points.map((p) => [p.series, p]));
    const rows = marks.map((m) => {
        const p = first.get(m.series);
        return {
            setting: lineLabel(p.coords, s.facet), ...(s.facet !== null ? { panel: p.coords[s.facet] ?? '' } : {}),
            capacity_qps: m.capacityQps, capacity_axis_qps: m.axisQps, capacity_source: m.source === 'capacity search' ? 'capacity search (offered rate)' : `${TARGET_ATTAINMENT * 100}% crossing`,
            capacity_attainment: TARGET_ATTAINMENT,
        };
    });
    return { ...chart, rows: [...chart.rows, ...rows], spec: withCapacityLayer(chart.spec, capacityLayer(s)) };
}
/**
 * The capacity points. They ride in the chart's own rows, so a faceted chart puts each in its
 * setting's panel (a layer with its own values would repeat in every panel). Named guide_* so the page
 * checks their position like data but does not count them as data (page-script.ts).
 */
function capacityLayer(s) {
    return {
        name: 'guide_capacity',
        transform: [{ filter: { field: 'capacity_axis_qps', valid: true } }],
        mark: { type: 'point', shape: 'diamond', size: 120, filled: true, opacity: 1, stroke: GUIDE_COLOR, strokeWidth: 1.25 },
        encoding: {
            x: { field: 'capacity_axis_qps', type: 'quantitative', title: rateAxis(s), scale: { zero: false } },
            y: { field: 'capacity_attainment', type: 'quantitative', title: 'SLO attainment', scale: { domain: [0, 1] } },
            color: { field: 'setting', type: 'nominal', title: null, scale: colorScale(s.lines), legend: null },
            tooltip: [
                { field: 'setting', type: 'nominal' },
                { field: 'capacity_qps', type: 'quantitative', title: 'capacity (requests/s)', format: '.3~f' },
                { field: 'capacity_source', type: 'nominal', title: 'from' },
            ],
        },
    };
}
/** Adds the capacity layer to a spec built by lineSpec with guides: layered already (the target line), or a facet of such a spec. */
function withCapacityLayer(spec, layer) {
    const inner = (spec.spec ?? spec);
    const [data, ...guides] = inner.layer;
    // The line layer must not see the capacity rows: vega-lite keeps rows with a null y in a line (to
    // break the path there), and those items have no coordinates.
    const lines = { ...data, transform: [{ filter: { field: 'slo_attainment', valid: true } }] };
    const layered = { ...inner, layer: [lines, ...guides, layer] };
    return spec.spec !== undefined ? { ...spec, spec: layered } : layered;
}
/** Goodput (requests/s meeting every SLO) against load. */
export function goodputVsLoadChart(input) {
    const s = sweep(input);
    if (s === null)
        return null;
    return sweepChart(s, 'goodput-vs-load', 'Goodput vs arrival rate', 'Requests per second that met every SLO. It rises with the arrival rate while the server keeps up, peaks near capacity and falls once queues build: the peak is the most useful work a setting does.', 'goodput_rps', 'goodput (requests/s meeting SLOs)', (sm) => sm.goodput_rps);
}
/** DuetServe's share of busy time spent split, by load; null when no point split. */
export function splitShareChart(input) {
    const s = sweep(input);
    if (s === null || !s.points.some((p) => p.mean((sm) => sm.split_time_share) > 0))
        return null;
    const split = new Set(s.points.filter((p) => p.mean((sm) => sm.split_time_share) > 0).map((p) => p.series));
    const only = { ...s, points: s.points.filter((p) => split.has(p.series)) };
    return sweepChart({ ...only, lines: [...new Set(only.points.map((p) => lineLabel(p.coords, s.facet)))] }, 'split-share-vs-load', 'Share of time split vs arrival rate', 'For the settings that ever split the GPU: the share of busy time spent with prefill and decode on separate SM partitions. At low load batches meet the TBT target on all SMs; the share rises as prefills grow long enough to threaten it.', 'split_share', 'share of busy time split', (sm) => sm.split_time_share, { yDomain: [0, 1] });
}
