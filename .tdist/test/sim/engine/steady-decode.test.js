import { test } from 'node:test';
import assert from 'node:assert/strict';
import seedrandom from 'seedrandom';
import { POLICIES } from '../../../sim/policy/registry.js';
import { hopperLike, QWEN3_8B_LIKE, req, runTiny } from '../../util/fixtures.js';
/** The same policy without its steady-decode fast path: every step goes through decide(). */
function withoutFastPath(f) {
    return {
        ...f,
        create(values, ctx) {
            const p = f.create(values, ctx);
            return { name: p.name, decide: (view) => p.decide(view) };
        },
    };
}
function trace(seed) {
    const rng = seedrandom(seed);
    let t = 0;
    return Array.from({ length: 150 }, (_, i) => {
        t += Math.floor(-Math.log(1 - rng()) * 60000);
        return req(i, t, 50 + Math.floor(rng() * 3000), 1 + Math.floor(rng() * 200));
    });
}
const params = { static: { prefill_sms: 64 }, duetserve: { tbt_target_ms: 40 }, chunked: { token_budget: 512 } };
for (const [name, factory] of Object.entries(POLICIES)) {
    test(`${name}: the steady-decode fast path gives byte-identical steps and results, KV pressure included`, () => {
        assert.ok(factory.create(params[name] ?? {}, { model: QWEN3_8B_LIKE, hw: hopperLike(), tpDegree: 1, sloTbtMs: null }).steadyDecode, `${name} declares no fast path`);
        for (const [seed, kvBlocks] of [['a', 100000], ['b', 900]]) {
            const requests = trace(`${name}-${seed}`);
            const opts = { hw: hopperLike(), model: QWEN3_8B_LIKE, params: params[name] ?? {}, kvBlocks };
            const fast = runTiny(requests, factory, opts);
            const slow = runTiny(requests, withoutFastPath(factory), opts);
            assert.equal(JSON.stringify(fast.steps), JSON.stringify(slow.steps));
            assert.equal(JSON.stringify(fast.result), JSON.stringify(slow.result));
        }
    });
}
