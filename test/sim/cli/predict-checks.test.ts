import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPredictFlags } from '../../../sim/cli/predict-checks.js';
import { loadModel } from '../../../sim/config/load-model.js';
import { loadHardware } from '../../../sim/config/load-hardware.js';
import { expectInputError } from '../../util/expect-input-error.js';

const model = loadModel('qwen3-8b');
const hw = loadHardware('h100-sxm');
const decode = { count: 64, contextTokens: 64 * 1024 };
/** The same model without a served length, so the KV cache is what binds. */
const unbounded = { ...model, maxModelLenTokens: undefined };

test('partition flags without --split, and --sms with --split, are errors naming the flag', () => {
  expectInputError(() => checkPredictFlags({ decode, prefillSms: 64, tp: 1 }, model, hw), [
    { code: 'bad-flag', file: '<command line>', field: '--prefill-sms', message: '--prefill-sms sizes a partition of --split; add --split, or use --sms for one forward on fewer SMs' },
  ]);
  expectInputError(() => checkPredictFlags({ decode, decodeSms: 64, tp: 1 }, model, hw), [{ code: 'bad-flag', field: '--decode-sms' }]);
  expectInputError(() => checkPredictFlags({ decode, split: true, sms: 64, prefillSms: 64, decodeSms: 68, tp: 1 }, model, hw), [
    { code: 'bad-flag', field: '--sms', message: '--sms sizes a whole-GPU forward; with --split give --prefill-sms and --decode-sms instead' },
  ]);
  checkPredictFlags({ decode, sms: 64, tp: 1 }, model, hw);
  checkPredictFlags({ decode, split: true, prefillSms: 64, decodeSms: 68, tp: 1 }, model, hw);
});

test('a batch whose context exceeds the KV cache is does-not-fit; tensor parallelism makes room', () => {
  const [p] = expectInputError(() => checkPredictFlags({ decode: { count: 1000, contextTokens: 1000 * 100_000 }, tp: 1 }, unbounded, hw), [{ code: 'does-not-fit', field: '--prefill/--decode' }]);
  assert.match(p.message, /^the batch attends over 100,000,000 tokens of context, but on .* at tp 1 the KV cache holds at most [\d,]+ tokens \(gpuMemoryUtilization 0\.9\)$/);
  expectInputError(() => checkPredictFlags({ prefill: [{ newTokens: 1_000_000, cachedTokens: 0 }], tp: 1 }, unbounded, hw), [{ code: 'does-not-fit' }]);
  checkPredictFlags({ decode: { count: 8, contextTokens: 8 * 50_000 }, tp: 4 }, unbounded, hw);
});

test('a request longer than the model serves (maxModelLen) is refused, as replay rejects it', () => {
  assert.equal(model.maxModelLenTokens, 40_960);
  const [p] = expectInputError(() => checkPredictFlags({ prefill: [{ newTokens: 2048, cachedTokens: 40_000 }], tp: 1 }, model, hw), [{ code: 'beyond-max-model-len', field: '--prefill/--decode' }]);
  assert.equal(p.message, 'a request of 42,048 tokens is longer than qwen3-8b serves (maxModelLen 40,960)');
  expectInputError(() => checkPredictFlags({ decode: { count: 2, contextTokens: 2 * 50_000, longestTokens: 50_000 }, tp: 4 }, model, hw), [{ code: 'beyond-max-model-len' }]);
  checkPredictFlags({ prefill: [{ newTokens: 960, cachedTokens: 40_000 }], decode: { count: 2, contextTokens: 2 * 40_960, longestTokens: 40_960 }, tp: 1 }, model, hw);
});

test('a model whose weights fill the GPU cannot run even one token', () => {
  const [p] = expectInputError(() => checkPredictFlags({ decode: { count: 1, contextTokens: 1 }, tp: 1 }, loadModel('llama-3.1-70b'), hw), [{ code: 'does-not-fit' }]);
  assert.match(p.message, /llama-3\.1-70b's weights leave no room for a KV cache/i);
});
