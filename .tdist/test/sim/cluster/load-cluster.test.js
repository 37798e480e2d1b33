import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadCluster, parseClusterYaml } from '../../../sim/cluster/load-cluster.js';
import { LINK_PRESETS } from '../../../sim/cluster/link-presets.js';
import { InputError, formatProblem } from '../../../sim/core/input-error.js';
/** Asserts `fn` throws an InputError holding each expected problem, and that its message shows it located. */
function expectInputError(fn, expected) {
    let caught;
    try {
        fn();
    }
    catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
    for (const want of expected) {
        const hit = caught.problems.find((p) => Object.entries(want).every(([k, v]) => p[k] === v));
        assert.ok(hit, `no problem matching ${JSON.stringify(want)} in:\n${caught.message}`);
        assert.ok(caught.message.includes(formatProblem(hit)));
        assert.match(formatProblem(hit), new RegExp(`^${hit.file}:${hit.line}:\\d+ \\[`));
    }
}
const F = 'c.yaml';
const DISAGG = `name: pd
router: round-robin
kvTransfer: layerwise
interconnect: infiniband-ndr
groups:
  - name: p
    role: prefill
    count: 2
    tp: 2
    model: qwen3-8b
    hardware: h100-sxm
    policy: vllm
  - name: d
    role: decode
    model: qwen3-8b
    hardware: h100-sxm
    policy: chunked
    policyParams: { token_budget: 512 }
`;
test('a disaggregated cluster parses with defaults filled in', () => {
    const c = parseClusterYaml(DISAGG, F);
    assert.equal(c.name, 'pd');
    assert.deepEqual(c.router, { name: 'round-robin', params: {} });
    assert.deepEqual(c.disaggregation, { decodeRouter: { name: 'least-outstanding', params: {} }, kvTransfer: 'layerwise', interconnect: LINK_PRESETS['infiniband-ndr'] });
    assert.deepEqual(c.groups.map((g) => [g.name, g.role, g.count, g.tp, g.policy, g.policyParams]), [
        ['p', 'prefill', 2, 2, 'vllm', {}],
        ['d', 'decode', 1, 1, 'chunked', { token_budget: 512 }],
    ]);
    assert.equal(c.groups[1].lines.policy, 17);
    assert.ok(Object.isFrozen(c.groups[0]));
});
test('an aggregated cluster takes router parameters and defaults the rest; an explicit link map is read as given', () => {
    const c = parseClusterYaml(`name: a
router: prefix-affinity
routerParams: { balance_rel: 2 }
groups:
  - { name: r, count: 4, model: qwen3-8b, hardware: h100-sxm, policy: duetserve }
`, F);
    assert.deepEqual(c.router, { name: 'prefix-affinity', params: { balance_abs_requests: 64, balance_rel: 2, key_blocks: 1 } });
    assert.equal(c.disaggregation, null);
    assert.equal(c.groups[0].role, 'aggregated');
    const link = parseClusterYaml(DISAGG.replace('interconnect: infiniband-ndr', 'interconnect: { kind: pcie4, bandwidthBytesPerS: 32e9, latencyUs: 10 }'), F).disaggregation.interconnect;
    assert.deepEqual(link, { kind: 'pcie4', bandwidthBytesPerS: 32e9, latencyUs: 10 });
});
test('errors name the file, line and key, and are all reported together', () => {
    expectInputError(() => parseClusterYaml(`name: bad
router: fastest
groups:
  - name: r
    model: qwen3-8b
    hardware: h100-sxm
    policy: sarathi
    tp: 0
    colour: red
`, F), [
        { file: F, line: 2, field: 'router', code: 'bad-choice' },
        { file: F, line: 7, field: 'groups[0].policy', code: 'unknown-policy' },
        { file: F, line: 8, field: 'groups[0].tp', code: 'not-positive' },
        { file: F, line: 9, field: 'groups[0].colour', code: 'unknown-key' },
    ]);
});
test('a disaggregated cluster needs kvTransfer and interconnect; an aggregated one may not set them', () => {
    expectInputError(() => parseClusterYaml(DISAGG.replace('kvTransfer: layerwise\n', '').replace('interconnect: infiniband-ndr\n', ''), F), [
        { field: 'kvTransfer', code: 'missing-key' },
        { field: 'interconnect', code: 'missing-key' },
    ]);
    expectInputError(() => parseClusterYaml(`name: a
router: round-robin
kvTransfer: whole
groups:
  - { name: r, model: qwen3-8b, hardware: h100-sxm, policy: vllm }
`, F), [{ line: 3, field: 'kvTransfer', code: 'not-disaggregated' }]);
});
test('pools must pair up, roles must not mix, one model, unique group names, known links and router parameters', () => {
    expectInputError(() => parseClusterYaml(DISAGG.replace('role: decode', 'role: prefill'), F), [{ field: 'groups', code: 'missing-pool' }]);
    expectInputError(() => parseClusterYaml(DISAGG.replace('role: decode', 'role: aggregated'), F), [{ field: 'groups', code: 'mixed-roles' }]);
    expectInputError(() => parseClusterYaml(DISAGG.replace('  - name: d\n    role: decode\n    model: qwen3-8b', '  - name: p\n    role: decode\n    model: qwen3-14b'), F), [
        { line: 13, field: 'groups[1].name', code: 'duplicate-group' },
        { line: 15, field: 'groups[1].model', code: 'mixed-models' },
    ]);
    expectInputError(() => parseClusterYaml(DISAGG.replace('interconnect: infiniband-ndr', 'interconnect: carrier-pigeon'), F), [{ line: 4, field: 'interconnect', code: 'unknown-link' }]);
    expectInputError(() => parseClusterYaml(DISAGG.replace('router: round-robin', 'router: prefix-affinity\nrouterParams: { balance_rel: 0.5, spread: 2 }'), F), [
        { line: 3, field: 'routerParams.balance_rel', code: 'out-of-range' },
        { line: 3, field: 'routerParams.spread', code: 'unknown-key' },
    ]);
});
test('every bundled cluster config parses', () => {
    const dir = fileURLToPath(new URL('../../../../configs/clusters/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 5);
    for (const f of files)
        assert.equal(loadCluster(join(dir, f)).name, f.replace(/\.yaml$/, ''), f);
});
