import { inputError } from '../sim/core/input-error.js';
import type { PartitionSide } from '../sim/hardware/hardware-spec.js';
import { median } from './error-stats.js';
import type { MeasurementSet, MeasurementRecord } from './measurement.js';

/**
 * Several runs of one plan family on one GPU, read as one set: the gemm-rows plan of the shipped models plus the
 * same plan on a user's own model (`calibrate plan --profile gemm-rows --model <theirs>`), which shares the shapes
 * the two architectures have in common. An experiment measured in more than one run keeps the first run's record:
 * the runs are measurements of one thing, and the first named is the one the table was built on, so adding a run
 * only adds shapes. How far the repeats landed from it is reported (on the H100, Llama-3.1-8B's run of 2026-12-07
 * repeats 696 of the 2026-12-05 run's GEMMs at 0.995 of their time by median, every one on the same kernel).
 * Runs must come from one GPU and one side of the SM groups (the table records one side's remainder draw); a run
 * that breaks either is refused, located at its first file. Pure: sets in, set and summary out.
 */
export interface CombinedRuns {
  /** The first run's meta; every run's files, in the order given; the records, first run's where ids repeat. */
  readonly data: MeasurementSet;
  /** One line per run: its files, GPU, driver, CUDA, date and side (a kernel table's `source`). */
  readonly source: string;
  readonly side: PartitionSide;
  /** Records of a later run whose id an earlier one already measured (left out), and how they compare. */
  readonly repeats: RepeatSummary;
}

export interface RepeatSummary {
  readonly count: number;
  /** Median of a repeat's median time over the kept record's; null without repeats. */
  readonly medianRatio: number | null;
  /** Repeats whose recorded kernel names differ from the kept record's (both recorded). */
  readonly otherKernels: number;
}

export function combineRuns(runs: readonly MeasurementSet[], flag: string): CombinedRuns {
  if (runs.length === 0) throw inputError('calib.no-data', '<command line>', 0, flag, 'give at least one measurement file or folder');
  const first = runs[0];
  const side = sideOf(first);
  const kept = new Map<string, MeasurementRecord>();
  const records: MeasurementRecord[] = [];
  const ratios: number[] = [];
  let otherKernels = 0;
  for (const run of runs) {
    const where = run.files[0]?.path ?? '<data>';
    if (run.meta.gpu !== first.meta.gpu || run.meta.smCount !== first.meta.smCount) {
      throw inputError('calib.mixed-gpus', where, 1, 'gpu', `measured on '${run.meta.gpu}' (${run.meta.smCount} SMs) but the first ${flag} run on '${first.meta.gpu}' (${first.meta.smCount} SMs); one GPU's runs only`);
    }
    if (sideOf(run) !== side) {
      throw inputError('calib.mixed-sides', where, 1, 'partition.side', `took the ${sideOf(run)} groups but the first ${flag} run the ${side}; runs of the other side go to ${flag}-other-side`);
    }
    for (const r of run.records) {
      const earlier = kept.get(r.id);
      if (earlier === undefined) {
        kept.set(r.id, r);
        records.push(r);
        continue;
      }
      const a0 = timeOf(earlier);
      const b0 = timeOf(r);
      if (a0 !== null && b0 !== null && a0 > 0 && b0 > 0) ratios.push(b0 / a0);
      const a = kernelsOf(earlier);
      const b = kernelsOf(r);
      if (a !== null && b !== null && a.join('\n') !== b.join('\n')) otherKernels += 1;
    }
  }
  const source = runs.map((run) => `${run.files.map((f) => f.path).join(', ')}: ${describe(run)}`).join('; ');
  return {
    data: { meta: first.meta, files: runs.flatMap((run) => run.files), records },
    source,
    side,
    repeats: { count: ratios.length, medianRatio: ratios.length > 0 ? median(ratios) : null, otherKernels },
  };
}

/** One run's provenance as a kernel table records it: GPU, driver, CUDA, date (backend, and the side when last). */
export function describe(run: MeasurementSet): string {
  const m = run.meta;
  return `${m.gpu}, driver ${m.driver}, CUDA ${m.cudaRuntime}, ${m.date} (${m.backend}${sideOf(run) === 'last' ? ', last groups' : ''})`;
}

/** The repeats in words for a progress line, or '' without repeats. */
export function formatRepeats(r: RepeatSummary): string {
  if (r.count === 0 || r.medianRatio === null) return '';
  const kernels = r.otherKernels === 0 ? 'every one on the same kernels' : `${r.otherKernels} on other kernels`;
  return `${r.count} experiments measured again by a later run (first run's kept; the repeats at ${r.medianRatio.toFixed(3)} of its time by median, ${kernels})`;
}

function sideOf(run: MeasurementSet): PartitionSide {
  return run.meta.partition.side ?? 'first';
}

/** A record's median time, or null for a concurrent pair (two lanes' times, compared by neither). */
function timeOf(r: MeasurementRecord): number | null {
  return 'medianUs' in r ? r.medianUs : null;
}

function kernelsOf(r: MeasurementRecord): readonly string[] | null {
  return r.kind === 'op' && r.kernels ? r.kernels : null;
}
