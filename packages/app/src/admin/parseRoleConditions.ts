import type { PermissionCriteria, RbacRoleCondition } from '@portico/permission-common';

/** The outcome of reading a role's conditions from the form: the criteria, or why they are not valid. */
export type ParsedRoleConditions =
  | { ok: true; conditions?: PermissionCriteria<RbacRoleCondition> }
  | { ok: false; error: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why `value` is not a criteria (`{ rule, params? }`, `{ allOf }`, `{ anyOf }`, `{ not }`), or undefined when it is. */
function criteriaProblem(value: unknown, at: string): string | undefined {
  if (!isObject(value)) return `${at} must be an object: { "rule": ... }, { "allOf": [...] }, { "anyOf": [...] } or { "not": ... }`;
  const keys = Object.keys(value);
  if ('allOf' in value || 'anyOf' in value) {
    const key = 'allOf' in value ? 'allOf' : 'anyOf';
    if (keys.length !== 1) return `${at} must have "${key}" and nothing else`;
    const list = value[key];
    if (!Array.isArray(list) || list.length === 0) return `${at}.${key} must be a non-empty array`;
    for (const [i, item] of list.entries()) {
      const problem = criteriaProblem(item, `${at}.${key}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if ('not' in value) {
    if (keys.length !== 1) return `${at} must have "not" and nothing else`;
    return criteriaProblem(value.not, `${at}.not`);
  }
  if (!('rule' in value)) return `${at} must name a "rule", or combine conditions with "allOf", "anyOf" or "not"`;
  const extra = keys.filter(key => key !== 'rule' && key !== 'params');
  if (extra.length) return `${at} has unknown ${extra.length === 1 ? 'key' : 'keys'} ${extra.map(k => `"${k}"`).join(', ')} (a condition has "rule" and "params")`;
  if (typeof value.rule !== 'string' || value.rule.trim() === '') return `${at}.rule must be a rule name such as "IS_ENTITY_OWNER"`;
  if ('params' in value && !isObject(value.params)) return `${at}.params must be an object`;
  return undefined;
}

/**
 * Reads the conditions a person typed as JSON (empty means none) and checks their shape before anything is
 * sent, without evaluating any code: `{ "allOf": [{ "rule": "IS_ENTITY_OWNER" }, { "rule": "IS_ENTITY_KIND",
 * "params": { "kinds": ["api"] } }] }`.
 */
export function parseRoleConditions(text: string): ParsedRoleConditions {
  if (text.trim() === '') return { ok: true };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const problem = criteriaProblem(value, 'conditions');
  return problem ? { ok: false, error: problem } : { ok: true, conditions: value as PermissionCriteria<RbacRoleCondition> };
}
