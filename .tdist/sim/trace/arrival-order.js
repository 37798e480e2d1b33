/**
 * Checks that arrivals never go backwards through a file. Traces are replayed in file order and ids are
 * assigned in that order, so a row out of order is a broken file, not something to sort quietly.
 * Equal times are fine (Mooncake quantises arrivals to ~3 s buckets).
 */
export class ArrivalOrder {
    problems;
    field;
    latestUs = -Infinity;
    latestLine = 0;
    constructor(problems, field) {
        this.problems = problems;
        this.field = field;
    }
    /** Records `arrivalUs` of `line`; a time earlier than the latest seen so far is a problem. */
    check(arrivalUs, line) {
        if (arrivalUs < this.latestUs) {
            this.problems.add('out-of-order', line, this.field, `timestamp goes backwards: earlier than line ${this.latestLine}`);
            return; // keep the latest, so one stray row is reported once rather than for every row after it
        }
        this.latestUs = arrivalUs;
        this.latestLine = line;
    }
}
