import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
/**
 * The layering, checked on the import graph of the TypeScript sources (not on prose): a layer imports only
 * its own folder and the layers below it, and no set of files imports itself round a loop. Type-only imports
 * count too: they are part of the design even though the compiler erases them.
 *   sim < calibrate < reports < bin (the CLI's composition root). cuda/ holds no TypeScript; test/ may import anything.
 * reports/ is stricter still (reports/README.md): from sim/ and calibrate/ it takes types only, since it reads
 * results files rather than running the simulator — except the input layer, sim/input/, which it parses its
 * files with like every other command. That layer in turn imports only itself and sim/core/, so the exception
 * cannot pull the simulator into reports/ (checked below).
 */
const LAYERS = ['sim', 'calibrate', 'reports', 'bin'];
const TYPES_ONLY_FROM = { reports: ['sim', 'calibrate'] };
/** Folders a types-only layer may still run code from. */
const RUNTIME_ALLOWED = ['sim/input/'];
/** What those folders may import themselves: nothing of the simulator beyond its core helpers. */
const INPUT_LAYER_IMPORTS = ['sim/input/', 'sim/core/'];
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
function sourceFiles(dir) {
    return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
        const path = join(dir, e.name);
        if (e.isDirectory())
            return sourceFiles(path);
        return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
    });
}
// Static imports and re-exports (`import … from`, `export … from`, `import '…'`) and dynamic `import('…')`;
// a lazily loaded module is as much a dependency as a static one.
const STATIC = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
function importsOf(file) {
    const text = readFileSync(join(root, file), 'utf8');
    const edges = [];
    const add = (spec, typeOnly) => {
        if (!spec.startsWith('.'))
            return; // packages and node: builtins
        const to = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, '.ts');
        edges.push({ from: file, to, typeOnly });
    };
    for (const m of text.matchAll(STATIC))
        add(m[4], m[2] !== undefined || /^\s*\{[^}]*\}\s+from\s+$/.test(m[3] ?? '') && allTypeNames(m[3]));
    for (const m of text.matchAll(DYNAMIC))
        add(m[1], false);
    return edges;
}
/** `{ type A, type B }`: every named import is type-only, so the import is erased. */
function allTypeNames(clause) {
    const names = clause.slice(clause.indexOf('{') + 1, clause.lastIndexOf('}')).split(',').map((n) => n.trim()).filter((n) => n !== '');
    return names.length > 0 && names.every((n) => n.startsWith('type '));
}
const layerOf = (file) => {
    const top = file.split('/')[0];
    return LAYERS.includes(top) ? top : null;
};
function allEdges() {
    return LAYERS.flatMap((layer) => {
        try {
            return sourceFiles(layer);
        }
        catch {
            return []; // a layer with no folder yet
        }
    }).flatMap(importsOf);
}
/** Import edges that break the layering, as "from → to" lines. */
export function layeringViolations(edges) {
    const bad = [];
    for (const e of edges) {
        const from = layerOf(e.from);
        const to = layerOf(e.to);
        if (from === null || to === null) {
            if (!e.to.startsWith('node_modules'))
                bad.push(`${e.from} → ${e.to} (outside the layers)`);
            continue;
        }
        if (LAYERS.indexOf(to) > LAYERS.indexOf(from))
            bad.push(`${e.from} → ${e.to} (${from} is below ${to})`);
        else if (!e.typeOnly && TYPES_ONLY_FROM[from]?.includes(to) && !RUNTIME_ALLOWED.some((d) => e.to.startsWith(d)))
            bad.push(`${e.from} → ${e.to} (${from} takes only types from ${to})`);
        else if (RUNTIME_ALLOWED.some((d) => e.from.startsWith(d)) && !INPUT_LAYER_IMPORTS.some((d) => e.to.startsWith(d)))
            bad.push(`${e.from} → ${e.to} (the input layer imports only sim/input/ and sim/core/)`);
    }
    return bad;
}
/** Every strongly connected set of two or more files (or a file importing itself), by Tarjan's algorithm. */
export function importCycles(edges) {
    const next = new Map();
    for (const e of edges)
        next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const index = new Map();
    const low = new Map();
    const stack = [];
    const onStack = new Set();
    const cycles = [];
    const visit = (v) => {
        index.set(v, index.size);
        low.set(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (const w of next.get(v) ?? []) {
            if (!index.has(w)) {
                visit(w);
                low.set(v, Math.min(low.get(v), low.get(w)));
            }
            else if (onStack.has(w))
                low.set(v, Math.min(low.get(v), index.get(w)));
        }
        if (low.get(v) === index.get(v)) {
            const component = [];
            let w;
            do {
                w = stack.pop();
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1 || next.get(v)?.includes(v))
                cycles.push(component.sort());
        }
    };
    for (const v of [...next.keys()].sort())
        if (!index.has(v))
            visit(v);
    return cycles;
}
test('no source file imports a layer above its own (sim < calibrate < reports < bin; reports takes only types from below, and code only from sim/input/)', () => {
    assert.deepEqual(layeringViolations(allEdges()), []);
});
test('no import cycles among the source files (type-only imports included)', () => {
    assert.deepEqual(importCycles(allEdges()).map((c) => c.join(' ↔ ')), []);
});
test('the checks see what they must: an upward import, a value import into reports (but not of the input layer), an input layer importing the simulator, and a cycle', () => {
    const edges = [
        { from: 'sim/a.ts', to: 'calibrate/b.ts', typeOnly: true },
        { from: 'reports/c.ts', to: 'sim/d.ts', typeOnly: false },
        { from: 'calibrate/e.ts', to: 'sim/f.ts', typeOnly: false },
        { from: 'reports/h.ts', to: 'sim/input/i.ts', typeOnly: false },
        { from: 'sim/input/j.ts', to: 'sim/engine/k.ts', typeOnly: true },
    ];
    assert.deepEqual(layeringViolations(edges).map((v) => v.split(' ')[0]), ['sim/a.ts', 'reports/c.ts', 'sim/input/j.ts']);
    assert.deepEqual(importCycles([...edges, { from: 'sim/f.ts', to: 'sim/g.ts', typeOnly: true }, { from: 'sim/g.ts', to: 'sim/f.ts', typeOnly: false }]), [['sim/f.ts', 'sim/g.ts']]);
});
