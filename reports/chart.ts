/**
 * One chart of the report: its data rows (also what the CSV download holds) and a vega-lite spec
 * without data; the page attaches the rows as inline values at render time. Every row becomes exactly
 * one mark (a line vertex, a point or a bar), which is what the browser test checks.
 */
export type Cell = string | number | boolean | null;
export type Row = Readonly<Record<string, Cell>>;

export interface ChartSection {
  /** Element id and CSV file name; kebab-case. */
  readonly id: string;
  readonly title: string;
  /** Plain-language explanation shown under the title. */
  readonly caption: string;
  readonly rows: readonly Row[];
  readonly spec: Readonly<Record<string, unknown>>;
}

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 260;

export interface LineChartOptions {
  readonly x: string;
  readonly y: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Field that tells lines apart (one line each). */
  readonly series: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  /** Small multiples: one panel per value of this field, each with its own y scale. */
  readonly facetRow?: string;
  /** Panel order, top to bottom (default: alphabetical). */
  readonly facetOrder?: readonly string[];
}

/** A line per series; tooltips show the series and both coordinates. */
export function lineSpec(o: LineChartOptions): Record<string, unknown> {
  const unit = {
    // No point overlay: it would add a second mark per row and break the one-mark-per-row rule above.
    mark: { type: 'line', interpolate: 'linear', strokeWidth: 1.5 },
    encoding: {
      x: { field: o.x, type: 'quantitative', title: o.xTitle, scale: o.xLog ? { type: 'log' } : { zero: false } },
      y: { field: o.y, type: 'quantitative', title: o.yTitle, scale: o.yLog ? { type: 'log' } : {} },
      color: { field: o.series, type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 400 } },
      order: { field: o.x, type: 'quantitative' },
      tooltip: [{ field: o.series, type: 'nominal' }, { field: o.x, type: 'quantitative' }, { field: o.y, type: 'quantitative' }],
    },
  };
  if (o.facetRow === undefined) return { width: CHART_WIDTH, height: CHART_HEIGHT, ...unit };
  return {
    facet: { row: { field: o.facetRow, type: 'nominal', title: null, ...(o.facetOrder ? { sort: o.facetOrder } : {}) } },
    spec: { width: CHART_WIDTH, height: CHART_HEIGHT / 2, ...unit },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Horizontal bars, one per row, labelled by `category`. */
export function barSpec(category: string, value: string, valueTitle: string, colorField: string): Record<string, unknown> {
  return {
    width: CHART_WIDTH,
    mark: { type: 'bar' },
    encoding: {
      y: { field: category, type: 'nominal', title: null, sort: '-x', axis: { labelLimit: 300 } },
      x: { field: value, type: 'quantitative', title: valueTitle },
      color: { field: colorField, type: 'nominal', title: 'policy', legend: { orient: 'bottom' } },
      tooltip: [{ field: category, type: 'nominal' }, { field: value, type: 'quantitative', format: '.3~f' }],
    },
  };
}
