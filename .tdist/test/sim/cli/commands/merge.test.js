import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeCommand } from '../../../../sim/cli/commands/merge.js';
import { makeWhatifCommand } from '../../../../sim/cli/commands/whatif.js';
import { readStudyLog } from '../../../../sim/study/results-log.js';
import { runCommand } from '../../../util/run-command.js';
const whatif = makeWhatifCommand({ runnerModule: new URL('../../../util/fake-run-scenario.js', import.meta.url).href, runnerExport: 'runScenario' });
const STUDY = 'name: m\nbase: { trace: azure-conv, model: qwen3-8b, hardware: h100-sxm, sloTbtMs: 50 }\naxes:\n  policy: [vllm, duetserve]\n  rateQps: [1, 2, 3, 4, 5]\n';
test('merging the shards of a study gives the full grid once, even with a shard given twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-merge-'));
    writeFileSync(join(dir, 's.yaml'), STUDY);
    for (const i of [1, 2, 3])
        await runCommand(whatif, ['whatif', 's.yaml', '-o', `p${i}.jsonl`, '--shard', `${i}/3`, '-q', '--workers', '1'], dir);
    const r = await runCommand(mergeCommand, ['merge', 'p1.jsonl', 'p2.jsonl', 'p3.jsonl', 'p2.jsonl', '-o', 'all.jsonl'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /merged 4 files: 10 lines, 3 duplicates dropped/);
    assert.equal(readStudyLog(join(dir, 'all.jsonl')).lines.length, 10);
});
test('merge refuses files of different studies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-merge-'));
    writeFileSync(join(dir, 'a.yaml'), STUDY);
    writeFileSync(join(dir, 'b.yaml'), STUDY.replace('name: m', 'name: other'));
    await runCommand(whatif, ['whatif', 'a.yaml', '-o', 'a.jsonl', '-q', '--workers', '1'], dir);
    await runCommand(whatif, ['whatif', 'b.yaml', '-o', 'b.jsonl', '-q', '--workers', '1'], dir);
    const r = await runCommand(mergeCommand, ['merge', 'a.jsonl', 'b.jsonl', '-o', 'all.jsonl'], dir);
    assert.equal(r.code, 2);
    assert.match(r.error?.message ?? '', /b\.jsonl:1 \[study\]: line belongs to study 'other'/);
});
test('merge with a shard missing is exit 2 naming it, and writes nothing unless --allow-incomplete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-merge-'));
    writeFileSync(join(dir, 's.yaml'), STUDY);
    for (const i of [1, 3])
        await runCommand(whatif, ['whatif', 's.yaml', '-o', `p${i}.jsonl`, '--shard', `${i}/3`, '-q', '--workers', '1'], dir);
    const r = await runCommand(mergeCommand, ['merge', 'p1.jsonl', 'p3.jsonl', '-o', 'all.jsonl'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.error?.message, 'merge: shard 2/3 is missing (no file holds any of its results); pass --allow-incomplete to merge what there is');
    assert.ok(!existsSync(join(dir, 'all.jsonl')));
    const partial = await runCommand(mergeCommand, ['merge', 'p1.jsonl', 'p3.jsonl', '-o', 'all.jsonl', '--allow-incomplete'], dir);
    assert.equal(partial.code, 0);
    assert.match(partial.stderr, /note: shard 2\/3 is missing/);
    assert.equal(readStudyLog(join(dir, 'all.jsonl')).lines.length, 7);
});
test('merge refuses an output that is one of its inputs, before reading them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-merge-'));
    writeFileSync(join(dir, 'a.jsonl'), '');
    const r = await runCommand(mergeCommand, ['merge', 'a.jsonl', '-o', 'a.jsonl'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.error?.message, "<command line> [--out]: 'a.jsonl' is an input of this run; writing it would overwrite the input (bad-output-path)");
});
