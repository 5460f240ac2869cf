import { parseEntityRef } from '@portico/catalog-model';
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
import type { GetResultsRequest, RequestExemptionRequest, ScorecardResultRow, ScorecardsApi } from './ScorecardsApi';

/** Thrown for a non-2xx answer; carries the status and the backend's error name. */
export class ScorecardsResponseError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorName?: string,
  ) {
    super(message);
    this.name = 'ScorecardsResponseError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
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
  private readonly discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (input, init) => globalThis.fetch(input, init) };
  }

  private async request<T>(path: string, init?: { method: string; body?: unknown }): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('scorecards');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init?.method ?? 'GET',
      headers: init?.body !== undefined ? { 'Content-Type': 'application/json' } : undefined,
      body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
    if (!response.ok) {
      let message = `Request failed with ${response.status} ${response.statusText}`.trim();
      let errorName: string | undefined;
      try {
        const body = (await response.json()) as { error?: { name?: string; message?: string } };
        if (body.error?.message) message = body.error.message;
        errorName = body.error?.name;
      } catch {
        // not JSON: keep the status line
      }
      throw new ScorecardsResponseError(message, response.status, errorName);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  async getScorecards(): Promise<ScorecardSummary[]> {
    return (await this.request<{ items: ScorecardSummary[] }>('/scorecards')).items;
  }

  getScorecard(scorecardRef: string): Promise<ScorecardSummary> {
    return this.request(`/scorecards/${scorecardPath(scorecardRef)}`);
  }

  getResults(scorecardRef: string, request: GetResultsRequest = {}): Promise<Page<ScorecardResultRow>> {
    const { owner, level, failingRule, cursor, limit } = request;
    return this.request(
      `/scorecards/${scorecardPath(scorecardRef)}/results${queryString({ owner, level, failingRule, cursor, limit })}`,
    );
  }

  async getTrends(scorecardRef: string, request: { since?: string; until?: string } = {}): Promise<TrendPoint[]> {
    const path = `/scorecards/${scorecardPath(scorecardRef)}/trends${queryString(request)}`;
    return (await this.request<{ items: TrendPoint[] }>(path)).items;
  }

  getEntityScorecards(entityRef: string): Promise<EntityScorecardsResponse> {
    return this.request(`/entities/${refPath(entityRef)}`);
  }

  evaluate(request: { scorecardRef?: string; entityRef?: string }): Promise<EvaluateResponse> {
    return this.request('/evaluate', { method: 'POST', body: request });
  }

  async getExemptions(
    request: { scorecardRef?: string; entityRef?: string; status?: ExemptionStatus } = {},
  ): Promise<Exemption[]> {
    return (await this.request<{ items: Exemption[] }>(`/exemptions${queryString(request)}`)).items;
  }

  getExemption(id: string): Promise<Exemption> {
    return this.request(`/exemptions/${encodeURIComponent(id)}`);
  }

  decideExemption(id: string, decision: { status: 'approved' | 'rejected'; comment?: string }): Promise<Exemption> {
    return this.request(`/exemptions/${encodeURIComponent(id)}/decision`, { method: 'POST', body: decision });
  }

  requestExemption(request: RequestExemptionRequest): Promise<Exemption> {
    return this.request('/exemptions', { method: 'POST', body: request });
  }

  async getInitiatives(request: { scorecardRef?: string } = {}): Promise<Initiative[]> {
    return (await this.request<{ items: Initiative[] }>(`/initiatives${queryString(request)}`)).items;
  }

  getInitiativeProgress(id: string): Promise<InitiativeProgress> {
    return this.request(`/initiatives/${encodeURIComponent(id)}`);
  }

  async getNotifications(
    request: { recipient?: string; unreadOnly?: boolean; limit?: number } = {},
  ): Promise<ScorecardNotification[]> {
    const query = queryString({
      recipient: request.recipient,
      unread: request.unreadOnly ? 'true' : undefined,
      limit: request.limit,
    });
    return (await this.request<{ items: ScorecardNotification[] }>(`/notifications${query}`)).items;
  }

  async markNotificationRead(id: string): Promise<void> {
    await this.request(`/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });
  }
}
