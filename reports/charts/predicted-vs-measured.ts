import { CHART_HEIGHT, CHART_WIDTH, type ChartSection, type Row } from '../chart.js';
import type { ReportInput } from '../report-input.js';

/** Calibration check: each held-out measurement against the latency model's prediction. */
export function predictedVsMeasuredChart(input: ReportInput): ChartSection | null {
  // Extra fields (sm_count, batch_kind, … from calibrate validate) go first so they cannot replace the drawn ones.
  const rows: Row[] = input.calibration.map((p) => ({
    ...p.extra,
    id: p.id, kind: p.kind, measured_us: p.measuredUs, predicted_us: p.predictedUs,
    error_pct: ((p.predictedUs - p.measuredUs) / p.measuredUs) * 100,
  }));
  if (rows.length === 0) return null;
  const kinds = [...new Set(input.calibration.map((p) => p.kind))].sort();
  const mape = kinds.map((k) => {
    const errs = rows.filter((r) => r.kind === k).map((r) => Math.abs(r.error_pct as number));
    return `${k} ${(errs.reduce((a, b) => a + b, 0) / errs.length).toFixed(1)}% (${errs.length} points)`;
  });
  return {
    id: 'predicted-vs-measured',
    title: 'Latency model: predicted vs measured',
    caption: `Each dot is one measured GPU time beside what the latency model predicted for it; dots on the diagonal are exact, above it the model is pessimistic. Mean absolute error by kind, from this file: ${mape.join('; ')}.`,
    rows,
    spec: {
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      mark: { type: 'point', filled: true, size: 40 },
      encoding: {
        x: { field: 'measured_us', type: 'quantitative', title: 'measured (µs)', scale: { type: 'log' } },
        y: { field: 'predicted_us', type: 'quantitative', title: 'predicted (µs)', scale: { type: 'log' } },
        color: { field: 'kind', type: 'nominal', legend: { orient: 'bottom' } },
        tooltip: [{ field: 'id', type: 'nominal' }, { field: 'kind', type: 'nominal' }, { field: 'measured_us', type: 'quantitative' }, { field: 'predicted_us', type: 'quantitative' }, { field: 'error_pct', type: 'quantitative', format: '.1f' }],
      },
    },
  };
}
