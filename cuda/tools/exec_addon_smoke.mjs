// The schedule executor through the Node front end on the GPU host: loads
// cuda/build/duet_addon.node directly (no dist/ needed), checks that bad
// arguments are refused before any GPU work, then executes a plan.
// usage: node cuda/tools/exec_addon_smoke.mjs EXEC.jsonl OUT.jsonl
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [planPath, outPath] = process.argv.slice(2);
const addon = createRequire(import.meta.url)('../build/duet_addon.node');
const plan = readFileSync(planPath, 'utf8');
let failed = false;
const refuse = async (what, call) => {
  try {
    await call();
    console.error(`FAIL: executeSchedule accepted ${what}`);
    failed = true;
  } catch (e) {
    console.error(`argument check (${what}): ${e.message.split('\n')[0]}`);
  }
};
await refuse('a number as planJsonl', () => addon.executeSchedule(42, outPath));
await refuse('an empty outPath', () => addon.executeSchedule(plan, ''));
await refuse('maxSeconds -1', () => addon.executeSchedule(plan, outPath, undefined, { maxSeconds: -1 }));
await refuse('a plan with an impossible split', () =>
  addon.executeSchedule(plan.replace(/"prefill_sms":(\d+),"decode_sms":(\d+)/, '"prefill_sms":5,"decode_sms":3'), outPath, undefined, { planName: 'bad.jsonl' }));
await refuse('a plan larger than GPU memory', () =>
  addon.executeSchedule(plan.replace(/"kv_blocks":\d+/, '"kv_blocks":2000000000'), outPath, undefined, { planName: 'huge.jsonl' }));
const ran = await addon.executeSchedule(plan, outPath, (line) => console.error('exec:', line), { planName: planPath });
console.error(`executeSchedule ran ${ran} steps into ${outPath}`);
if (failed) process.exit(1);
