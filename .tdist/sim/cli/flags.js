import { inputError } from '../core/input-error.js';
import { quoteInput } from '../core/quote-input.js';
/**
 * Flag parsers for commander: each turns a string into a typed value or throws an InputError naming
 * the flag, so `--rate abc` fails with "<command line> [--rate]: …" like any other bad input.
 */
const WHERE = '<command line>';
export function parseNumber(flag, opts = {}) {
    return (v) => {
        const x = Number(v);
        if (v.trim() === '' || !Number.isFinite(x))
            throw inputError('bad-flag', WHERE, 0, flag, `expected a number, got ${quoteInput(v)}`);
        if (opts.integer && !Number.isInteger(x))
            throw inputError('bad-flag', WHERE, 0, flag, `expected an integer, got ${quoteInput(v)}`);
        // 1e20 parses as an integer, but not the one written: doubles hold every integer only up to 2^53.
        if (opts.integer && !Number.isSafeInteger(x))
            throw inputError('bad-flag', WHERE, 0, flag, `expected an integer of magnitude below 2^53, got ${quoteInput(v)}`);
        if (opts.min !== undefined && (opts.exclusiveMin ? x <= opts.min : x < opts.min)) {
            throw inputError('bad-flag', WHERE, 0, flag, `must be ${opts.exclusiveMin ? '>' : '≥'} ${opts.min}, got ${v}`);
        }
        if (opts.max !== undefined && x > opts.max)
            throw inputError('bad-flag', WHERE, 0, flag, `must be ≤ ${opts.max}, got ${v}`);
        return x;
    };
}
/** `--param name=value`, repeatable; values that look numeric or boolean are converted. */
export function collectParam(v, acc) {
    const eq = v.indexOf('=');
    if (eq <= 0)
        throw inputError('bad-flag', WHERE, 0, '--param', `expected name=value, got '${v}'`);
    const key = v.slice(0, eq).trim();
    const raw = v.slice(eq + 1).trim();
    const value = raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    return { ...acc, [key]: value };
}
export function parseChoice(flag, choices) {
    return (v) => {
        if (!choices.includes(v))
            throw inputError('bad-flag', WHERE, 0, flag, `expected one of ${choices.join(', ')}, got '${v}'`);
        return v;
    };
}
