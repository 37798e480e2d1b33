import { lineSpec, type ChartSection, type Row } from '../chart.js';
import { formatRate } from '../format-rate.js';
import type { ReportInput, StudyPoint } from '../report-input.js';

type Metric = 'ttft_ms' | 'tbt_ms';

const WORDS: Record<Metric, { id: string; title: string; axis: string; what: string }> = {
  ttft_ms: { id: 'ttft-cdf', title: 'Time to first token: distribution', axis: 'TTFT (ms)', what: 'how long requests waited for their first token' },
  tbt_ms: { id: 'tbt-cdf', title: 'Time between tokens: distribution', axis: 'TBT (ms)', what: 'the gaps between consecutive output tokens' },
};

/**
 * CDF of TTFT or TBT, one curve per run (results files) and, for a study, one per setting at the
 * middle offered rate of its sweep: a whole sweep of curves would be unreadable.
 */
export function latencyCdfChart(input: ReportInput, metric: Metric): ChartSection | null {
  const curves: Array<{ name: string; quantiles: readonly number[] }> = input.runs.map((r) => ({ name: r.label, quantiles: r.result.cdf[metric] }));
  for (const p of representativePoints(input.studyPoints)) {
    curves.push({ name: `${p.series} @ ${p.rateQps === null ? 'trace rate' : `${formatRate(p.rateQps)} QPS`}`, quantiles: p.cdf[metric] });
  }
  const rows: Row[] = curves.flatMap((c) =>
    c.quantiles.map((v, i) => ({ curve: c.name, percentile: c.quantiles.length > 1 ? (i * 100) / (c.quantiles.length - 1) : 100, [metric]: v })),
  );
  if (rows.length === 0) return null;
  const w = WORDS[metric];
  const logX = rows.every((r) => (r[metric] as number) > 0);
  return {
    id: w.id,
    title: w.title,
    caption: `Each curve shows ${w.what}: a point at (x, y) means y% of them took x ms or less. Curves further left are better; the right end is the tail users notice.${logX ? ' The x axis is logarithmic.' : ''}`,
    rows,
    spec: lineSpec({ x: metric, y: 'percentile', xTitle: w.axis, yTitle: 'percent of samples ≤ x', series: 'curve', xLog: logX }),
  };
}

/** Per setting, the point at the lower-middle offered rate (lowest seed), in first-seen order of settings. */
export function representativePoints(points: readonly StudyPoint[]): StudyPoint[] {
  const bySeries = new Map<string, StudyPoint[]>();
  for (const p of points) {
    const g = bySeries.get(p.series);
    if (g) g.push(p);
    else bySeries.set(p.series, [p]);
  }
  return [...bySeries.values()].map((g) => {
    const rates = [...new Set(g.map((p) => p.rateQps ?? 0))].sort((a, b) => a - b);
    const mid = rates[Math.floor((rates.length - 1) / 2)];
    return g.filter((p) => (p.rateQps ?? 0) === mid).sort((a, b) => a.seed - b.seed)[0] as StudyPoint;
  });
}
