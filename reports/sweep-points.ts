import type { StudyPoint } from './report-input.js';
import type { Summary } from '../sim/metrics/results.js';

/** One setting at one offered rate, averaged over the seeds it was run with. */
export interface SweepPoint {
  readonly series: string;
  readonly policy: string;
  readonly rateQps: number;
  readonly seeds: number;
  /** Field → mean over seeds, for the summary numbers the report draws. */
  readonly mean: (pick: (s: Summary) => number) => number;
}

/**
 * Groups study points by (setting, rate), ordered by setting then rate. Capacity probes run several
 * seeds per rate; averaging them here is what the search itself judged. Points without an offered
 * rate (the trace's own) cannot be placed on a rate axis and are left out.
 */
export function sweepPoints(points: readonly StudyPoint[]): SweepPoint[] {
  const groups = new Map<string, StudyPoint[]>();
  for (const p of points) {
    if (p.rateQps === null) continue;
    const key = JSON.stringify([p.series, p.rateQps]);
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const out = [...groups.values()].map((g): SweepPoint => {
    // Summed in seed order, so the mean does not depend on the order lines were written in.
    const bySeed = [...g].sort((a, b) => a.seed - b.seed);
    const first = bySeed[0] as StudyPoint;
    return {
      series: first.series,
      policy: first.policy,
      rateQps: first.rateQps as number,
      seeds: bySeed.length,
      mean: (pick) => bySeed.reduce((acc, p) => acc + pick(p.summary), 0) / bySeed.length,
    };
  });
  return out.sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.rateQps - b.rateQps));
}
