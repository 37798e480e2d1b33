import { LineCounter, isAlias, isCollection, isPair, parseDocument, type Node } from 'yaml';
import { ProblemList } from './problem-list.js';

/**
 * A YAML input (model, hardware, cluster or study file) parsed as plain data, plus the place where problems
 * about it are collected.
 *
 * These files are data, never code: the core schema, no custom tags, and every explicitly tagged node
 * (`!!js/function`, `!foo`, even `!!str`) is refused, so nothing in a file can ask the parser to build an
 * object. Aliases are refused too — configs need none, and refusing them outright is stronger than a
 * `maxAliasCount` limit against "billion laughs" expansion: the loaders walk the node tree and never call
 * `toJS`, so no alias is ever expanded. Problems keep the node's offset, turned into line:column by the
 * LineCounter, and the key path the loader was reading.
 */
export interface YamlData {
  readonly file: string;
  /** The document's root node; null for an empty document or one with syntax errors. */
  readonly root: Node | null;
  readonly problems: ProblemList;
  readonly lineCounter: LineCounter;
}

export function parseYamlData(text: string, file: string): YamlData {
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
  const data: YamlData = { file, root: null, problems: new ProblemList(file), lineCounter };
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    const field = keyPathAt(doc.contents, e.pos[0], '');
    data.problems.add(`yaml-${e.code.toLowerCase().replace(/_/g, '-')}`, pos.line, field, firstLine(e.message), pos.col);
  }
  // A truncated or malformed file yields a partial tree; reading it would only add confusing follow-on errors.
  if (!data.problems.isEmpty) return data;
  const root = (doc.contents as Node | null) ?? null;
  if (root === null) {
    data.problems.add('empty-document', 0, '', 'the file holds no YAML document');
    return data;
  }
  refuseTagsAndAliases(data, root, '');
  return data.problems.isEmpty ? { ...data, root } : data;
}

/** Records a problem at `node` (its first character), or at the whole file when the node is missing. */
export function reportAt(data: YamlData, node: Node | null | undefined, field: string, code: string, message: string): void {
  const offset = node?.range?.[0];
  const pos = offset === undefined ? { line: 0, col: 0 } : data.lineCounter.linePos(offset);
  data.problems.add(code, pos.line, field, message, pos.col);
}

function refuseTagsAndAliases(data: YamlData, node: unknown, field: string): void {
  if (isAlias(node)) {
    reportAt(data, node, field, 'yaml-alias', `alias *${node.source} refused: config files are plain data; write the value out`);
    return;
  }
  const n = node as Node;
  if (n.tag !== undefined) {
    reportAt(data, n, field, 'yaml-tag', `explicit tag ${n.tag} refused: config files are plain data (core schema, no tags)`);
  }
  if (!isCollection(n)) return;
  n.items.forEach((item, i) => {
    if (isPair(item)) {
      const keyText = keyLabel(item.key);
      const path = field ? `${field}.${keyText}` : keyText;
      if (item.key !== null) refuseTagsAndAliases(data, item.key, path);
      if (item.value !== null) refuseTagsAndAliases(data, item.value, path);
    } else refuseTagsAndAliases(data, item, `${field}[${i}]`);
  });
}

/**
 * Key path of the innermost node of a (possibly partial) tree that spans `offset`, so a syntax error —
 * often reported where the parser gave up, e.g. at the end of a truncated file — still names the key it
 * was reading. '' when no node spans it.
 */
function keyPathAt(node: unknown, offset: number, field: string): string {
  if (!isCollection(node)) return field;
  // A key at the offset first (a duplicate key is reported at its own start, which the previous value's range,
  // trailing line break included, also spans).
  for (const item of node.items) {
    const range = isPair(item) ? (item.key as Node | null)?.range : undefined;
    if (range && range[0] <= offset && offset < range[1]) return field ? `${field}.${keyLabel((item as { key: unknown }).key)}` : keyLabel((item as { key: unknown }).key);
  }
  for (const [i, item] of node.items.entries()) {
    const value = isPair(item) ? item.value : item;
    const range = (value as Node | null)?.range;
    if (range && range[0] <= offset && offset <= range[2]) {
      const path = isPair(item) ? (field ? `${field}.${keyLabel(item.key)}` : keyLabel(item.key)) : `${field}[${i}]`;
      return keyPathAt(value, offset, path);
    }
  }
  return field;
}

function keyLabel(key: unknown): string {
  const value = (key as { value?: unknown } | null)?.value;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '?';
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
