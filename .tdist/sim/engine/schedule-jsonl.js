/**
 * The executed schedule as JSONL (`duetsim replay --emit-schedule`), format `duetsim-schedule` version 2,
 * documented in sim/engine/README.md. The first line is a header naming the model, hardware and policy and
 * the host costs the simulator charged; every other line is one step (one iteration, or one split window)
 * in start order. `duetsim calibrate execute` runs it on a GPU and `duetsim calibrate compare` rebuilds the
 * token times from the measured steps, so the header carries everything that rebuild needs.
 */
export const SCHEDULE_FORMAT = 'duetsim-schedule';
export const SCHEDULE_VERSION = 2;
const r3 = (x) => Math.round(x * 1000) / 1000;
/** The header line (no newline): format, version, what ran, and the host costs the simulator charged. */
export function scheduleHeaderLine(header, overheads) {
    return JSON.stringify({
        format: SCHEDULE_FORMAT,
        version: SCHEDULE_VERSION,
        ...header,
        overheads_us: { scheduling: overheads.schedulingUs, sampling: overheads.samplingUs, graph_launch: overheads.graphLaunchUs, eager_launch_per_kernel: overheads.eagerLaunchUsPerKernel },
    });
}
/**
 * Step `index`'s line (no newline); `duetsim replay --emit-schedule` writes them as the steps happen.
 * `arrivalsUs[id]` is request `id`'s arrival (ids are dense in arrival order): each prefill chunk carries
 * it, so a rebuild of the timeline never starts a step before its requests exist and can compute TTFT.
 */
export function scheduleStepLine(s, index, arrivalsUs) {
    return JSON.stringify({
        step: index,
        instance: s.instance,
        start_us: r3(s.startUs),
        duration_us: r3(s.durationUs),
        mode: s.mode,
        prefill_sms: s.prefillSms,
        decode_sms: s.decodeSms,
        k: s.lookaheadK,
        prefills: s.prefills.map((p) => ({ id: p.id, new: p.newTokens, cached: p.cachedTokens, emits: p.completes, arrival_us: r3(arrivalsUs[p.id]) })),
        decodes: s.decodes.map((d) => ({ id: d.id, context: d.contextTokens, steps: d.steps })),
        preempted: s.preempted,
        prefill_token_offset_us: s.prefills.some((p) => p.completes) ? r3(s.prefillTokenAtUs - s.startUs) : null,
        decode_token_offsets_us: s.decodes.length ? s.decodeTokenAtUs.map((t) => r3(t - s.startUs)) : [],
        prefill_done_offset_us: s.prefillDoneAtUs >= 0 ? r3(s.prefillDoneAtUs - s.startUs) : null,
    });
}
/** The whole schedule at once, for steps already in memory (tests, short runs). */
export function scheduleJsonl(steps, header, overheads, arrivalsUs) {
    const lines = [scheduleHeaderLine(header, overheads)];
    steps.forEach((s, i) => lines.push(scheduleStepLine(s, i, arrivalsUs)));
    return lines.join('\n') + '\n';
}
