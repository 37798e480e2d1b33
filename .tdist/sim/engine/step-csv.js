/** One CSV row per scheduling step: when, how long, mode and split, and the batch's shape. */
export const STEP_CSV_HEADER = 'instance,start_ms,duration_ms,mode,prefill_sms,decode_sms,lookahead_k,prefill_requests,prefill_tokens,cached_tokens,decode_requests,decode_context_tokens,preempted';
/** One step's row (no newline); `duetsim replay --iterations-csv` writes them as the steps happen. */
export function stepCsvRow(s) {
    let pt = 0;
    let ct = 0;
    for (const p of s.prefills) {
        pt += p.newTokens;
        ct += p.cachedTokens;
    }
    let dc = 0;
    for (const d of s.decodes)
        dc += d.contextTokens;
    return [s.instance, (s.startUs / 1000).toFixed(3), (s.durationUs / 1000).toFixed(3), s.mode, s.prefillSms, s.decodeSms, s.lookaheadK, s.prefills.length, pt, ct, s.decodes.length, dc, s.preempted.length].join(',');
}
/** The whole table at once, for steps already in memory (tests, short runs). */
export function stepRowsCsv(steps) {
    const rows = [STEP_CSV_HEADER];
    for (const s of steps)
        rows.push(stepCsvRow(s));
    return rows.join('\n') + '\n';
}
