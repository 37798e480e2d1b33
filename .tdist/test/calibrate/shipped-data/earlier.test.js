import { test } from 'node:test';
import { checkShippedFolder } from '../../util/shipped-data.js';
/** The 2026-11-27 calibrations (ceiling form; test/util/shipped-data.ts says what is checked). */
for (const folder of ['h100-sxm-2026-11-27', 'h200-2026-11-27', 'h200-2026-11-27-current-kernels']) {
    test(`calibrate/data/${folder}: held-out errors stay within the reported figures`, () => {
        checkShippedFolder(folder);
    });
}
