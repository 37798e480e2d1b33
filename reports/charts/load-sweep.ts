import { lineSpec, type ChartSection, type Row } from '../chart.js';
import type { ReportInput } from '../report-input.js';
import { sweepPoints } from '../sweep-points.js';

const RATE_AXIS = 'offered load (requests/s)';

/** Served requests/s and output tokens/s against offered requests/s, one line per setting. */
export function throughputChart(input: ReportInput): ChartSection | null {
  const rows: Row[] = sweepPoints(input.studyPoints).flatMap((p) => [
    { setting: p.series, offered_qps: p.rateQps, quantity: 'requests/s served', value: p.mean((s) => s.throughput_rps) },
    { setting: p.series, offered_qps: p.rateQps, quantity: 'output tokens/s', value: p.mean((s) => s.output_tps) },
  ]);
  if (rows.length === 0) return null;
  return {
    id: 'throughput-vs-load',
    title: 'Throughput vs offered load',
    caption: 'What each setting served as more traffic was offered. Served requests/s follows the offered rate until the server saturates, then flattens: the bend is its capacity regardless of latency.',
    rows,
    spec: lineSpec({ x: 'offered_qps', y: 'value', xTitle: RATE_AXIS, yTitle: '', series: 'setting', facetRow: 'quantity' }),
  };
}

/** p99 TTFT and p99 TBT against offered load. */
export function tailLatencyChart(input: ReportInput): ChartSection | null {
  const rows: Row[] = sweepPoints(input.studyPoints).flatMap((p) => [
    { setting: p.series, offered_qps: p.rateQps, quantity: 'TTFT p99 (ms)', value: p.mean((s) => s.ttft_ms.p99) },
    { setting: p.series, offered_qps: p.rateQps, quantity: 'TBT p99 (ms)', value: p.mean((s) => s.tbt_ms.p99) },
  ]);
  if (rows.length === 0) return null;
  const logY = rows.every((r) => (r.value as number) > 0);
  return {
    id: 'tail-latency-vs-load',
    title: 'Tail latency vs offered load',
    caption: `The slowest 1% of first-token waits (top) and of token gaps (bottom) at each offered rate. Latency climbs steeply once a setting nears saturation.${logY ? ' The y axes are logarithmic.' : ''}`,
    rows,
    spec: lineSpec({ x: 'offered_qps', y: 'value', xTitle: RATE_AXIS, yTitle: '', series: 'setting', facetRow: 'quantity', yLog: logY }),
  };
}

/** Share of requests meeting every SLO against offered load. */
export function attainmentChart(input: ReportInput): ChartSection | null {
  const rows: Row[] = sweepPoints(input.studyPoints).map((p) => ({ setting: p.series, offered_qps: p.rateQps, slo_attainment: p.mean((s) => s.slo_attainment), seeds: p.seeds }));
  if (rows.length === 0) return null;
  return {
    id: 'slo-attainment-vs-load',
    title: 'SLO attainment vs offered load',
    caption: 'The share of requests that met every latency target (TTFT and TBT, as set in the study). Where several seeds ran at one rate the line shows their mean. Read capacity off where a line drops below your target, e.g. 0.9.',
    rows,
    spec: lineSpec({ x: 'offered_qps', y: 'slo_attainment', xTitle: RATE_AXIS, yTitle: 'SLO attainment', series: 'setting' }),
  };
}
