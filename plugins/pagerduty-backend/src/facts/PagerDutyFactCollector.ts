import { z } from 'zod';
import type { CacheService, LoggerService } from '@portico/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type { CollectedFacts, FactCollector } from '@portico/plugin-scorecards-node';
import { PagerDutyServiceNotFoundError, PagerDutyUnavailableError } from '../integration/pagerdutyErrors';
import type { PagerDutyClient } from '../integration/PagerDutyClient';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PdIncident } from '../service/pagerdutyApiTypes';
import { annotatedServiceTarget, defaultCacheTtls, type PagerDutyEntityService, type PagerDutyServiceTarget } from '../service/PagerDutyEntityService';

const count = z.number().int().nonnegative();

/** The facts this collector produces, by name (all prefixed `pagerduty.`). The names are a contract. */
export const pagerdutyFacts = {
  'pagerduty.hasService': z.boolean(),
  'pagerduty.escalationLevels': count,
  'pagerduty.hasOnCall': z.boolean(),
  'pagerduty.onCallCountLevel1': count,
  'pagerduty.openIncidents.high': count,
  'pagerduty.openIncidents.low': count,
  'pagerduty.incidents30d': count,
  'pagerduty.mttrHours30d': z.number().nonnegative(),
  'pagerduty.mttaMinutes30d': z.number().nonnegative(),
  'pagerduty.lastIncidentAt': z.iso.datetime({ offset: true }),
};

export type PagerDutyFacts = Partial<{ [K in keyof typeof pagerdutyFacts]: z.infer<(typeof pagerdutyFacts)[K]> }>;

/** The cache key of a service's latest incident (what `pagerduty.lastIncidentAt` reads). */
export const lastIncidentCacheKey = (account: string, serviceId: string) => `last-incident:${account}:${serviceId}`;

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The facts of one service. A service PagerDuty does not know (its own 404, or no service with the integration key)
 * is `hasService: false`; any other failure (PagerDuty down, rate limit, a 403, a 404 of something else the summary
 * reads, such as an escalation policy deleted meanwhile) throws, so the entity's facts stay as they were and become
 * stale (rules using them unknown), never a false fail. Analytics PagerDuty refuses are left out.
 */
export async function collectServiceFacts(options: { service: PagerDutyEntityService; clients: PagerDutyClients; cache: CacheService; entityRef: string; target: PagerDutyServiceTarget }): Promise<PagerDutyFacts> {
  const { service, clients, cache, entityRef, target } = options;
  // An account that is not configured is the portal's problem, not a fact about the entity: it throws.
  const client = clients.forAccount(target.account);
  let summary;
  try {
    // No timeline: no fact reads the change events or the resolved incidents.
    summary = await service.getSummary({ entityRef, target, timeline: false });
  } catch (error) {
    if (error instanceof PagerDutyServiceNotFoundError) return { 'pagerduty.hasService': false };
    throw error;
  }
  const levels = summary.escalationPolicy?.levels ?? [];
  const onCallLevel1 = levels.find(l => l.level === 1)?.onCall.length ?? 0;
  const facts: PagerDutyFacts = {
    'pagerduty.hasService': true,
    'pagerduty.escalationLevels': levels.length,
    'pagerduty.hasOnCall': onCallLevel1 > 0,
    'pagerduty.onCallCountLevel1': onCallLevel1,
    'pagerduty.openIncidents.high': summary.openIncidents.filter(i => i.urgency === 'high').length,
    'pagerduty.openIncidents.low': summary.openIncidents.filter(i => i.urgency === 'low').length,
  };
  if (summary.analytics) {
    facts['pagerduty.incidents30d'] = summary.analytics.totalIncidents;
    if (summary.analytics.meanSecondsToResolve !== null) facts['pagerduty.mttrHours30d'] = round(summary.analytics.meanSecondsToResolve / 3600, 2);
    if (summary.analytics.meanSecondsToFirstAck !== null) facts['pagerduty.mttaMinutes30d'] = round(summary.analytics.meanSecondsToFirstAck / 60, 2);
  }
  const serviceId = summary.service.id;
  const key = lastIncidentCacheKey(client.id, serviceId);
  let last = await cache.get<{ at: string | null }>(key);
  if (!last) {
    const [latest] = await client.list<PdIncident>('/incidents', 'incidents', {
      query: { 'service_ids[]': [serviceId], date_range: 'all', sort_by: 'created_at:desc' },
      limit: 1,
      maxItems: 1,
      what: `the latest incident of service ${serviceId}`,
    });
    last = { at: latest?.created_at ?? null };
    await cache.set(key, last, { ttl: defaultCacheTtls.incidents });
  }
  if (last.at) facts['pagerduty.lastIncidentAt'] = new Date(last.at).toISOString();
  return facts;
}

/**
 * `lastIncidentAt` of many services: the latest incidents of up to 50 services a request, newest first. A service met
 * on the page has its latest incident; when the page is the last one (`more: false`), a service not met has none.
 * Others are left to their own request.
 */
async function prefetchLastIncidents(client: PagerDutyClient, serviceIds: string[], cache: CacheService): Promise<void> {
  for (let i = 0; i < serviceIds.length; i += 50) {
    const ids = serviceIds.slice(i, i + 50);
    const page = await client.get<{ incidents?: PdIncident[]; more?: boolean }>('/incidents', {
      query: { 'service_ids[]': ids, date_range: 'all', sort_by: 'created_at:desc', limit: 100, offset: 0 },
      what: 'the latest incidents of the services',
    });
    const latest = new Map<string, string>();
    for (const incident of page.incidents ?? []) if (incident.service?.id && !latest.has(incident.service.id)) latest.set(incident.service.id, incident.created_at);
    for (const id of ids) {
      const at = latest.get(id);
      if (at === undefined && page.more !== false) continue;
      await cache.set(lastIncidentCacheKey(client.id, id), { at: at ?? null }, { ttl: defaultCacheTtls.incidents });
    }
  }
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function eachLimited<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}

/**
 * A scorecards fact collector over entities annotated `pagerduty.com/service-id` or `pagerduty.com/integration-key`.
 * PagerDuty's rate limit is respected: a few services at a time, 429s waited out by the client, and an account
 * that is down or still rate-limiting after its retries is not asked again in that run (its entities' facts go stale).
 */
export function createPagerDutyFactCollector(options: {
  service: PagerDutyEntityService;
  clients: PagerDutyClients;
  cache: CacheService;
  logger: LoggerService;
  /** ISO-8601 duration between runs (default PT30M). */
  schedule?: string;
  /** ISO-8601 duration after which the facts are stale (default PT2H). */
  freshness?: string;
  /** Services read at the same time (default 4). */
  concurrency?: number;
  /**
   * From how many services of one account a run first reads them in batches (listings of many services a request,
   * see PagerDutyEntityService.prefetch) instead of a few requests per service (default 20).
   */
  batchFrom?: number;
}): FactCollector {
  const { logger } = options;
  return {
    id: 'pagerduty',
    // Entity filters match values, not presence: every entity comes in, those without an annotation are skipped.
    facts: pagerdutyFacts,
    schedule: options.schedule ?? 'PT30M',
    freshness: options.freshness ?? 'PT2H',
    async collect(entities: Entity[], { signal }): Promise<CollectedFacts[]> {
      const out: CollectedFacts[] = [];
      const unavailable = new Map<string, string>();
      const targets: Array<{ entityRef: string; target: PagerDutyServiceTarget }> = [];
      for (const entity of entities) {
        const entityRef = stringifyEntityRef(entity);
        try {
          const target = annotatedServiceTarget(entity, entityRef);
          if (target) targets.push({ entityRef, target });
        } catch (error) {
          logger.warn(`PagerDuty facts for ${entityRef} skipped: ${(error as Error).message}`);
        }
      }
      // Many services of one account: read them in batches first (the per-service reads below then hit the cache).
      const byAccount = new Map<string, Set<string>>();
      for (const { target } of targets) {
        if (!target.serviceId) continue;
        const account = target.account ?? options.clients.defaultAccountId ?? '';
        byAccount.set(account, (byAccount.get(account) ?? new Set()).add(target.serviceId));
      }
      for (const [account, ids] of byAccount) {
        if (ids.size < (options.batchFrom ?? 20) || signal?.aborted) continue;
        try {
          const client = options.clients.forAccount(account);
          await options.service.prefetch(client, [...ids]);
          await prefetchLastIncidents(client, [...ids], options.cache);
        } catch (error) {
          if (error instanceof PagerDutyUnavailableError) unavailable.set(account, error.message);
          else logger.warn(`PagerDuty facts of account '${account}': reading in batches failed, reading service by service: ${(error as Error).message}`);
        }
      }
      await eachLimited(targets, options.concurrency ?? 4, async ({ entityRef, target }) => {
        const account = target.account ?? options.clients.defaultAccountId ?? '';
        if (signal?.aborted || unavailable.has(account)) return;
        try {
          const facts = await collectServiceFacts({ ...options, entityRef, target });
          out.push({ entityRef, facts });
        } catch (error) {
          if (error instanceof PagerDutyUnavailableError) unavailable.set(account, error.message);
          else logger.warn(`PagerDuty facts for ${entityRef} failed: ${(error as Error).message}`);
        }
      });
      for (const [account, reason] of unavailable) logger.warn(`PagerDuty facts of account '${account}' not collected this run; they stay as they were until fresh ones arrive: ${reason}`);
      return out;
    },
  };
}
