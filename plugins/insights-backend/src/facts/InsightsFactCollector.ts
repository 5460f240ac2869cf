import { z } from 'zod';
import type { AuthService, DiscoveryService } from '@portico/backend-plugin-api';
import { stringifyEntityRef } from '@portico/catalog-model';
import { INSIGHTS_FACTS } from '@portico/plugin-insights-common';
import type { CollectedFacts, FactCollector } from '@portico/plugin-scorecards-node';

const nonNegative = z.number().nonnegative();
const share = z.number().min(0).max(1);

/** The facts the collector produces (INSIGHTS_FACTS names): the 30-day values of each entity. */
export const insightsFactSchemas: Record<string, z.ZodType> = {
  [INSIGHTS_FACTS.deploysPerWeek]: nonNegative,
  [INSIGHTS_FACTS.leadTimeHours]: nonNegative,
  [INSIGHTS_FACTS.changeFailureRate]: share,
  [INSIGHTS_FACTS.timeToRestoreHours]: nonNegative,
  [INSIGHTS_FACTS.prCycleTimeHours]: nonNegative,
  [INSIGHTS_FACTS.reviewedShare]: share,
};

/** Entities per request to POST /api/insights/facts (its limit). */
const BATCH = 500;

/**
 * Reads the 30-day values from the insights plugin (`POST /api/insights/facts`, as this module's service identity):
 * this collector runs inside the scorecards plugin, which cannot reach insights' database. A fact with too little
 * data is absent, so rules on it are unknown rather than failing. An insights plugin that cannot be reached throws:
 * the facts stored before are kept until they go stale.
 */
export function createInsightsFactCollector(options: { discovery: DiscoveryService; auth: AuthService; schedule?: string; freshness?: string }): FactCollector {
  const { discovery, auth } = options;
  return {
    id: 'insights',
    filter: { kind: 'component' },
    facts: insightsFactSchemas,
    schedule: options.schedule ?? 'PT1H',
    // A fact a collection leaves out (too little data now) is not deleted: it goes stale, and its rules unknown, after this.
    freshness: options.freshness ?? 'PT3H',
    collectOnChange: true,
    async collect(entities, { signal } = {}): Promise<CollectedFacts[]> {
      const refs = entities.map(e => stringifyEntityRef(e));
      const out: CollectedFacts[] = [];
      if (!refs.length) return out;
      const url = `${await discovery.getBaseUrl('insights')}/facts`;
      const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'insights' });
      for (let i = 0; i < refs.length; i += BATCH) {
        const entityRefs = refs.slice(i, i + BATCH);
        const response = await fetch(url, {
          method: 'POST',
          // a call between plugins: uncompressed (compressing costs both sides more than the bytes on loopback)
          headers: { 'content-type': 'application/json', 'accept-encoding': 'identity', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ entityRefs }),
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
        });
        if (!response.ok) throw new Error(`insights answered ${response.status} to the facts of ${entityRefs.length} entities: ${(await response.text()).slice(0, 300)}`);
        const body = (await response.json()) as { facts?: Record<string, Record<string, number>> };
        for (const entityRef of entityRefs) out.push({ entityRef, facts: body.facts?.[entityRef] ?? {} });
      }
      return out;
    },
  };
}
