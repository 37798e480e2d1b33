import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../core/input-error.js';
import { pointOutcome } from './point-executor.js';
/**
 * Worker thread entry: loads the runner module named in workerData once, then runs one scenario per
 * message and posts back the outcome, progress, or the error as plain data.
 */
const setup = workerData;
const port = parentPort;
if (port === null)
    throw new Error('study-worker.js must run as a worker thread');
const runnerPromise = import(setup.runnerModule).then((m) => {
    const fn = m[setup.runnerExport];
    if (typeof fn !== 'function')
        throw new Error(`${setup.runnerModule} does not export a function '${setup.runnerExport}'`);
    return fn;
});
/** Progress messages are throttled: a run reports often, and each message crosses threads. */
const PROGRESS_STEP = 0.05;
port.on('message', (req) => {
    void runnerPromise
        .then((run) => {
        let lastSent = 0;
        const result = run(req.spec, {
            onProgress: (doneFrac) => {
                if (doneFrac - lastSent < PROGRESS_STEP)
                    return;
                lastSent = doneFrac;
                port.postMessage({ id: req.id, type: 'progress', doneFrac });
            },
        });
        port.postMessage({ id: req.id, type: 'done', outcome: pointOutcome(result) });
    })
        .catch((e) => {
        const err = e instanceof Error ? e : new Error(String(e));
        const problems = err instanceof InputError ? err.problems : null;
        port.postMessage({ id: req.id, type: 'error', message: err.message, stack: err.stack ?? '', problems });
    });
});
