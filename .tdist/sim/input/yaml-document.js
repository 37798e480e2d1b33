import { LineCounter, isAlias, isCollection, isPair, parseDocument } from 'yaml';
import { ProblemList } from './problem-list.js';
export function parseYamlData(text, file) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, {
        lineCounter,
        schema: 'core',
        customTags: [],
        merge: false,
        uniqueKeys: true,
        strict: true,
        prettyErrors: false,
    });
    const data = { file, root: null, problems: new ProblemList(file), lineCounter };
    for (const e of doc.errors) {
        const pos = lineCounter.linePos(e.pos[0]);
        const field = keyPathAt(doc.contents, e.pos[0], '');
        data.problems.add(`yaml-${e.code.toLowerCase().replace(/_/g, '-')}`, pos.line, field, firstLine(e.message), pos.col);
    }
    // A truncated or malformed file yields a partial tree; reading it would only add confusing follow-on errors.
    if (!data.problems.isEmpty)
        return data;
    const root = doc.contents ?? null;
    if (root === null) {
        data.problems.add('empty-document', 0, '', 'the file holds no YAML document');
        return data;
    }
    refuseTagsAndAliases(data, root, '');
    return data.problems.isEmpty ? { ...data, root } : data;
}
/** Records a problem at `node` (its first character), or at the whole file when the node is missing. */
export function reportAt(data, node, field, code, message) {
    const offset = node?.range?.[0];
    const pos = offset === undefined ? { line: 0, col: 0 } : data.lineCounter.linePos(offset);
    data.problems.add(code, pos.line, field, message, pos.col);
}
function refuseTagsAndAliases(data, node, field) {
    if (isAlias(node)) {
        reportAt(data, node, field, 'yaml-alias', `alias *${node.source} refused: config files are plain data; write the value out`);
        return;
    }
    const n = node;
    if (n.tag !== undefined) {
        reportAt(data, n, field, 'yaml-tag', `explicit tag ${n.tag} refused: config files are plain data (core schema, no tags)`);
    }
    if (!isCollection(n))
        return;
    n.items.forEach((item, i) => {
        if (isPair(item)) {
            const keyText = keyLabel(item.key);
            const path = field ? `${field}.${keyText}` : keyText;
            if (item.key !== null)
                refuseTagsAndAliases(data, item.key, path);
            if (item.value !== null)
                refuseTagsAndAliases(data, item.value, path);
        }
        else
            refuseTagsAndAliases(data, item, `${field}[${i}]`);
    });
}
/**
 * Key path of the innermost node of a (possibly partial) tree that spans `offset`, so a syntax error —
 * often reported where the parser gave up, e.g. at the end of a truncated file — still names the key it
 * was reading. '' when no node spans it.
 */
function keyPathAt(node, offset, field) {
    if (!isCollection(node))
        return field;
    for (const [i, item] of node.items.entries()) {
        const value = isPair(item) ? item.value : item;
        const range = value?.range;
        if (range && range[0] <= offset && offset <= range[2]) {
            const path = isPair(item) ? (field ? `${field}.${keyLabel(item.key)}` : keyLabel(item.key)) : `${field}[${i}]`;
            return keyPathAt(value, offset, path);
        }
    }
    return field;
}
function keyLabel(key) {
    const value = key?.value;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
}
function firstLine(message) {
    return message.split('\n')[0] ?? message;
}
