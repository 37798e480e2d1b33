import type { Rng } from '../core/rng.js';
import { sampleExponential, sampleGamma } from './random-variates.js';

export const ARRIVAL_KINDS = ['poisson', 'gamma', 'constant'] as const;
export type ArrivalKind = (typeof ARRIVAL_KINDS)[number];

/**
 * A synthetic arrival process. Gaps between arrivals are independent with mean 1/rateQps and
 * coefficient of variation (std/mean) `cv`: Poisson is cv 1 (exponential gaps), constant is cv 0, and
 * Gamma gaps take any cv > 0 (shape 1/cv², scale mean·cv²), cv > 1 giving bursty traffic.
 */
export interface ArrivalProcess {
  readonly kind: ArrivalKind;
  readonly rateQps: number;
  /** Only for 'gamma' (required there); Poisson and constant have a fixed cv. */
  readonly cv?: number;
}

/**
 * Arrival times in whole µs, the first at 0: `count` of them, or, when count is null, all that fall
 * before `durationUs`. Exactly one of the two limits must be given.
 */
export function generateArrivalsUs(process: ArrivalProcess, count: number | null, durationUs: number | null, rng: Rng): number[] {
  if ((count === null) === (durationUs === null)) throw new RangeError('generateArrivalsUs: give exactly one of count and durationUs');
  if (!(process.rateQps > 0)) throw new RangeError(`generateArrivalsUs: rateQps must be positive, got ${process.rateQps}`);
  const nextGap = gapSampler(process, rng);
  const out: number[] = [];
  let tUs = 0;
  while (count === null ? tUs < (durationUs as number) : out.length < count) {
    out.push(Math.round(tUs));
    tUs += nextGap();
  }
  return out;
}

/** A function returning successive gaps in µs (fractional; rounding happens once, on the running sum). */
function gapSampler(process: ArrivalProcess, rng: Rng): () => number {
  const meanGapUs = 1e6 / process.rateQps;
  switch (process.kind) {
    case 'constant':
      return () => meanGapUs;
    case 'poisson':
      return () => meanGapUs * sampleExponential(rng);
    case 'gamma': {
      const cv = process.cv;
      if (cv === undefined || !(cv > 0)) throw new RangeError(`generateArrivalsUs: gamma arrivals need cv > 0, got ${cv}`);
      const shape = 1 / (cv * cv);
      const scaleUs = meanGapUs * cv * cv;
      return () => scaleUs * sampleGamma(shape, rng);
    }
  }
}
