/**
 * Histogram with logarithmic bins for latency samples: memory independent of the sample count, quantiles
 * within half a bin's relative width of the exact value. The simulator records every inter-token gap
 * (millions per replay); keeping them all would make memory grow with the trace, so TBT percentiles
 * come from here while per-request metrics stay exact.
 *
 * Bins come from the bits of the float64 (as HdrHistogram does): the exponent and the top `mantissaBits`
 * bits of the mantissa, so a bin spans at most 2^-mantissaBits of its lower edge (10 bits: 0.098%) and
 * finding it costs no logarithm — this runs once per generated token.
 */
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Index of the high word of a float64 on this platform (1 on little-endian machines).
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
export class LogHistogram {
    minValue;
    mantissaBits;
    counts;
    shift;
    firstKey;
    count = 0;
    sum = 0;
    min = Infinity;
    max = -Infinity;
    /**
     * @param minValue values at or below it share the first bin (min and max stay exact)
     * @param maxValue values at or above it share the last bin
     * @param mantissaBits bin resolution: relative width 2^-mantissaBits
     */
    constructor(minValue = 1, maxValue = 1e10, mantissaBits = 10) {
        this.minValue = minValue;
        this.mantissaBits = mantissaBits;
        this.shift = 20 - mantissaBits;
        this.firstKey = this.key(minValue);
        this.counts = new Uint32Array(this.key(maxValue) - this.firstKey + 1);
    }
    key(value) {
        f64[0] = value;
        return u32[HI] >>> this.shift;
    }
    /**
     * The bin key of a value at `mantissaBits` resolution: histograms of coarser resolution take it shifted
     * right by the difference (see `addKeyed`), so a value's bits are read once for several histograms.
     */
    static keyOf(value, mantissaBits) {
        f64[0] = value;
        return u32[HI] >>> (20 - mantissaBits);
    }
    /** Adds a value whose key at `keyBits` resolution (≥ this histogram's) is already known. */
    addKeyed(value, key, keyBits) {
        this.count++;
        this.sum += value;
        if (value < this.min)
            this.min = value;
        if (value > this.max)
            this.max = value;
        let bin = value <= this.minValue ? 0 : (key >>> (keyBits - this.mantissaBits)) - this.firstKey;
        if (bin >= this.counts.length)
            bin = this.counts.length - 1;
        this.counts[bin]++;
    }
    add(value) {
        this.count++;
        this.sum += value;
        if (value < this.min)
            this.min = value;
        if (value > this.max)
            this.max = value;
        let bin = value <= this.minValue ? 0 : this.key(value) - this.firstKey;
        if (bin >= this.counts.length)
            bin = this.counts.length - 1;
        this.counts[bin]++;
    }
    /** Lower edge of a bin, from its key: rebuild the float64 from exponent and mantissa bits. */
    lowerEdge(bin) {
        u32[HI] = (bin + this.firstKey) << this.shift;
        u32[1 - HI] = 0;
        return f64[0];
    }
    /**
     * The q-quantile (0 ≤ q ≤ 1): the element at 0-based rank ⌊q·(n−1)⌋, reported at its bin's midpoint and
     * clamped to the exact min and max. NaN when empty.
     */
    quantile(q) {
        if (this.count === 0)
            return NaN;
        if (q <= 0)
            return this.min;
        if (q >= 1)
            return this.max;
        const rank = Math.floor(q * (this.count - 1)) + 1;
        let seen = 0;
        for (let i = 0; i < this.counts.length; i++) {
            seen += this.counts[i];
            if (seen >= rank) {
                const lo = this.lowerEdge(i);
                const hi = this.lowerEdge(i + 1);
                return Math.min(this.max, Math.max(this.min, (lo + hi) / 2));
            }
        }
        return this.max;
    }
    get mean() {
        return this.count === 0 ? NaN : this.sum / this.count;
    }
}
