import { inputError } from '../core/input-error.js';
import { MAX_CLOCK_DAYS, MAX_CLOCK_US } from '../core/limits.js';
/**
 * The trace's requests in file order (ids dense from 0), on a clock that starts at its first arrival.
 * A trace spanning more than the clock holds at µs precision (MAX_CLOCK_US, ~407 days) is an error at
 * the first record beyond it.
 */
export function requestsFromTrace(trace) {
    const firstUs = trace.records.length > 0 ? trace.records[0].arrivalUs : 0;
    const late = trace.records.find((r) => r.arrivalUs - firstUs > MAX_CLOCK_US);
    if (late !== undefined) {
        throw inputError('time-out-of-range', trace.file, late.line, '', `this arrival is ${((late.arrivalUs - firstUs) / 86_400e6).toPrecision(3)} days after the first; the simulator's clock keeps µs precision for ${MAX_CLOCK_DAYS} days`);
    }
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
