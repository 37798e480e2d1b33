import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRACE_FORMATS, detectTraceFormat, getTraceFormat } from '../../../sim/trace/formats.js';
import { packageRoot } from '../../../sim/trace/bundled.js';
import { expectInputError } from '../../util/expect-input-error.js';
test('every registered format is keyed by its name, lives in a file of that name, has tests and is documented', () => {
    const root = packageRoot();
    const readme = readFileSync(join(root, 'sim', 'trace', 'README.md'), 'utf8');
    for (const [key, format] of Object.entries(TRACE_FORMATS)) {
        assert.equal(format.name, key);
        assert.ok(existsSync(join(root, 'sim', 'trace', `${key}.ts`)), `sim/trace/${key}.ts`);
        assert.ok(existsSync(join(root, 'test', 'sim', 'trace', `${key}.test.ts`)), `test/sim/trace/${key}.test.ts`);
        assert.ok(readme.includes(`\`${key}\``), `sim/trace/README.md mentions ${key}`);
        assert.ok(format.extensions.length > 0 && format.extensions.every((e) => e.startsWith('.') && e === e.toLowerCase()));
    }
});
test('detects each format from its first line', () => {
    const cases = [
        ['a.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,44', 'azure-csv'],
        ['s.csv', 'num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio\n1,2,3,0.5', 'sharegpt-lengths'],
        ['m.jsonl', '{"timestamp": 0, "input_length": 1, "output_length": 1, "hash_ids": []}', 'mooncake-jsonl'],
        ['d.jsonl', '{"format":"duetsim-trace","version":1}\n', 'duetsim-jsonl'],
        ['d.jsonl', '\n{"arrival_ms":0,"prompt_tokens":1,"output_tokens":1}', 'duetsim-jsonl'],
        ['no-extension', '\uFEFFTIMESTAMP,ContextTokens,GeneratedTokens\n', 'azure-csv'],
    ];
    for (const [file, text, name] of cases)
        assert.equal(detectTraceFormat(file, text).name, name, file);
});
test('an unrecognisable file and an unknown format name list the valid formats', () => {
    const [p] = expectInputError(() => detectTraceFormat('x.csv', 'a,b,c\n1,2,3'), [{ code: 'unknown-format', file: 'x.csv', line: 1 }]);
    assert.ok(p.message.includes(Object.keys(TRACE_FORMATS).join(', ')), p.message);
    const [q] = expectInputError(() => getTraceFormat('csv', { file: '<command line>', field: '--format' }), [{ code: 'unknown-format', field: '--format' }]);
    assert.match(q.message, /valid: azure-csv/);
});
