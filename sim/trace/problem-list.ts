import { InputError, type InputProblem } from '../core/input-error.js';

/**
 * Collects located problems while a loader keeps reading, so the user sees many at once instead of fixing
 * them one run at a time. Stops collecting at `maxProblems` (a file with a wrong format would otherwise
 * print thousands of identical lines) and says how many more it saw.
 */
export class ProblemList {
  private readonly problems: InputProblem[] = [];
  private overflowCount = 0;

  constructor(
    readonly file: string,
    readonly maxProblems = 20,
  ) {}

  add(code: string, line: number, field: string, message: string): void {
    if (this.problems.length >= this.maxProblems) {
      this.overflowCount++;
      return;
    }
    this.problems.push({ code, file: this.file, line, column: 0, field, message });
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  /** Throws an InputError holding every collected problem; does nothing when there are none. */
  throwIfAny(): void {
    if (this.problems.length === 0) return;
    const all = [...this.problems];
    if (this.overflowCount > 0) {
      all.push({
        code: 'too-many-problems',
        file: this.file,
        line: 0,
        column: 0,
        field: '',
        message: `${this.overflowCount} more problem(s) not shown`,
      });
    }
    throw new InputError(all);
  }
}
