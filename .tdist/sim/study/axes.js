import { ENGINE_FIELDS, POLICY_PARAM_CHECK, SCENARIO_FIELDS, isEngineField } from './scenario-fields.js';
import { SCALAR_AXES } from './study-spec.js';
/** Every axis name a study may use, for error messages: the scalar ones plus the two prefixed families. */
export const VALID_AXIS_NAMES = [
    ...SCALAR_AXES,
    'policyParams.<name>',
    ...Object.keys(ENGINE_FIELDS).map((k) => `engine.${k}`),
];
/** How to check one axis's values, or null when the name is not an axis. */
export function axisCheck(name) {
    if (SCALAR_AXES.includes(name))
        return SCENARIO_FIELDS[name];
    if (name.startsWith('policyParams.') && name.length > 'policyParams.'.length)
        return POLICY_PARAM_CHECK;
    if (name.startsWith('engine.')) {
        const key = name.slice('engine.'.length);
        return isEngineField(key) ? ENGINE_FIELDS[key] : null;
    }
    return null;
}
/** A copy of the template with one axis set. The name must have passed axisCheck and the value its check. */
export function applyAxis(spec, name, value) {
    if (name.startsWith('policyParams.')) {
        const key = name.slice('policyParams.'.length);
        return { ...spec, policyParams: { ...spec.policyParams, [key]: value } };
    }
    if (name.startsWith('engine.')) {
        const key = name.slice('engine.'.length);
        return { ...spec, engine: { ...spec.engine, [key]: value } };
    }
    return { ...spec, [name]: value };
}
