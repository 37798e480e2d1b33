import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { inputError } from '../sim/core/input-error.js';
import { parseMeasurementSet } from './parse-measurements.js';
import { modelSpecsOf, parsePlan } from './parse-plan.js';
function displayPath(cwd, file) {
    return relative(cwd, file).split(sep).join('/');
}
/**
 * The measurement files named by `--data`. A folder contributes its *.jsonl files whose first line is a
 * `meta` line (a runner or addon output); others there, such as the kernel check log (checks.jsonl), are
 * returned as `skipped` so the caller can say so. A file named directly is always read.
 */
export function dataFiles(cwd, args) {
    if (args.length === 0)
        throw inputError('calib.no-data', '<command line>', 0, '--data', 'give at least one measurement file or folder');
    const files = [];
    const skipped = [];
    for (const a of args) {
        const p = resolve(cwd, a);
        if (!existsSync(p))
            throw inputError('calib.no-file', a, 0, '--data', 'no such file or folder');
        if (!statSync(p).isDirectory()) {
            files.push(p);
            continue;
        }
        const inFolder = readdirSync(p)
            .filter((f) => f.endsWith('.jsonl'))
            .sort()
            .map((f) => join(p, f));
        for (const f of inFolder)
            (startsWithMeta(f) ? files : skipped).push(f);
        if (!inFolder.some(startsWithMeta))
            throw inputError('calib.no-file', a, 0, '--data', 'folder holds no measurement JSONL (no file starts with a meta line)');
    }
    return { files, skipped };
}
function startsWithMeta(file) {
    const first = readFileSync(file, 'utf8').split('\n', 1)[0];
    try {
        return JSON.parse(first).kind === 'meta';
    }
    catch {
        return false;
    }
}
/** The measurements `--data` names, without a plan (commands that need no model architectures). */
export function loadMeasurements(cwd, dataArgs) {
    const { files, skipped } = dataFiles(cwd, dataArgs);
    const data = parseMeasurementSet(files.map((f) => ({ path: displayPath(cwd, f), text: readFileSync(f, 'utf8') })));
    return { data, files, skipped: skipped.map((f) => displayPath(cwd, f)) };
}
export function loadData(cwd, dataArgs, planArg) {
    const { data, files, skipped } = loadMeasurements(cwd, dataArgs);
    const planFile = planArg ? resolve(cwd, planArg) : join(dirname(files[0]), 'plan.json');
    if (!existsSync(planFile)) {
        throw inputError('calib.no-plan', displayPath(cwd, planFile), 0, '--plan', 'the plan the data was measured from is needed for the model architectures; pass --plan');
    }
    const planPath = displayPath(cwd, planFile);
    const plan = parsePlan(readFileSync(planFile, 'utf8'), planPath);
    return { data, skipped, plan, planPath, models: modelSpecsOf(plan, planPath) };
}
