import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROUTERS } from '../../../../sim/cluster/routers/registry.js';
import type { RouterFactory } from '../../../../sim/cluster/routers/router.js';
import { req } from '../../../util/fixtures.js';
import { fakeLoads } from '../../../util/fake-loads.js';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));

test('every registered router has its own file, a test file, a README row and valid parameter defaults', () => {
  const readme = readFileSync(`${root}sim/cluster/README.md`, 'utf8');
  for (const [name, f] of Object.entries(ROUTERS) as [string, RouterFactory][]) {
    assert.ok(existsSync(`${root}sim/cluster/routers/${name}.ts`), `sim/cluster/routers/${name}.ts`);
    assert.ok(existsSync(`${root}test/sim/cluster/routers/${name}.test.ts`), `test/sim/cluster/routers/${name}.test.ts`);
    assert.match(readme, new RegExp(`\\| \`${name}\` \\|`), `README row for ${name}`);
    assert.ok(f.description.length > 0);
    for (const [p, spec] of Object.entries(f.params)) {
      assert.ok(spec.doc.length > 0, `${name}.${p} doc`);
      if (spec.rule.min !== undefined) assert.ok(spec.default >= spec.rule.min, `${name}.${p} default below its minimum`);
      if (spec.rule.max !== undefined) assert.ok(spec.default <= spec.rule.max, `${name}.${p} default above its maximum`);
    }
  }
});

test('every router returns an index into the pool and reports its registry name', () => {
  for (const [name, f] of Object.entries(ROUTERS) as [string, RouterFactory][]) {
    const defaults = Object.fromEntries(Object.entries(f.params).map(([k, p]) => [k, p.default]));
    const r = f.create(defaults, { seed: 0, stream: 'router' });
    assert.equal(r.name, name);
    for (let i = 0; i < 50; i++) {
      const k = r.pick(req(i, 0, 10, 1, [i % 7], 16), fakeLoads([3, 1, 2]));
      assert.ok(Number.isInteger(k) && k >= 0 && k < 3, `${name} picked ${k}`);
    }
    assert.equal(r.pick(req(0, 0, 10, 1), fakeLoads([5])), 0);
  }
});
