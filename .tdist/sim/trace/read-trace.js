import { detectTraceFormat, getTraceFormat } from './formats.js';
import { readTextFile } from '../core/read-text.js';
/**
 * Reads and parses a trace file in one pass. `displayName` is how the file is named in origins and
 * errors (the path the user typed, or the bundled trace's package-relative path). `format` is a
 * registry name or null to detect it from the file.
 */
export function readTrace(path, displayName, format) {
    // gzip is decompressed (traces are often shipped as .csv.gz); detection then reads the inner name.
    const text = readTextFile(path, displayName, { gunzip: true });
    const parser = format === null ? detectTraceFormat(displayName.replace(/\.gz$/i, ''), text) : getTraceFormat(format, { file: displayName, field: 'format' });
    return parser.parse(text, displayName);
}
