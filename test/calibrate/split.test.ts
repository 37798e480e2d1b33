import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familyOf, HELD_OUT_SHARE, idHash, splitRecords } from '../../calibrate/split.js';
import type { ForwardRecord } from '../../calibrate/measurement.js';

function fwd(id: string, smCount: number, decode: boolean): ForwardRecord {
  const batch = decode ? { prefills: [], decodeCount: 8, decodeContextTokens: 8000 } : { prefills: [{ newTokens: 512, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 };
  return { kind: 'forward', id, source: { file: 'f', line: 1 }, smCount, model: 'm', batch, smidsOk: null, raggedDecodes: false, medianUs: 1, p10Us: 1, p90Us: 1, reps: 1 };
}

const records = [64, 132].flatMap((s) => [true, false].flatMap((d) => Array.from({ length: 5 }, (_, i) => fwd(`fw-${s}-${d}-${i}`, s, d))));

test('each family holds out ceil(40%) of its points, the same ones whatever the input order', () => {
  const a = splitRecords(records);
  const b = splitRecords([...records].reverse());
  assert.deepEqual(new Set(a.heldOut.map((r) => r.id)), new Set(b.heldOut.map((r) => r.id)));
  for (const fam of new Set(records.map(familyOf))) {
    assert.equal(a.heldOut.filter((r) => familyOf(r) === fam).length, Math.ceil(HELD_OUT_SHARE * 5), fam);
  }
  assert.equal(a.train.length + a.heldOut.length, records.length);
});

test('a family of one point is held out rather than trained on', () => {
  const { train, heldOut } = splitRecords([fwd('lonely', 16, true)]);
  assert.equal(train.length, 0);
  assert.equal(heldOut.length, 1);
});

test('the id hash is FNV-1a (reference values)', () => {
  assert.equal(idHash(''), 0x811c9dc5);
  assert.equal(idHash('a'), 0xe40c292c);
  assert.equal(idHash('foobar'), 0xbf9cf968);
});
