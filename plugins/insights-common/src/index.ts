/**
 * @portico/plugin-insights-common: the shapes the insights plugin pair and its sources exchange. Isomorphic.
 *
 * - the push API's event shapes (`POST /api/insights/deployments`, `/incidents`, `/pull-requests`), a contract other
 *   tools rely on: extend, never rename;
 * - the metric ids, their definitions and the published DORA bands;
 * - the answers of `/api/insights` as zod schemas, so the backend validates what it sends and the frontend parses
 *   what it receives;
 * - the permissions.
 */
import { createPermission } from '@portico/permission-common';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------------
// Events (the push API and the `insights.sources` extension point take the same shapes)

/** Earliest accepted event time: older timestamps are refused as a mistake (a zeroed date, seconds as ms). */
export const EARLIEST_EVENT_TIME = '2000-01-01T00:00:00Z';
/** How far in the future an event time may lie (clock skew between a CI runner and the portal). */
export const FUTURE_SKEW_MS = 5 * 60_000;
/** Most items in one push request; more is answered 413, naming this limit (send pages). */
export const MAX_PUSH_BATCH = 1000;
/** The environments that count as production unless `insights.productionEnvironments` says otherwise. */
export const DEFAULT_PRODUCTION_ENVIRONMENTS = ['production'];

/** An ISO 8601 time with a zone (`Z` or an offset): local times without one are ambiguous across time zones. */
export const eventTimeSchema = z.iso.datetime({ offset: true });

const id = z.string().min(1).max(200);
const source = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'may hold letters, digits and . _ : - only');
const entityRef = z.string().min(1).max(500);

/** One deployment of an entity to an environment. Identified by (`source`, `id`): a second push of it is a duplicate. */
export const deploymentEventSchema = z
  .object({
    id,
    entityRef,
    environment: z.string().min(1).max(100),
    version: z.string().max(200).nullish(),
    commitSha: z.string().max(64).nullish(),
    status: z.enum(['succeeded', 'failed', 'rolled_back']),
    startedAt: eventTimeSchema.nullish(),
    finishedAt: eventTimeSchema,
    /** A fix shipped for a failure of an earlier deployment: marks the production deployment before it as failed. */
    hotfix: z.boolean().nullish(),
    source,
  })
  .strict()
  .meta({ id: 'InsightsDeployment' });
export type DeploymentEvent = z.infer<typeof deploymentEventSchema>;

/** One incident on an entity; `resolvedAt` absent or null while it is open. */
export const incidentEventSchema = z
  .object({
    id,
    entityRef,
    openedAt: eventTimeSchema,
    resolvedAt: eventTimeSchema.nullish(),
    severity: z.string().max(50).nullish(),
    source,
  })
  .strict()
  .meta({ id: 'InsightsIncident' });
export type IncidentEvent = z.infer<typeof incidentEventSchema>;

/**
 * One pull request of an entity's repository. The author is returned only in the PR list behind a number (/events);
 * reviewers are stored but returned by no route.
 */
export const pullRequestEventSchema = z
  .object({
    id,
    entityRef,
    number: z.number().int().nonnegative(),
    title: z.string().max(500).nullish(),
    url: z.string().max(2000).nullish(),
    author: z.string().max(200).nullish(),
    reviewers: z.array(z.string().max(200)).max(100).nullish(),
    createdAt: eventTimeSchema,
    firstReviewAt: eventTimeSchema.nullish(),
    mergedAt: eventTimeSchema.nullish(),
    additions: z.number().int().nonnegative().nullish(),
    deletions: z.number().int().nonnegative().nullish(),
    /** The id (same `source`) of the deployment that shipped it, when the sender knows it. */
    deployedIn: id.nullish(),
    /** Its first commit's time, when known: lead time then starts here instead of at the merge. */
    firstCommitAt: eventTimeSchema.nullish(),
    source,
  })
  .strict()
  .meta({ id: 'InsightsPullRequest' });
export type PullRequestEvent = z.infer<typeof pullRequestEventSchema>;

/** The bodies of the three push routes. Item checks beyond shape (times in range, order) are the backend's. */
export const pushDeploymentsRequestSchema = z.object({ deployments: z.array(z.unknown()) }).strict();
export const pushIncidentsRequestSchema = z.object({ incidents: z.array(z.unknown()) }).strict();
export const pushPullRequestsRequestSchema = z.object({ pullRequests: z.array(z.unknown()) }).strict();

/** The answer of a push (202): how many items were new or changed, and how many were exact duplicates. */
export const pushResultSchema = z.object({ accepted: z.number().int(), duplicates: z.number().int() }).meta({ id: 'InsightsPushResult' });
export type PushResult = z.infer<typeof pushResultSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Metrics

export const INSIGHTS_METRIC_IDS = [
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'timeToRestore',
  'prCycleTime',
  'timeToFirstReview',
  'reviewedShare',
  'prSize',
] as const;
export const insightsMetricIdSchema = z.enum(INSIGHTS_METRIC_IDS);
export type InsightsMetricId = z.infer<typeof insightsMetricIdSchema>;

/** The four DORA keys, in the order the UI shows their tiles. */
export const DORA_METRIC_IDS: readonly InsightsMetricId[] = ['deploymentFrequency', 'leadTime', 'changeFailureRate', 'timeToRestore'];

export type InsightsUnit = 'perDay' | 'hours' | 'ratio' | 'lines';

export interface InsightsMetricDefinition {
  id: InsightsMetricId;
  title: string;
  unit: InsightsUnit;
  /** True when a lower value is better (lead time), false when higher is (deploy frequency). */
  lowerIsBetter: boolean;
  /** One paragraph, shown in the API and the UI next to the number. */
  definition: string;
}

/**
 * What every metric means. Times are medians so one stuck PR cannot move a team's number; a metric over a period
 * with too few events (see `MIN_SAMPLES`) has no value and says so instead of showing 0.
 */
export const INSIGHTS_METRICS: Record<InsightsMetricId, InsightsMetricDefinition> = {
  deploymentFrequency: {
    id: 'deploymentFrequency',
    title: 'Deployment frequency',
    unit: 'perDay',
    lowerIsBetter: false,
    definition:
      'Deployments to production (any status) that finished in the period, divided by the days of the period. Production is the environment `production` or one named in insights.productionEnvironments.',
  },
  leadTime: {
    id: 'leadTime',
    title: 'Lead time for changes',
    unit: 'hours',
    lowerIsBetter: true,
    definition:
      "Median hours from a pull request's first commit to the end of the first successful production deployment that shipped it, over the pull requests shipped in the period. Where the first commit is unknown the merge time is used; where the deployment is not named (deployedIn) it is the first successful production deployment of the same entity that finished after the merge.",
  },
  changeFailureRate: {
    id: 'changeFailureRate',
    title: 'Change failure rate',
    unit: 'ratio',
    lowerIsBetter: true,
    definition:
      'Share of production deployments finished in the period that failed: status failed or rolled_back, or followed within insights.failureWindow (default PT24H) by an incident opened on the same entity or by a production deployment of it marked hotfix.',
  },
  timeToRestore: {
    id: 'timeToRestore',
    title: 'Time to restore service',
    unit: 'hours',
    lowerIsBetter: true,
    definition: 'Median hours from an incident being opened to its resolution, over the incidents resolved in the period. Open incidents are not counted until they are resolved.',
  },
  prCycleTime: {
    id: 'prCycleTime',
    title: 'PR cycle time',
    unit: 'hours',
    lowerIsBetter: true,
    definition: 'Median hours from a pull request being opened to its merge, over the pull requests merged in the period.',
  },
  timeToFirstReview: {
    id: 'timeToFirstReview',
    title: 'Time to first review',
    unit: 'hours',
    lowerIsBetter: true,
    definition: 'Median hours from a pull request being opened to its first review, over the pull requests merged in the period that had one.',
  },
  reviewedShare: {
    id: 'reviewedShare',
    title: 'Reviewed pull requests',
    unit: 'ratio',
    lowerIsBetter: false,
    definition: 'Share of the pull requests merged in the period that had at least one review before the merge.',
  },
  prSize: {
    id: 'prSize',
    title: 'PR size',
    unit: 'lines',
    lowerIsBetter: true,
    definition: 'Median lines changed (additions plus deletions) of the pull requests merged in the period.',
  },
};

/** Fewest events a value needs; below it the metric answers `insufficientData` instead of a number. */
export const MIN_SAMPLES: Record<InsightsMetricId, number> = {
  deploymentFrequency: 1,
  leadTime: 3,
  changeFailureRate: 3,
  timeToRestore: 1,
  prCycleTime: 3,
  timeToFirstReview: 3,
  reviewedShare: 3,
  prSize: 3,
};

export const DORA_BANDS = ['elite', 'high', 'medium', 'low'] as const;
export type DoraBand = (typeof DORA_BANDS)[number];

/**
 * The published DORA performance levels (Accelerate State of DevOps Report 2023), as thresholds on this module's
 * units: a value at or better than `elite` is elite, else at or better than `high` is high, and so on.
 */
export const DORA_THRESHOLDS: Record<'deploymentFrequency' | 'leadTime' | 'changeFailureRate' | 'timeToRestore', { elite: number; high: number; medium: number; source: string }> = {
  // On demand (daily or more) / between once a day and once a week / between once a week and once a month / less.
  deploymentFrequency: { elite: 1, high: 1 / 7, medium: 1 / 30, source: 'elite: on demand (at least daily); high: at least weekly; medium: at least monthly; low: less than monthly' },
  // Less than a day / a day to a week / a week to a month / more.
  leadTime: { elite: 24, high: 24 * 7, medium: 24 * 30, source: 'elite: under a day; high: under a week; medium: under a month; low: a month or more' },
  changeFailureRate: { elite: 0.05, high: 0.1, medium: 0.15, source: 'elite: 5% or less; high: 10% or less; medium: 15% or less; low: more than 15%' },
  // Less than an hour / less than a day / a day to a week / more.
  timeToRestore: { elite: 1, high: 24, medium: 24 * 7, source: 'elite: under an hour; high: under a day; medium: under a week; low: a week or more' },
};

/** The DORA band of a value, or null for metrics without bands and for no value. */
export function doraBand(metric: InsightsMetricId, value: number | null | undefined): DoraBand | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (!(metric in DORA_THRESHOLDS)) return null;
  const t = DORA_THRESHOLDS[metric as keyof typeof DORA_THRESHOLDS];
  if (INSIGHTS_METRICS[metric].lowerIsBetter) {
    // Time thresholds are "under"; the failure-rate thresholds are "at most".
    const within = metric === 'changeFailureRate' ? (limit: number) => value <= limit : (limit: number) => value < limit;
    if (within(t.elite)) return 'elite';
    if (within(t.high)) return 'high';
    if (within(t.medium)) return 'medium';
    return 'low';
  }
  if (value >= t.elite) return 'elite';
  if (value >= t.high) return 'high';
  if (value >= t.medium) return 'medium';
  return 'low';
}

// ---------------------------------------------------------------------------------------------------------------
// Facts (scorecards): the 30-day values per entity, under these names (a contract: extend, never rename)

export const INSIGHTS_FACTS = {
  deploysPerWeek: 'insights.deploysPerWeek',
  leadTimeHours: 'insights.leadTimeHours',
  changeFailureRate: 'insights.changeFailureRate',
  timeToRestoreHours: 'insights.timeToRestoreHours',
  prCycleTimeHours: 'insights.prCycleTimeHours',
  reviewedShare: 'insights.reviewedShare',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// The answers of /api/insights

export const insightsIntervalSchema = z.enum(['day', 'week', 'month']);
export type InsightsInterval = z.infer<typeof insightsIntervalSchema>;

/**
 * What a number is computed over: one entity, a group's components (`subTeams`: also its sub-teams'), a system's
 * or a domain's. In query strings: `entityRef=`, `group=` (+ `subTeams=true`), `system=`, `domain=`, each a full ref.
 */
export const insightsScopeSchema = z
  .object({ type: z.enum(['entity', 'group', 'system', 'domain']), ref: z.string(), subTeams: z.boolean().optional() })
  .meta({ id: 'InsightsScope' });
export type InsightsScope = z.infer<typeof insightsScopeSchema>;

/** A value with how many events it rests on; `value` null with `insufficientData` naming why, never a silent 0. */
export const insightsValueSchema = z
  .object({ value: z.number().nullable(), sampleSize: z.number().int(), insufficientData: z.string().optional() })
  .meta({ id: 'InsightsValue' });
export type InsightsValue = z.infer<typeof insightsValueSchema>;

/** One interval of a time series: [start, end), ISO times. */
export const insightsPointSchema = insightsValueSchema.extend({ start: z.string(), end: z.string() }).meta({ id: 'InsightsPoint' });
export type InsightsPoint = z.infer<typeof insightsPointSchema>;

/** One metric over a scope and period: its value, band, the previous period of the same length, and the series. */
export const insightsMetricSchema = insightsValueSchema
  .extend({
    id: insightsMetricIdSchema,
    title: z.string(),
    unit: z.enum(['perDay', 'hours', 'ratio', 'lines']),
    definition: z.string(),
    band: z.enum(DORA_BANDS).nullable(),
    previous: insightsValueSchema,
    series: z.array(insightsPointSchema),
  })
  .meta({ id: 'InsightsMetric' });
export type InsightsMetric = z.infer<typeof insightsMetricSchema>;

/** `GET /api/insights/metrics?<scope>&from&to&interval[&metric=...]`: every metric (or those named) of a scope. */
export const insightsMetricsResponseSchema = z
  .object({
    scope: insightsScopeSchema,
    from: z.string(),
    to: z.string(),
    interval: insightsIntervalSchema,
    /** The entities the scope covers (refs), e.g. a team's components. */
    entityRefs: z.array(z.string()),
    metrics: z.array(insightsMetricSchema),
  })
  .meta({ id: 'InsightsMetrics' });
export type InsightsMetricsResponse = z.infer<typeof insightsMetricsResponseSchema>;

/** `GET /api/insights/breakdown?<scope>&from&to`: each entity of the scope with every metric's value (no series). */
export const insightsBreakdownResponseSchema = z
  .object({
    scope: insightsScopeSchema,
    from: z.string(),
    to: z.string(),
    rows: z.array(z.object({ entityRef: z.string(), title: z.string().optional(), metrics: z.record(insightsMetricIdSchema, insightsValueSchema) })),
  })
  .meta({ id: 'InsightsBreakdown' });
export type InsightsBreakdownResponse = z.infer<typeof insightsBreakdownResponseSchema>;

/**
 * `GET /api/insights/compare?metric=&from&to[&groups=ref,ref][&subTeams=true]`: one metric for every team (groups
 * owning at least one entity with events, or those named), best first. Teams, not people: there is no per-person view.
 */
export const insightsComparisonResponseSchema = z
  .object({
    metric: insightsMetricIdSchema,
    title: z.string(),
    unit: z.enum(['perDay', 'hours', 'ratio', 'lines']),
    definition: z.string(),
    from: z.string(),
    to: z.string(),
    rows: z.array(insightsValueSchema.extend({ groupRef: z.string(), title: z.string().optional(), entities: z.number().int(), band: z.enum(DORA_BANDS).nullable() })),
  })
  .meta({ id: 'InsightsComparison' });
export type InsightsComparisonResponse = z.infer<typeof insightsComparisonResponseSchema>;

/**
 * `GET /api/insights/events?<scope>&metric=&from&to[&cursor]`: the events behind a number, each with whether and why it
 * counted (e.g. a deployment counted as failed: "incident INC-1 opened 40 min after"). Paged (`nextCursor`).
 */
export const insightsEventsResponseSchema = z
  .object({
    metric: insightsMetricIdSchema,
    items: z.array(
      z.object({
        type: z.enum(['deployment', 'pullRequest', 'incident']),
        id: z.string(),
        source: z.string(),
        entityRef: z.string(),
        /** The time that places it in the period (finishedAt, mergedAt, resolvedAt). */
        at: z.string(),
        /** Its contribution, in the metric's unit (hours for a PR's lead time; 1 or 0 for a failure). */
        value: z.number().nullable(),
        /** Plain words: why it counts as it does. */
        reason: z.string(),
        /** The event as stored (push API shape). */
        event: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'InsightsEvents' });
export type InsightsEventsResponse = z.infer<typeof insightsEventsResponseSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Permissions. Reading metrics is authorized as reading the entities they are about (the catalog decides).

/** Push deployments, incidents and pull requests (`POST /api/insights/*`); give it to a CI token's accessRestrictions. */
export const insightsEventsPushPermission = createPermission({ name: 'insights.events.push', attributes: { action: 'create' } });

/** Every permission of the insights plugin. */
export const insightsPermissions = [insightsEventsPushPermission];
