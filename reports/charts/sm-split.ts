import { lineSpec, type ChartSection, type Row } from '../chart.js';
import type { ReportInput } from '../report-input.js';

const QUANTITIES = [
  { key: 'split_share', name: 'share of busy time split' },
  { key: 'mean_prefill_sms', name: 'prefill SMs (S_p) while split' },
  { key: 'mean_decode_sms', name: 'decode SMs (S_d) while split' },
  { key: 'mean_lookahead_k', name: 'look-ahead k while split' },
] as const;

/**
 * How the GPU was shared over time: the share of each window spent split into a prefill and a decode
 * partition (the rest ran aggregated on all SMs), the partition sizes, and the look-ahead k.
 */
export function smSplitChart(input: ReportInput): ChartSection | null {
  const rows: Row[] = input.runs.flatMap((r) =>
    r.result.timeline.buckets.flatMap((b) => QUANTITIES.map((q) => ({ run: r.label, t_s: b.t_s, quantity: q.name, value: b[q.key] }))),
  );
  if (rows.length === 0) return null;
  const everSplit = input.runs.some((r) => r.result.summary.split_time_share > 0);
  return {
    id: 'sm-split',
    title: 'SM split over time',
    caption:
      'Top panel: the share of each window the GPU ran split, prefill on S_p SMs beside decode on S_d SMs; 0 means aggregated (one batch on all SMs). ' +
      'The other panels give S_p, S_d and the look-ahead k (decode steps per prefill batch) averaged over the split time.' +
      (everSplit ? '' : ' None of these runs ever split, so every line is at 0.'),
    rows,
    spec: lineSpec({ x: 't_s', y: 'value', xTitle: 'time since first arrival (s)', yTitle: '', series: 'run', facetRow: 'quantity', facetOrder: QUANTITIES.map((q) => q.name) }),
  };
}
