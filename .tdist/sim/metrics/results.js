/**
 * The results JSON of one replay: what `duetsim replay --out` writes and what reports/ and studies read.
 * Field names are snake_case with units, as they appear in the file. Bumping `schema` is required for
 * any incompatible change. Everything here is deterministic for a given config and seed: no wall-clock
 * times (those go to stderr).
 */
export { RESULT_SCHEMA } from '../input/file-formats.js';
/** Cap on `partitions.segments`: about 100 bytes each, so results stay well under a megabyte. */
export const PARTITION_SEGMENT_LIMIT = 4000;
/** Cap on `request_sample.requests`: enough for a scatter plot, small enough to embed in a page. */
export const REQUEST_SAMPLE_LIMIT = 2000;
/** Percentiles of `cdf.tail`. */
export const TAIL_PERCENTILES = [99.25, 99.5, 99.75, 99.9];
