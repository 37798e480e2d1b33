import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completedIds, remainingPlan, runWithAddon, runWithRunner, type PlanAddon } from '../../calibrate/run.js';
import type { Plan } from '../../calibrate/plan-format.js';
import { parseMeasurementFile } from '../../calibrate/parse-measurements.js';

const META = { kind: 'meta', gpu: 'G', sm_count: 132, driver: 'd', cuda_runtime: '13.0', date: '2026-11-27', host: 'h', partition: { min_sms: 8, alignment: 8, groups: [8] }, backend: 'addon' };
const plan: Plan = {
  version: 1,
  models: {},
  repeats: 2,
  warmup: 1,
  experiments: ['a', 'b', 'c'].map((id) => ({ id, kind: 'ceiling_bandwidth' as const, sms: 132, bytes: 1000 })),
};

/** An addon double that "measures" each experiment of the plan it is given and writes meta + records. */
function fakeAddon(calls: string[][]): PlanAddon {
  return {
    runPlan(planJson: string, outPath: string, onProgress: (...args: unknown[]) => void): Promise<unknown> {
      const p = JSON.parse(planJson) as Plan;
      calls.push(p.experiments.map((e) => e.id));
      const lines = [META, ...p.experiments.map((e) => ({ ...e, median_us: 1, p10_us: 1, p90_us: 1, reps: 2 }))];
      writeFileSync(outPath, lines.map((l) => JSON.stringify(l) + '\n').join(''));
      onProgress(`${p.experiments.length} done`);
      return Promise.resolve(null);
    },
  };
}

test('completed ids stop at a half-written last line, which resuming cuts off', () => {
  const text = `${JSON.stringify(META)}\n{"id":"a","kind":"x"}\n{"id":"b","ki`;
  const done = completedIds(text);
  assert.deepEqual([...done.ids], ['a']);
  assert.equal(text.slice(0, done.validBytes), `${JSON.stringify(META)}\n{"id":"a","kind":"x"}\n`);
  assert.ok(done.hasMeta);
  assert.deepEqual(remainingPlan(plan, done.ids).experiments.map((e) => e.id), ['b', 'c']);
});

test('resuming through the addon measures only what is missing and leaves one valid file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-run-'));
  const out = join(dir, 'r.jsonl');
  writeFileSync(out, `${JSON.stringify(META)}\n${JSON.stringify({ ...plan.experiments[0], median_us: 1, p10_us: 1, p90_us: 1, reps: 2 })}\n{"id":"b","ki`);
  const calls: string[][] = [];
  let progress = '';
  await runWithAddon(fakeAddon(calls), { plan, outPath: out, resume: true, progress: (t) => void (progress += t) });
  assert.deepEqual(calls, [['b', 'c']]);
  const { records } = parseMeasurementFile(readFileSync(out, 'utf8'), out);
  assert.deepEqual(records.map((r) => r.id), ['a', 'b', 'c']);
  assert.match(progress, /resuming, 1 done, 2 to go/);
  await runWithAddon(fakeAddon(calls), { plan, outPath: out, resume: true, progress: () => undefined });
  assert.equal(calls.length, 1, 'nothing left to run');
});

test('without --resume the addon measures the whole plan', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-run-'));
  const calls: string[][] = [];
  await runWithAddon(fakeAddon(calls), { plan, outPath: join(dir, 'r.jsonl'), resume: false, progress: () => undefined });
  assert.deepEqual(calls, [['a', 'b', 'c']]);
});

test('the runner gets --plan, --out and --resume, and a failing runner is an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-run-'));
  const runner = join(dir, 'duet_runner');
  writeFileSync(runner, `#!/bin/sh\necho "$@" > "${join(dir, 'args')}"\nexit 0\n`);
  chmodSync(runner, 0o755);
  await runWithRunner(runner, 'p.json', { plan, outPath: 'o.jsonl', resume: true, progress: () => undefined });
  assert.equal(readFileSync(join(dir, 'args'), 'utf8').trim(), '--plan p.json --out o.jsonl --resume');
  const failing = join(dir, 'failing');
  writeFileSync(failing, '#!/bin/sh\nexit 3\n');
  chmodSync(failing, 0o755);
  await assert.rejects(runWithRunner(failing, 'p.json', { plan, outPath: 'o.jsonl', resume: false, progress: () => undefined }), /code 3.*--resume/);
});
