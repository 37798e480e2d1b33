import { LineCounter, parseDocument } from 'yaml';
/**
 * Locates key paths in a YAML or JSON text, for problems found after the text was turned into values (a
 * study point that fails when its scenario is resolved, a results file whose summary lacks a field).
 * JSON is YAML, so the yaml parser's node ranges give positions that JSON.parse does not. A path that is
 * not in the text is placed at its nearest existing parent; every path is at 0 when the text does not parse.
 * Parses once per locator, so callers make one only once something is wrong.
 */
export function pathLocator(text) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    const broken = doc.errors.length > 0;
    return (path) => {
        const field = spellPath(path);
        if (broken)
            return { field, line: 0, column: 0 };
        for (let n = path.length; n >= 0; n--) {
            const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true));
            const offset = node?.range?.[0];
            if (offset !== undefined) {
                const pos = lineCounter.linePos(offset);
                return { field, line: pos.line, column: pos.col };
            }
        }
        return { field, line: 0, column: 0 };
    };
}
/** The 1-based line of a key path inside a JSON or YAML text (see pathLocator). */
export function lineOfPath(text, path) {
    return pathLocator(text)(path).line;
}
/** Line of the character at `offset` (for JSON.parse errors that report a position). */
export function lineOfOffset(text, offset) {
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++)
        if (text.charCodeAt(i) === 10)
            line++;
    return line;
}
/** A key path as problems name fields: `a.b[1].c`. */
export function spellPath(path) {
    return path.reduce((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`), '');
}
/** The inverse of spellPath: `a.b[1].c` → ['a', 'b', 1, 'c'] (keys holding '.' or '[' are not told apart). */
export function parseSpelledPath(field) {
    if (field === '')
        return [];
    return field.split(/\.|(?=\[)/).map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}
/**
 * Problems found by readers that see a whole JSON document as one line (JsonFields.document), placed at
 * the line and column of their key path in the text: a pretty-printed results file is hundreds of lines.
 */
export function placeProblems(text, problems) {
    const locate = pathLocator(text);
    return problems.map((p) => {
        if (p.field === '')
            return p;
        const at = locate(parseSpelledPath(p.field));
        return at.line > 0 ? { ...p, line: at.line, column: at.column } : p;
    });
}
