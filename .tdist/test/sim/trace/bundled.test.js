import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_TRACES, DEFAULT_TRACE, bundledTracePath, isBundledTrace, packageRoot } from '../../../sim/trace/bundled.js';
import { readTrace } from '../../../sim/trace/read-trace.js';
const names = Object.keys(BUNDLED_TRACES);
test('the catalogue offers the names users type, each documented in traces/README.md, azure-conv by default', () => {
    // Walks the registry rather than repeating it: shipping a trace is its files, one line in bundled.ts and its README entry.
    const readme = readFileSync(join(packageRoot(), 'traces', 'README.md'), 'utf8');
    for (const name of names) {
        assert.match(name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
        assert.ok(readme.includes(`\`${name}\``), `${name} is not in traces/README.md`);
    }
    assert.equal(DEFAULT_TRACE, 'azure-conv');
    assert.ok(isBundledTrace('sharegpt'));
    assert.ok(!isBundledTrace('toString'));
});
test('every bundled trace loads with its loader and exactly the row count in SOURCES.md', () => {
    // Counts from /work/shared/traces-raw/SOURCES.md: conv 19,366; code 8,819; Mooncake conversation 12,031;
    // synthetic 3,993; ShareGPT 30,731.
    const expected = { 'azure-conv': 19366, 'azure-code': 8819, 'mooncake-conv': 12031, 'mooncake-synthetic': 3993, sharegpt: 30731 };
    for (const name of names) {
        const entry = BUNDLED_TRACES[name];
        const trace = readTrace(bundledTracePath(name), entry.path, null);
        assert.equal(trace.format, entry.format, `${name} detected as ${entry.format}`);
        assert.equal(trace.records.length, expected[name], name);
        assert.equal(entry.requestCount, expected[name], name);
        assert.equal(trace.kind, name === 'sharegpt' ? 'lengths' : 'timed');
    }
});
test('bundled files are byte-for-byte the sources: sha256 as listed in traces/README.md', () => {
    const readme = readFileSync(join(packageRoot(), 'traces', 'README.md'), 'utf8');
    for (const name of names) {
        const sha = createHash('sha256').update(readFileSync(bundledTracePath(name))).digest('hex');
        assert.ok(readme.includes(sha), `${name}: sha256 ${sha} not in traces/README.md`);
    }
});
test('the package root is found from the module, whatever the cwd', () => {
    const root = packageRoot();
    assert.equal(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name, 'duetsim');
    const before = process.cwd();
    try {
        process.chdir('/');
        assert.equal(bundledTracePath('azure-code'), join(root, 'traces', 'azure-llm-2023', 'AzureLLMInferenceTrace_code.csv'));
    }
    finally {
        process.chdir(before);
    }
});
test('the Azure conversation trace loads in well under 100 ms once warm', () => {
    const path = bundledTracePath('azure-conv');
    readTrace(path, 'warm-up', null);
    // Best of 5: other processes on a shared machine only ever add time, so the minimum is the load's own cost.
    let bestMs = Infinity;
    for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        readTrace(path, 'conv', null);
        bestMs = Math.min(bestMs, performance.now() - t0);
    }
    assert.ok(bestMs < 100, `best load ${bestMs.toFixed(1)} ms`);
});
