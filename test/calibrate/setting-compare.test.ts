import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareSettings, formatSettingComparison, SettingCompareError } from '../../calibrate/setting-compare.js';
import { parseMeasurementSet } from '../../calibrate/parse-measurements.js';

const meta = (gpu: string, settings: Record<string, string> | undefined) => ({
  kind: 'meta', gpu, sm_count: 132, driver: 'd', cuda_runtime: '13.0', date: '2026-12-07T00:00:00Z', backend: 'runner',
  partition: { min_sms: 8, alignment: 8, groups: [8], remainder: 12 }, ...(settings ? { settings } : {}),
});
const decode = (id: string, sms: number, us: number) => ({ id, kind: 'op', op: 'attn_decode', sms, hq: 32, hkv: 8, dh: 128, contexts: [512], median_us: us, p10_us: us, p90_us: us, reps: 8 });
const rope = (id: string, sms: number, us: number) => ({ id, kind: 'op', op: 'elementwise', which: 'rope', sms, n: 512, dim: 4096, median_us: us, p10_us: us, p90_us: us, reps: 8 });
const copy = (id: string, sms: number, us: number) => ({ id, kind: 'ceiling_bandwidth', sms, bytes: 2147483648, median_us: us, p10_us: us, p90_us: us, reps: 8 });
const pair = () => ({
  id: 'cc', kind: 'concurrent', model: 'm', prefill: { sms: 100, batch: { prefills: [{ new: 2048, cached: 0 }] } }, decode: { sms: 32, batch: { decodes: { count: 32, context: 2048 } }, k: 1 },
  method: 'continuous', partner_covered: true, decode_alone_us: 10, decode_concurrent_us: 11, prefill_alone_us: 60, prefill_concurrent_us: 61, decode_smids_ok: true, prefill_smids_ok: true,
});
const set = (path: string, gpu: string, records: object[], settings?: Record<string, string>) =>
  parseMeasurementSet([{ path, text: [meta(gpu, settings), ...records].map((r) => JSON.stringify(r)).join('\n') + '\n' }]);

test('compare-settings: other ÷ base by id, median and ends per class and SM count (hand-computed), settings named', () => {
  const base = set('base.jsonl', 'G', [copy('c8', 8, 1000), decode('d1-s8', 8, 10), decode('d2-s8', 8, 20), decode('d3-s8', 8, 40), decode('d1-s64', 64, 5), rope('r-s8', 8, 4), decode('only-base', 8, 1), pair()], {
    DUET_X: '0',
  });
  // At 8 SMs decode ×1.1, ×1.25, ×0.9 (median 1.1, min d3, max d2); 64 SMs ×2; rope ×0.5; the copy unchanged.
  const other = set('other.jsonl', 'G', [copy('c8', 8, 1000), decode('d1-s8', 8, 11), decode('d2-s8', 8, 25), decode('d3-s8', 8, 36), decode('d1-s64', 64, 10), rope('r-s8', 8, 2), decode('only-other', 8, 1), pair()], {
    DUET_X: '1',
  });
  const c = compareSettings(base, other);
  const g = (cls: string, sms: number) => c.groups.find((x) => x.op_class === cls && x.sm_count === sms)!;
  assert.deepEqual(
    c.groups.map((x) => `${x.op_class}@${x.sm_count}`),
    ['ceiling_bandwidth@8', 'attn_decode@8', 'attn_decode@64', 'elementwise@8'],
  );
  assert.equal(g('attn_decode', 8).count, 3);
  assert.ok(Math.abs(g('attn_decode', 8).median - 1.1) < 1e-12);
  assert.ok(Math.abs(g('attn_decode', 8).min - 0.9) < 1e-12);
  assert.ok(Math.abs(g('attn_decode', 8).max - 1.25) < 1e-12);
  assert.equal(g('attn_decode', 8).min_id, 'd3-s8');
  assert.equal(g('attn_decode', 8).max_id, 'd2-s8');
  assert.equal(g('attn_decode', 64).median, 2);
  assert.equal(g('elementwise', 8).median, 0.5);
  assert.equal(g('ceiling_bandwidth', 8).median, 1);
  assert.deepEqual([c.only_base, c.only_other, c.not_compared], [1, 1, 1]);
  assert.deepEqual([c.base.settings, c.other.settings], [{ DUET_X: '0' }, { DUET_X: '1' }]);
  const md = formatSettingComparison(c);
  assert.match(md, /base\.jsonl \(2026-12-07T00:00:00Z; DUET_X=0\)/);
  assert.match(md, /\| attn_decode \| 1\.100 \(0\.90–1\.25\) \| 2\.000 \(2\.00–2\.00\) \|/);
  assert.match(md, /\| elementwise \| 0\.500 \(0\.50–0\.50\) \| – \|/);
  // One class only.
  const only = compareSettings(base, other, { only: 'elementwise' });
  assert.deepEqual(only.groups.map((x) => x.op_class), ['elementwise']);
  // Ids matching a pattern: d1 at both SM counts.
  const d1 = compareSettings(base, other, { ids: /^d1-/ });
  assert.deepEqual(d1.groups.map((x) => `${x.op_class}@${x.sm_count}:${x.count}:${x.median.toFixed(2)}`), ['attn_decode@8:1:1.10', 'attn_decode@64:1:2.00']);
});

test('compare-settings refuses runs of different GPUs, runs with no id in common and a class neither run timed; a run without settings says so', () => {
  const a = set('a.jsonl', 'G', [decode('d', 8, 10)]);
  assert.throws(() => compareSettings(a, set('b.jsonl', 'H', [decode('d', 8, 10)])), /different GPUs \(G and H\)/);
  assert.throws(() => compareSettings(a, set('b.jsonl', 'G', [decode('e', 8, 10)])), /share no experiment id/);
  assert.throws(() => compareSettings(a, set('b.jsonl', 'G', [decode('d', 8, 10)]), { only: 'gemm' }), /no 'gemm' records in the base run \(classes there: attn_decode\)/);
  assert.throws(() => compareSettings(a, set('b.jsonl', 'G', [decode('d', 8, 10)]), { ids: /^x/ }), /no experiment both runs timed with an id matching \/\^x\/ has a positive median in both/);
  assert.throws(() => compareSettings(a, set('b.jsonl', 'G', [decode('d', 8, 10)]), { only: 'concurrent' }), /'concurrent' records carry two timings each/);
  assert.match(formatSettingComparison(compareSettings(a, set('b.jsonl', 'G', [decode('d', 8, 12)]))), /a\.jsonl \([^;]+; no DUET_\* settings\)/);
});

test('compare-settings skips, and names, ids it cannot divide (another kind, a zero median), and refuses a filter that leaves nothing', () => {
  const base = set('a.jsonl', 'G', [decode('d1', 8, 10), decode('z', 8, 0), decode('k', 8, 10), rope('r', 8, 4)]);
  const other = set('b.jsonl', 'G', [decode('d1', 8, 12), decode('z', 8, 5), copy('k', 8, 10), rope('r', 8, 0)]);
  const c = compareSettings(base, other);
  assert.equal(c.schema, 'duetsim.setting-compare/2');
  assert.deepEqual(c.groups.map((g) => `${g.op_class}@${g.sm_count}:${g.count}:${g.median.toFixed(2)}`), ['attn_decode@8:1:1.20']);
  assert.deepEqual(c.skipped_ids, ['z', 'k', 'r']);
  assert.match(formatSettingComparison(c), /Skipped \(another record kind, or a median not above 0\): 3: z, k, r\./);
  // The class is timed, but nothing of it divides: the class is at fault, not the runs.
  assert.throws(
    () => compareSettings(base, other, { only: 'elementwise' }),
    (e: unknown) => e instanceof SettingCompareError && e.about === 'class' && /no experiment both runs timed of class 'elementwise' has a positive median/.test(e.message),
  );
  assert.throws(
    () => compareSettings(base, other, { only: 'attn_decode', ids: /^z/ }),
    (e: unknown) => e instanceof SettingCompareError && e.about === 'ids',
  );
});
