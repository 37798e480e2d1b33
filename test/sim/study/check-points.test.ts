import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkStudyPoints } from '../../../sim/study/check-points.js';
import { parseStudy } from '../../../sim/study/parse-study.js';
import { expandGrid } from '../../../sim/study/grid.js';
import { expectInputError } from '../../util/expect-input-error.js';

const check = (text: string, cwd = process.cwd()): void => {
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

const LIMITS = `name: limits
base:
  trace: azure-conv
  model: qwen3-8b
  hardware: h100-sxm
  sloTbtMs: 50
  limit: 20
  engine: { maxNumSeqs: 64 }
axes:
  policy: [chunked, vllm]
`;
const notesOf = (text: string): string[] => {
  const study = parseStudy(text, 's.yaml');
  return checkStudyPoints(study, expandGrid(study), 's.yaml', text, process.cwd());
};

test("an engine limit in the base that some of the study's policies ignore is noted at its line, naming who sets it instead", () => {
  const notes = notesOf(LIMITS);
  assert.equal(notes.length, 1);
  assert.match(notes[0], /^s\.yaml:8 \[base\.engine\.maxNumSeqs\]: read by chunked, not by vllm \(engine\.maxNumSeqs does not apply to policy vllm: its parameter max_num_seqs sets that \(paramsByPolicy\.vllm\.max_num_seqs\)\); their points record it but run on their own setting$/);
  // Read by every policy of the study: nothing to say. Not given: the default is no one's choice.
  assert.deepEqual(notesOf(LIMITS.replace('[chunked, vllm]', '[chunked, duetserve]')), []);
  assert.deepEqual(notesOf(LIMITS.replace('  engine: { maxNumSeqs: 64 }\n', '')), []);
});

test('an engine limit no policy of the study reads, or an axis varying it for one that ignores it, is refused at the value', () => {
  const [p] = expectInputError(() => check(LIMITS.replace('[chunked, vllm]', '[vllm, sglang]')), [{ code: 'study-point-invalid', file: 's.yaml', line: 8, field: 'base.engine.maxNumSeqs' }]);
  assert.match(p.message, /no policy of the study reads it: engine\.maxNumSeqs does not apply to policy vllm: its parameter max_num_seqs sets that .*; engine\.maxNumSeqs does not apply to policy sglang: its parameter max_running_requests sets that/);
  // An axis over it: the vllm points would differ only in a label the run never used.
  const axis = LIMITS.replace('  engine: { maxNumSeqs: 64 }\n', '') + '  engine.maxBatchTokens: [2048, 8192]\n';
  const [q] = expectInputError(() => check(axis), [{ code: 'study-point-invalid', file: 's.yaml', line: 10, field: 'axes.engine.maxBatchTokens[0]' }]);
  assert.match(q.message, /engine\.maxBatchTokens does not apply to policy vllm: its parameter max_num_batched_tokens sets that \(paramsByPolicy\.vllm\.max_num_batched_tokens\) \(study-engine-limit-unread\) \(first at point policy=vllm, engine\.maxBatchTokens=2048\)$/);
  // DuetServe on a vllm base engine takes that engine's limits: the same refusal names base_engine.
  const duet = LIMITS.replace('[chunked, vllm]', '[duetserve]') + 'paramsByPolicy:\n  duetserve: { base_engine: vllm }\n';
  const [r] = expectInputError(() => check(duet), [{ code: 'study-point-invalid', line: 8, field: 'base.engine.maxNumSeqs' }]);
  assert.match(r.message, /with base_engine=vllm: that base engine sets it/);
});
