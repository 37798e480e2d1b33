import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRate } from '../../reports/format-rate.js';
test('rates keep 4 significant digits and drop trailing zeros', () => {
    assert.equal(formatRate(3.3635856610148585), '3.364');
    assert.equal(formatRate(8), '8');
    assert.equal(formatRate(0.5), '0.5');
    assert.equal(formatRate(1234.5678), '1235');
});
