import { readFileSync } from 'node:fs';
import { decodePng } from './png.js';
/**
 * Judges whether a chart was really drawn, from what the page measured (reports/page-script.ts) and
 * the screenshot. Counting scenegraph items is not enough: a CDF whose values are all null still has
 * 101 items, and a zero-size, transparent or off-domain chart has as many as a good one. So a chart
 * passes only if it has data marks, every mark's coordinates are finite and inside its panel's plot
 * area, each axis's domain covers the data of its fields, and every panel shows coloured pixels.
 */
/** Coloured pixels a panel must show. A short line segment is about this many; gridlines and axes are grey and do not count. */
export const MIN_INK_PIXELS = 20;
/** max − min of R, G, B: grey (axes, gridlines, text, white) is near 0, the palette's colours far above. */
const INK_CHROMA = 60;
export function inkPixels(img, box) {
    let n = 0;
    const x0 = Math.max(0, Math.floor(box.x));
    const y0 = Math.max(0, Math.floor(box.y));
    const x1 = Math.min(img.width, Math.ceil(box.x + box.w));
    const y1 = Math.min(img.height, Math.ceil(box.y + box.h));
    for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
            const o = (y * img.width + x) * 4;
            const r = img.rgba[o];
            const g = img.rgba[o + 1];
            const b = img.rgba[o + 2];
            if (Math.max(r, g, b) - Math.min(r, g, b) >= INK_CHROMA)
                n++;
        }
    }
    return n;
}
/** What is wrong with one chart, in words (empty when it was drawn). */
export function chartProblems(st, shot) {
    const out = [];
    if (st.marks === 0)
        out.push('no data marks');
    if (st.nonFinite > 0)
        out.push(`${st.nonFinite} mark(s) with non-finite coordinates`);
    if (st.outside > 0)
        out.push(`${st.outside} mark(s) outside the plot area`);
    if (st.emptyPlots > 0 || st.plots.length === 0)
        out.push('a plot area of zero size');
    for (const d of st.domains) {
        if (d.data === null)
            continue;
        if (d.domain === null) {
            out.push(`no ${d.channel} scale for ${d.fields.join(', ')}`);
            continue;
        }
        const tol = 1e-9 * Math.max(1, Math.abs(d.data[0]), Math.abs(d.data[1]));
        if (d.domain[0] > d.data[0] + tol || d.domain[1] < d.data[1] - tol)
            out.push(`${d.channel} domain [${d.domain.join(', ')}] does not cover the data [${d.data.join(', ')}]`);
    }
    if (shot !== null) {
        st.plots.forEach((p, i) => {
            if (p.y + p.h > shot.height || p.x + p.w > shot.width)
                out.push(`panel ${i} lies outside the screenshot`);
            else if (inkPixels(shot, p) < MIN_INK_PIXELS)
                out.push(`panel ${i} shows no coloured pixels`);
        });
    }
    if (st.examples.length > 0 && out.length > 0)
        out.push(`e.g. ${st.examples.join('; ')}`);
    return out;
}
/** Problems of every chart on a page, by chart id (charts without problems left out). */
export function pageChartProblems(status, screenshotPng) {
    const shot = screenshotPng === null ? null : decodePng(readFileSync(screenshotPng));
    const out = {};
    for (const [id, st] of Object.entries(status.charts)) {
        const p = chartProblems(st, shot);
        if (p.length > 0)
            out[id] = p;
    }
    return out;
}
