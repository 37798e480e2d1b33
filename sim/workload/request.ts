/**
 * One inference request after the workload stage: arrival time on the simulation clock and token counts.
 * Produced by sim/workload/*, consumed read-only by the engine.
 */
export interface Request {
  /** Unique, dense from 0 in arrival order; the final tie-break of every sort. */
  readonly id: number;
  readonly arrivalUs: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  /**
   * Prefix-block hashes (Mooncake style): equal ids at equal positions mean the KV of that block can be
   * reused. Empty when the trace carries none.
   */
  readonly hashIds: readonly number[];
  /** Token count per hash block (Mooncake: 512). 0 when hashIds is empty. */
  readonly hashBlockTokens: number;
  /** Where the record came from, for error messages and per-request output: "file:line". */
  readonly origin: string;
}
