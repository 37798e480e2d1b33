import { escapeControl } from './quote-input.js';

/**
 * Errors about user input (traces, configs, CLI flags, study files). Every one names where the problem
 * is — file, line (1-based), optional column and field — and carries a stable code, so the CLI can print
 * them all together and exit non-zero. Code under sim/ never sees unparsed input; these are raised at the edge.
 */
export interface InputProblem {
  readonly code: string;
  readonly file: string;
  /** 1-based line, or 0 when the problem is about the file as a whole. */
  readonly line: number;
  /** 1-based column, or 0 when unknown. */
  readonly column: number;
  /** Field or key path, e.g. "ContextTokens" or "perf.computeFlopsPerS[2].smCount"; "" when none. */
  readonly field: string;
  readonly message: string;
}

/**
 * Messages quote input (cells, keys, file names): quoting sites cut what they quote (quote-input.ts),
 * and this is the net under all of them, so no problem prints terminal control characters or runs to
 * megabytes, whichever loader raised it.
 */
const MAX_MESSAGE_CHARS = 2000;

export function formatProblem(p: InputProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}${p.column > 0 ? `:${p.column}` : ''}` : p.file;
  const field = p.field ? ` [${p.field}]` : '';
  const message = p.message.length > MAX_MESSAGE_CHARS ? `${p.message.slice(0, MAX_MESSAGE_CHARS)}… (message cut at ${MAX_MESSAGE_CHARS} of ${p.message.length} characters)` : p.message;
  return escapeControl(`${where}${field}: ${message} (${p.code})`);
}

export class InputError extends Error {
  readonly problems: readonly InputProblem[];
  constructor(problems: readonly InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** Shorthand for a single located problem. */
export function inputError(code: string, file: string, line: number, field: string, message: string, column = 0): InputError {
  return new InputError([{ code, file, line, column, field, message }]);
}
