import { JsonFields } from '../sim/input/json-fields.js';
import { ProblemList } from '../sim/input/problem-list.js';
export function parseTorchRef(text, file) {
    const problems = new ProblemList(file);
    const f = JsonFields.document(text, problems, 'calib.');
    const meta = f.child('meta');
    const rows = f.children('results').map((r) => {
        const seqs = r.array('seqs');
        const chunks = seqs.map((s, i) => {
            const pair = Array.isArray(s) ? s : [];
            const [q, c] = [r.checkNum(`seqs[${i}][0]`, pair[0], { integer: true, min: 1 }), r.checkNum(`seqs[${i}][1]`, pair[1], { integer: true })];
            return { newTokens: q, cachedTokens: c };
        });
        const error = r.has('error') ? r.str('error') : null;
        const op = r.has('op') ? r.oneOf('op', ['attn_prefill', 'attn_decode']) : 'attn_prefill';
        return { op, shape: r.str('shape'), baseline: r.str('baseline'), hq: r.int('hq', 1), hkv: r.int('hkv', 1), chunks, medianUs: error === null ? r.num('median_us') : null, error };
    });
    const out = { gpu: meta ? meta.str('gpu') : '', smCount: meta ? meta.int('sm_count', 1) : NaN, torchVersion: meta && meta.has('torch') ? meta.str('torch') : '', rows };
    problems.throwIfAny();
    return out;
}
