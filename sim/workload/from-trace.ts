import type { Request } from './request.js';
import type { TimedTrace } from '../trace/trace.js';

/** The trace's requests in file order (ids dense from 0), on a clock that starts at its first arrival. */
export function requestsFromTrace(trace: TimedTrace): Request[] {
  const firstUs = trace.records.length > 0 ? trace.records[0].arrivalUs : 0;
  return trace.records.map((r, id) => ({
    id,
    arrivalUs: r.arrivalUs - firstUs,
    promptTokens: r.promptTokens,
    outputTokens: r.outputTokens,
    hashIds: r.hashIds,
    hashBlockTokens: r.hashIds.length > 0 ? trace.hashBlockTokens : 0,
    origin: `${trace.file}:${r.line}`,
  }));
}
