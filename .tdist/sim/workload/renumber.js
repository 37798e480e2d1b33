/**
 * Restores the workload invariants after any selection: ids dense from 0 in arrival order and the first
 * arrival at 0. `requests` must already be in arrival order (every producer here keeps it).
 */
export function renumber(requests) {
    const firstUs = requests.length > 0 ? requests[0].arrivalUs : 0;
    return requests.map((r, id) => ({ ...r, id, arrivalUs: r.arrivalUs - firstUs }));
}
