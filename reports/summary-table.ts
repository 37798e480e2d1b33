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
  { title: 'TBT p50 ms', pick: (s) => s.tbt_ms.p50, digits: 1 },
  { title: 'TBT p99 ms', pick: (s) => s.tbt_ms.p99, digits: 1 },
  { title: 'TPOT p50 ms', pick: (s) => s.tpot_ms.p50, digits: 1 },
  { title: 'TPOT p99 ms', pick: (s) => s.tpot_ms.p99, digits: 1 },
  { title: 'E2E p50 ms', pick: (s) => s.e2e_ms.p50, digits: 0 },
  { title: 'E2E p99 ms', pick: (s) => s.e2e_ms.p99, digits: 0 },
  { title: 'queueing p50 ms', pick: (s) => s.queue_ms.p50, digits: 1 },
  { title: 'queueing p99 ms', pick: (s) => s.queue_ms.p99, digits: 1 },
  { title: 'SLO attainment', pick: (s) => s.slo_attainment, digits: 3 },
  { title: 'goodput req/s', pick: (s) => s.goodput_rps, digits: 2 },
];

const cell = (text: string, numeric = false): string => `<td${numeric ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;

/**
 * The table at the top of the report: one row per run, and per study setting and offered rate (mean
 * over seeds). Every value is HTML-escaped, labels included, since they come from user configs.
 */
export function summaryTableHtml(input: ReportInput): string {
  const head = ['setting', 'arrival req/s (measured)', 'asked req/s', 'seeds', ...COLUMNS.map((c) => c.title)].map((t) => `<th>${escapeHtml(t)}</th>`).join('');
  const rows: string[] = [];
  for (const r of input.runs) {
    const config = r.result.config as Record<string, unknown>;
    const rate = config.rateQps;
    const resolved = (config.resolved ?? {}) as Record<string, unknown>;
    const measured = typeof resolved.arrival_rate_qps === 'number' ? formatRate(resolved.arrival_rate_qps) : '–';
    const s = r.result.summary;
    rows.push(`<tr>${cell(r.label)}${cell(measured, true)}${cell(typeof rate === 'number' ? formatRate(rate) : 'trace', true)}${cell('1', true)}${COLUMNS.map((c) => cell(c.pick(s).toFixed(c.digits), true)).join('')}</tr>`);
  }
  for (const p of sweepPoints(input.studyPoints)) {
    rows.push(`<tr>${cell(p.series)}${cell(p.measured ? formatRate(p.arrivalRateQps) : '–', true)}${cell(formatRate(p.rateQps), true)}${cell(String(p.seeds), true)}${COLUMNS.map((c) => cell(p.mean(c.pick).toFixed(c.digits), true)).join('')}</tr>`);
  }
  const main = rows.length === 0 ? '' : `<div class="scroll"><table id="summary"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  return main + kvTransferTableHtml(input) + capacityTableHtml(input) + calibrationTableHtml(input);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** KV transfers of disaggregated cluster runs (config.resolved.cluster.kv_transfers). */
function kvTransferTableHtml(input: ReportInput): string {
  const rows: string[] = [];
  for (const r of input.runs) {
    const resolved = r.result.config.resolved;
    const t = isObj(resolved) && isObj(resolved.cluster) ? resolved.cluster.kv_transfers : null;
    if (!isObj(t)) continue;
    const n = (k: string) => cell(typeof t[k] === 'number' ? String(t[k]) : '–', true);
    rows.push(`<tr>${cell(r.label)}${n('count')}${n('gb')}${n('waited_for_room')}${n('wait_ms_mean')}${n('wait_ms_max')}${n('delay_ms_mean')}${n('delay_ms_max')}</tr>`);
  }
  if (rows.length === 0) return '';
  const head = ['run', 'KV transfers', 'GB moved', 'waited for room', 'wait mean ms', 'wait max ms', 'delay to 2nd token mean ms', 'delay max ms'].map((t) => `<th>${escapeHtml(t)}</th>`).join('');
  return `<h3>KV transfers (disaggregated runs)</h3><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/**
 * Calibration verdicts: every error group of a validation file's summary (an object with `overall`
 * errors), against its target (`targets.<group>_mape`) and verdict (`pass.<group>`) where the file
 * states them. Groups this page does not know are listed too, as "reported, no target".
 */
function calibrationTableHtml(input: ReportInput): string {
  const rows: string[] = [];
  for (const f of input.calibrationFiles) {
    const s = f.summary;
    if (s === null) continue;
    const targets = isObj(s.targets) ? s.targets : {};
    const pass = isObj(s.pass) ? s.pass : {};
    for (const [group, v] of Object.entries(s)) {
      if (!isObj(v) || !isObj(v.overall) || typeof v.overall.mape !== 'number') continue;
      const o = v.overall as Obj;
      const pc = (x: unknown, signed = false) => cell(typeof x === 'number' ? `${signed && x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%` : '–', true);
      const target = targets[`${group}_mape`];
      const verdict = pass[group];
      const verdictCell = verdict === true ? '<td class="pass">PASS</td>' : verdict === false ? '<td class="fail">FAIL</td>' : cell(typeof target === 'number' ? 'no held-out points' : 'reported, no target');
      rows.push(`<tr>${cell(f.file)}${cell(group.replace(/_/g, ' '))}${cell(typeof o.count === 'number' ? String(o.count) : '–', true)}${pc(o.mape)}${pc(o.p90_ape)}${pc(o.worst_ape)}${pc(o.mean_signed_error, true)}${typeof target === 'number' ? cell(`≤ ${(target * 100).toFixed(0)}%`, true) : cell('–', true)}${verdictCell}</tr>`);
    }
  }
  if (rows.length === 0) return '';
  const head = ['file', 'held-out group', 'points', 'MAPE', 'p90 |error|', 'worst |error|', 'mean signed (+: priced slow)', 'target (MAPE)', 'verdict'].map((t) => `<th>${escapeHtml(t)}</th>`).join('');
  return `<h3>Calibration against its targets</h3><div class="scroll"><table id="calibration-verdicts"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
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
