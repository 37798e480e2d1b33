import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../sim/core/input-error.js';
import { DEFAULT_ENGINE } from '../../../sim/engine/scenario.js';
import { parseStudy } from '../../../sim/study/parse-study.js';
const VALID = `name: demo
base:
  trace: azure-conv
  model: qwen3-8b
  hardware: h100-sxm
  durationS: 600
  sloTbtMs: 50
  engine:
    maxBatchTokens: 4096
  policyParams:
    lookahead_k: 4
axes:
  policy: [vllm, duetserve]
  rateQps: [1, 2, 4]
  policyParams.tbt_target_ms: [40, 50]
`;
function problemsOf(text) {
    try {
        parseStudy(text, 'study.yaml');
    }
    catch (e) {
        assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
        return e.problems;
    }
    assert.fail('expected the study to be rejected');
}
test('parseStudy fills defaults and keeps base, engine overrides and axes in file order', () => {
    const s = parseStudy(VALID, 'study.yaml');
    assert.equal(s.name, 'demo');
    assert.equal(s.base.trace, 'azure-conv');
    assert.equal(s.base.policy, null);
    assert.equal(s.base.durationS, 600);
    assert.equal(s.base.seed, 0);
    assert.deepEqual(s.base.engine, { ...DEFAULT_ENGINE, maxBatchTokens: 4096 });
    assert.deepEqual(s.base.policyParams, { lookahead_k: 4 });
    assert.deepEqual(s.axes.map((a) => a.name), ['policy', 'rateQps', 'policyParams.tbt_target_ms']);
    assert.deepEqual(s.axes[1]?.values, [1, 2, 4]);
    assert.equal(s.capacity, null);
});
test('an unknown base key is rejected with its file, line, column and the valid keys', () => {
    const [p, ...rest] = problemsOf(VALID.replace('  durationS: 600', '  durationSec: 600'));
    assert.equal(rest.length, 0);
    // The code and message every input file's unknown keys get (sim/input/yaml-fields.ts).
    assert.equal(p?.code, 'unknown-key');
    assert.equal(p?.file, 'study.yaml');
    assert.equal(p?.line, 6);
    assert.equal(p?.column, 3);
    assert.equal(p?.field, 'base.durationSec');
    assert.match(p?.message ?? '', /valid keys here: .*durationS/);
});
test('an unknown engine key is rejected with its line', () => {
    const [p] = problemsOf(VALID.replace('maxBatchTokens: 4096', 'maxBatchToken: 4096'));
    assert.equal(p?.line, 9);
    assert.equal(p?.field, 'base.engine.maxBatchToken');
});
test('an unknown axis is rejected listing the valid axes', () => {
    const [p] = problemsOf(VALID.replace('rateQps: [1, 2, 4]', 'rate: [1, 2, 4]'));
    assert.equal(p?.code, 'study-unknown-axis');
    assert.equal(p?.line, 14);
    assert.match(p?.message ?? '', /valid axes: policy, model, hardware, trace, rateQps, sloTtftMs, sloTbtMs, seed, /);
    for (const name of ['policyParams.<name>', 'engine.blockTokens', 'engine.prefixCaching'])
        assert.ok(p?.message.includes(name), name);
});
test('an empty axis is an empty-grid error, and so is a study without axes', () => {
    assert.equal(problemsOf(VALID.replace('rateQps: [1, 2, 4]', 'rateQps: []'))[0]?.code, 'study-empty-axis');
    assert.equal(problemsOf(VALID.replace(/axes:[\s\S]*$/, 'axes: {}\n'))[0]?.code, 'study-empty-grid');
    assert.equal(problemsOf(VALID.replace(/axes:[\s\S]*$/, ''))[0]?.field, 'axes');
});
test('all bad values are reported together, each at its own line', () => {
    const ps = problemsOf(VALID.replace('durationS: 600', 'durationS: -1').replace('rateQps: [1, 2, 4]', 'rateQps: [1, two, 4]'));
    assert.deepEqual(ps.map((p) => [p.line, p.field]), [[6, 'base.durationS'], [14, 'axes.rateQps[1]']]);
});
test('a name missing from both base and axes is an error', () => {
    const ps = problemsOf(VALID.replace('  policy: [vllm, duetserve]\n', ''));
    assert.deepEqual(ps.map((p) => p.field), ['base.policy']);
});
test('repeated axis values are rejected, as they would give repeated points', () => {
    assert.equal(problemsOf(VALID.replace('[1, 2, 4]', '[1, 2, 2]'))[0]?.code, 'study-duplicate-value');
});
test('YAML syntax errors and aliases are located', () => {
    const syntax = problemsOf('name: x\nbase: [unclosed\n');
    assert.ok(syntax[0]?.code.startsWith('yaml-'));
    assert.ok((syntax[0]?.line ?? 0) > 0);
    const alias = problemsOf(VALID.replace('  trace: azure-conv', '  trace: &t azure-conv').replace('  model: qwen3-8b', '  model: *t'));
    assert.equal(alias[0]?.code, 'yaml-alias');
    assert.equal(alias[0]?.line, 4);
    assert.equal(alias[0]?.field, 'base.model');
    assert.match(alias[0]?.message ?? '', /alias \*t refused/);
});
test('YAML is read as data only: a custom tag is not executed', () => {
    const ps = problemsOf(VALID.replace('name: demo', 'name: !!js/function "x"'));
    assert.deepEqual(ps.map((p) => [p.code, p.line, p.field]), [['yaml-tag', 1, 'name']]);
});
test('capacity defaults are filled, and a rate axis or missing SLO is refused', () => {
    const cap = VALID.replace('  rateQps: [1, 2, 4]\n', '') + 'capacity:\n  targetAttainment: 0.95\n';
    const s = parseStudy(cap, 'study.yaml');
    assert.deepEqual(s.capacity, { targetAttainment: 0.95, repeats: 3, startQps: 1, growthFactor: 2, relTolerance: 0.05, maxProbes: 40, maxQps: 1000 });
    assert.equal(problemsOf(VALID + 'capacity: {}\n')[0]?.field, 'axes.rateQps');
    assert.equal(problemsOf(cap.replace('  sloTbtMs: 50\n', ''))[0]?.code, 'study-capacity-no-slo');
    assert.equal(problemsOf(cap + '  growth: 3\n')[0]?.field, 'capacity.growth');
});
test('paramsByPolicy values are checked like policy parameters, with their line', () => {
    const s = parseStudy(VALID + 'paramsByPolicy:\n  static: { prefill_sms: 64 }\n', 'study.yaml');
    assert.deepEqual(s.paramsByPolicy, { static: { prefill_sms: 64 } });
    const [p] = problemsOf(VALID + 'paramsByPolicy:\n  static: { prefill_sms: [64] }\n');
    assert.deepEqual([p?.line, p?.field], [17, 'paramsByPolicy.static.prefill_sms']);
});
