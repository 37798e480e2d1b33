import { azureCsv } from './azure-csv.js';
import { mooncakeJsonl } from './mooncake-jsonl.js';
import { sharegptLengths } from './sharegpt-lengths.js';
import { duetsimJsonl } from './duetsim-jsonl.js';
import { inputError } from '../core/input-error.js';
/**
 * Every trace format, keyed by the name users pass as `--format` (also the file name of its loader).
 * Adding a format is its file plus one line here; a duplicate key does not compile.
 */
export const TRACE_FORMATS = {
    'azure-csv': azureCsv,
    'mooncake-jsonl': mooncakeJsonl,
    'sharegpt-lengths': sharegptLengths,
    'duetsim-jsonl': duetsimJsonl,
};
const FORMAT_NAMES = Object.keys(TRACE_FORMATS);
/** The format named `name`; an unknown name is an input error listing the valid ones. */
export function getTraceFormat(name, where) {
    const format = TRACE_FORMATS[name];
    if (format === undefined) {
        throw inputError('unknown-format', where.file, 0, where.field, `unknown trace format '${name}' (valid: ${FORMAT_NAMES.join(', ')})`);
    }
    return format;
}
/**
 * Picks the format of `file` from its first non-blank line (header or JSON keys), preferring formats whose
 * extension matches. A file nothing recognises is an input error that lists the formats and suggests
 * `--format`.
 */
export function detectTraceFormat(file, text) {
    const firstLine = firstNonBlankLine(text);
    const lower = file.toLowerCase();
    const all = Object.values(TRACE_FORMATS);
    const byExtension = all.filter((f) => f.extensions.some((e) => lower.endsWith(e)));
    const match = [...byExtension, ...all].find((f) => f.sniff(firstLine));
    if (match !== undefined)
        return match;
    throw inputError('unknown-format', file, 1, '', `cannot tell the trace format from the first line '${firstLine.slice(0, 80)}'; name one with --format (${FORMAT_NAMES.join(', ')})`);
}
function firstNonBlankLine(text) {
    const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
    for (const raw of body.split('\n', 50)) {
        const t = raw.replace(/\r$/, '');
        if (t.trim() !== '')
            return t;
    }
    return '';
}
