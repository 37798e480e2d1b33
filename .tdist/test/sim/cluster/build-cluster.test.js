import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { ROUTER_NAMES } from '../../../sim/cluster/routers/registry.js';
import { req, TINY_MODEL } from '../../util/fixtures.js';
import { runClusterYaml } from '../../util/cluster-fixtures.js';
import { InputError } from '../../../sim/core/input-error.js';
import { DecodeRole } from '../../../sim/cluster/disaggregation.js';
import fc from 'fast-check';
import { propertyOptions } from '../../util/arbitraries.js';
// Fixture hardware (test/util/cluster-fixtures.ts): every kernel costs 100 µs. TINY_MODEL has 1 layer: a
// prefill-only or decode-only forward is 12 kernels = 1200 µs. KV is 2·1·1·2·2 = 8 bytes per token.
const LINK = '{ kind: test, bandwidthBytesPerS: 1e6, latencyUs: 5 }'; // 1 byte per µs, α = 5 µs
function pd(opts = {}) {
    return `name: pd
router: ${opts.router ?? 'least-outstanding'}
decodeRouter: ${opts.decodeRouter ?? 'least-outstanding'}
kvTransfer: ${opts.kvTransfer ?? 'whole'}
interconnect: ${LINK}
groups:
  - { name: p, role: prefill, count: ${opts.prefill ?? 1}, model: ${opts.model ?? 'tiny'}, hardware: kv1000, policy: chunked }
  - { name: d, role: decode, count: ${opts.decode ?? 1}, model: ${opts.model ?? 'tiny'}, hardware: ${opts.decodeHw ?? 'kv1000'}, policy: chunked }
`;
}
const rows = (run, requests) => run.collector.requestRows(requests.map((r) => r.origin), requests.map((r) => r.arrivalUs), requests.map((r) => r.promptTokens), requests.map((r) => r.outputTokens));
test('disaggregated: first token from the prefill instance, the KV transfer delays the second token', () => {
    const requests = [req(0, 0, 10, 3)];
    const run = runClusterYaml(pd(), requests);
    // Prefill 0 → 1200 emits token 1. KV 10 × 8 = 80 bytes: 5 + 80 = 85 µs, on the decode side at 1285.
    // Decode steps 1285 → 2485 → 3685. Gaps 1285 and 1200 (p99 by R-7: 1284.15); TPOT (3685 − 1200)/2.
    assert.equal(rows(run, requests)[1], 'test:1,completed,0.000000,10,3,1.2,1.243,3.685,0,1.284,0,1,'.replace(/^/, '0,'));
    const [p, d] = run.built.instances;
    const [ps, ds] = run.built.sides;
    assert.deepEqual([ps.handoffsOut, ds.handoffsIn, p.stats.steps, d.stats.steps], [1, 1, 1, 2]);
    assert.equal(run.built.transfers.delaySumUs, 85);
});
test('transfers leaving one prefill instance share its link: the second waits for the first', () => {
    const requests = [req(0, 0, 10, 3), req(1, 0, 10, 3)];
    const run = runClusterYaml(pd(), requests);
    // Both prompts in one prefill step 0 → 1200. A's KV (80 bytes) lands at 1285; B's leaves after it and
    // lands at 1370, while the decode GPU runs A alone (1285 → 2485). Then both: 2485 → 3685 (A done, B's
    // second token), B alone → 4885.
    const e2e = rows(run, requests).slice(1).map((r) => r.split(',')[8]);
    assert.deepEqual(e2e, ['3.685', '4.885']);
    assert.equal(run.built.transfers.delayMaxUs, 170);
});
test('layer-wise transfer leaves only the last layer on the critical path; whole sends everything after the prefill', () => {
    const twoLayers = { ...TINY_MODEL, name: 'tiny2', numLayers: 2 };
    const models = { tiny2: twoLayers };
    const requests = [req(0, 0, 10, 3)];
    // Two layers: a forward is 2 × 9 + 3 = 21 kernels = 2100 µs; KV 10 × 16 = 160 bytes.
    // Whole: 2100 + 5 + 160 = 2265. Layer-wise: τ = 5 + 80, max(2100 + 85, 0 + 1050 + 170) = 2185.
    const whole = runClusterYaml(pd({ model: 'tiny2' }), requests, { models });
    const layerwise = runClusterYaml(pd({ model: 'tiny2', kvTransfer: 'layerwise' }), requests, { models });
    assert.equal(whole.result.summary.e2e_ms.max, 2.265 + 2 * 2.1);
    assert.equal(layerwise.result.summary.e2e_ms.max, 2.185 + 2 * 2.1);
    assert.equal(whole.result.summary.ttft_ms.max, 2.1);
    assert.equal(layerwise.result.summary.ttft_ms.max, 2.1);
});
test('a hand-off waits in the decode instance’s incoming queue until KV frees, holding its prefill-side KV meanwhile', () => {
    // The decode GPU holds 2 blocks (32 tokens): each request (20 + 10 tokens) fits alone, two do not.
    const requests = [req(0, 0, 20, 10), req(1, 0, 20, 10)];
    const run = runClusterYaml(pd({ decodeHw: 'kv2', kvTransfer: 'layerwise' }), requests);
    // Both prompts in one prefill step 0 → 1200. A reserves 2 blocks, KV (160 bytes) lands at 1365, then
    // 9 decode steps end at 1365 + 9 × 1200 = 12165, when A's blocks free. B reserves then and, its prefill
    // long over, is sent whole: 12165 + 165 = 12330; 9 decode steps end at 23130.
    const r = rows(run, requests);
    assert.match(r[1], /^0,test:1,completed,0\.000000,20,10,1\.2,[\d.]+,12\.165,/);
    assert.match(r[2], /^1,test:2,completed,0\.000000,20,10,1\.2,[\d.]+,23\.13,/);
    const t = run.built.transfers;
    assert.deepEqual([t.count, t.waited, t.waitMaxUs, t.delayMaxUs], [2, 1, 12165 - 1200, 12330 - 1200]);
    // The prefill side held both prompts' blocks (2 + 2) while B waited; everything is freed at the end.
    const [p, d] = run.built.instances;
    assert.equal(p.stats.peakUsedBlocks, 4);
    assert.equal(d.stats.peakUsedBlocks, 2);
    for (const inst of run.built.instances)
        assert.equal(inst.kv.usedBlocks, 0);
});
test('layer-wise: decode KV is reserved when the prefill is admitted; without room then, the KV goes whole later', () => {
    const models = { tiny2: { ...TINY_MODEL, name: 'tiny2', numLayers: 2 } };
    // Two layers (forwards of 2100 µs), decode GPU of 2 blocks, prompts of 20 tokens (320 bytes of KV).
    // A is admitted at 0 and reserves both decode blocks at once, so its KV streams beside its prefill:
    // τ = 5 + 160, lands at max(2100 + 165, 1050 + 330) = 2265; one decode step → done at 4365.
    // B is admitted at 2100 with no decode room, hands off at 4200, waits for A's blocks (4365), and is sent
    // whole: 4365 + 5 + 320 = 4690; one decode step → done at 6790 (E2E 6789 from its arrival at 1).
    const requests = [req(0, 0, 20, 2), req(1, 1, 20, 2)];
    const run = runClusterYaml(pd({ model: 'tiny2', decodeHw: 'kv2', kvTransfer: 'layerwise' }), requests, { models });
    const e2e = rows(run, requests).slice(1).map((r) => r.split(',')[8]);
    assert.deepEqual(e2e, ['4.365', '6.789']);
    const t = run.built.transfers;
    assert.deepEqual([t.count, t.waited, t.waitMaxUs, t.delayMaxUs], [2, 1, 4365 - 4200, 4690 - 4200]);
});
test('a request whose context no decode instance can hold is rejected at arrival, not lost', () => {
    const requests = [req(0, 0, 20, 10), req(1, 10, 20, 20)];
    const run = runClusterYaml(pd({ decodeHw: 'kv2' }), requests);
    assert.equal(run.result.summary.completed, 1);
    assert.equal(run.result.summary.rejected, 1);
    assert.match(run.result.rejected[0].reason, /needs 3 KV blocks; the smallest decode instance holds 2/);
});
function randomTrace(seed, n) {
    const rng = seedrandom(seed);
    const out = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
        t += Math.floor(rng() * 3000);
        // Hash ids so prefix-affinity has something to stick to: 12 conversations.
        const conv = Math.floor(rng() * 12);
        out.push(req(i, t, 1 + Math.floor(rng() * 120), 1 + Math.floor(rng() * 40), [conv, 1000 + i], 16));
    }
    return out;
}
/** Conservation checks every cluster run must pass. */
function checkInvariants(run, requests) {
    const s = run.result.summary;
    const n = requests.length;
    assert.equal(s.completed + s.rejected, n, 'every request finished or rejected');
    assert.equal(run.built.routed.reduce((a, b) => a + b, 0), n, 'every arrival routed exactly once');
    const insts = run.built.instances;
    const sides = run.built.sides;
    const out = sides.reduce((a, s) => a + (s?.handoffsOut ?? 0), 0);
    const inn = sides.reduce((a, s) => a + (s?.handoffsIn ?? 0), 0);
    assert.equal(out, inn, 'every hand-off received exactly once');
    if (run.built.groups.some((g) => g.spec.role === 'prefill')) {
        // A hand-off per admitted request with more than one output token.
        const rejected = new Set(run.result.rejected.map((r) => r.id));
        assert.equal(out, requests.filter((r) => r.outputTokens > 1 && !rejected.has(r.id)).length);
    }
    for (const inst of insts) {
        assert.equal(inst.kv.usedBlocks, 0, `instance ${inst.cfg.id} freed its KV`);
        const side = sides[inst.cfg.id];
        assert.equal(side instanceof DecodeRole ? side.incoming.length : 0, 0);
        assert.ok(inst.stats.peakUsedBlocks <= inst.kv.totalBlocks, `instance ${inst.cfg.id} within capacity`);
    }
}
/** Up to 300 requests of up to 120 + 40 tokens, each in one of 12 conversations (its first hash id), so prefix-affinity has something to stick to. */
const clusterTraces = fc
    .array(fc.record({ gapUs: fc.nat({ max: 3000 }), promptTokens: fc.integer({ min: 1, max: 120 }), outputTokens: fc.integer({ min: 1, max: 40 }), conversation: fc.nat({ max: 11 }) }), { minLength: 1, maxLength: 300, size: 'max' })
    .map((rows) => {
    let t = 0;
    return rows.map((r, i) => req(i, (t += r.gapUs), r.promptTokens, r.outputTokens, [r.conversation, 1000 + i], 16));
});
for (const router of ROUTER_NAMES) {
    test(`aggregated, ${router}: no request lost or duplicated, KV freed, never above capacity (property)`, () => {
        let pressured = 0;
        fc.assert(fc.property(clusterTraces, (requests) => {
            const run = runClusterYaml(`name: a
router: ${router}
groups:
  - { name: big, count: 2, model: tiny, hardware: kv60, policy: chunked }
  - { name: small, model: tiny, hardware: kv14, policy: vllm }
`, requests);
            checkInvariants(run, requests);
            if (run.result.summary.preemptions > 0)
                pressured++;
        }), propertyOptions(6));
        assert.ok(pressured > 0, 'the small instance must come under KV pressure in some run');
    });
    test(`disaggregated 2P+2D, ${router} on both pools: no request lost or duplicated, KV freed on both sides (property)`, () => {
        let waited = 0;
        fc.assert(fc.property(clusterTraces, (requests) => {
            const run = runClusterYaml(pd({ prefill: 2, decode: 2, decodeHw: 'kv12', router, decodeRouter: router, kvTransfer: 'layerwise' }), requests);
            checkInvariants(run, requests);
            if (run.built.transfers.waited > 0)
                waited++;
        }), propertyOptions(6));
        assert.ok(waited > 0, 'some hand-offs must wait for decode KV in some run');
    });
}
test('the same seed gives the same results; power-of-two with another seed routes differently', () => {
    const requests = randomTrace('det', 200);
    const yaml = `name: a
router: power-of-two
groups:
  - { name: r, count: 4, model: tiny, hardware: kv60, policy: chunked }
`;
    const a = runClusterYaml(yaml, requests, { seed: 1 });
    const b = runClusterYaml(yaml, requests, { seed: 1 });
    const c = runClusterYaml(yaml, requests, { seed: 2 });
    assert.equal(JSON.stringify(a.result), JSON.stringify(b.result));
    assert.deepEqual(a.built.routed, b.built.routed);
    assert.notDeepEqual(a.built.routed, c.built.routed);
});
test('prefix affinity keeps a conversation on one instance', () => {
    const requests = randomTrace('affinity', 120);
    const run = runClusterYaml(`name: a
router: prefix-affinity
groups:
  - { name: r, count: 3, model: tiny, hardware: kv1000, policy: chunked }
`, requests);
    checkInvariants(run, requests);
    // Reconstruct placement: with light load no instance is overloaded, so each conversation's requests
    // must all have gone to one instance; the per-instance arrival counts are sums over whole conversations.
    const convSizes = new Map();
    for (const r of requests)
        convSizes.set(r.hashIds[0], (convSizes.get(r.hashIds[0]) ?? 0) + 1);
    const sums = new Set([0]);
    for (const size of convSizes.values())
        for (const s of [...sums])
            sums.add(s + size);
    for (const routed of run.built.routed)
        assert.ok(sums.has(routed), `${routed} is not a sum of whole conversations`);
});
test('a TP-2 instance pays two ring all-reduces per layer and gets the KV room its halved weights leave', () => {
    // Fixture link: 1 µs latency, 1 byte/µs. Ring over N = 2: 2(N−1) = 2 steps of α + bytes/N over the link.
    // Prefill of 10 tokens: an all-reduce moves 10 × 4 (hidden) × 2 bytes = 80: 2 × (1 + 40) = 82 µs; two per
    // layer → 164 µs on top of 1200 µs of kernels. The decode step's token: 8 bytes, 2 × (1 + 4) × 2 = 20 µs.
    const requests = [req(0, 0, 10, 2)];
    const run = runClusterYaml(`name: tp
router: round-robin
groups:
  - { name: r, tp: 2, model: tiny, hardware: kv10, policy: chunked }
`, requests);
    assert.equal(run.result.summary.ttft_ms.max, 1.364);
    assert.equal(run.result.summary.e2e_ms.max, 1.364 + 1.22);
    // TINY_MODEL: 236 parameters = 472 bytes; a 16-token block of 8 bytes per token = 128 bytes (its one KV
    // head cannot split). kv10 holds 472 + 10.5 × 128 bytes; under TP 2 each GPU keeps 236 bytes of weights:
    // floor((1816 − 236) / 128) = 12 blocks.
    assert.equal(run.built.groups[0].kvBlocks, 12);
});
test('a TP degree that does not divide the heads is an error at the group’s tp line', () => {
    assert.throws(() => runClusterYaml(`name: tp
router: round-robin
groups:
  - name: r
    model: tiny
    hardware: kv10
    policy: chunked
    tp: 3
`, [req(0, 0, 1, 1)]), (e) => e instanceof InputError && e.problems[0].line === 8 && e.problems[0].field === 'groups[0].tp' && e.problems[0].code === 'bad-tp');
});
test('policy parameter errors point at the group in the cluster file', () => {
    assert.throws(() => runClusterYaml(`name: a
router: round-robin
groups:
  - name: r
    model: tiny
    hardware: kv10
    policy: chunked
    policyParams: { token_budgett: 5 }
`, [req(0, 0, 1, 1)]), (e) => e instanceof InputError && e.problems[0].file === 'test-cluster.yaml' && e.problems[0].line === 7 && /token_budgett/.test(e.message));
});
