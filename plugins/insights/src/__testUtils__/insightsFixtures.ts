import type { Entity } from '@portico/catalog-model';
import { ResponseError } from '@portico/errors';
import {
  doraBand,
  INSIGHTS_METRIC_IDS,
  INSIGHTS_METRICS,
  insightsBreakdownResponseSchema,
  insightsComparisonResponseSchema,
  insightsEventsResponseSchema,
  insightsMetricsResponseSchema,
  type InsightsBreakdownResponse,
  type InsightsComparisonResponse,
  type InsightsEventsResponse,
  type InsightsMetric,
  type InsightsMetricId,
  type InsightsMetricsResponse,
  type InsightsValue,
} from '@portico/plugin-insights-common';
import type { InsightsApi } from '../api/InsightsApi';

export const component: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'payments' }, spec: { type: 'service', owner: 'team-a' } };
export const team: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } };

const WEEK = 7 * 86_400_000;
const START = Date.parse('2026-09-07T00:00:00Z');

/** A metric with a value (or `value: null` + a reason), its previous period's value and a weekly series. */
export function metric(id: InsightsMetricId, value: number | null, options: { previous?: number | null; series?: Array<number | null>; insufficientData?: string; sampleSize?: number } = {}): InsightsMetric {
  const def = INSIGHTS_METRICS[id];
  const v = (x: number | null, reason?: string): InsightsValue => (x === null ? { value: null, sampleSize: 0, insufficientData: reason ?? 'No events in the period' } : { value: x, sampleSize: options.sampleSize ?? 12 });
  return {
    ...v(value, options.insufficientData),
    id,
    title: def.title,
    unit: def.unit,
    definition: def.definition,
    band: doraBand(id, value),
    previous: v(options.previous === undefined ? value : options.previous),
    series: (options.series ?? [value]).map((x, i) => ({ ...v(x), start: new Date(START + i * WEEK).toISOString(), end: new Date(START + (i + 1) * WEEK).toISOString() })),
  };
}

/** Every metric of component:default/payments: deploys rose from 0.4 to 0.9 per day (elite), lead time fell, no incidents. */
export function metricsResponse(overrides: Partial<Record<InsightsMetricId, InsightsMetric>> = {}, scopeRef = 'component:default/payments'): InsightsMetricsResponse {
  const defaults: Record<InsightsMetricId, InsightsMetric> = {
    deploymentFrequency: metric('deploymentFrequency', 1.2, { previous: 0.8, series: [0.4, 0.6, null, 0.9] }),
    leadTime: metric('leadTime', 30, { previous: 40, series: [40, 35, 30, 30] }),
    changeFailureRate: metric('changeFailureRate', 0.2, { previous: 0.1, series: [0.1, 0.2, 0.2, 0.2] }),
    timeToRestore: metric('timeToRestore', null, { insufficientData: 'No incident resolved in the period', series: [null, null, null, null] }),
    prCycleTime: metric('prCycleTime', 20, { previous: 20 }),
    timeToFirstReview: metric('timeToFirstReview', 3),
    reviewedShare: metric('reviewedShare', 0.9, { previous: null }),
    prSize: metric('prSize', 120),
  };
  const scope = scopeRef.startsWith('group:') ? { type: 'group' as const, ref: scopeRef, subTeams: false } : { type: 'entity' as const, ref: scopeRef };
  return insightsMetricsResponseSchema.parse({
    scope,
    from: '2026-09-07T00:00:00.000Z',
    to: '2026-10-05T00:00:00.000Z',
    interval: 'week',
    entityRefs: scopeRef.startsWith('group:') ? ['component:default/payments', 'component:default/ledger'] : [scopeRef],
    metrics: INSIGHTS_METRIC_IDS.map(id => overrides[id] ?? defaults[id]),
  });
}

const values = (v: Partial<Record<InsightsMetricId, number | null>>) =>
  Object.fromEntries(INSIGHTS_METRIC_IDS.map(id => [id, v[id] === undefined || v[id] === null ? { value: null, sampleSize: 0, insufficientData: 'No events' } : { value: v[id], sampleSize: 5 }]));

export function breakdownResponse(): InsightsBreakdownResponse {
  return insightsBreakdownResponseSchema.parse({
    scope: { type: 'group', ref: 'group:default/team-a', subTeams: false },
    from: '2026-09-07T00:00:00.000Z',
    to: '2026-10-05T00:00:00.000Z',
    rows: [
      { entityRef: 'component:default/payments', metrics: values({ deploymentFrequency: 0.5, leadTime: 30, prSize: 120 }) },
      { entityRef: 'component:default/ledger', title: 'Ledger', metrics: values({ deploymentFrequency: 2, leadTime: null, prSize: 40 }) },
      { entityRef: 'component:default/audit', metrics: values({ deploymentFrequency: null, leadTime: 5 }) },
    ],
  });
}

export function comparisonResponse(): InsightsComparisonResponse {
  return insightsComparisonResponseSchema.parse({
    metric: 'deploymentFrequency',
    title: INSIGHTS_METRICS.deploymentFrequency.title,
    unit: 'perDay',
    definition: INSIGHTS_METRICS.deploymentFrequency.definition,
    from: '2026-09-07T00:00:00.000Z',
    to: '2026-10-05T00:00:00.000Z',
    rows: [
      { groupRef: 'group:default/storefront', title: 'Storefront', value: 2.5, sampleSize: 70, entities: 4, band: 'elite' },
      { groupRef: 'group:default/payments', value: 0.2, sampleSize: 6, entities: 5, band: 'high' },
      { groupRef: 'group:default/data', value: null, sampleSize: 0, insufficientData: 'No production deployment in the period', entities: 1, band: null },
    ],
  });
}

export function eventsResponse(overrides: Partial<InsightsEventsResponse> = {}): InsightsEventsResponse {
  return insightsEventsResponseSchema.parse({
    metric: 'changeFailureRate',
    items: [
      {
        type: 'deployment',
        id: 'deploy-2',
        source: 'ci',
        entityRef: 'component:default/payments',
        at: '2026-09-20T10:00:00Z',
        value: 1,
        reason: 'incident INC-1 opened 40 min after',
        event: { id: 'deploy-2', version: 'v1.2.0', environment: 'production', status: 'succeeded' },
      },
      {
        type: 'deployment',
        id: 'deploy-1',
        source: 'ci',
        entityRef: 'component:default/payments',
        at: '2026-09-18T10:00:00Z',
        value: 0,
        reason: 'no incident, rollback or hotfix within 24 h',
        event: { id: 'deploy-1', version: 'v1.1.0', environment: 'production', status: 'succeeded' },
      },
    ],
    ...overrides,
  });
}

/** An InsightsApi answering the fixtures above; pass overrides for a test's own answers. */
export function fakeInsightsApi(overrides: Partial<InsightsApi> = {}): jest.Mocked<InsightsApi> {
  return {
    getMetrics: jest.fn(async ({ scope }) => metricsResponse({}, scope.ref)),
    getBreakdown: jest.fn(async () => breakdownResponse()),
    compareTeams: jest.fn(async () => comparisonResponse()),
    getEvents: jest.fn(async () => eventsResponse()),
    getCsvUrl: jest.fn(async (route, query) => `http://localhost/api/insights/${route}?${query}&format=csv`),
    ...overrides,
  } as jest.Mocked<InsightsApi>;
}

/** The error the client throws for a backend answer with `status` and `{ error: { name, message } }`. */
export function responseError(status: number, name: string, message: string): ResponseError {
  return new ResponseError(`${name}: ${message}`, { status }, { name, message });
}
