import type { GemmKernelShape, GemmKernelTable, HardwareSpec, PartitionSide } from '../sim/hardware/hardware-spec.js';
import { clusterSms } from '../sim/hardware/partition.js';
import { inputError } from '../sim/core/input-error.js';
import type { MeasurementSet, OpRecord } from './measurement.js';
import { describe } from './combine-runs.js';
import { median } from './error-stats.js';
import { RUNNER_DTYPE_BYTES } from './op-work.js';
import { roundSig } from './fit-efficiency.js';
import { gemmAloneUs } from '../sim/latency/roofline.js';
import { NARROW_GEMM_ROWS } from '../sim/latency/gemm-kernels.js';

/**
 * Reads cuBLAS's kernel choice out of GEMM records that carry kernel names (the gemm-rows plan run with
 * `--kernel-names`) into a GemmKernelTable: per linear shape, the token counts at which its kernel's
 * thread-block cluster was larger than the GPC remainder can host. Pure: records in, table and a summary out.
 *
 * The cluster size and the output tile are read from the kernel name. cuBLAS's Hopper kernels are named
 * `nvjet_sm90_tst_<tile M>x<tile N>_<tile K>x<stages>_<cluster X>x<cluster Y>_<v|h>_…`; CUTLASS-style names
 * say `cluster<X>x<Y>[x<Z>]`. Helper kernels a call also launches (memset, split-K reduction) carry no cluster
 * and are skipped; a record whose kernels show no cluster at all is counted as unreadable and left out.
 *
 * How large a cluster the remainder hosts is measured from the same records where they allow it: a kernel
 * whose cluster fits runs on all S SMs of a partition holding the remainder, one whose cluster does not runs
 * in the time it takes on the S − remainder SMs of the whole groups (calibrate/data/h200-2026-12-05-gemm-rows:
 * 2-CTA clusters 0.44–0.67 of that time on 20–36 SMs, 4- and 8-CTA clusters 0.99–1.00).
 */
export interface GemmKernelDerivation {
  readonly table: GemmKernelTable;
  /** The side of the groups the run's partitions took (its meta `partition.side`; the table's remainderSmsDrawn is for it). */
  readonly side: PartitionSide;
  /** GEMM records with kernel names read, and those whose cluster could not be read (left out). */
  readonly records: number;
  readonly unreadable: readonly string[];
  /** (shape, rows) whose cluster size differed between SM counts: the whole-GPU choice is kept. */
  readonly inconsistent: readonly string[];
  /** Per cluster size: median time on S over time on S − remainder, over partitions holding the remainder. */
  readonly remainderRatios: readonly { readonly ctas: number; readonly median: number; readonly count: number }[];
  /** Where remainderMaxCtas came from. */
  readonly maxCtasFrom: 'measured' | 'given';
  /**
   * Narrow GEMMs (≤ NARROW_GEMM_ROWS tokens, memory-bound) whose clusters the remainder hosts, per partition holding
   * it: how many (shape, rows) were placed and the median SMs of the whole-group partitions their time matches.
   * It depends on which groups hold the remainder: on the H100 the first groups give 13.8 / 23.2 / 28.9 SMs at
   * 20 / 28 / 36 (h100-2026-12-05-gemm-rows, the side forwards alone are measured on), the last groups 19.7 / 27.5 /
   * 32.7 (h100-2026-12-05-gemm-rows-last, the side DuetServe's decode lane runs on). The table records it per side as
   * the remainder SMs drawn (GemmKernelTable.remainderSmsDrawn: median − whole-group SMs).
   */
  readonly narrowOnRemainder: readonly { readonly sms: number; readonly groups: number; readonly count: number; readonly medianEffectiveSms: number }[];
}

/** A cluster whose median time ratio (on S over on S − remainder) is below this used the remainder's SMs. */
const USED_REMAINDER_RATIO = 0.95;


/** CTAs per cluster named by a kernel, or null for a name that carries none (helpers, other libraries). */
export function clusterCtasOf(name: string): number | null {
  const nvjet = /^nvjet_sm\d+\w*?_\d+x\d+_\d+x\d+_(\d+)x(\d+)_[vh]_/.exec(name);
  if (nvjet) return Number(nvjet[1]) * Number(nvjet[2]);
  const cutlass = /cluster(\d+)x(\d+)(?:x(\d+))?/.exec(name);
  if (cutlass) return Number(cutlass[1]) * Number(cutlass[2]) * (cutlass[3] ? Number(cutlass[3]) : 1);
  return null;
}

/** The output tile [dOut columns, token rows] a cuBLAS Hopper kernel's name gives, or null. */
export function tileOf(name: string): [number, number] | null {
  const m = /^nvjet_sm\d+\w*?_(\d+)x(\d+)_\d+x\d+_\d+x\d+_[vh]_/.exec(name);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** One GEMM call as the derivation keeps it: its largest cluster, its median time and its tile. */
interface Point {
  readonly ctas: number;
  readonly us: number;
  readonly tile: [number, number] | null;
}

/** The first GEMM tile among a call's kernels. */
function recordTile(r: OpRecord): [number, number] | null {
  for (const k of r.kernels ?? []) {
    const t = tileOf(k);
    if (t) return t;
  }
  return null;
}

/** The largest cluster among a call's kernels (a split-K GEMM launches its GEMM and a reduction). */
function recordCtas(r: OpRecord): number | null {
  let ctas: number | null = null;
  for (const k of r.kernels ?? []) {
    const c = clusterCtasOf(k);
    if (c !== null) ctas = Math.max(ctas ?? 0, c);
  }
  return ctas;
}

/**
 * The derivation from one set of gemm-rows records (one run, or several combined by combineRuns, whose `source` then
 * names each run: `runsSource`). See GemmKernelDerivation.
 */
export function deriveGemmKernels(hw: HardwareSpec, data: MeasurementSet, givenMaxCtas?: number, runsSource?: string): GemmKernelDerivation {
  const gemms = data.records.filter((r): r is OpRecord => r.kind === 'op' && r.shape.op === 'gemm' && r.kernels !== null && r.kernels !== undefined);
  const where = data.files[0]?.path ?? '<data>';
  if (gemms.length === 0) {
    throw inputError('calib.no-kernel-names', where, 1, 'kernels', 'no GEMM record carries kernel names: measure with the reference runner\'s --kernel-names (the gemm-rows plan)');
  }
  const unreadable: string[] = [];
  // Per shape: token count → SM count → what the call ran and how long it took.
  const byShape = new Map<string, { readonly dIn: number; readonly dOut: number; readonly byN: Map<number, Map<number, Point>> }>();
  for (const r of gemms) {
    const shape = r.shape as { dIn: number; dOut: number; n: number };
    const ctas = recordCtas(r);
    if (ctas === null) {
      unreadable.push(r.id);
      continue;
    }
    const key = `${shape.dIn}x${shape.dOut}`;
    let entry = byShape.get(key);
    if (!entry) byShape.set(key, (entry = { dIn: shape.dIn, dOut: shape.dOut, byN: new Map() }));
    let bySms = entry.byN.get(shape.n);
    if (!bySms) entry.byN.set(shape.n, (bySms = new Map()));
    bySms.set(r.smCount, { ctas, us: r.medianUs, tile: recordTile(r) });
  }
  if (byShape.size === 0) {
    throw inputError('calib.no-kernel-names', where, 1, 'kernels', `none of the ${gemms.length} GEMM records names a kernel with a readable cluster size`);
  }

  // Which cluster sizes used the remainder's SMs: time on S against time on the whole groups alone.
  const ratios = new Map<number, number[]>();
  for (const { byN } of byShape.values()) {
    for (const bySms of byN.values()) {
      for (const [sms, here] of bySms) {
        const groups = clusterSms(hw, sms);
        if (groups === sms || groups <= 0) continue;
        const alone = bySms.get(groups);
        if (alone === undefined || !(alone.us > 0)) continue;
        let list = ratios.get(here.ctas);
        if (!list) ratios.set(here.ctas, (list = []));
        list.push(here.us / alone.us);
      }
    }
  }
  const remainderRatios = [...ratios.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ctas, list]) => ({ ctas, median: median(list), count: list.length }));
  let maxCtas: number;
  let maxCtasFrom: 'measured' | 'given';
  if (givenMaxCtas !== undefined) {
    maxCtas = givenMaxCtas;
    maxCtasFrom = 'given';
  } else {
    const fit = remainderRatios.filter((x) => x.median < USED_REMAINDER_RATIO).map((x) => x.ctas);
    const over = remainderRatios.filter((x) => x.median >= USED_REMAINDER_RATIO).map((x) => x.ctas);
    if (fit.length === 0 || over.length === 0 || Math.max(...fit) > Math.min(...over)) {
      throw inputError(
        'calib.remainder-clusters',
        where,
        1,
        'kernels',
        remainderRatios.length === 0
          ? 'the data has no GEMM timed both on a partition holding the remainder and on its whole groups alone (e.g. 20 and 8 SMs); give the largest cluster the remainder hosts (--remainder-max-ctas)'
          : `the time ratios per cluster size (${remainderRatios.map((x) => `${x.ctas} CTAs ${x.median.toFixed(2)}`).join(', ')}) do not separate clusters that use the remainder from those that cannot; give --remainder-max-ctas`,
      );
    }
    maxCtas = Math.max(...fit);
    maxCtasFrom = 'measured';
  }

  const narrow = narrowOnRemainder(hw, byShape, maxCtas);

  // Rows every shape was measured at; the choice at the largest SM count measured (the library picks its
  // kernel as for the whole GPU, so it should not differ by partition: differences are reported).
  const entries = [...byShape.entries()].sort(([, a], [, b]) => a.dIn - b.dIn || a.dOut - b.dOut);
  const rowSets = entries.map(([, e]) => new Set(e.byN.keys()));
  const rows = [...rowSets[0]].filter((n) => rowSets.every((s) => s.has(n))).sort((a, b) => a - b);
  const inconsistent: string[] = [];
  const shapes: GemmKernelShape[] = entries.map(([key, { dIn, dOut, byN }]) => {
    // The call on the widest partition measured at each recorded count.
    const widest = rows.map((n) => {
      const bySms = byN.get(n) as Map<number, Point>;
      if (new Set([...bySms.values()].map((p) => p.ctas)).size > 1) inconsistent.push(`${key} at ${n} rows (${[...bySms].map(([s, p]) => `${s} SMs: ${p.ctas}`).join(', ')})`);
      return bySms.get(Math.max(...bySms.keys())) as Point;
    });
    const clusteredRows = rows.filter((_, i) => widest[i].ctas > maxCtas);
    // Its tile at every recorded count, or none for the shape.
    const tiles = widest.map((p) => p.tile);
    return tiles.every((t) => t !== null) ? { dIn, dOut, clusteredRows, tiles: tiles as [number, number][] } : { dIn, dOut, clusteredRows };
  });
  const side = data.meta.partition.side ?? 'first';
  // Several runs (combineRuns) name each with its own date; one run as it always has.
  const source = runsSource ?? `${data.files.map((f) => f.path).join(', ')}: ${describe(data)}`;
  const drawn = narrow.map((x) => ({ smCount: x.sms, value: remainderSmsDrawn(x) }));
  const table: GemmKernelTable = { source, remainderMaxCtas: maxCtas, rows, shapes, ...(drawn.length > 0 ? { remainderSmsDrawn: { [side]: drawn } } : {}) };
  return { table, side, records: gemms.length, unreadable, inconsistent, remainderRatios, maxCtasFrom, narrowOnRemainder: narrow };
}

/**
 * The table of `base` with the remainder SMs another run drew from its side (GemmKernelTable.remainderSmsDrawn): the
 * gemm-rows plan run on the last groups beside the one run on the first. Only the drawn SMs are taken from `other`;
 * cuBLAS's cluster choices and tiles are the same on both sides (h100-2026-12-05-gemm-rows-last; not checked here) and stay `base`'s.
 * Refused when both runs are of one side or of different GPUs.
 */
export function withOtherSide(base: GemmKernelDerivation, baseData: MeasurementSet, other: GemmKernelDerivation, otherData: MeasurementSet): GemmKernelTable {
  checkOtherSide('--gemm-kernels', baseData, base.side, otherData, other.side);
  const points = other.table.remainderSmsDrawn?.[other.side];
  if (!points) return base.table;
  return {
    ...base.table,
    source: `${base.table.source}; ${other.side} side: ${other.table.source}`,
    remainderSmsDrawn: { ...base.table.remainderSmsDrawn, [other.side]: points },
  };
}

/**
 * A run meant to add the other side of the groups to one derived from `baseData` (`flag`'s data): refused, located at the
 * second run, when it was measured on another GPU or took the same side.
 */
export function checkOtherSide(flag: string, baseData: MeasurementSet, baseSide: PartitionSide, otherData: MeasurementSet, otherSide: PartitionSide): void {
  const where = otherData.files[0]?.path ?? '<data>';
  if (otherData.meta.gpu !== baseData.meta.gpu || otherData.meta.smCount !== baseData.meta.smCount) {
    throw inputError('calib.mixed-gpus', where, 1, 'gpu', `measured on '${otherData.meta.gpu}' but the first ${flag} data on '${baseData.meta.gpu}'; one GPU's runs only`);
  }
  if (otherSide === baseSide) {
    throw inputError('calib.same-side', where, 1, 'partition.side', `both ${flag} runs took the ${baseSide} groups; a second run adds the other side (torch_runner.py --partition-side)`);
  }
}

/** The remainder SMs a narrowOnRemainder entry leaves drawn: its whole-group-equivalent SMs less the whole groups' (GemmKernelTable.remainderSmsDrawn). */
function remainderSmsDrawn(x: GemmKernelDerivation['narrowOnRemainder'][number]): number {
  return roundSig(Math.max(0, x.medianEffectiveSms - x.groups), 3);
}

/**
 * GemmKernelDerivation.narrowOnRemainder: each narrow GEMM (≤ NARROW_GEMM_ROWS tokens) whose cluster the remainder hosts,
 * timed on a partition holding the remainder, placed among its own times on whole-group partitions (placeAmong).
 */
function narrowOnRemainder(
  hw: HardwareSpec,
  byShape: ReadonlyMap<string, { readonly byN: ReadonlyMap<number, ReadonlyMap<number, Point>> }>,
  maxCtas: number,
): GemmKernelDerivation['narrowOnRemainder'] {
  const effective = new Map<number, number[]>();
  for (const { byN } of byShape.values()) {
    for (const [n, bySms] of byN) {
      if (n > NARROW_GEMM_ROWS) continue;
      // Whole-group partitions below the whole GPU, ascending: where the kernel had every SM it could use.
      const whole = [...bySms.keys()].filter((s) => s < hw.smCount && clusterSms(hw, s) === s).sort((a, b) => a - b);
      for (const [sms, here] of bySms) {
        const groups = clusterSms(hw, sms);
        if (groups === sms || groups <= 0 || here.ctas > maxCtas) continue;
        const eff = placeAmong(whole, (s) => (bySms.get(s) as Point).us, here.us);
        if (eff === null) continue;
        let list = effective.get(sms);
        if (!list) effective.set(sms, (list = []));
        list.push(eff);
      }
    }
  }
  return [...effective.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([sms, list]) => ({ sms, groups: clusterSms(hw, sms), count: list.length, medianEffectiveSms: roundSig(median(list), 3) }));
}

/**
 * The SM count at which a kernel timed at `sms` ascending partitions (time(s) each) takes `us`: interpolated in log
 * time and log SMs between the two partitions whose times bracket it; null when none do (faster than the largest or
 * slower than the smallest partition timed, or times that do not fall as SMs are added there).
 */
export function placeAmong(sms: readonly number[], time: (s: number) => number, us: number): number | null {
  for (let i = 0; i + 1 < sms.length; i++) {
    const a = time(sms[i]);
    const b = time(sms[i + 1]);
    if (!(a >= us && us >= b) || !(a > b)) continue;
    const t = (Math.log(a) - Math.log(us)) / (Math.log(a) - Math.log(b));
    return Math.exp(Math.log(sms[i]) + t * (Math.log(sms[i + 1]) - Math.log(sms[i])));
  }
  return null;
}


/** Human-readable summary (the CLI prints it; the JSON carries the same fields). */
export function formatGemmKernels(d: GemmKernelDerivation): string {
  const t = d.table;
  const clustered = t.shapes.reduce((s, sh) => s + sh.clusteredRows.length, 0);
  const lines = [
    `GEMM kernels: ${d.records} records; ${t.shapes.length} shapes × ${t.rows.length} token counts (${t.rows[0]}–${t.rows[t.rows.length - 1]})`,
    `Time on a partition holding the remainder ÷ time on its whole groups alone, by cluster size:`,
    ...d.remainderRatios.map((x) => `  ${x.ctas} CTA${x.ctas === 1 ? '' : 's'}: median ${x.median.toFixed(3)} (n=${x.count})`),
    `Narrow GEMMs (≤ ${NARROW_GEMM_ROWS} tokens, memory-bound) with clusters the remainder hosts, on a partition holding it (the ${d.side} groups), time like whole groups of:`,
    ...(d.narrowOnRemainder.length === 0
      ? ['  (none timed on both)']
      : d.narrowOnRemainder.map((x) => `  ${x.sms} SMs (${x.groups} in whole groups): median ${x.medianEffectiveSms} SMs (n=${x.count}); the remainder SMs drawn: ${remainderSmsDrawn(x)}`)),
    `The remainder hosts clusters of up to ${t.remainderMaxCtas} CTAs (${d.maxCtasFrom}); ${clustered} of ${t.shapes.length * t.rows.length} (shape, rows) run larger ones:`,
    ...t.shapes.map((sh) => `  ${sh.dIn} x ${sh.dOut}: ${sh.clusteredRows.length === 0 ? 'none' : sh.clusteredRows.join(', ')}`),
    `Output tiles (dOut columns x token rows) at ${t.rows.join(', ')} rows:`,
    ...t.shapes.map((sh) => `  ${sh.dIn} x ${sh.dOut}: ${sh.tiles ? sh.tiles.map(([c, r]) => `${c}x${r}`).join(' ') : 'not in the kernel names'}`),
  ];
  if (d.unreadable.length > 0) lines.push(`Left out, no cluster in the kernel names: ${d.unreadable.length} (${d.unreadable.slice(0, 5).join(', ')}${d.unreadable.length > 5 ? ', …' : ''})`);
  if (d.inconsistent.length > 0) lines.push(`Kernel differed between SM counts (whole-GPU choice kept): ${d.inconsistent.length} (${d.inconsistent.slice(0, 3).join('; ')}${d.inconsistent.length > 3 ? '; …' : ''})`);
  return lines.join('\n');
}

/**
 * Fewest tokens whose GEMMs get recorded time factors; below, a GEMM keeps the roofline's time (factor 1).
 * Up to 128 tokens a GEMM is one narrow-M tile and memory-bound: its time is the weights over W(S), which
 * the fit rescales per SM count on the decode forwards (PerfSpec.bandwidthScale), so per-shape factors there
 * count the same thing twice. Measured on the H100 (held out): decode-only forwards 3.9% MAPE from 129 tokens,
 * 6.1% with factors at every count; mixed 3.0% and 3.1%.
 */
export const GEMM_TIMES_FROM_ROWS = 129;

/**
 * GemmKernelShape.timeScale for every shape of `table` that `records` time: per recorded token count, the
 * median over SM counts of measured ÷ the model's time for that one GEMM (gemmAloneUs on `hw`, the model fitted
 * so far), divided by the median of those medians over all shapes and counts, so the fitted GEMM efficiency
 * keeps the level and the table keeps the pattern (which (shape, tokens) cuBLAS serves worse or better than
 * its neighbours). Counts below GEMM_TIMES_FROM_ROWS get 1; the remainder alone (where the clustered kernels
 * fail) is left out. Pure.
 */
export function recordGemmTimeScales(hw: HardwareSpec, table: GemmKernelTable, records: readonly OpRecord[]): GemmKernelTable {
  // The model's own time, without any factors recorded before.
  const bare = withoutTimeScales(table);
  const hw0: HardwareSpec = { ...hw, perf: { ...hw.perf, gemmKernels: bare } };
  const rowIndex = new Map(table.rows.map((n, i) => [n, i] as const));
  const logs = new Map<string, number[][]>();
  for (const sh of table.shapes) logs.set(`${sh.dIn}x${sh.dOut}`, table.rows.map(() => []));
  for (const r of records) {
    if (r.shape.op !== 'gemm' || !(r.medianUs > 0) || clusterSms(hw, r.smCount) <= 0) continue;
    const byRow = logs.get(`${r.shape.dIn}x${r.shape.dOut}`);
    const i = rowIndex.get(r.shape.n);
    if (!byRow || i === undefined || r.shape.n < GEMM_TIMES_FROM_ROWS) continue;
    byRow[i].push(Math.log(r.medianUs / gemmAloneUs(hw0, r.shape.n, r.shape.dIn, r.shape.dOut, RUNNER_DTYPE_BYTES, r.smCount)));
  }
  const typical = new Map<string, (number | null)[]>();
  const all: number[] = [];
  for (const [key, byRow] of logs) {
    const t = byRow.map((l) => (l.length > 0 ? median(l) : null));
    if (t.every((x) => x === null)) continue;
    typical.set(key, t);
    for (const x of t) if (x !== null) all.push(x);
  }
  if (all.length === 0) return bare;
  const level = median(all);
  return {
    ...bare,
    shapes: bare.shapes.map((sh) => {
      const t = typical.get(`${sh.dIn}x${sh.dOut}`);
      if (!t) return sh;
      // A count no SM count timed (none is, in a complete gemm-rows run) takes its shape's level.
      const timeScale = t.map((x) => Math.min(4, Math.max(0.25, roundSig(Math.exp((x ?? level) - level), 3))));
      return { ...sh, timeScale };
    }),
  };
}

/** The GEMM timings among a measurement set's records (a gemm-rows run): what recordGemmTimeScales reads. */
export function gemmOpRecords(data: MeasurementSet): OpRecord[] {
  return data.records.filter((r): r is OpRecord => r.kind === 'op' && r.shape.op === 'gemm');
}

/** The table without GemmKernelShape.timeScale: the roofline's own GEMM times. */
export function withoutTimeScales(table: GemmKernelTable): GemmKernelTable {
  if (!table.shapes.some((sh) => sh.timeScale)) return table;
  return { ...table, shapes: table.shapes.map(({ timeScale: _, ...sh }) => sh) };
}
