import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportInputs } from '../../reports/load-inputs.js';
import { InputError } from '../../sim/core/input-error.js';
import { writeFixtures } from '../util/report-fixtures.js';
const read = (file) => ({ file, text: readFileSync(file, 'utf8') });
const problemsOf = (files) => {
    try {
        loadReportInputs(files);
    }
    catch (e) {
        assert.ok(e instanceof InputError);
        return e.problems;
    }
    assert.fail('expected the inputs to be rejected');
};
test('results, study and calibration files are told apart by content', async () => {
    const f = await writeFixtures(mkdtempSync(join(tmpdir(), 'duetsim-report-')));
    const input = loadReportInputs([...f.runs, f.study, f.capacity, f.calibration].map(read));
    assert.deepEqual(input.runs.map((r) => r.label), ['duetserve', 'vllm']);
    // 32 sweep points, plus every capacity probe run (also point lines).
    assert.equal(input.studyPoints.filter((p) => p.series.includes(' · ')).length, 32);
    assert.deepEqual(new Set(input.studyPoints.map((p) => p.series)).size, 8 + 2);
    assert.equal(input.studyPoints[0]?.series, 'qwen3-8b · vllm');
    assert.deepEqual(input.capacities.map((c) => c.series), ['vllm', 'duetserve']);
    assert.equal(input.calibration.length, 3);
    assert.equal(input.title, 'sweep, cap');
});
test('runs that differ in more than policy are labelled with what differs', async () => {
    const f = await writeFixtures(mkdtempSync(join(tmpdir(), 'duetsim-report-')), '-x');
    const input = loadReportInputs(f.runs.map(read));
    assert.deepEqual(input.runs.map((r) => r.label), ['duetserve · qwen3-8b-x', 'vllm-x · qwen3-8b']);
});
test('calibration problems name the line and field of each bad point', () => {
    const text = '{\n  "points": [\n    {"id": "a", "kind": "gemm", "predicted_us": 1, "measured_us": 2},\n    {"id": "b", "kind": "gemm", "predicted_us": -1, "measured_us": 2}\n  ]\n}\n';
    const [p] = problemsOf([{ file: 'val.json', text }]);
    assert.deepEqual([p?.file, p?.line, p?.field, p?.code], ['val.json', 4, 'points[1].predicted_us', 'report-bad-calibration']);
});
test('a results file with a broken summary is located at the field', () => {
    const text = '{\n  "schema": "duetsim.result/1",\n  "config": {},\n  "summary": {"requests": "many"},\n  "cdf": {"ttft_ms": [], "tbt_ms": []},\n  "timeline": {"bucket_s": 1, "buckets": []}\n}\n';
    const ps = problemsOf([{ file: 'r.json', text }]);
    const p = ps.find((x) => x.field === 'summary.requests');
    assert.equal(p?.line, 4);
    assert.ok(ps.some((x) => x.field === 'summary.ttft_ms'));
});
test('invalid JSON, unknown files and bad study lines are errors with lines', () => {
    assert.equal(problemsOf([{ file: 'x.json', text: '{\n"a": 1,\n}' }])[0]?.line, 3);
    assert.equal(problemsOf([{ file: 'y.json', text: '{"hello": 1}' }])[0]?.code, 'report-unknown-file');
    const line = '{"schema":"duetsim.study-line/1","study":"s","study_name":"s","kind":"point","coords":{},"spec":{},"summary":{},"cdf":{}}';
    const p = problemsOf([{ file: 's.jsonl', text: `${line}\n` }]);
    assert.equal(p[0]?.line, 1);
    assert.equal(p[0]?.field, 'summary.requests');
});
test('a study still being written (partial last line) loads without it', async () => {
    const f = await writeFixtures(mkdtempSync(join(tmpdir(), 'duetsim-report-')));
    const text = readFileSync(f.study, 'utf8');
    const input = loadReportInputs([{ file: f.study, text: text + (text.split('\n')[0] ?? '').slice(0, 100) }]);
    assert.equal(input.studyPoints.length, 32);
});
test('extra scalar fields of calibration points are kept for the CSV', () => {
    const text = JSON.stringify({ points: [{ id: 'a', kind: 'forward', predicted_us: 1, measured_us: 2, sm_count: 64, batch_kind: 'decode', nested: { x: 1 } }] });
    assert.deepEqual(loadReportInputs([{ file: 'v.json', text }]).calibration[0]?.extra, { sm_count: 64, batch_kind: 'decode' });
});
