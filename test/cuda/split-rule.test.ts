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
  [16, 8, 512, 132], // 128 blocks on 132 SMs
  [16, 8, 512, 72], //  128 blocks on 72 SMs
  [1, 8, 4096, 24], //  fill's target 48: 6 splits of 683 -> 704
  [64, 8, 4096, 8], //  512 blocks already: 1 split, cut at the 1,024-token cap into 4
  [1, 8, 1000, 132], // fill's target 264: 33 splits of 31 -> 64 tokens, so 16
  [1, 8, 512, 8], //    8 blocks on 8 SMs, target 16: 2 splits of 256
];

test('decode split rule: hand-computed splits for hbm (default), fill, cover and head-rows tiles; bad settings refused', { skip: hasTool('nvcc') ? false : 'nvcc not installed', timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'duetsim-split-'));
  try {
    const bin = join(dir, 'split_rule_main');
    execFileSync('nvcc', ['-std=c++17', '-arch=sm_90', `-I${join(root, 'cuda/kernels')}`, join(root, 'cuda/kernels/attn_decode.cu'), join(root, 'cuda/tests/split_rule_main.cpp'), '-o', bin], { cwd: root, stdio: 'pipe' });
    const splits = (env: Record<string, string>, cases: readonly Case[] = CASES): string[] => {
      const r = spawnSync(bin, cases.flat().map(String), { env: { ...process.env, DUET_ATTN_DECODE_MATH: '', DUET_ATTN_DECODE_SPLIT: '', DUET_ATTN_DECODE_BLOCKS_PER_SM: '', ...env }, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim().split('\n');
    };
    // hbm (the default): no split once the blocks reach 2 an SM of at most 32 SMs (128 >= 64 on 132 and 72 SMs; 512 >= 16
    // on 8), else as fill (8 < 48 on 24 SMs, 8 < 64 on 132, 8 < 16 on 8).
    assert.deepEqual(splits({}), ['512 1', '512 1', '704 6', '1024 4', '64 16', '256 2']);
    // fill: towards 2 blocks an SM whatever the batch: 128 blocks, target 264 on 132 SMs -> 3 splits of 171 -> 192 tokens.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_SPLIT: 'fill' }), ['192 3', '256 2', '704 6', '1024 4', '64 16', '256 2']);
    // cover: no split once the (sequence, kv head) blocks outnumber the SMs (16 x 8 = 128 >= 72; 512 >= 8; 8 >= 8), else as fill.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_SPLIT: 'cover' }), ['192 3', '512 1', '704 6', '1024 4', '64 16', '512 1']);
    // Head rows walk 32-token tiles: 31 tokens round to 32, so 32 splits.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_MATH: 'head_rows' }), ['512 1', '512 1', '704 6', '1024 4', '32 32', '256 2']);
    // One block an SM as the target: under fill 132 / 128 -> 2 splits of 256; under hbm 8 blocks against 1 x 8 -> whole.
    assert.deepEqual(splits({ DUET_ATTN_DECODE_SPLIT: 'fill', DUET_ATTN_DECODE_BLOCKS_PER_SM: '1' }, [CASES[0]]), ['256 2']);
    assert.deepEqual(splits({ DUET_ATTN_DECODE_BLOCKS_PER_SM: '1' }, [CASES[5]]), ['512 1']);
    const bad = spawnSync(bin, ['16', '8', '512', '132'], { env: { ...process.env, DUET_ATTN_DECODE_SPLIT: 'wave' }, encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /DUET_ATTN_DECODE_SPLIT must be hbm, fill or cover, not 'wave'/);
    const zero = spawnSync(bin, ['0', '8', '512', '132'], { env: process.env, encoding: 'utf8' });
    assert.equal(zero.status, 2);
    assert.match(zero.stderr, /num_seqs, hkv, max_context and sm_count must be positive/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
