/**
 * Freezes a parsed config and everything inside it, so the readonly types the loaders return are also true
 * at run time: a policy or the latency model cannot change a spec that other runs in the process share.
 */
export function deepFreeze(value) {
    if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value))
            deepFreeze(v);
    }
    return value;
}
