import { ProblemList } from '../input/problem-list.js';
import { MAX_TRACE_PROBLEMS } from './trace-format.js';
import { splitLines } from './split-lines.js';
import { ArrivalOrder } from './arrival-order.js';
import { checkKnownKeys, parseJsonObjectLine } from '../input/json-line.js';
import { checkHashIds, checkMsValue } from './trace-fields.js';
import { checkCountValue } from './token-count.js';
/**
 * Block size behind `hash_ids`: "remapped prefix-block hashes with a block size of 512 tokens"
 * (kvcache-ai/Mooncake FAST25-release README; traces/README.md).
 */
export const MOONCAKE_HASH_BLOCK_TOKENS = 512;
const FIELDS = ['timestamp', 'input_length', 'output_length', 'hash_ids'];
/**
 * Mooncake FAST'25 JSONL: `{"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [...]}`
 * per line, no header. The conversation trace's timestamps are quantised to ~3 s buckets, so many rows
 * share one; spreading them is a workload option (sim/workload/spread-arrivals.ts), not the loader's job.
 */
function parseMooncakeJsonl(text, file) {
    const problems = new ProblemList(file, { maxProblems: MAX_TRACE_PROBLEMS });
    const order = new ArrivalOrder(problems, 'timestamp');
    const records = [];
    for (const nl of splitLines(text)) {
        const obj = parseJsonObjectLine(nl.text, nl.line, problems);
        if (obj === null)
            continue;
        checkKnownKeys(obj, FIELDS, nl.line, problems);
        const arrivalUs = checkMsValue(obj.timestamp, nl.line, 'timestamp', problems);
        const promptTokens = checkCountValue(obj.input_length, nl.line, 'input_length', problems, 1);
        const outputTokens = checkCountValue(obj.output_length, nl.line, 'output_length', problems, 1);
        const hashIds = obj.hash_ids === undefined ? missing(nl.line, problems) : checkHashIds(obj.hash_ids, nl.line, 'hash_ids', problems);
        if (arrivalUs === null || promptTokens === null || outputTokens === null || hashIds === null)
            continue;
        order.check(arrivalUs, nl.line);
        records.push({ line: nl.line, arrivalUs, promptTokens, outputTokens, hashIds });
    }
    if (records.length === 0 && problems.isEmpty)
        problems.add('empty-trace', 0, '', 'no requests in file');
    problems.throwIfAny();
    return { kind: 'timed', file, format: 'mooncake-jsonl', hashBlockTokens: MOONCAKE_HASH_BLOCK_TOKENS, records };
}
function missing(line, problems) {
    problems.add('missing-field', line, 'hash_ids', "missing field 'hash_ids'");
    return null;
}
export const mooncakeJsonl = {
    name: 'mooncake-jsonl',
    description: "Mooncake FAST'25 JSONL: timestamp (ms), input_length, output_length, hash_ids (512-token blocks)",
    extensions: ['.jsonl'],
    sniff: (firstLine) => firstLine.startsWith('{') && firstLine.includes('"input_length"'),
    parse: parseMooncakeJsonl,
};
