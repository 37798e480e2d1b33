import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPARE_SCHEMA } from '../../../calibrate/closed-loop/compare.js';
import { predictedAsMeasured } from '../../../calibrate/closed-loop/rebuild.js';
import { InputError } from '../../../sim/core/input-error.js';
import { emittedSchedule, emittedScheduleText, execResultJsonl, scaled } from '../../util/closed-loop-fixtures.js';
import { runCommand } from '../../util/run-command.js';
import { requestsCsv, resultJson, stepsCsv, TINY_CONFIG } from '../../util/live-compare-fixtures.js';
import { LIVE_COMPARE_SCHEMA } from '../../../calibrate/live-compare/compare.js';
import { runCli } from '../../../bin/main.js';
import { COMMANDS } from '../../../bin/commands.js';
// The command as bin/ composes it (with reports/' HTML pages).
const calibrate = await COMMANDS.calibrate();
/** A folder with a duetserve schedule, a measured file as predicted (exact.jsonl) and one 10% slower (slow.jsonl). */
function workspace() {
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
    const json = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
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
/** A folder with a simulated and a live run of one scenario (results, requests and steps), the live one 20% slower on TTFT. */
function liveWorkspace() {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-live-compare-'));
    const requests = [0, 1, 2].map((id) => ({ id, ttft_ms: 10 + id, tpot_ms: 5, e2e_ms: 100 }));
    const steps = [{ start_ms: 0, duration_ms: 4 }, { start_ms: 4, duration_ms: 6, split: [80, 52, 4] }];
    writeFileSync(join(dir, 'sim.json'), resultJson({ ttft: { p50: 120, p90: 150, p99: 200, mean: 110 } }));
    writeFileSync(join(dir, 'live.json'), resultJson({ live: { backend: 'addon', interrupted: null } }));
    writeFileSync(join(dir, 'same.json'), resultJson());
    writeFileSync(join(dir, 'sim.csv'), requestsCsv(requests));
    writeFileSync(join(dir, 'live.csv'), requestsCsv(requests));
    writeFileSync(join(dir, 'sim-it.csv'), stepsCsv(steps));
    writeFileSync(join(dir, 'live-it.csv'), stepsCsv(steps));
    return dir;
}
const ALL_LIVE = ['--simulated', 'sim.json', '--live', 'live.json', '--simulated-requests', 'sim.csv', '--live-requests', 'live.csv', '--simulated-steps', 'sim-it.csv', '--live-steps', 'live-it.csv'];
test('live mode prints the table, writes --out and --html, and exits 0 although a check fails', async () => {
    const dir = liveWorkspace();
    const r = await runCommand(calibrate, ['calibrate', 'compare', ...ALL_LIVE, '--out', 'c.json', '--html', 'c.html'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^live run vs simulation: duetserve on qwen3-8b \/ h200, trace azure-conv at 2 req\/s, seed 0$/m);
    assert.match(r.stdout, /^TTFT p50 within 10% +120 ms +100 ms +\+20\.0% +10\.0% FAIL/m);
    assert.match(r.stdout, /^overall: FAIL \(1 of 5 checks failed; this is a report, the exit code stays 0 unless --check\)$/m);
    assert.match(r.stdout, /^ {2}\(80, 52, 4\) /m);
    assert.match(r.stderr, /wrote c\.html/);
    const json = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8'));
    assert.equal(json.schema, LIVE_COMPARE_SCHEMA);
    assert.deepEqual(json.live.meta, { backend: 'addon', interrupted: null });
    assert.equal(json.per_request?.matched, 3);
    assert.match(readFileSync(join(dir, 'c.html'), 'utf8'), /<title>duetsim live run vs simulation: duetserve on qwen3-8b \/ h200<\/title>/);
    const checked = await runCommand(calibrate, ['calibrate', 'compare', ...ALL_LIVE, '--check'], dir);
    assert.equal(checked.code, 1);
    assert.match(checked.error?.message ?? '', /acceptance failed: TTFT p50 within 10%$/);
});
test('live mode --json prints the comparison with its checks as {name, simulated, measured, error, limit, pass}', async () => {
    const dir = liveWorkspace();
    const r = await runCommand(calibrate, ['calibrate', 'compare', '--simulated', 'same.json', '--live', 'live.json', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.schema, 'duetsim.live-compare/1');
    assert.equal(json.checks.length, 5);
    for (const k of json.checks) {
        assert.deepEqual(Object.keys(k), ['name', 'simulated', 'measured', 'error', 'limit', 'pass', 'stretch', 'figure']);
        assert.deepEqual([k.error, k.pass, k.stretch.pass], [0, true, true]);
    }
    assert.equal(json.pass, true);
    assert.equal(json.per_request, null);
    assert.equal(json.split_windows, null);
});
test('live mode refuses runs of different scenarios, naming each differing config field at its line', async () => {
    const dir = liveWorkspace();
    const other = resultJson({ config: { ...TINY_CONFIG, rateQps: 4, policy: 'chunked' } });
    writeFileSync(join(dir, 'other.json'), other);
    const r = await runCommand(calibrate, ['calibrate', 'compare', '--simulated', 'sim.json', '--live', 'other.json'], dir);
    assert.equal(r.code, 2);
    const lineOf = (key) => other.split('\n').findIndex((l) => l.includes(`"${key}"`)) + 1;
    assert.match(r.error?.message ?? '', new RegExp(`^other\\.json:${lineOf('policy')}:\\d+ \\[config\\.policy\\]: the runs are of different scenarios: "chunked" here, "duetserve" in sim\\.json`, 'm'));
    assert.match(r.error?.message ?? '', new RegExp(`^other\\.json:${lineOf('rateQps')}:\\d+ \\[config\\.rateQps\\]: .* 4 here, 2 in sim\\.json`, 'm'));
    assert.equal(r.stdout, '');
});
test('live mode: an interrupted run needs both request CSVs, then is compared on the requests both finished', async () => {
    const dir = liveWorkspace();
    writeFileSync(join(dir, 'cut.json'), resultJson({ live: { interrupted: { reason: '--max-steps 40 reached', after_steps: 40, unfinished_requests: 3 } } }));
    writeFileSync(join(dir, 'cut.csv'), requestsCsv([{ id: 0, ttft_ms: 10, tpot_ms: 5, e2e_ms: 100 }, { id: 1, status: 'unfinished' }, { id: 2, status: 'unfinished' }]));
    const without = await runCommand(calibrate, ['calibrate', 'compare', '--simulated', 'sim.json', '--live', 'cut.json'], dir);
    assert.equal(without.code, 2);
    assert.match(without.error?.message ?? '', /^cut\.json:\d+ \[live\.interrupted\]: this run was interrupted, so it is compared on the requests both runs finished: give both --simulated-requests and --live-requests/);
    const r = await runCommand(calibrate, ['calibrate', 'compare', '--simulated', 'sim.json', '--live', 'cut.json', '--simulated-requests', 'sim.csv', '--live-requests', 'cut.csv', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.equal(json.basis, 'requests-both-finished');
    assert.equal(json.requests.compared, 1);
    assert.deepEqual(json.per_request?.unmatched.map((g) => [g.finished_in, g.other_status, g.ids]), [['simulated', 'unfinished', [1, 2]]]);
});
test('live mode: a bad CSV row exits 2 naming file:line and column', async () => {
    const dir = liveWorkspace();
    writeFileSync(join(dir, 'bad.csv'), readFileSync(join(dir, 'live.csv'), 'utf8').replace(',11,', ',eleven,'));
    const r = await runCommand(calibrate, ['calibrate', 'compare', '--simulated', 'sim.json', '--live', 'live.json', '--simulated-requests', 'sim.csv', '--live-requests', 'bad.csv'], dir);
    assert.equal(r.code, 2);
    assert.ok(r.error instanceof InputError);
    assert.match(r.error.message, /^bad\.csv:3 \[ttft_ms\]: expected a number, got 'eleven' \(live-compare\.bad-cell\)$/m);
});
test('the two modes do not mix, and the live mode takes its files in pairs', async () => {
    const dir = liveWorkspace();
    const cases = [
        [['s.jsonl', 'm.jsonl', '--simulated', 'sim.json', '--live', 'live.json'], /give either SCHEDULE MEASURED \(closed loop\) or --simulated and --live \(a live run\), not both; got s\.jsonl m\.jsonl and --simulated, --live/],
        [['s.jsonl', '--live-steps', 'live-it.csv'], /not both/],
        [['--simulated', 'sim.json'], /--simulated needs --live/],
        [['--simulated', 'sim.json', '--live', 'live.json', '--live-requests', 'live.csv'], /--live-requests needs --simulated-requests/],
        [['--simulated', 'sim.json', '--live', 'live.json', '--simulated-steps', 'sim-it.csv'], /--simulated-steps needs --live-steps/],
        [['--simulated-requests', 'sim.csv', '--live-requests', 'live.csv'], /a live run is compared with --simulated RESULTS --live RESULTS/],
        [[], /give SCHEDULE MEASURED \(closed loop\), or --simulated RESULTS --live RESULTS \(a live run\)/],
        [['s.jsonl'], /give SCHEDULE MEASURED/],
    ];
    for (const [args, message] of cases) {
        const r = await runCommand(calibrate, ['calibrate', 'compare', ...args], dir);
        assert.equal(r.code, 2, args.join(' '));
        assert.match(r.error?.message ?? '', message, args.join(' '));
    }
    const missing = await runCommand(calibrate, ['calibrate', 'compare', '--simulated', 'nope.json', '--live', 'live.json'], dir);
    assert.match(missing.error?.message ?? '', /^nope\.json \[--simulated\]: no such file/);
});
test('closed-loop mode: a bare --json prints the comparison, --out writes it', async () => {
    const dir = workspace();
    const r = await runCommand(calibrate, ['calibrate', 'compare', 's.jsonl', 'exact.jsonl', '--json', '--out', 'c.json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).schema, COMPARE_SCHEMA);
    assert.equal(readFileSync(join(dir, 'c.json'), 'utf8'), r.stdout);
});
