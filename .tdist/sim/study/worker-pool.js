import { Worker } from 'node:worker_threads';
import { InputError } from '../core/input-error.js';
/** The runner a study uses unless told otherwise: the simulator itself (one GPU, or a cluster when the point names one). */
export const DEFAULT_RUNNER = {
    runnerModule: new URL('../run/run-scenario.js', import.meta.url).href,
    runnerExport: 'runScenario',
};
/**
 * Runs scenarios on worker threads, one at a time per worker, first come first served. Workers start
 * on demand, so a study of two points on a 16-core machine starts two. The simulation is CPU-bound and
 * synchronous, which is why threads (not async) are what gives parallelism here.
 */
export function workerPoolExecutor(setup, workerCount) {
    const workerUrl = new URL('./study-worker.js', import.meta.url);
    const idle = [];
    const all = [];
    const busy = new Map();
    const queue = [];
    let nextId = 0;
    let closed = false;
    const fail = (w, err) => {
        const task = busy.get(w);
        busy.delete(w);
        all.splice(all.indexOf(w), 1);
        task?.reject(err);
        pump();
    };
    const spawn = () => {
        const w = new Worker(workerUrl, { workerData: setup });
        w.on('message', (reply) => {
            const task = busy.get(w);
            if (task === undefined || task.id !== reply.id)
                return;
            if (reply.type === 'progress')
                return task.onProgress?.(reply.doneFrac);
            busy.delete(w);
            idle.push(w);
            if (reply.type === 'done')
                task.resolve(reply.outcome);
            else if (reply.problems !== null)
                task.reject(new InputError(reply.problems));
            else {
                const err = new Error(reply.message);
                err.stack = reply.stack;
                task.reject(err);
            }
            pump();
        });
        w.on('error', (err) => fail(w, err));
        w.on('exit', (code) => {
            if (!closed && busy.has(w))
                fail(w, new Error(`study worker exited with code ${code}`));
        });
        all.push(w);
        return w;
    };
    const pump = () => {
        while (queue.length > 0) {
            const w = idle.pop() ?? (all.length < workerCount ? spawn() : undefined);
            if (w === undefined)
                return;
            const task = queue.shift();
            busy.set(w, task);
            w.postMessage({ id: task.id, spec: task.spec });
        }
    };
    return {
        parallelism: workerCount,
        run: (spec, onProgress) => new Promise((resolve, reject) => {
            if (closed)
                return reject(new Error('worker pool is closed'));
            queue.push({ id: nextId++, spec, onProgress, resolve, reject });
            pump();
        }),
        close: async () => {
            closed = true;
            for (const t of queue.splice(0))
                t.reject(new Error('worker pool closed before this run started'));
            await Promise.all(all.map((w) => w.terminate()));
        },
    };
}
