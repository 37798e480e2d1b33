import { InputError, type InputProblem } from '../core/input-error.js';

export interface ProblemListOptions {
  /**
   * Problems kept before the rest are only counted. A file wrong the same way on each of its 10,000 lines
   * would otherwise print 10,000 lines; loaders of line-oriented files (traces, JSONL records) set this.
   * Unbounded by default: a config or study file is short, and every problem in it is worth reading.
   */
  readonly maxProblems?: number;
}

/**
 * The one place every loader collects located problems (sim/core/input-error.ts) while it keeps reading,
 * so the user sees them all at once instead of fixing one per run; `throwIfAny` ends the read with a single
 * InputError. `file` is the default for `add`; `push` takes a problem about any file, for loaders that read
 * several files into one report (reports/load-inputs.ts).
 */
export class ProblemList {
  private readonly kept: InputProblem[] = [];
  private droppedCount = 0;
  readonly maxProblems: number;

  constructor(
    readonly file: string,
    options: ProblemListOptions = {},
  ) {
    this.maxProblems = options.maxProblems ?? Infinity;
  }

  /** Problems seen so far, including those past `maxProblems` that are only counted. */
  get count(): number {
    return this.kept.length + this.droppedCount;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** A problem in this list's file; `line` 0 means the file as a whole, `column` 0 unknown. */
  add(code: string, line: number, field: string, message: string, column = 0): void {
    this.push({ code, file: this.file, line, column, field, message });
  }

  push(p: InputProblem): void {
    if (this.kept.length < this.maxProblems) this.kept.push(p);
    else this.droppedCount++;
  }

  /** The problems kept, then one saying how many more were seen. */
  all(): InputProblem[] {
    if (this.droppedCount === 0) return [...this.kept];
    const more: InputProblem = { code: 'too-many-problems', file: this.file, line: 0, column: 0, field: '', message: `${this.droppedCount} more problem(s) not shown` };
    return [...this.kept, more];
  }

  /** Throws an InputError holding every collected problem; does nothing when there are none. */
  throwIfAny(): void {
    if (this.count > 0) throw new InputError(this.all());
  }
}
