/**
 * A parsed what-if study: a base scenario, the axes that vary it, and optionally a capacity search.
 * Produced by parse-study.ts from YAML; everything here is already validated and defaulted.
 */
/** Axes a study may vary. `policyParams.<name>` and `engine.<name>` are written with their sub-key. */
export const SCALAR_AXES = ['policy', 'model', 'hardware', 'trace', 'rateQps', 'sloTtftMs', 'sloTbtMs', 'seed', 'cluster'];
/** Scenario names a study must give, in its base or as an axis. */
export const REQUIRED_NAMES = ['trace', 'model', 'hardware', 'policy'];
/** Names a cluster file supplies (sim/cluster/): not required when the study sets `cluster`. */
export const NAMES_FROM_CLUSTER = ['model', 'hardware', 'policy'];
