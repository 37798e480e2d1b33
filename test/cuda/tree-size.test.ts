import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../sim/trace/bundled.js';

// The device tool (the lent GPU host) receives a copy of the working tree and refuses one over 64 MiB; in the
// session of 2026-12-07 the shipped raw measurements reached it and a device call was refused for it. What a
// fresh checkout holds must stay well under, so every later GPU call can be made: compress raw records
// (calibrate/load-data.ts reads .jsonl.gz and plan.json.gz) rather than let the tree grow to the limit.
const LIMIT_BYTES = 56 * 1024 * 1024;
// Not part of what the device tool sends: installed or built here, or git's own store.
const NOT_SENT = new Set(['node_modules', '.git', 'dist', '.tdist', 'cuda/build', 'out', 'test-output', '.node-carry', '.live-carry', '.whl', '.gl', 'calibrate/data/closed-loop-2026-11-27/exec']);

function treeBytes(root: string, dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (NOT_SENT.has(relative(root, full).split('\\').join('/'))) continue;
    if (entry.isDirectory()) total += treeBytes(root, full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

test('the checkout stays well under the 64 MiB the GPU host accepts', () => {
  const root = packageRoot();
  const bytes = treeBytes(root, root);
  assert.ok(bytes < LIMIT_BYTES, `${(bytes / 2 ** 20).toFixed(1)} MiB of files outside node_modules, dist and builds (limit ${LIMIT_BYTES / 2 ** 20} MiB)`);
});
