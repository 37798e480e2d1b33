/**
 * A problem with a file given to the report: where (file, 1-based line or 0 for the whole file,
 * field path) and a stable code. Mirrors sim/core/input-error.ts's shape without importing it, since
 * reports/ stays independent of sim/; the CLI turns these into its InputError.
 */
export interface ReportProblem {
  readonly code: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;
  readonly message: string;
}

export class ReportInputError extends Error {
  readonly problems: readonly ReportProblem[];
  constructor(problems: readonly ReportProblem[]) {
    super(problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}` : ''}${p.field ? ` [${p.field}]` : ''}: ${p.message} (${p.code})`).join('\n'));
    this.name = 'ReportInputError';
    this.problems = problems;
  }
}
