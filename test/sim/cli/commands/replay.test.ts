import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenarioDetailed } from '../../../../sim/run/run-scenario.js';
import { stepRowsCsv } from '../../../../sim/engine/step-csv.js';
import { scheduleJsonl } from '../../../../sim/engine/schedule-jsonl.js';
import { scenarioFromFlags } from '../../../../sim/cli/scenario-flags.js';
import { DEFAULT_ENGINE } from '../../../../sim/engine/scenario.js';
import { runCommand } from '../../../util/run-command.js';
import { COMMANDS } from '../../../../bin/commands.js';

// The command as bin/ composes it (with reports/' HTML pages).
const replay = await COMMANDS.replay();

const FLAGS = ['--policy', 'duetserve', '--param', 'tbt_target_ms=40', '--rate', '12', '--limit', '120', '--quiet'];

test('replay streams --iterations-csv, --emit-schedule and --requests-csv byte for byte as the in-memory writers produce them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-replay-'));
  const run = await runCommand(replay, ['replay', ...FLAGS, '--iterations-csv', 'it.csv', '--emit-schedule', 's.jsonl', '--requests-csv', 'r.csv', '--out', 'out.json'], dir);
  assert.equal(run.code, 0, run.stderr);
  const spec = scenarioFromFlags({
    trace: 'azure-conv', model: 'qwen3-8b', hw: 'h100-sxm', policy: 'duetserve', param: { tbt_target_ms: 40 }, rate: 12, start: 0, limit: 120, seed: 0,
    tbtDefinition: 'request-p99-gap', blockSize: DEFAULT_ENGINE.blockTokens, gpuMemUtil: DEFAULT_ENGINE.gpuMemoryUtilization, maxNumSeqs: DEFAULT_ENGINE.maxNumSeqs, maxBatchTokens: DEFAULT_ENGINE.maxBatchTokens,
  }, { getOptionValueSource: () => 'default' });
  const mem = runScenarioDetailed(spec, { recordSteps: true });
  assert.ok(mem.steps!.some((s) => s.mode === 'split'), 'the load must make duetserve split, so the schedule has windows');
  assert.equal(readFileSync(join(dir, 'it.csv'), 'utf8'), stepRowsCsv(mem.steps!));
  const header = { model: 'qwen3-8b', hardware: 'h100-sxm', policy: 'duetserve', trace: 'azure-conv', rate_qps: 12, block_tokens: DEFAULT_ENGINE.blockTokens, sm_count: mem.hardware!.smCount, tp_degree: 1 };
  assert.equal(readFileSync(join(dir, 's.jsonl'), 'utf8'), scheduleJsonl(mem.steps!, header, mem.hardware!.overheads, mem.requests.map((r) => r.arrivalUs)));
  const rows = mem.collector.requestRows(mem.requests.map((r) => r.origin), mem.requests.map((r) => r.arrivalUs), mem.requests.map((r) => r.promptTokens), mem.requests.map((r) => r.outputTokens));
  assert.equal(readFileSync(join(dir, 'r.csv'), 'utf8'), rows.join('\n') + '\n');
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')), JSON.parse(JSON.stringify(mem.result)));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file is left behind');
});

test('replay checks output paths before running: a missing folder is exit 2 naming the flag and path, and nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-replay-'));
  const t0 = performance.now();
  const run = await runCommand(replay, ['replay', '--quiet', '--out', 'ok.json', '--requests-csv', 'no-such-dir/r.csv'], dir);
  assert.equal(run.code, 2);
  assert.match(run.error!.message, /^<command line> \[--requests-csv\]: cannot write 'no-such-dir\/r\.csv': folder '.*no-such-dir' does not exist \(bad-output-path\)$/);
  // The whole trace takes seconds to replay; failing before the run takes milliseconds.
  assert.ok(performance.now() - t0 < 1000, 'failed before the simulation');
  assert.deepEqual(readdirSync(dir), [], 'the valid --out was not created, nor its temporary file left');
});

test('a replay that fails mid-run leaves neither the output nor a temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-replay-'));
  writeFileSync(join(dir, 'bad.jsonl'), '{"arrival_ms":0,"prompt_tokens":10,"output_tokens":5}\n{"arrival_ms":1,"prompt_tokens":-1,"output_tokens":5}\n');
  const run = await runCommand(replay, ['replay', '--trace', 'bad.jsonl', '--quiet', '--out', 'out.json', '--iterations-csv', 'it.csv'], dir);
  assert.equal(run.code, 2);
  assert.match(run.error!.message, /bad\.jsonl:2 \[prompt_tokens\]/);
  assert.deepEqual(readdirSync(dir).sort(), ['bad.jsonl']);
});

test('replay refuses an output that would overwrite its own trace, or two flags naming one file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-replay-'));
  const trace = '{"arrival_ms":0,"prompt_tokens":10,"output_tokens":5}\n';
  writeFileSync(join(dir, 't.jsonl'), trace);
  const own = await runCommand(replay, ['replay', '--trace', 't.jsonl', '--quiet', '--iterations-csv', 't.jsonl'], dir);
  assert.equal(own.code, 2);
  assert.equal(own.error!.message, "<command line> [--iterations-csv]: 't.jsonl' is an input of this run; writing it would overwrite the input (bad-output-path)");
  assert.equal(readFileSync(join(dir, 't.jsonl'), 'utf8'), trace);
  const twice = await runCommand(replay, ['replay', '--trace', 't.jsonl', '--quiet', '--out', 'x', '--report', 'x'], dir);
  assert.equal(twice.code, 2);
  assert.equal(twice.error!.message, "<command line> [--report]: 'x' is also the file of --out; give each output its own file (bad-output-path)");
});

test('an engine limit the policy never reads is refused, naming the parameter that sets it; one it reads is taken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-replay-'));
  const base = ['replay', '--duration', '20', '--rate', '4', '--quiet', '--json'];
  const refused: [string[], RegExp][] = [
    [['--policy', 'vllm', '--max-num-seqs', '2'], /--max-num-seqs does not apply to --policy vllm: its parameter max_num_seqs sets that \(--param max_num_seqs=N\)/],
    [['--policy', 'vllm', '--max-batch-tokens', '512'], /--max-batch-tokens does not apply to --policy vllm: its parameter max_num_batched_tokens sets that/],
    [['--policy', 'sglang', '--max-num-seqs', '2'], /its parameter max_running_requests sets that/],
    [['--policy', 'vllm-v0', '--max-batch-tokens', '512'], /its parameter max_prefill_tokens sets that/],
    [['--policy', 'chunked', '--param', 'token_budget=256', '--max-batch-tokens', '512'], /its parameter token_budget sets that/],
    [['--policy', 'duetserve', '--slo-tbt', '50', '--param', 'base_engine=vllm', '--max-num-seqs', '2'], /with base_engine=vllm: that base engine sets it/],
  ];
  for (const [flags, message] of refused) {
    const r = await runCommand(replay, [...base, ...flags], dir);
    assert.equal(r.code, 2, flags.join(' '));
    assert.match(r.stderr + String(r.error?.message ?? ''), message);
  }
  // Read by chunked and vllm-v0 (sequence cap): the flag changes the run.
  for (const policy of ['chunked', 'vllm-v0']) {
    const plain = await runCommand(replay, [...base, '--policy', policy], dir);
    const capped = await runCommand(replay, [...base, '--policy', policy, '--max-num-seqs', '2'], dir);
    assert.equal(capped.code, 0, capped.stderr);
    assert.notEqual(capped.stdout, plain.stdout, `${policy} reads --max-num-seqs`);
  }
});
