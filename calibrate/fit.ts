import type { ClockRegimeSpec, CurvePoint, GemmKernelTable, HardwareSpec, OpClass, PerfSpec, RemainderOpsTable } from '../sim/hardware/hardware-spec.js';
import { isotonicNonDecreasing } from './isotonic.js';
import { curveAt } from '../sim/latency/curve.js';
import { OP_CLASSES } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import { inputError } from '../sim/core/input-error.js';
import type { ClockRegimeRecord, ConcurrentRecord, ForwardRecord, MeasurementSet, OpRecord } from './measurement.js';
import { clockRatio, predictIteration } from '../sim/latency/roofline.js';
import { recordGemmTimeScales, withoutTimeScales } from './gemm-kernels.js';
import { fitCurve } from './fit-curves.js';
import type { LmHeadShape } from './op-work.js';
import { clampAndRound, fitOperatorClasses, memoryEffBound, tieTails, withClassTails, opPoints, opTimeUs, perfFrom, refineJointly, refitDecodeMemory, roundSig, tieDecodeCompute, type Params } from './fit-efficiency.js';
import { fitContention, searchSharedContention, type ContentionFormScore } from './fit-contention.js';
import { fitSaturatingBandwidth, tabulate, type SaturatingBandwidth } from './fit-bandwidth.js';
import { fitClockRegime, usableClock } from './fit-clock.js';
import { idHash, splitClockRecords, splitRecords, type Split } from './split.js';
import { ape, formatPct, median, summarizeApes, type ErrorSummary } from './error-stats.js';
import { predictConcurrentDecodeUs, predictConcurrentPrefillUs, predictForwardUs } from './predict-record.js';

/**
 * Fits the roofline of sim/latency/roofline.ts to GPU measurements, in four stages:
 *  1. Π(S), W(S) from the ceiling records (fit-curves.ts);
 *  2. per operator class, compute and memory efficiency, and one kernel floor, by least squares of the
 *     log error on the single-operator records (relative error is what matters: a 10 µs kernel off by
 *     5 µs is as wrong as a 10 ms one off by 5 ms);
 *  3. all efficiencies and the floor again, jointly, on the operator records plus the *training* forward
 *     passes, so what single kernels miss inside a whole graph (gaps, cache effects) is absorbed;
 *  4. the contention terms γ_memory, γ_compute on the training concurrent pairs.
 * The physics form (FitForm; issue 11) changes stages 1–4 and adds two: W(S) is a saturating curve fitted
 * to the envelope of achieved bandwidth with a per-class slope (fit-bandwidth.ts), kernels pay a tail and
 * combine compute and memory softly, decode attention's compute efficiency is tied to prefill's, GEMMs
 * pay whole row tiles (the tile chosen by training error) and, where it lowers the training error, whole
 * waves of output tiles on the partition (GEMM_WAVES) and of prefill attention's query blocks (ATTENTION_WAVES) and
 * some classes pay a kernel tail of their own (CLASS_TAILS), no class's B_max·eff_m exceeds the datasheet HBM
 * bandwidth (stage 3c's per-SM-count factor may still lift a rate a few percent above it), 3b rescales Π(S) per SM count from the
 * training forwards and 3c W(S) from the training decode-only forwards, stage 4 fits the shared-resource
 * contention (fit-contention.ts) and stage 5 the clock regimes (fit-clock.ts).
 * Held-out forward and concurrent points are never seen here (split.ts). The search is hand-written
 * Nelder–Mead from fixed starts, so the same data gives the same coefficients bit for bit.
 */
export interface FitInput {
  /** The GPU's spec; its perf is replaced, the rest (SM count, overheads) is kept. */
  readonly hardware: HardwareSpec;
  /** Models the forward and concurrent records name, by plan key. */
  readonly models: Readonly<Record<string, ModelSpec>>;
  readonly data: MeasurementSet;
  /** Models never fitted: all their records are held out (the plan's `unseenModels`). */
  readonly unseenModels?: readonly string[];
  /** Model form; default by the data's backend: 'physics' for the reference runner ('torch'), else 'ceiling'. */
  readonly form?: FitForm;
  /**
   * Physics form: the GEMM row tile (PerfSpec.gemmRowTile), or 'auto' (default): each pair of GEMM_ROW_TILES is
   * fitted and the one with the lowest *training* forward error kept (held-out points play no part).
   */
  readonly gemmRowTile?: number | 'auto';
  /** With a numeric gemmRowTile: the narrow-M kernel's row tile (PerfSpec.gemmSmallRowTile), 0 for none. */
  readonly gemmSmallRowTile?: number;
  /** With a numeric gemmRowTile: GEMM wave quantisation [k, column tile] (PerfSpec.gemmWaveBlend, gemmColTile); k = 0 for none. */
  readonly gemmWave?: readonly [number, number];
  /** With a numeric gemmRowTile: prefill attention wave quantisation [k, row tile] (PerfSpec.attnWaveBlend, attnRowTile); k = 0 for none. */
  readonly attnWave?: readonly [number, number];
  /**
   * Physics form, with a numeric gemmRowTile: operator classes that get their own kernel tail (OpEfficiency.tailUs)
   * instead of the shared one; [] or absent for none. The 'auto' search tries CLASS_TAILS last, each kept only
   * where it lowers the training forward error.
   */
  readonly classTails?: readonly OpClass[];
  /**
   * Which GEMMs the library launches with clusters the GPC remainder cannot host (GemmKernelTable; measured
   * from kernel names, not fitted): carried into the fitted perf, so the forwards on partitions holding the
   * remainder are priced as they ran while the curves are fitted. Absent: none.
   */
  readonly gemmKernels?: GemmKernelTable;
  /**
   * Physics form, with gemmKernels tiles and a numeric gemmRowTile: price recorded shapes of at least this many
   * tokens on cuBLAS's own tile (PerfSpec.gemmTilesFromRows); 0 or absent for never. The 'auto' search tries
   * GEMM_RECORDED_TILES last, each kept only where it lowers the training forward error.
   */
  readonly gemmTilesFromRows?: number;
  /**
   * Physics form, with gemmKernels: price the recorded shapes at cuBLAS's own times (GemmKernelShape.timeScale),
   * applied after stage 3: computed from `gemmRecords` when given, else the factors the table records. False or
   * absent: the roofline's times. The 'auto' search tries it last, kept only where it lowers the training forward error.
   */
  readonly gemmTimes?: boolean;
  /** The gemm-rows plan's GEMM timings the table was derived from (`calibrate fit --gemm-kernels`), for gemmTimes. */
  readonly gemmRecords?: readonly OpRecord[];
  /**
   * The remainder SMs decode attention and the elementwise ops draw per side (RemainderOpsTable; measured by the
   * remainder-ops plan, not fitted): carried into the fitted perf like gemmKernels. Absent: they draw all of it.
   */
  readonly remainderOps?: RemainderOpsTable;
  /**
   * Physics form: price each training forward at the NVML clock its record carries, so that Π(S) and the efficiencies
   * come out at the GPU's maximum clock (ClockPowerSpec.trainingClockMhz). Default: when every training forward carries
   * a clock and the data's meta line the maximum; false fits the curves to the training forwards' own mix of clocks.
   * True where a forward has no clock, or the data no maximum, is refused.
   */
  readonly clockAware?: boolean;
  /**
   * A clock-aware fit's α (ClockPowerSpec.clockSensitivity): each training forward's compute-bound time × (maximum clock ÷
   * its clock)^α. Absent: the 'auto' search picks it from CLOCK_SENSITIVITIES last, on the terms it chose at 1; a single fit takes 1.
   */
  readonly clockSensitivity?: number;
  /** Called after each candidate fit of the 'auto' search (it takes minutes): for a progress line. */
  readonly onCandidate?: (progress: CandidateProgress) => void;
}

/** One candidate of the physics form's search, as `onCandidate` reports it. */
export interface CandidateProgress {
  /** 1-based; `total` counts the candidates the search will try (less the GEMM waves once no row tile won). */
  readonly index: number;
  readonly total: number;
  /** What was tried, in words (e.g. "GEMM waves 0.5 × 256 columns"). */
  readonly label: string;
  readonly trainingForwardMape: number;
  /** Whether it is the best so far (kept). */
  readonly kept: boolean;
}

/**
 * Candidate GEMM row tiles [T, T_s] (PerfSpec.gemmRowTile, gemmSmallRowTile; 0: none): no padding, one
 * tile for every size (64 or 128 rows, the M tiles Hopper cuBLAS kernels use), or 128-row tiles above one
 * tile and a 64-row narrow-M kernel below. The fit keeps the one with the lowest *training* forward error.
 */
export const GEMM_ROW_TILES: readonly (readonly [number, number])[] = [
  [0, 0],
  [64, 0],
  [128, 0],
  [128, 64],
];
/**
 * Candidate GEMM wave quantisation terms [k, column tile] (PerfSpec.gemmWaveBlend, gemmColTile), tried on the
 * row tiles chosen above; none is kept unless it lowers the *training* forward error. On S SMs a GEMM's
 * ⌈n/T⌉·⌈dOut/column tile⌉ output tiles run in ⌈tiles/S⌉ waves, and its compute is scaled by
 * 1 + k·(waves·S/tiles − 1): k = 1 prices whole waves, k = 0.5 half the idle part of the last one (cuBLAS's
 * persistent and stream-K Hopper kernels hide part of it). 128 and 256 columns are the N tiles of the Hopper
 * cuBLAS kernels.
 */
export const GEMM_WAVES: readonly (readonly [number, number])[] = [
  [0.5, 128],
  [0.5, 256],
  [1, 128],
  [1, 256],
];
/**
 * Candidate prefill attention wave terms [k, row tile] (PerfSpec.attnWaveBlend, attnRowTile), tried after
 * the GEMM terms on what they chose; none is kept unless it lowers the *training* forward error. A prefill
 * attention kernel's Σ⌈q/row tile⌉·hq query blocks run in whole waves on the partition (roofline
 * attnWaveStretch); 64 and 128 rows are the query tiles of FlashAttention-2's and cuDNN's kernels, k as for
 * the GEMM waves.
 */
export const ATTENTION_WAVES: readonly (readonly [number, number])[] = [
  [0.5, 64],
  [0.5, 128],
  [1, 64],
  [1, 128],
];
/**
 * Candidate sets of operator classes with a kernel tail of their own (OpEfficiency.tailUs), tried after the wave
 * terms on what they chose; none is kept unless it lowers the *training* forward error. One call of an operator
 * is not one launch of the same cost everywhere: an SDPA decode call runs a split-KV kernel and the reduction
 * of its partial results (the H200 reference's batch-1 decodes take ~8 µs whatever their context, its
 * elementwise Triton kernels ~1.7 µs), so decode attention alone, or every class, may carry its own.
 */
export const CLASS_TAILS: readonly (readonly OpClass[])[] = [['attn_decode'], OP_CLASSES];
/**
 * Where cuBLAS's recorded tiles replace the fitted row tile (PerfSpec.gemmTilesFromRows): every GEMM, or those
 * above one 128-row tile (below it cuBLAS runs narrow, memory-bound kernels whose tile waves do not bound them).
 */
export const GEMM_RECORDED_TILES: readonly number[] = [1, 129];
/**
 * 'ceiling': W(S) is the measured copy ceiling, every efficiency free, contention by partner SM share
 * (what the own-kernel calibrations of 2026-11 were fitted with). 'physics' (issue 11): W(S) a fitted
 * saturating curve over the envelope of what was achieved, decode attention's compute efficiency tied
 * to prefill attention's (bandwidth-bound by construction), contention from the partner's power and
 * bandwidth shares, and the clock regimes from the clock_regime records.
 */
export const FIT_FORMS = ['ceiling', 'physics'] as const;
export type FitForm = (typeof FIT_FORMS)[number];

export function defaultForm(data: MeasurementSet): FitForm {
  return data.meta.backend === 'torch' ? 'physics' : 'ceiling';
}

export interface FitResiduals {
  readonly ops: ErrorSummary;
  readonly opsByClass: Readonly<Partial<Record<OpClass, ErrorSummary>>>;
  readonly forwardTrain: ErrorSummary;
  readonly concurrentDecodeTrain: ErrorSummary;
  readonly concurrentPrefillTrain: ErrorSummary;
  /** A clock-aware fit's training clock records, both regimes, each priced at the NVML clock it settled at (what picks α). */
  readonly clockTrain?: ErrorSummary;
}

export interface FitResult {
  readonly perf: PerfSpec;
  /** Weight of the training forwards against the operator records in stage 3 (chosen by cross-validation). */
  readonly forwardWeight: number;
  readonly residuals: FitResiduals;
  readonly forward: Split<ForwardRecord>;
  readonly concurrent: Split<ConcurrentRecord>;
  readonly form: FitForm;
  /** The fitted saturating bandwidth curve ('physics'), null for 'ceiling'. */
  readonly bandwidth: SaturatingBandwidth | null;
  /** Physics form: the statistic stage 3b rescaled Π(S) by (chosen by training error); null for 'ceiling'. */
  readonly computeRescale: RescaleStatistic | null;
  /** Physics form: the statistic stage 3c rescaled W(S) by, or null when it was left out (by training error). */
  readonly bandwidthRescale: RescaleStatistic | null;
  /** Physics form: every shared-contention form the search scored (ContentionSearch.forms); empty for 'ceiling' or without training pairs. */
  readonly contentionForms: readonly ContentionFormScore[];
}

function byKind<K extends string, R extends { kind: string }>(records: readonly R[], kind: K): Extract<R, { kind: K }>[] {
  return records.filter((r): r is Extract<R, { kind: K }> => r.kind === kind);
}

/**
 * The candidate terms a physics fit chose (GEMM row tiles, GEMM and attention waves), as its calibrated section
 * records them: given to `fitCalibration`, they refit exactly that choice without searching the candidates
 * again (the search is the same calls, so the result is the same, bit for bit; test/calibrate/fit.test.ts).
 * What a check of a shipped calibration uses: the search costs a dozen fits.
 */
export function recordedFitChoices(perf: PerfSpec): Pick<FitInput, 'gemmRowTile' | 'gemmSmallRowTile' | 'gemmWave' | 'attnWave' | 'classTails' | 'gemmKernels' | 'remainderOps' | 'gemmTilesFromRows' | 'gemmTimes' | 'clockAware' | 'clockSensitivity'> {
  return {
    clockAware: perf.clockRegime?.power?.trainingClockMhz !== undefined,
    ...(perf.clockRegime?.power?.clockSensitivity !== undefined ? { clockSensitivity: perf.clockRegime.power.clockSensitivity } : {}),
    // Measured, not chosen, but recorded in the same section: a refit with the recorded choices prices with it.
    ...(perf.gemmKernels ? { gemmKernels: perf.gemmKernels } : {}),
    ...(perf.remainderOps ? { remainderOps: perf.remainderOps } : {}),
    gemmRowTile: perf.gemmRowTile ?? 0,
    gemmSmallRowTile: perf.gemmSmallRowTile ?? 0,
    gemmWave: [perf.gemmWaveBlend ?? 0, perf.gemmColTile ?? 0],
    attnWave: [perf.attnWaveBlend ?? 0, perf.attnRowTile ?? 0],
    classTails: OP_CLASSES.filter((c) => perf.efficiency[c].tailUs !== undefined),
    gemmTilesFromRows: perf.gemmTilesFromRows ?? 0,
    gemmTimes: perf.gemmKernels?.shapes.some((sh) => sh.timeScale) ?? false,
  };
}

export function fitCalibration(input: FitInput): FitResult {
  const physicsForm = (input.form ?? defaultForm(input.data)) === 'physics';
  if (physicsForm && (input.gemmRowTile ?? 'auto') === 'auto') {
    const recordedTiles = input.gemmKernels?.shapes.some((sh) => sh.tiles) ? GEMM_RECORDED_TILES : [];
    const gemmTimesPossible = input.gemmKernels !== undefined && ((input.gemmRecords?.length ?? 0) > 0 || input.gemmKernels.shapes.some((sh) => sh.timeScale));
    let total = GEMM_ROW_TILES.length + GEMM_WAVES.length + ATTENTION_WAVES.length + CLASS_TAILS.length + recordedTiles.length + (gemmTimesPossible ? 1 : 0);
    let index = 0;
    const report = (label: string, r: FitResult, kept: boolean): void => {
      index += 1;
      input.onCandidate?.({ index, total, label, trainingForwardMape: r.residuals.forwardTrain.mape, kept });
    };
    let best: FitResult | null = null;
    let bestTile: readonly [number, number] = [0, 0];
    for (const [t, ts] of GEMM_ROW_TILES) {
      const r = fitCalibration({ ...input, gemmRowTile: t, gemmSmallRowTile: ts, onCandidate: undefined });
      const kept = best === null || r.residuals.forwardTrain.mape < best.residuals.forwardTrain.mape;
      if (kept) {
        best = r;
        bestTile = [t, ts];
      }
      report(t === 0 ? 'GEMM rows as counted' : `GEMM row tiles ${t}${ts > 0 ? `/${ts}` : ''}`, r, kept);
    }
    // Then, on the chosen tiles, GEMM wave quantisation (GEMM_WAVES), kept only where it lowers the training error.
    let bestWave: readonly [number, number] = [0, 0];
    // Without row tiles there are no output tiles to count in waves: those candidates are not tried.
    if (bestTile[0] === 0) total -= GEMM_WAVES.length;
    if (bestTile[0] > 0) {
      for (const wave of GEMM_WAVES) {
        const r = fitCalibration({ ...input, gemmRowTile: bestTile[0], gemmSmallRowTile: bestTile[1], gemmWave: wave, onCandidate: undefined });
        const kept = r.residuals.forwardTrain.mape < (best as FitResult).residuals.forwardTrain.mape;
        if (kept) {
          best = r;
          bestWave = wave;
        }
        report(`GEMM waves ${wave[0]} × ${wave[1]} columns`, r, kept);
      }
    }
    // Then, on what the GEMM terms chose, prefill attention waves (ATTENTION_WAVES), kept the same way.
    let bestAttnWave: readonly [number, number] = [0, 0];
    for (const attnWave of ATTENTION_WAVES) {
      const r = fitCalibration({ ...input, gemmRowTile: bestTile[0], gemmSmallRowTile: bestTile[1], gemmWave: bestWave, attnWave, onCandidate: undefined });
      const kept = r.residuals.forwardTrain.mape < (best as FitResult).residuals.forwardTrain.mape;
      if (kept) {
        best = r;
        bestAttnWave = attnWave;
      }
      report(`attention waves ${attnWave[0]} × ${attnWave[1]} rows`, r, kept);
    }
    // Then kernel tails of their own for some classes (CLASS_TAILS), kept the same way.
    let bestTails: readonly OpClass[] = [];
    for (const classTails of CLASS_TAILS) {
      const r = fitCalibration({ ...input, gemmRowTile: bestTile[0], gemmSmallRowTile: bestTile[1], gemmWave: bestWave, attnWave: bestAttnWave, classTails, onCandidate: undefined });
      const kept = r.residuals.forwardTrain.mape < (best as FitResult).residuals.forwardTrain.mape;
      if (kept) {
        best = r;
        bestTails = classTails;
      }
      report(`own kernel tail for ${classTails.length === OP_CLASSES.length ? 'every class' : classTails.join(', ')}`, r, kept);
    }
    // Last, with a kernel table that records tiles, cuBLAS's own tiles for the shapes it records (GEMM_RECORDED_TILES).
    // Without row tiles chosen they have no fitted tile to stand in for: not tried.
    if (bestTile[0] === 0) total -= recordedTiles.length;
    let bestFrom = 0;
    for (const from of bestTile[0] > 0 ? recordedTiles : []) {
      const r = fitCalibration({ ...input, gemmRowTile: bestTile[0], gemmSmallRowTile: bestTile[1], gemmWave: bestWave, attnWave: bestAttnWave, classTails: bestTails, gemmTilesFromRows: from, onCandidate: undefined });
      const kept = r.residuals.forwardTrain.mape < (best as FitResult).residuals.forwardTrain.mape;
      if (kept) {
        best = r;
        bestFrom = from;
      }
      report(`cuBLAS's recorded tiles from ${from} row${from === 1 ? '' : 's'}`, r, kept);
    }
    // Then, with GEMM timings to record them from (or factors recorded before), cuBLAS's own times.
    let bestTimes = false;
    if (gemmTimesPossible) {
      const r = fitCalibration({ ...input, gemmRowTile: bestTile[0], gemmSmallRowTile: bestTile[1], gemmWave: bestWave, attnWave: bestAttnWave, classTails: bestTails, gemmTilesFromRows: bestFrom, gemmTimes: true, onCandidate: undefined });
      const kept = r.residuals.forwardTrain.mape < (best as FitResult).residuals.forwardTrain.mape;
      if (kept) {
        best = r;
        bestTimes = true;
      }
      report("cuBLAS's recorded times per shape and token count", r, kept);
    }
    // Last, a clock-aware fit's α (CLOCK_SENSITIVITIES) on every term chosen above (at α = 1, the single fit's default), by
    // its training clock records at their measured clocks (FitResiduals.clockTrain), not by the forwards.
    const chosen = best as FitResult;
    if (input.clockSensitivity === undefined && chosen.residuals.clockTrain) {
      const alphas = CLOCK_SENSITIVITIES.filter((a) => a !== 1);
      total += alphas.length;
      const atOne = chosen.residuals.clockTrain.mape;
      let bestClock = atOne;
      for (const clockSensitivity of alphas) {
        const r = fitCalibration({ ...input, gemmRowTile: bestTile[0], gemmSmallRowTile: bestTile[1], gemmWave: bestWave, attnWave: bestAttnWave, classTails: bestTails, gemmTilesFromRows: bestFrom, gemmTimes: bestTimes, clockSensitivity, onCandidate: undefined });
        const clockMape = r.residuals.clockTrain?.mape ?? Infinity;
        const kept = clockMape < bestClock;
        if (kept) {
          best = r;
          bestClock = clockMape;
        }
        report(`clock sensitivity α = ${clockSensitivity} (training clock records at their clocks ${(100 * clockMape).toFixed(2)}%; at α = 1 ${(100 * atOne).toFixed(2)}%, best ${(100 * bestClock).toFixed(2)}%)`, r, kept);
      }
    }
    return best as FitResult;
  }
  const rowTile = physicsForm && typeof input.gemmRowTile === 'number' ? input.gemmRowTile : 0;
  const smallTile = rowTile > 0 ? (input.gemmSmallRowTile ?? 0) : 0;
  const wave = rowTile > 0 && input.gemmWave && input.gemmWave[0] > 0 ? { gemmWaveBlend: input.gemmWave[0], gemmColTile: input.gemmWave[1] } : {};
  const attnWave = physicsForm && input.attnWave && input.attnWave[0] > 0 ? { attnWaveBlend: input.attnWave[0], attnRowTile: input.attnWave[1] } : {};
  // The kernel table is measured, not chosen: any form prices with it. Its tiles stand in for a fitted row tile only.
  // Its time factors (gemmTimes) come in after stage 3, as the fit's last GEMM term.
  const kernels = { ...(input.gemmKernels ? { gemmKernels: withoutTimeScales(input.gemmKernels) } : {}), ...(input.remainderOps ? { remainderOps: input.remainderOps } : {}) };
  const tilesFrom = rowTile > 0 && input.gemmKernels && (input.gemmTilesFromRows ?? 0) > 0 ? { gemmTilesFromRows: input.gemmTilesFromRows as number } : {};
  const tile = { ...(rowTile > 0 ? { gemmRowTile: rowTile } : {}), ...(smallTile > 0 ? { gemmSmallRowTile: smallTile } : {}), ...wave, ...attnWave, ...kernels, ...tilesFrom };
  const { data, models } = input;
  const smCount = input.hardware.smCount;
  if (data.meta.smCount !== smCount) {
    throw inputError('calib.sm-mismatch', data.files[0]?.path ?? '', 1, 'sm_count', `measured on ${data.meta.smCount} SMs but the hardware spec has ${smCount}`);
  }
  const recs = data.records;
  const form = input.form ?? defaultForm(data);
  const physics = form === 'physics';
  const tailClasses = physics && input.classTails && input.classTails.length > 0 ? input.classTails : [];
  const tie = physics ? (x: Params): Params => tieTails(tieDecodeCompute(x), tailClasses) : (x: Params): Params => x;
  const rule = physics ? 'tail' : 'floor';
  const unseen = new Set(input.unseenModels ?? []);
  // Stage 1: the curves.
  const lmHeads: LmHeadShape[] = Object.values(models).map((m) => ({ hiddenSize: m.hiddenSize, vocabSize: m.vocabSize }));
  const computeCurve = fitCurve(byKind(recs, 'ceiling_gemm'), smCount, 'ceiling_gemm');
  const bandwidth = physics ? fitSaturatingBandwidth(byKind(recs, 'ceiling_bandwidth'), byKind(recs, 'op'), lmHeads, smCount) : null;
  const bandwidthCurve = bandwidth
    ? tabulate(bandwidth, [...computeCurve.map((p) => p.smCount), ...byKind(recs, 'ceiling_bandwidth').map((r) => r.smCount), smCount])
    : fitCurve(byKind(recs, 'ceiling_bandwidth'), smCount, 'ceiling_bandwidth');
  const points = opPoints(
    byKind(recs, 'op').filter((r) => r.medianUs > 0),
    computeCurve,
    bandwidthCurve,
    lmHeads,
    bandwidth ? { perSmBytesPerS: bandwidth.perSmBytesPerS, maxBytesPerS: bandwidth.maxBytesPerS, knee: bandwidth.knee } : null,
    tile,
    input.hardware.hbmBandwidthBytesPerS,
  );
  const baseCurves = {
    computeFlopsPerS: computeCurve.map((p) => ({ smCount: p.smCount, value: roundSig(p.value) })),
    bandwidthBytesPerS: bandwidthCurve.map((p) => ({ smCount: p.smCount, value: roundSig(p.value) })),
    contention: { memory: 0, compute: 0 },
    provenance: '',
    ...(bandwidth ? { bandwidthModel: { perSmBytesPerS: bandwidth.perSmBytesPerS, maxBytesPerS: bandwidth.maxBytesPerS, knee: bandwidth.knee } } : {}),
    ...tile,
  };
  const hwWith = (perf: PerfSpec): HardwareSpec => ({ ...input.hardware, perf });

  // Stages 2 and 3: efficiencies and floor on the operators, then jointly with the training forwards.
  const forward = forwardSplit(input);
  // Clock-aware: every training forward priced at its own clock, the curves at the maximum (FitInput.clockAware).
  const maxClockMhz = clockAwareMax(input, physics, forward.train);
  const alpha = input.clockSensitivity ?? 1;
  const scaleOf = (r: ForwardRecord): number | undefined => (maxClockMhz === null ? undefined : clockRatio(maxClockMhz / (r.clock?.smClockMhz as number), alpha));
  const forwardError = (records: readonly ForwardRecord[]) => {
    const logMeasured = records.map((r) => Math.log(r.medianUs));
    return (x: Params): number => {
      const hw = hwWith(perfFrom(baseCurves, x, false, rule, tailClasses));
      let s = 0;
      records.forEach((r, i) => {
        const e = Math.log(predictForwardUs(models, hw, r, scaleOf(r))) - logMeasured[i];
        s += e * e;
      });
      return records.length > 0 ? s / records.length : 0;
    };
  };
  const stage2Shared = physics ? refitDecodeMemory(points, fitOperatorClasses(points, rule), rule) : fitOperatorClasses(points, rule);
  const stage2 = tailClasses.length > 0 ? withClassTails(stage2Shared) : stage2Shared;
  const forwardWeight = chooseForwardWeight(forward.train, (train, w, rounds) => refineJointly(points, stage2, (x) => w * forwardError(train)(x), rounds, tie, rule), forwardError);
  const rounded = clampAndRound(tie(forward.train.length > 0 ? refineJointly(points, stage2, (x) => forwardWeight * forwardError(forward.train)(x), 3, tie, rule) : stage2), memoryEffBound(points));
  let basePerf = perfFrom(baseCurves, rounded, true, rule, tailClasses);

  // Stage 3a (physics, gemmTimes): cuBLAS's own time per recorded (shape, tokens) over the model's so far,
  // recorded from the gemm-rows GEMMs, or as the table records them. Before 3b/3c, which rescale the curves
  // per SM count on the forwards as these times leave them.
  if (physics && input.gemmTimes && input.gemmKernels) {
    const records = input.gemmRecords ?? [];
    const table = records.length > 0 ? recordGemmTimeScales(hwWith(basePerf), input.gemmKernels, records) : input.gemmKernels;
    if (!table.shapes.some((sh) => sh.timeScale)) throw new Error('gemmTimes: no GEMM timings of the table shapes given, and the table records no time factors');
    basePerf = { ...basePerf, gemmKernels: table };
  }

  // Stage 3b (physics): Π(S) as forwards achieve it. The 8192³ GEMM ceiling is one shape timed for a few
  // milliseconds; a forward's GEMMs and attention meet wave quantisation and the power cap differently
  // at each partition size, so Π is rescaled at every SM count with training forwards by their typical
  // measured/predicted (compute-bound forwards only), interpolated between, then kept monotone. "Typical"
  // is the geometric mean or the median of the ratios (RESCALE_STATISTICS), whichever gives the lower
  // *training* forward error: the median lets one shape cuBLAS serves with an odd kernel (Qwen3-14B at
  // 1,040 rows runs 8–15% slower than its neighbours at every SM count) stop moving Π for a whole partition.
  let rescaleStatistic: RescaleStatistic | null = null;
  if (physics && forward.train.length > 0) {
    const hw0 = hwWith(basePerf);
    const compute = forward.train.filter((r) => r.batch.prefills.length > 0);
    const predicted = new Map(compute.map((r) => [r, predictForwardUs(models, hw0, r, scaleOf(r))] as const));
    let best: { perf: PerfSpec; mape: number } | null = null;
    for (const statistic of RESCALE_STATISTICS) {
      const perf = { ...basePerf, computeFlopsPerS: rescaleCompute(basePerf.computeFlopsPerS, compute, (r) => predicted.get(r) as number, statistic) };
      const hw = hwWith(perf);
      const mape = summarizeApes(forward.train.map((r) => ape(predictForwardUs(models, hw, r, scaleOf(r)), r.medianUs))).mape;
      if (best === null || mape < best.mape) {
        best = { perf, mape };
        rescaleStatistic = statistic;
      }
    }
    basePerf = (best as { perf: PerfSpec }).perf;
  }

  // Stage 3c (physics): W(S) as forwards achieve it, the same way for the memory-bound forwards (decode
  // only): a factor per SM count on every memory rate (PerfSpec.bandwidthScale), kept so that the scaled
  // envelope W(S) never falls as SMs are added. Left out, or by the geometric mean or the median, whichever
  // gives the lowest *training* forward error.
  let bandwidthStatistic: RescaleStatistic | null = null;
  if (physics && forward.train.length > 0) {
    const hw0 = hwWith(basePerf);
    const memory = forward.train.filter((r) => r.batch.prefills.length === 0);
    const predicted = new Map(memory.map((r) => [r, predictForwardUs(models, hw0, r, scaleOf(r))] as const));
    const trainMape = (perf: PerfSpec): number => summarizeApes(forward.train.map((r) => ape(predictForwardUs(models, hwWith(perf), r, scaleOf(r)), r.medianUs))).mape;
    let best = { perf: basePerf, mape: trainMape(basePerf) };
    for (const statistic of RESCALE_STATISTICS) {
      const scale = rescaleBandwidth(basePerf.bandwidthBytesPerS, memory, (r) => predicted.get(r) as number, statistic);
      if (scale.length === 0) continue;
      const perf = { ...basePerf, bandwidthScale: scale };
      const mape = trainMape(perf);
      if (mape < best.mape) {
        best = { perf, mape };
        bandwidthStatistic = statistic;
      }
    }
    basePerf = best.perf;
  }

  // Stage 4: contention.
  const concurrent = splitRecords(byKind(recs, 'concurrent').filter(usableConcurrent), unseen);
  const search = physics ? searchSharedContention(models, hwWith(basePerf), concurrent.train) : null;
  const contention = search ? search.contention : fitContention(models, hwWith(basePerf), concurrent.train);

  // Stage 5 (physics): the clock regimes, relative to the model fitted so far.
  const clocks = splitClockRecords(byKind(recs, 'clock_regime').filter(usableClock), unseen);
  const fittedClock = physics ? fitClockRegime(models, hwWith({ ...basePerf, contention }), clocks.train, data.meta.smClockMaxMhz) : undefined;
  const clockRegime = maxClockMhz === null ? fittedClock : withTrainingClocks(fittedClock, forward.train, alpha, data.files[0]?.path ?? '');

  const hw = hwWith({ ...basePerf, contention, ...(clockRegime ? { clockRegime } : {}) });
  const opApes = points.map((p) => ape(opTimeUs(p, rounded, rule), Math.exp(p.logMeasured)));
  const opsByClass: Partial<Record<OpClass, ErrorSummary>> = {};
  OP_CLASSES.forEach((c, i) => {
    const apes = opApes.filter((_, j) => points[j].cls === i);
    if (apes.length > 0) opsByClass[c] = summarizeApes(apes);
  });
  const residuals: FitResiduals = {
    ops: summarizeApes(opApes),
    opsByClass,
    forwardTrain: summarizeApes(forward.train.map((r) => ape(predictForwardUs(models, hw, r, scaleOf(r)), r.medianUs))),
    concurrentDecodeTrain: summarizeApes(concurrent.train.map((r) => ape(predictConcurrentDecodeUs(models, hw, r), r.decodeConcurrentUs))),
    concurrentPrefillTrain: summarizeApes(concurrent.train.map((r) => ape(predictConcurrentPrefillUs(models, hw, r), r.prefillConcurrentUs))),
    ...(maxClockMhz === null ? {} : { clockTrain: clockRecordsAtTheirClocks(models, hw, clocks.train, maxClockMhz, alpha) }),
  };
  const perf: PerfSpec = { ...hw.perf, provenance: provenanceText(data, residuals, forwardWeight) };
  return { perf, forwardWeight, residuals, forward, concurrent, form, bandwidth, computeRescale: rescaleStatistic, bandwidthRescale: bandwidthStatistic, contentionForms: search?.forms ?? [] };
}

/** The forward records a fit may use (usableForward, not harnessOnly), split into training and held out (split.ts). */
function forwardSplit(input: FitInput): Split<ForwardRecord> {
  const { data } = input;
  return splitRecords(byKind(data.records, 'forward').filter((r) => usableForward(r) && !harnessOnly(data, r)), new Set(input.unseenModels ?? []));
}

/**
 * Candidate α of a clock-aware fit (ClockPowerSpec.clockSensitivity), tried last in the 'auto' search on the terms chosen
 * at α = 1; the one whose training clock records, priced at the clocks they settled at, come out closest is kept
 * (FitResiduals.clockTrain). The same prefill settled at two clocks measures α directly; a harness forward's clock is a
 * median over a burst the power cap may be pulling down, too loose to choose it by.
 */
export const CLOCK_SENSITIVITIES: readonly number[] = [0.25, 0.5, 0.75, 1];

/**
 * The maximum clock a clock-aware fit prices the training forwards against (FitInput.clockAware), or null for a fit to
 * the forwards' own mix of clocks: the default is clock-aware where it can be (physics form, every training forward
 * with a clock, the data's maximum known); asking for it where it cannot be is refused.
 */
function clockAwareMax(input: FitInput, physics: boolean, train: readonly ForwardRecord[]): number | null {
  const max = input.data.meta.smClockMaxMhz;
  const clocked = train.length > 0 && train.every((r) => (r.clock?.smClockMhz ?? 0) > 0);
  const possible = physics && max !== null && clocked;
  if (input.clockAware === true && !possible) {
    const why = !physics ? 'the ceiling form has no clock model' : max === null ? "the data's meta line records no clocks.sm_clock_max_mhz" : 'some training forwards carry no clock';
    throw inputError('calib.clock-aware', input.data.files[0]?.path ?? '', 1, 'clock', `a clock-aware fit prices each training forward at its record's clock: ${why}`);
  }
  return (input.clockAware ?? true) && possible ? max : null;
}

/**
 * The training clock records priced at the clocks they settled at, back to back and between decode steps: compute-bound
 * time × (maximum ÷ measured clock)^α. The same prefill at two measured clocks is the cleanest measure of α the
 * calibration holds; a harness forward's clock is a median over a burst the power cap may be pulling down.
 */
function clockRecordsAtTheirClocks(models: Readonly<Record<string, ModelSpec>>, hw: HardwareSpec, records: readonly ClockRegimeRecord[], maxClockMhz: number, alpha: number): ErrorSummary {
  const apes: number[] = [];
  for (const r of records) {
    const m = models[r.model];
    if (!m) continue;
    for (const [us, mhz] of [[r.backToBackUs, r.backToBackClock.smClockMhz], [r.servingUs, r.servingClock.smClockMhz]] as const) {
      if (mhz === null || !(mhz > 0)) continue;
      const computeClockScale = clockRatio(maxClockMhz / mhz, alpha);
      apes.push(ape(predictIteration(m, hw, r.batch, { smCount: r.smCount, partnerSmCount: 0, launch: 'graph', tpDegree: 1, clockRegime: 'calibration', computeClockScale }).gpuUs, us));
    }
  }
  return summarizeApes(apes);
}

/**
 * A clock-aware fit's clock regime: the power model stage 5 fitted, with the training forwards' median clock at each SM
 * count they ran on (ClockPowerSpec.trainingClockMhz). Without a power model the curves at the maximum clock would say
 * nothing of any clock a server runs at: refused.
 */
function withTrainingClocks(regime: ClockRegimeSpec | undefined, train: readonly ForwardRecord[], clockSensitivity: number, file: string): ClockRegimeSpec {
  if (!regime?.power) {
    throw inputError('calib.clock-aware', file, 1, 'clock_regime', 'a clock-aware fit needs a power model of the clock: clock_regime records with NVML clocks on two or more SM counts');
  }
  const bySm = new Map<number, number[]>();
  for (const r of train) bySm.set(r.smCount, [...(bySm.get(r.smCount) ?? []), r.clock?.smClockMhz as number]);
  const trainingClockMhz = [...bySm.entries()].sort((a, b) => a[0] - b[0]).map(([smCount, mhz]) => ({ smCount, value: roundSig(median(mhz)) }));
  return { ...regime, power: { ...regime.power, trainingClockMhz, clockSensitivity } };
}

/**
 * The training forwards of a clock-aware fit (`perf` its result) whose clock may not be the one their kernels ran at:
 * timed without `--settle-seconds` (no ForwardRecord.settleS) on a partition where the power cap acts, i.e. where the
 * training forwards' median clock is below the maximum. A short compute-heavy forward there reads a clock it did not
 * run at (Qwen3-8B's 512-token prefill on 132 H100 SMs: 12,917 µs at a read 1,950 MHz, 13,641 µs at a settled 1,605;
 * calibrate/README.md, "Clock-aware fit"). Empty for a fit that is not clock-aware. Pure; the CLI says how many.
 */
export function unsettledClockForwards(perf: PerfSpec, train: readonly ForwardRecord[]): ForwardRecord[] {
  const power = perf.clockRegime?.power;
  if (!power?.trainingClockMhz) return [];
  const capped = new Set(power.trainingClockMhz.filter((p) => p.value < power.maxClockMhz).map((p) => p.smCount));
  return train.filter((r) => r.clock !== undefined && r.settleS === undefined && capped.has(r.smCount));
}

/**
 * How stages 3b and 3c summarise the measured/predicted ratios at one SM count: 'mean' of their logs (the
 * geometric mean) or their 'median' (log of the middle ratio; the mean of the two middle ones when even).
 */
export const RESCALE_STATISTICS = ['mean', 'median'] as const;
export type RescaleStatistic = (typeof RESCALE_STATISTICS)[number];

function typicalLog(logs: readonly number[], statistic: RescaleStatistic): number {
  if (statistic === 'mean') return logs.reduce((a, b) => a + b, 0) / logs.length;
  const s = [...logs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** [SM count, typical measured/predicted of the records there], by SM count. */
function typicalRatios(records: readonly ForwardRecord[], predict: (r: ForwardRecord) => number, statistic: RescaleStatistic): (readonly [number, number])[] {
  const logs = new Map<number, number[]>();
  for (const r of records) {
    const l = logs.get(r.smCount) ?? [];
    l.push(Math.log(r.medianUs / predict(r)));
    logs.set(r.smCount, l);
  }
  return [...logs.entries()].map(([sm, l]) => [sm, Math.exp(typicalLog(l, statistic))] as const).sort((a, b) => a[0] - b[0]);
}

/** Stage 3b: Π(S) scaled per SM count by the forwards measured there (see the call site). */
export function rescaleCompute(curve: readonly CurvePoint[], records: readonly ForwardRecord[], predict: (r: ForwardRecord) => number, statistic: RescaleStatistic = 'mean'): CurvePoint[] {
  const at = typicalRatios(records, predict, statistic);
  if (at.length === 0) return [...curve];
  // measured/predicted > 1: the forwards ran slower than Π says, so Π falls by that factor.
  const factor = (sm: number): number => {
    if (sm <= at[0][0]) return at[0][1];
    for (let i = 1; i < at.length; i++) {
      if (sm <= at[i][0]) {
        const t = (sm - at[i - 1][0]) / (at[i][0] - at[i - 1][0]);
        return at[i - 1][1] + t * (at[i][1] - at[i - 1][1]);
      }
    }
    return at[at.length - 1][1];
  };
  const scaled = curve.map((p) => p.value / factor(p.smCount));
  const smooth = isotonicNonDecreasing(scaled);
  return curve.map((p, i) => ({ smCount: p.smCount, value: roundSig(smooth[i]) }));
}

/**
 * Stage 3c: the factor on W(S) at each SM count where memory-bound forwards were measured, 1 over their
 * typical measured/predicted there (a forward that ran slower than predicted streamed slower), carried to
 * every point of the tabulated W(S) (interpolated, flat outside), then made monotone: W(S)·factor(S) is
 * smoothed by isotonic regression over those points so that no partition streams less than a smaller one.
 * Returns [] without records.
 */
export function rescaleBandwidth(curve: readonly CurvePoint[], records: readonly ForwardRecord[], predict: (r: ForwardRecord) => number, statistic: RescaleStatistic): CurvePoint[] {
  const at = typicalRatios(records, predict, statistic);
  if (at.length === 0) return [];
  const measured = at.map(([sm, ratio]) => ({ smCount: sm, value: 1 / ratio }));
  const factor = (sm: number): number => (sm <= measured[0].smCount ? measured[0].value : curveAt(measured, sm));
  const smooth = isotonicNonDecreasing(curve.map((p) => p.value * factor(p.smCount)));
  return curve.map((p, i) => ({ smCount: p.smCount, value: roundSig(smooth[i] / p.value) }));
}

/**
 * Stage 3 weighs the training forwards' mean squared log error against the operator records'. The
 * forwards are what the simulator predicts, the operators what separates the classes; how much more
 * the forwards should count is chosen by 2-fold cross-validation *inside the training split* (folds by
 * id hash), from FORWARD_WEIGHTS, the smaller weight winning ties. Held-out points play no part.
 * Fewer than MIN_CV_FORWARDS training forwards: weight 1.
 */
const FORWARD_WEIGHTS = [1, 3, 10];
const MIN_CV_FORWARDS = 10;

function chooseForwardWeight(
  train: readonly ForwardRecord[],
  refine: (train: readonly ForwardRecord[], weight: number, rounds: number) => Params,
  errorOn: (records: readonly ForwardRecord[]) => (x: Params) => number,
): number {
  if (train.length < MIN_CV_FORWARDS) return 1;
  const folds = [0, 1].map((f) => train.filter((r) => idHash(r.id) % 2 === f));
  if (folds.some((f) => f.length === 0)) return 1;
  let best = FORWARD_WEIGHTS[0];
  let bestError = Infinity;
  for (const w of FORWARD_WEIGHTS) {
    let error = 0;
    for (let f = 0; f < 2; f++) error += errorOn(folds[f])(refine(folds[1 - f], w, 1)) * folds[f].length;
    if (error < bestError) {
      bestError = error;
      best = w;
    }
  }
  return best;
}

/**
 * Forwards the reference runner cannot run the way a server does: decodes over several distinct context
 * lengths. PyTorch has no paged or varlen SDPA, so it runs one call per length (each a batch-1 kernel that
 * fills few SMs), where vLLM or SGLang run one paged kernel over all sequences. Such a forward times the
 * harness, not production; fit and validate leave it out and say so.
 */
export function harnessOnly(data: MeasurementSet, r: ForwardRecord): boolean {
  return data.meta.backend === 'torch' && r.raggedDecodes;
}

/** A forward counts only if it ran where it was meant to (the runner's %smid check, when it made one). */
export function usableForward(r: ForwardRecord): boolean {
  return r.medianUs > 0 && r.smidsOk !== false;
}

/**
 * A pair counts only if both sides stayed on their own SMs (the runner checks %smid): a leak means the
 * pair did not run partitioned and its timings say nothing about the contention model.
 */
export function usableConcurrent(r: ConcurrentRecord): boolean {
  return r.decodeSmidsOk && r.prefillSmidsOk && r.partnerCovered && r.decodeConcurrentUs > 0 && r.prefillConcurrentUs > 0;
}

/** One-line provenance for PerfSpec.provenance; the YAML writer adds the details as structured comments. */
export function provenanceText(data: MeasurementSet, res: FitResiduals, forwardWeight: number): string {
  const m = data.meta;
  const files = data.files.map((f) => `${f.path} (sha256 ${f.sha256.slice(0, 16)})`).join(', ');
  return (
    `duetsim calibrate fit: ${m.gpu}, ${m.smCount} SMs, driver ${m.driver}, CUDA ${m.cudaRuntime}, measured ${m.date}; ` +
    `data ${files}; train MAPE: ops ${formatPct(res.ops.mape)} (n=${res.ops.count}), forward ${formatPct(res.forwardTrain.mape)} ` +
    `(n=${res.forwardTrain.count}, weight ${forwardWeight} by 2-fold CV), concurrent decode ${formatPct(res.concurrentDecodeTrain.mape)} (n=${res.concurrentDecodeTrain.count})`
  );
}
