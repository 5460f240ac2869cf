import type { JsonObject } from '@portico/types';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
  type PermissionCondition,
  type PermissionCriteria,
} from '@portico/permission-common';
import { InputError } from '@portico/errors';
import type { z } from 'zod';

/**
 * A rule about resources of one type, usable in policy conditions: `apply` answers for one resource,
 * `toQuery` gives the condition in the owning plugin's query language (so list endpoints filter in SQL).
 */
export interface PermissionRule<TResource, TQuery, TParams extends JsonObject = JsonObject> {
  /** UPPER_SNAKE, e.g. `IS_ENTITY_OWNER`. */
  name: string;
  description: string;
  resourceType: string;
  /** The params' schema (zod object); conditions with params that do not parse are refused. */
  paramsSchema?: z.ZodType<TParams>;
  apply(resource: TResource, params: TParams): boolean;
  toQuery(params: TParams): PermissionCriteria<TQuery>;
}

export function createPermissionRule<TResource, TQuery, TParams extends JsonObject = JsonObject>(
  rule: PermissionRule<TResource, TQuery, TParams>,
): PermissionRule<TResource, TQuery, TParams> {
  return rule;
}

/** A function that builds a condition of `rule` for policies: `isEntityOwner({ claims: [...] })`. */
export function createConditionFactory<TParams extends JsonObject>(
  rule: PermissionRule<unknown, unknown, TParams>,
): (params: TParams) => PermissionCondition<string, TParams> {
  return params => ({ resourceType: rule.resourceType, rule: rule.name, params });
}

function findRule<TResource, TQuery>(rules: PermissionRule<TResource, TQuery, any>[], condition: PermissionCondition) {
  const rule = rules.find(r => r.name === condition.rule && r.resourceType === condition.resourceType);
  if (!rule) throw new InputError(`Unknown permission rule '${condition.rule}' for resource type '${condition.resourceType}'`);
  const params = rule.paramsSchema ? rule.paramsSchema.safeParse(condition.params ?? {}) : { success: true as const, data: condition.params ?? {} };
  if (!params.success) throw new InputError(`Invalid params for permission rule '${condition.rule}': ${params.error.message}`);
  return { rule, params: params.data };
}

function mapCriteria<TQuery>(
  criteria: PermissionCriteria<PermissionCondition>,
  leaf: (condition: PermissionCondition) => PermissionCriteria<TQuery>,
): PermissionCriteria<TQuery> {
  if (isAndCriteria(criteria)) return { allOf: criteria.allOf.map(c => mapCriteria(c, leaf)) as [PermissionCriteria<TQuery>, ...PermissionCriteria<TQuery>[]] };
  if (isOrCriteria(criteria)) return { anyOf: criteria.anyOf.map(c => mapCriteria(c, leaf)) as [PermissionCriteria<TQuery>, ...PermissionCriteria<TQuery>[]] };
  if (isNotCriteria(criteria)) return { not: mapCriteria(criteria.not, leaf) };
  return leaf(criteria);
}

/** Turns a conditional decision's conditions into the plugin's query criteria, through each rule's `toQuery`. */
export function createConditionTransformer<TQuery>(
  rules: PermissionRule<any, TQuery, any>[],
): (conditions: PermissionCriteria<PermissionCondition>) => PermissionCriteria<TQuery> {
  return conditions =>
    mapCriteria(conditions, condition => {
      const { rule, params } = findRule(rules, condition);
      return rule.toQuery(params);
    });
}

/** Applies conditions to one resource, through each rule's `apply`. */
export function applyConditions<TResource>(
  rules: PermissionRule<TResource, unknown, any>[],
  conditions: PermissionCriteria<PermissionCondition>,
  resource: TResource,
): boolean {
  if (isAndCriteria(conditions)) return conditions.allOf.every(c => applyConditions(rules, c, resource));
  if (isOrCriteria(conditions)) return conditions.anyOf.some(c => applyConditions(rules, c, resource));
  if (isNotCriteria(conditions)) return !applyConditions(rules, conditions.not, resource);
  const { rule, params } = findRule(rules, conditions);
  return rule.apply(resource, params);
}
