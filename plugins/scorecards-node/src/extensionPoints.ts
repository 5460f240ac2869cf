import { createExtensionPoint } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import type { EntityFilter } from '@portico/plugin-catalog-common';
import type { JsonValue, RuleEvaluation } from '@portico/plugin-scorecards-common';
import type { ZodType } from 'zod';

/** What a rule type sees when it evaluates one rule for one entity. */
export interface RuleEvaluationContext<TParams> {
  entity: Entity;
  /** The entity's fresh facts by name. A stale fact is absent here and listed in `staleFacts`. */
  facts: Readonly<Record<string, JsonValue>>;
  /** Facts present but older than their freshness limit: name → ISO time they were collected. */
  staleFacts: Readonly<Record<string, string>>;
  params: TParams;
  now: Date;
}

/**
 * A rule type contributed through `scorecards.ruleTypes`. `paramsSchema` validates the rule's
 * params when a Scorecard is read (a failure is an error on the Scorecard naming the rule), so
 * `evaluate` gets typed params. It returns `unknown` when a fact it needs is missing or stale.
 */
export interface RuleType<TParams = unknown> {
  /** e.g. `binary`; unique across the backend. */
  type: string;
  /** One line for docs and the UI. */
  description?: string;
  paramsSchema: ZodType<TParams>;
  evaluate(context: RuleEvaluationContext<TParams>): RuleEvaluation;
}

/** `scorecards.ruleTypes`: add a rule type. */
export interface ScorecardsRuleTypesExtensionPoint {
  addRuleType<TParams>(ruleType: RuleType<TParams>): void;
}

/** A fact value produced by a collector for one entity. */
export interface CollectedFacts {
  entityRef: string;
  facts: Record<string, JsonValue>;
}

/**
 * A fact collector contributed through `scorecards.factCollectors`: it runs on its schedule over
 * the entities its filter matches and returns their facts. Each fact it produces is declared
 * with a zod schema; values that fail it are dropped and logged.
 */
export interface FactCollector {
  /** e.g. `catalog`; stored as the facts' source. */
  id: string;
  /** Which entities it collects for; absent means every entity. */
  filter?: EntityFilter | EntityFilter[];
  /** The facts it produces, by name, with their value schema. */
  facts: Record<string, ZodType>;
  /** ISO-8601 duration between runs, e.g. `PT1H`. Default: the plugin's `collectorSchedule`. */
  schedule?: string;
  /** ISO-8601 duration after which its facts are stale (rules using them become unknown). */
  freshness?: string;
  /** True when it should also run for one entity as soon as the catalog reports it changed. */
  collectOnChange?: boolean;
  collect(entities: Entity[], options: { signal?: AbortSignal }): Promise<CollectedFacts[]>;
}

/** `scorecards.factCollectors`: add a fact collector. */
export interface ScorecardsFactCollectorsExtensionPoint {
  addFactCollector(collector: FactCollector): void;
}

export const scorecardsRuleTypesExtensionPoint = createExtensionPoint<ScorecardsRuleTypesExtensionPoint>({
  id: 'scorecards.ruleTypes',
});

export const scorecardsFactCollectorsExtensionPoint = createExtensionPoint<ScorecardsFactCollectorsExtensionPoint>({
  id: 'scorecards.factCollectors',
});
