import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROUTERS } from '../../../../sim/cluster/routers/registry.js';
import { req } from '../../../util/fixtures.js';
import { fakeLoads } from '../../../util/fake-loads.js';
import fc from 'fast-check';
import { propertyOptions } from '../../../util/arbitraries.js';
const root = fileURLToPath(new URL('../../../../../', import.meta.url));
test('every registered router has its own file, a test file, a README row and valid parameter defaults', () => {
    const readme = readFileSync(`${root}sim/cluster/README.md`, 'utf8');
    for (const [name, f] of Object.entries(ROUTERS)) {
        assert.ok(existsSync(`${root}sim/cluster/routers/${name}.ts`), `sim/cluster/routers/${name}.ts`);
        assert.ok(existsSync(`${root}test/sim/cluster/routers/${name}.test.ts`), `test/sim/cluster/routers/${name}.test.ts`);
        assert.match(readme, new RegExp(`\\| \`${name}\` \\|`), `README row for ${name}`);
        assert.ok(f.description.length > 0);
        for (const [p, spec] of Object.entries(f.params)) {
            assert.ok(spec.doc.length > 0, `${name}.${p} doc`);
            if (spec.rule.min !== undefined)
                assert.ok(spec.default >= spec.rule.min, `${name}.${p} default below its minimum`);
            if (spec.rule.max !== undefined)
                assert.ok(spec.default <= spec.rule.max, `${name}.${p} default above its maximum`);
        }
    }
});
test('every router returns an index into the pool it is given, whatever the loads and requests, and reports its registry name (property)', () => {
    // One router per case, kept across its picks as in a run (one pool size, loads changing), so its state
    // (a rotation, an affinity table) builds up.
    const picks = fc.integer({ min: 1, max: 8 }).chain((poolSize) => fc.array(fc.record({
        loadsTokens: fc.array(fc.nat({ max: 10_000 }), { minLength: poolSize, maxLength: poolSize }),
        conversation: fc.nat({ max: 6 }),
        promptTokens: fc.integer({ min: 1, max: 4096 }),
    }), { minLength: 1, maxLength: 50 }));
    for (const [name, f] of Object.entries(ROUTERS)) {
        const defaults = Object.fromEntries(Object.entries(f.params).map(([k, p]) => [k, p.default]));
        fc.assert(fc.property(picks, (calls) => {
            const r = f.create(defaults, { seed: 0, stream: 'router' });
            assert.equal(r.name, name);
            calls.forEach((c, i) => {
                const k = r.pick(req(i, 0, c.promptTokens, 1, [c.conversation], 16), fakeLoads(c.loadsTokens, c.loadsTokens.map((t) => Math.ceil(t / 1000))));
                assert.ok(Number.isInteger(k) && k >= 0 && k < c.loadsTokens.length, `${name} picked ${k} of ${c.loadsTokens.length}`);
            });
            assert.equal(r.pick(req(0, 0, 10, 1), fakeLoads([5])), 0);
        }), propertyOptions(50));
    }
});
