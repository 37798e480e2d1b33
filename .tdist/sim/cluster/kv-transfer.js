/** Bytes on one link: the request's KV split over the parallel GPU-to-GPU streams of a TP group. */
export function kvTransferBytesPerLink(promptTokens, kvBytesPerToken, parallelStreams) {
    return (promptTokens * kvBytesPerToken) / parallelStreams;
}
/** One message of `bytes` over `link`, µs. */
export function messageUs(bytes, link) {
    return link.latencyUs + (bytes / link.bandwidthBytesPerS) * 1e6;
}
/** Arrival time of a whole transfer that starts at `startUs`. */
export function wholeArrivalUs(startUs, bytes, link) {
    return startUs + messageUs(bytes, link);
}
/**
 * Arrival time of a layer-by-layer transfer that streamed beside a prefill running from `prefillStartUs` to
 * `prefillEndUs`, over a link that is free from `linkFreeAtUs` on (earlier transfers go first): the first
 * layer cannot leave before then, which adds max(…, linkFreeAtUs + L·τ) to the bound above.
 */
export function layerwiseArrivalUs(prefillStartUs, prefillEndUs, numLayers, bytes, link, linkFreeAtUs = -Infinity) {
    const tauUs = messageUs(bytes / numLayers, link);
    const perLayerComputeUs = (prefillEndUs - prefillStartUs) / numLayers;
    return Math.max(prefillEndUs + tauUs, prefillStartUs + perLayerComputeUs + numLayers * tauUs, linkFreeAtUs + numLayers * tauUs);
}
/**
 * How many GPU-to-GPU streams carry one request's KV between two TP groups: each GPU holds the KV heads
 * of its shard and sends them over its own link, so min(tp_prefill, tp_decode) links run at once, and no
 * more than there are KV heads to split.
 */
export function parallelKvStreams(prefillTp, decodeTp, numKvHeads) {
    return Math.max(1, Math.min(prefillTp, decodeTp, numKvHeads));
}
