import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, inputError } from '../../sim/core/input-error.js';
import { quoteJson } from '../../sim/core/quote-input.js';
import { lineOfPath, parseSpelledPath, pathLocator } from '../../sim/input/locate-path.js';
import { parseRequestsCsv, parseRunResult, parseStepsCsv } from './run-files.js';
import { scenarioDifferences } from './scenario.js';
/**
 * Reads and checks every file of a live comparison: each parsed once (run-files.ts), then the two runs
 * checked to be of one scenario, a difference located at the live file's config field; an interrupted
 * run needs both request CSVs, since it is compared on the requests both runs finished.
 */
/** A comparison input's text; a missing file is an error naming the flag that named it. */
export function readCompareInput(cwd, path, flag) {
    const full = resolve(cwd, path);
    if (!existsSync(full))
        throw inputError('live-compare.no-file', path, 0, flag, 'no such file');
    return readFileSync(full, 'utf8');
}
export function readLiveCompareInputs(cwd, p) {
    const text = (path, flag) => readCompareInput(cwd, path, flag);
    const simText = text(p.simulated, '--simulated');
    const liveText = text(p.live, '--live');
    const side = (resultPath, resultText, requests, steps, side) => ({
        result: parseRunResult(resultText, resultPath),
        requests: requests === undefined ? null : parseRequestsCsv(text(requests, `--${side}-requests`), requests),
        steps: steps === undefined ? null : parseStepsCsv(text(steps, `--${side}-steps`), steps),
    });
    const simulated = side(p.simulated, simText, p.simulatedRequests, p.simulatedSteps, 'simulated');
    const live = side(p.live, liveText, p.liveRequests, p.liveSteps, 'live');
    const differences = scenarioDifferences(simulated.result.config, live.result.config);
    if (differences.length > 0) {
        const locate = pathLocator(liveText);
        const problems = differences.map((d) => {
            const at = locate(['config', ...parseSpelledPath(d.field)]);
            const shown = (v) => (v === undefined ? '(absent)' : quoteJson(v));
            return {
                code: 'live-compare.other-scenario',
                file: p.live,
                line: at.line,
                column: at.column,
                field: `config.${d.field}`,
                message: `the runs are of different scenarios: ${shown(d.live)} here, ${shown(d.simulated)} in ${p.simulated}; compare a live run with a simulation of the same scenario`,
            };
        });
        throw new InputError(problems);
    }
    const interrupted = [simulated, live].find((s) => s.result.interrupted);
    if (interrupted !== undefined && (simulated.requests === null || live.requests === null)) {
        throw inputError('live-compare.interrupted-needs-requests', interrupted.result.file, lineOfPath(interrupted === live ? liveText : simText, ['live', 'interrupted']), 'live.interrupted', 'this run was interrupted, so it is compared on the requests both runs finished: give both --simulated-requests and --live-requests');
    }
    return { simulated, live };
}
