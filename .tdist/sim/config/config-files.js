import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { inputError } from '../core/input-error.js';
import { readTextFile } from '../core/read-text.js';
import { packageRoot } from '../trace/bundled.js';
/**
 * Names of the bundled configs of one kind (file names under configs/<kind>/ without `.yaml`), sorted.
 * Found from the package root, so this works from any working directory and from an installed package.
 */
export function listBundled(kind) {
    const dir = bundledDir(kind);
    if (!existsSync(dir))
        return [];
    return readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => f.slice(0, -'.yaml'.length))
        .sort();
}
/**
 * Reads a config by bundled name ('h200') or by path to the user's own YAML ('./my-gpu.yaml'). Anything with
 * a path separator or a .yaml/.yml ending is a path, resolved against `cwd`; anything else is a bundled
 * name, and an unknown one is an error listing the valid names.
 */
export function readConfig(kind, nameOrPath, cwd = process.cwd()) {
    if (isPath(nameOrPath)) {
        const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath);
        if (!existsSync(file))
            throw inputError('file-not-found', file, 0, '', `no such ${singular(kind)} config file`);
        return { file, text: readTextFile(file, file) };
    }
    const names = listBundled(kind);
    if (!names.includes(nameOrPath)) {
        throw inputError(`unknown-${singular(kind)}`, '<command line>', 0, singular(kind), `unknown ${singular(kind)} '${nameOrPath}'; bundled: ${names.join(', ')} (or give a path to a .yaml file)`);
    }
    const file = join(bundledDir(kind), `${nameOrPath}.yaml`);
    return { file, text: readFileSync(file, 'utf8') };
}
function bundledDir(kind) {
    return join(packageRoot(), 'configs', kind);
}
function isPath(nameOrPath) {
    return /[/\\]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath);
}
function singular(kind) {
    return kind === 'models' ? 'model' : 'hardware';
}
