import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LINK_PRESETS } from '../../../sim/cluster/link-presets.js';
test('every link preset is named by its own kind, has positive bandwidth and a latency, and a cited source', () => {
    const src = readFileSync(fileURLToPath(new URL('../../../../sim/cluster/link-presets.ts', import.meta.url)), 'utf8');
    for (const [name, link] of Object.entries(LINK_PRESETS)) {
        assert.equal(link.kind, name);
        assert.ok(link.bandwidthBytesPerS > 0 && link.latencyUs > 0, name);
        // The comment block right above the entry must name a datasheet, manual or issue.
        const at = src.indexOf(`${/^[a-z0-9]+$/.test(name) ? name : `'${name}'`}: {`);
        assert.ok(at > 0, `${name} not found in the source`);
        const before = src.slice(Math.max(0, at - 600), at);
        assert.match(before, /datasheet|manual|#\d+/i, `${name} has no source comment`);
    }
});
