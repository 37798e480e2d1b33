import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareClosedLoop } from '../../../calibrate/closed-loop/compare.js';
import { parseExecResult } from '../../../calibrate/closed-loop/exec-result.js';
import { formatCompare, formatMs, formatSignedPct } from '../../../calibrate/closed-loop/format-compare.js';
import { predictedAsMeasured } from '../../../calibrate/closed-loop/rebuild.js';
import { parseSchedule } from '../../../calibrate/closed-loop/schedule.js';
import { emittedSchedule, execResultJsonl, scaled, TINY_MEASURED, TINY_SCHEDULE } from '../../util/closed-loop-fixtures.js';
test('numbers: about three significant figures for ms, signed percentages', () => {
    assert.deepEqual([formatMs(265.4), formatMs(43.27), formatMs(1.234), formatMs(null)], ['265', '43.3', '1.23', '–']);
    assert.deepEqual([formatSignedPct(0.0123), formatSignedPct(-0.087), formatSignedPct(null)], ['+1.2%', '-8.7%', '–']);
});
test('the summary has the sim/executed table per metric and phase, the three checks and the drift groups', () => {
    const s = emittedSchedule('duetserve');
    const text = formatCompare(compareClosedLoop(s, parseExecResult(execResultJsonl(s, scaled(predictedAsMeasured(s), 1.1)), 'run.jsonl', s)));
    assert.match(text, /^closed loop: duetserve on qwen3-8b \/ h100-sxm, trace azure-conv at 9.36 req\/s$/m);
    for (const metric of ['TTFT', 'TBT', 'E2E'])
        for (const phase of ['all', 'aggregated', 'split'])
            assert.match(text, new RegExp(`^${metric} ms +${phase} +\\d+ `, 'm'));
    assert.match(text, /^ {2}TBT p50 within 5% +simulated [\d.]+ ms, executed [\d.]+ ms \(-8\.\d%\): FAIL$/m);
    assert.match(text, /^ {2}TBT p99 within 10% .*: PASS$/m);
    assert.match(text, /^ {2}overall: FAIL$/m);
    assert.match(text, /^largest mean drift \(groups of at least 5 items\):$/m);
    assert.match(text, /plausible cause: /);
});
test('a cut-short run and SM partition violations are said up front', () => {
    const s = parseSchedule(TINY_SCHEDULE, 'tiny.jsonl');
    const steps = [TINY_MEASURED[0], { ...TINY_MEASURED[1], smidsOk: false }];
    const text = formatCompare(compareClosedLoop(s, parseExecResult(execResultJsonl(s, steps, { done: false }), 'run.jsonl', s)));
    assert.match(text, /note: the run stopped after 2 of 4 steps; only requests served entirely by those steps are compared/);
    assert.match(text, /warning: in 1 split windows kernels ran outside their partition's SMs/);
    assert.match(text, /requests {2}1 compared of 4 in the schedule/);
});
