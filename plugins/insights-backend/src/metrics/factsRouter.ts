import type { RouteRegistry } from '@portico/backend-plugin-api';
import { z } from 'zod';
import type { MetricsService } from './MetricsService';

/** Most entities one facts request may name. */
export const MAX_FACTS_ENTITIES = 500;

export const insightsFactsRequestSchema = z
  .object({ entityRefs: z.array(z.string().min(1).max(500)).min(1).max(MAX_FACTS_ENTITIES) })
  .strict()
  .meta({ id: 'InsightsFactsRequest' });

export const insightsFactsResponseSchema = z
  .object({ facts: z.record(z.string(), z.record(z.string(), z.number())) })
  .meta({ id: 'InsightsFacts' });

/**
 * `POST /facts { entityRefs }` (service principals only): the 30-day values of each entity as scorecard facts
 * (INSIGHTS_FACTS names; a fact without enough data is left out). The scorecards module of this package
 * (src/facts/module.ts) runs inside the scorecards plugin and reads them here. The ingest side mounts it on the
 * plugin's route registry: `registerFactsRoute(routes, metrics)`.
 */
export function registerFactsRoute(routes: RouteRegistry, metrics: MetricsService | (() => MetricsService)): void {
  const get = typeof metrics === 'function' ? metrics : () => metrics;
  routes.route(
    {
      method: 'post',
      path: '/facts',
      summary: 'The 30-day values of entities as scorecard facts',
      description:
        'For the scorecards plugin: each named entity with its 30-day insights facts (insights.deploysPerWeek, insights.leadTimeHours, ' +
        'insights.changeFailureRate, insights.timeToRestoreHours, insights.prCycleTimeHours, insights.reviewedShare). A fact without enough ' +
        `data is absent, so rules on it are unknown rather than failing. At most ${MAX_FACTS_ENTITIES} entities per request. Services only.`,
      auth: 'service',
      body: insightsFactsRequestSchema,
      response: { description: 'Facts per entity ref, as named in the request', schema: insightsFactsResponseSchema },
    },
    async ({ body }) => {
      const facts = await get().facts(body.entityRefs, new Date());
      return { facts: Object.fromEntries(facts) };
    },
  );
}
