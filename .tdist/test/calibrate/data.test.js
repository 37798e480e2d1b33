import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../calibrate/native.js';
import { parseMeasurementFile } from '../../calibrate/parse-measurements.js';
import { parsePlan } from '../../calibrate/parse-plan.js';
import { parseTorchRef } from '../../calibrate/parse-torch-ref.js';
// The committed GPU measurements (cuda/ runner output) must stay readable by calibrate/'s parsers: this
// catches a drift between the JSONL the runner writes and what fit/validate/quality read.
const dataRoot = join(packageRoot(), 'calibrate', 'data');
const folders = existsSync(dataRoot) ? readdirSync(dataRoot).filter((d) => existsSync(join(dataRoot, d, 'plan.json'))) : [];
test('calibration data folders exist with their plan', () => {
    assert.ok(folders.length >= 2, `expected the H100 and H200 folders under ${dataRoot}`);
});
for (const folder of folders) {
    const dir = join(dataRoot, folder);
    const plan = parsePlan(readFileSync(join(dir, 'plan.json'), 'utf8'), join(dir, 'plan.json'));
    const planIds = new Set(plan.experiments.map((e) => e.id));
    for (const file of readdirSync(dir).filter((f) => f.endsWith('-calibration.jsonl') || f.endsWith('-run2.jsonl'))) {
        test(`${folder}/${file}: every plan experiment measured once, checks passed, partitions held`, () => {
            const { meta, records } = parseMeasurementFile(readFileSync(join(dir, file), 'utf8'), file);
            assert.equal(meta.smCount, 132);
            assert.deepEqual(new Set(records.map((r) => r.id)), planIds);
            for (const r of records) {
                if (r.kind === 'op')
                    assert.ok(r.check?.passed, `${r.id}: check failed or missing`);
                if (r.kind === 'concurrent')
                    assert.ok(r.decodeSmidsOk && r.prefillSmidsOk, `${r.id}: %smid sets overlap`);
            }
        });
    }
    for (const file of readdirSync(dir).filter((f) => f.endsWith('-torch-attention.json'))) {
        test(`${folder}/${file}: PyTorch references parse and cover the plan's attention shapes`, () => {
            const ref = parseTorchRef(readFileSync(join(dir, file), 'utf8'), file);
            const shapes = new Set(plan.experiments.filter((e) => e.kind === 'op' && (e.op === 'attn_prefill' || e.op === 'attn_decode')).map((e) => `${e.op}:${'hq' in e ? e.hq : ''}:${JSON.stringify('chunks' in e ? e.chunks : 'contexts' in e ? e.contexts : [])}`));
            assert.equal(ref.rows.length, shapes.size);
            assert.ok(ref.rows.every((r) => r.error === null && r.medianUs !== null && r.medianUs > 0));
        });
    }
}
