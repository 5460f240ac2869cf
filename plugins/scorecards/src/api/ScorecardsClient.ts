import { parseEntityRef } from '@portico/catalog-model';
import { createPluginHttpClient, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type {
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
import type { GetResultsOfOwnersRequest, GetResultsRequest, RequestExemptionRequest, ScorecardResultRow, ScorecardsApi } from './ScorecardsApi';

/** A query value; an array repeats the key (`owner=a&owner=b`). */
type Query = Record<string, string | number | boolean | string[] | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function refPath(ref: string, defaultKind?: string): string {
  const { kind, namespace, name } = parseEntityRef(ref, { defaultKind });
  return [kind, namespace, name].map(encodeURIComponent).join('/');
}

/** `scorecard:default/prod` → `default/prod`, the path segment of the scorecard routes. */
function scorecardPath(ref: string): string {
  const { namespace, name } = parseEntityRef(ref, { defaultKind: 'scorecard' });
  return `${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

/** ScorecardsApi over fetch: discovery finds `/api/scorecards`, the fetch api adds credentials. */
export class ScorecardsClient implements ScorecardsApi {
  private readonly http: PluginHttpClient;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.http = createPluginHttpClient({ pluginId: 'scorecards', discoveryApi: options.discoveryApi, fetchApi: options.fetchApi });
  }

  async getScorecards(): Promise<ScorecardSummary[]> {
    return (await this.http.request<{ items: ScorecardSummary[] }>('/scorecards')).items;
  }

  getScorecard(scorecardRef: string): Promise<ScorecardSummary> {
    return this.http.request(`/scorecards/${scorecardPath(scorecardRef)}`);
  }

  getResults(scorecardRef: string, request: GetResultsRequest = {}): Promise<Page<ScorecardResultRow>> {
    const { owner, level, failingRule, cursor, limit } = request;
    return this.http.request(
      `/scorecards/${scorecardPath(scorecardRef)}/results${queryString({ owner, level, failingRule, cursor, limit })}`,
    );
  }

  getResultsOfOwners(request: GetResultsOfOwnersRequest): Promise<{ items: ScorecardResultRow[]; totalItems: number }> {
    return this.http.request(`/results${queryString({ owner: request.owners, limit: request.limit })}`);
  }

  async getTrends(scorecardRef: string, request: { since?: string; until?: string } = {}): Promise<TrendPoint[]> {
    const path = `/scorecards/${scorecardPath(scorecardRef)}/trends${queryString(request)}`;
    return (await this.http.request<{ items: TrendPoint[] }>(path)).items;
  }

  getEntityScorecards(entityRef: string): Promise<EntityScorecardsResponse> {
    return this.http.request(`/entities/${refPath(entityRef)}`);
  }

  evaluate(request: { scorecardRef?: string; entityRef?: string }): Promise<EvaluateResponse> {
    return this.http.request('/evaluate', { method: 'POST', body: request });
  }

  async getExemptions(
    request: { scorecardRef?: string; entityRef?: string; status?: ExemptionStatus } = {},
  ): Promise<Exemption[]> {
    return (await this.http.request<{ items: Exemption[] }>(`/exemptions${queryString(request)}`)).items;
  }

  getExemption(id: string): Promise<Exemption> {
    return this.http.request(`/exemptions/${encodeURIComponent(id)}`);
  }

  decideExemption(id: string, decision: { status: 'approved' | 'rejected'; comment?: string }): Promise<Exemption> {
    return this.http.request(`/exemptions/${encodeURIComponent(id)}/decision`, { method: 'POST', body: decision });
  }

  requestExemption(request: RequestExemptionRequest): Promise<Exemption> {
    return this.http.request('/exemptions', { method: 'POST', body: request });
  }

  async getInitiatives(request: { scorecardRef?: string; owners?: string[] } = {}): Promise<Initiative[]> {
    const query = queryString({ scorecardRef: request.scorecardRef, owner: request.owners });
    return (await this.http.request<{ items: Initiative[] }>(`/initiatives${query}`)).items;
  }

  getInitiativeProgress(id: string): Promise<InitiativeProgress> {
    return this.http.request(`/initiatives/${encodeURIComponent(id)}`);
  }

  async getNotifications(
    request: { recipient?: string; unreadOnly?: boolean; limit?: number } = {},
  ): Promise<ScorecardNotification[]> {
    const query = queryString({
      recipient: request.recipient,
      unread: request.unreadOnly ? 'true' : undefined,
      limit: request.limit,
    });
    return (await this.http.request<{ items: ScorecardNotification[] }>(`/notifications${query}`)).items;
  }

  async markNotificationRead(id: string): Promise<void> {
    await this.http.request(`/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });
  }
}
