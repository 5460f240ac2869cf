import { createExtensionPoint } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import type { EntityFilter } from '@portico/plugin-catalog-common';
import type { Initiative, InitiativeLink, JsonValue, RuleEvaluation, RuleStatus } from '@portico/plugin-scorecards-common';
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

/** What `collectNow` did. */
export interface CollectNowResult {
  /** The entity, as a full ref. */
  entityRef: string;
  /** The collectors that ran for it, by id. */
  collectors: string[];
  /** Whether a fact changed (the entity is then re-evaluated within seconds). */
  changed: boolean;
}

/** `scorecards.factCollectors`: add a fact collector; ask for collection of one entity. */
export interface ScorecardsFactCollectorsExtensionPoint {
  /** During init only. */
  addFactCollector(collector: FactCollector): void;
  /**
   * Runs the collectors that apply to the entity now (`collector`: that one only), stores their facts and
   * re-evaluates the entity when one changed. At run time only (after start-up), e.g. from a webhook.
   * Throws a NotFoundError for an entity not in the catalog, an InputError for an unknown collector.
   */
  collectNow(entityRef: string, options?: { collector?: string }): Promise<CollectNowResult>;
}

export const scorecardsRuleTypesExtensionPoint = createExtensionPoint<ScorecardsRuleTypesExtensionPoint>({
  id: 'scorecards.ruleTypes',
});

export const scorecardsFactCollectorsExtensionPoint = createExtensionPoint<ScorecardsFactCollectorsExtensionPoint>({
  id: 'scorecards.factCollectors',
});

/** A rule that keeps an entity below an initiative's target, with what to do about it. */
export interface InitiativeFailingRule {
  id: string;
  title?: string;
  /** Markdown: what to do to make the rule pass. */
  remediation?: string;
  status: RuleStatus;
  message: string;
}

/** What an initiative action sees for one entity of an initiative. */
export interface InitiativeActionContext<TParams> {
  initiative: Initiative;
  scorecard: { ref: string; title?: string };
  entity: Entity;
  entityRef: string;
  /** The entity's page in the portal (absolute when `backend.baseUrl` is set). */
  entityUrl: string;
  /** The entity's level now (null: none). */
  level: string | null;
  /** The rules of the target level and below that do not pass; empty when the entity passes. */
  failingRules: InitiativeFailingRule[];
  params: TParams;
  /**
   * Stable for this initiative, entity, action and failing rule set. Store it with what you create (a label,
   * a property) and look for it before creating: a retry after a crash then finds what the first try made.
   */
  idempotencyKey: string;
  /** What this action recorded for the entity before, if anything. */
  link?: InitiativeLink;
  signal?: AbortSignal;
}

/**
 * An initiative action type contributed through `scorecards.initiativeActions`, e.g. `jira.ticket`: an
 * initiative that lists it in `actions` has it called for its entities below the target and again when
 * they reach it. The plugin keeps the state per entity in its database, so each call happens once per
 * entity and failing rule set, across restarts; a call that throws, or that was cut short before its outcome was
 * recorded, is retried with the same `idempotencyKey`, no sooner than `retryAfterUncertainMs` after it began.
 */
export interface InitiativeAction<TParams = unknown> {
  /** e.g. `jira.ticket`; unique across the backend. */
  type: string;
  /** One line for docs and errors. */
  description?: string;
  /** Checks the action's `params` when an initiative is created (a failure is a 400 naming the action). */
  paramsSchema: ZodType<TParams>;
  /**
   * How long after a call began what it created may still be missing from the lookup by `idempotencyKey` (a
   * tracker's search index lagging behind). A retry of a call whose outcome may not have been recorded (its row
   * left `pending` by a stop or a crash, or `error` after a timeout) waits until that long after the call began,
   * so that its lookup finds what the call created; the runner skips the row until then and takes it up on a
   * later run. Default 30 s; 0 for a lookup that sees its writes at once.
   */
  retryAfterUncertainMs?: number;
  /**
   * The entity is below the target. Without `context.link`: open something (a ticket) and return its
   * link. With `context.link`: the entity failed again or its failing rules changed; update what exists
   * (a comment) and return the link to keep. Throw to report an error on the entity's row.
   */
  onFailing(context: InitiativeActionContext<TParams>): Promise<InitiativeLink | undefined>;
  /** An entity that had a link reached the target: say so (a comment, a transition). Called once. */
  onPassing?(context: InitiativeActionContext<TParams> & { link: InitiativeLink }): Promise<void>;
  /**
   * An entity the action acted on left the initiative's scope while below the target: it was deleted from the
   * catalog, or the initiative's scope or the scorecard's filter no longer matches it. Say so where the work is
   * tracked (a comment); return the link found, if any. Called once, then the entity's row is `closed`; a throw is
   * retried with back-off. Without this hook the row is closed silently.
   */
  onOutOfScope?(context: InitiativeOutOfScopeContext<TParams>): Promise<InitiativeLink | undefined>;
}

/** What an initiative action sees for an entity that left the initiative's scope. */
export interface InitiativeOutOfScopeContext<TParams> {
  initiative: Initiative;
  scorecard: { ref: string; title?: string };
  entityRef: string;
  /** The entity's page in the portal (absolute when `backend.baseUrl` is set); gone when `reason` is `deleted`. */
  entityUrl: string;
  /** `deleted`: no longer in the catalog (`entity` is absent); `out-of-scope`: in the catalog, no longer matched. */
  reason: 'deleted' | 'out-of-scope';
  entity?: Entity;
  params: TParams;
  /** The key of the row's last call: find what it created when `link` is absent (a call cut short). */
  idempotencyKey: string;
  /** What the action recorded for the entity; absent when its first call was cut short before the record. */
  link?: InitiativeLink;
  signal?: AbortSignal;
}

/** `scorecards.initiativeActions`: add an initiative action type. */
export interface ScorecardsInitiativeActionsExtensionPoint {
  addInitiativeAction<TParams>(action: InitiativeAction<TParams>): void;
}

export const scorecardsInitiativeActionsExtensionPoint = createExtensionPoint<ScorecardsInitiativeActionsExtensionPoint>({
  id: 'scorecards.initiativeActions',
});
