import type { BandwidthModel, CurvePoint, OpClass, OpEfficiency, PerfSpec } from '../sim/hardware/hardware-spec.js';
import { saturating } from '../sim/latency/curve.js';
import { OP_CLASSES } from '../sim/hardware/hardware-spec.js';
import { curveAt } from '../sim/latency/curve.js';
import { attnWaveStretch, gemmPadFlops, prefillChunkFlops } from '../sim/latency/roofline.js';
import type { OpRecord } from './measurement.js';
import { nelderMead } from './nelder-mead.js';
import { opWork, type LmHeadShape } from './op-work.js';

/**
 * The efficiency stages of the fit (fit.ts): per-class compute and memory efficiencies and the kernel
 * floor, as one parameter vector in log space. Single operators are priced here with the roofline's rule,
 * max(F/(Π(S)·eff_c), B/(W(S)·eff_m), floor), on precomputed Π(S), W(S), so the search does no allocation.
 */
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

export interface OpPoint {
  readonly cls: number;
  readonly smCount: number;
  /** Compute work beyond `flops` (a GEMM's partial row tile under the fit's gemmRowTile, gemmSmallRowTile). */
  readonly padFlops: number;
  /** Prefill attention: the part of `flops` in chunks over a cached prefix (priced at SLOT_CACHED when present). */
  readonly cachedPrefixFlops: number;
  /** Physics form: the saturating W(S) parameters; memory time then follows the class's own curve. */
  readonly bw: BandwidthModel | null;
  /**
   * Log of the highest memory efficiency the point's class may take: with `bw`, the GPU's datasheet HBM
   * bandwidth over B_max (no kernel streams faster than the memory can deliver; a fit left free can trade the
   * ridge exponent against a memory rate above it), capped at the usual 1.5; without, that 1.5.
   */
  readonly logMemoryEffMax: number;
  readonly flops: number;
  readonly bytes: number;
  readonly flopsPerUs: number;
  readonly bytesPerUs: number;
  readonly logMeasured: number;
}

/**
 * Parameter vector: [log eff_c, log eff_m] per class in OP_CLASSES order, then log floor; in the physics
 * form (points carry `bw`) then one log memory slope per class (OpEfficiency.memorySlope).
 */
export type Params = number[];
export const NC = OP_CLASSES.length;
const DECODE = OP_CLASSES.indexOf('attn_decode');
const PREFILL = OP_CLASSES.indexOf('attn_prefill');
const SLOT_SLOPE = 2 * NC + 1;
const LOG_SLOPE_MIN = Math.log(0.1);
const LOG_SLOPE_MAX = Math.log(3);
/** Physics form, last entry: log of the ridge exponent q (PerfSpec.ridgeExponent), in [1, 20]. */
const SLOT_RIDGE = 3 * NC + 1;
const LOG_RIDGE_MIN = 0;
const LOG_RIDGE_MAX = Math.log(20);
const RIDGE_START = Math.log(4);
/**
 * Physics form, after the ridge: log of prefill attention's compute efficiency for chunks over a cached
 * prefix (OpEfficiency.cachedPrefixCompute), bounded like the other efficiencies.
 */
const SLOT_CACHED = 3 * NC + 2;
const PHYSICS_LENGTH = 3 * NC + 3;
/**
 * Physics form with per-class tails (OpEfficiency.tailUs), after the cached-prefix slot: one log tail per
 * class in OP_CLASSES order, replacing the shared one (slot 2·NC, which stage 2 fits and withClassTails
 * copies into each) for that class. Bounded like the shared tail.
 */
const SLOT_TAIL = 3 * NC + 3;
export const CLASS_TAILS_LENGTH = 4 * NC + 3;

/** `x` with one tail per class, each starting from the shared one (a no-op when it has them already). */
export function withClassTails(x: Params): Params {
  if (x.length >= CLASS_TAILS_LENGTH) return x.slice();
  if (x.length !== PHYSICS_LENGTH) throw new Error(`per-class tails need the physics form's ${PHYSICS_LENGTH} parameters, got ${x.length}`);
  return [...x, ...new Array<number>(NC).fill(x[2 * NC])];
}

/**
 * The tails of classes not in `classes` held at the shared one (a tie, applied like tieDecodeCompute), so a fit
 * with per-class slots frees only those classes'. No-op without per-class slots.
 */
export function tieTails(x: Params, classes: readonly OpClass[]): Params {
  if (x.length <= SLOT_TAIL) return x;
  const y = x.slice();
  OP_CLASSES.forEach((c, i) => {
    if (!classes.includes(c)) y[SLOT_TAIL + i] = y[2 * NC];
  });
  return y;
}

function tailLog(x: Params, cls: number): number {
  return x.length > SLOT_TAIL ? x[SLOT_TAIL + cls] : x[2 * NC];
}

/** The larger of two times, softened near equality: (c^q + m^q)^(1/q); q = ∞ is max. */
export function ridgeCombine(c: number, m: number, q: number): number {
  if (!Number.isFinite(q)) return Math.max(c, m);
  const hi = Math.max(c, m);
  if (hi === 0) return 0;
  // hi/hi is exactly 1 and so is 1^q: one power fewer than (c/hi)^q + (m/hi)^q, the same bits (the fit's hot path).
  return hi * Math.pow(1 + Math.pow(Math.min(c, m) / hi, q), 1 / q);
}

/**
 * The last saturating rate computed per (class, SM count), with the inputs it came from. The optimiser prices
 * every operator point at each trial x, and the points share a few dozen (class, SM count) pairs: the curve
 * is computed once per pair and trial instead of once per point. A hit needs the same inputs, so the value is
 * the one the call would return, bit for bit.
 */
const rateMemo = new Map<number, { slopeLog: number; effLog: number; bw: BandwidthModel; rate: number }>();

/** Bytes/µs a memory-bound kernel of the point's class streams at under `x`. */
function memoryRate(p: OpPoint, x: Params): number {
  if (p.bw && x.length > SLOT_SLOPE) {
    const slopeLog = x[SLOT_SLOPE + p.cls];
    const effLog = x[2 * p.cls + 1];
    const key = p.cls * 65536 + p.smCount;
    const hit = Number.isInteger(p.smCount) ? rateMemo.get(key) : undefined;
    if (hit && hit.slopeLog === slopeLog && hit.effLog === effLog && hit.bw === p.bw) return hit.rate;
    const rate = saturating(p.bw.perSmBytesPerS * Math.exp(slopeLog), p.bw.maxBytesPerS * Math.exp(effLog), p.bw.knee, p.smCount) / 1e6;
    if (Number.isInteger(p.smCount)) rateMemo.set(key, { slopeLog, effLog, bw: p.bw, rate });
    return rate;
  }
  return p.bytesPerUs * Math.exp(x[2 * p.cls + 1]);
}

/**
 * 'floor': max(F/Π·eff_c, B/W·eff_m, floor), the first calibrations' rule. 'tail' (physics form): the
 * larger term plus a fixed per-kernel launch-and-tail time, so small kernels near the ridge are not priced
 * at the bare max (a GEMM streaming 33 MB of weights also pays its launch and its last partial wave).
 */
export type KernelRule = 'floor' | 'tail';

export function opTimeUs(p: OpPoint, x: Params, rule: KernelRule = 'floor'): number {
  const separate = p.cachedPrefixFlops > 0 && x.length > SLOT_CACHED;
  const computeUs =
    (p.flops - (separate ? p.cachedPrefixFlops : 0) + p.padFlops) / (p.flopsPerUs * Math.exp(x[2 * p.cls])) +
    (separate ? p.cachedPrefixFlops / (p.flopsPerUs * Math.exp(x[SLOT_CACHED])) : 0);
  const memoryUs = p.bytes / memoryRate(p, x);
  const both = x.length > SLOT_RIDGE ? ridgeCombine(computeUs, memoryUs, Math.exp(x[SLOT_RIDGE])) : Math.max(computeUs, memoryUs);
  return rule === 'tail' ? both + Math.exp(tailLog(x, p.cls)) : Math.max(both, Math.exp(x[2 * NC]));
}

/** The memory-efficiency bound of a set of points (opPoints gives every point the same one). */
export function memoryEffBound(points: readonly OpPoint[]): number {
  let m = LOG_EFF_MAX;
  for (const p of points) m = Math.min(m, p.logMemoryEffMax);
  return m;
}

export function outOfBounds(x: Params, logMemoryEffMax: number = LOG_EFF_MAX): number {
  let pen = 0;
  for (let i = 0; i < 2 * NC; i++) pen += Math.max(0, LOG_EFF_MIN - x[i]) ** 2 + Math.max(0, x[i] - (i % 2 === 1 ? logMemoryEffMax : LOG_EFF_MAX)) ** 2;
  const f = x[2 * NC];
  pen += Math.max(0, LOG_FLOOR_MIN - f) ** 2 + Math.max(0, f - LOG_FLOOR_MAX) ** 2;
  for (let i = SLOT_SLOPE; i < Math.min(x.length, SLOT_RIDGE); i++) pen += Math.max(0, LOG_SLOPE_MIN - x[i]) ** 2 + Math.max(0, x[i] - LOG_SLOPE_MAX) ** 2;
  if (x.length > SLOT_RIDGE) pen += Math.max(0, LOG_RIDGE_MIN - x[SLOT_RIDGE]) ** 2 + Math.max(0, x[SLOT_RIDGE] - LOG_RIDGE_MAX) ** 2;
  if (x.length > SLOT_CACHED) pen += Math.max(0, LOG_EFF_MIN - x[SLOT_CACHED]) ** 2 + Math.max(0, x[SLOT_CACHED] - LOG_EFF_MAX) ** 2;
  for (let i = SLOT_TAIL; i < x.length; i++) pen += Math.max(0, LOG_FLOOR_MIN - x[i]) ** 2 + Math.max(0, x[i] - LOG_FLOOR_MAX) ** 2;
  return 1e3 * pen;
}

export function prior(x: Params): number {
  let s = 0;
  for (let i = 0; i < 2 * NC; i++) s += x[i] * x[i];
  for (let i = SLOT_SLOPE; i < Math.min(x.length, SLOT_RIDGE); i++) s += x[i] * x[i];
  if (x.length > SLOT_CACHED) s += x[SLOT_CACHED] * x[SLOT_CACHED];
  // Per-class tails: pulled weakly towards the shared one, which the data no longer sees once they exist.
  for (let i = SLOT_TAIL; i < x.length; i++) s += (x[i] - x[2 * NC]) ** 2;
  return PRIOR_WEIGHT * s;
}

export function meanSquaredLogError(points: readonly OpPoint[], x: Params, rule: KernelRule = 'floor'): number {
  let s = 0;
  for (const p of points) {
    const e = Math.log(opTimeUs(p, x, rule)) - p.logMeasured;
    s += e * e;
  }
  return points.length > 0 ? s / points.length : 0;
}

/** `v` rounded down to DIGITS significant digits (positive v). */
function floorSig(v: number): number {
  const scale = Math.pow(10, DIGITS - 1 - Math.floor(Math.log10(v)));
  return Number((Math.floor(v * scale) / scale).toPrecision(DIGITS));
}

export function roundSig(v: number, digits: number = DIGITS): number {
  return v === 0 ? 0 : Number(v.toPrecision(digits));
}

/** `round`: to DIGITS significant digits, so values written after exp(log(v)) are v exactly. */
export function perfFrom(
  base: Omit<PerfSpec, 'efficiency' | 'kernelFloorUs' | 'kernelRule' | 'ridgeExponent'>,
  x: Params,
  round = false,
  rule: KernelRule = 'floor',
  tailClasses: readonly OpClass[] = OP_CLASSES,
): PerfSpec {
  const v = (i: number): number => (round ? roundSig(Math.exp(x[i])) : Math.exp(x[i]));
  const slopes = x.length > SLOT_SLOPE;
  const efficiency = Object.fromEntries(
    OP_CLASSES.map((c, i) => [
      c,
      {
        compute: v(2 * i),
        memory: v(2 * i + 1),
        ...(slopes ? { memorySlope: v(SLOT_SLOPE + i) } : {}),
        ...(i === PREFILL && x.length > SLOT_CACHED ? { cachedPrefixCompute: v(SLOT_CACHED) } : {}),
        ...(x.length > SLOT_TAIL && tailClasses.includes(c) ? { tailUs: v(SLOT_TAIL + i) } : {}),
      } satisfies OpEfficiency,
    ]),
  ) as Record<
    OpClass,
    OpEfficiency
  >;
  return {
    ...base,
    efficiency,
    kernelFloorUs: v(2 * NC),
    ...(rule === 'tail' ? { kernelRule: 'tail' as const } : {}),
    ...(x.length > SLOT_RIDGE ? { ridgeExponent: v(SLOT_RIDGE) } : {}),
  };
}

/** The fit's tile and wave terms, as PerfSpec names them (roofline gemmPadFlops, attnWaveStretch). */
export type QuantisationTerms = Pick<PerfSpec, 'gemmRowTile' | 'gemmSmallRowTile' | 'gemmWaveBlend' | 'gemmColTile' | 'attnWaveBlend' | 'attnRowTile' | 'gemmKernels' | 'gemmTilesFromRows' | 'remainderOps'>;

const NO_WAVES = { all: 0, cached: 0 };

/**
 * A prefill attention operator's wave padding (roofline attnWaveStretch): over all its FLOPs, and over
 * those of chunks on a cached prefix, which opTimeUs prices at their own efficiency.
 */
function attentionWavePads(
  terms: QuantisationTerms,
  chunks: readonly { readonly newTokens: number; readonly cachedTokens: number }[],
  qHeads: number,
  headDim: number,
  smCount: number,
): { all: number; cached: number } {
  const extra = attnWaveStretch(terms, chunks, qHeads, smCount) - 1;
  let all = 0;
  let cached = 0;
  for (const { newTokens: q, cachedTokens: c } of chunks) {
    const f = prefillChunkFlops(qHeads, headDim, q, c);
    all += f * extra;
    if (c > 0) cached += f * extra;
  }
  return { all, cached };
}

/** An operator record reduced to what its predicted time depends on. */
export function opPoints(
  ops: readonly OpRecord[],
  compute: readonly CurvePoint[],
  bandwidth: readonly CurvePoint[],
  lmHeads: readonly LmHeadShape[],
  bw: BandwidthModel | null = null,
  tile: QuantisationTerms = {},
  peakBytesPerS?: number,
): OpPoint[] {
  const logMemoryEffMax = bw && peakBytesPerS !== undefined ? Math.min(LOG_EFF_MAX, Math.log(peakBytesPerS / bw.maxBytesPerS)) : LOG_EFF_MAX;
  return ops.map((r) => {
    const w = opWork(r.shape, lmHeads);
    const g = w.gemm;
    const waves = r.shape.op === 'attn_prefill' ? attentionWavePads(tile, r.shape.chunks, r.shape.hq, r.shape.dh, r.smCount) : NO_WAVES;
    return {
      cls: OP_CLASSES.indexOf(w.opClass),
      smCount: r.smCount,
      padFlops: (g ? gemmPadFlops(tile, g.n, g.dIn, g.dOut, r.smCount) : 0) + waves.all,
      cachedPrefixFlops: (w.cachedPrefixFlops ?? 0) + waves.cached,
      bw,
      logMemoryEffMax,
      flops: w.flops,
      bytes: w.bytes,
      flopsPerUs: curveAt(compute, r.smCount) / 1e6,
      bytesPerUs: curveAt(bandwidth, r.smCount) / 1e6,
      logMeasured: Math.log(r.medianUs),
    };
  });
}

/**
 * Stage 2: for a given floor each class's (eff_c, eff_m) is an independent 2-D problem; the floor, shared
 * by all, is found by golden-section search on its log between the lowest bound and just above the
 * fastest measured kernel. A class with no records (e.g. no LM-head-shaped GEMM measured) starts from the
 * GEMM's values.
 */
export function fitOperatorClasses(points: readonly OpPoint[], rule: KernelRule = 'floor'): Params {
  const classPoints = OP_CLASSES.map((_, i) => points.filter((p) => p.cls === i));
  const classStarts = classPoints.map(startingPoints);
  const memMax = memoryEffBound(points);
  const slopes = points.some((p) => p.bw !== null);
  const fitClasses = (logFloor: number): { x: Params; value: number } => {
    const x: Params = new Array<number>(slopes ? PHYSICS_LENGTH : 2 * NC + 1).fill(0);
    x[2 * NC] = logFloor;
    if (slopes) x[SLOT_RIDGE] = RIDGE_START;
    let value = 0;
    classPoints.forEach((pts, i) => {
      if (pts.length === 0) return;
      // Physics form, prefill attention: its cached-prefix compute efficiency is searched with the class.
      const cached = slopes && i === PREFILL;
      const objective = (y: readonly number[]): number => {
        const z = x.slice();
        z[2 * i] = y[0];
        z[2 * i + 1] = y[1];
        if (slopes) z[SLOT_SLOPE + i] = y[2];
        if (cached) z[SLOT_CACHED] = y[3];
        return meanSquaredLogError(pts, z, rule) + prior(z) + outOfBounds(z, memMax);
      };
      let best: { x: number[]; value: number } | null = null;
      for (const start of classStarts[i]) {
        const y0 = cached ? [...start, 0, start[0]] : slopes ? [...start, 0] : start;
        const m = nelderMead(objective, y0, { step: y0.map(() => 0.3), maxEvaluations: slopes ? 200 * y0.length : 300, fTolerance: 1e-12 });
        if (best === null || m.value < best.value) best = m;
      }
      x[2 * i] = (best as { x: number[] }).x[0];
      x[2 * i + 1] = (best as { x: number[] }).x[1];
      if (slopes) x[SLOT_SLOPE + i] = (best as { x: number[] }).x[2];
      if (cached) x[SLOT_CACHED] = (best as { x: number[] }).x[3];
      value += meanSquaredLogError(pts, x, rule) * pts.length;
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
  const x = fitClasses(fa <= fb ? a : b).x;
  const gemm = OP_CLASSES.indexOf('gemm');
  classPoints.forEach((pts, i) => {
    if (pts.length === 0) {
      x[2 * i] = x[2 * gemm];
      x[2 * i + 1] = x[2 * gemm + 1];
    }
  });
  return x;
}

/**
 * Where the 2-D search for one class starts: every pair of the median, 90th percentile and largest
 * *achieved* fraction of each ceiling (F/(Π(S)·t) and B/(W(S)·t) of the class's records). The roofline
 * needs eff ≥ the achieved fraction of whichever term binds, so the answer lies near the top of these;
 * starting from a fixed guess instead can leave a term on a plateau where it never binds (a decode
 * attention kernel whose time grows like Π(S), not W(S), reaches ~1% of Π: 0.7 is far off).
 */
function startingPoints(pts: readonly OpPoint[]): number[][] {
  const quantiles = (xs: number[]): number[] => {
    const s = xs.filter((v) => v > 0).sort((a, b) => a - b);
    if (s.length === 0) return [0];
    return [0.5, 0.9, 1].map((q) => Math.log(Math.min(1.5, s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)])));
  };
  const c = quantiles(pts.map((p) => p.flops / (p.flopsPerUs * Math.exp(p.logMeasured))));
  const m = quantiles(pts.map((p) => p.bytes / (p.bytesPerUs * Math.exp(p.logMeasured))));
  const starts: number[][] = [];
  for (const a of c) for (const b of m) if (!starts.some((s) => s[0] === a && s[1] === b)) starts.push([a, b]);
  return starts;
}

/**
 * Stage 3: every parameter at once, minimising the operator records' mean squared log error plus
 * `extraError(x)` (the training forwards'), from `start`. Restarts from the best point so far: one
 * Nelder–Mead run in 11 dimensions can stall on a ridge.
 */
export function refineJointly(
  points: readonly OpPoint[],
  start: Params,
  extraError: (x: Params) => number,
  rounds: number,
  tie: (x: Params) => Params = (x) => x,
  rule: KernelRule = 'floor',
): Params {
  const memMax = memoryEffBound(points);
  const objective = (y: readonly number[]): number => {
    const x = tie(y as Params);
    return meanSquaredLogError(points, x, rule) + extraError(x) + prior(x) + outOfBounds(x, memMax);
  };
  let x = tie(start);
  for (let round = 0; round < rounds; round++) {
    x = tie(nelderMead(objective, x, { step: new Array<number>(x.length).fill(0.1), maxEvaluations: 3000 + 200 * (x.length - 2 * NC - 1), fTolerance: 1e-12 }).x);
  }
  return x;
}


/**
 * Decode attention's compute efficiency tied to prefill attention's (the physics form). Both are the same
 * FlashAttention-class kernel on tensor cores; decode does ~4 FLOP per byte, so with a shared compute
 * efficiency it is bandwidth-bound by construction. Left free, a fit can make decode attention
 * compute-bound at ~1% of Π(S) — linear in S like Π — when one kernel's bandwidth happens to grow that way.
 */
export function tieDecodeCompute(x: Params): Params {
  const y = x.slice();
  y[2 * DECODE] = y[2 * PREFILL];
  return y;
}

/** With the tie applied, decode attention's memory efficiency alone re-fitted on its operator records. */
export function refitDecodeMemory(points: readonly OpPoint[], x: Params, rule: KernelRule = 'floor'): Params {
  const pts = points.filter((p) => p.cls === DECODE);
  const memMax = memoryEffBound(points);
  const y = tieDecodeCompute(x);
  if (pts.length === 0) return y;
  const slopes = y.length > SLOT_SLOPE;
  const m = nelderMead(
    (v) => {
      const z = y.slice();
      z[2 * DECODE + 1] = v[0];
      if (slopes) z[SLOT_SLOPE + DECODE] = v[1];
      return meanSquaredLogError(pts, z, rule) + outOfBounds(z, memMax);
    },
    slopes ? [y[2 * DECODE + 1], y[SLOT_SLOPE + DECODE]] : [y[2 * DECODE + 1]],
    { step: slopes ? [0.3, 0.3] : [0.3], maxEvaluations: 600, fTolerance: 1e-12 },
  );
  y[2 * DECODE + 1] = m.x[0];
  if (slopes) y[SLOT_SLOPE + DECODE] = m.x[1];
  return y;
}

/** Clamped to the bounds the penalty only approximately enforces (so the loader accepts what is written), then rounded. */
export function clampAndRound(x: Params, logMemoryEffMax: number = LOG_EFF_MAX): Params {
  return x.map((v, i) => {
    const [lo, hi] =
      i < 2 * NC && i % 2 === 1
        ? [LOG_EFF_MIN, logMemoryEffMax]
        : i < 2 * NC || i === SLOT_CACHED
        ? [LOG_EFF_MIN, LOG_EFF_MAX]
        : i === 2 * NC || i >= SLOT_TAIL
          ? [LOG_FLOOR_MIN, LOG_FLOOR_MAX]
          : i === SLOT_RIDGE
            ? [LOG_RIDGE_MIN, LOG_RIDGE_MAX]
            : [LOG_SLOPE_MIN, LOG_SLOPE_MAX];
    const r = roundSig(Math.exp(Math.min(hi, Math.max(lo, v))));
    // Rounding to DIGITS may step over the upper bound (a memory efficiency at the HBM bound, 1.07156 → 1.072):
    // then the largest DIGITS-digit value under it.
    return Math.log(r <= Math.exp(hi) * (1 + 1e-12) ? r : floorSig(Math.exp(hi)));
  });
}
