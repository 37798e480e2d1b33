import { CHART_WIDTH, colorScale, withGuides, type ChartSection, type Row } from '../chart.js';
import type { CalibrationPoint, ReportInput } from '../report-input.js';

/**
 * The regime a held-out point belongs to: an explicit `regime` field when the validation file has one
 * (newer files name regimes such as a decode lane beside a prefill), else its kind with the batch kind.
 */
export function regimeOf(p: CalibrationPoint): string {
  if (typeof p.extra.regime === 'string' && p.extra.regime !== '') return p.extra.regime;
  return typeof p.extra.batch_kind === 'string' ? `${p.kind} · ${p.extra.batch_kind}` : p.kind;
}

/** Pass lines from the files' summaries (`targets.<kind>_mape`), as ± guides in percent. */
function targetGuides(input: ReportInput): Array<{ axis: 'x'; value: number; label: string }> {
  const seen = new Map<number, string>();
  for (const f of input.calibrationFiles) {
    const t = f.summary?.targets;
    if (t === null || typeof t !== 'object') continue;
    for (const [k, v] of Object.entries(t as Record<string, unknown>)) {
      if (typeof v === 'number' && v > 0 && !seen.has(v)) seen.set(v, k.replace(/_mape$/, ''));
    }
  }
  return [...seen].flatMap(([v, name]) => [
    { axis: 'x' as const, value: v * 100, label: `${name} MAPE target ${v * 100}%` },
    { axis: 'x' as const, value: -v * 100, label: `−${v * 100}%` },
  ]);
}

/**
 * Signed error of every held-out point, one row of dots per regime: a log-log scatter of predicted
 * against measured hides a 4% error, this shows it. Right of 0 the model predicts too slow.
 */
export function calibrationResidualsChart(input: ReportInput): ChartSection | null {
  const rows: Row[] = input.calibration.map((p) => ({
    // Extra fields (sm_count, batch_kind, … from calibrate validate) go first so they cannot replace the drawn ones.
    ...p.extra,
    id: p.id, kind: p.kind, regime: regimeOf(p), measured_us: p.measuredUs, predicted_us: p.predictedUs,
    error_pct: ((p.predictedUs - p.measuredUs) / p.measuredUs) * 100,
  }));
  if (rows.length === 0) return null;
  const regimes = [...new Set(rows.map((r) => r.regime as string))].sort();
  const mape = regimes.map((k) => {
    const errs = rows.filter((r) => r.regime === k).map((r) => Math.abs(r.error_pct as number));
    return `${k} ${(errs.reduce((a, b) => a + b, 0) / errs.length).toFixed(1)}% (${errs.length} points)`;
  });
  const tooltip: Record<string, string>[] = [
    { field: 'id', type: 'nominal' },
    { field: 'regime', type: 'nominal' },
    { field: 'measured_us', type: 'quantitative' },
    { field: 'predicted_us', type: 'quantitative' },
    { field: 'error_pct', type: 'quantitative', format: '.2f' },
  ];
  // A pair's lanes name the batch their partner ran (calibrate validate's partner_batch): shown where any point has one.
  if (rows.some((r) => typeof r.partner_batch === 'string')) tooltip.push({ field: 'partner_batch', type: 'nominal', title: 'partner batch' });
  const unit = {
    mark: { type: 'tick', thickness: 2, size: 14 },
    encoding: {
      x: { field: 'error_pct', type: 'quantitative', title: 'prediction error, (predicted − measured) / measured (%)' },
      // Sorted by name through the scale's domain, not a sort array (chart.ts says why).
      y: { field: 'regime', type: 'nominal', title: null, scale: { domain: regimes }, axis: { labelLimit: 320 } },
      color: { field: 'regime', type: 'nominal', scale: colorScale(regimes), legend: null },
      tooltip,
    },
  };
  const guides = targetGuides(input);
  return {
    id: 'calibration-residuals',
    title: 'Latency model error by regime',
    caption:
      `Each tick is one held-out GPU measurement (not used to fit the model): how far the latency model's prediction landed from it, in percent. Right of 0 the model is pessimistic. ` +
      `${guides.length > 0 ? 'Dashed lines are the pass lines of the calibration targets. ' : ''}Mean absolute error by regime, from these files: ${mape.join('; ')}.`,
    rows,
    spec: { width: CHART_WIDTH, height: { step: 22 }, ...withGuides(unit, guides) },
  };
}
