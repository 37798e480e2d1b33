import { test } from 'node:test';
import { checkShippedFolder } from '../../util/shipped-data.js';

/** Our executor's own-kernel calibrations of 2026-12-04, 2026-12-06 and 2026-12-07 (H200) and 2026-12-05, 2026-12-06 and 2026-12-07 (H100) (test/util/shipped-data.ts says what is checked). */
for (const folder of ['h200-2026-12-07-own-kernels-r14', 'h100-2026-12-07-own-kernels-r14', 'h200-2026-12-06-own-kernels', 'h200-2026-12-04-own-kernels-cudnn', 'h200-2026-12-04-own-kernels', 'h100-2026-12-06-own-kernels-r12', 'h100-2026-12-06-own-kernels', 'h100-2026-12-05-own-kernels']) {
  test(`calibrate/data/${folder}: held-out errors stay within the reported figures`, () => {
    checkShippedFolder(folder);
  });
}
