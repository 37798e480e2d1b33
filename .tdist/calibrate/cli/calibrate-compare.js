import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { CliExit } from '../../sim/cli/io.js';
import { inputError } from '../../sim/core/input-error.js';
import { readScheduleFile } from '../closed-loop/schedule.js';
import { parseExecResult } from '../closed-loop/exec-result.js';
import { compareClosedLoop } from '../closed-loop/compare.js';
import { formatCompare } from '../closed-loop/format-compare.js';
import { OutputSet } from '../../sim/cli/output-file.js';
import { fitServingCorrection, withServingSection } from '../closed-loop/fit-serving.js';
import { LIVE_CHECKS, STRETCH_SHARE } from '../live-compare/checks.js';
import { compareLiveRun } from '../live-compare/compare.js';
import { formatLiveCompare } from '../live-compare/format.js';
import { readCompareInput, readLiveCompareInputs } from '../live-compare/read-inputs.js';
import { liveDriftReport, parseLiveSteps } from '../live/live-drift.js';
import { SCENARIO_FIELDS } from '../live-compare/scenario.js';
import { readConfig } from '../../sim/config/config-files.js';
import { parseHardwareYaml } from '../../sim/config/load-hardware.js';
import { loadModel } from '../../sim/config/load-model.js';
/** The live mode's flags, by commander's option key; the CSVs come in simulated/live pairs. */
const LIVE_FLAGS = [
    { key: 'simulated', flag: '--simulated' },
    { key: 'live', flag: '--live' },
    { key: 'simulatedRequests', flag: '--simulated-requests' },
    { key: 'liveRequests', flag: '--live-requests' },
    { key: 'simulatedSteps', flag: '--simulated-steps' },
    { key: 'liveSteps', flag: '--live-steps' },
    { key: 'stepRecords', flag: '--step-records' },
];
const LIVE_PAIRS = [
    ['simulated', 'live'],
    ['simulatedRequests', 'liveRequests'],
    ['simulatedSteps', 'liveSteps'],
];
const flagOf = (key) => LIVE_FLAGS.find((f) => f.key === key).flag;
/**
 * `duetsim calibrate compare`, two modes:
 * - closed loop, `SCHEDULE MEASURED`: the schedule is what `duetsim replay --emit-schedule` wrote, the
 *   measured file what the GPU executor wrote when it ran that schedule; token times are rebuilt from the
 *   measured GPU times and compared with the simulated ones (calibrate/README.md, "Closed loop: compare").
 * - live run, `--simulated RESULTS --live RESULTS`: a simulation against `duetsim serve-gpu` of the same
 *   scenario, from their results JSONs and optionally their request and step CSVs (calibrate/README.md,
 *   "Live runs: compare").
 * Bad files exit 2 with file:line and field; checks that fail are reported and exit 0, or 1 with --check.
 */
export function registerCompare(cal, io, pages) {
    cal
        .command('compare')
        .description('compare a simulation with a GPU run. Closed loop: SCHEDULE MEASURED, token times rebuilt from a GPU run of a schedule (duetsim-exec-result), TTFT/TBT/E2E and GPU time drift per step. ' +
        'Live run: --simulated RESULTS --live RESULTS (results JSONs of `duetsim replay` and `duetsim serve-gpu` of one scenario), TTFT/TBT/E2E, throughput, split windows, acceptance checks')
        .argument('[schedule.jsonl]', 'closed loop: schedule from `duetsim replay --emit-schedule` (.jsonl, or .jsonl.gz)')
        .argument('[measured.jsonl]', "closed loop: the GPU executor's result for that schedule (.jsonl, or .jsonl.gz)")
        .option('--simulated <results.json>', 'live run: results JSON of the simulation (`duetsim replay --out`)')
        .option('--live <results.json>', 'live run: results JSON of the live run of the same scenario (`duetsim serve-gpu --out`)')
        .option('--simulated-requests <file.csv>', "live run: the simulation's --requests-csv (with --live-requests): per-request errors; needed when a run was interrupted")
        .option('--live-requests <file.csv>', "live run: the live run's --requests-csv (with --simulated-requests)")
        .option('--simulated-steps <file.csv>', "live run: the simulation's --iterations-csv (with --live-steps): the (S_p, S_d, k) histogram of split windows")
        .option('--live-steps <file.csv>', "live run: the live run's --iterations-csv (with --simulated-steps)")
        .option('--step-records <file.jsonl>', "live run: the live run's `serve-gpu --step-records`: the latency model against each measured step, grouped by regime (lane, batch, split)")
        .option('--json [file]', 'write the comparison as JSON to the file (schema duetsim.closed-loop-compare/1, or duetsim.live-compare/1 for a live run); without a file, print it instead of the text')
        .option('--out <file>', 'write the comparison as JSON to the file')
        .option('--html <file>', 'write a self-contained HTML page: the checks and CDFs simulated vs measured (closed loop: drift over time; live run: the split-window histogram)')
        .option('--check', 'exit 1 when an acceptance check fails (without it, failed checks are reported and the exit code is 0)')
        .addHelpText('after', [
        '',
        'Closed loop (calibrate/README.md, "Closed loop: compare"):',
        '  duetsim calibrate compare s.jsonl m.jsonl [--json [file]] [--out file] [--html page.html] [--check]',
        'Live run (calibrate/README.md, "Live runs: compare"): runs of one scenario, else exit 2 naming the config',
        `fields that differ (of ${SCENARIO_FIELDS.map((p) => p.join('.')).join(', ')});`,
        'an interrupted live run needs both request CSVs and is compared on the requests both runs finished:',
        '  duetsim calibrate compare --simulated sim.json --live live.json',
        '    [--simulated-requests sim.csv --live-requests live.csv] [--simulated-steps sim-it.csv --live-steps live-it.csv]',
        '    [--step-records steps.jsonl]',
        '    [--json [file]] [--out compare.json] [--html page.html] [--check]',
        `Checks: ${LIVE_CHECKS.map((c) => c.name).join(', ')};`,
        `stretch: ${STRETCH_SHARE} of each limit, reported only.`,
    ].join('\n'))
        .action(async (schedulePath, measuredPath, o) => {
        const positional = [schedulePath, measuredPath].filter((x) => x !== undefined);
        const live = LIVE_FLAGS.filter((f) => o[f.key] !== undefined);
        if (positional.length > 0 && live.length > 0) {
            throw new CliExit(2, `calibrate compare: give either SCHEDULE MEASURED (closed loop) or --simulated and --live (a live run), not both; got ${positional.join(' ')} and ${live.map((f) => f.flag).join(', ')}`);
        }
        const jsonFile = typeof o.json === 'string' ? o.json : undefined;
        const outputs = [{ flag: '--json', path: jsonFile }, { flag: '--out', path: o.out }, { flag: '--html', path: o.html }];
        const checks = live.length > 0 ? await runLive(io, o, outputs, pages.liveComparePageHtml) : await runClosedLoop(io, positional, o, outputs, pages.comparePageHtml);
        if (o.html)
            io.stderr(`wrote ${o.html}\n`);
        const failed = checks.filter((c) => !c.pass);
        if (o.check && failed.length > 0)
            throw new CliExit(1, `acceptance failed: ${failed.map((c) => c.name).join('; ')}`);
    });
}
async function runClosedLoop(io, positional, o, outputs, page) {
    if (positional.length !== 2) {
        throw new CliExit(2, 'calibrate compare: give SCHEDULE MEASURED (closed loop), or --simulated RESULTS --live RESULTS (a live run); see --help');
    }
    const [schedulePath, measuredPath] = positional;
    const result = await OutputSet.open(outputs, io.cwd, [schedulePath, measuredPath]).run(async (out) => {
        const run = await readClosedLoopRun(io, schedulePath, measuredPath);
        const result = compareClosedLoop(run.schedule, run.measured);
        emit(io, out, o, result, formatCompare(result), () => page(result));
        return result;
    });
    return result.checks;
}
async function runLive(io, o, outputs, page) {
    for (const [a, b] of LIVE_PAIRS) {
        if ((o[a] === undefined) !== (o[b] === undefined)) {
            const [given, missing] = o[a] === undefined ? [b, a] : [a, b];
            throw new CliExit(2, `calibrate compare: ${flagOf(given)} needs ${flagOf(missing)}: the live mode compares files in simulated/live pairs`);
        }
    }
    if (o.simulated === undefined || o.live === undefined)
        throw new CliExit(2, 'calibrate compare: a live run is compared with --simulated RESULTS --live RESULTS');
    const paths = { simulated: o.simulated, live: o.live, simulatedRequests: o.simulatedRequests, liveRequests: o.liveRequests, simulatedSteps: o.simulatedSteps, liveSteps: o.liveSteps };
    const inputs = [...Object.values(paths), o.stepRecords].filter((x) => x !== undefined);
    const result = await OutputSet.open(outputs, io.cwd, inputs).run((out) => {
        const records = o.stepRecords === undefined ? null : parseLiveSteps(readCompareInput(io.cwd, o.stepRecords, '--step-records'), o.stepRecords);
        const result = compareLiveRun(readLiveCompareInputs(io.cwd, paths), records === null ? null : liveDriftReport(records));
        emit(io, out, o, result, formatLiveCompare(result), () => page(result));
        return result;
    });
    return result.checks;
}
/** The text (or, with a bare --json, the JSON) on stdout, and the files asked for. */
function emit(io, out, o, result, text, html) {
    const json = JSON.stringify(result, null, 1) + '\n';
    io.stdout(o.json === true ? json : text);
    out.get('--json')?.write(json);
    out.get('--out')?.write(json);
    out.get('--html')?.write(html());
}
/** A schedule and what the GPU measured running it; either may be gzipped (.jsonl.gz, as shipped). */
export async function readClosedLoopRun(io, schedulePath, measuredPath) {
    const schedule = await readScheduleFile(existing(io, schedulePath, '<schedule.jsonl>'), schedulePath);
    const measuredFile = existing(io, measuredPath, '<measured.jsonl>');
    const measuredText = measuredFile.endsWith('.gz') ? gunzipSync(readFileSync(measuredFile)).toString('utf8') : readFileSync(measuredFile, 'utf8');
    return { schedule, measured: parseExecResult(measuredText, measuredPath, schedule) };
}
/**
 * `duetsim calibrate fit-serving --hardware H SCHEDULE MEASURED [SCHEDULE MEASURED ...]`: fits the serving
 * correction (calibrate/closed-loop/fit-serving.ts) from closed-loop runs and, with --write, stores it in
 * the hardware YAML's `servingCorrection:` section, which every later simulation on that GPU uses.
 */
export function registerFitServing(cal, io) {
    cal
        .command('fit-serving')
        .description('fit the serving correction (compute/memory scale, contention) from closed-loop runs; --write stores it in the hardware YAML')
        .argument('<files...>', 'pairs: schedule (.jsonl[.gz]) then the measured result of running it')
        .requiredOption('--hardware <name|path>', 'hardware YAML the runs were measured on (its calibrated: section is the starting point)')
        .option('--write', 'write the servingCorrection: section into the hardware YAML')
        .action(async (files, o) => {
        if (files.length % 2 !== 0)
            throw new CliExit(2, `fit-serving: give schedule/measured pairs; got ${files.length} files`);
        const runs = [];
        for (let i = 0; i < files.length; i += 2)
            runs.push(await readClosedLoopRun(io, files[i], files[i + 1]));
        const source = readConfig('hardware', o.hardware, io.cwd);
        const config = parseHardwareYaml(source.text, source.file);
        if (!config.calibrated)
            throw new CliExit(2, `fit-serving: ${source.file} has no calibrated: section to correct (run calibrate fit --write first)`);
        const hw = { ...config.seed, perf: config.calibrated };
        const models = new Set(runs.map((r) => r.schedule.header.model));
        if (models.size !== 1)
            throw new CliExit(2, `fit-serving: the runs are of different models (${[...models].join(', ')}); fit one model's runs at a time`);
        const fit = fitServingCorrection(loadModel([...models][0], { cwd: io.cwd }), hw, runs);
        const pct = (x) => `${(100 * x).toFixed(1)}%`;
        io.stdout(`serving correction from ${runs.length} run(s), ${fit.items} items: compute ×${fit.correction.computeScale.toFixed(3)}, memory ×${fit.correction.memoryScale.toFixed(3)}, contention compute ${fit.correction.contentionCompute.toFixed(3)}, memory ${fit.correction.contentionMemory.toFixed(3)}\n`);
        for (const k of ['aggregated', 'split-prefill', 'split-decode']) {
            const b = fit.before[k];
            const a = fit.after[k];
            if (b.count > 0)
                io.stdout(`  ${k.padEnd(14)} n ${String(b.count).padStart(5)}  MAPE ${pct(b.mape)} -> ${pct(a.mape)}  measured/predicted ×${b.ratio.toFixed(3)} -> ×${a.ratio.toFixed(3)}\n`);
        }
        if (o.write) {
            const m = runs[0].measured.meta;
            const provenance = `fit from ${runs.map((r) => `${r.schedule.file} + ${r.measured.file}`).join('; ')} (${m.gpu}, driver ${m.driver}, CUDA ${m.cudaRuntime}, ${m.date}); ${fit.items} items, MAPE before/after aggregated ${pct(fit.before.aggregated.mape)}/${pct(fit.after.aggregated.mape)}`;
            writeFileSync(source.file, withServingSection(source.text, { ...fit.correction, provenance }));
            io.stderr(`wrote servingCorrection: to ${source.file}\n`);
        }
    });
}
function existing(io, path, argument) {
    const full = resolve(io.cwd, path);
    if (!existsSync(full))
        throw inputError('calib.no-file', path, 0, argument, 'no such file');
    return full;
}
