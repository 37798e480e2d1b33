/** The step array `recordSteps` asks for and the one listener the instances call (null when none). */
export function stepListeners(opts) {
    const steps = opts.recordSteps ? [] : null;
    const stream = opts.onStep;
    if (steps !== null && stream) {
        return {
            steps,
            onStep: (s) => {
                steps.push(s);
                stream(s);
            },
        };
    }
    return { steps, onStep: steps !== null ? (s) => void steps.push(s) : (stream ?? null) };
}
