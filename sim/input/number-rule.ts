/**
 * The bounds a number read from any input must keep, and the one check of them: YAML config fields
 * (yaml-fields.ts) and JSON/JSONL fields (json-fields.ts) word and code a bad number alike.
 */
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

/** Why a value breaks a rule. 'wrong-type' messages stop before ", got …": the reader says what it got (a map, a list, a value). */
export interface NumberProblem {
  readonly code: 'wrong-type' | 'not-integer' | 'out-of-range' | 'not-positive' | 'negative';
  readonly message: string;
}

/** The first way `v` breaks `rule`, or null when it is a number that keeps it. */
export function numberProblem(v: unknown, rule: NumberRule): NumberProblem | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return { code: 'wrong-type', message: `expected ${rule.integer ? 'an integer' : 'a number'}` };
  const why = rule.why ? ` (${rule.why})` : '';
  if (rule.integer && !Number.isInteger(v)) return { code: 'not-integer', message: `expected an integer, got ${v}` };
  // 1e20 is an integer to JavaScript but not the one written: past 2^53 doubles skip integers.
  if (rule.integer && !Number.isSafeInteger(v)) return { code: 'out-of-range', message: `expected an integer of magnitude below 2^53, got ${v}` };
  if (rule.min !== undefined && (rule.minExclusive ? v <= rule.min : v < rule.min)) {
    const code = rule.min === 0 ? (rule.minExclusive ? 'not-positive' : 'negative') : 'out-of-range';
    return { code, message: `expected a value ${rule.minExclusive ? '>' : '≥'} ${rule.min}${why}, got ${v}` };
  }
  if (rule.max !== undefined && v > rule.max) return { code: 'out-of-range', message: `expected a value ≤ ${rule.max}${why}, got ${v}` };
  return null;
}
