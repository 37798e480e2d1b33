import type { InputProblem } from '../sim/core/input-error.js';

/**
 * A problem with a file given to the report: where (file, 1-based line or 0 for the whole file, field
 * path) and a stable code. The same located problem as every other input's (sim/core/input-error.ts),
 * taken as a type only, since reports/ runs no sim/ code; the CLI (bin/report.ts) turns a
 * ReportInputError into its InputError, which formats the problems.
 */
export type ReportProblem = InputProblem;

export class ReportInputError extends Error {
  readonly problems: readonly ReportProblem[];
  constructor(problems: readonly ReportProblem[]) {
    super(problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}${p.field ? ` [${p.field}]` : ''}: ${p.message} (${p.code})`).join('\n'));
    this.name = 'ReportInputError';
    this.problems = problems;
  }
}
