/**
 * The script the report page runs (plain browser JS, kept as text because it runs in the page, not in
 * Node). It renders every chart with vega-embed from the embedded data, builds the CSV download links
 * from the same rows, and keeps a status record in #duetsim-status that browser tests read from the
 * dumped DOM (test/util/chart-checks.ts judges it). Per chart the record holds:
 *
 * - `marks`: data mark items drawn (axes, legends and titles left out);
 * - `nonFinite` / `outside`: data mark items with a NaN or infinite coordinate, or lying outside the
 *   plot area of their panel (half a pixel of slack), with up to three examples;
 * - `plots`: every plot area (panel) in page pixels, for the screenshot's pixel check, and `emptyPlots`
 *   (panels of zero width or height);
 * - `guides`: per reference layer (mark name `guide_*`), its items drawn and those outside the plot
 *   area, so a test can tell a reference mark was drawn where it belongs;
 * - `domains`: per channel with a quantitative field, the extent of the data and the union of the
 *   domains of that channel's scales, so a test can check the axes cover the data.
 *
 * Errors, unhandled rejections, console.error and Content-Security-Policy violations all go to
 * `errors`. Vega is run with its expression interpreter (`ast: true`), so the page needs no eval.
 * It must not contain a closing script tag; render-html.ts checks.
 */
export const PAGE_SCRIPT = String.raw `(function () {
  'use strict';
  var status = { done: false, charts: {}, errors: [], page: null };
  var statusEl = document.getElementById('duetsim-status');
  function writeStatus() { statusEl.textContent = JSON.stringify(status); }
  window.addEventListener('error', function (e) { status.errors.push('error: ' + e.message); writeStatus(); });
  window.addEventListener('unhandledrejection', function (e) { status.errors.push('rejection: ' + e.reason); writeStatus(); });
  document.addEventListener('securitypolicyviolation', function (e) {
    status.errors.push('csp: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + (e.sample || '') + ')');
    writeStatus();
  });
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

  // Roles of vega-lite's guide marks: their items sit outside the plot area by design.
  var GUIDE = /^(axis|legend|title)/;
  var SLACK = 0.5;
  function finite(v) { return typeof v === 'number' && isFinite(v); }

  // Walks the scenegraph from a mark; data marks are checked against the plot area that holds them. (ox, oy) is the group origin in
  // scene coordinates.
  function walkMark(mark, ox, oy, area, acc) {
    if (!mark || !mark.items) return;
    if (mark.role && GUIDE.test(mark.role)) return;
    if (mark.marktype === 'group') {
      mark.items.forEach(function (g) {
        var gx = ox + (g.x || 0), gy = oy + (g.y || 0);
        var here = area;
        // A plot area is a group that holds data marks itself: a unit chart's root, a facet cell, a layer's
        // parent. Facet roots, legends and headers are groups too, but hold no data marks directly.
        var holdsData = (g.items || []).some(function (m) { return m.role === 'mark' && m.marktype !== 'group'; });
        if (holdsData) {
          here = { x: gx, y: gy, w: finite(g.width) ? g.width : 0, h: finite(g.height) ? g.height : 0 };
          acc.plots.push(here);
        }
        (g.items || []).forEach(function (m) { walkMark(m, gx, gy, here, acc); });
      });
      return;
    }
    if (mark.role !== 'mark') return;
    // Reference lines (SLO targets, capacity) are layers named guide_*: checked like data, not counted as data.
    var guide = /^guide/.test(mark.name || '');
    var ref = guide ? (acc.guides[mark.name] = acc.guides[mark.name] || { marks: 0, outside: 0 }) : null;
    mark.items.forEach(function (it) {
      if (ref) ref.marks++; else acc.marks++;
      var xs = [], ys = [], bad = false;
      function px(v) { if (v === undefined) return; if (!finite(v)) bad = true; else xs.push(ox + v); }
      function py(v) { if (v === undefined) return; if (!finite(v)) bad = true; else ys.push(oy + v); }
      px(it.x); py(it.y); px(it.x2); py(it.y2);
      if (it.width !== undefined) px((it.x || 0) + it.width);
      if (it.height !== undefined) py((it.y || 0) + it.height);
      if (mark.marktype === 'line' || mark.marktype === 'area') { if (it.x === undefined || it.y === undefined) bad = true; }
      if (bad) { acc.nonFinite++; if (acc.examples.length < 3) acc.examples.push('non-finite ' + mark.marktype + ' ' + JSON.stringify(it.datum)); return; }
      if (!area) return;
      var out = xs.some(function (v) { return v < area.x - SLACK || v > area.x + area.w + SLACK; }) ||
        ys.some(function (v) { return v < area.y - SLACK || v > area.y + area.h + SLACK; });
      if (out) { acc.outside++; if (ref) ref.outside++; if (acc.examples.length < 3) acc.examples.push('outside ' + mark.marktype + ' ' + JSON.stringify(it.datum)); }
    });
  }

  // Every scale of every (sub)context: vega keeps a facet cell's independent scales in a subcontext
  // of the runtime, which the public View API (view.scale(name)) cannot reach.
  function collectScales(ctx, out) {
    if (!ctx) return;
    Object.keys(ctx.scales || {}).forEach(function (name) {
      var s = ctx.scales[name] && ctx.scales[name].value;
      if (s && typeof s.domain === 'function') out.push({ name: name, scale: s });
    });
    (ctx.subcontext || []).forEach(function (c) { collectScales(c, out); });
  }

  function encodings(spec) {
    var out = [];
    function add(s) {
      if (!s) return;
      if (s.encoding) out.push(s.encoding);
      (s.layer || []).forEach(add);
      add(s.spec);
    }
    add(spec);
    return out;
  }

  function domainCheck(view, spec, rows) {
    var scales = [];
    collectScales(view._runtime, scales);
    var result = [];
    ['x', 'y'].forEach(function (ch) {
      var fields = [];
      encodings(spec).forEach(function (e) {
        var enc = e[ch];
        if (enc && enc.field && enc.type === 'quantitative' && fields.indexOf(enc.field) < 0) fields.push(enc.field);
      });
      if (fields.length === 0) return;
      var lo = Infinity, hi = -Infinity;
      rows.forEach(function (r) { fields.forEach(function (f) { var v = r[f]; if (finite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }); });
      var dlo = Infinity, dhi = -Infinity, n = 0;
      scales.forEach(function (s) {
        if (s.name !== ch && !new RegExp('_' + ch + '$').test(s.name)) return;
        var d = s.scale.domain();
        if (d.length < 2 || !finite(+d[0]) || !finite(+d[d.length - 1])) return;
        n++;
        dlo = Math.min(dlo, +d[0], +d[d.length - 1]);
        dhi = Math.max(dhi, +d[0], +d[d.length - 1]);
      });
      result.push({ channel: ch, fields: fields, data: lo <= hi ? [lo, hi] : null, domain: n > 0 ? [dlo, dhi] : null });
    });
    return result;
  }

  function inspect(c, result) {
    var view = result.view;
    var acc = { marks: 0, nonFinite: 0, outside: 0, examples: [], plots: [], guides: {} };
    var svg = document.querySelector('#chart-' + c.id + ' svg');
    var rect = svg ? svg.getBoundingClientRect() : { left: 0, top: 0 };
    var origin = view.origin();
    walkMark(view.scenegraph().root, 0, 0, null, acc);
    // Each line series is a group of its own, sized like the plot it sits in: one area, kept once.
    var seen = {};
    var plots = acc.plots.map(function (p) {
      return { x: rect.left + window.scrollX + origin[0] + p.x, y: rect.top + window.scrollY + origin[1] + p.y, w: p.w, h: p.h };
    }).filter(function (p) { var k = [p.x, p.y, p.w, p.h].join(); return seen[k] ? false : (seen[k] = true); });
    return {
      marks: acc.marks, nonFinite: acc.nonFinite, outside: acc.outside, examples: acc.examples, guides: acc.guides,
      plots: plots.filter(function (p) { return p.w > 0 && p.h > 0; }),
      emptyPlots: plots.filter(function (p) { return !(p.w > 0 && p.h > 0); }).length,
      domains: domainCheck(view, c.spec, c.rows),
    };
  }

  var data = JSON.parse(document.getElementById('duetsim-data').textContent);
  var jobs = data.charts.map(function (c) {
    var link = document.getElementById('csv-' + c.id);
    link.href = URL.createObjectURL(new Blob([toCsv(c.rows)], { type: 'text/csv' }));
    var spec = Object.assign({}, c.spec, { data: { values: c.rows } });
    // ast: vega interprets expressions instead of compiling them with new Function, so the page's CSP
    // can leave out 'unsafe-eval'. defaultStyle: false keeps vega-embed from adding a <style> element,
    // which a CSP without 'unsafe-inline' styles would block (vega-tooltip likewise); the page's own stylesheet styles both.
    return vegaEmbed('#chart-' + c.id, spec, { actions: false, renderer: 'svg', mode: 'vega-lite', ast: true, defaultStyle: false, tooltip: { disableDefaultStyle: true } }).then(
      function (result) { status.charts[c.id] = inspect(c, result); },
      function (err) { status.errors.push(c.id + ': ' + err); }
    );
  });
  Promise.all(jobs).then(function () {
    status.page = { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight };
    status.done = true;
    writeStatus();
  });
})();`;
