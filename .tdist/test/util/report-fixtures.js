import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ENGINE } from '../../sim/engine/scenario.js';
import { inlineExecutor } from '../../sim/study/point-executor.js';
import { parseStudy } from '../../sim/study/parse-study.js';
import { runStudy } from '../../sim/study/run-study.js';
import { runScenario } from './fake-run-scenario.js';
/** A string that would run script if any part of the report embedded it unescaped. */
export const HOSTILE = `</script><script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">&amp;\u2028<!--`;
export function fixtureSpec(over = {}) {
    return {
        trace: 'azure-conv', traceFormat: null, rateQps: 3, startS: 0, durationS: null, limit: null, model: 'qwen3-8b',
        hardware: 'h100-sxm', useCalibration: true, policy: 'duetserve', cluster: null, policyParams: {}, engine: DEFAULT_ENGINE,
        sloTtftMs: null, sloTbtMs: 50, tbtDefinition: 'request-p99-gap', seed: 0, ...over,
    };
}
/**
 * Writes one of every input kind into dir: two single-run results, a 2 models × 4 policies × 4 rates
 * study, a 2-setting capacity study, and a 3-point calibration file, all from the fake runner. With
 * `hostile`, the string lands in the run's policy and model names, a study name and axis value, and a
 * calibration id and kind.
 */
export async function writeFixtures(dir, hostile = '') {
    const runs = [join(dir, 'duet.json'), join(dir, 'vllm.json')];
    writeFileSync(runs[0], JSON.stringify(runScenario(fixtureSpec({ model: `qwen3-8b${hostile}` }))));
    writeFileSync(runs[1], JSON.stringify(runScenario(fixtureSpec({ policy: `vllm${hostile}` }))));
    const q = (s) => JSON.stringify(s);
    const study = parseStudy(`name: ${q(`sweep${hostile}`)}
base: { trace: azure-conv, hardware: h100-sxm, sloTbtMs: 50 }
axes:
  model: [qwen3-8b, ${q(`qwen3-14b${hostile}`)}]
  policy: [vllm, chunked, static, duetserve]
  rateQps: [1, 2, 4, 8]
`, 'sweep.yaml');
    const studyFile = join(dir, 'sweep.jsonl');
    await runStudy({ study, outFile: studyFile, resume: false, shard: null, executor: inlineExecutor(runScenario) });
    const cap = parseStudy('name: cap\nbase: { trace: azure-conv, model: qwen3-14b, hardware: h100-sxm, sloTbtMs: 50 }\naxes:\n  policy: [vllm, duetserve]\ncapacity: { repeats: 2 }\n', 'cap.yaml');
    const capFile = join(dir, 'cap.jsonl');
    await runStudy({ study: cap, outFile: capFile, resume: false, shard: null, executor: inlineExecutor(runScenario) });
    const calFile = join(dir, 'validation.json');
    writeFileSync(calFile, JSON.stringify({
        points: [
            { id: `gemm-4096${hostile}`, kind: 'gemm', predicted_us: 100, measured_us: 110 },
            { id: 'gemm-8192', kind: 'gemm', predicted_us: 400, measured_us: 390 },
            { id: 'attn-decode', kind: `attention${hostile}`, predicted_us: 50, measured_us: 45 },
        ],
    }, null, 2));
    return { runs, study: studyFile, capacity: capFile, calibration: calFile };
}
