import { vllm } from './vllm.js';
import { vllmV0 } from './vllm-v0.js';
import { sglang } from './sglang.js';
import { chunked } from './chunked.js';
import { duetserve } from './duetserve.js';
import { staticPolicy } from './static.js';
import { inputError } from '../core/input-error.js';
/**
 * Every scheduling policy by the name users write (`--policy`, study axes). The key is also the file
 * name under sim/policy/. Adding a policy: its file plus one line here.
 */
export const POLICIES = {
    vllm,
    sglang,
    'vllm-v0': vllmV0,
    chunked,
    static: staticPolicy,
    duetserve,
};
export function getPolicy(name, where = '<command line>') {
    const f = POLICIES[name];
    if (!f)
        throw inputError('unknown-policy', where, 0, 'policy', `unknown policy '${name}'; valid: ${Object.keys(POLICIES).join(', ')}`);
    return f;
}
