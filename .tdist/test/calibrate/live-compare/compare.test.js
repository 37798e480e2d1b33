import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLiveRun, LIVE_COMPARE_SCHEMA } from '../../../calibrate/live-compare/compare.js';
import { formatLiveCompare } from '../../../calibrate/live-compare/format.js';
import { parseRequestsCsv, parseRunResult, parseStepsCsv } from '../../../calibrate/live-compare/run-files.js';
import { requestsCsv, resultJson, stepsCsv } from '../../util/live-compare-fixtures.js';
function inputs(sim, live) {
    const side = (s, name) => ({
        result: parseRunResult(resultJson(s.result), `${name}.json`),
        requests: s.requests ? parseRequestsCsv(requestsCsv(s.requests), `${name}.csv`) : null,
        steps: s.steps ? parseStepsCsv(stepsCsv(s.steps), `${name}-it.csv`) : null,
    });
    return { simulated: side(sim, 'sim'), live: side(live, 'live') };
}
const near = (actual, expected, what) => assert.ok(actual !== null && Math.abs(actual - expected) <= 1e-6, `${what}: ${actual} vs ${expected}`);
test('whole runs: figures from the results JSONs, errors (sim − live) / live worked out by hand, checks at their limits', () => {
    const c = compareLiveRun(inputs({ result: { ttft: { p50: 110, p90: 160, p99: 115, mean: 120 }, tbt: { p50: 10.5, p90: 12, p99: 11.1, mean: 11 }, throughputRps: 1.03, outputTps: 45, goodputRps: 0.9, splitTimeShare: 0.6 } }, { result: { ttft: { p50: 100, p90: 200, p99: 100, mean: 100 }, tbt: { p50: 10, p90: 12, p99: 10, mean: 10 }, throughputRps: 1, outputTps: 50, goodputRps: 1, splitTimeShare: 0.5 } }));
    assert.equal(c.schema, LIVE_COMPARE_SCHEMA);
    assert.equal(c.basis, 'whole-runs');
    assert.deepEqual(c.notes, []);
    assert.deepEqual(c.metrics.ttft_ms.simulated, { count: 5, p50: 110, p90: 160, p99: 115, mean: 120 });
    assert.deepEqual(c.metrics.ttft_ms.error, { p50: 0.1, p90: -0.2, p99: 0.15, mean: 0.2 });
    assert.equal(c.metrics.tbt_ms.simulated.count, null); // a results JSON does not count gaps
    assert.deepEqual(c.metrics.e2e_ms.error, { p50: 0, p90: 0, p99: 0, mean: 0 });
    assert.deepEqual(c.throughput.requests_per_s, { simulated: 1.03, live: 1, error: 0.03 });
    assert.deepEqual(c.throughput.output_tokens_per_s, { simulated: 45, live: 50, error: -0.1 });
    assert.deepEqual(c.throughput.goodput_rps, { simulated: 0.9, live: 1, error: -0.1 });
    assert.deepEqual(c.split_time_share, { simulated: 0.6, live: 0.5, difference: 0.1 });
    assert.deepEqual(c.checks.map((k) => [k.name, k.simulated, k.measured, k.error, k.pass, k.stretch.pass]), [
        ['TTFT p50 within 10%', 110, 100, 0.1, true, false],
        ['TTFT p99 within 15%', 115, 100, 0.15, true, false],
        ['TBT p50 within 5%', 10.5, 10, 0.05, true, false],
        ['TBT p99 within 10%', 11.1, 10, 0.11, false, false],
        ['throughput within 3%', 1.03, 1, 0.03, true, false],
    ]);
    assert.equal(c.pass, false);
    assert.equal(c.per_request, null);
    assert.equal(c.split_windows, null);
    assert.equal(c.cdf.ttft_ms.simulated.length, 101);
    const text = formatLiveCompare(c);
    assert.match(text, /^TBT p99 within 10% +11\.1 ms +10\.0 ms +\+11\.0% +10\.0% FAIL /m);
    assert.match(text, /^overall: FAIL \(1 of 5 checks failed; this is a report, the exit code stays 0 unless --check\)$/m);
});
test('identical runs: every error is 0, every check and every stretch goal passes', () => {
    const files = {
        requests: [{ id: 0, ttft_ms: 10, tpot_ms: 5, e2e_ms: 100 }, { id: 1, ttft_ms: 20, tpot_ms: 6, e2e_ms: 200 }],
        steps: [{ start_ms: 0, duration_ms: 4 }, { start_ms: 4, duration_ms: 6, split: [80, 52, 4] }],
    };
    const c = compareLiveRun(inputs(files, files));
    for (const m of ['ttft_ms', 'tbt_ms', 'e2e_ms'])
        assert.deepEqual(c.metrics[m].error, { p50: 0, p90: 0, p99: 0, mean: 0 }, m);
    for (const r of Object.values(c.throughput))
        assert.equal(r.error, 0);
    assert.equal(c.split_time_share.difference, 0);
    assert.ok(c.checks.every((k) => k.error === 0 && k.pass && k.stretch.pass));
    assert.equal(c.pass, true);
    assert.equal(c.stretch_pass, true);
    const p = c.per_request;
    assert.equal(p.matched, 2);
    for (const e of [p.ttft, p.mean_tbt, p.e2e])
        assert.deepEqual(e, { count: 2, median_abs: 0, p90_abs: 0 });
    assert.deepEqual(p.unmatched, []);
    assert.match(formatLiveCompare(c), /^overall: PASS \(all 5 checks; stretch met\)$/m);
});
test('split windows: share of steps and of time per (S_p, S_d, k), both runs, aggregated first', () => {
    const c = compareLiveRun(inputs({ steps: [{ start_ms: 0, duration_ms: 2 }, { start_ms: 2, duration_ms: 6, split: [80, 52, 4] }, { start_ms: 8, duration_ms: 2, split: [80, 52, 4] }] }, { steps: [{ start_ms: 0, duration_ms: 3 }, { start_ms: 3, duration_ms: 1 }, { start_ms: 4, duration_ms: 6, split: [64, 68, 2] }, { start_ms: 10, duration_ms: 10, split: [80, 52, 4] }] }));
    const w = c.split_windows;
    assert.deepEqual([w.simulated_steps, w.live_steps, w.simulated_time_ms, w.live_time_ms, w.cut_at_ms], [3, 4, 10, 20, null]);
    assert.deepEqual(w.rows.map((r) => [r.mode, r.prefill_sms, r.decode_sms, r.lookahead_k, r.simulated.steps, r.simulated.step_share, r.simulated.time_share, r.live.steps, r.live.step_share, r.live.time_share]), [
        ['aggregated', 0, 0, 1, 1, 0.333333, 0.2, 2, 0.5, 0.2],
        ['split', 64, 68, 2, 0, 0, 0, 1, 0.25, 0.3],
        ['split', 80, 52, 4, 2, 0.666667, 0.8, 1, 0.25, 0.5],
    ]);
    assert.match(formatLiveCompare(c), /^ {2}\(80, 52, 4\) +66\.7% \/ 80\.0% +25\.0% \/ 50\.0%$/m);
});
test('an interrupted live run is compared on the requests both finished, with TBT per request, and says so', () => {
    // Worked by hand (R-7: the p-quantile of n sorted values is at index (n − 1)p, interpolated):
    // both finished ids 0..3. TTFT sim [10, 20, 30, 40], live [11, 22, 30, 36]:
    //   p50 at 1.5: 25 vs 26 → −1/26; p90 at 2.7: 37 vs 34.2; p99 at 2.97: 39.7 vs 35.82; mean 25 vs 24.75.
    // Per request |err| TTFT: 1/11, 1/11, 0, 1/9 → median 1/11, p90 at 2.7: 1/11 + 0.7 (1/9 − 1/11).
    // Throughput: 4 requests from 0 s to the last completion, 3 + 1 s (sim) and 3 + 1.1 s (live): 1 vs 4/4.1 → +2.5%.
    const sim = [10, 20, 30, 40, 50].map((t, id) => ({ id, ttft_ms: t, tpot_ms: 5 + id, e2e_ms: 1000, output_tokens: 10 }));
    const live = [11, 22, 30, 36].map((t, id) => ({ id, ttft_ms: t, tpot_ms: 5 + id, e2e_ms: 1100, output_tokens: 10, meets_slo: id !== 0 }));
    live.push({ id: 4, status: 'unfinished' });
    sim.push({ id: 5, status: 'rejected', reject_reason: 'exceeds-kv-capacity', meets_slo: false });
    live.push({ id: 5, ttft_ms: 5, tpot_ms: 5, e2e_ms: 50 });
    const c = compareLiveRun(inputs({ requests: sim, steps: [{ start_ms: 0, duration_ms: 3000 }, { start_ms: 3000, duration_ms: 2000, split: [80, 52, 4] }] }, { result: { live: { backend: 'addon', interrupted: { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: 3 } } }, requests: live, steps: [{ start_ms: 0, duration_ms: 3500 }] }));
    assert.equal(c.basis, 'requests-both-finished');
    assert.equal(c.live.interrupted, true);
    assert.deepEqual(c.live.meta, { backend: 'addon', interrupted: { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: 3 } });
    assert.equal(c.requests.compared, 4);
    const t = c.metrics.ttft_ms;
    assert.deepEqual(t.simulated, { count: 4, p50: 25, p90: 37, p99: 39.7, mean: 25 });
    assert.deepEqual(t.live, { count: 4, p50: 26, p90: 34.2, p99: 35.82, mean: 24.75 });
    near(t.error.p50, -1 / 26, 'TTFT p50 error');
    near(t.error.p99, 3.88 / 35.82, 'TTFT p99 error');
    // TBT is each request's mean gap: 5, 6, 7, 8 on both sides.
    assert.deepEqual(c.metrics.tbt_ms.error, { p50: 0, p90: 0, p99: 0, mean: 0 });
    assert.deepEqual(c.metrics.e2e_ms.error, { p50: -0.090909, p90: -0.090909, p99: -0.090909, mean: -0.090909 });
    near(c.throughput.requests_per_s.simulated, 1, 'sim req/s');
    near(c.throughput.requests_per_s.live, 4 / 4.1, 'live req/s');
    near(c.throughput.requests_per_s.error, 0.025, 'req/s error');
    near(c.throughput.goodput_rps.live, 3 / 4.1, 'live goodput');
    near(c.throughput.output_tokens_per_s.simulated, 10, 'sim tok/s');
    const k = c.checks.find((x) => x.figure === 'throughput_rps');
    assert.deepEqual([k.pass, k.stretch.pass], [true, false]);
    const p = c.per_request;
    assert.equal(p.matched, 4);
    near(p.ttft.median_abs, 1 / 11, 'median |TTFT error|');
    near(p.ttft.p90_abs, 1 / 11 + 0.7 * (1 / 9 - 1 / 11), 'p90 |TTFT error|');
    assert.deepEqual(p.unmatched, [
        { finished_in: 'live', other_status: 'rejected', reject_reason: 'exceeds-kv-capacity', count: 1, ids: [5] },
        { finished_in: 'simulated', other_status: 'unfinished', reject_reason: null, count: 1, ids: [4] },
    ]);
    // The simulated steps are cut where the live ones end (3.5 s): the split step at 3 s stays, none after.
    assert.equal(c.split_windows.cut_at_ms, 3500);
    assert.equal(c.split_windows.simulated_steps, 2);
    assert.equal(c.notes.length, 3);
    assert.match(c.notes[0], /^the live run was interrupted: latencies and throughput are compared on the 4 requests both runs finished/);
    const text = formatLiveCompare(c);
    assert.match(text, /^ {2}live {7}live\.json \(interrupted\) \(backend addon\)$/m);
    assert.match(text, /^ {2}note: the live run was interrupted/m);
    assert.match(text, /^ {2}1 finished in the simulated run only, unfinished in the live run: ids 4$/m);
    assert.match(text, /^ {2}1 finished in the live run only, rejected \(exceeds-kv-capacity\) in the simulated run: ids 5$/m);
});
test('an interrupted run without request CSVs is refused by the pure comparison too', () => {
    assert.throws(() => compareLiveRun(inputs({}, { result: { live: { interrupted: { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: 3 } } } })), /both request CSVs are needed/);
});
test('unmatched requests list at most 20 ids per reason, ascending, and count them all', () => {
    const sim = Array.from({ length: 30 }, (_, id) => ({ id, ttft_ms: 10, tpot_ms: 5, e2e_ms: 100 }));
    const live = [{ id: 0, ttft_ms: 10, tpot_ms: 5, e2e_ms: 100 }];
    const c = compareLiveRun(inputs({ requests: sim }, { requests: live }));
    const [g] = c.per_request.unmatched;
    assert.deepEqual([g.finished_in, g.other_status, g.count, g.ids.length, g.ids[0], g.ids[19]], ['simulated', 'missing', 29, 20, 1, 20]);
    assert.match(formatLiveCompare(c), /29 finished in the simulated run only, not in the live requests CSV: ids 1, 2, .*, 20, …$/m);
});
