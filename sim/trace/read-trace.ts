import { readFileSync } from 'node:fs';
import type { Trace } from './trace.js';
import { detectTraceFormat, getTraceFormat } from './formats.js';
import { inputError } from '../core/input-error.js';

/**
 * Reads and parses a trace file in one pass. `displayName` is how the file is named in origins and
 * errors (the path the user typed, or the bundled trace's package-relative path). `format` is a
 * registry name or null to detect it from the file.
 */
export function readTrace(path: string, displayName: string, format: string | null): Trace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read (${(e as Error).message})`;
    throw inputError('unreadable-file', displayName, 0, '', reason);
  }
  const parser = format === null ? detectTraceFormat(displayName, text) : getTraceFormat(format, { file: displayName, field: 'format' });
  return parser.parse(text, displayName);
}
