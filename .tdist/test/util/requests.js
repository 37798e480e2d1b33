/** Requests at the given arrival times (µs), ids in order, lengths and origin derived from the index. */
export function requestsAt(arrivalsUs) {
    return arrivalsUs.map((arrivalUs, id) => ({
        id,
        arrivalUs,
        promptTokens: 100 + id,
        outputTokens: 10 + id,
        hashIds: [],
        hashBlockTokens: 0,
        origin: `t.jsonl:${id + 1}`,
    }));
}
/** Checks the workload invariants; returns a message for the first broken one, or null. */
export function invariantViolation(requests) {
    if (requests.length > 0 && requests[0].arrivalUs !== 0)
        return `first arrival ${requests[0].arrivalUs}, not 0`;
    for (let i = 0; i < requests.length; i++) {
        if (requests[i].id !== i)
            return `id ${requests[i].id} at index ${i}`;
        if (!Number.isInteger(requests[i].arrivalUs))
            return `arrival ${requests[i].arrivalUs} at index ${i} is not whole µs`;
        if (i > 0 && requests[i].arrivalUs < requests[i - 1].arrivalUs)
            return `arrival goes backwards at index ${i}`;
    }
    return null;
}
/** Mean and coefficient of variation (population) of the gaps between consecutive values. */
export function gapStats(arrivalsUs) {
    const gaps = arrivalsUs.slice(1).map((t, i) => t - arrivalsUs[i]);
    const meanUs = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const variance = gaps.reduce((s, g) => s + (g - meanUs) ** 2, 0) / gaps.length;
    return { meanUs, cv: Math.sqrt(variance) / meanUs };
}
