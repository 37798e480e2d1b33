import { modelStepLanes } from '../../sim/engine/step-timer.js';
import { stepTimingFromLanes } from '../../sim/latency/iteration-timing.js';
import { execStepLine, parseStepResult, stepLineOf } from './step-line.js';
export function liveStepTimer(session, model, hw, opts) {
    const sleepMs = opts.sleepMs ?? sleepWallMs;
    const nowMs = opts.nowMs ?? (() => performance.now());
    const t0Ms = nowMs();
    const tally = { steps: 0, smidViolations: 0, arenaGrowths: 0, sleptMs: 0, decisionUs: [], prepareUs: [], idleBeforeUs: [], relErrors: [] };
    /** When the previous step ended on the run's clock (µs): a later start is a gap the server idled through. */
    let prevEndUs = 0;
    return {
        name: 'live',
        measuresHost: opts.hostTime === 'measured',
        tally,
        stopReason() {
            if (session.interrupted())
                return 'interrupted (SIGINT/SIGTERM)';
            if (opts.maxSteps !== null && tally.steps >= opts.maxSteps)
                return `--max-steps ${opts.maxSteps} reached`;
            if (opts.maxWallS !== null && (nowMs() - t0Ms) / 1000 >= opts.maxWallS)
                return `--max-seconds ${opts.maxWallS} reached`;
            return null;
        },
        time(spec) {
            const gapUs = spec.startUs - prevEndUs;
            if (opts.idle === 'sleep' && gapUs > 0) {
                sleepMs(gapUs / 1000);
                tally.sleptMs += gapUs / 1000;
            }
            const line = stepLineOf(spec);
            const result = parseStepResult(session.step(execStepLine(line)), line);
            const hostUs = opts.hostTime === 'measured' ? spec.decisionUs + result.prepareUs : undefined;
            const timing = stepTimingFromLanes(hw.overheads, result.lanes, hostUs);
            prevEndUs = spec.startUs + timing.durationUs;
            const predicted = modelStepLanes(model, hw, 1, spec);
            record(tally, spec, result, predicted, Math.max(0, gapUs), opts.onRecord);
            return hostUs === undefined ? { lanes: result.lanes } : { lanes: result.lanes, hostUs };
        },
    };
}
function record(tally, spec, r, predicted, gapBeforeUs, onRecord) {
    tally.steps++;
    if (!r.smidsOk)
        tally.smidViolations++;
    if (r.arenaGrew)
        tally.arenaGrowths++;
    tally.decisionUs.push(spec.decisionUs);
    tally.prepareUs.push(r.prepareUs);
    // Only a step that follows the previous one directly says whether the GPU waited for the host; after a
    // gap with nothing to run it idled for want of work.
    if (r.idleBeforeUs !== null && gapBeforeUs === 0)
        tally.idleBeforeUs.push(r.idleBeforeUs);
    const measured = lanesJson(r.lanes);
    const pred = lanesJson(predicted);
    const relError = (pred.busy_us - measured.busy_us) / measured.busy_us;
    tally.relErrors.push(relError);
    if (!onRecord)
        return;
    let prefillTokens = 0;
    let cachedTokens = 0;
    for (const c of spec.prefillBatch.prefills) {
        prefillTokens += c.newTokens;
        cachedTokens += c.cachedTokens;
    }
    onRecord({
        step: spec.index,
        start_ms: spec.startUs / 1000,
        mode: spec.mode,
        prefill_sms: spec.prefillSms,
        decode_sms: spec.decodeSms,
        k: spec.lookaheadK,
        prefill_chunks: spec.prefillBatch.prefills.length,
        prefill_tokens: prefillTokens,
        cached_tokens: cachedTokens,
        decode_requests: spec.decodeBatch.decodeCount,
        decode_context_tokens: spec.decodeBatch.decodeContextTokens,
        measured,
        predicted: pred,
        rel_error: relError,
        decision_us: spec.decisionUs,
        prepare_us: r.prepareUs,
        idle_before_us: r.idleBeforeUs,
        gap_before_ms: gapBeforeUs / 1000,
        smids_ok: r.smidsOk,
        kv_used_blocks: r.kvUsedBlocks,
    });
}
export function lanesJson(l) {
    if (l.mode === 'aggregated')
        return { gpu_us: l.gpuUs, busy_us: l.gpuUs };
    const last = l.decodeEndsUs.length === 0 ? 0 : l.decodeEndsUs[l.decodeEndsUs.length - 1];
    return { prefill_end_us: l.prefillEndUs, decode_end_us: l.decodeEndsUs, busy_us: Math.max(l.prefillEndUs ?? 0, last) };
}
/** Blocks this thread for `ms` (the loop is synchronous: the GPU session's calls are). */
function sleepWallMs(ms) {
    if (ms <= 0)
        return;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
