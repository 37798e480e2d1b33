import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExecResult } from '../../../calibrate/closed-loop/exec-result.js';
import { parseSchedule } from '../../../calibrate/closed-loop/schedule.js';
import { expectInputError } from '../../util/expect-input-error.js';
import { execResultJsonl, execStepLine, GPU_META, TINY_MEASURED, TINY_SCHEDULE } from '../../util/closed-loop-fixtures.js';
const schedule = parseSchedule(TINY_SCHEDULE, 'tiny.jsonl');
const GOOD = execResultJsonl(schedule, TINY_MEASURED);
/** GOOD with line `line` (1-based; 1 is the meta line) changed by `edit`. */
function withLine(line, edit, text = GOOD) {
    const lines = text.trimEnd().split('\n');
    const o = JSON.parse(lines[line - 1]);
    edit(o);
    lines[line - 1] = JSON.stringify(o);
    return lines.join('\n') + '\n';
}
const parse = (text) => parseExecResult(text, 'run.jsonl', schedule);
test('a complete result parses into one measurement per step, with the GPU meta', () => {
    const r = parse(GOOD);
    assert.deepEqual(r.steps, TINY_MEASURED);
    assert.equal(r.complete, true);
    assert.equal(r.wallS, 12.5);
    assert.equal(r.droppedPartialLine, false);
    assert.deepEqual(r.meta, { gpu: GPU_META.gpu, smCount: 132, driver: GPU_META.driver, cudaRuntime: '12.8', date: GPU_META.date, host: 'gpu-host', backend: 'runner', kvBlocks: 4096, kvCopies: 2 });
});
test('fields the format does not name are ignored (the executor may record more)', () => {
    const text = withLine(6, (o) => (o.smid_violations = 0), withLine(1, (o) => (o.kv_peak_blocks = 12), withLine(3, (o) => (o.window_us = 2))));
    assert.deepEqual(parse(text).steps, TINY_MEASURED);
});
test('a run cut short gives the executed prefix; a partly written last line is left out', () => {
    const lines = GOOD.trimEnd().split('\n');
    const cut = parse(lines.slice(0, 3).join('\n') + '\n');
    assert.equal(cut.steps.length, 2);
    assert.equal(cut.complete, false);
    assert.equal(cut.wallS, null);
    const killed = parse(lines.slice(0, 3).join('\n') + '\n' + lines[3].slice(0, 25));
    assert.equal(killed.steps.length, 2);
    assert.equal(killed.droppedPartialLine, true);
    // Without its newline, a complete last line still counts.
    assert.equal(parse(lines.slice(0, 4).join('\n')).steps.length, 3);
});
test('a malformed line other than the last is an error at its line', () => {
    const lines = GOOD.trimEnd().split('\n');
    lines[2] = lines[2].slice(0, 30);
    expectInputError(() => parse(lines.join('\n') + '\n'), [{ code: 'calib.bad-json', file: 'run.jsonl', line: 3 }]);
});
test('the meta line: format, version, the schedule it ran, the SM count', () => {
    expectInputError(() => parse(withLine(1, (o) => (o.version = 2))), [{ code: 'exec.version', line: 1, field: 'version' }]);
    expectInputError(() => parse(withLine(1, (o) => (o.format = 'duetsim-schedule'))), [{ code: 'exec.format', line: 1, field: 'format' }]);
    expectInputError(() => parse(withLine(1, (o) => (o.kind = 'step'))), [{ code: 'exec.no-meta', line: 1, field: 'kind' }]);
    const other = expectInputError(() => parse(withLine(1, (o) => (o.schedule.policy = 'chunked'))), [{ code: 'exec.other-schedule', line: 1, field: 'schedule.policy' }]);
    assert.match(other[0].message, /"chunked" here, "duetserve" in tiny\.jsonl's header/);
    expectInputError(() => parse(withLine(1, (o) => (o.schedule.overheads_us = { scheduling: 100 }))), [{ code: 'exec.other-schedule', line: 1, field: 'schedule.overheads_us.eager_launch_per_kernel' }]);
    expectInputError(() => parse(withLine(1, (o) => (o.sm_count = 114))), [{ code: 'exec.sm-count', line: 1, field: 'sm_count' }]);
    expectInputError(() => parse(withLine(1, (o) => (o.backend = 'python'))), [{ code: 'calib.unknown-value', line: 1, field: 'backend' }]);
    expectInputError(() => parse(''), [{ code: 'exec.no-meta' }]);
});
test('the executor writes numbers to 6 significant digits: the copied header matches to that', () => {
    const s = parseSchedule(TINY_SCHEDULE.replace('"graph_launch":5', '"graph_launch":5.123456789'), 'tiny.jsonl');
    const text = withLine(1, (o) => (o.schedule.overheads_us = { ...o.schedule.overheads_us, graph_launch: 5.12346 }), execResultJsonl(s, TINY_MEASURED));
    assert.equal(parseExecResult(text, 'run.jsonl', s).steps.length, 4);
});
test('step lines follow the schedule: numbering, mode, partition, look-ahead', () => {
    // Step 1's line says 3: the lines after it cannot be matched to the schedule.
    const order = expectInputError(() => parse(withLine(3, (o) => (o.step = 3))), [{ code: 'exec.order', line: 3, field: 'step' }]);
    assert.equal(order.length, 1);
    expectInputError(() => parse(withLine(2, (o) => (o.mode = 'split'))), [{ code: 'exec.mode-mismatch', line: 2, field: 'mode' }]);
    expectInputError(() => parse(withLine(3, (o) => (o.decode_sms = 36))), [{ code: 'exec.step-mismatch', line: 3, field: 'decode_sms' }]);
    expectInputError(() => parse(withLine(3, (o) => (o.k = 4))), [{ code: 'exec.step-mismatch', line: 3, field: 'k' }]);
    const extra = GOOD.replace(/\{"kind":"done".*\n/, `${JSON.stringify({ kind: 'step', step: 4, mode: 'aggregated', gpu_us: 10 })}\n`);
    expectInputError(() => parse(extra), [{ code: 'exec.extra-step', line: 6, field: 'step' }]);
});
test('measured times: one decode end per look-ahead step, a prefill end iff the window has a prefill, positive and in order', () => {
    expectInputError(() => parse(withLine(3, (o) => (o.decode_end_us = [450]))), [{ code: 'exec.step-mismatch', line: 3, field: 'decode_end_us' }]);
    expectInputError(() => parse(withLine(3, (o) => (o.prefill_end_us = null))), [{ code: 'exec.step-mismatch', line: 3, field: 'prefill_end_us' }]);
    expectInputError(() => parse(withLine(3, (o) => (o.decode_end_us = [450, 400]))), [{ code: 'exec.order', line: 3, field: 'decode_end_us[1]' }]);
    expectInputError(() => parse(withLine(3, (o) => (o.decode_end_us = [0, 400]))), [{ code: 'calib.range', line: 3, field: 'decode_end_us[0]' }]);
    expectInputError(() => parse(withLine(2, (o) => (o.gpu_us = null))), [{ code: 'calib.type', line: 2, field: 'gpu_us' }]);
    expectInputError(() => parse(withLine(2, (o) => (o.gpu_us = -3))), [{ code: 'calib.range', line: 2, field: 'gpu_us' }]);
    expectInputError(() => parse(withLine(3, (o) => delete o.smids_ok)), [{ code: 'calib.missing', line: 3, field: 'smids_ok' }]);
});
test("the done line's step count must match, and nothing may follow it", () => {
    expectInputError(() => parse(withLine(6, (o) => (o.steps = 5))), [{ code: 'exec.done-count', line: 6, field: 'steps' }]);
    expectInputError(() => parse(GOOD + execStepLine(schedule, 3, TINY_MEASURED[3]) + '\n'), [{ code: 'exec.after-done', line: 7, field: 'kind' }]);
});
