import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_PROBLEMS } from '../../../calibrate/closed-loop/problems.js';
import { parseSchedule, readScheduleFile, ScheduleReader } from '../../../calibrate/closed-loop/schedule.js';
import { expectInputError } from '../../util/expect-input-error.js';
import { emittedScheduleText, TINY_SCHEDULE } from '../../util/closed-loop-fixtures.js';
/** TINY_SCHEDULE with line `line` (1-based; 1 is the header) changed by `edit`. */
function withLine(line, edit) {
    const lines = TINY_SCHEDULE.trimEnd().split('\n');
    const o = JSON.parse(lines[line - 1]);
    edit(o);
    lines[line - 1] = JSON.stringify(o);
    return lines.join('\n') + '\n';
}
test('a schedule the simulator wrote parses into typed steps', () => {
    const s = parseSchedule(emittedScheduleText('duetserve'), 'd.jsonl');
    assert.equal(s.header.policy, 'duetserve');
    assert.equal(s.header.smCount, 132);
    assert.ok(s.header.overheads.schedulingUs > 0 && s.header.overheads.samplingUs > 0);
    assert.ok(s.steps.length > 1000);
    s.steps.forEach((step, i) => assert.equal(step.index, i));
    assert.equal(s.steps[1].line, 3);
    const split = s.steps.find((x) => x.mode === 'split' && x.prefills.length > 0 && x.decodes.length > 0);
    assert.ok(split);
    assert.equal(split.decodeTokenOffsetsUs.length, split.lookaheadK);
    assert.ok(split.prefillDoneOffsetUs !== null && split.prefillSms + split.decodeSms <= 132);
});
test('the streaming reader gives the same schedule as parsing the text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-schedule-'));
    const text = emittedScheduleText('chunked');
    writeFileSync(join(dir, 's.jsonl'), text);
    const streamed = await readScheduleFile(join(dir, 's.jsonl'), 's.jsonl');
    assert.deepEqual(streamed, parseSchedule(text, 's.jsonl'));
    // Line by line by hand, too (CRLF line ends are fine: JSON ignores the \r).
    const reader = new ScheduleReader('s.jsonl');
    for (const l of TINY_SCHEDULE.split('\n'))
        reader.line(l + '\r');
    assert.equal(reader.finish().steps.length, 4);
});
test('a version 1 schedule is refused with the command that writes version 2', () => {
    const v1 = withLine(1, (o) => {
        o.version = 1;
        delete o.overheads_us;
    });
    const problems = expectInputError(() => parseSchedule(v1, 'old.jsonl'), [{ code: 'schedule.version', file: 'old.jsonl', line: 1, field: 'version' }]);
    assert.equal(problems.length, 1, 'the steps are not checked against a header that is refused');
    assert.match(problems[0].message, /re-emit it with the current `duetsim replay --emit-schedule`/);
    expectInputError(() => parseSchedule(withLine(1, (o) => (o.format = 'duetsim-exec')), 's.jsonl'), [{ code: 'schedule.format', line: 1, field: 'format' }]);
    expectInputError(() => parseSchedule(withLine(1, (o) => (o.version = 3)), 's.jsonl'), [{ code: 'schedule.version', line: 1, field: 'version' }]);
});
test('header fields: missing overheads, unknown keys', () => {
    expectInputError(() => parseSchedule(withLine(1, (o) => delete o.overheads_us.sampling), 's.jsonl'), [{ code: 'calib.missing', line: 1, field: 'overheads_us.sampling' }]);
    expectInputError(() => parseSchedule(withLine(1, (o) => (o.gpu = 'x')), 's.jsonl'), [{ code: 'calib.unknown-key', line: 1, field: 'gpu' }]);
});
test('steps must be numbered from 0 in file order and never overlap', () => {
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.step = 5)), 's.jsonl'), [{ code: 'schedule.order', line: 3, field: 'step' }]);
    expectInputError(() => parseSchedule(withLine(4, (o) => (o.start_us = 2000)), 's.jsonl'), [{ code: 'schedule.overlap', line: 4, field: 'start_us' }]);
});
test('mode and partition fields must agree', () => {
    expectInputError(() => parseSchedule(withLine(2, (o) => (o.prefill_sms = 66)), 's.jsonl'), [{ code: 'schedule.mode', line: 2, field: 'prefill_sms' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.decode_sms = 0)), 's.jsonl'), [{ code: 'schedule.mode', line: 3, field: 'decode_sms' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.prefill_sms = 120)), 's.jsonl'), [{ code: 'schedule.mode', line: 3, field: 'decode_sms' }]);
    expectInputError(() => parseSchedule(withLine(2, (o) => (o.mode = 'fused')), 's.jsonl'), [{ code: 'calib.unknown-value', line: 2, field: 'mode' }]);
});
test('decodes take 1..k steps and a step with decodes has k token offsets', () => {
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.decodes[1].steps = 3)), 's.jsonl'), [{ code: 'schedule.steps', line: 3, field: 'decodes[1].steps' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.decodes[0].context = 'many')), 's.jsonl'), [{ code: 'calib.type', line: 3, field: 'decodes[0].context' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.decodes[0].tokens = 1)), 's.jsonl'), [{ code: 'calib.unknown-key', line: 3, field: 'decodes[0].tokens' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.decode_token_offsets_us = [900])), 's.jsonl'), [{ code: 'schedule.offsets', line: 3, field: 'decode_token_offsets_us' }]);
    expectInputError(() => parseSchedule(withLine(4, (o) => (o.decode_token_offsets_us = [])), 's.jsonl'), [{ code: 'schedule.offsets', line: 4, field: 'decode_token_offsets_us' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.decode_token_offsets_us = [900, 500])), 's.jsonl'), [{ code: 'schedule.offsets', line: 3, field: 'decode_token_offsets_us[1]' }]);
});
test('token offsets exist exactly where tokens are emitted, and follow the simulator timing rule', () => {
    expectInputError(() => parseSchedule(withLine(2, (o) => (o.prefill_token_offset_us = null)), 's.jsonl'), [{ code: 'schedule.offsets', line: 2, field: 'prefill_token_offset_us' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.prefill_done_offset_us = null)), 's.jsonl'), [{ code: 'schedule.offsets', line: 3, field: 'prefill_done_offset_us' }]);
    expectInputError(() => parseSchedule(withLine(4, (o) => (o.prefill_done_offset_us = 300)), 's.jsonl'), [{ code: 'schedule.offsets', line: 4, field: 'prefill_done_offset_us' }]);
    // An aggregated step emits at its end; a split window ends `sampling` after its later lane.
    expectInputError(() => parseSchedule(withLine(4, (o) => (o.decode_token_offsets_us = [590])), 's.jsonl'), [{ code: 'schedule.timing', line: 4, field: 'decode_token_offsets_us[0]' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.duration_us = 1400)), 's.jsonl'), [{ code: 'schedule.timing', line: 3, field: 'duration_us' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.prefill_token_offset_us = 1340)), 's.jsonl'), [{ code: 'schedule.timing', line: 3, field: 'prefill_token_offset_us' }]);
});
test('a request may not arrive after its step starts, nor appear twice in one step', () => {
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.prefills[0].arrival_us = 1200)), 's.jsonl'), [{ code: 'schedule.arrival', line: 3, field: 'prefills[0].arrival_us' }]);
    expectInputError(() => parseSchedule(withLine(3, (o) => (o.decodes[1].id = 0)), 's.jsonl'), [{ code: 'schedule.duplicate-id', line: 3, field: 'decodes[1].id' }]);
});
test('bad JSON and empty files are located; problems are collected, at most MAX_PROBLEMS listed', () => {
    const lines = TINY_SCHEDULE.trimEnd().split('\n');
    lines[2] = lines[2].slice(0, 40);
    expectInputError(() => parseSchedule(lines.join('\n'), 's.jsonl'), [{ code: 'calib.bad-json', file: 's.jsonl', line: 3 }]);
    expectInputError(() => parseSchedule('', 'empty.jsonl'), [{ code: 'schedule.empty', file: 'empty.jsonl' }]);
    expectInputError(() => parseSchedule(TINY_SCHEDULE.split('\n')[0], 'h.jsonl'), [{ code: 'schedule.empty' }]);
    // Every step wrong: the list is capped and says how many more there were.
    const bad = emittedScheduleText('chunked').replace(/"instance":0/g, '"instance":1');
    const problems = expectInputError(() => parseSchedule(bad, 'b.jsonl'), [{ code: 'schedule.instance', line: 2, field: 'instance' }]);
    assert.equal(problems.length, MAX_PROBLEMS + 1);
    assert.match(problems[MAX_PROBLEMS].message, /^\d+ more problem\(s\) not shown$/);
});
