/**
 * Least-squares isotonic (non-decreasing) regression by pool-adjacent-violators. Used for the Π(S) and
 * W(S) curves: more SMs never lower the achievable rate, so a measured dip (noise, a slower GPC) is
 * pooled with its neighbours instead of becoming a kink the latency model would follow.
 */
export function isotonicNonDecreasing(values, weights) {
    const blocks = [];
    values.forEach((v, i) => {
        const w = weights ? weights[i] : 1;
        blocks.push({ sum: v * w, weight: w, count: 1 });
        while (blocks.length > 1) {
            const b = blocks[blocks.length - 1];
            const a = blocks[blocks.length - 2];
            if (a.sum / a.weight <= b.sum / b.weight)
                break;
            blocks.splice(blocks.length - 2, 2, { sum: a.sum + b.sum, weight: a.weight + b.weight, count: a.count + b.count });
        }
    });
    const out = [];
    for (const b of blocks)
        for (let i = 0; i < b.count; i++)
            out.push(b.sum / b.weight);
    return out;
}
