import fc from 'fast-check';
import { req } from './fixtures.js';
/**
 * fast-check generators and settings shared by the property tests. Properties are checked on traces
 * fast-check draws and, when one fails, shrinks to the smallest trace that still fails (fewer requests,
 * shorter prompts), printed with the seed and path that replay it.
 */
/**
 * Settings for `fc.assert`: `numRuns` is kept modest by each caller, since a run here is often a whole
 * simulation and the suite must stay fast on 2 cores. A failure prints `seed` and `path`; setting
 * FC_SEED (and FC_PATH) replays exactly that case: `FC_SEED=… FC_PATH=… node --test dist/test/…`.
 */
export function propertyOptions(numRuns) {
    const seed = process.env.FC_SEED;
    const path = process.env.FC_PATH;
    return {
        numRuns,
        ...(seed !== undefined && seed !== '' ? { seed: Number(seed) } : {}),
        ...(path !== undefined && path !== '' ? { path } : {}),
    };
}
/** Requests in arrival order, ids 0…n−1, with prompts and outputs of at least one token. */
export function traceArb(shape) {
    const row = fc.record({
        gapUs: fc.nat({ max: shape.maxGapUs }),
        promptTokens: fc.integer({ min: 1, max: shape.maxPromptTokens }),
        outputTokens: fc.integer({ min: 1, max: shape.maxOutputTokens }),
    });
    // size 'max': traces as long as asked for, not the few elements fast-check draws by default; shrinking still shortens them.
    return fc.array(row, { minLength: shape.minRequests ?? 1, maxLength: shape.maxRequests, size: 'max' }).map((rows) => {
        let arrivalUs = 0;
        return rows.map((r, i) => {
            arrivalUs += r.gapUs;
            return req(i, arrivalUs, r.promptTokens, r.outputTokens);
        });
    });
}
/**
 * Requests whose prompts share prefixes: each continues one of `conversations` conversations (its leading
 * hash blocks are that conversation's) for a drawn number of blocks, then diverges into blocks of its own —
 * the shape of Mooncake's traces, where prefix caching evicts and re-pins entries constantly under a small cache.
 */
export function prefixTraceArb(shape) {
    const row = fc.record({
        gapUs: fc.nat({ max: shape.maxGapUs }),
        promptTokens: fc.integer({ min: 1, max: shape.maxPromptTokens }),
        outputTokens: fc.integer({ min: 1, max: shape.maxOutputTokens }),
        // Unbiased: fast-check's pull towards 0 would make most requests share nothing and leave the cache idle.
        conversation: fc.noBias(fc.nat({ max: shape.conversations - 1 })),
        // Per mille of the prompt's blocks taken from the conversation (an integer: fc.double draws evenly over
        // representable doubles, nearly all of them close to 0).
        sharedPerMille: fc.noBias(fc.integer({ min: 0, max: 1000 })),
    });
    return fc.array(row, { minLength: shape.minRequests ?? 1, maxLength: shape.maxRequests, size: 'max' }).map((rows) => {
        let arrivalUs = 0;
        return rows.map((r, i) => {
            arrivalUs += r.gapUs;
            const numHash = Math.ceil(r.promptTokens / shape.hashBlockTokens);
            const shared = Math.round((r.sharedPerMille / 1000) * numHash);
            // Blocks of one conversation are 1000·c + j; a request's own blocks are unique to it.
            const hashIds = Array.from({ length: numHash }, (_, j) => (j < shared ? r.conversation * 1000 + j : 1_000_000 + i * 1000 + j));
            return req(i, arrivalUs, r.promptTokens, r.outputTokens, hashIds, shape.hashBlockTokens);
        });
    });
}
