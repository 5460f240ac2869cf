import {
  applyConditions,
  type AuthorizeRequest,
  type Credentials,
  type DefinitivePolicyDecision,
  type LoggerService,
  type Permission,
  type PermissionCondition,
  type PermissionCriteria,
  type PermissionPolicy,
  type PermissionsService,
  type PolicyDecision,
  type QueryAuthorizeRequest,
} from '@portico/backend-plugin-api';
import { isAndCriteria, isNotCriteria, isOrCriteria } from '@portico/permission-common';
import { compilePermissionPatterns } from './permissionPatterns';
import type { PermissionsRegistry } from './PermissionsRegistry';

export interface PermissionsEvaluatorOptions {
  /** The policy to ask; undefined while none is set (every decision is then DENY). */
  getPolicy(): PermissionPolicy | undefined;
  registry: PermissionsRegistry;
  logger: LoggerService;
}

const deny = (reason: string): DefinitivePolicyDecision => ({ result: 'DENY', reason });

/** Every leaf condition of a criteria tree. */
function leaves(criteria: PermissionCriteria<PermissionCondition>): PermissionCondition[] {
  if (isAndCriteria(criteria)) return criteria.allOf.flatMap(leaves);
  if (isOrCriteria(criteria)) return criteria.anyOf.flatMap(leaves);
  if (isNotCriteria(criteria)) return leaves(criteria.not);
  return [criteria];
}

/** Compiled `accessRestrictions.permissions` of external tokens, cached by array identity. */
const restrictionMatchers = new WeakMap<string[], (name: string) => boolean>();

/**
 * The permissions service: asks the one policy and turns its answer into what the caller can use.
 * Every failure (no policy, a policy that throws, a conditional answer that cannot be applied) is DENY.
 */
export class PermissionsEvaluator implements PermissionsService {
  private warnedNoPolicy = false;

  constructor(private readonly options: PermissionsEvaluatorOptions) {}

  async authorize(requests: AuthorizeRequest[], { credentials }: { credentials: Credentials }): Promise<DefinitivePolicyDecision[]> {
    const decisions = await Promise.all(requests.map(r => this.decide(r.permission, credentials)));
    const results: DefinitivePolicyDecision[] = new Array(requests.length);
    // Conditional answers are applied per resource type, loading all the resources of one type at once.
    const pending = new Map<string, Array<{ index: number; resourceRef: string }>>();
    decisions.forEach((decision, index) => {
      const { permission, resourceRef } = requests[index];
      if (decision.result !== 'CONDITIONAL') {
        results[index] = decision;
      } else if (!resourceRef) {
        results[index] = deny(`'${permission.name}' is allowed only on some resources, and no resource was named`);
      } else {
        const list = pending.get(decision.resourceType) ?? [];
        list.push({ index, resourceRef });
        pending.set(decision.resourceType, list);
      }
    });
    await Promise.all(
      [...pending].map(async ([resourceType, items]) => {
        const applied = await this.applyToResources(
          resourceType,
          items.map(item => ({ ...item, decision: decisions[item.index] as Extract<PolicyDecision, { result: 'CONDITIONAL' }>, permission: requests[item.index].permission })),
        );
        items.forEach((item, i) => (results[item.index] = applied[i]));
      }),
    );
    return results;
  }

  async authorizeConditional(requests: QueryAuthorizeRequest[], { credentials }: { credentials: Credentials }): Promise<PolicyDecision[]> {
    return Promise.all(
      requests.map(async ({ permission }) => {
        const decision = await this.decide(permission, credentials);
        if (decision.result !== 'CONDITIONAL') return decision;
        const problem = this.checkConditions(decision.resourceType, decision.conditions);
        if (problem) {
          this.options.logger.error(`Permission policy answered '${permission.name}' with conditions that cannot be applied: ${problem}`);
          return deny(`The permission policy's conditions for '${permission.name}' cannot be applied`);
        }
        return decision;
      }),
    );
  }

  /** The policy's answer, checked: DENY for `none`, for external tokens restricted elsewhere, and for every failure. */
  private async decide(permission: Permission, credentials: Credentials): Promise<PolicyDecision> {
    const principal = credentials.principal;
    if (principal.type === 'none') return deny(`Sign in to use '${permission.name}'`);
    if (principal.type === 'service' && principal.accessRestrictions?.permissions) {
      const allowed = principal.accessRestrictions.permissions;
      let match = restrictionMatchers.get(allowed);
      if (!match) restrictionMatchers.set(allowed, (match = compilePermissionPatterns(allowed)));
      if (!match(permission.name)) return deny(`'${principal.subject}' is not allowed '${permission.name}' (access restrictions)`);
    }
    const policy = this.options.getPolicy();
    if (!policy) {
      if (!this.warnedNoPolicy) {
        this.warnedNoPolicy = true;
        this.options.logger.warn('No permission policy is set (is the built-in permission plugin installed?): every permission is denied');
      }
      return deny('No permission policy is set');
    }
    let decision: PolicyDecision;
    try {
      decision = await policy.handle({ permission }, { credentials });
    } catch (error) {
      this.options.logger.error(`Permission policy failed on '${permission.name}'; denied: ${(error as Error)?.message ?? error}`);
      return deny(`The permission policy failed to decide '${permission.name}'`);
    }
    if (decision?.result === 'ALLOW' || decision?.result === 'DENY') return decision;
    if (decision?.result !== 'CONDITIONAL') {
      this.options.logger.error(`Permission policy gave no valid decision for '${permission.name}'; denied`);
      return deny(`The permission policy failed to decide '${permission.name}'`);
    }
    if (permission.type !== 'resource' || decision.resourceType !== permission.resourceType) {
      this.options.logger.error(
        `Permission policy answered '${permission.name}' with conditions on '${decision.resourceType}', ` +
          (permission.type === 'resource' ? `but it is about '${permission.resourceType}'` : 'but it is a basic permission') +
          '; denied',
      );
      return deny(`The permission policy's answer for '${permission.name}' cannot be applied`);
    }
    // The plugin that registered the resource type is the one that can apply the conditions.
    const owner = this.options.registry.getResourceType(decision.resourceType)?.pluginId;
    return owner && owner !== decision.pluginId ? { ...decision, pluginId: owner } : decision;
  }

  /** Why conditions cannot be applied to `resourceType`, or undefined when every rule is registered with valid params. */
  private checkConditions(resourceType: string, conditions: PermissionCriteria<PermissionCondition>): string | undefined {
    const type = this.options.registry.getResourceType(resourceType);
    if (!type) return `no plugin registered the resource type '${resourceType}'`;
    for (const condition of leaves(conditions)) {
      if (condition.resourceType !== resourceType) return `condition '${condition.rule}' is about '${condition.resourceType}'`;
      const rule = type.rules.find(r => r.name === condition.rule);
      if (!rule) return `unknown rule '${condition.rule}' for '${resourceType}'`;
      if (rule.paramsSchema && !rule.paramsSchema.safeParse(condition.params ?? {}).success) {
        return `invalid params for rule '${condition.rule}'`;
      }
    }
    return undefined;
  }

  private async applyToResources(
    resourceType: string,
    items: Array<{ resourceRef: string; permission: Permission; decision: Extract<PolicyDecision, { result: 'CONDITIONAL' }> }>,
  ): Promise<DefinitivePolicyDecision[]> {
    const { logger, registry } = this.options;
    const type = registry.getResourceType(resourceType);
    if (!type?.getResources) {
      logger.error(`Cannot apply conditions to '${resourceType}': no plugin registered how to load it; denied`);
      return items.map(item => deny(`'${item.permission.name}' on '${item.resourceRef}' cannot be checked`));
    }
    const refs = [...new Set(items.map(item => item.resourceRef))];
    let resources: Array<unknown | undefined>;
    try {
      resources = await type.getResources(refs);
    } catch (error) {
      logger.error(`Loading '${resourceType}' resources to apply conditions failed; denied: ${(error as Error)?.message ?? error}`);
      return items.map(item => deny(`'${item.permission.name}' on '${item.resourceRef}' cannot be checked`));
    }
    const byRef = new Map(refs.map((ref, i) => [ref, resources[i]]));
    return items.map(({ resourceRef, permission, decision }) => {
      const resource = byRef.get(resourceRef);
      if (resource === undefined) return deny(`'${resourceRef}' was not found`);
      try {
        return applyConditions(type.rules, decision.conditions, resource)
          ? { result: 'ALLOW' as const }
          : deny(`Not allowed '${permission.name}' on '${resourceRef}'`);
      } catch (error) {
        logger.error(`Applying conditions of '${permission.name}' to '${resourceRef}' failed; denied: ${(error as Error)?.message ?? error}`);
        return deny(`'${permission.name}' on '${resourceRef}' cannot be checked`);
      }
    });
  }
}
