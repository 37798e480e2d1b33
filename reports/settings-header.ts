import { escapeHtml } from './escape.js';
import { formatRate } from './format-rate.js';
import type { ReportInput } from './report-input.js';

/** One line of the settings header: what was set, and its value per column (a run, a study, a calibration file). */
export interface SettingRow {
  readonly setting: string;
  readonly values: readonly string[];
}

/** The settings header: one column per run, study and calibration file. Also embedded in the page's data. */
export interface Settings {
  readonly columns: readonly string[];
  readonly rows: readonly SettingRow[];
}

type Obj = Readonly<Record<string, unknown>>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (v === null || v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * What one scenario ran, by setting, from a results file's `config` (the resolved scenario) and its
 * `config.resolved` (what loading it found: measured arrival rate, calibration provenance, version).
 * Cluster runs name their cluster and groups instead of the scenario's unused model/hardware/policy.
 */
export function scenarioSettings(config: Obj): Map<string, string> {
  const r = isObj(config.resolved) ? config.resolved : {};
  const m = new Map<string, string>();
  const cluster = isObj(r.cluster) ? r.cluster : null;
  if (cluster !== null || (typeof config.cluster === 'string' && config.cluster !== '')) {
    const instances = Array.isArray(r.instances) ? r.instances.filter(isObj) : [];
    const groups = new Map<string, { count: number; text: string }>();
    for (const i of instances) {
      const g = groups.get(str(i.group));
      if (g) g.count++;
      else groups.set(str(i.group), { count: 1, text: `${str(i.role)} on ${str(i.model)} / ${str(i.hardware)}, tp ${str(i.tp)}, ${str(i.policy)}` });
    }
    m.set('cluster', `${str(cluster?.name ?? config.cluster)} (${str(config.cluster)}): ${str(cluster?.gpus)} GPUs, router ${str(cluster?.router)}`);
    m.set('groups', [...groups].map(([name, g]) => `${name}: ${g.count} × ${g.text}`).join('; ') || '–');
  } else {
    m.set('model', str(config.model));
    m.set('GPU', `${str(config.hardware)}${typeof r.sm_count === 'number' ? `, ${r.sm_count} SMs` : ''}`);
    m.set('policy', str(config.policy));
  }
  m.set('GPU latency model', `${config.useCalibration === false ? 'datasheet numbers (calibration off)' : 'calibrated where the hardware file has a calibration'}; ${str(r.hardware_perf)}`);
  const params = isObj(config.policyParams) ? Object.entries(config.policyParams) : [];
  m.set('policy parameters', params.length > 0 ? params.map(([k, v]) => `${k}=${str(v)}`).join(', ') : 'defaults');
  const window = [
    typeof config.startS === 'number' && config.startS > 0 ? `from ${config.startS} s` : 'from the start',
    typeof config.durationS === 'number' ? `${config.durationS} s of the trace` : 'to the end',
    typeof config.limit === 'number' ? `first ${config.limit} requests` : null,
  ].filter((x) => x !== null);
  m.set('trace and window', `${str(config.trace)}, ${window.join(', ')}${typeof r.requests === 'number' ? `: ${r.requests} requests` : ''}`);
  const measured = typeof r.arrival_rate_qps === 'number' ? `${formatRate(r.arrival_rate_qps)} req/s measured` : 'not recorded';
  m.set('arrival rate', `${measured} (asked for: ${typeof config.rateQps === 'number' ? `${formatRate(config.rateQps)} req/s` : "the trace's own"})`);
  m.set('SLO targets', sloText(config));
  const e = isObj(config.engine) ? config.engine : {};
  m.set('engine', `max ${str(e.maxNumSeqs)} sequences, ${str(e.maxBatchTokens)} tokens a batch, ${str(e.blockTokens)}-token KV blocks, ${str(e.gpuMemoryUtilization)} of GPU memory${e.prefixCaching === true ? ', prefix caching' : ''}`);
  m.set('seed', str(config.seed));
  m.set('duetsim version', str(r.duetsim_version ?? 'not recorded'));
  return m;
}

/**
 * Where a run's step times came from: the latency model (replay), or a GPU driven live (`serve-gpu`, whose
 * results carry a `live` block, calibrate/live/live-summary.ts) — with what it measured of the host and of
 * the model, and whether it was cut short.
 */
export function liveSettings(live: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (!isObj(live)) {
    m.set('step times', 'simulated (latency model)');
    return m;
  }
  const d = isObj(live.device) ? live.device : {};
  const pct = (x: unknown) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : '–');
  const q = (o: unknown) => (isObj(o) && typeof o.p50 === 'number' ? `p50 ${o.p50.toFixed(0)} / p99 ${typeof o.p99 === 'number' ? o.p99.toFixed(0) : '–'} µs` : '–');
  const stopped = isObj(live.interrupted) ? `; STOPPED EARLY: ${str(live.interrupted.reason)} after ${str(live.interrupted.after_steps)} steps, ${str(live.interrupted.unfinished_requests)} requests unfinished` : '';
  m.set('step times', `measured live on ${str(d.gpu)} (${str(live.backend)}), ${str(live.steps)} steps, host time ${str(live.host_time)}, idle gaps ${live.idle === 'sleep' ? 'waited out in wall time' : 'skipped'}${stopped}`);
  const e = isObj(live.model_step_error) ? live.model_step_error : {};
  m.set('live: model vs measured', `latency model's step time off by median ${pct(e.median)}, p90 |error| ${pct(e.p90_abs)}; host per step: decision ${q(live.decision_us)}, preparation ${q(live.prepare_us)}; GPU waited for the host before ${pct(live.gpu_waited_share)} of back-to-back steps; SM-placement violations ${str(live.smid_violations)}`);
  return m;
}

function sloText(config: Obj): string {
  const ttft = typeof config.sloTtftMs === 'number' ? `TTFT ≤ ${config.sloTtftMs} ms` : 'no TTFT target';
  const def = config.tbtDefinition === 'every-gap' ? 'every gap of a request' : "a request's p99 gap";
  const tbt = typeof config.sloTbtMs === 'number' ? `TBT ≤ ${config.sloTbtMs} ms (judged on ${def})` : 'no TBT target';
  return `${ttft}; ${tbt}`;
}

/** Columns: each run; each study (settings every point shares, and what varies); each calibration file. */
export function reportSettings(input: ReportInput): Settings {
  const columns: string[] = [];
  const maps: Map<string, string>[] = [];
  for (const r of input.runs) {
    columns.push(`${r.label} (${r.file.split(/[\\/]/).pop() ?? r.file})`);
    const m = scenarioSettings(r.result.config);
    for (const [k, v] of liveSettings((r.result as unknown as Obj).live)) m.set(k, v);
    maps.push(m);
  }
  if (input.studyPoints.length > 0) {
    const per = input.studyPoints.map((p) => scenarioSettings({ ...p.spec, resolved: { arrival_rate_qps: p.arrivalRateQps } }));
    const merged = new Map<string, string>();
    for (const key of per[0]?.keys() ?? []) {
      const vals = [...new Set(per.map((m) => m.get(key) ?? '–'))];
      merged.set(key, vals.length === 1 ? (vals[0] as string) : `varies over ${vals.length} values: ${vals.slice(0, 4).join(' | ')}${vals.length > 4 ? ' | …' : ''}`);
    }
    const measured = input.studyPoints.map((p) => p.arrivalRateQps).filter((x): x is number => x !== null);
    if (measured.length > 0) merged.set('arrival rate', `${formatRate(Math.min(...measured))} to ${formatRate(Math.max(...measured))} req/s measured over ${input.studyPoints.length} points`);
    merged.set('duetsim version', 'not recorded in study lines');
    columns.push(`study ${input.title}`);
    maps.push(merged);
  }
  for (const c of input.calibrationFiles) {
    const s = c.summary ?? {};
    const m = new Map<string, string>();
    m.set('GPU', `${str(s.gpu)} (hardware file ${str(s.hardware)})`);
    m.set('GPU latency model', str(s.perf_provenance));
    m.set('held-out share', typeof s.held_out_share === 'number' ? `${(s.held_out_share * 100).toFixed(0)}% of the measurements were held out of the fit and are checked here` : '–');
    // `calibrate validate --blind-gemm-shapes`: the page says whose GEMM timings the judged table did not use.
    const blind = s.blind_gemm_shapes as { models?: unknown; dropped?: unknown } | undefined;
    if (blind && Array.isArray(blind.models)) {
      const dropped = Array.isArray(blind.dropped) && blind.dropped.length > 0 ? blind.dropped.map(str).join(', ') : 'none';
      m.set('judged blind to GEMM shapes of', `${blind.models.map(str).join(', ')} (${dropped} taken out of the kernel table: those models as known from their configs alone)`);
    }
    columns.push(`calibration ${c.file}`);
    maps.push(m);
  }
  const keys: string[] = [];
  for (const m of maps) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  return { columns, rows: keys.map((k) => ({ setting: k, values: maps.map((m) => m.get(k) ?? '') })) };
}

export function settingsHtml(s: Settings): string {
  if (s.columns.length === 0) return '';
  const head = `<thead><tr><th></th>${s.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
  const body = s.rows.map((r) => `<tr><th>${escapeHtml(r.setting)}</th>${r.values.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('');
  return `<div class="scroll"><table class="settings" id="settings">${head}<tbody>${body}</tbody></table></div>`;
}
