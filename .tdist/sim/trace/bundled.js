import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
/** The catalogue, keyed by the names users type (`--trace azure-conv`). */
export const BUNDLED_TRACES = {
    'azure-conv': {
        path: 'traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv',
        format: 'azure-csv',
        description: 'Azure LLM inference 2023, conversation service: 19,366 requests over ~58 min (Patel et al., ISCA 2024)',
        requestCount: 19_366,
        arrivalBucketMs: null,
    },
    'azure-code': {
        path: 'traces/azure-llm-2023/AzureLLMInferenceTrace_code.csv',
        format: 'azure-csv',
        description: 'Azure LLM inference 2023, coding service: 8,819 requests over ~57 min (Patel et al., ISCA 2024)',
        requestCount: 8_819,
        arrivalBucketMs: null,
    },
    'mooncake-conv': {
        path: 'traces/mooncake-fast25/conversation_trace.jsonl',
        format: 'mooncake-jsonl',
        description: "Mooncake FAST'25 conversation trace (Kimi): 12,031 requests over ~59 min, arrivals in ~3 s buckets, 512-token prefix hashes",
        requestCount: 12_031,
        arrivalBucketMs: 3000,
    },
    'mooncake-synthetic': {
        path: 'traces/mooncake-fast25/synthetic_trace.jsonl',
        format: 'mooncake-jsonl',
        description: "Mooncake FAST'25 synthetic trace: 3,993 requests, public-dataset lengths with Poisson arrivals (not real arrivals)",
        requestCount: 3_993,
        arrivalBucketMs: null,
    },
    sharegpt: {
        path: 'traces/sharegpt-length-stats/sharegpt_8k_filtered_stats_llama2_tokenizer.csv',
        format: 'sharegpt-lengths',
        description: 'ShareGPT length table (sarathi-serve, Llama-2 tokenizer, <= ~8k tokens): 30,731 rows, lengths only, needs generated arrivals',
        requestCount: 30_731,
        arrivalBucketMs: null,
    },
};
/** What `duetsim replay` uses when no trace is named. */
export const DEFAULT_TRACE = 'azure-conv';
export function isBundledTrace(name) {
    return Object.hasOwn(BUNDLED_TRACES, name);
}
/** Absolute path of a bundled trace, wherever the process was started from. */
/**
 * The spread a simulation applies by default to a trace's quantised arrivals (its bucket width, ms), or
 * undefined. `replay`, `whatif` and `trace stats` all use it, so they select the same requests.
 */
export function defaultSpreadBucketsMs(name) {
    return isBundledTrace(name) ? (BUNDLED_TRACES[name].arrivalBucketMs ?? undefined) : undefined;
}
export function bundledTracePath(name) {
    return join(packageRoot(), ...BUNDLED_TRACES[name].path.split('/'));
}
let cachedRoot = null;
/**
 * The duetsim package root: the nearest folder above this module holding duetsim's package.json. Walking
 * up (instead of a fixed '../..') works both from sim/trace/*.ts and from the compiled dist/sim/trace/*.js,
 * and after `npm ci` where the package sits under node_modules/duetsim.
 */
export function packageRoot() {
    if (cachedRoot !== null)
        return cachedRoot;
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
        const manifest = join(dir, 'package.json');
        if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'duetsim') {
            cachedRoot = dir;
            return dir;
        }
        const parent = dirname(dir);
        if (parent === dir)
            throw new Error(`cannot find duetsim's package.json above ${fileURLToPath(import.meta.url)}`);
        dir = parent;
    }
}
