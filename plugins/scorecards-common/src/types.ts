import type { EntityFilter } from '@portico/plugin-catalog-common';
import type { JsonValue } from '@portico/types';

/** Facts and evidence are stored as JSON values. */
export type { JsonPrimitive, JsonValue } from '@portico/types';

/** The outcome of one rule for one entity. `unknown`: a fact it needs is missing or stale. */
export type RuleStatus = 'pass' | 'fail' | 'unknown';

/** What a rule type returns: a status, the fact values it used and a sentence for people. */
export interface RuleEvaluation {
  status: RuleStatus;
  /** The fact values the decision used, e.g. `{ 'coverage.percent': 72 }`. */
  evidence: Record<string, JsonValue>;
  message: string;
}

/** A level of a scorecard, e.g. Bronze (rank 1) < Silver (rank 2) < Gold (rank 3). */
export interface ScorecardLevel {
  name: string;
  rank: number;
  color?: string;
}

/** One rule of a scorecard, as written in the Scorecard entity. */
export interface ScorecardRule {
  id: string;
  title?: string;
  description?: string;
  /** What to do to make the rule pass (markdown). */
  remediation?: string;
  /** A registered rule type, e.g. `binary`. */
  type: string;
  params: Record<string, unknown>;
  /** The level this rule gates; a rule without a level only counts toward the score. */
  level?: string;
  /** Share of the score; defaults to 1. */
  weight?: number;
  /** ISO-8601 duration: facts older than this make the rule `unknown`. */
  maxAge?: string;
}

export interface ScorecardSpec {
  /** Entity ref of the owner (approves exemptions), e.g. `group:default/platform`. */
  owner: string;
  /** Which entities the scorecard measures; one filter or a list of filters (any matches). */
  filter?: EntityFilter | EntityFilter[];
  levels: ScorecardLevel[];
  rules: ScorecardRule[];
  /** ISO-8601 duration between full evaluations, e.g. `PT1H`. */
  schedule?: string;
}

/** A stored result of one rule for one entity. */
export interface RuleResult {
  ruleId: string;
  status: RuleStatus;
  evidence: Record<string, JsonValue>;
  message: string;
  /** True when an approved, unexpired exemption made the rule count as passing. */
  exempted: boolean;
  /** ISO time of the evaluation that produced it. */
  evaluatedAt: string;
}

/** An entity's standing on one scorecard. */
export interface EntityScore {
  scorecardRef: string;
  entityRef: string;
  /** Name of the highest level reached, or null. */
  level: string | null;
  /** Rank of that level, 0 when none. */
  levelRank: number;
  /** Weighted share of passing (or exempted) rules, 0..1. */
  score: number;
  passed: number;
  failed: number;
  unknown: number;
  /** The entity's owner ref when it has one. */
  owner?: string;
  evaluatedAt: string;
}

/** An entity's standing plus the rule results behind it. */
export interface EntityScorecardResult extends EntityScore {
  rules: RuleResult[];
}

/** A fact about an entity, as stored. */
export interface Fact {
  entityRef: string;
  name: string;
  value: JsonValue;
  /** Who provided it: a collector id or the pushing system. */
  source: string;
  collectedAt: string;
}

export type ExemptionStatus = 'pending' | 'approved' | 'rejected';

export interface Exemption {
  id: string;
  scorecardRef: string;
  entityRef: string;
  ruleId: string;
  reason: string;
  /** ISO time after which the exemption stops counting. */
  expiresAt: string;
  status: ExemptionStatus;
  requestedBy: string;
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  createdAt: string;
}

export interface Initiative {
  id: string;
  title: string;
  description?: string;
  scorecardRef: string;
  /** The level every entity in scope should reach. */
  targetLevel: string;
  /** Narrows the scorecard's entities; absent means all of them. */
  scope?: EntityFilter;
  /** ISO date-time. */
  deadline: string;
  createdBy: string;
  createdAt: string;
  /** What happens to entities below the target (e.g. a ticket per entity), by registered action type. */
  actions?: InitiativeActionConfig[];
}

/** One action of an initiative: a type registered through `scorecards.initiativeActions` and its params. */
export interface InitiativeActionConfig {
  /** e.g. `jira.ticket`. */
  type: string;
  /** Checked by the action type when the initiative is created. */
  params?: Record<string, unknown>;
}

/** Something an initiative action recorded outside the portal for one entity, e.g. a ticket. */
export interface InitiativeLink {
  /** The action type that recorded it, e.g. `jira.ticket`. */
  type: string;
  /** What people call it, e.g. `TEAM-123`. */
  key: string;
  url: string;
}

/** Where an initiative's actions stand for one entity. */
export interface InitiativeEntityActionState {
  /** The action type. */
  type: string;
  /**
   * `pending`: being opened; `open`: the entity fails and has its link; `passed`: it passed since; `error`: the last
   * attempt failed; `closed`: the entity left the initiative's scope (deleted, or no longer matched) below the target.
   */
  state: 'pending' | 'open' | 'passed' | 'error' | 'closed';
  link?: InitiativeLink;
  /** Why the last attempt failed, in the external system's words. */
  error?: string;
  updatedAt: string;
}

export interface InitiativeProgressPoint {
  time: string;
  total: number;
  atOrAbove: number;
}

export interface InitiativeProgress {
  initiative: Initiative;
  total: number;
  atOrAbove: number;
  /** atOrAbove / total, 0..1 (1 when there are no entities). */
  share: number;
  /** Entities in scope still below the target, with their level and what the initiative's actions did for them. */
  failing: Array<{ entityRef: string; level: string | null; owner?: string; actions?: InitiativeEntityActionState[] }>;
  history: InitiativeProgressPoint[];
}

export type NotificationKind = 'level-dropped' | 'exemption-requested' | 'exemption-decided' | 'initiative-reminder';

export interface ScorecardNotification {
  id: string;
  /** A user or group ref. */
  recipient: string;
  kind: NotificationKind;
  title: string;
  body: string;
  /** A path in the portal, e.g. `/catalog/component/default/svc/scorecards`. */
  link?: string;
  createdAt: string;
  readAt?: string;
}

/** Level counts of one scorecard at one time. */
export interface TrendPoint {
  time: string;
  total: number;
  averageScore: number;
  /** Entities per level name; `none` for those below every level. */
  levels: Record<string, number>;
}

/** A page of items with a cursor to the next page. */
export interface Page<T> {
  items: T[];
  totalItems: number;
  pageInfo: { nextCursor?: string };
}

/** A scorecard as listed by the API, with the errors that stop it from evaluating. */
export interface ScorecardSummary {
  ref: string;
  name: string;
  namespace: string;
  title?: string;
  description?: string;
  spec: ScorecardSpec;
  /** Why the scorecard cannot evaluate; empty when valid. */
  errors: string[];
  /** Entities per level name at the last evaluation (`none` for below every level). */
  distribution: Record<string, number>;
  lastEvaluatedAt?: string;
}

/** The answer of `GET /entities/:kind/:namespace/:name`. */
export interface EntityScorecardsResponse {
  entityRef: string;
  scorecards: Array<EntityScorecardResult & { title?: string; levels: ScorecardLevel[]; ruleDetails: ScorecardRule[] }>;
}

/** The answer of `POST /evaluate`. */
export interface EvaluateResponse {
  results: EntityScorecardResult[];
  errors: Array<{ scorecardRef: string; message: string }>;
}
