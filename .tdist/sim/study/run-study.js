import { existsSync } from 'node:fs';
import { InputError, inputError } from '../core/input-error.js';
import { findCapacity } from './capacity.js';
import { expandGrid, studyHash } from './grid.js';
import { STUDY_LINE_SCHEMA, StudyLogWriter, lineKey, readStudyLog } from './results-log.js';
import { shardSlice } from './shard.js';
import { ResultsLock } from './results-lock.js';
import { stableHash } from './stable-hash.js';
/**
 * Runs a study (or one shard of it), appending one line per finished unit to outFile as it finishes.
 * Grid studies run every point; capacity studies run a capacity search per setting, logging every
 * probe run as a point line too, which doubles as the cache that makes a resumed search replay its
 * earlier probes instead of rerunning them. Stops at the first failing run, leaving the file resumable.
 */
export async function runStudy(opts) {
    const hash = studyHash(opts.study);
    const units = opts.shard === null ? expandGrid(opts.study) : shardSlice(expandGrid(opts.study), opts.shard);
    const shardTag = opts.shard === null ? {} : { shard: { index: opts.shard.index, count: opts.shard.count, units: units.length, unit: opts.study.capacity === null ? 'point' : 'capacity' } };
    // One writer per results file: taken before the file is read, so a second run can neither resume
    // from a state the first is still changing nor interleave its lines with the first's.
    const lock = ResultsLock.acquire(opts.outFile, opts.outFlag ?? '-o');
    let writer;
    let log;
    try {
        log = opts.resume && existsSync(opts.outFile) ? readStudyLog(opts.outFile) : null;
        const foreign = log?.lines.find((l) => l.study !== hash);
        if (foreign !== undefined) {
            throw inputError('study-log-other-study', opts.outFile, 0, 'study', `this file holds results of study '${foreign.study_name}' (${foreign.study}), not '${opts.study.name}' (${hash}); write to another file`);
        }
        writer = log === null ? StudyLogWriter.create(opts.outFile) : StudyLogWriter.resume(opts.outFile, log);
    }
    catch (e) {
        lock.release();
        throw e;
    }
    const doneKeys = new Set(log?.lines.map(lineKey) ?? []);
    let stopped = false;
    const inFlight = new Map();
    let nextRun = 0;
    let runs = 0;
    let done = 0;
    const progress = () => {
        // In a capacity study a unit (setting) takes an unknown number of runs, so a run's own progress says
        // nothing about the unit's; only grid points count their in-flight fraction.
        let frac = 0;
        if (opts.study.capacity === null)
            for (const f of inFlight.values())
                frac += f;
        opts.onProgress?.({ done, total: units.length, inFlightFrac: frac, runs });
    };
    const runPoint = async (spec, coords) => {
        const runId = nextRun++;
        inFlight.set(runId, 0);
        const outcome = await opts.executor
            .run(spec, (f) => {
            inFlight.set(runId, f);
            progress();
        })
            .catch((e) => {
            throw withPointContext(e, coords);
        })
            .finally(() => inFlight.delete(runId));
        // After a failure the study stops and closes the file, but runs already on other workers may still
        // finish; their results are dropped (a resume reruns them) rather than written to a closed file.
        if (stopped)
            return outcome;
        runs++;
        const line = {
            schema: STUDY_LINE_SCHEMA, study: hash, study_name: opts.study.name, ...shardTag, kind: 'point',
            point_id: stableHash(spec), coords, spec, summary: outcome.summary, cdf: outcome.cdf, arrival_rate_qps: outcome.arrival_rate_qps,
        };
        writer.append(line);
        return outcome;
    };
    const todo = units.filter((u) => !doneKeys.has(opts.study.capacity === null ? `point:${u.pointId}` : `capacity:${u.pointId}`));
    done = units.length - todo.length;
    progress();
    try {
        const finishUnit = () => {
            done++;
            progress();
        };
        if (opts.study.capacity === null) {
            await Promise.all(todo.map((p) => runPoint(p.spec, p.coords).then(finishUnit)));
        }
        else {
            const cache = cachedAttainments(log);
            await Promise.all(todo.map((s) => searchSetting(s, cache).then(finishUnit)));
        }
    }
    finally {
        stopped = true;
        writer.close();
        lock.release();
    }
    return { total: units.length, skipped: units.length - todo.length, runs, droppedPartialLine: log?.partialTail ?? false };
    async function searchSetting(setting, cache) {
        const search = opts.study.capacity;
        const capacity = await findCapacity(async (rateQps, repeat) => {
            const spec = { ...setting.spec, rateQps, seed: setting.spec.seed + repeat };
            const cached = cache.get(stableHash(spec));
            if (cached !== undefined)
                return cached;
            const outcome = await runPoint(spec, { ...setting.coords, rateQps, seed: spec.seed });
            return outcome.summary.slo_attainment;
        }, search);
        if (stopped)
            return;
        writer.append({
            schema: STUDY_LINE_SCHEMA, study: hash, study_name: opts.study.name, ...shardTag, kind: 'capacity',
            setting_id: setting.pointId, coords: setting.coords, spec: setting.spec, capacity,
        });
    }
}
/**
 * The runner's error, saying which grid point failed: a study of 64 points that stops on "unknown
 * model" should name the point. InputErrors keep their problems (and locations), with the point added.
 */
function withPointContext(e, coords) {
    const where = `study point ${Object.entries(coords).map(([k, v]) => `${k}=${String(v)}`).join(', ')}`;
    if (e instanceof InputError)
        return new InputError(e.problems.map((p) => ({ ...p, message: `${p.message} (${where})` })));
    const err = e instanceof Error ? e : new Error(String(e));
    return new Error(`${where}: ${err.message}`, { cause: err });
}
function cachedAttainments(log) {
    const cache = new Map();
    for (const l of log?.lines ?? [])
        if (l.kind === 'point')
            cache.set(l.point_id, l.summary.slo_attainment);
    return cache;
}
