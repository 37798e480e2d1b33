import type { ContentionSpec, CurvePoint } from '../sim/hardware/hardware-spec.js';
import { curveAt } from '../sim/latency/curve.js';
import { inputError } from '../sim/core/input-error.js';
// The same pool-adjacent-violators fit that `duetsim calibrate fit` applies to measured curves, so a seed and a
// calibration smooth alike. This one-off tool is the only sim/ code that reaches into calibrate/.
import { isotonicNonDecreasing } from './isotonic.js';

/**
 * Turns a GEMM partition probe (the format of configs/hardware/probes/h200-gemm-partition-probe.txt)
 * into the seed `perf` curves and contention of a hardware YAML. Run once by print-gemm-probe-seed.ts; the
 * h200 and h100-sxm YAMLs say which numbers it produced.
 *
 * - Π(S), W(S): the per-SM-count rows plus the whole-GPU line, made non-decreasing by pool-adjacent-violators
 *   (least-squares isotonic fit, calibrate/isotonic.ts). The raw bandwidth rows dip and recover (3146 GB/s at
 *   64 SMs, 2883 at 104, 3526 at 112) — run-to-run noise of a saturated memory system, not a property the
 *   latency model should reproduce: a bigger partition is never slower in it.
 * - contention: each SPLIT line gives one run's time beside a partner; its solo time on the same SMs comes
 *   from the seed curve (the job's bytes or FLOPs over W or Π at that SM count, the job size taken from the
 *   whole-GPU line), so the fit matches what the latency model will predict. The slowdown is fitted as
 *   t = t_alone·(1 + c·partnerShare) by least squares through the origin: c = Σ s·(r−1) / Σ s².
 */
export interface GemmProbe {
  readonly smCount: number;
  readonly full: { readonly prefillMs: number; readonly prefillTflops: number; readonly decodeMs: number; readonly decodeGbs: number };
  readonly rows: readonly { readonly sms: number; readonly prefillTflops: number; readonly decodeGbs: number }[];
  readonly splits: readonly { readonly prefillSms: number; readonly decodeSms: number; readonly decodeMs: number; readonly prefillMs: number }[];
}

export interface ContentionSample {
  readonly runSms: number;
  readonly partnerShare: number;
  readonly aloneMs: number;
  readonly besideMs: number;
}

export interface ProbeSeed {
  readonly computeFlopsPerS: readonly CurvePoint[];
  readonly bandwidthBytesPerS: readonly CurvePoint[];
  readonly contention: ContentionSpec;
  readonly decodeSamples: readonly ContentionSample[];
  readonly prefillSamples: readonly ContentionSample[];
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const FULL = new RegExp(String.raw`^FULL GPU alone: prefill ${NUM} ms \(${NUM} TFLOP/s\)\s+decode ${NUM} ms \(${NUM} GB/s\)`);
const ROW = new RegExp(String.raw`^(\d+) ${NUM} ${NUM} ${NUM} ${NUM}$`);
const SPLIT = new RegExp(String.raw`^SPLIT prefill=(\d+) decode=(\d+): decode ${NUM} ms under prefill; prefill ${NUM} ms under decode`);
const SMS = /^SMs=(\d+)/;

export function parseGemmProbe(text: string, file: string): GemmProbe {
  let smCount: number | null = null;
  let full: GemmProbe['full'] | null = null;
  const rows: GemmProbe['rows'][number][] = [];
  const splits: GemmProbe['splits'][number][] = [];
  for (const line of text.split('\n').map((l) => l.trim())) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(SMS))) smCount = Number(m[1]);
    else if ((m = line.match(FULL))) full = { prefillMs: +m[1], prefillTflops: +m[2], decodeMs: +m[3], decodeGbs: +m[4] };
    else if ((m = line.match(ROW))) rows.push({ sms: +m[1], prefillTflops: +m[3], decodeGbs: +m[5] });
    else if ((m = line.match(SPLIT))) splits.push({ prefillSms: +m[1], decodeSms: +m[2], decodeMs: +m[3], prefillMs: +m[4] });
  }
  if (smCount === null || full === null || rows.length === 0) {
    throw inputError('bad-probe', file, 0, '', 'expected an "SMs=" line, a "FULL GPU alone" line and per-SM-count rows');
  }
  return { smCount, full, rows, splits };
}

/** c in r − 1 = c·s, least squares through the origin. */
export function fitSlowdown(samples: readonly ContentionSample[]): number {
  const num = samples.reduce((a, s) => a + s.partnerShare * (s.besideMs / s.aloneMs - 1), 0);
  const den = samples.reduce((a, s) => a + s.partnerShare * s.partnerShare, 0);
  return den > 0 ? num / den : 0;
}

export function seedFromProbe(probe: GemmProbe): ProbeSeed {
  const sms = [...probe.rows.map((r) => r.sms), probe.smCount];
  const tflops = isotonicNonDecreasing([...probe.rows.map((r) => r.prefillTflops), probe.full.prefillTflops]);
  const gbs = isotonicNonDecreasing([...probe.rows.map((r) => r.decodeGbs), probe.full.decodeGbs]);
  const computeFlopsPerS = sms.map((s, i) => ({ smCount: s, value: tflops[i] * 1e12 }));
  const bandwidthBytesPerS = sms.map((s, i) => ({ smCount: s, value: gbs[i] * 1e9 }));
  // Job sizes from the whole-GPU line: FLOPs of the prefill GEMM, bytes of the decode GEMMs.
  const prefillFlops = probe.full.prefillTflops * 1e12 * probe.full.prefillMs * 1e-3;
  const decodeBytes = probe.full.decodeGbs * 1e9 * probe.full.decodeMs * 1e-3;
  const decodeSamples = probe.splits.map((s) => ({
    runSms: s.decodeSms,
    partnerShare: s.prefillSms / probe.smCount,
    aloneMs: (decodeBytes / curveAt(bandwidthBytesPerS, s.decodeSms)) * 1e3,
    besideMs: s.decodeMs,
  }));
  const prefillSamples = probe.splits.map((s) => ({
    runSms: s.prefillSms,
    partnerShare: s.decodeSms / probe.smCount,
    aloneMs: (prefillFlops / curveAt(computeFlopsPerS, s.prefillSms)) * 1e3,
    besideMs: s.prefillMs,
  }));
  return {
    computeFlopsPerS,
    bandwidthBytesPerS,
    contention: { memory: fitSlowdown(decodeSamples), compute: fitSlowdown(prefillSamples) },
    decodeSamples,
    prefillSamples,
  };
}

/**
 * Moves a curve measured on a GPU of `fromSms` SMs onto one of `toSms`, keeping each point at the same share
 * of the chip (rounded to the target's partition granularity). Used for the A100 seed, which has no probe of
 * its own: W(S) saturating at the same share of SMs as on the H200 is an assumption, stated in a100-80g.yaml.
 */
export function remapSmAxis(points: readonly CurvePoint[], fromSms: number, toSms: number, granularitySms: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const p of points) {
    const sms = Math.min(toSms, Math.max(granularitySms, granularitySms * Math.round((p.smCount * toSms) / fromSms / granularitySms)));
    const last = out[out.length - 1];
    if (last !== undefined && last.smCount === sms) out[out.length - 1] = { smCount: sms, value: Math.max(last.value, p.value) };
    else out.push({ smCount: sms, value: p.value });
  }
  const end = out[out.length - 1];
  if (end.smCount !== toSms) out.push({ smCount: toSms, value: end.value });
  return out;
}
