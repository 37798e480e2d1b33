import type { CurvePoint } from '../hardware/hardware-spec.js';

/**
 * The saturating bandwidth form: linear at `perSm` per SM on few SMs, flat at `max` on many, with a knee
 * of sharpness `knee` (1 gradual, 20 a corner): max·x/(1+x^knee)^(1/knee), x = perSm·S/max.
 */
export function saturating(perSm: number, max: number, knee: number, smCount: number): number {
  const x = (perSm * smCount) / max;
  return (max * x) / Math.pow(1 + Math.pow(x, knee), 1 / knee);
}

/**
 * Piecewise-linear value of a measured curve at `smCount`. Below the first point the value scales in
 * proportion to SM count (both Π and W go to 0 with 0 SMs); above the last point it stays flat (the last
 * point is the whole GPU). Points must be sorted by smCount with positive values (the config loader checks).
 */
export function curveAt(points: readonly CurvePoint[], smCount: number): number {
  const first = points[0];
  if (smCount <= first.smCount) return (first.value * smCount) / first.smCount;
  for (let i = 1; i < points.length; i++) {
    const hi = points[i];
    if (smCount <= hi.smCount) {
      const lo = points[i - 1];
      const t = (smCount - lo.smCount) / (hi.smCount - lo.smCount);
      return lo.value + t * (hi.value - lo.value);
    }
  }
  return points[points.length - 1].value;
}

/**
 * Tables of curveAt over integer SM counts, built once per (immutable) curve. The latency model asks for
 * Π(S) and W(S) on every forward it prices, hundreds of thousands of times per replay; a lookup instead of
 * a scan. Keyed by the curve array itself, which parsed specs freeze, so the table cannot go stale.
 */
const tables = new WeakMap<readonly CurvePoint[], Float64Array>();

export function curveAtFast(points: readonly CurvePoint[], smCount: number): number {
  if (!Number.isInteger(smCount) || smCount < 0 || smCount > 4096) return curveAt(points, smCount);
  let t = tables.get(points);
  if (!t || t.length <= smCount) {
    const size = Math.max(smCount, points[points.length - 1].smCount) + 1;
    t = new Float64Array(size);
    for (let s = 0; s < size; s++) t[s] = curveAt(points, s);
    tables.set(points, t);
  }
  return t[smCount];
}

/**
 * A recorded correction over SM counts (a rescale, the remainder SMs drawn) at `smCount`: piecewise linear between its
 * points and flat outside them — unlike curveAt, nothing about it goes to 0 with the SMs. `points` is non-empty.
 */
export function flatCurveAt(points: readonly CurvePoint[], smCount: number): number {
  return smCount <= points[0].smCount ? points[0].value : curveAtFast(points, smCount);
}
