import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportInput } from '../../reports/report-input.js';
import { summaryTableHtml } from '../../reports/summary-table.js';

const errs = (mape: number) => ({ overall: { count: 4, mape, p90_ape: mape * 2, worst_ape: mape * 3 } });

test('calibration groups are judged against their targets; groups the page does not know are listed, not dropped', () => {
  const input: ReportInput = {
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
  // The mean signed error where the file carries it (validation since 2026-12-06), – where it does not.
  assert.match(html, /<th>mean signed \(\+: priced slow\)<\/th>/);
  assert.match(html, /<td>forward<\/td>(<td class="num">[^<]*<\/td>){4}<td class="num">–<\/td>/);
  const signed = summaryTableHtml({ ...input, calibrationFiles: [{ file: 'w.json', summary: { forward: { overall: { ...errs(0.03).overall, mean_signed_error: -0.021 } }, decode: { overall: { ...errs(0.03).overall, mean_signed_error: 0.015 } } } }] });
  assert.match(signed, /<td>forward<\/td>(<td class="num">[^<]*<\/td>){4}<td class="num">-2\.10%<\/td>/);
  assert.match(signed, /<td>decode<\/td>(<td class="num">[^<]*<\/td>){4}<td class="num">\+1\.50%<\/td>/);
});
