import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { SCORECARD_API_VERSION, SCORECARD_KIND, type ScorecardRule, type ScorecardSpec } from '@portico/plugin-scorecards-common';
import type { RuleType } from '../extensions';
import { durationToMilliseconds } from '@portico/backend-plugin-api';
import { createScorecardSpecSchema, describeSpecIssues } from './scorecardSchema';

/** A rule ready to evaluate: its type resolved and params parsed once. */
export interface CompiledRule {
  rule: ScorecardRule;
  ruleType: RuleType<unknown>;
  params: unknown;
  maxAgeMs?: number;
}

/** A valid Scorecard entity, ready to evaluate. */
export interface CompiledScorecard {
  ref: string;
  entity: Entity;
  spec: ScorecardSpec;
  rules: CompiledRule[];
  scheduleMs?: number;
}

export type CompileResult = { ok: true; ref: string; scorecard: CompiledScorecard } | { ok: false; ref: string; errors: string[] };

/** Builds the compiler for the registered rule types (the spec schema is built once). */
export function createScorecardCompiler(ruleTypes: ReadonlyMap<string, RuleType<unknown>>) {
  const schema = createScorecardSpecSchema(ruleTypes);
  return function compileScorecard(entity: Entity): CompileResult {
    const ref = stringifyEntityRef(entity);
    if (entity.kind.toLowerCase() !== SCORECARD_KIND.toLowerCase() || entity.apiVersion !== SCORECARD_API_VERSION) {
      return { ok: false, ref, errors: [`not a ${SCORECARD_API_VERSION} ${SCORECARD_KIND}`] };
    }
    const parsed = schema.safeParse(entity.spec ?? {});
    if (!parsed.success) return { ok: false, ref, errors: describeSpecIssues(parsed.error) };
    const spec = parsed.data;
    const rules = spec.rules.map(rule => {
      const ruleType = ruleTypes.get(rule.type)!;
      return {
        rule,
        ruleType,
        params: ruleType.paramsSchema.parse(rule.params),
        maxAgeMs: rule.maxAge ? durationToMilliseconds(rule.maxAge) : undefined,
      };
    });
    return {
      ok: true,
      ref,
      scorecard: { ref, entity, spec, rules, scheduleMs: spec.schedule ? durationToMilliseconds(spec.schedule) : undefined },
    };
  };
}
