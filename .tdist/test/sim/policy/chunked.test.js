import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunked } from '../../../sim/policy/chunked.js';
import { req, runTiny } from '../../util/fixtures.js';
test('chunked splits a long prompt into chunks under the token budget, decodes first', () => {
    const r = runTiny([req(0, 0, 10, 4), req(1, 1, 300, 2)], chunked, { params: { token_budget: 128 }, kvBlocks: 1000 });
    const chunks = r.steps.flatMap((s) => s.prefills.filter((p) => p.id === 1).map((p) => [p.newTokens, p.cachedTokens]));
    // Step 2 carries r0's decode (1 token) and 127 prompt tokens of r1; then 127 more; then the last 46.
    assert.deepEqual(chunks, [[127, 0], [127, 127], [46, 254]]);
    for (const s of r.steps)
        assert.ok(s.decodes.length + s.prefills.reduce((a, p) => a + p.newTokens, 0) <= 128);
});
