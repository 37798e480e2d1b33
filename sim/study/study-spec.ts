import type { ScenarioSpec } from '../engine/scenario.js';
import type { CapacitySearch } from './capacity.js';

/**
 * A parsed what-if study: a base scenario, the axes that vary it, and optionally a capacity search.
 * Produced by parse-study.ts from YAML; everything here is already validated and defaulted.
 */

/** Axes a study may vary. `policyParams.<name>` and `engine.<name>` are written with their sub-key. */
export const SCALAR_AXES = ['policy', 'model', 'hardware', 'trace', 'rateQps', 'sloTtftMs', 'sloTbtMs', 'seed', 'cluster'] as const;
export type ScalarAxis = (typeof SCALAR_AXES)[number];

export type AxisValue = number | string | boolean | null;

export interface StudyAxis {
  /** As written in the YAML, e.g. 'rateQps' or 'policyParams.tbt_target_ms'. */
  readonly name: string;
  readonly values: readonly AxisValue[];
}

/** Capacity search settings, as the study file gives them (see capacity.ts). */
export type CapacitySpec = CapacitySearch;

/** Scenario names a study must give, in its base or as an axis. */
export const REQUIRED_NAMES = ['trace', 'model', 'hardware', 'policy'] as const;
/** Names a cluster file supplies (sim/cluster/): not required when the study sets `cluster`. */
export const NAMES_FROM_CLUSTER: readonly RequiredName[] = ['model', 'hardware', 'policy'];
export type RequiredName = (typeof REQUIRED_NAMES)[number];

/**
 * The base scenario of a study: a ScenarioSpec whose required names may still be missing because an
 * axis supplies them. parse-study.ts guarantees every null here is covered by an axis.
 */
export type ScenarioTemplate = Omit<ScenarioSpec, RequiredName> & { readonly [K in RequiredName]: string | null };

export interface StudySpec {
  readonly name: string;
  /** The scenario every point starts from (defaults filled in). */
  readonly base: ScenarioTemplate;
  /** In file order: the grid's first axis varies slowest. */
  readonly axes: readonly StudyAxis[];
  /**
   * Policy parameters given per policy name, merged into the points of that policy: policies reject
   * parameters they do not know, so a study comparing policies cannot put e.g. static's prefill_sms
   * in the base. Precedence: base.policyParams < paramsByPolicy[policy] < a policyParams.<name> axis.
   */
  readonly paramsByPolicy: Readonly<Record<string, Readonly<Record<string, number | string | boolean>>>>;
  readonly capacity: CapacitySpec | null;
  /**
   * The engine keys the study's `base.engine` gave (every other engine value is a default): an engine limit a policy
   * never reads is refused where the study set it (check-points.ts), not where a default stands. Absent: none given.
   */
  readonly baseEngineGiven?: readonly string[];
}
