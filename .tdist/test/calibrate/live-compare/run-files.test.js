import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestsCsv, parseRunResult, parseStepsCsv, REQUEST_COLUMNS, STEP_COLUMNS } from '../../../calibrate/live-compare/run-files.js';
import { REQUEST_CSV_HEADER } from '../../../sim/metrics/collector.js';
import { STEP_CSV_HEADER } from '../../../sim/engine/step-csv.js';
import { expectInputError } from '../../util/expect-input-error.js';
import { requestsCsv, resultJson, stepsCsv, TINY_CONFIG } from '../../util/live-compare-fixtures.js';
test('a results JSON is read into the figures the comparison uses; the live object is optional and echoed', () => {
    const sim = parseRunResult(resultJson(), 'sim.json');
    assert.equal(sim.file, 'sim.json');
    assert.deepEqual(sim.summary.ttftMs, { p50: 100, p90: 150, p99: 200, mean: 110 });
    assert.equal(sim.summary.throughputRps, 1);
    assert.equal(sim.cdf.tbtMs.length, 101);
    assert.deepEqual(sim.config, TINY_CONFIG);
    assert.equal(sim.live, null);
    assert.equal(sim.interrupted, false);
    const live = parseRunResult(resultJson({ live: { backend: 'addon', gpu: { name: 'NVIDIA H200' }, interrupted: { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: 3 } } }), 'live.json');
    assert.deepEqual(live.live, { backend: 'addon', gpu: { name: 'NVIDIA H200' }, interrupted: { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: 3 } });
    assert.equal(live.interrupted, true);
    assert.equal(parseRunResult(resultJson({ live: { backend: 'addon' } }), 'l.json').interrupted, false);
});
test('results JSON problems are located at the line of their field in the pretty-printed file', () => {
    const text = resultJson().replace('"p50": 10,', '"p50": "ten",').replace('"goodput_rps": 1,', '"goodput_rps": -1,');
    const lines = text.split('\n');
    const lineOf = (needle) => lines.findIndex((l) => l.includes(needle)) + 1;
    expectInputError(() => parseRunResult(text, 'live.json'), [
        { file: 'live.json', line: lineOf('"ten"'), field: 'summary.tbt_ms.p50', code: 'live-compare.type' },
        { file: 'live.json', line: lineOf('"goodput_rps"'), field: 'summary.goodput_rps', code: 'live-compare.range' },
    ]);
    const bad = JSON.stringify({ ...JSON.parse(resultJson()), live: { interrupted: 'yes' } }, null, 1);
    expectInputError(() => parseRunResult(bad, 'l.json'), [{ field: 'live.interrupted', line: bad.split('\n').findIndex((l) => l.includes('"interrupted"')) + 1 }]);
    expectInputError(() => parseRunResult('{"schema":"duetsim.study-line/1"}', 'x.json'), [{ file: 'x.json', line: 1, field: 'schema', code: 'live-compare.schema' }]);
    expectInputError(() => parseRunResult('{"schema":', 'x.json'), [{ file: 'x.json', code: 'live-compare.bad-json' }]);
});
test('request and step CSVs are read by column name; a bad row names file:line and the column', () => {
    const rows = parseRequestsCsv(requestsCsv([{ id: 0, ttft_ms: 10, tpot_ms: 5, e2e_ms: 100, origin: 'a,"b"' }, { id: 1, status: 'rejected', reject_reason: 'exceeds-kv-capacity', meets_slo: false }]), 'r.csv');
    assert.deepEqual(rows.rows.map((r) => [r.id, r.line, r.status, r.ttftMs, r.tpotMs, r.e2eMs, r.meetsSlo, r.rejectReason]), [
        [0, 2, 'completed', 10, 5, 100, true, ''],
        [1, 3, 'rejected', null, null, null, false, 'exceeds-kv-capacity'],
    ]);
    const steps = parseStepsCsv(stepsCsv([{ start_ms: 0, duration_ms: 5 }, { start_ms: 5, duration_ms: 7.5, split: [80, 52, 4] }]), 's.csv');
    assert.deepEqual(steps.rows[1], { startMs: 5, durationMs: 7.5, mode: 'split', prefillSms: 80, decodeSms: 52, lookaheadK: 4 });
    const badRequests = requestsCsv([{ id: 0, ttft_ms: 10 }, { id: 1, ttft_ms: 12 }, { id: 1, ttft_ms: 13 }]).replace('12', 'soon').replace('0,trace.csv:2,completed', '0,trace.csv:2,finished');
    expectInputError(() => parseRequestsCsv(badRequests, 'live.csv'), [
        { file: 'live.csv', line: 2, field: 'status', code: 'live-compare.bad-cell' },
        { file: 'live.csv', line: 3, field: 'ttft_ms', code: 'live-compare.bad-cell', message: "expected a number, got 'soon'" },
        { file: 'live.csv', line: 4, field: 'id', message: 'request 1 is also on line 3: a requests CSV has one row per request' },
    ]);
    expectInputError(() => parseStepsCsv(stepsCsv([{ start_ms: 0, duration_ms: 5 }]).replace(',aggregated,', ',mixed,') + '1,2\n', 'it.csv'), [
        { file: 'it.csv', line: 2, field: 'mode' },
        { file: 'it.csv', line: 3, code: 'live-compare.bad-row' },
    ]);
    expectInputError(() => parseStepsCsv(requestsCsv([]), 'it.csv'), [{ file: 'it.csv', line: 1, field: 'start_ms', code: 'live-compare.bad-header' }]);
});
test('the columns read are columns the writers write', () => {
    for (const c of REQUEST_COLUMNS)
        assert.ok(REQUEST_CSV_HEADER.split(',').includes(c), c);
    for (const c of STEP_COLUMNS)
        assert.ok(STEP_CSV_HEADER.split(',').includes(c), c);
});
