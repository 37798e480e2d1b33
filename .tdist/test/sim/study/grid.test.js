import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandGrid, studyHash } from '../../../sim/study/grid.js';
import { parseStudy } from '../../../sim/study/parse-study.js';
const study = parseStudy(`name: g
base: { trace: azure-conv, model: qwen3-8b, hardware: h100-sxm }
axes:
  policy: [vllm, duetserve]
  rateQps: [1, 2, 4]
  engine.maxNumSeqs: [128, 256]
`, 's.yaml');
test('the grid is the cartesian product with the first axis varying slowest', () => {
    const g = expandGrid(study);
    assert.equal(g.length, 12);
    assert.deepEqual(g.slice(0, 3).map((p) => p.coords), [
        { policy: 'vllm', rateQps: 1, 'engine.maxNumSeqs': 128 },
        { policy: 'vllm', rateQps: 1, 'engine.maxNumSeqs': 256 },
        { policy: 'vllm', rateQps: 2, 'engine.maxNumSeqs': 128 },
    ]);
    assert.equal(g[11]?.spec.policy, 'duetserve');
    assert.equal(g[11]?.spec.rateQps, 4);
    assert.equal(g[11]?.spec.engine.maxNumSeqs, 256);
    assert.equal(g[11]?.spec.engine.blockTokens, 16);
});
test('point ids are unique within a grid and depend only on the resolved spec', () => {
    const g = expandGrid(study);
    assert.equal(new Set(g.map((p) => p.pointId)).size, g.length);
    // Same points written with axes in another order and the base as a block map: same ids.
    const reordered = parseStudy(`name: other name
axes:
  engine.maxNumSeqs: [256, 128]
  rateQps: [4, 2, 1]
  policy: [duetserve, vllm]
base:
  hardware: h100-sxm
  model: qwen3-8b
  trace: azure-conv
`, 't.yaml');
    assert.deepEqual(new Set(expandGrid(reordered).map((p) => p.pointId)), new Set(g.map((p) => p.pointId)));
    assert.notEqual(studyHash(reordered), studyHash(study));
});
test('an axis that sets a base value overrides it', () => {
    const s = parseStudy('name: o\nbase: { trace: t, model: m, hardware: h, policy: vllm, seed: 3 }\naxes:\n  seed: [7]\n', 'o.yaml');
    assert.equal(expandGrid(s)[0]?.spec.seed, 7);
});
test('paramsByPolicy reaches only its policy’s points, above base params and below a policyParams axis', () => {
    const s = parseStudy(`name: p
base: { trace: t, model: m, hardware: h, policyParams: { shared: 1 } }
paramsByPolicy:
  static: { prefill_sms: 64, shared: 2 }
  duetserve: { max_lookahead_k: 4 }
axes:
  policy: [vllm, static, duetserve]
  policyParams.max_lookahead_k: [8]
`, 'p.yaml');
    assert.deepEqual(expandGrid(s).map((p) => p.spec.policyParams), [
        { shared: 1, max_lookahead_k: 8 },
        { shared: 2, prefill_sms: 64, max_lookahead_k: 8 },
        { shared: 1, max_lookahead_k: 8 },
    ]);
});
