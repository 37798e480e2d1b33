import type { Summary } from '../sim/metrics/results.js';
import { escapeHtml } from './escape.js';
import { formatRate } from './format-rate.js';
import type { ReportInput } from './report-input.js';
import { sweepPoints } from './sweep-points.js';

interface Column {
  readonly title: string;
  readonly pick: (s: Summary) => number;
  readonly digits: number;
}

const COLUMNS: readonly Column[] = [
  { title: 'requests', pick: (s) => s.requests, digits: 0 },
  { title: 'completed', pick: (s) => s.completed, digits: 0 },
  { title: 'served req/s', pick: (s) => s.throughput_rps, digits: 2 },
  { title: 'output tok/s', pick: (s) => s.output_tps, digits: 0 },
  { title: 'TTFT p50 ms', pick: (s) => s.ttft_ms.p50, digits: 1 },
  { title: 'TTFT p99 ms', pick: (s) => s.ttft_ms.p99, digits: 1 },
  { title: 'TBT p99 ms', pick: (s) => s.tbt_ms.p99, digits: 1 },
  { title: 'SLO attainment', pick: (s) => s.slo_attainment, digits: 3 },
  { title: 'goodput req/s', pick: (s) => s.goodput_rps, digits: 2 },
];

const cell = (text: string, numeric = false): string => `<td${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;

/**
 * The table at the top of the report: one row per run, and per study setting and offered rate (mean
 * over seeds). Every value is HTML-escaped, labels included, since they come from user configs.
 */
export function summaryTableHtml(input: ReportInput): string {
  const head = ['setting', 'offered req/s', 'seeds', ...COLUMNS.map((c) => c.title)].map((t) => `<th>${escapeHtml(t)}</th>`).join('');
  const rows: string[] = [];
  for (const r of input.runs) {
    const rate = (r.result.config as Record<string, unknown>).rateQps;
    const s = r.result.summary;
    rows.push(`<tr>${cell(r.label)}${cell(typeof rate === 'number' ? formatRate(rate) : 'trace', true)}${cell('1', true)}${COLUMNS.map((c) => cell(c.pick(s).toFixed(c.digits), true)).join('')}</tr>`);
  }
  for (const p of sweepPoints(input.studyPoints)) {
    rows.push(`<tr>${cell(p.series)}${cell(formatRate(p.rateQps), true)}${cell(String(p.seeds), true)}${COLUMNS.map((c) => cell(p.mean(c.pick).toFixed(c.digits), true)).join('')}</tr>`);
  }
  const main = rows.length === 0 ? '' : `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  return main + capacityTableHtml(input);
}

function capacityTableHtml(input: ReportInput): string {
  if (input.capacities.length === 0) return '';
  const head = ['setting', 'capacity req/s', 'first failing req/s', 'converged', 'probes'].map((t) => `<th>${escapeHtml(t)}</th>`).join('');
  const rows = input.capacities.map(
    (c) =>
      `<tr>${cell(c.series)}${cell(c.capacityQps.toFixed(2), true)}${cell(c.bracket[1] === null ? 'none found' : c.bracket[1].toFixed(2), true)}${cell(c.converged ? 'yes' : 'no')}${cell(String(c.probeCount), true)}</tr>`,
  );
  return `<h3>Capacity</h3><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
