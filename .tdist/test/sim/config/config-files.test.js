import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { listBundled, readConfig } from '../../../sim/config/config-files.js';
import { expectInputError as expectConfigError } from '../../util/expect-input-error.js';
import { packageRoot } from '../../../sim/trace/bundled.js';
/** The YAML files of configs/<kind>/ by stem: adding a GPU or a model is its file, and no test names them all. */
const yamlStems = (kind) => readdirSync(join(packageRoot(), 'configs', kind))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
test('listBundled finds the bundled files from the package root, sorted, without .yaml', () => {
    for (const kind of ['hardware', 'models'])
        assert.deepEqual(listBundled(kind), yamlStems(kind));
    assert.ok(listBundled('hardware').includes('h200') && listBundled('models').includes('qwen3-8b'));
});
test('a bare name reads the bundled file whatever the working directory', () => {
    const src = readConfig('hardware', 'h200', tmpdir());
    assert.ok(src.file.endsWith(['configs', 'hardware', 'h200.yaml'].join(sep)), src.file);
    assert.match(src.text, /^name: h200$/m);
});
test('a name with a separator or a .yaml/.yml ending is a path, resolved against cwd', () => {
    const dir = mkdtempSync(join(tmpdir(), 'duetsim-cfg-'));
    writeFileSync(join(dir, 'h200.yml'), 'name: mine\n');
    // Same stem as a bundled file, but the ending makes it the user's file.
    assert.equal(readConfig('hardware', 'h200.yml', dir).text, 'name: mine\n');
    expectConfigError(() => readConfig('models', 'sub/qwen3-8b', dir), [{ code: 'file-not-found', file: join(dir, 'sub', 'qwen3-8b') }]);
});
test('an unknown bare name lists the bundled names and says a path also works', () => {
    const [p] = expectConfigError(() => readConfig('hardware', 'h300'), [{ code: 'unknown-hardware', file: '<command line>', field: 'hardware' }]);
    assert.ok(p.message.includes(`unknown hardware 'h300'; bundled: ${yamlStems('hardware').join(', ')} (or give a path to a .yaml file)`), p.message);
});
