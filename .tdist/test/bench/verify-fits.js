/**
 * `npm run verify:fits`: the shipped calibrations checked the long way. `npm test` (test/calibrate/shipped-data/)
 * refits each physics folder with the candidate terms its calibration records (one fit); this runs the fitter's
 * whole candidate search on every physics folder (GEMM row tiles, GEMM and attention waves, class tails, and cuBLAS's
 * recorded tiles and times where the folder's calibration has a kernel table: fourteen to seventeen fits each,
 * several minutes a folder on a 2-core machine) and checks that it chooses what is recorded, then the same
 * held-out figures and the written YAML byte for byte. Run it after changing the fitter or the latency model.
 * Prints one line per folder and a JSON summary (machine-readable) on the last line.
 */
import assert from 'node:assert/strict';
import { fitCalibration, recordedFitChoices } from '../../calibrate/fit.js';
import { checkShippedFolder, folderFitInput, REPORTED } from '../util/shipped-data.js';
const results = [];
for (const folder of Object.keys(REPORTED).sort()) {
    const { input } = folderFitInput(folder, { search: true });
    if (input.form !== 'physics')
        continue;
    const t0 = performance.now();
    try {
        const searched = checkShippedFolder(folder, { search: true });
        const recorded = folderFitInput(folder).input;
        const { gemmKernels: _table, ...chosen } = recordedFitChoices(searched.perf);
        const expected = { gemmRowTile: recorded.gemmRowTile, gemmSmallRowTile: recorded.gemmSmallRowTile, gemmWave: recorded.gemmWave, attnWave: recorded.attnWave, classTails: recorded.classTails, gemmTilesFromRows: recorded.gemmTilesFromRows ?? 0, gemmTimes: recorded.gemmTimes ?? false };
        assert.deepEqual(chosen, expected, 'the search chose other terms than the calibration records');
        assert.deepEqual(fitCalibration(recorded).perf, searched.perf, 'refitting the recorded choice differs from the search');
        results.push({ folder, seconds: (performance.now() - t0) / 1000, ok: true });
    }
    catch (e) {
        results.push({ folder, seconds: (performance.now() - t0) / 1000, ok: false, message: e instanceof Error ? e.message : String(e) });
    }
    const r = results[results.length - 1];
    process.stderr.write(`${r.ok ? 'ok  ' : 'FAIL'} ${folder} (${r.seconds.toFixed(0)} s)${r.message ? `: ${r.message}` : ''}\n`);
}
process.stdout.write(JSON.stringify({ verify_fits: results }) + '\n');
if (results.some((r) => !r.ok))
    process.exitCode = 1;
