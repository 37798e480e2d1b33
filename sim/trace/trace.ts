/**
 * What a trace loader returns: one record per data line of the file, in file order, already checked.
 * Records keep the file's own timeline (the workload stage re-bases it to 0 and turns it into Request[]).
 */

/** Token counts of one request, plus where it came from. */
export interface LengthRecord {
  /** 1-based line in the source file, for origins and error messages. */
  readonly line: number;
  /** ≥ 1. */
  readonly promptTokens: number;
  /** ≥ 1: a request that generates nothing is an input error, not a request. */
  readonly outputTokens: number;
  /** Prefix-block hashes (Mooncake style); empty when the format carries none. */
  readonly hashIds: readonly number[];
}

/** A record with an arrival time. */
export interface TimedRecord extends LengthRecord {
  /** Arrival on the trace's own clock, whole µs; non-decreasing through the file. */
  readonly arrivalUs: number;
}

interface TraceBase {
  /** The path as the user gave it (or the bundled file's path), used in origins "file:line". */
  readonly file: string;
  /** Registry key of the loader that read it (sim/trace/formats.ts). */
  readonly format: string;
  /** Tokens per hash block when records carry hashIds, else 0. */
  readonly hashBlockTokens: number;
}

/** A trace with real (or recorded) arrival times. */
export interface TimedTrace extends TraceBase {
  readonly kind: 'timed';
  readonly records: readonly TimedRecord[];
}

/** A length table with no time column: usable only with generated arrivals. */
export interface LengthTrace extends TraceBase {
  readonly kind: 'lengths';
  readonly records: readonly LengthRecord[];
}

export type Trace = TimedTrace | LengthTrace;

/** The hashIds of every record without prefix hashes: one shared frozen array instead of one per row. */
export const NO_HASH_IDS: readonly number[] = Object.freeze([]);
