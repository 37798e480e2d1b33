/**
 * A dense decoder-only transformer, as the latency model and KV cache see it.
 * Values come from the model's published config (configs/models/*.yaml); parsed once at the edge
 * by sim/config/load-model.ts, so every field here is present and validated.
 */
export interface ModelSpec {
  readonly name: string;
  readonly numLayers: number;
  readonly hiddenSize: number;
  readonly numQHeads: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  /** SwiGLU intermediate size: gate and up are hidden→ffn, down is ffn→hidden. */
  readonly ffnSize: number;
  readonly vocabSize: number;
  /** Bytes per element of weights, activations and KV cache (bf16 = 2). */
  readonly dtypeBytes: number;
  /** Whether the LM head shares the embedding matrix (changes weight bytes, not FLOPs). */
  readonly tiedEmbeddings: boolean;
  /** Qwen3 applies RMSNorm per head to q and k before RoPE. */
  readonly qkNorm: boolean;
  /**
   * Longest context the model serves, tokens (its config's max_position_embeddings, which vLLM and SGLang
   * take as the default max_model_len / context_length). Absent means no limit: a user YAML without
   * `maxModelLen`, or a calibration plan's model (calibrate/parse-plan.ts), which only the latency model reads.
   */
  readonly maxModelLenTokens?: number;
  /** Where the numbers came from (a URL to the published config). */
  readonly source: string;
}

/** Number of parameters, embeddings and LM head included. */
export function parameterCount(m: ModelSpec): number {
  const d = m.hiddenSize;
  const qDim = m.numQHeads * m.headDim;
  const kvDim = m.numKvHeads * m.headDim;
  const attn = d * (qDim + 2 * kvDim) + qDim * d;
  const mlp = 3 * d * m.ffnSize;
  const norms = 2 * d + (m.qkNorm ? 2 * m.headDim : 0);
  const perLayer = attn + mlp + norms;
  const embed = m.vocabSize * d;
  const lmHead = m.tiedEmbeddings ? 0 : m.vocabSize * d;
  return m.numLayers * perLayer + embed + lmHead + d;
}

export function weightBytes(m: ModelSpec): number {
  return parameterCount(m) * m.dtypeBytes;
}

/** KV cache bytes for one token across all layers (K and V). */
export function kvBytesPerToken(m: ModelSpec): number {
  return 2 * m.numLayers * m.numKvHeads * m.headDim * m.dtypeBytes;
}
