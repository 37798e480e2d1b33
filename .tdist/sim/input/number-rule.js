export const POSITIVE = { min: 0, minExclusive: true };
export const POSITIVE_INTEGER = { integer: true, min: 0, minExclusive: true };
export const NON_NEGATIVE = { min: 0 };
/** The first way `v` breaks `rule`, or null when it is a number that keeps it. */
export function numberProblem(v, rule) {
    if (typeof v !== 'number' || !Number.isFinite(v))
        return { code: 'wrong-type', message: `expected ${rule.integer ? 'an integer' : 'a number'}` };
    const why = rule.why ? ` (${rule.why})` : '';
    if (rule.integer && !Number.isInteger(v))
        return { code: 'not-integer', message: `expected an integer, got ${v}` };
    // 1e20 is an integer to JavaScript but not the one written: past 2^53 doubles skip integers.
    if (rule.integer && !Number.isSafeInteger(v))
        return { code: 'out-of-range', message: `expected an integer of magnitude below 2^53, got ${v}` };
    if (rule.min !== undefined && (rule.minExclusive ? v <= rule.min : v < rule.min)) {
        const code = rule.min === 0 ? (rule.minExclusive ? 'not-positive' : 'negative') : 'out-of-range';
        return { code, message: `expected a value ${rule.minExclusive ? '>' : '≥'} ${rule.min}${why}, got ${v}` };
    }
    if (rule.max !== undefined && v > rule.max)
        return { code: 'out-of-range', message: `expected a value ≤ ${rule.max}${why}, got ${v}` };
    return null;
}
