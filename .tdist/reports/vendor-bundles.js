import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { assertScriptSafe } from './escape.js';
/** The UMD builds, in load order: vega-lite and vega-embed find `vega` / `vegaLite` as globals. */
const BUNDLES = [
    { name: 'vega', file: 'build/vega.min.js' },
    { name: 'vega-lite', file: 'build/vega-lite.min.js' },
    { name: 'vega-embed', file: 'build/vega-embed.min.js' },
];
/**
 * The package folder that holds `name`. The packages' `exports` maps hide build/ and package.json
 * from require.resolve, so resolve the entry point and walk up to node_modules/<name>.
 */
function packageDir(name) {
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve(name));
    const tail = `${sep}node_modules${sep}${name}`;
    while (!dir.endsWith(tail)) {
        const up = dirname(dir);
        if (up === dir)
            throw new Error(`cannot find the folder of package '${name}'`);
        dir = up;
    }
    return dir;
}
let cached = null;
/** Reads the bundles once per process (they are about 0.8 MB together). */
export function vendorBundles() {
    if (cached === null) {
        cached = BUNDLES.map(({ name, file }) => {
            const dir = packageDir(name);
            const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
            const code = assertScriptSafe(readFileSync(join(dir, file), 'utf8'), `${name}/${file}`);
            return { name, version, code };
        });
    }
    return cached;
}
