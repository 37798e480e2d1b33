import type { ProblemList } from '../input/problem-list.js';

/**
 * Checks that arrivals never go backwards through a file. Traces are replayed in file order and ids are
 * assigned in that order, so a row out of order is a broken file, not something to sort quietly.
 * Equal times are fine (Mooncake quantises arrivals to ~3 s buckets).
 */
export class ArrivalOrder {
  private latestUs = -Infinity;
  private latestLine = 0;

  constructor(
    private readonly problems: ProblemList,
    private readonly field: string,
  ) {}

  /** Records `arrivalUs` of `line`; a time earlier than the latest seen so far is a problem. */
  check(arrivalUs: number, line: number): void {
    if (arrivalUs < this.latestUs) {
      this.problems.add('out-of-order', line, this.field, `timestamp goes backwards: earlier than line ${this.latestLine}`);
      return; // keep the latest, so one stray row is reported once rather than for every row after it
    }
    this.latestUs = arrivalUs;
    this.latestLine = line;
  }
}
