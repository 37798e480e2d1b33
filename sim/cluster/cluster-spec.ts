import type { InterconnectSpec } from '../hardware/hardware-spec.js';
import type { KvTransferMode } from './kv-transfer.js';
import type { RouterName } from './routers/registry.js';

/**
 * A parsed cluster YAML (configs/clusters/*.yaml; schema in sim/cluster/README.md): groups of identical
 * instances, the router in front of them and, for disaggregated serving, the link KV moves over. Produced by
 * load-cluster.ts with defaults filled in; names of models, hardware and policies are checked to exist but
 * loaded when the cluster is built (build-cluster.ts), where the run's options (calibration, SLOs) are known.
 */
export type GroupRole = 'aggregated' | 'prefill' | 'decode';

/** What a cluster scenario's model, hardware and policy fields read: the cluster file supplies all three. */
export const FROM_CLUSTER = 'from-cluster';

/** Where a group's fields sit in the YAML, for errors found when the cluster is built. */
export interface GroupLines {
  readonly group: number;
  readonly model: number;
  readonly hardware: number;
  readonly policy: number;
  readonly tp: number;
}

export interface InstanceGroupSpec {
  readonly name: string;
  readonly role: GroupRole;
  /** Identical instances in this group. */
  readonly count: number;
  /** Bundled name or a path (relative paths resolve against the cluster file's folder). */
  readonly model: string;
  readonly hardware: string;
  readonly policy: string;
  readonly policyParams: Readonly<Record<string, number | string | boolean>>;
  /** Tensor-parallel degree: each instance is a group of `tp` GPUs. */
  readonly tp: number;
  readonly lines: GroupLines;
}

export interface RouterChoice {
  readonly name: RouterName;
  /** Every parameter the router declares, defaults filled in. */
  readonly params: Readonly<Record<string, number>>;
}

export interface ClusterSpec {
  readonly name: string;
  /** The YAML it came from (errors found later name it). */
  readonly file: string;
  readonly groups: readonly InstanceGroupSpec[];
  /** Routes arrivals: over all instances when aggregated, over the prefill pool when disaggregated. */
  readonly router: RouterChoice;
  /** Disaggregated only: what to do once a prompt is done. */
  readonly disaggregation: DisaggregationSpec | null;
}

export interface DisaggregationSpec {
  /** Picks the decode instance for each request whose prefill finished. */
  readonly decodeRouter: RouterChoice;
  readonly kvTransfer: KvTransferMode;
  /** The link between a prefill and a decode instance. */
  readonly interconnect: InterconnectSpec;
}
