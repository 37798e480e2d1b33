import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasTool } from '../util/tools.js';

/**
 * The decode split rule (cuda/kernels/attn_decode.cu, attn_decode_choose_split) against hand-computed splits, on
 * the host: the rule is host code, so the local nvcc builds it with cuda/tests/split_rule_main.cpp and runs it
 * without a GPU. Each case is (sequences, kv heads, longest context, SMs) -> (tokens a split, splits).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

type Case = readonly [seqs: number, hkv: number, context: number, sms: number];
const CASES: readonly Case[] = [
  [16, 8, 512, 132], // 128 blocks, target 264: 3 splits of 171 -> 192 tokens (64-token tiles)
  [16, 8, 512, 72], //  target 144: 2 splits of 256
  [1, 8, 4096, 24], //  target 48: 6 splits of 683 -> 704
  [64, 8, 4096, 8], //  512 blocks already: 1 split, cut at the 1,024-token cap into 4
  [1, 8, 1000, 132], // target 264: 33 splits of 31 -> 64 tokens, so 16
  [1, 8, 512, 8], //    8 blocks on 8 SMs, target 16: 2 splits of 256
];

test('decode split rule: hand-computed splits for fill (default), cover, saturate and head-rows tiles; bad settings refused', { skip: hasTool('nvcc') ? false : 'nvcc not installed', timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-split-'));
  try {
    const bin = join(dir, 'split_rule_main');
    execFileSync('nvcc', ['-std=c++17', '-arch=sm_90', `-I${join(root, 'cuda/kernels')}`, join(root, 'cuda/kernels/attn_decode.cu'), join(root, 'cuda/tests/split_rule_main.cpp'), '-o', bin], { cwd: root, stdio: 'pipe' });
    const splits = (env: Record<string, string>, cases: readonly Case[] = CASES): string[] => {
      const r = spawnSync(bin, cases.flat().map(String), { env: { ...process.env, DUET_ATTN_DECODE_MATH: '', DUET_ATTN_DECODE_SPLIT: '', DUET_ATTN_DECODE_BLOCKS_PER_SM: '', ...env }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split('\n');
    };
    assert.deepEqual(splits({}), ['192 3', '256 2', '704 6', '1024 4', '64 16', '256 2']);
    // cover: no split once the (sequence, kv head) blocks outnumber the SMs (16 x 8 = 128 >= 72; 512 >= 8; 8 >= 8), else as fill.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_SPLIT: 'cover' }), ['192 3', '512 1', '704 6', '1024 4', '64 16', '512 1']);
    // saturate: the target counts at most 32 SMs, so 64 blocks: 128 blocks stay whole on 72 and 132 SMs; 8 blocks on
    // 132 SMs split 8 ways (125 -> 128 tokens); on 8 and 24 SMs as fill.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_SPLIT: 'saturate' }), ['512 1', '512 1', '704 6', '1024 4', '128 8', '256 2']);
    // Head rows walk 32-token tiles: 31 tokens round to 32, so 32 splits.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_MATH: 'head_rows' }), ['192 3', '256 2', '704 6', '1024 4', '32 32', '256 2']);
    // One block an SM as the target: 132 / 128 -> 2 splits of 256.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_BLOCKS_PER_SM: '1' }, [CASES[0]]), ['256 2']);
    const bad = spawnSync(bin, ['16', '8', '512', '132'], { env: { ...process.env, DUET_ATTN_DECODE_SPLIT: 'wave' }, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /DUET_ATTN_DECODE_SPLIT must be fill, cover or saturate, not 'wave'/);
    const zero = spawnSync(bin, ['0', '8', '512', '132'], { env: process.env, encoding: 'utf8' });
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /num_seqs, hkv, max_context and sm_count must be positive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
