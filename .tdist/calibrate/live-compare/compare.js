import { cdfQuantiles, distribution, PERCENTILE_METHOD, quantile, sortedCopy } from '../closed-loop/stats.js';
import { evaluateChecks, relativeError } from './checks.js';
import { SCENARIO_FIELDS } from './scenario.js';
/**
 * A simulated run against a live run of the same scenario (`duetsim calibrate compare --simulated …
 * --live …`). Pure: the parsed files in, one JSON-ready object out (schema `duetsim.live-compare/1`).
 * Errors are (simulated − live) / live, as fractions; latencies in ms. The caller has checked that the
 * runs are of one scenario (scenario.ts) and that the CSVs come in pairs.
 *
 * Basis. Whole runs are compared from their results JSONs, so TBT is every gap between tokens pooled,
 * which is what the TBT limits are about. A live run that was interrupted finished only some requests;
 * comparing it with the whole simulation would hold early requests against all of them, so then both
 * sides are restricted to the requests both finished, read from the request CSVs. Those carry no single
 * gaps, so TBT is then each request's mean gap (its tpot_ms), and the result says so.
 */
export const LIVE_COMPARE_SCHEMA = 'duetsim.live-compare/1';
export const LATENCY_METRICS = ['ttft_ms', 'tbt_ms', 'e2e_ms'];
export const UNMATCHED_IDS_LISTED = 20;
export function compareLiveRun(inputs, drift = null) {
    const { simulated: sim, live } = inputs;
    const interrupted = sim.result.interrupted || live.result.interrupted;
    const pairs = sim.requests !== null && live.requests !== null ? { sim: sim.requests, live: live.requests } : null;
    if (interrupted && pairs === null)
        throw new Error('an interrupted run is compared on the requests both finished: both request CSVs are needed');
    const basis = interrupted ? 'requests-both-finished' : 'whole-runs';
    const matched = pairs ? matchRequests(pairs.sim.rows, pairs.live.rows) : null;
    const sides = basis === 'whole-runs' ? { sim: wholeRun(sim.result), live: wholeRun(live.result) } : commonRequests(matched);
    const metrics = Object.fromEntries(LATENCY_METRICS.map((m) => [m, metricJson(sides.sim.stats[m], sides.live.stats[m])]));
    const rate = (f) => rateJson(f(sides.sim), f(sides.live));
    const throughput = { requests_per_s: rate((s) => s.throughputRps), output_tokens_per_s: rate((s) => s.outputTps), goodput_rps: rate((s) => s.goodputRps) };
    const figure = (metric, stat) => ({ simulated: metrics[metric].simulated[stat], measured: metrics[metric].live[stat] });
    const figures = {
        ttft_p50: figure('ttft_ms', 'p50'),
        ttft_p99: figure('ttft_ms', 'p99'),
        tbt_p50: figure('tbt_ms', 'p50'),
        tbt_p99: figure('tbt_ms', 'p99'),
        throughput_rps: { simulated: throughput.requests_per_s.simulated, measured: throughput.requests_per_s.live },
    };
    const checks = evaluateChecks(figures);
    const splitWindows = sim.steps !== null && live.steps !== null ? splitWindowsJson(sim.steps, live.steps, live.result.interrupted && !sim.result.interrupted) : null;
    const perRequest = pairs && matched ? perRequestJson(pairs.sim.file, pairs.live.file, matched) : null;
    const c = sim.result.config;
    return {
        schema: LIVE_COMPARE_SCHEMA,
        simulated: { file: sim.result.file, requests_file: sim.requests?.file ?? null, steps_file: sim.steps?.file ?? null, interrupted: sim.result.interrupted },
        live: { file: live.result.file, requests_file: live.requests?.file ?? null, steps_file: live.steps?.file ?? null, interrupted: live.result.interrupted, meta: live.result.live },
        scenario: { model: c.model, hardware: c.hardware, policy: c.policy, trace: c.trace, rate_qps: c.rateQps ?? null, seed: c.seed ?? null, fields_checked: SCENARIO_FIELDS.map((p) => p.join('.')) },
        basis,
        notes: notes(basis, inputs, perRequest, splitWindows),
        percentiles: basis === 'whole-runs' ? "each run's results JSON (TTFT and E2E exact R-7 over its finished requests; TBT from its log histogram of every gap, within 0.1%)" : PERCENTILE_METHOD,
        requests: { simulated_completed: sim.result.summary.completed, live_completed: live.result.summary.completed, compared: basis === 'whole-runs' ? null : matched.both.length },
        metrics,
        throughput,
        split_time_share: {
            simulated: sim.result.summary.splitTimeShare,
            live: live.result.summary.splitTimeShare,
            difference: round6(sim.result.summary.splitTimeShare - live.result.summary.splitTimeShare),
        },
        split_windows: splitWindows,
        per_request: perRequest,
        checks,
        pass: checks.every((k) => k.pass),
        stretch_pass: checks.every((k) => k.stretch.pass),
        cdf: { ttft_ms: { simulated: sides.sim.cdf.ttft_ms, live: sides.live.cdf.ttft_ms }, tbt_ms: { simulated: sides.sim.cdf.tbt_ms, live: sides.live.cdf.tbt_ms } },
        drift,
    };
}
function wholeRun(r) {
    const s = r.summary;
    const stats = (p) => ({ count: null, p50: p.p50, p90: p.p90, p99: p.p99, mean: p.mean });
    const completedOrNull = (p) => (s.completed > 0 ? { ...stats(p), count: s.completed } : EMPTY_STATS);
    // A results JSON counts requests, not gaps: the TBT sample count is not in it.
    const tbt = s.completed > 0 ? stats(s.tbtMs) : EMPTY_STATS;
    return {
        stats: { ttft_ms: completedOrNull(s.ttftMs), tbt_ms: tbt, e2e_ms: completedOrNull(s.e2eMs) },
        throughputRps: s.throughputRps,
        outputTps: s.outputTps,
        goodputRps: s.goodputRps,
        cdf: { ttft_ms: r.cdf.ttftMs, tbt_ms: r.cdf.tbtMs },
    };
}
const EMPTY_STATS = { count: 0, p50: null, p90: null, p99: null, mean: null };
function matchRequests(sim, live) {
    const liveById = new Map(live.map((r) => [r.id, r]));
    const simById = new Map(sim.map((r) => [r.id, r]));
    const both = [];
    const groups = new Map();
    const unmatched = (finishedIn, id, other) => {
        const otherStatus = other === undefined ? 'missing' : other.status;
        const reason = other?.status === 'rejected' ? other.rejectReason : null;
        const key = `${finishedIn}|${otherStatus}|${reason ?? ''}`;
        const g = groups.get(key) ?? { group: { finished_in: finishedIn, other_status: otherStatus, reject_reason: reason }, ids: [] };
        g.ids.push(id);
        groups.set(key, g);
    };
    for (const s of sim) {
        if (s.status !== 'completed')
            continue;
        const l = liveById.get(s.id);
        if (l?.status === 'completed')
            both.push([s, l]);
        else
            unmatched('simulated', s.id, l);
    }
    for (const l of live)
        if (l.status === 'completed' && simById.get(l.id)?.status !== 'completed')
            unmatched('live', l.id, simById.get(l.id));
    both.sort((a, b) => a[0].id - b[0].id);
    const list = [...groups.values()].map(({ group, ids }) => {
        ids.sort((a, b) => a - b);
        return { ...group, count: ids.length, ids: ids.slice(0, UNMATCHED_IDS_LISTED) };
    });
    list.sort((a, b) => b.count - a.count || (a.finished_in < b.finished_in ? -1 : 1));
    return { both, unmatched: list };
}
/** Both sides computed from the requests both runs finished (an interrupted run). */
function commonRequests(m) {
    const side = (pick) => {
        const rows = m.both.map((pair) => pair[pick]);
        const values = (f) => rows.map(f).filter((x) => x !== null);
        const ttft = values((r) => r.ttftMs);
        const tbt = values((r) => r.tpotMs);
        const e2e = values((r) => r.e2eMs);
        // From the first of these requests' arrivals to the last one's completion, as a results JSON's duration.
        let first = Infinity;
        let last = -Infinity;
        let tokens = 0;
        let good = 0;
        for (const r of rows) {
            first = Math.min(first, r.arrivalS);
            last = Math.max(last, r.arrivalS + (r.e2eMs ?? 0) / 1000);
            tokens += r.outputTokens;
            if (r.meetsSlo)
                good++;
        }
        const durationS = last - first;
        const per = (x) => (rows.length > 0 && durationS > 0 ? x / durationS : NaN);
        return {
            stats: { ttft_ms: statsOf(distribution(ttft)), tbt_ms: statsOf(distribution(tbt)), e2e_ms: statsOf(distribution(e2e)) },
            throughputRps: per(rows.length),
            outputTps: per(tokens),
            goodputRps: per(good),
            cdf: { ttft_ms: cdfQuantiles(ttft).map(round4), tbt_ms: cdfQuantiles(tbt).map(round4) },
        };
    };
    return { sim: side(0), live: side(1) };
}
function statsOf(d) {
    const n = (x) => (Number.isNaN(x) ? null : round4(x));
    return { count: d.count, p50: n(d.p50), p90: n(d.p90), p99: n(d.p99), mean: n(d.mean) };
}
function metricJson(simulated, live) {
    const e = (k) => relativeError(simulated[k], live[k]);
    return { simulated, live, error: { p50: e('p50'), p90: e('p90'), p99: e('p99'), mean: e('mean') } };
}
function rateJson(simulated, live) {
    const n = (x) => (Number.isNaN(x) ? null : round6(x));
    // The error of the unrounded rates: rounding both first could move it across a limit.
    return { simulated: n(simulated), live: n(live), error: relativeError(simulated, live) };
}
function perRequestJson(simFile, liveFile, m) {
    const errors = (f) => {
        const abs = [];
        for (const [s, l] of m.both) {
            const e = relativeError(f(s), f(l));
            if (e !== null)
                abs.push(Math.abs(e));
        }
        const sorted = sortedCopy(abs);
        const q = (p) => (sorted.length === 0 ? null : round6(quantile(sorted, p)));
        return { count: sorted.length, median_abs: q(0.5), p90_abs: q(0.9) };
    };
    return {
        simulated_file: simFile,
        live_file: liveFile,
        matched: m.both.length,
        ttft: errors((r) => r.ttftMs),
        mean_tbt: errors((r) => r.tpotMs),
        e2e: errors((r) => r.e2eMs),
        unmatched: m.unmatched,
    };
}
/**
 * The (S_p, S_d, k) histogram of both runs' steps. When only the live run was interrupted, the simulated
 * steps are cut where the live steps end, so both histograms cover the same stretch of the trace.
 */
function splitWindowsJson(sim, live, cut) {
    let liveEndMs = 0;
    for (const s of live.rows)
        liveEndMs = Math.max(liveEndMs, s.startMs + s.durationMs);
    const simRows = cut ? sim.rows.filter((s) => s.startMs < liveEndMs) : sim.rows;
    const a = tally(simRows);
    const b = tally(live.rows);
    const keys = [...new Set([...a.byKey.keys(), ...b.byKey.keys()])].map(parseKey).sort((x, y) => x.prefillSms - y.prefillSms || x.decodeSms - y.decodeSms || x.lookaheadK - y.lookaheadK || (x.mode < y.mode ? -1 : 1));
    const sideJson = (t, key) => {
        const c = t.byKey.get(key) ?? { steps: 0, timeMs: 0 };
        return { steps: c.steps, step_share: share(c.steps, t.steps), time_ms: round4(c.timeMs), time_share: share(c.timeMs, t.timeMs) };
    };
    return {
        simulated_file: sim.file,
        live_file: live.file,
        cut_at_ms: cut ? round4(liveEndMs) : null,
        simulated_steps: a.steps,
        live_steps: b.steps,
        simulated_time_ms: round4(a.timeMs),
        live_time_ms: round4(b.timeMs),
        rows: keys.map((k) => ({ mode: k.mode, prefill_sms: k.prefillSms, decode_sms: k.decodeSms, lookahead_k: k.lookaheadK, simulated: sideJson(a, k.key), live: sideJson(b, k.key) })),
    };
}
function tally(rows) {
    const byKey = new Map();
    let timeMs = 0;
    for (const r of rows) {
        const key = `${r.mode}|${r.prefillSms}|${r.decodeSms}|${r.lookaheadK}`;
        const c = byKey.get(key) ?? { steps: 0, timeMs: 0 };
        c.steps++;
        c.timeMs += r.durationMs;
        byKey.set(key, c);
        timeMs += r.durationMs;
    }
    return { steps: rows.length, timeMs, byKey };
}
function parseKey(key) {
    const [mode, p, d, k] = key.split('|');
    return { key, mode: mode, prefillSms: Number(p), decodeSms: Number(d), lookaheadK: Number(k) };
}
function share(part, whole) {
    return whole > 0 ? round6(part / whole) : 0;
}
function notes(basis, inputs, perRequest, split) {
    const out = [];
    const which = [inputs.simulated.result.interrupted && 'the simulated run', inputs.live.result.interrupted && 'the live run'].filter(Boolean).join(' and ');
    if (basis === 'requests-both-finished') {
        out.push(`${which} was interrupted: latencies and throughput are compared on the ${perRequest?.matched ?? 0} requests both runs finished (from the request CSVs), ` +
            "and TBT is each request's mean gap between tokens (tpot_ms), not every gap pooled; split time share is each run's own summary");
    }
    if (split?.cut_at_ms != null)
        out.push(`the simulated steps are cut at ${split.cut_at_ms} ms, where the interrupted live run's steps end`);
    const unmatched = perRequest?.unmatched.reduce((n, g) => n + g.count, 0) ?? 0;
    if (unmatched > 0)
        out.push(`${unmatched} request(s) finished in one run but not the other (per_request.unmatched)`);
    return out;
}
/** ms to 0.1 µs. */
function round4(x) {
    return Math.round(x * 1e4) / 1e4;
}
function round6(x) {
    return Math.round(x * 1e6) / 1e6;
}
