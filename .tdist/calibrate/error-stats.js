export function ape(predicted, measured) {
    return Math.abs(predicted - measured) / measured;
}
export function summarizeApes(apes) {
    if (apes.length === 0)
        return { count: 0, mape: NaN, p90Ape: NaN, worstApe: NaN };
    const sorted = [...apes].sort((a, b) => a - b);
    let sum = 0;
    for (const a of apes)
        sum += a;
    const rank = Math.ceil(0.9 * sorted.length) - 1;
    return { count: apes.length, mape: sum / apes.length, p90Ape: sorted[rank], worstApe: sorted[sorted.length - 1] };
}
/** Median of a non-empty list (the mean of the middle two for an even count). */
export function median(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
/** '3.2%' with one decimal; '–' for an empty group. */
export function formatPct(fraction) {
    return Number.isNaN(fraction) ? '–' : `${(fraction * 100).toFixed(1)}%`;
}
