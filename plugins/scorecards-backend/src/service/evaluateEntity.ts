import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { EntityScorecardResult, JsonValue, RuleEvaluation, RuleResult } from '@portico/plugin-scorecards-common';
import type { CompiledRule, CompiledScorecard } from './compileScorecard';
import { computeScore } from './scoring';

/** A fact as the evaluator needs it. */
export interface FactSnapshot {
  value: JsonValue;
  collectedAt: number;
}

export interface EvaluateEntityOptions {
  scorecard: CompiledScorecard;
  entity: Entity;
  facts: ReadonlyMap<string, FactSnapshot>;
  /** Freshness limit per fact name (from its collector), in ms. */
  freshness?: (factName: string) => number | undefined;
  /** Rule ids with an approved exemption that has not expired. */
  exemptedRules?: ReadonlySet<string>;
  now: Date;
}

interface FactView {
  facts: Record<string, JsonValue>;
  staleFacts: Record<string, string>;
}

function viewFacts(
  facts: ReadonlyMap<string, FactSnapshot>,
  now: number,
  freshness: (name: string) => number | undefined,
  ruleMaxAge?: number,
): FactView {
  const view: FactView = { facts: {}, staleFacts: {} };
  for (const [name, fact] of facts) {
    const limit = ruleMaxAge ?? freshness(name);
    if (limit !== undefined && now - fact.collectedAt > limit) view.staleFacts[name] = new Date(fact.collectedAt).toISOString();
    else view.facts[name] = fact.value;
  }
  return view;
}

function evaluateRule(compiled: CompiledRule, entity: Entity, view: FactView, now: Date): RuleEvaluation {
  try {
    return compiled.ruleType.evaluate({ entity, facts: view.facts, staleFacts: view.staleFacts, params: compiled.params, now });
  } catch (error) {
    // A broken rule type must not stop the other rules.
    return {
      status: 'unknown',
      evidence: {},
      message: `Rule type ${compiled.rule.type} failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Owner ref of an entity (from its ownedBy relation or spec.owner), for filtering and notifications. */
export function ownerOf(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === 'ownedBy');
  if (relation) return relation.targetRef;
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner === '') return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace }));
  } catch {
    return undefined;
  }
}

/** Evaluates every rule of a scorecard for one entity and derives its level and score. */
export function evaluateEntity(options: EvaluateEntityOptions): EntityScorecardResult {
  const { scorecard, entity, facts, now } = options;
  const freshness = options.freshness ?? (() => undefined);
  const exempted = options.exemptedRules ?? new Set<string>();
  const nowMs = now.getTime();
  const evaluatedAt = now.toISOString();
  let shared: FactView | undefined;
  const rules: RuleResult[] = scorecard.rules.map(compiled => {
    const view =
      compiled.maxAgeMs !== undefined
        ? viewFacts(facts, nowMs, freshness, compiled.maxAgeMs)
        : (shared ??= viewFacts(facts, nowMs, freshness));
    const evaluation = evaluateRule(compiled, entity, view, now);
    return {
      ruleId: compiled.rule.id,
      status: evaluation.status,
      evidence: evaluation.evidence,
      message: evaluation.message,
      exempted: exempted.has(compiled.rule.id) && evaluation.status !== 'pass',
      evaluatedAt,
    };
  });
  const outcome = computeScore(
    scorecard.spec.levels,
    rules.map((r, i) => ({ rule: scorecard.rules[i].rule, status: r.status, exempted: r.exempted })),
  );
  return {
    scorecardRef: scorecard.ref,
    entityRef: stringifyEntityRef(entity),
    level: outcome.level?.name ?? null,
    levelRank: outcome.level?.rank ?? 0,
    score: outcome.score,
    passed: outcome.passed,
    failed: outcome.failed,
    unknown: outcome.unknown,
    owner: ownerOf(entity),
    evaluatedAt,
    rules,
  };
}
