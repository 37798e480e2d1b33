import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTool } from '../util/tools.js';

/**
 * A resumed run is held to the DUET_* settings its results file began under (cuda/core/results_file.cpp,
 * check_resume_settings): one file, one set of kernels. Host code, so the local g++ builds it with
 * cuda/tests/resume_settings_main.cpp and runs it without a GPU.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const META = { kind: 'meta', gpu: 'NVIDIA H100 80GB HBM3', sm_count: 132, backend: 'runner' };

test('resume: the same DUET_* settings resume, others are refused naming both, _DEBUG variables and older files pass', { skip: hasTool('g++') ? false : 'g++ not installed', timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-resume-'));
  try {
    const bin = join(dir, 'resume_settings_main');
    const core = join(root, 'cuda/core');
    execFileSync('g++', ['-std=c++17', `-I${core}`, join(core, 'results_file.cpp'), join(core, 'json.cpp'), join(root, 'cuda/tests/resume_settings_main.cpp'), '-o', bin], { cwd: root, stdio: 'pipe' });
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DUET_')));
    const resume = (meta: object, env: Record<string, string>) => {
      const file = join(dir, 'r.jsonl');
      writeFileSync(file, [JSON.stringify(meta), JSON.stringify({ id: 'a', median_us: 1 }), JSON.stringify({ id: 'b', median_us: 2 })].join('\n') + '\n');
      return spawnSync(bin, [file], { env: { ...clean, ...env }, encoding: 'utf8' });
    };
    const began = { ...META, settings: { DUET_ATTN_DECODE_SPLIT: 'fill', DUET_ATTN_CUDNN_DEBUG: '1' } };
    // Same kernels: resumes (the debug log variable may differ, an empty value is unset).
    const same = resume(began, { DUET_ATTN_DECODE_SPLIT: 'fill', DUET_ATTN_DECODE_STAGES: '' });
    assert.equal(same.status, 0, same.stderr);
    assert.equal(same.stdout.trim(), 'ok 2 yes');
    // Another split rule, or a setting the file did not have: refused, both sets named.
    const other = resume(began, { DUET_ATTN_DECODE_SPLIT: 'hbm', DUET_ATTN_CUDNN_DEBUG: '1' });
    assert.equal(other.status, 2);
    assert.match(other.stderr, /r\.jsonl: began under DUET_\* settings DUET_ATTN_DECODE_SPLIT=fill, resumed under DUET_ATTN_DECODE_SPLIT=hbm; one results file describes one set of kernels/);
    const extra = resume(began, { DUET_ATTN_DECODE_SPLIT: 'fill', DUET_ATTN_DECODE_STAGES: '3' });
    assert.equal(extra.status, 2);
    assert.match(extra.stderr, /resumed under DUET_ATTN_DECODE_SPLIT=fill, DUET_ATTN_DECODE_STAGES=3/);
    const dropped = resume(began, {});
    assert.equal(dropped.status, 2);
    assert.match(dropped.stderr, /resumed under none/);
    // A file written before the runner recorded its settings cannot be checked: it resumes.
    const older = resume(META, { DUET_ATTN_DECODE_SPLIT: 'hbm' });
    assert.equal(older.status, 0, older.stderr);
    assert.equal(older.stdout.trim(), 'ok 2 no');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
