import { TransferSeries } from './transfer-series.js';
/**
 * Running totals of the KV transfers of one run (sums and maxima), and the same counts and bytes over
 * time per link in a bounded series: memory does not grow with requests.
 */
export class TransferLog {
    instanceCount;
    count = 0;
    bytes = 0;
    /** From the prefill's end until the decode side had room (0 when it had room at once). */
    waitSumUs = 0;
    waitMaxUs = 0;
    waited = 0;
    /** From the prefill's end until the KV was whole on the decode side: what the transfer adds to the second token. */
    delaySumUs = 0;
    delayMaxUs = 0;
    series = new TransferSeries();
    constructor(instanceCount) {
        this.instanceCount = instanceCount;
    }
    record(h, _to, reservedAtUs, arrivalUs, bytes) {
        // Reserved during the prefill (layer-wise) is no wait at all.
        const waitUs = Math.max(0, reservedAtUs - h.prefillEndUs);
        const delayUs = arrivalUs - h.prefillEndUs;
        this.count++;
        this.bytes += bytes;
        if (waitUs > 0)
            this.waited++;
        this.waitSumUs += waitUs;
        this.waitMaxUs = Math.max(this.waitMaxUs, waitUs);
        this.delaySumUs += delayUs;
        this.delayMaxUs = Math.max(this.delayMaxUs, delayUs);
        this.series.add(h.from.cfg.id, arrivalUs, bytes);
    }
}
/**
 * The cluster part of `config.resolved`: the cluster's shape, GPU count (a TP group counts as tp GPUs),
 * goodput per GPU, KV transfer figures for disaggregated runs, and one summary per instance.
 */
export function summarizeCluster(cluster, built, durationS) {
    const instances = built.instances.map((inst, i) => {
        const g = built.groups[built.groupOf[i]];
        const busyS = inst.stats.busyUs / 1e6;
        return {
            id: inst.cfg.id,
            group: g.spec.name,
            role: g.spec.role,
            model: g.model.name,
            hardware: g.hw.name,
            policy: g.spec.policy,
            tp: g.spec.tp,
            gpus: g.spec.tp,
            kv_blocks: g.kvBlocks,
            kv_tokens: g.kvBlocks * inst.kv.blockTokens,
            routed_requests: built.routed[i],
            handoffs_out: built.sides[i]?.handoffsOut ?? 0,
            handoffs_in: built.sides[i]?.handoffsIn ?? 0,
            iterations: inst.stats.steps,
            busy_s: round(busyS, 6),
            busy_share: durationS > 0 ? round(busyS / durationS, 4) : 0,
            preemptions: inst.preemptions,
            peak_kv_used_frac: round(inst.stats.peakUsedBlocks / inst.kv.totalBlocks, 4),
        };
    });
    const gpus = instances.reduce((n, s) => n + s.gpus, 0);
    const d = cluster.disaggregation;
    const t = built.transfers;
    return {
        cluster: {
            name: cluster.name,
            gpus,
            instances: instances.length,
            router: cluster.router,
            disaggregation: d === null ? null : { decode_router: d.decodeRouter, kv_transfer: d.kvTransfer, interconnect: d.interconnect },
            kv_transfers: d === null
                ? null
                : {
                    count: t.count,
                    gb: round(t.bytes / 1e9, 3),
                    waited_for_room: t.waited,
                    wait_ms_mean: t.count > 0 ? round(t.waitSumUs / t.count / 1000, 3) : 0,
                    wait_ms_max: round(t.waitMaxUs / 1000, 3),
                    delay_ms_mean: t.count > 0 ? round(t.delaySumUs / t.count / 1000, 3) : 0,
                    delay_ms_max: round(t.delayMaxUs / 1000, 3),
                    series: t.series.toJson(),
                },
        },
        instances,
    };
}
function round(x, digits) {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}
