import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStudyPoints } from '../../../sim/study/check-points.js';
import { parseStudy } from '../../../sim/study/parse-study.js';
import { expandGrid } from '../../../sim/study/grid.js';
import { expectInputError } from '../../util/expect-input-error.js';
const check = (text, cwd = process.cwd()) => {
    const study = parseStudy(text, 's.yaml');
    checkStudyPoints(study, expandGrid(study), 's.yaml', text, cwd);
};
const GOOD = `name: ok
base: { trace: azure-conv, hardware: h100-sxm, sloTbtMs: 50, limit: 50 }
axes:
  model: [qwen3-8b, qwen3-14b]
  policy: [chunked, duetserve]
`;
test('a study whose every point resolves passes the check', () => {
    check(GOOD);
});
test('an unknown model on an axis is reported once, at that axis entry, naming the first point that has it', () => {
    const [p] = expectInputError(() => check(GOOD.replace('qwen3-14b', 'qwen9')), [{ code: 'study-point-invalid', file: 's.yaml', line: 4, column: 21, field: 'axes.model[1]' }]);
    assert.match(p.message, /^\[model\] unknown model 'qwen9'; bundled: .* \(unknown-model\) \(first at point model=qwen9, policy=chunked\)$/);
});
test('a policy parameter problem is placed at paramsByPolicy, and a policy without its target at the policy entry', () => {
    const withParams = GOOD + 'paramsByPolicy:\n  duetserve: { tbt_target_ms: -3 }\n';
    expectInputError(() => check(withParams), [{ code: 'study-point-invalid', line: 7, column: 14, field: 'paramsByPolicy.duetserve' }]);
    const noTarget = GOOD.replace('sloTbtMs: 50, ', '');
    const [p] = expectInputError(() => check(noTarget), [{ code: 'study-point-invalid', line: 5, column: 21, field: 'axes.policy[1]' }]);
    assert.match(p.message, /\[tbt_target_ms\] duetserve needs a TBT target/);
});
test('a bad trace file is reported at base.trace with the trace line that is wrong', () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-check-'));
    writeFileSync(join(dir, 't.jsonl'), '{"arrival_ms":0,"prompt_tokens":10,"output_tokens":5}\n{"arrival_ms":1,"prompt_tokens":1e20,"output_tokens":5}\n');
    const [p] = expectInputError(() => check(GOOD.replace('trace: azure-conv', 'trace: t.jsonl'), dir), [{ code: 'study-point-invalid', line: 2, column: 16, field: 'base.trace' }]);
    assert.match(p.message, /^t\.jsonl:2 \[prompt_tokens\]: token count must be at most 1,000,000,000, got 100000000000000000000 \(count-too-large\)/);
});
test('a rate whose window is empty is reported at the rate entry', () => {
    const text = GOOD.replace('limit: 50', 'durationS: 1, startS: 100000').replace('axes:\n', 'axes:\n  rateQps: [2]\n');
    expectInputError(() => check(text), [{ code: 'study-point-invalid', line: 4, field: 'axes.rateQps[0]' }]);
});
test('a cluster axis naming a missing file is reported at that entry with the loader message', () => {
    const text = 'name: c\nbase: { trace: azure-conv, limit: 20 }\naxes:\n  cluster: [nowhere.yaml]\n';
    const [p] = expectInputError(() => check(text, mkdtempSync(join(tmpdir(), 'duetsim-check-'))), [{ code: 'study-point-invalid', line: 4, column: 13, field: 'axes.cluster[0]' }]);
    assert.match(p.message, /nowhere\.yaml: no such cluster config file \(file-not-found\) \(first at point cluster=nowhere\.yaml\)$/);
});
