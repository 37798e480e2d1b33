import { JsonFields } from '../sim/input/json-fields.js';
import { ProblemList } from '../sim/input/problem-list.js';

/**
 * PyTorch baselines of the attention kernels, as cuda/tests/bench_attn_prefill.py and
 * cuda/tools/torch_attention_ref.py write them: `{"meta":{gpu, sm_count, torch, cuda, …}, "results":[{op?,
 * shape, hq, hkv, seqs:[[new, cached]…], baseline, median_us, …} | {…, error}]}`, all on the whole GPU
 * (a decode sequence is [1, context − 1]). A baseline PyTorch refused (`error`) is kept with
 * its message so the quality report can say so rather than drop it.
 */
export interface TorchRefRow {
  /** bench_attn_prefill.py writes no `op` (prefill only); torch_attention_ref.py writes both kinds. */
  readonly op: 'attn_prefill' | 'attn_decode';
  readonly shape: string;
  readonly baseline: string;
  readonly hq: number;
  readonly hkv: number;
  readonly chunks: readonly { readonly newTokens: number; readonly cachedTokens: number }[];
  /** null when the baseline failed on this shape. */
  readonly medianUs: number | null;
  readonly error: string | null;
}

export interface TorchRef {
  readonly gpu: string;
  readonly smCount: number;
  readonly torchVersion: string;
  readonly rows: readonly TorchRefRow[];
}

export function parseTorchRef(text: string, file: string): TorchRef {
  const problems = new ProblemList(file);
  const f = JsonFields.document(text, problems, 'calib.');
  const meta = f.child('meta');
  const rows = f.children('results').map((r): TorchRefRow => {
    const seqs = r.array('seqs');
    const chunks = seqs.map((s, i) => {
      const pair = Array.isArray(s) ? s : [];
      const [q, c] = [r.checkNum(`seqs[${i}][0]`, pair[0], { integer: true, min: 1 }), r.checkNum(`seqs[${i}][1]`, pair[1], { integer: true })];
      return { newTokens: q, cachedTokens: c };
    });
    const error = r.has('error') ? r.str('error') : null;
    const op = r.has('op') ? r.oneOf('op', ['attn_prefill', 'attn_decode'] as const) : 'attn_prefill';
    return { op, shape: r.str('shape'), baseline: r.str('baseline'), hq: r.int('hq', 1), hkv: r.int('hkv', 1), chunks, medianUs: error === null ? r.num('median_us') : null, error };
  });
  const out = { gpu: meta ? meta.str('gpu') : '', smCount: meta ? meta.int('sm_count', 1) : NaN, torchVersion: meta && meta.has('torch') ? meta.str('torch') : '', rows };
  problems.throwIfAny();
  return out;
}
