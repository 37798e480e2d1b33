import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DUETSIM_VERSION } from '../../../sim/core/version.js';
test('DUETSIM_VERSION equals the version in package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'));
    assert.equal(DUETSIM_VERSION, pkg.version);
});
