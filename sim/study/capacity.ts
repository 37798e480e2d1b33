/**
 * Capacity search: the highest offered rate (requests/s) at which SLO attainment stays at or above a
 * target. Pure logic over a response function, so it can be tested against synthetic curves and reused
 * with any runner. Attainment falls with load, but near the knee single runs are noisy, so every probe
 * averages several seeds, and the search only assumes the *mean* response crosses the target once.
 */

export interface CapacitySearch {
  /** Lowest SLO attainment (0..1) that still counts as serving the load. */
  readonly targetAttainment: number;
  /** Seeds each probe is averaged over (base seed, base seed + 1, …). */
  readonly repeats: number;
  /** First rate tried, requests/s. */
  readonly startQps: number;
  /** Factor the rate grows by while bracketing (> 1). */
  readonly growthFactor: number;
  /** Bisection stops when (hi − lo) / lo falls below this. */
  readonly relTolerance: number;
  /** Upper limit on probes per setting, so a setting that never fails cannot run forever. */
  readonly maxProbes: number;
  /** Bracketing stops above this rate, reporting no failing rate (bracket [lo, null]). */
  readonly maxQps: number;
}

/** SLO attainment (0..1) of one run at `rateQps`, repeat `repeat` (0-based; callers map it to a seed). */
export type AttainmentAt = (rateQps: number, repeat: number) => Promise<number>;

export interface CapacityProbe {
  readonly rate_qps: number;
  /** Attainment of each repeat, in repeat order. */
  readonly attainments: readonly number[];
  readonly mean_attainment: number;
  readonly passed: boolean;
}

export interface CapacityResult {
  /** Highest rate seen to pass; 0 when even the lowest rate tried failed. */
  readonly capacity_qps: number;
  /** Passing lower and failing upper rate; hi is null when no failing rate was found within maxProbes. */
  readonly bracket: readonly [number, number | null];
  /** True when the bracket closed to relTolerance; false when maxProbes ran out first. */
  readonly converged: boolean;
  /** In the order they ran. */
  readonly probes: readonly CapacityProbe[];
}

/**
 * Brackets geometrically (multiply the rate by growthFactor until a probe fails, or divide until one
 * passes), then bisects in log space (the midpoint of lo and hi is √(lo·hi), which suits rates spanning
 * decades) until (hi − lo)/lo ≤ relTolerance. Repeats of a probe run concurrently.
 */
export async function findCapacity(attainmentAt: AttainmentAt, search: CapacitySearch): Promise<CapacityResult> {
  const probes: CapacityProbe[] = [];
  const probe = async (rateQps: number): Promise<boolean> => {
    const repeats = Array.from({ length: search.repeats }, (_, i) => attainmentAt(rateQps, i));
    const attainments = await Promise.all(repeats);
    // Summed in repeat order so the mean is bit-identical however the runs were scheduled.
    let sum = 0;
    for (const a of attainments) sum += a;
    const mean = sum / attainments.length;
    const passed = mean >= search.targetAttainment;
    probes.push({ rate_qps: rateQps, attainments, mean_attainment: mean, passed });
    return passed;
  };
  const result = (lo: number, hi: number | null, converged: boolean): CapacityResult => ({
    capacity_qps: lo,
    bracket: [lo, hi],
    converged,
    probes,
  });

  let lo: number;
  let hi: number;
  let rate = search.startQps;
  if (await probe(rate)) {
    lo = rate;
    for (;;) {
      if (probes.length >= search.maxProbes || rate * search.growthFactor > search.maxQps) return result(lo, null, false);
      rate *= search.growthFactor;
      if (!(await probe(rate))) break;
      lo = rate;
    }
    hi = rate;
  } else {
    hi = rate;
    for (;;) {
      if (probes.length >= search.maxProbes) return result(0, hi, false);
      rate /= search.growthFactor;
      if (await probe(rate)) break;
      hi = rate;
    }
    lo = rate;
  }
  while ((hi - lo) / lo > search.relTolerance) {
    if (probes.length >= search.maxProbes) return result(lo, hi, false);
    const mid = Math.sqrt(lo * hi);
    if (await probe(mid)) lo = mid;
    else hi = mid;
  }
  return result(lo, hi, true);
}
