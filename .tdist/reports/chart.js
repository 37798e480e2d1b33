export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 260;
/**
 * Series colours: Okabe & Ito's colour-blind-safe set (Color Universal Design, 2008) without its black
 * and yellow (too faint on white), then Paul Tol's wine, teal and olive: 8 colours far apart in hue.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#882255', '#999933'];
/** Reference lines: dark grey, dashed. */
export const GUIDE_COLOR = '#333333';
/** A colour scale that gives each name of `domain` its own palette colour, the same one in every chart of the page. */
export function colorScale(domain) {
    return { domain: [...domain], range: domain.map((_, i) => PALETTE[i % PALETTE.length]) };
}
/** A line per series; tooltips show the series and both coordinates. */
export function lineSpec(o) {
    const unit = {
        mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.75, ...(o.points ? { point: { size: 28 } } : {}) },
        encoding: {
            x: { field: o.x, type: 'quantitative', title: o.xTitle, scale: o.xLog ? { type: 'log' } : { zero: false } },
            y: { field: o.y, type: 'quantitative', title: o.yTitle, scale: o.yLog ? { type: 'log' } : o.yDomain ? { domain: [...o.yDomain] } : {} },
            color: {
                field: o.series, type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 400 },
                // The order goes in the scale's domain (data), not a `sort` array: vega-lite turns a sort array into an
                // expression with the names as string literals, which a name holding U+2028 breaks.
                ...(o.seriesOrder ? { scale: colorScale(o.seriesOrder) } : {}),
            },
            order: { field: o.x, type: 'quantitative' },
            tooltip: [{ field: o.series, type: 'nominal' }, { field: o.x, type: 'quantitative' }, { field: o.y, type: 'quantitative' }],
        },
    };
    const layered = withGuides(unit, o.guides ?? []);
    if (o.facetRow === undefined)
        return { width: CHART_WIDTH, height: CHART_HEIGHT, ...layered };
    return {
        facet: { row: { field: o.facetRow, type: 'nominal', title: null, ...(o.facetOrder ? { sort: o.facetOrder } : {}) } },
        spec: { width: CHART_WIDTH, height: CHART_HEIGHT / 2, ...layered },
        resolve: { scale: { y: o.sharedY ? 'shared' : 'independent' } },
    };
}
/**
 * The unit spec with reference-line layers over it. Each guide layer carries its own values, so in a
 * faceted chart it is drawn in every panel (targets hold for all of them).
 */
export function withGuides(unit, guides) {
    if (guides.length === 0)
        return unit;
    const layers = ['x', 'y'].flatMap((axis) => {
        const values = guides.filter((g) => g.axis === axis).map((g) => ({ guide_value: g.value, guide_label: g.label }));
        if (values.length === 0)
            return [];
        const pos = { field: 'guide_value', type: 'quantitative' };
        return [
            { name: `guide_${axis}_rule`, data: { values }, mark: { type: 'rule', color: GUIDE_COLOR, strokeDash: [6, 4], strokeWidth: 1.25 }, encoding: { [axis]: pos, tooltip: [{ field: 'guide_label', type: 'nominal' }] } },
            {
                name: `guide_${axis}_label`, data: { values },
                mark: axis === 'x' ? { type: 'text', color: GUIDE_COLOR, align: 'left', baseline: 'top', dx: 3, y: 2, fontSize: 11 } : { type: 'text', color: GUIDE_COLOR, align: 'right', baseline: 'bottom', dy: -2, x: 'width', fontSize: 11 },
                encoding: { [axis]: pos, text: { field: 'guide_label', type: 'nominal' } },
            },
        ];
    });
    return { layer: [unit, ...layers] };
}
/** Horizontal bars, one per row, labelled by `category`. */
export function barSpec(category, value, valueTitle, colorField, colorOrder) {
    return {
        width: CHART_WIDTH,
        mark: { type: 'bar' },
        encoding: {
            y: { field: category, type: 'nominal', title: null, sort: '-x', axis: { labelLimit: 300 } },
            x: { field: value, type: 'quantitative', title: valueTitle },
            color: { field: colorField, type: 'nominal', title: 'policy', legend: { orient: 'bottom' }, ...(colorOrder ? { scale: colorScale(colorOrder) } : {}) },
            tooltip: [{ field: category, type: 'nominal' }, { field: value, type: 'quantitative', format: '.3~f' }],
        },
    };
}
