import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveRemainderOps, formatRemainderOps, withOtherSideOps } from '../../calibrate/remainder-ops.js';
import { parseMeasurementSet } from '../../calibrate/parse-measurements.js';
import { hopperLike } from '../util/fixtures.js';
import { expectInputError } from '../util/expect-input-error.js';

const meta = (side: 'first' | 'last', gpu = 'Test GPU') => ({
  kind: 'meta', gpu, sm_count: 132, compute_capability: '9.0', memory_bytes: 1e11, l2_bytes: 6e7, driver: 'd', cuda_runtime: '13.0',
  date: '2026-12-07T00:00:00Z', partition: { min_sms: 8, alignment: 8, groups: Array(15).fill(8), remainder: 12, side }, backend: 'torch',
});
const ad = (b: number, ctx: number, sms: number, us: number) => ({
  id: `ad-32q8kv-${b}x${ctx}-s${sms}`, kind: 'op', op: 'attn_decode', sms, hq: 32, hkv: 8, dh: 128, contexts: Array(b).fill(ctx), median_us: us, p10_us: us, p90_us: us, reps: 8,
});
const ew = (n: number, sms: number, us: number) => ({ id: `ew-silu_mul-n${n}-d12288-s${sms}`, kind: 'op', op: 'elementwise', which: 'silu_mul', sms, n, dim: 12288, median_us: us, p10_us: us, p90_us: us, reps: 8 });
const set = (side: 'first' | 'last', rows: object[], gpu?: string) =>
  parseMeasurementSet([{ path: `data/remainder-ops-${side}.jsonl`, text: [meta(side, gpu), ...rows].map((r) => JSON.stringify(r)).join('\n') + '\n' }]);

/**
 * Time ∝ 1/SMs on whole groups (800 µs × 8/S). On 20 SMs (8 whole + the 12-SM remainder) the long decode takes 800·8/14 —
 * as on 14 whole SMs, so 6 of the 12 drawn — and the short one 800·8/20 (all 12); the elementwise op on 28 SMs as on 24 (8 of 12).
 */
function rows(): object[] {
  const out: object[] = [];
  for (const s of [8, 16, 24, 32]) out.push(ad(64, 4096, s, (800 * 8) / s), ad(8, 512, s, (80 * 8) / s), ew(512, s, (40 * 8) / s));
  out.push(ad(64, 4096, 20, (800 * 8) / 14), ad(8, 512, 20, (80 * 8) / 20), ew(512, 20, (40 * 8) / 20));
  out.push(ad(64, 4096, 28, (800 * 8) / 26), ad(8, 512, 28, (80 * 8) / 26), ew(512, 28, (40 * 8) / 24));
  return out;
}

test('each op on a remainder partition is placed among its own whole-group times; the class median less the whole groups is what it drew', () => {
  const d = deriveRemainderOps(hopperLike(), set('first', rows()));
  assert.equal(d.side, 'first');
  assert.equal(d.records, 18);
  // 20 SMs: decode placements 14 and 20 → median 17 → 9 of 12 drawn; 28 SMs: 26 and 26 → 10 of 12.
  const at = (c: string, s: number) => d.placements.find((p) => p.opClass === c && p.sms === s);
  assert.deepEqual({ ...at('attn_decode', 20) }, { opClass: 'attn_decode', sms: 20, groups: 8, count: 2, unplaced: 0, flat: 0, medianEffectiveSms: 17 });
  assert.equal(at('attn_decode', 28)?.medianEffectiveSms, 26);
  assert.equal(at('elementwise', 28)?.medianEffectiveSms, 24);
  assert.deepEqual(d.table.remainderSmsDrawn, {
    attn_decode: { first: [{ smCount: 20, value: 9 }, { smCount: 28, value: 10 }] },
    elementwise: { first: [{ smCount: 20, value: 12 }, { smCount: 28, value: 8 }] },
  });
  assert.match(d.table.source, /^data\/remainder-ops-first\.jsonl: Test GPU, driver d, CUDA 13\.0, 2026-12-07T00:00:00Z \(torch, first groups\)$/);
  const text = formatRemainderOps(d);
  assert.match(text, /attn_decode\s+20\s+8\s+2\s+0\s+0\s+17\.0\s+9\.0 of 12/);
  assert.match(text, /last side: not in this run/);
});

test('a shape whose time does not follow the SMs is left out as flat; a partition with nothing placed is listed, without a point; drawn never exceeds the remainder', () => {
  // A batch-1 decode: 9 µs on every whole-group partition (< 2x from 8 to 32 SMs), whatever it takes on 20.
  const flat = [8, 16, 20, 24, 28, 32].map((s) => ad(1, 512, s, s === 20 ? 12 : 9));
  const d = deriveRemainderOps(hopperLike(), set('first', [...rows(), ...flat]));
  assert.deepEqual(
    d.placements.filter((p) => p.opClass === 'attn_decode').map((p) => [p.sms, p.count, p.flat, p.medianEffectiveSms]),
    [[20, 2, 1, 17], [28, 2, 1, 26]],
  );
  // Elementwise on 36 SMs only, faster than on any whole-group partition timed: listed, no point, the table unchanged.
  const lone = deriveRemainderOps(hopperLike(), set('first', [...rows(), ew(512, 36, 1)]));
  assert.deepEqual({ ...lone.placements.find((p) => p.opClass === 'elementwise' && p.sms === 36) }, { opClass: 'elementwise', sms: 36, groups: 24, count: 0, unplaced: 1, flat: 0, medianEffectiveSms: null });
  assert.deepEqual(lone.table.remainderSmsDrawn.elementwise?.first?.map((p) => p.smCount), [20, 28]);
  assert.match(formatRemainderOps(lone), /elementwise\s+36\s+24\s+0\s+1\s+0\s+–\s+none placed: no point/);
  // Timed on 20 SMs as on 26 whole ones (more than 8 + 12): drawn is capped at the 12 the remainder has.
  const over = rows().map((r) => ((r as { id: string }).id === 'ew-silu_mul-n512-d12288-s20' ? ew(512, 20, (40 * 8) / 26) : r));
  assert.deepEqual(deriveRemainderOps(hopperLike(), set('first', over)).table.remainderSmsDrawn.elementwise?.first?.[0], { smCount: 20, value: 12 });
});

test('a time outside its whole-group times is counted unplaced, not guessed', () => {
  const extra = rows().filter((r) => !(r as { id: string }).id.endsWith('-s28'));
  // Faster on 20 SMs than on 32 whole ones: no bracket, so unplaced.
  const d = deriveRemainderOps(hopperLike(), set('first', [...extra.filter((r) => (r as { id: string }).id !== 'ad-32q8kv-8x512-s20'), ad(8, 512, 20, 1)]));
  const p = d.placements.find((x) => x.opClass === 'attn_decode' && x.sms === 20);
  assert.equal(p?.count, 1);
  assert.equal(p?.unplaced, 1);
  assert.deepEqual(d.table.remainderSmsDrawn.attn_decode?.first, [{ smCount: 20, value: 6 }]);
});

test('the other side is added class by class; one side twice, two GPUs, or nothing placeable is refused, located', () => {
  const first = set('first', rows());
  const last = set('last', rows().map((r) => ((r as { id: string }).id === 'ad-32q8kv-64x4096-s20' ? ad(64, 4096, 20, (800 * 8) / 20) : r)));
  const a = deriveRemainderOps(hopperLike(), first);
  const b = deriveRemainderOps(hopperLike(), last);
  const t = withOtherSideOps(a, first, b, last);
  assert.deepEqual(t.remainderSmsDrawn.attn_decode?.first, a.table.remainderSmsDrawn.attn_decode?.first);
  assert.deepEqual(t.remainderSmsDrawn.attn_decode?.last, [{ smCount: 20, value: 12 }, { smCount: 28, value: 10 }]);
  assert.match(t.source, /first groups\); .*last groups\)$/);
  expectInputError(() => withOtherSideOps(a, first, a, first), [{ file: 'data/remainder-ops-first.jsonl', field: 'partition.side' }]);
  const other = set('last', rows(), 'Other GPU');
  expectInputError(() => withOtherSideOps(a, first, deriveRemainderOps(hopperLike(), other), other), [{ file: 'data/remainder-ops-last.jsonl', field: 'gpu' }]);
  // Only whole-group partitions: nothing to place.
  const none = set('first', rows().filter((r) => ![20, 28].includes((r as { sms: number }).sms)));
  expectInputError(() => deriveRemainderOps(hopperLike(), none), [{ file: 'data/remainder-ops-first.jsonl', field: 'records' }]);
});
