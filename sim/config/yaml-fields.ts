import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { quoteJson } from '../core/quote-input.js';
import { InputError } from '../core/input-error.js';
import { parseYamlData, reportAt, type YamlData } from './yaml-data.js';

/**
 * Typed readers over the nodes of a YamlData. Each one checks a single field, records a located problem
 * (file:line:column, key path, stable code) when the value is wrong and returns undefined, so a loader reads
 * the whole file and reports every problem at once.
 */

/** The key path of `key` inside `field` ('' is the document root). */
export function childField(field: string, key: string | number): string {
  if (typeof key === 'number') return `${field}[${key}]`;
  return field ? `${field}.${key}` : key;
}

/**
 * Parses a config file and reads its root map. Throws the InputError at once when there is nothing to read
 * (syntax errors, refused tags or aliases, an empty file, a root that is not a map); otherwise the caller
 * reads the fields and ends with `throwIfProblems`.
 */
export function readRootMap(text: string, file: string, keys: MapKeys): MapFields {
  const data = parseYamlData(text, file);
  const m = data.root === null ? undefined : readMap(data, data.root, '', keys);
  if (m === undefined) throw new InputError(data.problems);
  return m;
}

/** Throws one InputError holding every problem recorded while reading, if there are any. */
export function throwIfProblems(data: YamlData): void {
  if (data.problems.length > 0) throw new InputError(data.problems);
}

export interface MapKeys {
  readonly required: readonly string[];
  readonly optional?: readonly string[];
}

/**
 * The fields of a map that may hold only `keys`. An unknown key (usually a typo) is an error listing the
 * valid keys; a missing required key is an error at the map. Returns undefined when `node` is not a map.
 */
export function readMap(data: YamlData, node: Node | null, field: string, keys: MapKeys): MapFields | undefined {
  if (!isMap(node)) {
    reportAt(data, node, field, 'wrong-type', `expected a map of key: value${describe(node)}`);
    return undefined;
  }
  const valid = [...keys.required, ...(keys.optional ?? [])];
  const values = new Map<string, Node | null>();
  for (const item of node.items) {
    if (!isPair(item)) continue;
    const keyNode = item.key as Node | null;
    const key = isScalar(keyNode) ? keyNode.value : undefined;
    if (typeof key !== 'string') {
      reportAt(data, keyNode, field, 'wrong-type', 'keys must be plain words');
    } else if (!valid.includes(key)) {
      reportAt(data, keyNode, childField(field, key), 'unknown-key', `unknown key '${key}'; valid keys here: ${valid.join(', ')}`);
    } else values.set(key, item.value as Node | null);
  }
  for (const key of keys.required) {
    if (!values.has(key)) reportAt(data, node, childField(field, key), 'missing-key', `missing key '${key}'`);
  }
  return new MapFields(data, field, values);
}

/**
 * The checked keys of one map. Each reader returns undefined when the key is absent (a missing required
 * key was reported by readMap) or its value is wrong (reported here).
 */
export class MapFields {
  constructor(
    readonly data: YamlData,
    readonly field: string,
    private readonly values: ReadonlyMap<string, Node | null>,
  ) {}

  has(key: string): boolean {
    return this.values.has(key);
  }

  node(key: string): Node | null {
    return this.values.get(key) ?? null;
  }

  path(key: string): string {
    return childField(this.field, key);
  }

  /** Reads `key` with any reader taking (node, key path). */
  read<T>(key: string, reader: (node: Node | null, field: string) => T | undefined): T | undefined {
    return this.has(key) ? reader(this.node(key), this.path(key)) : undefined;
  }

  number(key: string, rule: NumberRule): number | undefined {
    return this.read(key, (n, f) => readNumber(this.data, n, f, rule));
  }

  boolean(key: string): boolean | undefined {
    return this.read(key, (n, f) => readBoolean(this.data, n, f));
  }

  string(key: string): string | undefined {
    return this.read(key, (n, f) => readString(this.data, n, f));
  }

  choice<T extends string>(key: string, choices: readonly T[]): T | undefined {
    return this.read(key, (n, f) => readChoice(this.data, n, f, choices));
  }
}

export function readSeq(data: YamlData, node: Node | null, field: string): readonly (Node | null)[] | undefined {
  if (!isSeq(node)) {
    reportAt(data, node, field, 'wrong-type', `expected a list${describe(node)}`);
    return undefined;
  }
  if (node.items.length === 0) {
    reportAt(data, node, field, 'empty-list', 'expected at least one entry');
    return undefined;
  }
  return node.items as (Node | null)[];
}

export interface NumberRule {
  readonly integer?: boolean;
  /** Smallest allowed value; exclusive when `minExclusive`. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  /** Said after the bound in the message, e.g. 'the GPU has 132 SMs'. */
  readonly why?: string;
}

export const POSITIVE: NumberRule = { min: 0, minExclusive: true };
export const POSITIVE_INTEGER: NumberRule = { integer: true, min: 0, minExclusive: true };
export const NON_NEGATIVE: NumberRule = { min: 0 };

export function readNumber(data: YamlData, node: Node | null, field: string, rule: NumberRule): number | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    reportAt(data, node, field, 'wrong-type', `expected ${rule.integer ? 'an integer' : 'a number'}${describe(node)}`);
    return undefined;
  }
  const why = rule.why ? ` (${rule.why})` : '';
  if (rule.integer && !Number.isInteger(v)) {
    reportAt(data, node, field, 'not-integer', `expected an integer, got ${v}`);
    return undefined;
  }
  // 1e20 is an integer to JavaScript but not the one written: past 2^53 doubles skip integers.
  if (rule.integer && !Number.isSafeInteger(v)) {
    reportAt(data, node, field, 'out-of-range', `expected an integer of magnitude below 2^53, got ${v}`);
    return undefined;
  }
  if (rule.min !== undefined && (rule.minExclusive ? v <= rule.min : v < rule.min)) {
    const code = rule.min === 0 ? (rule.minExclusive ? 'not-positive' : 'negative') : 'out-of-range';
    reportAt(data, node, field, code, `expected a value ${rule.minExclusive ? '>' : '≥'} ${rule.min}${why}, got ${v}`);
    return undefined;
  }
  if (rule.max !== undefined && v > rule.max) {
    reportAt(data, node, field, 'out-of-range', `expected a value ≤ ${rule.max}${why}, got ${v}`);
    return undefined;
  }
  return v;
}

export function readBoolean(data: YamlData, node: Node | null, field: string): boolean | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'boolean') return v;
  reportAt(data, node, field, 'wrong-type', `expected true or false${describe(node)}`);
  return undefined;
}

export function readString(data: YamlData, node: Node | null, field: string): string | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'string' && v.trim() !== '') return v;
  reportAt(data, node, field, 'wrong-type', `expected a non-empty string${describe(node)}`);
  return undefined;
}

export function readChoice<T extends string>(data: YamlData, node: Node | null, field: string, choices: readonly T[]): T | undefined {
  const v = isScalar(node) ? node.value : undefined;
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  reportAt(data, node, field, 'bad-choice', `expected one of ${choices.join(', ')}${describe(node)}`);
  return undefined;
}

/** ", got …" naming what the node holds, for messages. */
function describe(node: Node | null): string {
  if (node === null || node === undefined) return ', got nothing';
  if (isMap(node)) return ', got a map';
  if (isSeq(node)) return ', got a list';
  if (isScalar(node)) return `, got ${quoteJson(node.value)}`;
  return '';
}
