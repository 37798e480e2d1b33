import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shortName } from '../../reports/short-name.js';
test('paths become file names without the extension; bundled names pass unchanged', () => {
    assert.equal(shortName('qwen3-8b'), 'qwen3-8b');
    assert.equal(shortName('/home/me/configs/models/qwen3-8b.yaml'), 'qwen3-8b');
    assert.equal(shortName('traces/azure_conv_2024.csv.gz'), 'azure_conv_2024');
    assert.equal(shortName('configs\\clusters\\pd.yml'), 'pd');
});
