// Exercises the Node front end on the GPU host: loads the addon through
// calibrate/native.js, prints deviceInfo, runs the check suite and a plan.
// usage: node cuda/tools/addon_smoke.mjs PLAN.json OUT.jsonl
import { readFileSync } from 'node:fs';
import { loadAddon } from '../../dist/calibrate/native.js';

const [planPath, outPath] = process.argv.slice(2);
const addon = loadAddon();
console.error('deviceInfo:', addon.deviceInfo());
const checks = await addon.runChecks(7, (line) => console.error('check:', line));
console.error(`runChecks passed=${checks.passed} (${checks.lines.length} checks)`);
// Bad arguments must be refused with a message naming the argument.
try {
  await addon.runPlan(42, outPath);
  console.error('FAIL: runPlan accepted a number as planJson');
} catch (e) {
  console.error('argument check:', e.message);
}
const ran = await addon.runPlan(readFileSync(planPath, 'utf8'), outPath, (line) => console.error('plan:', line), {
  planName: planPath,
});
console.error(`runPlan ran ${ran} experiments into ${outPath}`);
if (!checks.passed) process.exit(1);
