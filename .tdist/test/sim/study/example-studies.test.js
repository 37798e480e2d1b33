import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { expandGrid } from '../../../sim/study/grid.js';
import { loadStudy } from '../../../sim/study/load-study.js';
const STUDIES_DIR = fileURLToPath(new URL('../../../../configs/studies/', import.meta.url));
test('every example study in configs/studies parses and expands to a non-empty grid', () => {
    const files = readdirSync(STUDIES_DIR).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length >= 2);
    for (const f of files) {
        const study = loadStudy(join(STUDIES_DIR, f));
        assert.ok(expandGrid(study).length > 0, f);
        assert.equal(`${study.name}.yaml`, f, 'file name and study name match');
    }
});
test('the azure-conv example is 4 policies × 2 models × at least 8 rates', () => {
    const study = loadStudy(join(STUDIES_DIR, 'policies-models-rates-azure-conv.yaml'));
    const axis = (name) => study.axes.find((a) => a.name === name)?.values ?? [];
    assert.deepEqual(axis('policy'), ['vllm', 'chunked', 'static', 'duetserve']);
    assert.equal(axis('model').length, 2);
    assert.ok(axis('rateQps').length >= 8);
    assert.equal(study.base.trace, 'azure-conv');
    assert.equal(expandGrid(study).find((p) => p.spec.policy === 'static')?.spec.policyParams.prefill_sms, 64);
});
test('the capacity example asks the Qwen3-14B / one H100 / TBT ≤ 50 ms question', () => {
    const study = loadStudy(join(STUDIES_DIR, 'qwen3-14b-h100-capacity.yaml'));
    assert.equal(study.base.model, 'qwen3-14b');
    assert.equal(study.base.hardware, 'h100-sxm');
    assert.equal(study.base.sloTbtMs, 50);
    assert.ok(study.capacity !== null);
});
