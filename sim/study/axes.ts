import type { EngineOptions } from '../engine/scenario.js';
import { ENGINE_FIELDS, POLICY_PARAM_CHECK, SCENARIO_FIELDS, isEngineField, type FieldCheck } from './scenario-fields.js';
import { SCALAR_AXES, type AxisValue, type ScenarioTemplate } from './study-spec.js';

/** Every axis name a study may use, for error messages: the scalar ones plus the two prefixed families. */
export const VALID_AXIS_NAMES: readonly string[] = [
  ...SCALAR_AXES,
  'policyParams.<name>',
  ...Object.keys(ENGINE_FIELDS).map((k) => `engine.${k}`),
];

/** How to check one axis's values, or null when the name is not an axis. */
export function axisCheck(name: string): FieldCheck | null {
  if ((SCALAR_AXES as readonly string[]).includes(name)) return SCENARIO_FIELDS[name as (typeof SCALAR_AXES)[number]];
  if (name.startsWith('policyParams.') && name.length > 'policyParams.'.length) return POLICY_PARAM_CHECK;
  if (name.startsWith('engine.')) {
    const key = name.slice('engine.'.length);
    return isEngineField(key) ? ENGINE_FIELDS[key] : null;
  }
  return null;
}

/** A copy of the template with one axis set. The name must have passed axisCheck and the value its check. */
export function applyAxis(spec: ScenarioTemplate, name: string, value: AxisValue): ScenarioTemplate {
  if (name.startsWith('policyParams.')) {
    const key = name.slice('policyParams.'.length);
    return { ...spec, policyParams: { ...spec.policyParams, [key]: value as number | string | boolean } };
  }
  if (name.startsWith('engine.')) {
    const key = name.slice('engine.'.length) as keyof EngineOptions;
    return { ...spec, engine: { ...spec.engine, [key]: value } };
  }
  return { ...spec, [name]: value };
}
