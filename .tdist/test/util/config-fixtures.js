/** A small valid model YAML (one key a line, in this order), for loader tests to break one field at a time. */
export const TINY_MODEL_YAML = [
    'name: tiny',
    'numLayers: 2',
    'hiddenSize: 64',
    'numQHeads: 4',
    'numKvHeads: 2',
    'headDim: 16',
    'ffnSize: 128',
    'vocabSize: 1000',
    'dtype: bfloat16',
    'tiedEmbeddings: true',
    'source: https://example.org/config.json',
    '',
].join('\n');
/** 1-based number of the first line of `text` containing `needle`; 0 when none does. */
export function lineOf(text, needle) {
    return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}
