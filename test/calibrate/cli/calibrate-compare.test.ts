import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPARE_SCHEMA, type ClosedLoopCompare } from '../../../calibrate/closed-loop/compare.js';
import { predictedAsMeasured } from '../../../calibrate/closed-loop/rebuild.js';
import { InputError } from '../../../sim/core/input-error.js';
import { emittedSchedule, emittedScheduleText, execResultJsonl, scaled } from '../../util/closed-loop-fixtures.js';
import { runCommand } from '../../util/run-command.js';
import { runCli } from '../../../bin/main.js';
import { COMMANDS } from '../../../bin/commands.js';

// The command as bin/ composes it (with reports/' HTML pages).
const calibrate = await COMMANDS.calibrate();

/** A folder with a duetserve schedule, a measured file as predicted (exact.jsonl) and one 10% slower (slow.jsonl). */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-compare-'));
  const s = emittedSchedule('duetserve');
  writeFileSync(join(dir, 's.jsonl'), emittedScheduleText('duetserve'));
  writeFileSync(join(dir, 'exact.jsonl'), execResultJsonl({ ...s, file: 's.jsonl' }, predictedAsMeasured(s)));
  writeFileSync(join(dir, 'slow.jsonl'), execResultJsonl(s, scaled(predictedAsMeasured(s), 1.1)));
  return dir;
}

test('compare prints the summary and writes the JSON and the HTML page', async () => {
  const dir = workspace();
  const r = await runCommand(calibrate, ['calibrate', 'compare', 's.jsonl', 'exact.jsonl', '--json', 'c.json', '--html', 'c.html', '--check'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^closed loop: duetserve on qwen3-8b \/ h100-sxm/);
  assert.match(r.stdout, /^ {2}overall: PASS$/m);
  assert.match(r.stderr, /wrote c\.html/);
  const json = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as ClosedLoopCompare;
  assert.equal(json.schema, COMPARE_SCHEMA);
  assert.equal(json.schedule.file, 's.jsonl');
  assert.equal(json.executed.file, 'exact.jsonl');
  assert.equal(json.executed.gpu, 'NVIDIA H100 80GB HBM3');
  assert.match(readFileSync(join(dir, 'c.html'), 'utf8'), /<title>duetsim closed loop: duetserve on qwen3-8b \/ NVIDIA H100 80GB HBM3<\/title>/);
});

test('--check exits 1 when an acceptance check fails; without it the same comparison exits 0', async () => {
  const dir = workspace();
  const checked = await runCommand(calibrate, ['calibrate', 'compare', 's.jsonl', 'slow.jsonl', '--check'], dir);
  assert.equal(checked.code, 1);
  assert.match(checked.error?.message ?? '', /acceptance failed: TBT p50 within 5%; TTFT p50 within 10%/);
  assert.match(checked.stdout, /overall: FAIL/);
  const plain = await runCommand(calibrate, ['calibrate', 'compare', 's.jsonl', 'slow.jsonl'], dir);
  assert.equal(plain.code, 0);
});

test('bad files exit 2 with file:line and field', async () => {
  const dir = workspace();
  const lines = readFileSync(join(dir, 'exact.jsonl'), 'utf8').split('\n');
  lines[4] = lines[4].replace('"mode":"aggregated"', '"mode":"split"');
  writeFileSync(join(dir, 'bad.jsonl'), lines.join('\n'));
  const r = await runCommand(calibrate, ['calibrate', 'compare', 's.jsonl', 'bad.jsonl'], dir);
  assert.equal(r.code, 2);
  assert.ok(r.error instanceof InputError);
  assert.match(r.error.message, /^bad\.jsonl:5 \[mode\]: step 3 is aggregated in the schedule \(s\.jsonl:5\), split here \(exec\.mode-mismatch\)$/m);
  const missing = await runCommand(calibrate, ['calibrate', 'compare', 'nope.jsonl', 'exact.jsonl'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.error?.message ?? '', /^nope\.jsonl \[<schedule\.jsonl>\]: no such file/);
  writeFileSync(join(dir, 'v1.jsonl'), readFileSync(join(dir, 's.jsonl'), 'utf8').replace('"version":2', '"version":1'));
  const v1 = await runCommand(calibrate, ['calibrate', 'compare', 'v1.jsonl', 'exact.jsonl'], dir);
  assert.equal(v1.code, 2);
  assert.match(v1.error?.message ?? '', /^v1\.jsonl:1 \[version\]: version 1 schedules lack/);
  assert.ok(!existsSync(join(dir, 'c.json')));
});

test('compare run through the CLI prints control characters from a measured file escaped, never raw', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-compare-'));
  const s = emittedSchedule('duetserve');
  writeFileSync(join(dir, 's.jsonl'), emittedScheduleText('duetserve'));
  // A GPU name and host that would retitle the terminal window and clear the screen if printed raw.
  const meta = { gpu: 'H100\u001b]0;pwned\u0007', host: 'node\u001b[2J\u009b31m' };
  writeFileSync(join(dir, 'evil.jsonl'), execResultJsonl({ ...s, file: 's.jsonl' }, predictedAsMeasured(s), { meta }));
  let stdout = '';
  let stderr = '';
  const code = await runCli(['calibrate', 'compare', 's.jsonl', 'evil.jsonl'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), isTty: true, cwd: dir });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /on H100\\u001b\]0;pwned\\u0007 \(/);
  assert.match(stdout, /, node\\u001b\[2J\\u009b31m\n/);
  assert.doesNotMatch(stdout + stderr, /[\u001b\u0007\u009b]/);
});
