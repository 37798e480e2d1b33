import type { ClockRegimeRecord, ConcurrentRecord, MeasurementRecord, MeasurementSet } from './measurement.js';
import { median } from './error-stats.js';

/**
 * A tuning sweep read by a command: the same plan run twice by our executor on one GPU model, under two settings of
 * its DUET_* variables (the runner's meta line names them), each timing of the second run divided by the first's for
 * the same experiment id, summarised per operator class and SM count: the median and the shapes at either end. Kernel
 * rounds sweep a setting against the defaults in one device call (cuda/tools/device_kernels.sh); this is the
 * "time ÷ the defaults'" table their READMEs and BENCHMARKS.md report. Where `calibrate repeatability` asks how far a
 * rerun lands (unsigned), this asks which way a setting moves each class (signed ratio).
 */
export interface SettingRatioGroup {
  /** Operator class (`gemm`, `attn_prefill`, `attn_decode`, `elementwise`) or record kind (`ceiling_bandwidth`, `forward`, ...). */
  readonly op_class: string;
  readonly sm_count: number;
  readonly count: number;
  /** Of other ÷ base. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly min_id: string;
  readonly max_id: string;
}

export interface SettingRun {
  readonly files: readonly string[];
  readonly date: string;
  readonly settings: Readonly<Record<string, string>>;
}

export interface SettingComparison {
  readonly schema: 'duetsim.setting-compare/2';
  readonly gpu: string;
  readonly base: SettingRun;
  readonly other: SettingRun;
  /** By class (first seen in the base run), then SM count ascending; only what the filter kept. */
  readonly groups: readonly SettingRatioGroup[];
  /** Of the whole runs, whatever the filter: ids timed in one run only (a run cut short by its time limit, another plan). */
  readonly only_base: number;
  readonly only_other: number;
  /** Of the whole base run: records with two timings (concurrent pairs, clock regimes), which are not compared. */
  readonly not_compared: number;
  /** Ids in both runs that the filter kept but no ratio can come from: another record kind, or a median not above 0 in either run. */
  readonly skipped_ids: readonly string[];
}

/** What a refusal is about, so the command can name the flag at fault. */
export class SettingCompareError extends Error {
  constructor(
    readonly about: 'runs' | 'class' | 'ids',
    message: string,
  ) {
    super(message);
  }
}

type OneTiming = Exclude<MeasurementRecord, ConcurrentRecord | ClockRegimeRecord>;
const TWO_TIMINGS: readonly string[] = ['concurrent', 'clock_regime'];

/** Records with one median: ceilings, operators, forwards (pairs and clock regimes carry two timings each). */
function hasOneTiming(r: MeasurementRecord): r is OneTiming {
  return !TWO_TIMINGS.includes(r.kind);
}

/** The class a record is summarised under: the operator's class, else the record kind. */
function classOf(r: OneTiming): string {
  return r.kind === 'op' ? r.shape.op : r.kind;
}

/** Which records to compare: one class (`only`), and/or the experiment ids a pattern matches (`ids`, e.g. one shape). */
export interface SettingFilter {
  readonly only?: string;
  readonly ids?: RegExp;
}

/**
 * Throws a SettingCompareError when the runs come from different GPU models (a setting is compared on one card type)
 * or share no id ('runs'), when `only` names a class the base run did not time or one with two timings ('class'), and
 * when nothing the filter keeps gives a ratio ('ids' when a pattern was given, else 'class', else 'runs').
 */
export function compareSettings(base: MeasurementSet, other: MeasurementSet, filter: SettingFilter = {}): SettingComparison {
  const { only, ids } = filter;
  if (base.meta.gpu !== other.meta.gpu) {
    throw new SettingCompareError('runs', `the runs come from different GPUs (${base.meta.gpu} and ${other.meta.gpu}): a setting is compared on one GPU model`);
  }
  if (only !== undefined && TWO_TIMINGS.includes(only)) {
    throw new SettingCompareError('class', `'${only}' records carry two timings each and are not compared (calibrate repeatability reads them)`);
  }
  const otherById = new Map(other.records.map((r) => [r.id, r] as const));
  const byGroup = new Map<string, { op_class: string; sm_count: number; ratios: { id: string; ratio: number }[] }>();
  const classes = new Set<string>();
  const skipped: string[] = [];
  let shared = 0;
  let notCompared = 0;
  for (const a of base.records) {
    if (!hasOneTiming(a)) {
      notCompared += 1;
      continue;
    }
    const cls = classOf(a);
    classes.add(cls);
    const b = otherById.get(a.id);
    if (!b) continue;
    shared += 1;
    if ((only !== undefined && cls !== only) || (ids !== undefined && !ids.test(a.id))) continue;
    if (!hasOneTiming(b) || b.kind !== a.kind || !(a.medianUs > 0) || !(b.medianUs > 0)) {
      skipped.push(a.id);
      continue;
    }
    const key = `${cls}@${a.smCount}`;
    const g = byGroup.get(key) ?? { op_class: cls, sm_count: a.smCount, ratios: [] };
    g.ratios.push({ id: a.id, ratio: b.medianUs / a.medianUs });
    byGroup.set(key, g);
  }
  if (shared === 0) throw new SettingCompareError('runs', 'the two runs share no experiment id: were they measured from the same plan?');
  if (only !== undefined && !classes.has(only)) {
    throw new SettingCompareError('class', `no '${only}' records in the base run (classes there: ${[...classes].join(', ')})`);
  }
  if (byGroup.size === 0) {
    const what = `${only !== undefined ? ` of class '${only}'` : ''}${ids !== undefined ? ` with an id matching ${ids}` : ''}`;
    throw new SettingCompareError(ids !== undefined ? 'ids' : only !== undefined ? 'class' : 'runs', `no experiment both runs timed${what} has a positive median in both`);
  }
  const order = [...classes];
  const groups = [...byGroup.values()]
    .sort((x, y) => order.indexOf(x.op_class) - order.indexOf(y.op_class) || x.sm_count - y.sm_count)
    .map((g): SettingRatioGroup => {
      const lo = g.ratios.reduce((m, x) => (x.ratio < m.ratio ? x : m));
      const hi = g.ratios.reduce((m, x) => (x.ratio > m.ratio ? x : m));
      return { op_class: g.op_class, sm_count: g.sm_count, count: g.ratios.length, median: median(g.ratios.map((x) => x.ratio)), min: lo.ratio, max: hi.ratio, min_id: lo.id, max_id: hi.id };
    });
  const baseIds = new Set(base.records.map((r) => r.id));
  const run = (m: MeasurementSet): SettingRun => ({ files: m.files.map((f) => f.path), date: m.meta.date, settings: m.meta.settings });
  return {
    schema: 'duetsim.setting-compare/2',
    gpu: base.meta.gpu,
    base: run(base),
    other: run(other),
    groups,
    only_base: base.records.filter((r) => !otherById.has(r.id)).length,
    only_other: other.records.filter((r) => !baseIds.has(r.id)).length,
    not_compared: notCompared,
    skipped_ids: skipped,
  };
}

function settingsText(s: Readonly<Record<string, string>>): string {
  const keys = Object.keys(s);
  return keys.length === 0 ? 'no DUET_* settings' : keys.map((k) => `${k}=${s[k]}`).join(' ');
}

/** Markdown: one row per class, one column per SM count, each cell "median (min–max)" of other ÷ base. */
export function formatSettingComparison(c: SettingComparison): string {
  const sms = [...new Set(c.groups.map((g) => g.sm_count))].sort((a, b) => a - b);
  const classes = [...new Set(c.groups.map((g) => g.op_class))];
  const cell = (g: SettingRatioGroup | undefined): string => (g ? `${g.median.toFixed(3)} (${g.min.toFixed(2)}–${g.max.toFixed(2)})` : '–');
  const lines = [
    `Time ÷ the base run's, per experiment id, on ${c.gpu}: median (min–max) over each class's shapes on each partition`,
    `- base:  ${c.base.files.join(', ')} (${c.base.date}; ${settingsText(c.base.settings)})`,
    `- other: ${c.other.files.join(', ')} (${c.other.date}; ${settingsText(c.other.settings)})`,
    '',
    `| class | ${sms.map((s) => `${s} SMs`).join(' | ')} |`,
    `|---|${sms.map(() => '---:').join('|')}|`,
    ...classes.map((cls) => `| ${cls} | ${sms.map((s) => cell(c.groups.find((g) => g.op_class === cls && g.sm_count === s))).join(' | ')} |`),
    '',
    `Of the whole runs: timed in one run only ${c.only_base} in the base, ${c.only_other} in the other; not compared (two timings a record): ${c.not_compared}.`,
    ...(c.skipped_ids.length > 0
      ? [`Skipped (another record kind, or a median not above 0): ${c.skipped_ids.length}: ${c.skipped_ids.slice(0, 5).join(', ')}${c.skipped_ids.length > 5 ? ', …' : ''}.`]
      : []),
  ];
  return lines.join('\n') + '\n';
}
