import { inputError } from '../core/input-error.js';
/**
 * Checks user-given policy parameters against a factory's declared names (a typo fails, listing the valid
 * names) and reads them with defaults. `where` names the input the values came from (a study file, or
 * '<command line>').
 */
export class PolicyParams {
    policy;
    factory;
    values;
    where;
    constructor(policy, factory, values, where = '<policy parameters>') {
        this.policy = policy;
        this.factory = factory;
        this.values = values;
        this.where = where;
        for (const key of Object.keys(values)) {
            if (!(key in factory.params)) {
                const valid = Object.keys(factory.params);
                throw inputError('unknown-policy-param', where, 0, key, `policy '${policy}' has no parameter '${key}'; valid: ${valid.length ? valid.join(', ') : '(none)'}`);
            }
        }
    }
    number(name, opts = {}) {
        const raw = name in this.values ? this.values[name] : this.factory.params[name]?.default;
        const v = typeof raw === 'string' ? Number(raw) : raw;
        const fail = (why) => {
            throw inputError('bad-policy-param', this.where, 0, name, `policy '${this.policy}': ${name} ${why} (got ${String(raw)})`);
        };
        if (typeof v !== 'number' || !Number.isFinite(v))
            return fail('must be a number');
        if (opts.integer && !Number.isSafeInteger(v))
            fail(Number.isInteger(v) ? 'must be an integer below 2^53' : 'must be an integer');
        if (opts.min !== undefined && v < opts.min)
            fail(`must be ≥ ${opts.min}`);
        if (opts.max !== undefined && v > opts.max)
            fail(`must be ≤ ${opts.max}`);
        return v;
    }
    /** A number, or null when neither given nor defaulted. */
    optionalNumber(name, opts = {}) {
        const raw = name in this.values ? this.values[name] : this.factory.params[name]?.default;
        if (raw === null || raw === undefined)
            return null;
        return this.number(name, opts);
    }
    /** One of the given strings. */
    oneOf(name, choices) {
        const raw = name in this.values ? this.values[name] : this.factory.params[name]?.default;
        const hit = choices.find((c) => c === raw);
        if (hit === undefined)
            throw inputError('bad-policy-param', this.where, 0, name, `policy '${this.policy}': ${name} must be one of ${choices.join(', ')} (got ${String(raw)})`);
        return hit;
    }
    boolean(name) {
        const raw = name in this.values ? this.values[name] : this.factory.params[name]?.default;
        if (raw === true || raw === 'true')
            return true;
        if (raw === false || raw === 'false')
            return false;
        throw inputError('bad-policy-param', this.where, 0, name, `policy '${this.policy}': ${name} must be true or false (got ${String(raw)})`);
    }
}
