import { escapeControl } from './quote-input.js';
/**
 * Messages quote input (cells, keys, file names): quoting sites cut what they quote (quote-input.ts),
 * and this is the net under all of them, so no problem prints terminal control characters or runs to
 * megabytes, whichever loader raised it.
 */
const MAX_MESSAGE_CHARS = 2000;
export function formatProblem(p) {
    const where = p.line > 0 ? `${p.file}:${p.line}${p.column > 0 ? `:${p.column}` : ''}` : p.file;
    const field = p.field ? ` [${p.field}]` : '';
    const message = p.message.length > MAX_MESSAGE_CHARS ? `${p.message.slice(0, MAX_MESSAGE_CHARS)}… (message cut at ${MAX_MESSAGE_CHARS} of ${p.message.length} characters)` : p.message;
    return escapeControl(`${where}${field}: ${message} (${p.code})`);
}
export class InputError extends Error {
    problems;
    constructor(problems) {
        super(problems.map(formatProblem).join('\n'));
        this.name = 'InputError';
        this.problems = problems;
    }
}
/** Shorthand for a single located problem. */
export function inputError(code, file, line, field, message, column = 0) {
    return new InputError([{ code, file, line, column, field, message }]);
}
