import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddonUnavailableError, addonPath, asDuetAddon, loadAddon, packageRoot } from '../../calibrate/native.js';
function tempRoot() {
    return mkdtempSync(join(tmpdir(), 'duet-native-'));
}
test('loadAddon names the missing path and the build command', () => {
    const root = tempRoot();
    assert.throws(() => loadAddon(root), (e) => e instanceof AddonUnavailableError && e.message.includes(addonPath(root)) && e.message.includes('npm run build:native'));
});
test('loadAddon reports a file that is not a loadable addon', () => {
    const root = tempRoot();
    mkdirSync(join(root, 'cuda', 'build'), { recursive: true });
    writeFileSync(addonPath(root), 'not a shared object');
    assert.throws(() => loadAddon(root), (e) => e instanceof AddonUnavailableError && /did not load/.test(e.message));
});
test('asDuetAddon refuses a module without the expected exports and names them', () => {
    assert.throws(() => asDuetAddon({ runPlan() { } }, '/x/duet_addon.node'), (e) => e instanceof AddonUnavailableError && e.message.includes('lacks executeSchedule, runChecks, deviceInfo, openLive'));
    assert.throws(() => asDuetAddon(null, '/x'), AddonUnavailableError);
});
test('asDuetAddon accepts a module with every export', () => {
    const fake = { runPlan: async () => 0, executeSchedule: async () => 0, runChecks: async () => ({ passed: true, lines: [] }), deviceInfo: () => '{}', openLive: () => ({ step: () => '{}', interrupted: () => false, meta: () => '{}', close() { } }) };
    assert.equal(asDuetAddon(fake, '/x'), fake);
});
test('addonPath points into cuda/build of the package root', () => {
    assert.equal(addonPath('/pkg'), join('/pkg', 'cuda', 'build', 'duet_addon.node'));
    assert.ok(packageRoot().length > 0);
});
