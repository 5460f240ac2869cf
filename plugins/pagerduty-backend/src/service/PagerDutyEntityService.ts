import type { CacheService } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { InputError, NotFoundError } from '@portico/errors';
import {
  ANNOTATION_PAGERDUTY_ACCOUNT,
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  type PagerDutyAnalytics,
  type PagerDutyChangeEvent,
  type PagerDutyEntitySummary,
  type PagerDutyEscalationPolicy,
  type PagerDutyIncident,
  type PagerDutyReference,
  type PagerDutyService,
} from '@portico/plugin-pagerduty-common';
import type { PagerDutyClient } from '../integration/PagerDutyClient';
import { PagerDutyServiceNotFoundError, PagerDutyUnavailableError } from '../integration/pagerdutyErrors';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PdChangeEvent, PdEscalationPolicy, PdIncident, PdOnCall, PdReference, PdService, PdServiceMetrics } from './pagerdutyApiTypes';

/** How long each kind of answer is kept, in milliseconds. */
export interface PagerDutyCacheTtls {
  /** Service, escalation policy and on-call. */
  onCall: number;
  /** Open incidents and change events. */
  incidents: number;
  /** 30-day analytics and integration-key lookups. */
  analytics: number;
}

export const defaultCacheTtls: PagerDutyCacheTtls = { onCall: 60_000, incidents: 60_000, analytics: 3_600_000 };

const DAY_MS = 86_400_000;

/**
 * Every triggered or acknowledged incident, newest first, however long ago it was opened: `GET /incidents` searches
 * only the last month unless told otherwise (`since` defaults to a month ago), and `date_range=all` lifts that.
 */
const OPEN_INCIDENTS_QUERY = { 'statuses[]': ['triggered', 'acknowledged'], date_range: 'all', sort_by: 'created_at:desc' };

/** Where an entity's service lives, read from its annotations. */
export interface PagerDutyServiceTarget {
  account: string | undefined;
  serviceId?: string;
  integrationKey?: string;
}

/** The error for an entity no annotation (and no saved mapping) ties to a service. */
export function noServiceError(entityRef: string): NotFoundError {
  return new NotFoundError(`${entityRef} has no ${ANNOTATION_PAGERDUTY_SERVICE_ID} or ${ANNOTATION_PAGERDUTY_INTEGRATION_KEY} annotation`);
}

/** The service an entity's annotations name; undefined when it has none of them. */
export function annotatedServiceTarget(entity: Entity, entityRef: string): PagerDutyServiceTarget | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const serviceId = annotations[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim();
  const integrationKey = annotations[ANNOTATION_PAGERDUTY_INTEGRATION_KEY]?.trim();
  const account = annotations[ANNOTATION_PAGERDUTY_ACCOUNT]?.trim() || undefined;
  if (!serviceId && !integrationKey) return undefined;
  if (serviceId && !/^[A-Za-z0-9]+$/.test(serviceId)) throw new InputError(`${entityRef} has a malformed ${ANNOTATION_PAGERDUTY_SERVICE_ID} '${serviceId}'`);
  return { account, serviceId: serviceId || undefined, integrationKey: integrationKey || undefined };
}

const reference = (r: PdReference): PagerDutyReference => ({ id: r.id, type: r.type, name: r.summary ?? r.name ?? r.id, htmlUrl: r.html_url ?? null });

/**
 * What the card and tab show for an entity's PagerDuty service, each part cached with its TTL in the cache
 * service and fetched once however many callers ask at the same time.
 */
export class PagerDutyEntityService {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly options: { clients: PagerDutyClients; cache: CacheService; ttls?: PagerDutyCacheTtls; now?: () => number },
  ) {}

  private get ttls(): PagerDutyCacheTtls {
    return this.options.ttls ?? defaultCacheTtls;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The cached value of `key`, else `load()` once (shared by concurrent callers) and cached for `ttl`. */
  private async cached<T>(key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const hit = await this.options.cache.get<T>(key);
    if (hit !== undefined) return hit;
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const loading = (async () => {
      try {
        const value = await load();
        await this.options.cache.set(key, value, { ttl });
        return value;
      } finally {
        this.inFlight.delete(key);
      }
    })();
    this.inFlight.set(key, loading);
    return loading;
  }

  /** The client of the target's account (a 404 naming an account that is not configured). */
  clientOf(target: PagerDutyServiceTarget): PagerDutyClient {
    return this.options.clients.forAccount(target.account);
  }

  /**
   * Which service each integration key of the account belongs to (`GET /services?include[]=integrations`), cached for
   * the analytics TTL: how `pagerduty.com/integration-key` annotations are resolved, listed and checked.
   */
  integrationKeys(client: PagerDutyClient): Promise<Record<string, string>> {
    return this.cached(`integration-keys:${client.id}`, this.ttls.analytics, async () => {
      const services = await client.list<PdService>('/services', 'services', { query: { 'include[]': ['integrations'] }, what: 'the services and their integrations' });
      const map: Record<string, string> = {};
      for (const s of services) for (const i of s.integrations ?? []) if (i.integration_key) map[i.integration_key] = s.id;
      return map;
    });
  }

  /** The account and service id of an annotation target (an integration key is looked up among the account's services). */
  async resolveService(target: PagerDutyServiceTarget): Promise<{ client: PagerDutyClient; serviceId: string }> {
    const client = this.options.clients.forAccount(target.account);
    if (target.serviceId) return { client, serviceId: target.serviceId };
    const key = target.integrationKey!;
    const byKey = await this.integrationKeys(client);
    const serviceId = byKey[key];
    if (!serviceId) throw new PagerDutyServiceNotFoundError(`No service of PagerDuty account '${client.id}' has the integration key named by ${ANNOTATION_PAGERDUTY_INTEGRATION_KEY}`);
    return { client, serviceId };
  }

  /**
   * What the card and tab show. `timeline: false` leaves out the recently resolved incidents and the change events
   * (empty lists), two PagerDuty calls a fact collection does not need.
   */
  async getSummary(options: { entityRef: string; target: PagerDutyServiceTarget; timeline?: boolean }): Promise<PagerDutyEntitySummary> {
    const { client, serviceId } = await this.resolveService(options.target);
    const pd = await this.getService(client, serviceId);
    const timeline = options.timeline ?? true;
    const [escalationPolicy, openIncidents, recentIncidents, changeEvents, analytics] = await Promise.all([
      pd.escalation_policy?.id ? this.getEscalationPolicy(client, pd.escalation_policy.id) : Promise.resolve(null),
      this.getOpenIncidents(client, serviceId),
      timeline ? this.getRecentIncidents(client, serviceId) : Promise.resolve([]),
      timeline ? this.getChangeEvents(client, serviceId) : Promise.resolve([]),
      // An account without the Analytics API still gets its on-call and incidents.
      this.getAnalytics(client, serviceId).catch((error: unknown) => {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 403 || (error instanceof PagerDutyUnavailableError && /answered 402/.test(error.message))) return error as Error;
        throw error;
      }),
    ]);
    const service: PagerDutyService = { id: pd.id, name: pd.name, description: pd.description ?? null, status: pd.status, htmlUrl: pd.html_url, account: client.id };
    if (analytics instanceof Error) return { entityRef: options.entityRef, service, escalationPolicy, openIncidents, recentIncidents, changeEvents, analytics: null, analyticsError: analytics.message };
    return { entityRef: options.entityRef, service, escalationPolicy, openIncidents, recentIncidents, changeEvents, analytics };
  }

  /**
   * Forgets what is cached about a service (a webhook said one of its incidents changed): the service, its
   * escalation policy and on-call, open incidents, change events and analytics. The next read asks PagerDuty.
   */
  async forgetService(options: { account: string; serviceId: string }): Promise<void> {
    const { account, serviceId } = options;
    const service = await this.options.cache.get<PdService>(`service:${account}:${serviceId}`);
    const keys = [`service:${account}:${serviceId}`, `incidents:${account}:${serviceId}`, `recent-incidents:${account}:${serviceId}`, `change-events:${account}:${serviceId}`, `analytics:${account}:${serviceId}`];
    if (service?.escalation_policy?.id) keys.push(`escalation-policy:${account}:${service.escalation_policy.id}`);
    for (const key of keys) this.inFlight.delete(key);
    await Promise.all(keys.map(key => this.options.cache.delete(key)));
  }

  /** The account's services (id, name, link), cached for the analytics TTL. */
  listServices(client: PagerDutyClient): Promise<Array<{ id: string; name: string; htmlUrl: string }>> {
    return this.cached(`services:${client.id}`, this.ttls.analytics, async () => {
      const services = await client.list<PdService>('/services', 'services', { what: 'the services' });
      return services.map(s => ({ id: s.id, name: s.name, htmlUrl: s.html_url }));
    });
  }

  /** One service (cached); a PagerDutyServiceNotFoundError (404) naming it when the account has none of that id. */
  getServiceOf(client: PagerDutyClient, id: string): Promise<PdService> {
    return this.getService(client, id);
  }

  private getService(client: PagerDutyClient, id: string): Promise<PdService> {
    return this.cached(`service:${client.id}:${id}`, this.ttls.onCall, async () => {
      let service: PdService;
      try {
        ({ service } = await client.get<{ service: PdService }>(`/services/${encodeURIComponent(id)}`, { what: `service ${id}` }));
      } catch (error) {
        // The service's own 404, told apart from a 404 of anything else read about it.
        if (error instanceof NotFoundError) throw new PagerDutyServiceNotFoundError(error.message, { cause: error });
        throw error;
      }
      return { id: service.id, name: service.name, description: service.description ?? null, status: service.status, html_url: service.html_url, escalation_policy: service.escalation_policy };
    });
  }

  /** The policy with its levels (lowest first) and who is on call at each now, until when. */
  getEscalationPolicy(client: PagerDutyClient, id: string): Promise<PagerDutyEscalationPolicy> {
    return this.cached(`escalation-policy:${client.id}:${id}`, this.ttls.onCall, async () => {
      const what = `escalation policy ${id}`;
      const [{ escalation_policy: policy }, oncalls] = await Promise.all([
        client.get<{ escalation_policy: PdEscalationPolicy }>(`/escalation_policies/${encodeURIComponent(id)}`, { what }),
        client.list<PdOnCall>('/oncalls', 'oncalls', { query: { 'escalation_policy_ids[]': [id], 'include[]': ['users'] }, what: `the on-calls of ${what}` }),
      ]);
      return toEscalationPolicy(policy, oncalls);
    });
  }

  /**
   * Reads what the summaries of many services need in a few listing requests instead of a few per service, and
   * caches each part under the key (and TTL) its own read uses: the services (`GET /services`), their escalation
   * policies (`GET /escalation_policies`) and on-calls (`GET /oncalls` for up to 50 policies a request), open
   * incidents (`GET /incidents` for up to 50 services) and 30-day analytics (one `POST` for up to 100 services).
   * What it does not find is left uncached, to be read the usual way. Used by the fact collector before a run.
   */
  async prefetch(client: PagerDutyClient, serviceIds: string[]): Promise<void> {
    const wanted = new Set(serviceIds);
    if (wanted.size === 0) return;
    const cache = this.options.cache;
    const services = (await client.list<PdService>('/services', 'services', { what: 'the services' })).filter(s => wanted.has(s.id));
    await Promise.all(
      services.map(s =>
        cache.set(
          `service:${client.id}:${s.id}`,
          { id: s.id, name: s.name, description: s.description ?? null, status: s.status, html_url: s.html_url, escalation_policy: s.escalation_policy },
          { ttl: this.ttls.onCall },
        ),
      ),
    );
    const found = services.map(s => s.id);
    const policyIds = new Set(services.map(s => s.escalation_policy?.id).filter((id): id is string => Boolean(id)));
    if (policyIds.size) {
      const policies = (await client.list<PdEscalationPolicy>('/escalation_policies', 'escalation_policies', { what: 'the escalation policies' })).filter(p => policyIds.has(p.id));
      for (const ids of chunks(policies.map(p => p.id), 50)) {
        const oncalls = await client.list<PdOnCall>('/oncalls', 'oncalls', { query: { 'escalation_policy_ids[]': ids, 'include[]': ['users'] }, what: 'the on-calls of the escalation policies' });
        for (const policy of policies.filter(p => ids.includes(p.id))) {
          const own = oncalls.filter(o => o.escalation_policy?.id === policy.id);
          await cache.set(`escalation-policy:${client.id}:${policy.id}`, toEscalationPolicy(policy, own), { ttl: this.ttls.onCall });
        }
      }
    }
    for (const ids of chunks(found, 50)) {
      const incidents = await client.list<PdIncident>('/incidents', 'incidents', {
        query: { 'service_ids[]': ids, ...OPEN_INCIDENTS_QUERY },
        what: 'the open incidents of the services',
      });
      await Promise.all(ids.map(id => cache.set(`incidents:${client.id}:${id}`, incidents.filter(i => i.service?.id === id).slice(0, 200), { ttl: this.ttls.incidents })));
    }
    const to = new Date(this.now());
    const from = new Date(to.getTime() - 30 * DAY_MS);
    for (const ids of chunks(found, 100)) {
      let rows: PdServiceMetrics[];
      try {
        ({ data: rows } = await client.post<{ data: PdServiceMetrics[] }>(
          '/analytics/metrics/incidents/services',
          { filters: { created_at_start: from.toISOString(), created_at_end: to.toISOString(), service_ids: ids } },
          { what: 'the 30-day analytics of the services' },
        ));
      } catch (error) {
        // An account without the Analytics API: each service's own read says so.
        if ((error as { statusCode?: number }).statusCode === 403 || /answered 402/.test((error as Error).message)) return;
        throw error;
      }
      await Promise.all(ids.map(id => cache.set(`analytics:${client.id}:${id}`, toAnalytics(rows.find(r => r.service_id === id), from, to), { ttl: this.ttls.analytics })));
    }
  }

  private async getOpenIncidents(client: PagerDutyClient, serviceId: string): Promise<PagerDutyIncident[]> {
    const incidents = await this.cached(`incidents:${client.id}:${serviceId}`, this.ttls.incidents, () =>
      client.list<PdIncident>('/incidents', 'incidents', {
        query: { 'service_ids[]': [serviceId], ...OPEN_INCIDENTS_QUERY },
        what: `the open incidents of service ${serviceId}`,
        maxItems: 200,
      }),
    );
    return this.toIncidents(incidents);
  }

  /** Incidents resolved among those created in the last 7 days, newest first (at most 20): the tab's "recent". */
  private async getRecentIncidents(client: PagerDutyClient, serviceId: string): Promise<PagerDutyIncident[]> {
    const incidents = await this.cached(`recent-incidents:${client.id}:${serviceId}`, this.ttls.incidents, () => {
      const until = this.now();
      const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return client.list<PdIncident>('/incidents', 'incidents', {
        query: { 'service_ids[]': [serviceId], 'statuses[]': ['resolved'], since: iso(until - 7 * DAY_MS), until: iso(until + 60_000), sort_by: 'created_at:desc' },
        what: `the recently resolved incidents of service ${serviceId}`,
        limit: 20,
        maxItems: 20,
      });
    });
    return this.toIncidents(incidents);
  }

  private toIncidents(incidents: PdIncident[]): PagerDutyIncident[] {
    const now = this.now();
    return incidents.map(i => ({
      id: i.id,
      number: i.incident_number,
      title: i.title,
      status: i.status,
      urgency: i.urgency,
      createdAt: i.created_at,
      ageSeconds: Math.max(0, Math.round((now - Date.parse(i.created_at)) / 1000)),
      htmlUrl: i.html_url,
      assignees: i.assignments.map(a => reference(a.assignee)),
      ...(i.resolved_at ? { resolvedAt: i.resolved_at } : {}),
    }));
  }

  private getChangeEvents(client: PagerDutyClient, serviceId: string): Promise<PagerDutyChangeEvent[]> {
    return this.cached(`change-events:${client.id}:${serviceId}`, this.ttls.incidents, async () => {
      const since = new Date(this.now() - 7 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const events = await client.list<PdChangeEvent>(`/services/${encodeURIComponent(serviceId)}/change_events`, 'change_events', {
        query: { since },
        what: `the change events of service ${serviceId}`,
        maxItems: 50,
      });
      return events.map(e => ({
        id: e.id,
        summary: e.summary,
        timestamp: e.timestamp,
        source: e.source ?? null,
        links: (e.links ?? []).map(l => ({ href: l.href, text: l.text ?? null })),
      }));
    });
  }

  /** Mean seconds to resolve and to first acknowledgement, and the incident count, over the last 30 days. */
  private getAnalytics(client: PagerDutyClient, serviceId: string): Promise<PagerDutyAnalytics> {
    return this.cached(`analytics:${client.id}:${serviceId}`, this.ttls.analytics, async () => {
      const to = new Date(this.now());
      const from = new Date(to.getTime() - 30 * DAY_MS);
      const { data } = await client.post<{ data: PdServiceMetrics[] }>(
        '/analytics/metrics/incidents/services',
        { filters: { created_at_start: from.toISOString(), created_at_end: to.toISOString(), service_ids: [serviceId] } },
        { what: `the 30-day analytics of service ${serviceId}` },
      );
      return toAnalytics(data.find(d => d.service_id === serviceId), from, to);
    });
  }
}

function toAnalytics(row: PdServiceMetrics | undefined, from: Date, to: Date): PagerDutyAnalytics {
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    totalIncidents: row?.total_incident_count ?? 0,
    meanSecondsToResolve: row?.mean_seconds_to_resolve ?? null,
    meanSecondsToFirstAck: row?.mean_seconds_to_first_ack ?? null,
    totalHighUrgencyIncidents: row?.total_high_urgency_incidents ?? null,
  };
}

function toEscalationPolicy(policy: PdEscalationPolicy, oncalls: PdOnCall[]): PagerDutyEscalationPolicy {
  return {
    id: policy.id,
    name: policy.name,
    htmlUrl: policy.html_url,
    numLoops: policy.num_loops,
    levels: policy.escalation_rules.map((rule, index) => ({
      level: index + 1,
      escalationDelayInMinutes: rule.escalation_delay_in_minutes,
      targets: rule.targets.map(reference),
      onCall: oncalls
        .filter(o => o.escalation_level === index + 1)
        .map(o => ({ user: reference(o.user), email: o.user.email ?? null, schedule: o.schedule ? reference(o.schedule) : null, start: o.start, end: o.end })),
    })),
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
