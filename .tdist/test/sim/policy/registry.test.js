import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POLICIES, getPolicy } from '../../../sim/policy/registry.js';
import { InputError } from '../../../sim/core/input-error.js';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const fileOf = { static: 'static' };
for (const [name, factory] of Object.entries(POLICIES)) {
    test(`policy '${name}' has its file, its tests, a description and documented parameters`, () => {
        const file = fileOf[name] ?? name;
        assert.ok(existsSync(join(root, 'sim/policy', `${file}.ts`)), `sim/policy/${file}.ts`);
        assert.ok(existsSync(join(root, 'test/sim/policy', `${file}.test.ts`)), `test/sim/policy/${file}.test.ts`);
        assert.ok(factory.description.length > 20);
        for (const [param, spec] of Object.entries(factory.params)) {
            assert.match(param, /^[a-z][a-z0-9_]*$/, 'parameter names are snake_case');
            assert.ok(spec.doc.length > 10, `${name}.${param} needs a doc line`);
        }
        assert.match(readFileSync(join(root, 'README.md'), 'utf8') + readFileSync(join(root, 'EXTENDING.md'), 'utf8'), new RegExp(name));
    });
}
test('an unknown policy name fails listing the valid ones', () => {
    assert.throws(() => getPolicy('vlm'), (e) => e instanceof InputError && /unknown policy 'vlm'; valid: vllm, sglang, vllm-v0, chunked, static, duetserve/.test(e.message));
});
