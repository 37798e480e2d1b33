import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWhatifCommand } from '../../../../sim/cli/commands/whatif.js';
import { readStudyLog } from '../../../../sim/study/results-log.js';
import { runCommand } from '../../../util/run-command.js';
import { inlineExecutor, type PointExecutor } from '../../../../sim/study/point-executor.js';
import { parseStudy } from '../../../../sim/study/parse-study.js';
import { runStudy } from '../../../../sim/study/run-study.js';
import { runScenario } from '../../../util/fake-run-scenario.js';

const whatif = makeWhatifCommand({ runnerModule: new URL('../../../util/fake-run-scenario.js', import.meta.url).href, runnerExport: 'runScenario' });
const STUDY = `name: cli
base: { trace: azure-conv, model: qwen3-8b, hardware: h100-sxm, sloTbtMs: 50 }
axes:
  policy: [vllm, chunked, static, duetserve]
  rateQps: [1, 2, 3]
paramsByPolicy:
  static: { prefill_sms: 64 }
`;

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-whatif-'));
  writeFileSync(join(dir, 'study.yaml'), STUDY);
  return dir;
}

test('whatif runs every point on worker threads and prints a plain summary when piped', async () => {
  const dir = setup();
  const r = await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'out.jsonl', '--workers', '2'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readStudyLog(join(dir, 'out.jsonl')).lines.length, 12);
  assert.match(r.stderr, /cli: 12 of 12 done now, 0 already done; 12 runs in [\d.]+ s on 2 workers/);
  assert.ok(!r.stderr.includes('\r'), 'no bar redraws when piped');
});

test('whatif refuses to overwrite results unless resuming, and resume runs nothing new', async () => {
  const dir = setup();
  await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'out.jsonl', '-q'], dir);
  const before = readFileSync(join(dir, 'out.jsonl'), 'utf8');
  const again = await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'out.jsonl'], dir);
  assert.equal(again.code, 2);
  assert.match(again.error?.message ?? '', /exists; pass --resume/);
  const resumed = await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'out.jsonl', '--resume', '-q'], dir);
  assert.equal(resumed.code, 0);
  assert.equal(readFileSync(join(dir, 'out.jsonl'), 'utf8'), before);
});

test('whatif --shard out of range and a bad study file are input errors', async () => {
  const dir = setup();
  const shard = await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'o.jsonl', '--shard', '5/4'], dir);
  assert.equal(shard.code, 2);
  assert.match(shard.error?.message ?? '', /shard 5\/4 is out of range/);
  writeFileSync(join(dir, 'bad.yaml'), STUDY.replace('rateQps', 'qps'));
  const bad = await runCommand(whatif, ['whatif', 'bad.yaml', '-o', 'o.jsonl'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.error?.message ?? '', /bad\.yaml:5:3 \[axes\.qps\]: unknown axis 'qps'/);
});

test('a terminal gets a redrawn progress bar', async () => {
  const dir = setup();
  const r = await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'out.jsonl', '--workers', '1'], dir, true);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /\r\[#+\] 100% 12\/12 done/);
});

test('two whatif --resume runs on one results file: the second is refused with exit 2 and the file stays whole', async () => {
  const dir = setup();
  const out = join(dir, 'out.jsonl');
  // The first writer runs its points on an executor held open until the second has tried.
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const inline = inlineExecutor(runScenario);
  const held: PointExecutor = { parallelism: 1, run: async (spec, p) => (await gate, inline.run(spec, p)), close: async () => {} };
  const first = runStudy({ study: parseStudy(STUDY, join(dir, 'study.yaml')), outFile: out, resume: true, shard: null, executor: held });
  const second = await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'out.jsonl', '--resume', '-q'], dir);
  assert.equal(second.code, 2);
  assert.match(second.error?.message ?? '', /out\.jsonl \[-o\]: duetsim whatif \(pid \d+ on .*\) is writing this results file; wait for it to finish, or delete .*out\.jsonl\.lock if that process is gone \(results-locked\)/);
  open();
  await first;
  assert.equal(readStudyLog(out).lines.length, 12);
  assert.ok(!existsSync(`${out}.lock`), 'the lock is released');
});

test("whatif says, even with -q, where a base engine limit is one some of the study's policies ignore", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-whatif-'));
  writeFileSync(join(dir, 'study.yaml'), STUDY.replace('sloTbtMs: 50 }', 'sloTbtMs: 50, engine: { maxBatchTokens: 4096 } }'));
  const r = await runCommand(whatif, ['whatif', 'study.yaml', '-o', 'out.jsonl', '-q'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^note: .*study\.yaml:2 \[base\.engine\.maxBatchTokens\]: read by chunked, duetserve, static, not by vllm \(engine\.maxBatchTokens does not apply to policy vllm: its parameter max_num_batched_tokens sets that/m);
  assert.equal(readStudyLog(join(dir, 'out.jsonl')).lines.length, 12, 'the study runs');
});
