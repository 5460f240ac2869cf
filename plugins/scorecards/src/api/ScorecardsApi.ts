import { createApiRef } from '@portico/frontend-plugin-api';
import type {
  EntityScore,
  EntityScorecardsResponse,
  EvaluateResponse,
  Exemption,
  ExemptionStatus,
  Initiative,
  InitiativeProgress,
  Page,
  ScorecardNotification,
  ScorecardSummary,
  TrendPoint,
} from '@portico/plugin-scorecards-common';

/** A row of a scorecard's results: the entity's standing and the ids of the rules it fails. */
export interface ScorecardResultRow extends EntityScore {
  failingRules: string[];
}

export interface GetResultsRequest {
  /** An owner ref; a bare name means a group (`team-a` → `group:default/team-a`). */
  owner?: string;
  /** A level name, or `none` for entities below every level. */
  level?: string;
  failingRule?: string;
  cursor?: string;
  limit?: number;
}

export interface GetResultsOfOwnersRequest {
  /** Owner refs, e.g. the signed-in user's ownership refs (the user and their groups). */
  owners: string[];
  limit?: number;
}

export interface RequestExemptionRequest {
  scorecardRef: string;
  entityRef: string;
  ruleId: string;
  reason: string;
  /** ISO date-time after which the exemption stops counting. */
  expiresAt: string;
}

/** The scorecards backend (`/api/scorecards`) as the browser sees it. */
export interface ScorecardsApi {
  getScorecards(): Promise<ScorecardSummary[]>;
  getScorecard(scorecardRef: string): Promise<ScorecardSummary>;
  getResults(scorecardRef: string, request?: GetResultsRequest): Promise<Page<ScorecardResultRow>>;
  /** The standing of every entity the owners own, across scorecards (the first `limit`, and how many in all). */
  getResultsOfOwners(request: GetResultsOfOwnersRequest): Promise<{ items: ScorecardResultRow[]; totalItems: number }>;
  getTrends(scorecardRef: string, request?: { since?: string; until?: string }): Promise<TrendPoint[]>;
  getEntityScorecards(entityRef: string): Promise<EntityScorecardsResponse>;
  /** Evaluates a scorecard and/or an entity now and returns the fresh results. */
  evaluate(request: { scorecardRef?: string; entityRef?: string }): Promise<EvaluateResponse>;
  getExemptions(request?: { scorecardRef?: string; entityRef?: string; status?: ExemptionStatus }): Promise<Exemption[]>;
  getExemption(id: string): Promise<Exemption>;
  requestExemption(request: RequestExemptionRequest): Promise<Exemption>;
  /** Approves or rejects a pending exemption; the scorecard's owner (or a permitted user) may. */
  decideExemption(id: string, decision: { status: 'approved' | 'rejected'; comment?: string }): Promise<Exemption>;
  /** Initiatives, of one scorecard or all; with `owners`, only those that concern an entity they own. */
  getInitiatives(request?: { scorecardRef?: string; owners?: string[] }): Promise<Initiative[]>;
  getInitiativeProgress(id: string): Promise<InitiativeProgress>;
  /** The caller's notifications (theirs and their groups'), or those of `recipient`. */
  getNotifications(request?: { recipient?: string; unreadOnly?: boolean; limit?: number }): Promise<ScorecardNotification[]>;
  markNotificationRead(id: string): Promise<void>;
}

/** `useApi(scorecardsApiRef)` in any plugin. */
export const scorecardsApiRef = createApiRef<ScorecardsApi>({ id: 'plugin.scorecards.service' });
