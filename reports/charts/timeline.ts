import { lineSpec, type ChartSection, type Row } from '../chart.js';
import type { ReportInput } from '../report-input.js';

/** TBT p99 per time bucket, one line per run; buckets where no token gap ended are left out. */
export function tbtOverTimeChart(input: ReportInput): ChartSection | null {
  const rows: Row[] = input.runs.flatMap((r) =>
    r.result.timeline.buckets.filter((b) => b.tbt_p99_ms !== null).map((b) => ({ run: r.label, t_s: b.t_s, tbt_p99_ms: b.tbt_p99_ms })),
  );
  if (rows.length === 0) return null;
  const bucket = input.runs[0]?.result.timeline.bucket_s;
  return {
    id: 'tbt-over-time',
    title: 'Token gaps over time (p99)',
    caption: `The slowest 1% of gaps between tokens in each ${bucket} s window of the run. Spikes are moments where long prompts stalled token streaming; a flat line under the TBT target is what a chat user wants.`,
    rows,
    spec: lineSpec({ x: 't_s', y: 'tbt_p99_ms', xTitle: 'time since first arrival (s)', yTitle: 'TBT p99 (ms)', series: 'run' }),
  };
}

/** Waiting requests at the end of each bucket. */
export function queueOverTimeChart(input: ReportInput): ChartSection | null {
  const rows: Row[] = input.runs.flatMap((r) => r.result.timeline.buckets.map((b) => ({ run: r.label, t_s: b.t_s, queue_len: b.queue_len })));
  if (rows.length === 0) return null;
  return {
    id: 'queue-over-time',
    title: 'Requests waiting over time',
    caption: 'How many requests had arrived but not yet started, at the end of each time window. A queue that keeps growing means the server is offered more than it can serve.',
    rows,
    spec: lineSpec({ x: 't_s', y: 'queue_len', xTitle: 'time since first arrival (s)', yTitle: 'waiting requests', series: 'run' }),
  };
}
