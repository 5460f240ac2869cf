import type { EventsService, LoggerService } from '@portico/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@portico/errors';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { MAX_PUSH_BATCH, type IncidentEvent } from '@portico/plugin-insights-common';
import type { InsightsBackfillContext, InsightsSink, InsightsSource } from '@portico/plugin-insights-node';
import { PAGERDUTY_INCIDENT_TOPICS, type PagerDutyIncidentEvent } from '@portico/plugin-pagerduty-common';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PdIncident } from '../service/pagerdutyApiTypes';
import type { PagerDutyEntityService } from '../service/PagerDutyEntityService';
import { PAGERDUTY_INSIGHTS_SOURCE, toIncidentEvents } from './incidentEvents';
import { mappedServices, type MappedService } from './mappedServices';

const DAY_MS = 86_400_000;
/** PagerDuty answers `GET /incidents` over at most 6 months: the backfill reads windows of 90 days at most. */
export const BACKFILL_WINDOW_MS = 90 * DAY_MS;
/** Classic pagination stops at 10,000 items: a window that full is read again in halves. */
const MAX_WINDOW_ITEMS = 10_000;
const MIN_WINDOW_MS = 60_000;

/** Where a service's backfill stopped: read up to `until`; `openSince` is the oldest incident still open then. */
interface ServiceCheckpoint {
  until: string;
  openSince?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface PagerDutyInsightsSourceOptions {
  clients: PagerDutyClients;
  catalog: CatalogApi;
  /** A token for the catalog as this module's plugin (undefined where none is needed). */
  catalogToken: () => Promise<string | undefined>;
  /** Resolves integration keys to services (cached). */
  service: PagerDutyEntityService;
  events: EventsService;
  logger: LoggerService;
  now?: () => number;
}

/**
 * The `pagerduty` insights source: incidents of every PagerDuty service an entity is mapped to (annotation, or a
 * mapping saved on the services page, which the catalog turns into the annotation), backfilled through
 * `GET /incidents` and kept current by the `pagerduty.incident.*` events the webhook route publishes.
 */
export function createPagerDutyInsightsSource(options: PagerDutyInsightsSourceOptions): InsightsSource {
  const { clients, catalog, catalogToken, service, events, logger } = options;
  const now = options.now ?? Date.now;

  async function write(sink: InsightsSink, items: IncidentEvent[]): Promise<void> {
    for (let i = 0; i < items.length; i += MAX_PUSH_BATCH) await sink.addIncidents(items.slice(i, i + MAX_PUSH_BATCH));
  }

  /** Every incident of one service created in [from, to), in order of creation; a window too full is split. */
  async function readWindow(mapped: MappedService, from: number, to: number, signal?: AbortSignal): Promise<PdIncident[]> {
    const client = clients.forAccount(mapped.account);
    const incidents = await client.list<PdIncident>('/incidents', 'incidents', {
      query: {
        'service_ids[]': [mapped.serviceId],
        since: iso(from),
        until: iso(to),
        'statuses[]': ['triggered', 'acknowledged', 'resolved'],
        sort_by: 'created_at:asc',
        time_zone: 'UTC',
      },
      what: `the incidents of service ${mapped.serviceId} from ${iso(from)} to ${iso(to)}`,
      maxItems: MAX_WINDOW_ITEMS,
      signal,
    });
    if (incidents.length < MAX_WINDOW_ITEMS || to - from <= MIN_WINDOW_MS) return incidents;
    const middle = from + Math.floor((to - from) / 2);
    return [...(await readWindow(mapped, from, middle, signal)), ...(await readWindow(mapped, middle, to, signal))];
  }

  async function backfillService(mapped: MappedService, context: InsightsBackfillContext, until: number): Promise<void> {
    const key = `service:${mapped.account}/${mapped.serviceId}`;
    const saved = await context.checkpoint.get(key);
    let checkpoint: ServiceCheckpoint | undefined;
    try {
      checkpoint = saved ? (JSON.parse(saved) as ServiceCheckpoint) : undefined;
    } catch {
      checkpoint = undefined; // unreadable: read the whole window again (writes are idempotent)
    }
    const since = context.since.getTime();
    const done = checkpoint ? Date.parse(checkpoint.until) : NaN;
    // Incidents open at the last read are read again, so their resolution is written even if its webhook was missed.
    const openSince = checkpoint?.openSince ? Date.parse(checkpoint.openSince) : NaN;
    let from = Number.isFinite(done) ? Math.min(done, Number.isFinite(openSince) ? openSince : done) : since;
    from = Math.max(from, since);
    let oldestOpen: number | undefined = from === done && Number.isFinite(openSince) ? openSince : undefined;
    while (from < until) {
      const to = Math.min(from + BACKFILL_WINDOW_MS, until);
      const incidents = await readWindow(mapped, from, to, context.signal);
      await write(context.sink, incidents.flatMap(incident => toIncidentEvents(incident, mapped.entityRefs)));
      for (const incident of incidents) {
        const created = Date.parse(incident.created_at);
        if (incident.status !== 'resolved' && (oldestOpen === undefined || created < oldestOpen)) oldestOpen = created;
      }
      await context.checkpoint.set(key, JSON.stringify({ until: iso(to), ...(oldestOpen !== undefined ? { openSince: iso(oldestOpen) } : {}) } satisfies ServiceCheckpoint));
      from = to;
    }
  }

  return {
    id: PAGERDUTY_INSIGHTS_SOURCE,

    async backfill(context) {
      const until = now();
      const services = await mappedServices({ catalog, clients, service, token: await catalogToken() });
      const failures: string[] = [];
      for (const mapped of services) {
        try {
          await backfillService(mapped, context, until);
        } catch (error) {
          if (context.signal?.aborted) throw error;
          // A service that is gone or out of the key's reach fails every run the same way: said, not retried sooner.
          if (error instanceof NotFoundError || error instanceof NotAllowedError) logger.warn(`PagerDuty insights: service ${mapped.serviceId} of account '${mapped.account}' skipped: ${(error as Error).message}`);
          else failures.push(`${mapped.account}/${mapped.serviceId}: ${(error as Error).message}`);
        }
      }
      // The others were read; the failed ones resume from their checkpoints on the next run.
      if (failures.length) throw new Error(`PagerDuty insights backfill failed for ${failures.length} of ${services.length} services: ${failures.join('; ')}`);
    },

    async connect(sink) {
      await events.subscribe({
        id: 'insights-pagerduty-incidents',
        topics: [...PAGERDUTY_INCIDENT_TOPICS],
        // One instance writes each event (writes are idempotent anyway).
        delivery: 'once',
        onEvent: async ({ payload }) => {
          const event = payload as PagerDutyIncidentEvent;
          if (event?.eventType !== 'incident.triggered' && event?.eventType !== 'incident.resolved') return;
          if (!event.entityRefs?.length) return;
          try {
            await write(sink, toIncidentEvents(await incidentOf(event), event.entityRefs));
          } catch (error) {
            // The next backfill reads it (open incidents are read again until resolved).
            logger.warn(`PagerDuty ${event.eventType} ${event.eventId} (incident ${event.incident?.id}) not written to insights: ${(error as Error).message}`);
          }
        },
      });
    },
  };

  /** The incident as PagerDuty has it now (created_at, resolved_at, priority); from the event alone when it cannot answer. */
  async function incidentOf(event: PagerDutyIncidentEvent): Promise<PdIncident> {
    try {
      const { incident } = await clients.forAccount(event.account).get<{ incident: PdIncident }>(`/incidents/${encodeURIComponent(event.incident.id)}`, { what: `incident ${event.incident.id}` });
      return incident;
    } catch (error) {
      // A trigger opened the incident when it happened; a resolution without its start cannot be written.
      if (event.eventType !== 'incident.triggered') throw error;
      return {
        id: event.incident.id,
        incident_number: event.incident.number ?? 0,
        title: event.incident.title ?? '',
        status: 'triggered',
        urgency: event.incident.urgency === 'low' ? 'low' : 'high',
        created_at: event.occurredAt,
        html_url: event.incident.htmlUrl ?? '',
        assignments: [],
      };
    }
  }
}
