import type { GemmKernelShape, GemmKernelTable, HardwareSpec } from '../sim/hardware/hardware-spec.js';
import { clusterSms } from '../sim/hardware/partition.js';
import { inputError } from '../sim/core/input-error.js';
import type { MeasurementSet, OpRecord } from './measurement.js';

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
  /** GEMM records with kernel names read, and those whose cluster could not be read (left out). */
  readonly records: number;
  readonly unreadable: readonly string[];
  /** (shape, rows) whose cluster size differed between SM counts: the whole-GPU choice is kept. */
  readonly inconsistent: readonly string[];
  /** Per cluster size: median time on S over time on S − remainder, over partitions holding the remainder. */
  readonly remainderRatios: readonly { readonly ctas: number; readonly median: number; readonly count: number }[];
  /** Where remainderMaxCtas came from. */
  readonly maxCtasFrom: 'measured' | 'given';
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

export function deriveGemmKernels(hw: HardwareSpec, data: MeasurementSet, givenMaxCtas?: number): GemmKernelDerivation {
  const gemms = data.records.filter((r): r is OpRecord => r.kind === 'op' && r.shape.op === 'gemm' && r.kernels !== null && r.kernels !== undefined);
  const where = data.files[0]?.path ?? '<data>';
  if (gemms.length === 0) {
    throw inputError('calib.no-kernel-names', where, 1, 'kernels', 'no GEMM record carries kernel names: measure with the reference runner\'s --kernel-names (the gemm-rows plan)');
  }
  const unreadable: string[] = [];
  // (dIn, dOut) → n → sms → ctas, and (dIn, dOut, n, sms) → µs.
  const ctasAt = new Map<string, Map<number, Map<number, number>>>();
  const us = new Map<string, number>();
  const tileAt = new Map<string, [number, number] | null>();
  for (const r of gemms) {
    const shape = r.shape as { dIn: number; dOut: number; n: number };
    const ctas = recordCtas(r);
    if (ctas === null) {
      unreadable.push(r.id);
      continue;
    }
    const key = `${shape.dIn}x${shape.dOut}`;
    let byN = ctasAt.get(key);
    if (!byN) ctasAt.set(key, (byN = new Map()));
    let bySms = byN.get(shape.n);
    if (!bySms) byN.set(shape.n, (bySms = new Map()));
    bySms.set(r.smCount, ctas);
    us.set(`${key}/${shape.n}/${r.smCount}`, r.medianUs);
    tileAt.set(`${key}/${shape.n}/${r.smCount}`, recordTile(r));
  }
  if (ctasAt.size === 0) {
    throw inputError('calib.no-kernel-names', where, 1, 'kernels', `none of the ${gemms.length} GEMM records names a kernel with a readable cluster size`);
  }

  // Which cluster sizes used the remainder's SMs: time on S against time on the whole groups alone.
  const ratios = new Map<number, number[]>();
  for (const [key, byN] of ctasAt) {
    for (const [n, bySms] of byN) {
      for (const [sms, ctas] of bySms) {
        const groups = clusterSms(hw, sms);
        if (groups === sms || groups <= 0) continue;
        const alone = us.get(`${key}/${n}/${groups}`);
        const here = us.get(`${key}/${n}/${sms}`);
        if (alone === undefined || here === undefined || !(alone > 0)) continue;
        let list = ratios.get(ctas);
        if (!list) ratios.set(ctas, (list = []));
        list.push(here / alone);
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

  // Rows every shape was measured at; the choice at the largest SM count measured (the library picks its
  // kernel as for the whole GPU, so it should not differ by partition: differences are reported).
  const keys = [...ctasAt.keys()].sort(compareShapeKeys);
  const rowSets = keys.map((k) => new Set((ctasAt.get(k) as Map<number, unknown>).keys()));
  const rows = [...rowSets[0]].filter((n) => rowSets.every((s) => s.has(n))).sort((a, b) => a - b);
  const inconsistent: string[] = [];
  const shapes: GemmKernelShape[] = keys.map((key) => {
    const [dIn, dOut] = key.split('x').map(Number);
    const byN = ctasAt.get(key) as Map<number, Map<number, number>>;
    const widest = (n: number): number => Math.max(...(byN.get(n) as Map<number, number>).keys());
    const clusteredRows = rows.filter((n) => {
      const bySms = byN.get(n) as Map<number, number>;
      const sizes = new Set(bySms.values());
      if (sizes.size > 1) inconsistent.push(`${key} at ${n} rows (${[...bySms].map(([s, c]) => `${s} SMs: ${c}`).join(', ')})`);
      return (bySms.get(widest(n)) as number) > maxCtas;
    });
    // The tile of the kernel on the widest partition measured, at every recorded count, or none for the shape.
    const tiles = rows.map((n) => tileAt.get(`${key}/${n}/${widest(n)}`) ?? null);
    return tiles.every((t) => t !== null) ? { dIn, dOut, clusteredRows, tiles: tiles as [number, number][] } : { dIn, dOut, clusteredRows };
  });
  const m = data.meta;
  const source = `${data.files.map((f) => f.path).join(', ')}: ${m.gpu}, driver ${m.driver}, CUDA ${m.cudaRuntime}, ${m.date} (${m.backend})`;
  return { table: { source, remainderMaxCtas: maxCtas, rows, shapes }, records: gemms.length, unreadable, inconsistent, remainderRatios, maxCtasFrom };
}

function compareShapeKeys(a: string, b: string): number {
  const [ai, ao] = a.split('x').map(Number);
  const [bi, bo] = b.split('x').map(Number);
  return ai - bi || ao - bo;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Human-readable summary (the CLI prints it; the JSON carries the same fields). */
export function formatGemmKernels(d: GemmKernelDerivation): string {
  const t = d.table;
  const clustered = t.shapes.reduce((s, sh) => s + sh.clusteredRows.length, 0);
  const lines = [
    `GEMM kernels: ${d.records} records; ${t.shapes.length} shapes × ${t.rows.length} token counts (${t.rows[0]}–${t.rows[t.rows.length - 1]})`,
    `Time on a partition holding the remainder ÷ time on its whole groups alone, by cluster size:`,
    ...d.remainderRatios.map((x) => `  ${x.ctas} CTA${x.ctas === 1 ? '' : 's'}: median ${x.median.toFixed(3)} (n=${x.count})`),
    `The remainder hosts clusters of up to ${t.remainderMaxCtas} CTAs (${d.maxCtasFrom}); ${clustered} of ${t.shapes.length * t.rows.length} (shape, rows) run larger ones:`,
    ...t.shapes.map((sh) => `  ${sh.dIn} x ${sh.dOut}: ${sh.clusteredRows.length === 0 ? 'none' : sh.clusteredRows.join(', ')}`),
    `Output tiles (dOut columns x token rows) at ${t.rows.join(', ')} rows:`,
    ...t.shapes.map((sh) => `  ${sh.dIn} x ${sh.dOut}: ${sh.tiles ? sh.tiles.map(([c, r]) => `${c}x${r}`).join(' ') : 'not in the kernel names'}`),
  ];
  if (d.unreadable.length > 0) lines.push(`Left out, no cluster in the kernel names: ${d.unreadable.length} (${d.unreadable.slice(0, 5).join(', ')}${d.unreadable.length > 5 ? ', …' : ''})`);
  if (d.inconsistent.length > 0) lines.push(`Kernel differed between SM counts (whole-GPU choice kept): ${d.inconsistent.length} (${d.inconsistent.slice(0, 3).join('; ')}${d.inconsistent.length > 3 ? '; …' : ''})`);
  return lines.join('\n');
}
