import type { Request } from './request.js';
import type { TimedTrace } from '../trace/trace.js';
import { renumber } from './renumber.js';

/** The trace's requests in file order, on a clock that starts at its first arrival. */
export function requestsFromTrace(trace: TimedTrace): Request[] {
  return renumber(
    trace.records.map((r) => ({
      id: 0,
      arrivalUs: r.arrivalUs,
      promptTokens: r.promptTokens,
      outputTokens: r.outputTokens,
      hashIds: r.hashIds,
      hashBlockTokens: r.hashIds.length > 0 ? trace.hashBlockTokens : 0,
      origin: `${trace.file}:${r.line}`,
    })),
  );
}
