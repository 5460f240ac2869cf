import { createApiRef } from '@portico/frontend-plugin-api';
import type {
  InsightsBreakdownResponse,
  InsightsComparisonResponse,
  InsightsEventsResponse,
  InsightsInterval,
  InsightsMetricId,
  InsightsMetricsResponse,
  InsightsScope,
} from '@portico/plugin-insights-common';

/** A period: ISO dates or times; the backend's default (the last 30 days) where absent. */
export interface InsightsPeriod {
  from?: string;
  to?: string;
}

/** The four GET routes of /api/insights, which also answer CSV (`format=csv`). */
export type InsightsCsvRoute = 'metrics' | 'breakdown' | 'compare' | 'events';

/** What the insights backend offers the browser (routes under /api/insights); every answer is parsed with its schema. */
export interface InsightsApi {
  /** Every metric (or those named) of a scope over a period, with its series per `interval`. */
  getMetrics(options: { scope: InsightsScope; interval?: InsightsInterval; metrics?: InsightsMetricId[] } & InsightsPeriod): Promise<InsightsMetricsResponse>;
  /** Each entity of a scope with every metric's value. */
  getBreakdown(options: { scope: InsightsScope } & InsightsPeriod): Promise<InsightsBreakdownResponse>;
  /** One metric for every team (or the `groups` named), best first. */
  compareTeams(options: { metric: InsightsMetricId; groups?: string[]; subTeams?: boolean } & InsightsPeriod): Promise<InsightsComparisonResponse>;
  /** The events behind a metric's number over a scope, with why each counted; `cursor` reads the next page. */
  getEvents(options: { scope: InsightsScope; metric: InsightsMetricId; cursor?: string } & InsightsPeriod): Promise<InsightsEventsResponse>;
  /** The URL of a route's CSV export with the same query (a download link: the browser's session authenticates it). */
  getCsvUrl(route: InsightsCsvRoute, query: URLSearchParams): Promise<string>;
}

export const insightsApiRef = createApiRef<InsightsApi>({ id: 'plugin.insights.service' });
