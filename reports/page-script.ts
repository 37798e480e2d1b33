/**
 * The script the report page runs (plain browser JS, kept as text because it runs in the page, not in
 * Node). It renders every chart with vega-embed from the embedded data, builds the CSV download links
 * from the same rows, and keeps a status record in #duetsim-status: per chart the number of marks drawn
 * (every non-group mark item), plus any error or console.error. Browser tests read that record from
 * the dumped DOM. It must not contain a closing script tag; render-html.ts checks.
 */
export const PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var status = { done: false, charts: {}, errors: [] };
  var statusEl = document.getElementById('duetsim-status');
  function writeStatus() { statusEl.textContent = JSON.stringify(status); }
  window.addEventListener('error', function (e) { status.errors.push('error: ' + e.message); writeStatus(); });
  window.addEventListener('unhandledrejection', function (e) { status.errors.push('rejection: ' + e.reason); writeStatus(); });
  var consoleError = console.error;
  console.error = function () {
    status.errors.push('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    writeStatus();
    consoleError.apply(console, arguments);
  };

  // A cell that starts like a formula is prefixed with ' so spreadsheets show it as text.
  function csvCell(v) {
    if (v === null || v === undefined) return '';
    var s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function toCsv(rows) {
    var cols = [];
    rows.forEach(function (r) { Object.keys(r).forEach(function (k) { if (cols.indexOf(k) < 0) cols.push(k); }); });
    var lines = [cols.map(csvCell).join(',')];
    rows.forEach(function (r) { lines.push(cols.map(function (c) { return csvCell(r[c]); }).join(',')); });
    return lines.join('\r\n') + '\r\n';
  }
  function countMarks(node) {
    if (!node) return 0;
    var n = 0;
    if (node.marktype && node.marktype !== 'group' && node.role === 'mark') n += (node.items || []).length;
    (node.items || []).forEach(function (item) { n += countMarks(item); });
    return n;
  }

  var data = JSON.parse(document.getElementById('duetsim-data').textContent);
  var jobs = data.charts.map(function (c) {
    var link = document.getElementById('csv-' + c.id);
    link.href = URL.createObjectURL(new Blob([toCsv(c.rows)], { type: 'text/csv' }));
    var spec = Object.assign({}, c.spec, { data: { values: c.rows } });
    return vegaEmbed('#chart-' + c.id, spec, { actions: false, renderer: 'svg', mode: 'vega-lite' }).then(
      function (result) { status.charts[c.id] = countMarks(result.view.scenegraph().root); },
      function (err) { status.errors.push(c.id + ': ' + err); }
    );
  });
  Promise.all(jobs).then(function () { status.done = true; writeStatus(); });
})();`;
