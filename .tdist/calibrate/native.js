import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
export const ADDON_BUILD_HINT = 'build it on a CUDA machine with `npm run build:native` (cuda/build-addon.sh; needs CUDA 13, cuBLASLt and CMake)';
/** Raised when the addon is absent or unusable; the message says where it looked and how to build it. */
export class AddonUnavailableError extends Error {
    constructor(message) {
        super(message);
        this.name = 'AddonUnavailableError';
    }
}
/** The package root: dist/calibrate/native.js sits two folders below it. */
export function packageRoot() {
    return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}
export function addonPath(root = packageRoot()) {
    return join(root, 'cuda', 'build', 'duet_addon.node');
}
const EXPORTS = ['runPlan', 'executeSchedule', 'runChecks', 'deviceInfo', 'openLive'];
/**
 * Loads the addon from `root`/cuda/build. Fails with an AddonUnavailableError naming the path when it is
 * missing, does not load (wrong platform, missing libcudart/libcublasLt) or lacks an export.
 */
export function loadAddon(root = packageRoot()) {
    const path = addonPath(root);
    if (!existsSync(path))
        throw new AddonUnavailableError(`CUDA addon not found at ${path}; ${ADDON_BUILD_HINT}`);
    let mod;
    try {
        mod = createRequire(import.meta.url)(path);
    }
    catch (e) {
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        throw new AddonUnavailableError(`CUDA addon at ${path} did not load: ${why}; ${ADDON_BUILD_HINT}`);
    }
    return asDuetAddon(mod, path);
}
/** Checks that a loaded module has every export this package calls (an old build may not). */
export function asDuetAddon(mod, path) {
    const missing = EXPORTS.filter((k) => typeof mod?.[k] !== 'function');
    if (missing.length > 0)
        throw new AddonUnavailableError(`CUDA addon at ${path} lacks ${missing.join(', ')}; rebuild it (${ADDON_BUILD_HINT})`);
    return mod;
}
