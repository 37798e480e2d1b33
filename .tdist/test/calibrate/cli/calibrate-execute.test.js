import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emittedScheduleText } from '../../util/closed-loop-fixtures.js';
import { runCommand } from '../../util/run-command.js';
import { COMMANDS } from '../../../bin/commands.js';
// The command as bin/ composes it (with reports/' HTML pages).
const calibrate = await COMMANDS.calibrate();
function workspace() {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-execute-'));
    writeFileSync(join(dir, 's.jsonl'), emittedScheduleText('duetserve'));
    return dir;
}
test('calibrate execute --plan-only writes the executor plan beside the schedule, no GPU needed', async () => {
    const dir = workspace();
    const r = await runCommand(calibrate, ['calibrate', 'execute', 's.jsonl', '--plan-only'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /steps of duetserve on qwen3-8b -> s\.exec\.jsonl; KV pool \d+ blocks/);
    const lines = readFileSync(join(dir, 's.exec.jsonl'), 'utf8').trim().split('\n');
    const header = JSON.parse(lines[0]);
    assert.equal(header.format, 'duetsim-exec');
    assert.equal(header.steps, lines.length - 1);
    assert.equal(header.schedule.policy, 'duetserve');
});
test('calibrate execute: --out is required to run, and a machine without the GPU build says how to build it', async () => {
    const dir = workspace();
    const noOut = await runCommand(calibrate, ['calibrate', 'execute', 's.jsonl'], dir);
    assert.equal(noOut.code, 2);
    assert.match(noOut.error?.message ?? '', /--out is required/);
    const noBuild = await runCommand(calibrate, ['calibrate', 'execute', 's.jsonl', '--out', 'm.jsonl', '--backend', 'runner', '--runner', 'no/such/duet_runner'], dir);
    assert.equal(noBuild.code, 1);
    assert.match(noBuild.error?.message ?? '', /neither the CUDA addon nor duet_runner is built.*npm run build:native/);
});
test('calibrate execute: a missing schedule is a located input error', async () => {
    const dir = workspace();
    const r = await runCommand(calibrate, ['calibrate', 'execute', 'nope.jsonl', '--plan-only'], dir);
    assert.equal(r.code, 2);
    assert.match(r.error?.message ?? '', /nope\.jsonl.*no such schedule file/);
});
