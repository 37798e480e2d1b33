// The addon's live-session binding against the stand-in core (run by live_addon_check.sh):
//   node live_addon_check.mjs ADDON          argument checks, error codes, steps, close, one SIGINT
//   node live_addon_check.mjs ADDON listen   a JS SIGINT listener still hears the signal
//   node live_addon_check.mjs ADDON twice    a second SIGINT ends the process (exit status 130)
//   node live_addon_check.mjs ADDON late     a listener added while the session is open still hears SIGINT after close
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const [addonPath, mode = 'main'] = process.argv.slice(2);
const addon = createRequire(import.meta.url)(addonPath);
const model = { numLayers: 2, hiddenSize: 256, numQHeads: 4, numKvHeads: 2, headDim: 128, ffnSize: 512, vocabSize: 1024, qkNorm: true };
const header = { format: 'duetsim-live', version: 1, model_name: 'tiny', model, block_tokens: 16, kv_blocks: 6, splits: [[32, 100]], max_batch_tokens: 64, max_seqs: 4, max_lookahead: 4 };
const H = JSON.stringify(header);
const agg = (i, extra) => JSON.stringify({ step: i, mode: 'aggregated', prefill_sms: 0, decode_sms: 0, k: 1, free: [], prefills: [], decodes: [], release: [], ...extra });
const throws = (f, type, code, fragment) =>
  assert.throws(f, (e) => e instanceof type && e.code === code && e.message.includes(fragment), `${type.name} ${code} "${fragment}"`);
const busy = (ms) => { const t = Date.now(); while (Date.now() - t < ms); };

if (mode === 'late') {
  const h = addon.openLive(H);
  let heard = 0;
  process.on('SIGINT', () => { heard++; });
  h.close();
  process.kill(process.pid, 'SIGINT');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(heard, 1, 'a listener added during the session hears SIGINT after close');
  process.exit(0);
}

if (mode === 'listen' || mode === 'twice') {
  let heard = 0;
  if (mode === 'listen') process.on('SIGINT', () => { heard++; });
  const h = addon.openLive(H);
  process.kill(process.pid, 'SIGINT');
  busy(200);
  assert.equal(h.interrupted(), true);
  if (mode === 'twice') {
    process.kill(process.pid, 'SIGINT');
    busy(2000);
    assert.fail('a second SIGINT should have ended the process');
  }
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(heard, 1, 'the JS listener heard the signal');
  h.close();
  process.exit(0);
}

// Arguments: TypeErrors naming them, before anything else.
throws(() => addon.openLive(), TypeError, undefined, 'headerJson (argument 1) is required');
throws(() => addon.openLive(3), TypeError, undefined, 'headerJson (argument 1) must be a string');
throws(() => addon.openLive(''), TypeError, undefined, 'headerJson (argument 1) is empty');
throws(() => addon.openLive('x'.repeat((1 << 20) + 1)), TypeError, undefined, 'longer than 1 MiB');
throws(() => addon.openLive(H, 5), TypeError, undefined, 'onProgress (argument 2) must be a function');
throws(() => addon.openLive(H, undefined, 3), TypeError, undefined, 'at most two arguments');
// A refused header; a throwing onProgress aborts the open with its own error.
throws(() => addon.openLive(JSON.stringify({ ...header, kv_blocks: 0 })), Error, 'ERR_DUET_LIVE_INVALID', '<live header>: kv_blocks: must be in 1..');
assert.throws(() => addon.openLive(H, () => { throw new Error('listener broke'); }), /listener broke/);

const lines = [];
const h = addon.openLive(H, (l) => lines.push(l));
assert.ok(lines.length > 0, 'onProgress called during openLive');
const r0 = JSON.parse(h.step(agg(0, { prefills: [[0, 20, 0]] })));
assert.equal(r0.step, 0);
assert.equal(r0.idle_before_us, null);
// Refused steps change nothing: the same number is expected again.
throws(() => h.step(agg(0, { prefills: [[1, 20, 0]] })), Error, 'ERR_DUET_LIVE_INVALID', '<live step 1>: step: expected 1');
throws(() => h.step(agg(1, { prefills: [[1, 20, 80]] })), Error, 'ERR_DUET_LIVE_INVALID', '<live step 1>: prefills/decodes: the step needs 7 more KV blocks');
throws(() => h.step(agg(1, { free: [5], prefills: [[1, 20, 0]] })), Error, 'ERR_DUET_LIVE_INVALID', '<live step 1>: free: request 5 holds no blocks');
throws(() => h.step(), TypeError, undefined, 'exactly one argument');
throws(() => h.step(5), TypeError, undefined, 'must be a string');
throws(() => h.step(''), TypeError, undefined, 'is empty');
assert.equal(JSON.parse(h.step(agg(1, { decodes: [[0, 21, 1]], release: [0] }))).step, 1);

// During a step, onProgress may not call the handle, and its throw is ignored.
const refused = [];
const h2 = addon.openLive(H, (l) => {
  if (!l.includes('split')) return;
  try { h2.step('{}'); } catch (e) { refused.push(e.message); }
  throw new Error('ignored');
});
assert.equal(JSON.parse(h2.step(JSON.stringify({ step: 0, mode: 'split', prefill_sms: 32, decode_sms: 100, k: 2, free: [], prefills: [[0, 20, 0]], decodes: [], release: [] }))).mode, 'split');
assert.deepEqual(refused, ['LiveHandle.step: called from onProgress during a step']);
throws(() => h2.step(agg(1, { prefills: [[999, 20, 0]] })), Error, 'ERR_DUET_LIVE_FAILED', 'stub: a CUDA failure');

// One SIGINT sets the flag of every open session; the process goes on.
assert.equal(h.interrupted(), false);
process.kill(process.pid, 'SIGINT');
busy(200);
assert.equal(h.interrupted(), true);
assert.equal(h2.interrupted(), true);
assert.match(h.meta(), /"kind":"meta"/);
h.close();
h.close();
throws(() => h.step(agg(2, { prefills: [[2, 20, 0]] })), Error, 'ERR_DUET_LIVE_CLOSED', 'the live session is closed');
throws(() => h.meta(), Error, 'ERR_DUET_LIVE_CLOSED', 'the live session is closed');
assert.equal(h.interrupted(), true, 'interrupted() keeps its answer after close()');
h2.close();
console.log('live addon binding: ok');
