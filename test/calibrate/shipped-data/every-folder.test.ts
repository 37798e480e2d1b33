import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORTED, shippedFolders } from '../../util/shipped-data.js';

/**
 * Every measured folder under calibrate/data/ has its reported figures and is checked by one of this folder's
 * test files (a validation-only folder or an operator sweep is judged in reference.test.ts): a folder added without them shows up here.
 */
const here = dirname(fileURLToPath(import.meta.url));
const checks = readdirSync(here)
  .filter((f) => f.endsWith('.test.js') && f !== 'every-folder.test.js')
  .map((f) => readFileSync(join(here, f), 'utf8'))
  .join('\n');

/** Folders of single operators only (no forwards to fit or validate): each is checked by a test of its own. */
const OPERATOR_SWEEPS = new Set(['h200-2026-12-05-gemm-rows', 'h100-2026-12-05-gemm-rows', 'h100-2026-12-05-gemm-rows-last', 'h100-2026-12-07-gemm-rows-llama', 'h100-2026-12-07-gemm-rows-llama-last', 'h100-2026-12-07-remainder-ops-first', 'h100-2026-12-07-remainder-ops-last', 'h200-2026-12-07-gemm-rows-last', 'h200-2026-12-07-gemm-rows-llama', 'h200-2026-12-07-gemm-rows-llama-last', 'h200-2026-12-07-remainder-ops-first', 'h200-2026-12-07-remainder-ops-last']);

/** Folders of pairs only, fitted together with another run (no forwards of their own): each is checked by a test of its own. */
const PAIRS_ONLY = new Set(['h100-2026-12-07-pair-partners']);

const folders = shippedFolders();
if (folders.length === 0) test.todo('fit + validate on shipped GPU measurements (none under calibrate/data/ yet)');

for (const folder of folders) {
  test(`calibrate/data/${folder} is checked against its reported figures`, () => {
    if (!folder.endsWith('-validation') && !OPERATOR_SWEEPS.has(folder) && !PAIRS_ONLY.has(folder)) assert.ok(REPORTED[folder], `record its held-out figures in BENCHMARKS.md and REPORTED (test/util/shipped-data.ts)`);
    assert.ok(checks.includes(`'${folder}'`), `no test in test/calibrate/shipped-data/ checks it`);
  });
}
