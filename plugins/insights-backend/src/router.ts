import type { Request, Router } from 'express';
import { z } from 'zod';
import {
  audited,
  createRouteRegistry,
  type AuditorService,
  type AuthService,
  type Credentials,
  type HttpAuthService,
  type PermissionsService,
  type RouteRegistry,
} from '@portico/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { InputError, NotFoundError, PayloadTooLargeError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import {
  MAX_PUSH_BATCH,
  insightsBreakdownResponseSchema,
  insightsComparisonResponseSchema,
  insightsEventsPushPermission,
  insightsEventsResponseSchema,
  insightsIntervalSchema,
  insightsMetricIdSchema,
  insightsMetricsResponseSchema,
  pushDeploymentsRequestSchema,
  pushIncidentsRequestSchema,
  pushPullRequestsRequestSchema,
  pushResultSchema,
  type InsightsMetricId,
  type InsightsScope,
} from '@portico/plugin-insights-common';
import { breakdownCsv, comparisonCsv, eventsCsv, metricsCsv } from './csv';
import type { EventIngestor } from './ingest/EventIngestor';
import type { EventKind } from './ingest/validate';
import type { MetricsService, Period } from './metrics/MetricsService';

const DAY = 86_400_000;
/** The longest range a GET answers: two years (a leap day included). */
export const MAX_RANGE_MS = 731 * DAY;
/** The default range: the last 30 days. */
export const DEFAULT_RANGE_MS = 30 * DAY;
/** Body limit of the push routes: MAX_PUSH_BATCH pull requests with titles, links and reviewers fit. */
export const PUSH_BODY_LIMIT = '4mb';

const list = z.union([z.string().max(5000), z.array(z.string().max(500)).max(100)]);
const ref = z.string().min(1).max(500);
const bool = z.enum(['true', 'false']);
const dateOrTime = z.string().max(40);

const scopeQuery = {
  entityRef: ref.optional().describe('An entity (kind defaults to component, namespace to default)'),
  group: ref.optional().describe("A group: its components' metrics (group:default/team-a or team-a)"),
  subTeams: bool.optional().describe("With group: also the group's sub-teams' components"),
  system: ref.optional().describe("A system: its components' metrics"),
  domain: ref.optional().describe("A domain: its systems' components' metrics"),
};
const periodQuery = {
  from: dateOrTime.optional().describe('ISO 8601 date (UTC midnight) or time with a zone; default 30 days before `to`'),
  to: dateOrTime.optional().describe('ISO 8601 date (the whole day counts) or time with a zone; default now'),
  format: z.enum(['json', 'csv']).optional().describe('csv for a CSV download (or send Accept: text/csv)'),
};

const PUSH_BODIES = { deployments: pushDeploymentsRequestSchema, incidents: pushIncidentsRequestSchema, pullRequests: pushPullRequestsRequestSchema };
const PUSH_PATHS: Record<EventKind, string> = { deployments: '/deployments', incidents: '/incidents', pullRequests: '/pull-requests' };

/** Parses `from`/`to` (dates or zoned times) into a period; refuses a reversed, empty or over-long one. */
export function parsePeriod(query: { from?: string; to?: string }, now = Date.now()): Period {
  const read = (field: 'from' | 'to', raw: string): number => {
    // An unencoded `+02:00` in a query string arrives as ` 02:00`.
    const value = raw.replace(/T([\d:.]+) (\d{2}:?\d{2})$/, 'T$1+$2');
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const midnight = Date.parse(`${value}T00:00:00Z`);
      if (Number.isNaN(midnight)) throw new InputError(`query.${field}: ${value} is not a date`);
      // A date as `to` includes that day.
      return field === 'to' ? midnight + DAY : midnight;
    }
    if (!z.iso.datetime({ offset: true }).safeParse(value).success) {
      throw new InputError(`query.${field}: ${JSON.stringify(value)} is not an ISO 8601 date (2026-12-01) or time with a zone (2026-12-01T10:00:00Z)`);
    }
    return Date.parse(value);
  };
  const to = query.to ? read('to', query.to) : now;
  const from = query.from ? read('from', query.from) : to - DEFAULT_RANGE_MS;
  if (from >= to) throw new InputError(`query.from: ${new Date(from).toISOString()} must be before to (${new Date(to).toISOString()})`);
  if (to - from > MAX_RANGE_MS) throw new InputError(`query.to: the range ${new Date(from).toISOString()} to ${new Date(to).toISOString()} is over 2 years; ask for at most 2 years at a time`);
  return { from, to };
}

/** A list parameter, comma-separated or repeated. */
function listOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap(v => v.split(',')).map(v => v.trim()).filter(Boolean);
}

function metricIds(field: string, value: string | string[] | undefined): InsightsMetricId[] {
  return listOf(value).map(id => {
    const parsed = insightsMetricIdSchema.safeParse(id);
    if (!parsed.success) throw new InputError(`query.${field}: ${JSON.stringify(id)} is not a metric; the metrics are ${insightsMetricIdSchema.options.join(', ')}`);
    return parsed.data;
  });
}

/** The canonical ref of a query parameter naming an entity of `kind` (when given, the ref's kind must be it). */
function refOf(field: string, value: string, kind: string): string {
  let parsed;
  try {
    parsed = parseEntityRef(value, { defaultKind: kind, defaultNamespace: 'default' });
  } catch (error) {
    throw new InputError(`query.${field}: ${JSON.stringify(value)} is not an entity ref: ${(error as Error).message}`);
  }
  if (field !== 'entityRef' && parsed.kind.toLowerCase() !== kind) throw new InputError(`query.${field}: ${value} is not a ${kind}`);
  return stringifyEntityRef(parsed);
}

/** The scope named by exactly one of entityRef, group, system and domain. */
export function parseScope(query: { entityRef?: string; group?: string; system?: string; domain?: string; subTeams?: string }): InsightsScope {
  const named = (['entityRef', 'group', 'system', 'domain'] as const).filter(k => query[k] !== undefined);
  if (named.length !== 1) {
    throw new InputError(`query: name exactly one scope, entityRef, group, system or domain${named.length ? ` (got ${named.join(' and ')})` : ''}`);
  }
  const [field] = named;
  if (query.subTeams !== undefined && field !== 'group') throw new InputError('query.subTeams: applies to a group scope only');
  const value = query[field]!;
  if (field === 'entityRef') return { type: 'entity', ref: refOf(field, value, 'component') };
  return { type: field, ref: refOf(field, value, field), ...(field === 'group' ? { subTeams: query.subTeams === 'true' } : {}) };
}

function wantsCsv(req: Request, format: string | undefined): boolean {
  if (format) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

function sendCsv(req: Request, res: import('express').Response, name: string, body: string): void {
  res.status(200).type('text/csv; charset=utf-8').setHeader('content-disposition', `attachment; filename="insights-${name}.csv"`);
  res.send(body);
}

/** Routes under /api/insights: the push API and the metrics of an entity, team, system or domain. */
export function createRouter(options: {
  ingestor: EventIngestor;
  metrics: MetricsService;
  catalog: CatalogApi;
  auth: AuthService;
  httpAuth?: HttpAuthService;
  permissions?: PermissionsService;
  auditor?: AuditorService;
  /** More routes on the same registry (and OpenAPI document), e.g. the metrics engine's `POST /facts`. */
  addRoutes?: (routes: RouteRegistry) => void;
}): Router {
  const { ingestor, metrics, catalog, auth } = options;
  const routes = createRouteRegistry({
    pluginId: 'insights',
    title: 'Portico Insights',
    description:
      'Deployments, pull requests and incidents pushed by any CI or CD tool (or read by the GitHub and PagerDuty sources), and the ' +
      'DORA and pull-request metrics computed from them per entity, team, system and domain. Metrics are about services and teams: ' +
      'there is no per-person view.',
    httpAuth: options.httpAuth,
    permissions: options.permissions,
    auditor: options.auditor,
  });

  const catalogToken = async (credentials: Credentials) => (await auth.getPluginRequestToken({ onBehalfOf: credentials, targetPluginId: 'catalog' })).token;

  /** The caller's catalog token, after checking they may read each entity named (404 naming the first they may not). */
  async function readable(credentials: Credentials, refs: string[]): Promise<string> {
    const token = await catalogToken(credentials);
    if (refs.length > 0) {
      const { items } = await catalog.getEntitiesByRefs({ entityRefs: refs, fields: ['kind', 'metadata.name', 'metadata.namespace'] }, { token });
      const missing = refs.find((_, i) => !items[i]);
      if (missing) throw new NotFoundError(`No entity ${missing} in the catalog`);
    }
    return token;
  }

  for (const kind of ['deployments', 'incidents', 'pullRequests'] as const) {
    const noun = kind === 'pullRequests' ? 'pull requests' : kind;
    routes.route(
      {
        method: 'post',
        path: PUSH_PATHS[kind],
        summary: `Push ${noun}`,
        description:
          `Stores ${noun} sent by a CI or CD tool, idempotently by (source, id): an item sent again unchanged is counted as a duplicate, ` +
          `a changed one replaces the stored one. Times are ISO 8601 with a zone, from 2000 to 5 minutes ahead of the portal's clock; ` +
          `entity refs default to kind component and namespace default and must name catalog entities. The whole batch is refused ` +
          `with a 400 naming the first bad item (\`${kind}[3].field: …\`; every problem in details.issues). At most ${MAX_PUSH_BATCH} ` +
          `items per request. Needs ${insightsEventsPushPermission.name}; audited.`,
        body: PUSH_BODIES[kind],
        bodyLimit: PUSH_BODY_LIMIT,
        permission: insightsEventsPushPermission,
        response: { status: 202, description: 'Stored: how many items were new or changed, and how many were duplicates', schema: pushResultSchema },
        errors: {
          400: 'A bad item: the message names it and its field (an unknown entity, a time out of range or order, an unknown field)',
          403: `The caller lacks ${insightsEventsPushPermission.name}, or its token is restricted to other plugins`,
        },
      },
      async ({ body, req }) => {
        const items = (body as Record<EventKind, unknown[]>)[kind];
        if (items.length > MAX_PUSH_BATCH) {
          throw new PayloadTooLargeError(`${kind}: ${items.length} items is over the limit of ${MAX_PUSH_BATCH} per request; send them in pages of at most ${MAX_PUSH_BATCH}`);
        }
        const sources = [...new Set(items.map(i => (i && typeof i === 'object' ? (i as { source?: unknown }).source : undefined)).filter((s): s is string => typeof s === 'string'))].slice(0, 10);
        return audited(options.auditor, { action: `${insightsEventsPushPermission.name}`, resourceRef: kind, request: req, meta: { items: items.length, sources } }, () =>
          ingestor.ingest(kind, items),
        );
      },
    );
  }

  routes.route(
    {
      method: 'get',
      path: '/metrics',
      summary: 'Metrics of an entity, team, system or domain',
      description:
        'Every metric (or those named in `metric`) over the period, with its DORA band, the previous period of the same length and a ' +
        'series per interval (day, week or month; default week). A value resting on too few events is null with insufficientData ' +
        'saying why. The scope entity must be readable by the caller (404 otherwise); a scope covers only the entities the caller may read.',
      query: z.object({ ...scopeQuery, ...periodQuery, interval: insightsIntervalSchema.optional(), metric: list.optional() }).strict(),
      response: { description: 'The metrics (text/csv with format=csv)', schema: insightsMetricsResponseSchema },
      errors: { 404: 'The scope entity does not exist or the caller may not read it' },
    },
    async ({ query, credentials, req, res }) => {
      const scope = parseScope(query);
      const period = parsePeriod(query);
      const wanted = metricIds('metric', query.metric);
      const token = await readable(credentials, [scope.ref]);
      const answer = await metrics.metrics({ scope, period, interval: query.interval ?? 'week', ...(wanted.length ? { metrics: wanted } : {}), token });
      if (!wantsCsv(req, query.format)) return answer;
      sendCsv(req, res, 'metrics', metricsCsv(answer));
      return undefined;
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/breakdown',
      summary: 'Every entity of a team, system or domain with each metric',
      description: "Each entity of the scope (e.g. a team's components) with every metric's value over the period; no series.",
      query: z.object({ ...scopeQuery, ...periodQuery }).strict(),
      response: { description: 'One row per entity (text/csv with format=csv)', schema: insightsBreakdownResponseSchema },
      errors: { 404: 'The scope entity does not exist or the caller may not read it' },
    },
    async ({ query, credentials, req, res }) => {
      const scope = parseScope(query);
      const period = parsePeriod(query);
      const token = await readable(credentials, [scope.ref]);
      const answer = await metrics.breakdown({ scope, period, token });
      if (!wantsCsv(req, query.format)) return answer;
      sendCsv(req, res, 'breakdown', breakdownCsv(answer));
      return undefined;
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/compare',
      summary: 'Teams compared on one metric',
      description:
        'One metric for every team owning entities with events (or the groups named in `groups`), best first. Teams only: there is ' +
        'no per-person comparison.',
      query: z.object({ metric: z.string(), groups: list.optional(), subTeams: bool.optional(), ...periodQuery }).strict(),
      response: { description: 'One row per team (text/csv with format=csv)', schema: insightsComparisonResponseSchema },
      errors: { 404: 'A named group does not exist or the caller may not read it' },
    },
    async ({ query, credentials, req, res }) => {
      const [metric, ...more] = metricIds('metric', query.metric);
      if (!metric || more.length > 0) throw new InputError('query.metric: name one metric');
      const period = parsePeriod(query);
      const groups = [...new Set(listOf(query.groups).map(g => refOf('groups', g, 'group')))];
      const token = await readable(credentials, groups);
      const answer = await metrics.compare({ metric, period, ...(groups.length ? { groups } : {}), subTeams: query.subTeams === 'true', token });
      if (!wantsCsv(req, query.format)) return answer;
      sendCsv(req, res, 'comparison', comparisonCsv(answer));
      return undefined;
    },
  );

  routes.route(
    {
      method: 'get',
      path: '/events',
      summary: 'The events behind a number',
      description:
        'The deployments, pull requests or incidents a metric of the scope counted over the period, each with its contribution and why ' +
        '(e.g. a deployment counted as failed: an incident opened 40 minutes after it). Paged: pass nextCursor back as cursor.',
      query: z
        .object({ ...scopeQuery, ...periodQuery, metric: z.string(), cursor: z.string().max(2000).optional(), limit: z.coerce.number().int().min(1).max(500).optional() })
        .strict(),
      response: { description: 'One page of events (text/csv with format=csv; the next cursor in X-Next-Cursor)', schema: insightsEventsResponseSchema },
      errors: { 404: 'The scope entity does not exist or the caller may not read it' },
    },
    async ({ query, credentials, req, res }) => {
      const scope = parseScope(query);
      const [metric, ...more] = metricIds('metric', query.metric);
      if (!metric || more.length > 0) throw new InputError('query.metric: name one metric');
      const period = parsePeriod(query);
      const token = await readable(credentials, [scope.ref]);
      const answer = await metrics.events({ scope, metric, period, ...(query.cursor ? { cursor: query.cursor } : {}), ...(query.limit ? { limit: query.limit } : {}), token });
      if (!wantsCsv(req, query.format)) return answer;
      if (answer.nextCursor) res.setHeader('x-next-cursor', answer.nextCursor);
      sendCsv(req, res, 'events', eventsCsv(answer));
      return undefined;
    },
  );

  options.addRoutes?.(routes);
  return routes.router;
}
