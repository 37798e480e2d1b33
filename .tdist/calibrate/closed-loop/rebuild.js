import { SCHEDULE_ROUNDING_US } from './schedule.js';
/** The simulator's own times: each step's `start_us` plus its written offsets. */
export function simulatedTimeline(schedule, stepCount = schedule.steps.length) {
    const n = checkCount(schedule, stepCount);
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const prefill = new Float64Array(n);
    const decode = [];
    for (let i = 0; i < n; i++) {
        const s = schedule.steps[i];
        start[i] = s.startAtUs;
        end[i] = s.startAtUs + s.durationUs;
        prefill[i] = s.prefillTokenOffsetUs === null ? NaN : s.startAtUs + s.prefillTokenOffsetUs;
        decode.push(s.decodeTokenOffsetsUs.map((o) => s.startAtUs + o));
    }
    return { stepCount: n, stepStartAtUs: start, stepEndAtUs: end, prefillTokenAtUs: prefill, decodeTokenAtUs: decode };
}
/**
 * Times rebuilt from measured GPU times by the rule above, over the executed steps (`measured.length`).
 * `anchored`: every step starts at its simulated start instead (a diagnostic). The fixed schedule cannot
 * re-batch, so on a GPU that is busy the whole window a small per-step drift accumulates into every later
 * request's wait; anchoring removes that accumulation and leaves only each step's own timing error.
 */
export function executedTimeline(schedule, measured, opts = {}) {
    const n = checkCount(schedule, measured.length);
    const { schedulingUs: sched, samplingUs: samp } = schedule.header.overheads;
    const start = new Float64Array(n);
    const end = new Float64Array(n);
    const prefill = new Float64Array(n);
    const decode = [];
    let prevEndUs = 0;
    for (let i = 0; i < n; i++) {
        const s = schedule.steps[i];
        const m = measured[i];
        if (m.mode !== s.mode)
            throw new Error(`step ${i} is ${s.mode} in the schedule but measured ${m.mode}`);
        let arrivalUs = 0;
        for (const p of s.prefills)
            if (p.arrivalAtUs > arrivalUs)
                arrivalUs = p.arrivalAtUs;
        const at = opts.anchored ? s.startAtUs : Math.max(prevEndUs, arrivalUs);
        let endUs;
        if (m.mode === 'aggregated') {
            endUs = at + sched + m.gpuUs + samp;
            prefill[i] = s.prefillTokenOffsetUs === null ? NaN : endUs;
            decode.push(s.decodes.length > 0 ? [endUs] : []);
        }
        else {
            const lastDecodeUs = m.decodeEndUs.length > 0 ? m.decodeEndUs[m.decodeEndUs.length - 1] : 0;
            endUs = at + sched + Math.max(m.prefillEndUs ?? 0, lastDecodeUs) + samp;
            prefill[i] = s.prefillTokenOffsetUs === null || m.prefillEndUs === null ? NaN : at + sched + m.prefillEndUs + samp;
            decode.push(m.decodeEndUs.map((e) => at + sched + e));
        }
        start[i] = at;
        end[i] = endUs;
        prevEndUs = endUs;
    }
    return { stepCount: n, stepStartAtUs: start, stepEndAtUs: end, prefillTokenAtUs: prefill, decodeTokenAtUs: decode };
}
/**
 * The measurements a GPU that ran exactly as the simulator predicted would report: aggregated
 * gpu_us = duration − sched − samp; split decode_end_us[j] = decode_token_offsets_us[j] − sched and
 * prefill_end_us = prefill_done_offset_us − sched. Rebuilding from these must give back the schedule's
 * own token times: that identity is what shows the rule above is the simulator's.
 *
 * One adjustment, for the file's rounding only: it writes each start and duration to 1 ns separately, so
 * start_i + duration_i can miss start_{i+1} by up to 1 ns, and over thousands of back-to-back steps the
 * misses add up (0.02 µs over 2,400 steps of a 20 s replay). Where the next step starts within that
 * rounding of this one's end, the step's length is taken from the next start (the later lane absorbs the
 * sub-ns difference), so the rebuilt chain lands on every written start. A real gap (the simulator idling
 * until an arrival) is far larger than the rounding and is left to the rule.
 */
export function predictedAsMeasured(schedule) {
    const { schedulingUs: sched, samplingUs: samp } = schedule.header.overheads;
    const steps = schedule.steps;
    return steps.map((s, i) => {
        const next = steps[i + 1];
        const backToBack = next !== undefined && Math.abs(next.startAtUs - (s.startAtUs + s.durationUs)) <= SCHEDULE_ROUNDING_US;
        const busyUs = (backToBack ? next.startAtUs - s.startAtUs : s.durationUs) - sched - samp;
        if (s.mode === 'aggregated')
            return { mode: 'aggregated', gpuUs: busyUs };
        let prefillEndUs = s.prefillDoneOffsetUs === null ? null : s.prefillDoneOffsetUs - sched;
        const decodeEndUs = s.decodeTokenOffsetsUs.map((o) => o - sched);
        // The lane that ends later sets the window's length, so it takes the back-to-back correction.
        const last = decodeEndUs.length - 1;
        if (last >= 0 && (prefillEndUs === null || decodeEndUs[last] >= prefillEndUs))
            decodeEndUs[last] = Math.max(busyUs, last > 0 ? decodeEndUs[last - 1] : 0);
        else
            prefillEndUs = busyUs;
        return { mode: 'split', prefillEndUs, decodeEndUs, smidsOk: true };
    });
}
function checkCount(schedule, stepCount) {
    if (!Number.isInteger(stepCount) || stepCount < 0 || stepCount > schedule.steps.length) {
        throw new Error(`step count ${stepCount} is outside the schedule's 0..${schedule.steps.length}`);
    }
    return stepCount;
}
/**
 * Requests whose every token comes from the first `stepCount` steps (all of them, for a complete run):
 * a run cut short leaves the rest half served, and their latencies would mean nothing. Ascending ids.
 */
export function containedRequestIds(schedule, stepCount) {
    const lastStep = new Map();
    const emitted = new Set();
    schedule.steps.forEach((s, i) => {
        for (const p of s.prefills) {
            lastStep.set(p.id, i);
            if (p.emits)
                emitted.add(p.id);
        }
        for (const d of s.decodes) {
            lastStep.set(d.id, i);
            emitted.add(d.id);
        }
    });
    const ids = [];
    for (const [id, last] of lastStep)
        if (last < stepCount && emitted.has(id))
            ids.push(id);
    return ids.sort((a, b) => a - b);
}
/** Collects the token times of `ids` (each contained in the timeline's steps) from a timeline. */
export function requestTokens(schedule, timeline, ids) {
    const byId = new Map();
    for (const id of ids)
        byId.set(id, { id, arrivalAtUs: NaN, tokenAtUs: [], tokenMode: [] });
    for (let i = 0; i < timeline.stepCount; i++) {
        const s = schedule.steps[i];
        for (const p of s.prefills) {
            const r = byId.get(p.id);
            if (r === undefined)
                continue;
            if (Number.isNaN(r.arrivalAtUs))
                r.arrivalAtUs = p.arrivalAtUs;
            if (p.emits) {
                r.tokenAtUs.push(timeline.prefillTokenAtUs[i]);
                r.tokenMode.push(s.mode);
            }
        }
        const at = timeline.decodeTokenAtUs[i];
        for (const d of s.decodes) {
            const r = byId.get(d.id);
            if (r === undefined)
                continue;
            for (let j = 0; j < d.steps; j++) {
                r.tokenAtUs.push(at[j]);
                r.tokenMode.push(s.mode);
            }
        }
    }
    const out = ids.map((id) => byId.get(id));
    for (const r of out) {
        if (r.tokenAtUs.length === 0 || Number.isNaN(r.arrivalAtUs))
            throw new Error(`request ${r.id} has no prefill or no token in the timeline's ${timeline.stepCount} steps`);
    }
    return out;
}
export function requestLatencies(requests) {
    return requests.map((r) => {
        const t = r.tokenAtUs;
        const gapsUs = [];
        for (let j = 1; j < t.length; j++)
            gapsUs.push(t[j] - t[j - 1]);
        return {
            id: r.id,
            ttftUs: t[0] - r.arrivalAtUs,
            ttftMode: r.tokenMode[0],
            e2eUs: t[t.length - 1] - r.arrivalAtUs,
            e2eMode: r.tokenMode[t.length - 1],
            gapsUs,
            gapModes: r.tokenMode.slice(1),
        };
    });
}
