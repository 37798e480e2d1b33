import { lineSpec } from '../chart.js';
import { sloGuides } from '../slo-guides.js';
const runOrder = (input) => input.runs.map((r) => r.label);
/** TBT p99 per time bucket, one line per run, with the TBT target; buckets where no token gap ended are left out. */
export function tbtOverTimeChart(input) {
    const rows = input.runs.flatMap((r) => r.result.timeline.buckets.filter((b) => b.tbt_p99_ms !== null).map((b) => ({ run: r.label, t_s: b.t_s, tbt_p99_ms: b.tbt_p99_ms })));
    if (rows.length === 0)
        return null;
    const bucket = input.runs[0]?.result.timeline.bucket_s;
    const guides = sloGuides(input, 'tbt_ms', 'y');
    return {
        id: 'tbt-over-time',
        title: 'Token gaps over time (p99)',
        caption: `The slowest 1% of gaps between tokens in each ${bucket} s window of the run. Spikes are moments where long prompts stalled token streaming; a flat line under the dashed TBT target is what a chat user wants.`,
        rows,
        spec: lineSpec({ x: 't_s', y: 'tbt_p99_ms', xTitle: 'time since first arrival (s)', yTitle: 'TBT p99 (ms)', series: 'run', seriesOrder: runOrder(input), guides }),
    };
}
const STATE = [
    { key: 'queue_len', name: 'waiting requests' },
    { key: 'running', name: 'running requests (batch)' },
    { key: 'kv_used_frac', name: 'KV cache used (%)' },
];
/** Waiting and running requests and KV cache use at the end of each bucket, one panel each. */
export function engineStateChart(input) {
    const rows = input.runs.flatMap((r) => r.result.timeline.buckets.flatMap((b) => STATE.map((q) => ({ run: r.label, t_s: b.t_s, quantity: q.name, value: q.key === 'kv_used_frac' ? Math.round(b.kv_used_frac * 1000) / 10 : b[q.key] }))));
    if (rows.length === 0)
        return null;
    return {
        id: 'engine-state-over-time',
        title: 'Queue, batch and KV cache over time',
        caption: 'At the end of each time window: requests that had arrived but not started (a queue that keeps growing means more is offered than served), requests in the running batch, ' +
            'and the share of KV cache blocks in use (near 100% the engine must queue or preempt). Clusters sum requests over instances and average KV use.',
        rows,
        spec: lineSpec({ x: 't_s', y: 'value', xTitle: 'time since first arrival (s)', yTitle: '', series: 'run', seriesOrder: runOrder(input), facetRow: 'quantity', facetOrder: STATE.map((q) => q.name) }),
    };
}
