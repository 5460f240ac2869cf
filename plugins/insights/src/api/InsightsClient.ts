import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import {
  insightsBreakdownResponseSchema,
  insightsComparisonResponseSchema,
  insightsEventsResponseSchema,
  insightsMetricsResponseSchema,
  type InsightsBreakdownResponse,
  type InsightsComparisonResponse,
  type InsightsEventsResponse,
  type InsightsMetricsResponse,
  type InsightsScope,
} from '@portico/plugin-insights-common';
import type { InsightsApi, InsightsCsvRoute, InsightsPeriod } from './InsightsApi';

/** The query parameter each scope type is sent as (`entityRef=`, `group=` + `subTeams=true`, `system=`, `domain=`). */
const scopeParam: Record<InsightsScope['type'], string> = { entity: 'entityRef', group: 'group', system: 'system', domain: 'domain' };

/** A scope and a period as the query string the GET routes read. */
export function insightsQuery(options: { scope?: InsightsScope } & InsightsPeriod, extra: Record<string, string | undefined> = {}): URLSearchParams {
  const query = new URLSearchParams();
  if (options.scope) {
    query.set(scopeParam[options.scope.type], options.scope.ref);
    if (options.scope.type === 'group' && options.scope.subTeams) query.set('subTeams', 'true');
  }
  if (options.from) query.set('from', options.from);
  if (options.to) query.set('to', options.to);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined && value !== '') query.set(key, value);
  return query;
}

/** InsightsApi over HTTP: discovery finds `/api/insights`, fetchApi adds credentials; answers are checked against the shared schemas. */
export class InsightsClient implements InsightsApi {
  private readonly http: PluginHttpClient;
  private readonly discoveryApi: DiscoveryApi;

  constructor(deps: { discoveryApi: DiscoveryApi; fetchApi?: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'insights', ...deps });
    this.discoveryApi = deps.discoveryApi;
  }

  async getMetrics(options: Parameters<InsightsApi['getMetrics']>[0]): Promise<InsightsMetricsResponse> {
    const query = insightsQuery(options, { interval: options.interval, metric: options.metrics?.join(',') });
    return insightsMetricsResponseSchema.parse(await this.http.request(`/metrics?${query}`));
  }

  async getBreakdown(options: Parameters<InsightsApi['getBreakdown']>[0]): Promise<InsightsBreakdownResponse> {
    return insightsBreakdownResponseSchema.parse(await this.http.request(`/breakdown?${insightsQuery(options)}`));
  }

  async compareTeams(options: Parameters<InsightsApi['compareTeams']>[0]): Promise<InsightsComparisonResponse> {
    const query = insightsQuery(options, { metric: options.metric, groups: options.groups?.join(','), subTeams: options.subTeams ? 'true' : undefined });
    return insightsComparisonResponseSchema.parse(await this.http.request(`/compare?${query}`));
  }

  async getEvents(options: Parameters<InsightsApi['getEvents']>[0]): Promise<InsightsEventsResponse> {
    const query = insightsQuery(options, { metric: options.metric, cursor: options.cursor });
    return insightsEventsResponseSchema.parse(await this.http.request(`/events?${query}`));
  }

  async getCsvUrl(route: InsightsCsvRoute, query: URLSearchParams): Promise<string> {
    const csv = new URLSearchParams(query);
    csv.set('format', 'csv');
    return `${await this.discoveryApi.getBaseUrl('insights')}/${route}?${csv}`;
  }
}
