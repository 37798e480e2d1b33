import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryTableHtml } from '../../reports/summary-table.js';
const errs = (mape) => ({ overall: { count: 4, mape, p90_ape: mape * 2, worst_ape: mape * 3 } });
test('calibration groups are judged against their targets; groups the page does not know are listed, not dropped', () => {
    const input = {
        title: 't', sources: [], runs: [], studyPoints: [], capacities: [], calibration: [],
        calibrationFiles: [{
                file: 'v.json',
                summary: {
                    gpu: 'H200', forward: errs(0.03), concurrent_decode: errs(0.12), concurrent_prefill: errs(0.2), clock_regime: errs(0.01),
                    targets: { forward_mape: 0.05, concurrent_decode_mape: 0.1 }, pass: { forward: true, concurrent_decode: false },
                },
            }],
    };
    const html = summaryTableHtml(input);
    assert.match(html, /<td>forward<\/td><td class="num">4<\/td><td class="num">3\.00%<\/td>.*?<td class="num">≤ 5%<\/td><td class="pass">PASS<\/td>/);
    assert.match(html, /<td>concurrent decode<\/td>.*?<td class="fail">FAIL<\/td>/);
    assert.match(html, /<td>clock regime<\/td>.*?<td>reported, no target<\/td>/);
    assert.match(html, /<td>concurrent prefill<\/td>/);
});
