/**
 * The schema ids of duetsim's own output files, defined once: their writers stamp them and every reader
 * (studies resuming and merging, `duetsim report`) checks them from here. The shapes live with their
 * writers (sim/metrics/results.ts, sim/study/results-log.ts); the ids live here because reports/ may run
 * code from the input layer only (test/layering.test.ts), and a reader must not spell an id of its own.
 * Bump an id for any incompatible change to its format.
 */
/** One replay's results JSON (`duetsim replay --out`). */
export const RESULT_SCHEMA = 'duetsim.result/1';
/** One finished point or capacity answer of a study (`duetsim whatif`), one JSON line each. */
export const STUDY_LINE_SCHEMA = 'duetsim.study-line/1';
