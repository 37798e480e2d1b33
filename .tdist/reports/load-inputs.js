import { basename } from 'node:path';
import { lineOfOffset, pathLocator, spellPath } from '../sim/input/locate-path.js';
import { ProblemList } from '../sim/input/problem-list.js';
import { RESULT_SCHEMA, STUDY_LINE_SCHEMA } from '../sim/input/file-formats.js';
import { splitJsonLines } from '../sim/input/json-line.js';
import { shortName } from './short-name.js';
const CALIBRATION_KEYS = ['id', 'kind', 'predicted_us', 'measured_us'];
/**
 * Turns the files given to `duetsim report` into a ReportInput. Kinds are told apart by content, not
 * by name: a results JSON has schema duetsim.result/1, a study file is JSON Lines of
 * duetsim.study-line/1, and a calibration validation file is {points:[{id, predicted_us, measured_us,
 * kind}]}. All problems of all files are collected and thrown together as one InputError, each located
 * (sim/input/, the input layer every command reads through; the one part of sim/ reports/ runs, since it
 * runs no simulation).
 */
export function loadReportInputs(files) {
    // Problems name their own files (several are read into one report), so the list's own file is never used.
    const problems = new ProblemList('');
    const runs = [];
    const studyPoints = [];
    const capacities = [];
    const calibration = [];
    const calibrationFiles = [];
    const studyNames = new Set();
    for (const { file, text } of files) {
        const before = problems.count;
        const problem = (line, field, code, message) => {
            problems.push({ code, file, line, column: 0, field, message });
        };
        const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
        if (isStudyLine(firstLine)) {
            readStudy(text, problem);
            continue;
        }
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (e) {
            const pos = /position (\d+)/.exec(e.message);
            problem(pos ? lineOfOffset(text, Number(pos[1])) : 0, '', 'report-bad-json', `not valid JSON: ${e.message}`);
            continue;
        }
        // Located only once something is wrong: a results file is parsed a second time only then.
        let locate = null;
        const at = (path, code, message) => {
            const { line, field } = (locate ??= pathLocator(text))(path);
            problem(line, field, code, message);
        };
        if (isObj(value) && value.schema === RESULT_SCHEMA) {
            checkRun(value, at);
            if (problems.count === before)
                runs.push({ file, policy: policyOf(value.config), result: value });
        }
        else if (isObj(value) && Array.isArray(value.points)) {
            readCalibration(value.points, at);
            calibrationFiles.push({ file: basename(file), summary: isObj(value.summary) ? value.summary : null });
        }
        else {
            problem(0, '', 'report-unknown-file', `not a results JSON (schema ${RESULT_SCHEMA}), a study JSONL or a calibration validation file ({points:[…]})`);
        }
    }
    function readStudy(text, problem) {
        // A study still running (or killed) may end in a partly written line, which the study runner ignores;
        // a last line missing only its newline (a file cut or edited by hand) is read when it is whole JSON.
        const split = splitJsonLines(text);
        const rows = [...split.lines];
        if (split.tail.trim() !== '' && parsesAsJson(split.tail))
            rows.push({ line: split.tailLine, text: split.tail });
        rows.forEach(({ line, text: raw }) => {
            const at = (path, code, message) => problem(line, spellPath(path), code, message);
            let v;
            try {
                v = JSON.parse(raw);
            }
            catch (e) {
                return at([], 'report-bad-json', `not valid JSON: ${e.message}`);
            }
            if (!isObj(v) || v.schema !== STUDY_LINE_SCHEMA)
                return at(['schema'], 'report-bad-line', `expected a ${STUDY_LINE_SCHEMA} line`);
            if (!isObj(v.coords))
                return at(['coords'], 'report-bad-line', 'expected an object');
            if (typeof v.study_name === 'string')
                studyNames.add(v.study_name);
            const series = seriesOf(v.coords, typeof v.study_name === 'string' ? v.study_name : 'study');
            const policy = policyOf(v.spec);
            if (v.kind === 'point') {
                const before = problems.count;
                checkSummary(v.summary, ['summary'], at);
                checkCdf(v.cdf, ['cdf'], at);
                const spec = isObj(v.spec) ? v.spec : {};
                if (problems.count > before)
                    return;
                studyPoints.push({
                    series, policy, coords: shortCoords(v.coords), spec,
                    rateQps: typeof spec.rateQps === 'number' ? spec.rateQps : null,
                    arrivalRateQps: typeof v.arrival_rate_qps === 'number' ? v.arrival_rate_qps : null,
                    seed: typeof spec.seed === 'number' ? spec.seed : 0,
                    summary: v.summary, cdf: v.cdf,
                });
            }
            else if (v.kind === 'capacity') {
                const c = v.capacity;
                if (!isObj(c) || typeof c.capacity_qps !== 'number' || !Array.isArray(c.bracket) || !Array.isArray(c.probes)) {
                    return at(['capacity'], 'report-bad-line', 'expected {capacity_qps, bracket, converged, probes}');
                }
                const [lo, hi] = c.bracket;
                capacities.push({
                    series, policy, capacityQps: c.capacity_qps,
                    bracket: [typeof lo === 'number' ? lo : 0, typeof hi === 'number' ? hi : null],
                    converged: c.converged === true, probeCount: c.probes.length,
                });
            }
            else
                at(['kind'], 'report-bad-line', `expected 'point' or 'capacity', got ${JSON.stringify(v.kind)}`);
        });
    }
    function readCalibration(points, at) {
        points.forEach((p, i) => {
            if (!isObj(p))
                return at(['points', i], 'report-bad-calibration', 'expected {id, predicted_us, measured_us, kind}');
            let ok = true;
            for (const key of ['id', 'kind']) {
                if (typeof p[key] !== 'string') {
                    at(['points', i, key], 'report-bad-calibration', 'expected a string');
                    ok = false;
                }
            }
            for (const key of ['predicted_us', 'measured_us']) {
                if (!(typeof p[key] === 'number' && Number.isFinite(p[key]) && p[key] > 0)) {
                    at(['points', i, key], 'report-bad-calibration', `expected a time in µs > 0, got ${JSON.stringify(p[key])}`);
                    ok = false;
                }
            }
            const extra = Object.fromEntries(Object.entries(p).filter(([k, v]) => !CALIBRATION_KEYS.includes(k) && (v === null || ['string', 'number', 'boolean'].includes(typeof v))));
            if (ok)
                calibration.push({ id: p.id, kind: p.kind, predictedUs: p.predicted_us, measuredUs: p.measured_us, extra });
        });
    }
    problems.throwIfAny();
    const labelled = labelRuns(runs);
    const title = studyNames.size > 0 ? [...studyNames].join(', ') : labelled.length > 0 ? labelled.map((r) => r.label).join(' vs ') : 'calibration';
    return { title, sources: files.map((f) => basename(f.file)), runs: labelled, studyPoints, capacities, calibration, calibrationFiles };
}
function isObj(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
}
function parsesAsJson(text) {
    try {
        JSON.parse(text);
        return true;
    }
    catch {
        return false;
    }
}
function isStudyLine(line) {
    if (!line.startsWith('{'))
        return false;
    try {
        const v = JSON.parse(line);
        return isObj(v) && v.schema === STUDY_LINE_SCHEMA;
    }
    catch {
        // A first line that does not parse alone is either a pretty-printed JSON document or a broken study line.
        return line.includes(`"schema":"${STUDY_LINE_SCHEMA}"`);
    }
}
/**
 * What a run is called in legends: its policy, or for a cluster run (whose scenario's model, hardware
 * and policy are unused) the cluster's name from config.resolved.cluster, else its file name.
 */
function policyOf(config) {
    if (!isObj(config))
        return 'unknown';
    if (typeof config.cluster === 'string' && config.cluster !== '') {
        const resolved = isObj(config.resolved) && isObj(config.resolved.cluster) ? config.resolved.cluster : null;
        return `cluster ${typeof resolved?.name === 'string' ? resolved.name : shortName(config.cluster)}`;
    }
    return typeof config.policy === 'string' ? config.policy : 'unknown';
}
function shortCoords(coords) {
    return Object.fromEntries(Object.entries(coords).map(([k, v]) => [k, k === 'rateQps' || k === 'seed' ? String(v) : shortName(String(v))]));
}
/** The setting a study point belongs to: its axis values other than the rate and seed. */
function seriesOf(coords, studyName) {
    const parts = Object.entries(coords)
        .filter(([k]) => k !== 'rateQps' && k !== 'seed')
        .map(([k, v]) => (k === 'policy' || k === 'model' || k === 'hardware' || k === 'trace' || k === 'cluster' ? shortName(String(v)) : `${k}=${shortName(String(v))}`));
    return parts.length > 0 ? parts.join(' · ') : studyName;
}
const PERCENTILE_FIELDS = ['ttft_ms', 'tbt_ms', 'tpot_ms', 'e2e_ms', 'queue_ms'];
const NUMBER_FIELDS = ['requests', 'completed', 'rejected', 'duration_s', 'throughput_rps', 'output_tps', 'slo_attainment', 'goodput_rps', 'split_time_share'];
function checkSummary(s, path, at) {
    if (!isObj(s))
        return at(path, 'report-bad-summary', 'expected the summary object');
    for (const k of NUMBER_FIELDS)
        if (typeof s[k] !== 'number')
            at([...path, k], 'report-bad-summary', 'expected a number');
    for (const k of PERCENTILE_FIELDS) {
        const p = s[k];
        if (!isObj(p) || typeof p.p50 !== 'number' || typeof p.p99 !== 'number')
            at([...path, k], 'report-bad-summary', 'expected percentiles {p50, p90, p99, mean, max}');
    }
}
function checkCdf(c, path, at) {
    if (!isObj(c))
        return at(path, 'report-bad-cdf', 'expected {ttft_ms: [...], tbt_ms: [...]}');
    for (const k of ['ttft_ms', 'tbt_ms']) {
        const a = c[k];
        if (!Array.isArray(a) || !a.every((x) => typeof x === 'number'))
            at([...path, k], 'report-bad-cdf', 'expected an array of numbers');
    }
}
function checkRun(v, at) {
    if (!isObj(v.config))
        at(['config'], 'report-bad-result', 'expected the scenario object');
    checkSummary(v.summary, ['summary'], at);
    checkCdf(v.cdf, ['cdf'], at);
    const tl = v.timeline;
    if (!isObj(tl) || typeof tl.bucket_s !== 'number' || !Array.isArray(tl.buckets)) {
        at(['timeline'], 'report-bad-result', 'expected {bucket_s, buckets: [...]}');
    }
    else {
        tl.buckets.forEach((b, i) => {
            if (!isObj(b) || typeof b.t_s !== 'number' || typeof b.queue_len !== 'number')
                at(['timeline', 'buckets', i], 'report-bad-result', 'expected a timeline bucket {t_s, queue_len, …}');
        });
    }
}
/** Labels runs by the policy plus whichever of model/hardware/trace/rate differ between the runs given. */
function labelRuns(runs) {
    const keys = ['model', 'hardware', 'trace', 'rateQps'];
    const val = (r, k) => shortName(String(r.result.config[k] ?? ''));
    const varying = keys.filter((k) => new Set(runs.map((r) => val(r, k))).size > 1);
    const base = runs.map((r) => [r.policy, ...varying.map((k) => (k === 'rateQps' ? `${val(r, k)} QPS` : val(r, k)))].join(' · '));
    return runs.map((r, i) => {
        const label = base[i];
        const clash = base.filter((b) => b === label).length > 1;
        return { ...r, label: clash ? `${label} (${basename(r.file)})` : label };
    });
}
