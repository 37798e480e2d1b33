import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCivilTimestampUs } from '../../../sim/trace/civil-timestamp.js';
const utcUs = (y, mo, d, h, mi, s) => Date.UTC(y, mo - 1, d, h, mi, s) * 1000;
test('reads dates across leap days and centuries like Date.UTC does', () => {
    for (const [y, mo, d] of [
        [1970, 1, 1],
        [2000, 2, 29],
        [2023, 11, 16],
        [2024, 12, 31],
        [2100, 3, 1],
    ]) {
        const text = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')} 23:59:58`;
        assert.equal(parseCivilTimestampUs(text), utcUs(y, mo, d, 23, 59, 58), text);
    }
});
test('keeps all fractional digits down to the µs and rounds the 7th', () => {
    const base = utcUs(2023, 11, 16, 18, 17, 3);
    assert.equal(parseCivilTimestampUs('2023-11-16 18:17:03.9799600'), base + 979960);
    assert.equal(parseCivilTimestampUs('2023-11-16 18:17:03.9799604'), base + 979960);
    assert.equal(parseCivilTimestampUs('2023-11-16 18:17:03.9799605'), base + 979961);
    assert.equal(parseCivilTimestampUs('2023-11-16 18:17:03.5'), base + 500000);
    assert.equal(parseCivilTimestampUs('2023-11-16 18:17:03'), base);
});
test('applies a UTC offset (Azure 2024 style)', () => {
    assert.equal(parseCivilTimestampUs('2024-05-10 00:00:00.009930+00:00'), utcUs(2024, 5, 10, 0, 0, 0) + 9930);
    assert.equal(parseCivilTimestampUs('2024-05-10 02:00:00+02:00'), utcUs(2024, 5, 10, 0, 0, 0));
    assert.equal(parseCivilTimestampUs('2024-05-10 00:00:00Z'), utcUs(2024, 5, 10, 0, 0, 0));
});
test('returns a message for impossible or malformed text', () => {
    for (const bad of ['2023-11-31 00:00:00', '2023-02-29 00:00:00', '2023-11-16 24:00:00', '2023-11-16 18:17', '2023-11-16 18:17:03.', '2023-11-16 18:17:03.1234567890', '2023-11-16 18:17:03x', 'soon']) {
        assert.equal(typeof parseCivilTimestampUs(bad), 'string', bad);
    }
});
