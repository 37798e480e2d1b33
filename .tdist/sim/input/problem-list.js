import { InputError } from '../core/input-error.js';
/**
 * The one place every loader collects located problems (sim/core/input-error.ts) while it keeps reading,
 * so the user sees them all at once instead of fixing one per run; `throwIfAny` ends the read with a single
 * InputError. `file` is the default for `add`; `push` takes a problem about any file, for loaders that read
 * several files into one report (reports/load-inputs.ts).
 */
export class ProblemList {
    file;
    kept = [];
    droppedCount = 0;
    maxProblems;
    constructor(file, options = {}) {
        this.file = file;
        this.maxProblems = options.maxProblems ?? Infinity;
    }
    /** Problems seen so far, including those past `maxProblems` that are only counted. */
    get count() {
        return this.kept.length + this.droppedCount;
    }
    get isEmpty() {
        return this.count === 0;
    }
    /** A problem in this list's file; `line` 0 means the file as a whole, `column` 0 unknown. */
    add(code, line, field, message, column = 0) {
        this.push({ code, file: this.file, line, column, field, message });
    }
    push(p) {
        if (this.kept.length < this.maxProblems)
            this.kept.push(p);
        else
            this.droppedCount++;
    }
    /** The problems kept, then one saying how many more were seen. */
    all() {
        if (this.droppedCount === 0)
            return [...this.kept];
        const more = { code: 'too-many-problems', file: this.file, line: 0, column: 0, field: '', message: `${this.droppedCount} more problem(s) not shown` };
        return [...this.kept, more];
    }
    /** Throws an InputError holding every collected problem; does nothing when there are none. */
    throwIfAny() {
        if (this.count > 0)
            throw new InputError(this.all());
    }
}
