import type { InterconnectSpec } from '../hardware/hardware-spec.js';

/**
 * How long a request's KV takes to move from a prefill instance to a decode instance. Pure arithmetic
 * over a link: one message costs α (`latencyUs`) plus bytes over the per-direction bandwidth.
 *
 * Whole: the complete KV (every layer) goes as one message once the prefill is done and the decode side
 * has room: α + B/W.
 *
 * Layer by layer (Splitwise, DistServe): layer i's KV is sent as soon as the prefill has computed it,
 * while later layers still compute. With L layers spread evenly over the prefill (start s, end e,
 * P = e − s) layer i is ready at s + (i+1)·P/L and each message takes τ = α + B/(L·W). The link sends
 * them in order, so the last one lands at max over i of (s + (i+1)·P/L + (L−i)·τ); the expression is
 * linear in i, so the maximum is at i = 0 or i = L−1:
 *
 *   max(e + τ, s + P/L + L·τ)
 *
 * When the link keeps up with the compute only the last layer's τ stays after the prefill; when it does
 * not, the link's own total L·τ after the first layer is the bound.
 *
 * A link carries one transfer at a time: transfers leaving the same prefill instance queue in the order
 * their prefills end (sim/cluster/build-cluster.ts keeps when each sender's link is next free).
 */
export type KvTransferMode = 'whole' | 'layerwise';

/** Bytes on one link: the request's KV split over the parallel GPU-to-GPU streams of a TP group. */
export function kvTransferBytesPerLink(promptTokens: number, kvBytesPerToken: number, parallelStreams: number): number {
  return (promptTokens * kvBytesPerToken) / parallelStreams;
}

/** One message of `bytes` over `link`, µs. */
export function messageUs(bytes: number, link: InterconnectSpec): number {
  return link.latencyUs + (bytes / link.bandwidthBytesPerS) * 1e6;
}

/** Arrival time of a whole transfer that starts at `startUs`. */
export function wholeArrivalUs(startUs: number, bytes: number, link: InterconnectSpec): number {
  return startUs + messageUs(bytes, link);
}

/**
 * Arrival time of a layer-by-layer transfer that streamed beside a prefill running from `prefillStartUs` to
 * `prefillEndUs`, over a link that is free from `linkFreeAtUs` on (earlier transfers go first): the first
 * layer cannot leave before then, which adds max(…, linkFreeAtUs + L·τ) to the bound above.
 */
export function layerwiseArrivalUs(prefillStartUs: number, prefillEndUs: number, numLayers: number, bytes: number, link: InterconnectSpec, linkFreeAtUs = -Infinity): number {
  const tauUs = messageUs(bytes / numLayers, link);
  const perLayerComputeUs = (prefillEndUs - prefillStartUs) / numLayers;
  return Math.max(prefillEndUs + tauUs, prefillStartUs + perLayerComputeUs + numLayers * tauUs, linkFreeAtUs + numLayers * tauUs);
}

/**
 * How many GPU-to-GPU streams carry one request's KV between two TP groups: each GPU holds the KV heads
 * of its shard and sends them over its own link, so min(tp_prefill, tp_decode) links run at once, and no
 * more than there are KV heads to split.
 */
export function parallelKvStreams(prefillTp: number, decodeTp: number, numKvHeads: number): number {
  return Math.max(1, Math.min(prefillTp, decodeTp, numKvHeads));
}
