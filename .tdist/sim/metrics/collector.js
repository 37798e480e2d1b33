import { quantileSorted as d3QuantileSorted } from 'd3-array';
import { LogHistogram } from './log-histogram.js';
import { PARTITION_SEGMENT_LIMIT, REQUEST_SAMPLE_LIMIT, RESULT_SCHEMA, TAIL_PERCENTILES } from './results.js';
import { RequestGaps } from './request-gaps.js';
const NO_VALUE = -1;
/** The header of --requests-csv; readers (calibrate compare's live mode) take the column names from here. */
export const REQUEST_CSV_HEADER = 'id,origin,status,arrival_s,prompt_tokens,output_tokens,ttft_ms,tpot_ms,e2e_ms,queue_ms,tbt_ms,preemptions,meets_slo,reject_reason';
/**
 * Turns engine events into the results JSON. Per-request figures are exact (typed arrays indexed by
 * request id); the all-gaps TBT distribution and per-bucket TBT p99 come from log histograms so memory
 * does not grow with output tokens.
 */
export class MetricsCollector {
    numRequests;
    bucketUs;
    slo;
    ttftUs;
    e2eUs;
    queueUs;
    tpotUs;
    reqTbtUs;
    finishedAt;
    status; // 0 pending, 1 finished, 2 rejected
    preemptionsPerReq;
    arrivalAtUs;
    promptTokens;
    outputTokenCount;
    /** Closed partition segments, then each instance's open one (closed when its partition changes). */
    segments = [];
    openSegment = [];
    segmentsTruncatedAtUs = null;
    tbt = new LogHistogram(1, 1e10, 10);
    rejected = [];
    buckets = [];
    firstArrivalUs = Infinity;
    lastFinishUs = 0;
    inputTokens = 0;
    outputTokens = 0;
    iterations = 0;
    splitUs = 0;
    busyUs = 0;
    wastedDecodeSteps = 0;
    prefixHitTokens = 0;
    constructor(numRequests, bucketUs, slo) {
        this.numRequests = numRequests;
        this.bucketUs = bucketUs;
        this.slo = slo;
        this.ttftUs = new Float64Array(numRequests).fill(NO_VALUE);
        this.e2eUs = new Float64Array(numRequests).fill(NO_VALUE);
        this.queueUs = new Float64Array(numRequests).fill(NO_VALUE);
        this.tpotUs = new Float64Array(numRequests).fill(NO_VALUE);
        this.reqTbtUs = new Float64Array(numRequests).fill(NO_VALUE);
        this.finishedAt = new Float64Array(numRequests).fill(NO_VALUE);
        this.status = new Uint8Array(numRequests);
        this.preemptionsPerReq = new Uint16Array(numRequests);
        this.arrivalAtUs = new Float64Array(numRequests);
        this.promptTokens = new Uint32Array(numRequests);
        this.outputTokenCount = new Uint32Array(numRequests);
    }
    /** The bucket last asked for: consecutive events mostly fall in the same one (hot path, once per token). */
    lastBucket = null;
    bucket(tUs) {
        const last = this.lastBucket;
        if (last !== null && tUs >= last.index * this.bucketUs && tUs < (last.index + 1) * this.bucketUs)
            return last;
        const i = Math.max(0, Math.floor(tUs / this.bucketUs));
        while (this.buckets.length <= i)
            this.buckets.push(newBucket(this.buckets.length));
        return (this.lastBucket = this.buckets[i]);
    }
    onArrival(tUs) {
        if (tUs < this.firstArrivalUs)
            this.firstArrivalUs = tUs;
        this.bucket(tUs).arrivals++;
    }
    /** A tracker for one request's gaps, judged by this run's TBT definition. */
    newGapTracker(outputTokens) {
        return new RequestGaps(outputTokens, this.slo.tbt_definition);
    }
    /** A gap between two tokens of one request that ended at `tUs`. */
    onGap(gapUs, tUs) {
        const key = LogHistogram.keyOf(gapUs, 10);
        this.tbt.addKeyed(gapUs, key, 10);
        const b = this.bucket(tUs);
        (b.gaps ??= new LogHistogram(1, 1e10, 5)).addKeyed(gapUs, key, 10);
    }
    onReject(id, origin, rejection, tUs) {
        this.status[id] = 2;
        this.rejected.push({ id, origin, code: rejection.code, reason: rejection.reason });
        this.bucket(tUs);
    }
    onFinish(o) {
        const id = o.id;
        this.status[id] = 1;
        this.ttftUs[id] = o.firstTokenAtUs - o.arrivalUs;
        this.e2eUs[id] = o.finishedAtUs - o.arrivalUs;
        this.queueUs[id] = o.firstScheduledAtUs - o.arrivalUs;
        this.finishedAt[id] = o.finishedAtUs;
        this.preemptionsPerReq[id] = Math.min(65535, o.preemptions);
        this.arrivalAtUs[id] = o.arrivalUs;
        this.promptTokens[id] = o.promptTokens;
        this.outputTokenCount[id] = o.outputTokens;
        if (o.outputTokens > 1)
            this.tpotUs[id] = (o.finishedAtUs - o.firstTokenAtUs) / (o.outputTokens - 1);
        this.reqTbtUs[id] = o.gaps.value();
        this.inputTokens += o.promptTokens;
        this.outputTokens += o.outputTokens;
        if (o.finishedAtUs > this.lastFinishUs)
            this.lastFinishUs = o.finishedAtUs;
        this.bucket(o.finishedAtUs).completions++;
    }
    onStep(instance, startUs, durationUs, mode, prefillSms, decodeSms, k) {
        this.recordPartition(instance, startUs, durationUs, mode, prefillSms, decodeSms, mode === 'split' ? k : 1);
        this.iterations++;
        this.busyUs += durationUs;
        const b = this.bucket(startUs);
        b.iterations++;
        b.busyUs += durationUs;
        if (mode === 'split') {
            this.splitUs += durationUs;
            b.splitUs += durationUs;
            b.prefillSmUs += prefillSms * durationUs;
            b.decodeSmUs += decodeSms * durationUs;
            b.kUs += k * durationUs;
        }
    }
    /**
     * Extends the instance's open segment when the partition is unchanged, else closes it and opens a new
     * one. Once the cap is reached recording stops for good (a report says where), so memory stays bounded.
     */
    recordPartition(instance, startUs, durationUs, mode, prefillSms, decodeSms, k) {
        if (this.segmentsTruncatedAtUs !== null)
            return;
        while (this.openSegment.length <= instance)
            this.openSegment.push(null);
        const open = this.openSegment[instance];
        if (open !== null && open.mode === mode && open.prefillSms === prefillSms && open.decodeSms === decodeSms && open.k === k) {
            open.endUs = startUs + durationUs;
            open.steps++;
            return;
        }
        if (this.segments.length >= PARTITION_SEGMENT_LIMIT) {
            this.segmentsTruncatedAtUs = startUs;
            return;
        }
        const seg = { instance, startUs, endUs: startUs + durationUs, steps: 1, mode, prefillSms, decodeSms, k };
        this.segments.push(seg);
        this.openSegment[instance] = seg;
    }
    onWastedDecodeSteps(n) {
        this.wastedDecodeSteps += n;
    }
    onPrefixHit(tokens) {
        this.prefixHitTokens += tokens;
    }
    /** State at time `tUs`; the last sample in a bucket is what the bucket reports. */
    /**
     * Instance `instance`'s state at time `tUs`. A bucket reports the state at its last sample, summed over
     * instances (each contributing its latest values) and, for KV, averaged over them.
     */
    sample(tUs, instance, queueLen, running, kvUsedFrac) {
        const last = this.lastState;
        while (last.length <= instance)
            last.push({ queueLen: 0, running: 0, kvUsedFrac: 0 });
        const st = last[instance];
        this.queueSum += queueLen - st.queueLen;
        this.runningSum += running - st.running;
        this.kvFracSum += kvUsedFrac - st.kvUsedFrac;
        st.queueLen = queueLen;
        st.running = running;
        st.kvUsedFrac = kvUsedFrac;
        const b = this.bucket(tUs);
        b.queueLen = this.queueSum;
        b.running = this.runningSum;
        b.kvUsedFrac = this.kvFracSum / last.length;
    }
    lastState = [];
    queueSum = 0;
    runningSum = 0;
    kvFracSum = 0;
    get totalPreemptions() {
        let n = 0;
        for (let i = 0; i < this.numRequests; i++)
            n += this.preemptionsPerReq[i];
        return n;
    }
    summary(preemptions) {
        const done = (a) => sortedValues(a, this.status);
        const ms = (us) => us / 1000;
        const completed = count(this.status, 1);
        const rejected = count(this.status, 2);
        const start = Number.isFinite(this.firstArrivalUs) ? this.firstArrivalUs : 0;
        const durationS = Math.max(0, this.lastFinishUs - start) / 1e6;
        let met = 0;
        for (let i = 0; i < this.numRequests; i++)
            if (this.meetsSlo(i))
                met++;
        const perS = (x) => (durationS > 0 ? x / durationS : 0);
        return {
            requests: this.numRequests,
            completed,
            rejected,
            rejected_by_reason: this.rejectedByReason(),
            duration_s: durationS,
            throughput_rps: perS(completed),
            input_tps: perS(this.inputTokens),
            output_tps: perS(this.outputTokens),
            ttft_ms: percentiles(done(this.ttftUs), ms),
            tbt_ms: histogramPercentiles(this.tbt, ms),
            tpot_ms: percentiles(done(this.tpotUs), ms),
            e2e_ms: percentiles(done(this.e2eUs), ms),
            queue_ms: percentiles(done(this.queueUs), ms),
            slo: this.slo,
            slo_attainment: this.numRequests > 0 ? met / this.numRequests : 0,
            goodput_rps: perS(met),
            iterations: this.iterations,
            preemptions,
            split_time_share: this.busyUs > 0 ? this.splitUs / this.busyUs : 0,
            wasted_decode_steps: this.wastedDecodeSteps,
            prefix_hit_tokens: this.prefixHitTokens,
        };
    }
    /** Whether request `id` finished and met every SLO target that is set. */
    meetsSlo(id) {
        if (this.status[id] !== 1)
            return false;
        if (this.slo.ttft_ms !== null && this.ttftUs[id] > this.slo.ttft_ms * 1000)
            return false;
        if (this.slo.tbt_ms !== null && this.reqTbtUs[id] > this.slo.tbt_ms * 1000)
            return false;
        return true;
    }
    result(config, preemptions) {
        const ttft = sortedValues(this.ttftUs, this.status);
        const cdfTtft = [];
        const cdfTbt = [];
        for (let p = 0; p <= 100; p++) {
            cdfTtft.push(ttft.length ? round3((quantileSorted(ttft, p / 100) ?? 0) / 1000) : 0);
            cdfTbt.push(this.tbt.count ? round3(this.tbt.quantile(p / 100) / 1000) : 0);
        }
        const tail = {
            percentiles: TAIL_PERCENTILES,
            ttft_ms: TAIL_PERCENTILES.map((p) => (ttft.length ? round3((quantileSorted(ttft, p / 100) ?? 0) / 1000) : 0)),
            tbt_ms: TAIL_PERCENTILES.map((p) => (this.tbt.count ? round3(this.tbt.quantile(p / 100) / 1000) : 0)),
        };
        return {
            schema: RESULT_SCHEMA,
            config,
            summary: this.summary(preemptions),
            timeline: { bucket_s: this.bucketUs / 1e6, buckets: this.timeline() },
            cdf: { ttft_ms: cdfTtft, tbt_ms: cdfTbt, tail },
            rejected: [...this.rejected].sort((a, b) => a.id - b.id),
            partitions: {
                segments: this.segments.map((g) => ({
                    instance: g.instance, start_s: round6(g.startUs / 1e6), end_s: round6(g.endUs / 1e6), steps: g.steps, mode: g.mode,
                    prefill_sms: g.prefillSms, decode_sms: g.decodeSms, lookahead_k: g.k,
                })),
                truncated_at_s: this.segmentsTruncatedAtUs === null ? null : round6(this.segmentsTruncatedAtUs / 1e6),
            },
            request_sample: this.requestSample(),
        };
    }
    /** Every `every`-th finished request by id, `every` chosen so at most REQUEST_SAMPLE_LIMIT remain: evenly spread over the run. */
    requestSample() {
        const finished = count(this.status, 1);
        const every = Math.max(1, Math.ceil(finished / REQUEST_SAMPLE_LIMIT));
        const requests = [];
        let nth = 0;
        for (let i = 0; i < this.numRequests; i++) {
            if (this.status[i] !== 1)
                continue;
            if (nth++ % every !== 0)
                continue;
            requests.push({
                id: i,
                arrival_s: round6(this.arrivalAtUs[i] / 1e6),
                prompt_tokens: this.promptTokens[i],
                output_tokens: this.outputTokenCount[i],
                ttft_ms: round3(this.ttftUs[i] / 1000),
                tbt_ms: this.reqTbtUs[i] === NO_VALUE || this.outputTokenCount[i] <= 1 ? null : round3(this.reqTbtUs[i] / 1000),
                e2e_ms: round3(this.e2eUs[i] / 1000),
                queue_ms: round3(this.queueUs[i] / 1000),
                meets_slo: this.meetsSlo(i),
            });
        }
        return { every, requests };
    }
    timeline() {
        let queueLen = 0;
        let running = 0;
        let kv = 0;
        return this.buckets.map((b) => {
            // A bucket with no scheduling point carries the last known state forward.
            if (b.queueLen >= 0) {
                queueLen = b.queueLen;
                running = b.running;
                kv = b.kvUsedFrac;
            }
            const splitUs = b.splitUs;
            return {
                t_s: (b.index * this.bucketUs) / 1e6,
                arrivals: b.arrivals,
                completions: b.completions,
                queue_len: queueLen,
                running,
                kv_used_frac: round3(kv),
                tbt_p99_ms: b.gaps ? round3(b.gaps.quantile(0.99) / 1000) : null,
                iterations: b.iterations,
                split_share: b.busyUs > 0 ? round3(splitUs / b.busyUs) : 0,
                mean_prefill_sms: splitUs > 0 ? round3(b.prefillSmUs / splitUs) : 0,
                mean_decode_sms: splitUs > 0 ? round3(b.decodeSmUs / splitUs) : 0,
                mean_lookahead_k: splitUs > 0 ? round3(b.kUs / splitUs) : 0,
            };
        });
    }
    rejectedByReason() {
        const counts = new Map();
        for (const r of this.rejected)
            counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
        return Object.fromEntries([...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    /** Per-request rows for --requests-csv; `reject_reason` is the RejectionCode of a rejected request, empty otherwise. */
    requestRows(origins, arrivalsUs, prompt, output) {
        const rows = [];
        this.forEachRequestRow((i) => ({ origin: origins[i], arrivalUs: arrivalsUs[i], promptTokens: prompt[i], outputTokens: output[i] }), (row) => rows.push(row));
        return rows;
    }
    /**
     * The same rows one at a time (header first), so a writer can stream them: a 200k-request table never
     * exists as one array. `request(i)` gives what the collector does not keep about request i.
     */
    forEachRequestRow(request, emit) {
        emit(REQUEST_CSV_HEADER);
        const f = (us) => (us === NO_VALUE ? '' : round3(us / 1000).toString());
        const rejectCode = new Map();
        for (const r of this.rejected)
            rejectCode.set(r.id, r.code);
        for (let i = 0; i < this.numRequests; i++) {
            const st = this.status[i] === 1 ? 'completed' : this.status[i] === 2 ? 'rejected' : 'unfinished';
            const r = request(i);
            emit([i, csvField(r.origin), st, (r.arrivalUs / 1e6).toFixed(6), r.promptTokens, r.outputTokens, f(this.ttftUs[i]), f(this.tpotUs[i]), f(this.e2eUs[i]), f(this.queueUs[i]), f(this.reqTbtUs[i]), this.preemptionsPerReq[i], this.meetsSlo(i) ? 1 : 0, rejectCode.get(i) ?? ''].join(','));
        }
    }
}
function newBucket(index) {
    return { index, arrivals: 0, completions: 0, queueLen: -1, running: 0, kvUsedFrac: 0, iterations: 0, busyUs: 0, splitUs: 0, prefillSmUs: 0, decodeSmUs: 0, kUs: 0, gaps: null };
}
/** d3's quantile over a sorted typed array (its types only admit arrays; the implementation reads indices). */
function quantileSorted(sorted, p) {
    return d3QuantileSorted(sorted, p);
}
function sortedValues(a, status) {
    let n = 0;
    for (let i = 0; i < a.length; i++)
        if (status[i] === 1 && a[i] !== NO_VALUE)
            n++;
    const out = new Float64Array(n);
    let j = 0;
    for (let i = 0; i < a.length; i++)
        if (status[i] === 1 && a[i] !== NO_VALUE)
            out[j++] = a[i];
    return out.sort();
}
function percentiles(sorted, scale) {
    if (sorted.length === 0)
        return { p50: 0, p90: 0, p99: 0, mean: 0, max: 0 };
    let sum = 0;
    for (let i = 0; i < sorted.length; i++)
        sum += sorted[i];
    const q = (p) => round3(scale(quantileSorted(sorted, p) ?? 0));
    return { p50: q(0.5), p90: q(0.9), p99: q(0.99), mean: round3(scale(sum / sorted.length)), max: round3(scale(sorted[sorted.length - 1])) };
}
function histogramPercentiles(h, scale) {
    if (h.count === 0)
        return { p50: 0, p90: 0, p99: 0, mean: 0, max: 0 };
    const q = (p) => round3(scale(h.quantile(p)));
    return { p50: q(0.5), p90: q(0.9), p99: q(0.99), mean: round3(scale(h.mean)), max: round3(scale(h.max)) };
}
function count(status, v) {
    let n = 0;
    for (let i = 0; i < status.length; i++)
        if (status[i] === v)
            n++;
    return n;
}
/** Results carry 3 decimals (µs resolution on ms figures): stable text, no float noise. */
function round3(x) {
    return Math.round(x * 1000) / 1000;
}
function round6(x) {
    return Math.round(x * 1e6) / 1e6;
}
function csvField(s) {
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
