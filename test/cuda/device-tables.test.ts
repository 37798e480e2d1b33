import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../sim/trace/bundled.js';

// cuda/tools/device_tables.sh runs on the GPU host; here a stand-in nvidia-smi names the card, so what the script
// decides before it touches a GPU is checked: another card runs nothing, a misspelt part stops everything.
function run(card: string, args: string[]): { code: number | null; stdout: string; stderr: string; out: string[] } {
  const bin = mkdtempSync(join(tmpdir(), 'duetsim-fake-smi-'));
  writeFileSync(join(bin, 'nvidia-smi'), `#!/bin/sh\necho '${card}'\n`);
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  const out = mkdtempSync(join(tmpdir(), 'duetsim-tables-out-'));
  const r = spawnSync('bash', [join(packageRoot(), 'cuda/tools/device_tables.sh'), ...args], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, OUT: out },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: readdirSync(out) };
}

test('device_tables.sh on a card other than the one asked for runs nothing and says which card it got', () => {
  const r = run('NVIDIA H100 80GB HBM3', ['H200']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /this card is 'NVIDIA H100 80GB HBM3', not H200: running nothing/);
  assert.deepEqual(r.out, []);
});

test('device_tables.sh refuses an unknown part before running any, whatever the card', () => {
  for (const card of ['NVIDIA H200', 'NVIDIA H100 80GB HBM3']) {
    const r = run(card, ['H200', 'ro-first', 'gr-lats']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown part 'gr-lats' \(ro-first ro-last gr-last grl-first grl-last\)/);
    assert.deepEqual(r.out, []);
  }
});
