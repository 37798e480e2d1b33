/**
 * Histogram with logarithmic bins for latency samples: memory independent of the sample count, quantiles
 * within half a bin's relative width of the exact value. The simulator records every inter-token gap
 * (millions per replay); keeping them all would make memory grow with the trace, so TBT percentiles
 * come from here (default resolution 0.1%) while per-request metrics stay exact.
 */
export class LogHistogram {
  private readonly counts: Uint32Array;
  private readonly logBase: number;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  /**
   * @param minValue smallest value resolved (smaller ones land in the first bin)
   * @param maxValue largest value resolved (larger ones land in the last bin; min/max stay exact)
   * @param relativeWidth bin width as a fraction of its lower edge
   */
  constructor(
    private readonly minValue = 1,
    maxValue = 1e9,
    relativeWidth = 0.001,
  ) {
    this.logBase = Math.log1p(relativeWidth);
    this.counts = new Uint32Array(Math.ceil(Math.log(maxValue / minValue) / this.logBase) + 1);
  }

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    let bin = value <= this.minValue ? 0 : Math.floor(Math.log(value / this.minValue) / this.logBase);
    if (bin >= this.counts.length) bin = this.counts.length - 1;
    this.counts[bin]++;
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1), R-7 style rank like d3.quantile, reported at the bin's midpoint and
   * clamped to the exact min and max. NaN when empty.
   */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = Math.floor(q * (this.count - 1)) + 1;
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const mid = this.minValue * Math.exp((i + 0.5) * this.logBase);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }
}
