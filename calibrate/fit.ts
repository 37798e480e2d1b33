import type { HardwareSpec, OpClass, OpEfficiency, PerfSpec } from '../sim/hardware/hardware-spec.js';
import { OP_CLASSES } from '../sim/hardware/hardware-spec.js';
import type { ModelSpec } from '../sim/model/model-spec.js';
import { curveAt } from '../sim/latency/curve.js';
import { inputError } from '../sim/core/input-error.js';
import type { CeilingBandwidthRecord, CeilingGemmRecord, ConcurrentRecord, ForwardRecord, MeasurementSet, OpRecord } from './measurement.js';
import { fitCurve } from './fit-curves.js';
import { nelderMead } from './nelder-mead.js';
import { opWork, type LmHeadShape } from './op-work.js';
import { splitRecords, type Split } from './split.js';
import { ape, formatPct, summarizeApes, type ErrorSummary } from './error-stats.js';
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
 * Held-out forward and concurrent points are never seen here (split.ts). The search is hand-written
 * Nelder–Mead from fixed starts, so the same data gives the same coefficients bit for bit.
 */
export interface FitInput {
  /** The GPU's spec; its perf is replaced, the rest (SM count, overheads) is kept. */
  readonly hardware: HardwareSpec;
  /** Models the forward and concurrent records name, by plan key. */
  readonly models: Readonly<Record<string, ModelSpec>>;
  readonly data: MeasurementSet;
}

export interface FitResiduals {
  readonly ops: ErrorSummary;
  readonly opsByClass: Readonly<Partial<Record<OpClass, ErrorSummary>>>;
  readonly forwardTrain: ErrorSummary;
  readonly concurrentDecodeTrain: ErrorSummary;
  readonly concurrentPrefillTrain: ErrorSummary;
}

export interface FitResult {
  readonly perf: PerfSpec;
  readonly residuals: FitResiduals;
  readonly forward: Split<ForwardRecord>;
  readonly concurrent: Split<ConcurrentRecord>;
}

/** Efficiencies are kept in [0.01, 1.5], the range sim/config/parse-perf.ts accepts (above 1.5 is a wrong ceiling). */
const LOG_EFF_MIN = Math.log(0.01);
const LOG_EFF_MAX = Math.log(1.5);
/** Floors outside 0.1–100 µs are not a kernel launch inside a graph. */
const LOG_FLOOR_MIN = Math.log(0.1);
const LOG_FLOOR_MAX = Math.log(100);
/**
 * Weak pull of every log-efficiency towards 0 (efficiency 1). Only decides coefficients the data cannot
 * see, e.g. the compute efficiency of decode attention, which never binds; its weight is far below any
 * measured residual.
 */
const PRIOR_WEIGHT = 1e-6;
/** Significant digits written to the YAML; the residuals are computed after rounding. */
const DIGITS = 4;

interface OpPoint {
  readonly cls: number;
  readonly flops: number;
  readonly bytes: number;
  readonly flopsPerUs: number;
  readonly bytesPerUs: number;
  readonly logMeasured: number;
}

/** Parameter vector: [log eff_c, log eff_m] per class in OP_CLASSES order, then log floor. */
type Params = number[];
const NC = OP_CLASSES.length;

function opTimeUs(p: OpPoint, x: Params): number {
  const computeUs = p.flops / (p.flopsPerUs * Math.exp(x[2 * p.cls]));
  const memoryUs = p.bytes / (p.bytesPerUs * Math.exp(x[2 * p.cls + 1]));
  return Math.max(computeUs, memoryUs, Math.exp(x[2 * NC]));
}

function outOfBounds(x: Params): number {
  let pen = 0;
  for (let i = 0; i < 2 * NC; i++) pen += Math.max(0, LOG_EFF_MIN - x[i]) ** 2 + Math.max(0, x[i] - LOG_EFF_MAX) ** 2;
  const f = x[2 * NC];
  pen += Math.max(0, LOG_FLOOR_MIN - f) ** 2 + Math.max(0, f - LOG_FLOOR_MAX) ** 2;
  return 1e3 * pen;
}

function prior(x: Params): number {
  let s = 0;
  for (let i = 0; i < 2 * NC; i++) s += x[i] * x[i];
  return PRIOR_WEIGHT * s;
}

function meanSquaredLogError(points: readonly OpPoint[], x: Params): number {
  let s = 0;
  for (const p of points) {
    const e = Math.log(opTimeUs(p, x)) - p.logMeasured;
    s += e * e;
  }
  return points.length > 0 ? s / points.length : 0;
}

function roundSig(v: number, digits: number = DIGITS): number {
  return v === 0 ? 0 : Number(v.toPrecision(digits));
}

function perfFrom(base: Omit<PerfSpec, 'efficiency' | 'kernelFloorUs'>, x: Params): PerfSpec {
  const efficiency = Object.fromEntries(
    OP_CLASSES.map((c, i) => [c, { compute: Math.exp(x[2 * i]), memory: Math.exp(x[2 * i + 1]) } satisfies OpEfficiency]),
  ) as Record<OpClass, OpEfficiency>;
  return { ...base, efficiency, kernelFloorUs: Math.exp(x[2 * NC]) };
}

function byKind<K extends string, R extends { kind: string }>(records: readonly R[], kind: K): Extract<R, { kind: K }>[] {
  return records.filter((r): r is Extract<R, { kind: K }> => r.kind === kind);
}

export function fitCalibration(input: FitInput): FitResult {
  const { data, models } = input;
  const smCount = input.hardware.smCount;
  if (data.meta.smCount !== smCount) {
    throw inputError('calib.sm-mismatch', data.files[0]?.path ?? '', 1, 'sm_count', `measured on ${data.meta.smCount} SMs but the hardware spec has ${smCount}`);
  }
  const recs = data.records;
  const computeCurve = fitCurve(byKind(recs, 'ceiling_gemm') as CeilingGemmRecord[], smCount, 'ceiling_gemm');
  const bandwidthCurve = fitCurve(byKind(recs, 'ceiling_bandwidth') as CeilingBandwidthRecord[], smCount, 'ceiling_bandwidth');

  const lmHeads: LmHeadShape[] = Object.values(models).map((m) => ({ hiddenSize: m.hiddenSize, vocabSize: m.vocabSize }));
  const ops = (byKind(recs, 'op') as OpRecord[]).filter((r) => r.medianUs > 0);
  const points: OpPoint[] = ops.map((r) => {
    const w = opWork(r.shape, lmHeads);
    return {
      cls: OP_CLASSES.indexOf(w.opClass),
      flops: w.flops,
      bytes: w.bytes,
      flopsPerUs: curveAt(computeCurve, r.smCount) / 1e6,
      bytesPerUs: curveAt(bandwidthCurve, r.smCount) / 1e6,
      logMeasured: Math.log(r.medianUs),
    };
  });

  // Stage 2: per class for a given floor; the floor by golden-section search on its log.
  const classPoints = OP_CLASSES.map((_, i) => points.filter((p) => p.cls === i));
  const fitClasses = (logFloor: number): { x: Params; value: number } => {
    const x: Params = new Array<number>(2 * NC + 1).fill(0);
    x[2 * NC] = logFloor;
    let value = 0;
    classPoints.forEach((pts, i) => {
      if (pts.length === 0) return;
      const m = nelderMead(
        (y) => {
          const z = x.slice();
          z[2 * i] = y[0];
          z[2 * i + 1] = y[1];
          return meanSquaredLogError(pts, z) + prior(z) + outOfBounds(z);
        },
        [Math.log(0.7), Math.log(0.7)],
        { step: [0.5, 0.5], maxEvaluations: 400, fTolerance: 1e-12 },
      );
      x[2 * i] = m.x[0];
      x[2 * i + 1] = m.x[1];
      value += meanSquaredLogError(pts, x) * pts.length;
    });
    return { x, value };
  };
  let lo = LOG_FLOOR_MIN;
  let hi = Math.min(LOG_FLOOR_MAX, points.length > 0 ? Math.min(...points.map((p) => p.logMeasured)) + 0.5 : Math.log(5));
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = fitClasses(a).value;
  let fb = fitClasses(b).value;
  for (let it = 0; it < 40; it++) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = fitClasses(a).value;
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = fitClasses(b).value;
    }
  }
  const stage2 = fitClasses(fa <= fb ? a : b).x;
  // A class with no operator records (e.g. no LM-head-shaped GEMM measured) starts from the GEMM's.
  const gemm = OP_CLASSES.indexOf('gemm');
  classPoints.forEach((pts, i) => {
    if (pts.length === 0) {
      stage2[2 * i] = stage2[2 * gemm];
      stage2[2 * i + 1] = stage2[2 * gemm + 1];
    }
  });

  const baseCurves = {
    computeFlopsPerS: computeCurve.map((p) => ({ smCount: p.smCount, value: roundSig(p.value) })),
    bandwidthBytesPerS: bandwidthCurve.map((p) => ({ smCount: p.smCount, value: roundSig(p.value) })),
    contention: { memory: 0, compute: 0 },
    provenance: '',
  };
  const hwWith = (perf: PerfSpec): HardwareSpec => ({ ...input.hardware, perf });

  // Stage 3: joint refinement with the training forward passes.
  const forward = splitRecords((byKind(recs, 'forward') as ForwardRecord[]).filter(usableForward));
  const fwdLogMeasured = forward.train.map((r) => Math.log(r.medianUs));
  let stage3 = stage2;
  if (forward.train.length > 0) {
    const objective = (x: readonly number[]): number => {
      const hw = hwWith(perfFrom(baseCurves, x as Params));
      let s = 0;
      forward.train.forEach((r, i) => {
        const e = Math.log(predictForwardUs(models, hw, r)) - fwdLogMeasured[i];
        s += e * e;
      });
      return meanSquaredLogError(points, x as Params) + s / forward.train.length + prior(x as Params) + outOfBounds(x as Params);
    };
    // Restarts from the best point so far: one Nelder–Mead run in 11 dimensions can stall on a ridge.
    for (let round = 0; round < 3; round++) {
      stage3 = nelderMead(objective, stage3, { step: new Array<number>(2 * NC + 1).fill(0.1), maxEvaluations: 3000, fTolerance: 1e-12 }).x;
    }
  }
  // Clamped to the bounds the penalty only approximately enforces, so the loader accepts what is written.
  const rounded = stage3.map((v, i) => {
    const [lo, hi] = i < 2 * NC ? [LOG_EFF_MIN, LOG_EFF_MAX] : [LOG_FLOOR_MIN, LOG_FLOOR_MAX];
    return Math.log(roundSig(Math.exp(Math.min(hi, Math.max(lo, v)))));
  });
  const basePerf = perfFrom(baseCurves, rounded);

  // Stage 4: contention from the training concurrent pairs (decode and prefill side both).
  const concurrent = splitRecords((byKind(recs, 'concurrent') as ConcurrentRecord[]).filter(usableConcurrent));
  let contention = { memory: 0, compute: 0 };
  if (concurrent.train.length > 0) {
    const objective = (g: readonly number[]): number => {
      const hw = hwWith({ ...basePerf, contention: { memory: g[0], compute: g[1] } });
      let s = 0;
      for (const r of concurrent.train) {
        const ed = Math.log(predictConcurrentDecodeUs(models, hw, r) / r.decodeConcurrentUs);
        const ep = Math.log(predictConcurrentPrefillUs(models, hw, r) / r.prefillConcurrentUs);
        s += ed * ed + ep * ep;
      }
      // γ < 0 would make a partner speed this partition up.
      const neg = Math.min(0, g[0]) ** 2 + Math.min(0, g[1]) ** 2;
      return s / concurrent.train.length + 1e3 * neg;
    };
    const m = nelderMead(objective, [0.2, 0.1], { step: [0.2, 0.2], maxEvaluations: 600, fTolerance: 1e-14 });
    contention = { memory: roundSig(Math.max(0, m.x[0]), 3), compute: roundSig(Math.max(0, m.x[1]), 3) };
  }

  const unprovenanced: PerfSpec = { ...basePerf, contention };
  const hw = hwWith(unprovenanced);
  const opApes = points.map((p) => ape(opTimeUs(p, rounded), Math.exp(p.logMeasured)));
  const opsByClass: Partial<Record<OpClass, ErrorSummary>> = {};
  OP_CLASSES.forEach((c, i) => {
    const apes = opApes.filter((_, j) => points[j].cls === i);
    if (apes.length > 0) opsByClass[c] = summarizeApes(apes);
  });
  const residuals: FitResiduals = {
    ops: summarizeApes(opApes),
    opsByClass,
    forwardTrain: summarizeApes(forward.train.map((r) => ape(predictForwardUs(models, hw, r), r.medianUs))),
    concurrentDecodeTrain: summarizeApes(concurrent.train.map((r) => ape(predictConcurrentDecodeUs(models, hw, r), r.decodeConcurrentUs))),
    concurrentPrefillTrain: summarizeApes(concurrent.train.map((r) => ape(predictConcurrentPrefillUs(models, hw, r), r.prefillConcurrentUs))),
  };
  const perf: PerfSpec = { ...unprovenanced, provenance: provenanceText(data, residuals) };
  return { perf, residuals, forward, concurrent };
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
  return r.decodeSmidsOk && r.prefillSmidsOk && r.decodeConcurrentUs > 0 && r.prefillConcurrentUs > 0;
}

/** One-line provenance for PerfSpec.provenance; the YAML writer adds the details as structured comments. */
export function provenanceText(data: MeasurementSet, res: FitResiduals): string {
  const m = data.meta;
  const files = data.files.map((f) => `${f.path} (sha256 ${f.sha256.slice(0, 16)})`).join(', ');
  return (
    `duetsim calibrate fit: ${m.gpu}, ${m.smCount} SMs, driver ${m.driver}, CUDA ${m.cudaRuntime}, measured ${m.date}; ` +
    `data ${files}; train MAPE: ops ${formatPct(res.ops.mape)} (n=${res.ops.count}), forward ${formatPct(res.forwardTrain.mape)} ` +
    `(n=${res.forwardTrain.count}), concurrent decode ${formatPct(res.concurrentDecodeTrain.mape)} (n=${res.concurrentDecodeTrain.count})`
  );
}
