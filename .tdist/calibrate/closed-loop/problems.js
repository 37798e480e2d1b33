/**
 * Problems kept per closed-loop JSONL file (schedules, executor results) before the rest are only counted
 * (sim/input/problem-list.ts): a file wrong the same way on each of its 10,000 lines would otherwise print
 * 10,000 lines.
 */
export const MAX_PROBLEMS = 50;
/** A finite number ≥ min (integer when asked): the fast check for hot fields such as the decode entries. */
export function isNum(v, min) {
    return typeof v === 'number' && Number.isFinite(v) && v >= min;
}
export function isInt(v, min) {
    return typeof v === 'number' && Number.isInteger(v) && v >= min;
}
/**
 * Deep equality of two JSON values, key order ignored, numbers within a relative `numberTolerance`;
 * returns the first differing key path, or null when equal.
 */
export function jsonDifference(a, b, numberTolerance = 0, path = '') {
    if (a === b)
        return null;
    if (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= numberTolerance * Math.max(Math.abs(a), Math.abs(b)))
        return null;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b))
        return path || '(root)';
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length)
            return path || '(root)';
        for (let i = 0; i < a.length; i++) {
            const d = jsonDifference(a[i], b[i], numberTolerance, `${path}[${i}]`);
            if (d !== null)
                return d;
        }
        return null;
    }
    const ao = a;
    const bo = b;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
    for (const k of keys) {
        const d = jsonDifference(ao[k], bo[k], numberTolerance, path ? `${path}.${k}` : k);
        if (d !== null)
            return d;
    }
    return null;
}
