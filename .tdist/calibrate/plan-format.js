/**
 * The measurement plan as the CUDA runner and addon read it (JSON). These types are the wire format,
 * key for key (snake_case where the runner's contract uses it); `duetsim calibrate plan` builds one and
 * `calibrate run` hands it over unchanged. Every timed experiment echoes its fields into the JSONL
 * record it produces, which is how fit and validate recover shapes and batches.
 */
export const PLAN_VERSION = 1;
/**
 * A plan's experiment list that keeps the first experiment of each id: models sharing a shape (same hidden
 * size, same heads, same linear layer) share its measurement, and a plan lists it once.
 */
export function uniqueExperiments() {
    const experiments = [];
    const ids = new Set();
    return {
        experiments,
        add: (e) => {
            if (ids.has(e.id))
                return;
            ids.add(e.id);
            experiments.push(e);
        },
    };
}
