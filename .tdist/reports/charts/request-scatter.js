import { CHART_HEIGHT, CHART_WIDTH, withGuides } from '../chart.js';
import { sloGuides } from '../slo-guides.js';
/** Colours of the two verdicts: blue met, vermilion missed (Okabe & Ito). */
const VERDICT = { domain: ['met every SLO', 'missed an SLO'], range: ['#0072B2', '#D55E00'] };
/** Per request (the results' sample): prompt length against TTFT, coloured by whether it met every SLO; a panel per run. */
export function requestScatterChart(input) {
    const rows = input.runs.flatMap((r) => (r.result.request_sample?.requests ?? [])
        .filter((q) => q.prompt_tokens > 0 && q.ttft_ms > 0)
        .map((q) => ({ run: r.label, id: q.id, prompt_tokens: q.prompt_tokens, ttft_ms: q.ttft_ms, tbt_ms: q.tbt_ms, e2e_ms: q.e2e_ms, slo: q.meets_slo ? VERDICT.domain[0] : VERDICT.domain[1] })));
    if (rows.length === 0)
        return null;
    const every = Math.max(...input.runs.map((r) => r.result.request_sample?.every ?? 1));
    const unit = {
        mark: { type: 'point', filled: true, size: 18, opacity: 0.75 },
        encoding: {
            x: { field: 'prompt_tokens', type: 'quantitative', title: 'prompt length (tokens)', scale: { type: 'log' } },
            y: { field: 'ttft_ms', type: 'quantitative', title: 'TTFT (ms)', scale: { type: 'log' } },
            color: { field: 'slo', type: 'nominal', title: null, scale: VERDICT, legend: { orient: 'bottom' } },
            tooltip: [{ field: 'id', type: 'quantitative' }, { field: 'prompt_tokens', type: 'quantitative' }, { field: 'ttft_ms', type: 'quantitative' }, { field: 'tbt_ms', type: 'quantitative' }, { field: 'slo', type: 'nominal' }],
        },
    };
    const layered = withGuides(unit, sloGuides(input, 'ttft_ms', 'y'));
    return {
        id: 'request-scatter',
        title: 'Which requests missed: prompt length vs TTFT',
        caption: `One dot per request${every > 1 ? ` (every ${every}th finished request, evenly over the run)` : ''}: its prompt length and time to first token, on log axes, coloured by whether it met every SLO. ` +
            'Misses along the top right are long prompts waiting for prefill; misses at normal TTFT failed the TBT target instead.',
        rows,
        spec: input.runs.length > 1
            ? { facet: { row: { field: 'run', type: 'nominal', title: null } }, spec: { width: CHART_WIDTH, height: CHART_HEIGHT, ...layered } }
            : { width: CHART_WIDTH, height: CHART_HEIGHT, ...layered },
    };
}
