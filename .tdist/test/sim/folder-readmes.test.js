import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
/**
 * Each folder of sim/ has a reading guide (README.md) that names every source file in it, and names no file
 * that is not there: a file added without a line in the guide, or renamed or moved under it, fails here
 * rather than leaving the guide quietly wrong. Only the file list is checked; the prose is read by people.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const sim = join(root, 'sim');
const folders = readdirSync(sim, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
function sourceFiles(dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
for (const folder of folders) {
    test(`sim/${folder}/README.md names every source file of the folder, and only files that exist`, () => {
        const readmePath = join(sim, folder, 'README.md');
        assert.ok(existsSync(readmePath), `sim/${folder} has no README.md`);
        const readme = readFileSync(readmePath, 'utf8');
        for (const file of sourceFiles(join(sim, folder))) {
            const name = file.slice(file.lastIndexOf('/') + 1);
            // A file named with or without its .ts (tables of plug-ins name them by key: `round-robin`).
            assert.ok(readme.includes(name) || readme.includes(`\`${name.slice(0, -3)}\``), `sim/${folder}/README.md does not name ${file.slice(root.length + 1)}`);
        }
        // Every `x.ts` it names is in this folder (or below it), or is given as a path from the repository root or sim/.
        for (const [, named] of readme.matchAll(/`([\w./-]+\.ts)`/g)) {
            const found = [join(sim, folder, named), join(root, named), join(sim, named)].some((p) => existsSync(p)) || sourceFiles(join(sim, folder)).some((f) => f.endsWith(`/${named}`));
            assert.ok(found, `sim/${folder}/README.md names ${named}, which is not there`);
        }
    });
}
