import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execStepLine, parseStepResult, stepLineOf } from '../../../calibrate/live/step-line.js';
const SPLIT = { step: 4, mode: 'split', prefill_sms: 96, decode_sms: 36, k: 3, free: [], prefills: [[7, 512, 1024]], decodes: [[2, 900, 3], [5, 40, 1]], release: [5] };
test('stepLineOf: the engine step as a duetsim-exec step line (the closed loop executor\'s format), release in id order', () => {
    const spec = {
        index: 4,
        startUs: 1000,
        mode: 'split',
        prefillSms: 96,
        decodeSms: 36,
        lookaheadK: 3,
        preempted: [],
        requests: () => ({ prefills: [{ id: 7, newTokens: 512, cachedTokens: 1024 }], decodes: [{ id: 2, contextTokens: 900, steps: 3 }, { id: 5, contextTokens: 40, steps: 1 }], finishing: [5] }),
        prefillBatch: { prefills: [{ newTokens: 512, cachedTokens: 1024 }], decodeCount: 0, decodeContextTokens: 0 },
        decodeBatch: { prefills: [], decodeCount: 2, decodeContextTokens: 940 },
        decisionUs: 0,
    };
    assert.deepEqual(stepLineOf(spec), SPLIT);
    assert.equal(execStepLine(SPLIT), '{"step":4,"mode":"split","prefill_sms":96,"decode_sms":36,"k":3,"free":[],"prefills":[[7,512,1024]],"decodes":[[2,900,3],[5,40,1]],"release":[5]}');
});
test('parseStepResult: lanes and host timings of a split window', () => {
    const r = parseStepResult('{"kind":"step","step":4,"mode":"split","prefill_sms":96,"decode_sms":36,"k":3,"prefill_end_us":9000,"decode_end_us":[3000,6000,9100],"smids_ok":true,"prepare_us":120.5,"idle_before_us":3.2,"kv_used_blocks":410,"arena_grew":false}', SPLIT);
    assert.deepEqual(r, { lanes: { mode: 'split', prefillEndUs: 9000, decodeEndsUs: [3000, 6000, 9100] }, smidsOk: true, prepareUs: 120.5, idleBeforeUs: 3.2, kvUsedBlocks: 410, arenaGrew: false });
    const first = parseStepResult('{"kind":"step","step":0,"mode":"aggregated","gpu_us":5000,"prepare_us":10,"idle_before_us":null,"kv_used_blocks":3}', { ...SPLIT, step: 0, mode: 'aggregated', k: 1 });
    assert.deepEqual(first, { lanes: { mode: 'aggregated', gpuUs: 5000 }, smidsOk: true, prepareUs: 10, idleBeforeUs: null, kvUsedBlocks: 3, arenaGrew: false });
});
test('parseStepResult: a result that does not answer the step sent names the step and every field at fault', () => {
    const bad = '{"kind":"step","step":5,"mode":"split","prefill_sms":64,"decode_sms":36,"k":3,"prefill_end_us":null,"decode_end_us":[3000,2000],"smids_ok":true,"prepare_us":-1,"idle_before_us":0,"kv_used_blocks":1}';
    assert.throws(() => parseStepResult(bad, SPLIT), (e) => {
        const m = e instanceof Error ? e.message : '';
        for (const want of [/<live step 4>.*step.*answers step 5/, /prefill_sms.*64 here; 96 was sent/, /prefill_end_us/, /decode_end_us.*has 2 times; the window sent runs 3/, /decode_end_us\[1\].*back to back/, /prepare_us/])
            assert.match(m, want);
        return true;
    });
    assert.throws(() => parseStepResult('not json', SPLIT), /<live step 4>/);
});
