import { quoteJson } from '../core/quote-input.js';
import { NO_HASH_IDS } from './trace.js';
import { ProblemList } from '../input/problem-list.js';
import { MAX_TRACE_PROBLEMS } from './trace-format.js';
import { splitLines } from './split-lines.js';
import { ArrivalOrder } from './arrival-order.js';
import { checkKnownKeys, parseJsonObjectLine } from '../input/json-line.js';
import { checkHashIds, checkMsValue } from './trace-fields.js';
import { checkCountValue } from './token-count.js';
/**
 * duetsim's own trace format, version 1 (specified in traces/README.md). JSON Lines; an optional first
 * line is a header `{"format":"duetsim-trace","version":1,"hash_block_tokens":512}`, then one request per
 * line `{"arrival_ms":0,"prompt_tokens":812,"output_tokens":96,"hash_ids":[0,1]}` in arrival order.
 * `hash_ids` is optional and needs `hash_block_tokens` in the header.
 */
export const DUETSIM_FORMAT_TAG = 'duetsim-trace';
export const DUETSIM_FORMAT_VERSION = 1;
const HEADER_FIELDS = ['format', 'version', 'hash_block_tokens'];
const RECORD_FIELDS = ['arrival_ms', 'prompt_tokens', 'output_tokens', 'hash_ids'];
function parseDuetsimJsonl(text, file) {
    const problems = new ProblemList(file, { maxProblems: MAX_TRACE_PROBLEMS });
    const lines = splitLines(text);
    const order = new ArrivalOrder(problems, 'arrival_ms');
    const records = [];
    let hashBlockTokens = 0;
    for (let i = 0; i < lines.length; i++) {
        const nl = lines[i];
        const obj = parseJsonObjectLine(nl.text, nl.line, problems);
        if (obj === null)
            continue;
        if ('format' in obj) {
            if (i !== 0)
                problems.add('misplaced-header', nl.line, 'format', 'the header object must be the first line');
            hashBlockTokens = parseHeader(obj, nl.line, problems);
            continue;
        }
        checkKnownKeys(obj, RECORD_FIELDS, nl.line, problems);
        const arrivalUs = checkMsValue(obj.arrival_ms, nl.line, 'arrival_ms', problems);
        const promptTokens = checkCountValue(obj.prompt_tokens, nl.line, 'prompt_tokens', problems, 1);
        const outputTokens = checkCountValue(obj.output_tokens, nl.line, 'output_tokens', problems, 1);
        const hashIds = obj.hash_ids === undefined ? NO_HASH_IDS : checkHashIds(obj.hash_ids, nl.line, 'hash_ids', problems);
        if (hashIds !== null && hashIds.length > 0 && hashBlockTokens === 0) {
            problems.add('missing-block-size', nl.line, 'hash_ids', "hash_ids need 'hash_block_tokens' in the header line");
        }
        if (arrivalUs === null || promptTokens === null || outputTokens === null || hashIds === null)
            continue;
        order.check(arrivalUs, nl.line);
        records.push({ line: nl.line, arrivalUs, promptTokens, outputTokens, hashIds });
    }
    if (records.length === 0 && problems.isEmpty)
        problems.add('empty-trace', 0, '', 'no requests in file');
    problems.throwIfAny();
    return { kind: 'timed', file, format: 'duetsim-jsonl', hashBlockTokens, records };
}
/** Checks the header line; returns its block size (0 when absent). */
function parseHeader(obj, line, problems) {
    checkKnownKeys(obj, HEADER_FIELDS, line, problems);
    if (obj.format !== DUETSIM_FORMAT_TAG)
        problems.add('bad-header', line, 'format', `expected "${DUETSIM_FORMAT_TAG}", got ${quoteJson(obj.format)}`);
    if (obj.version !== DUETSIM_FORMAT_VERSION) {
        problems.add('unsupported-version', line, 'version', `this duetsim reads version ${DUETSIM_FORMAT_VERSION}, got ${quoteJson(obj.version)}`);
    }
    if (obj.hash_block_tokens === undefined)
        return 0;
    return checkCountValue(obj.hash_block_tokens, line, 'hash_block_tokens', problems, 1) ?? 0;
}
/**
 * Writes records as duetsim JSONL with a header line. Arrivals are written in ms as the shortest decimal
 * that reads back to the same double, so whole-µs arrivals survive a write/read round trip exactly.
 */
export function formatDuetsimJsonl(records, hashBlockTokens) {
    const header = { format: DUETSIM_FORMAT_TAG, version: DUETSIM_FORMAT_VERSION };
    if (hashBlockTokens > 0)
        header.hash_block_tokens = hashBlockTokens;
    const out = [JSON.stringify(header)];
    for (const r of records) {
        const hashes = r.hashIds.length > 0 ? `,"hash_ids":[${r.hashIds.join(',')}]` : '';
        out.push(`{"arrival_ms":${r.arrivalUs / 1000},"prompt_tokens":${r.promptTokens},"output_tokens":${r.outputTokens}${hashes}}`);
    }
    return out.join('\n') + '\n';
}
export const duetsimJsonl = {
    name: 'duetsim-jsonl',
    description: `duetsim JSONL v${DUETSIM_FORMAT_VERSION}: optional header, then arrival_ms, prompt_tokens, output_tokens[, hash_ids] per line`,
    extensions: ['.jsonl'],
    sniff: (firstLine) => firstLine.startsWith('{') && (firstLine.includes(`"${DUETSIM_FORMAT_TAG}"`) || firstLine.includes('"arrival_ms"')),
    parse: parseDuetsimJsonl,
};
