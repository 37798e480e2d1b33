import { test } from 'node:test';
import assert from 'node:assert/strict';
import { familyOf, HELD_OUT_SHARE, idHash, splitClockRecords, splitRecords } from '../../calibrate/split.js';
function fwd(id, smCount, decode) {
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
test('clock records: every one of a fitted model trains (a plan times too few to split by size); unseen models are held out', () => {
    const none = { smClockMhz: null, powerW: null };
    const clk = (id, model, smCount) => ({
        kind: 'clock_regime', id, source: { file: 'f', line: 1 }, model, smCount, batch: { prefills: [{ newTokens: 2048, cachedTokens: 0 }], decodeCount: 0, decodeContextTokens: 0 },
        interleaveBatch: { prefills: [], decodeCount: 64, decodeContextTokens: 64 * 2048 }, lookahead: 4, backToBackUs: 2, servingUs: 1, decodeServingUs: 1, decodeAloneUs: 1,
        backToBackClock: none, servingClock: none, smidsOk: true,
    });
    const recs = [clk('a', 'm', 96), clk('b', 'm', 132), clk('c', 'm', 132), clk('d', 'unseen', 132)];
    const { train, heldOut } = splitClockRecords(recs, new Set(['unseen']));
    assert.deepEqual(train.map((r) => r.id), ['a', 'b', 'c']);
    assert.deepEqual(heldOut.map((r) => r.id), ['d']);
    // By family, the lone 96-SM record would have been held out, leaving one SM count to fit.
    assert.ok(splitRecords(recs.slice(0, 3)).heldOut.some((r) => r.id === 'a'));
});
